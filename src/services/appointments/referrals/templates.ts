import { defineTemplate } from '../../../platform/notify/templates.ts';
import type { ConfirmationParams } from '../templates.ts';

/** What a referral adds to the booking confirmation: the slip number and who referred. */
export interface ReferralSlipExtra {
  slipNo: string;
  referredBy: string;
}

/**
 * 第十八条 via 预约转诊单: period, department, doctor title, how to cancel, the no-show rule; and for a
 * referral, the referral window or kiosk (第八条 (六)) and the priority of 第十一条. One message
 * replaces the ordinary confirmation, so the patient gets one text per booking.
 */
export const referralBooked = defineTemplate<ConfirmationParams & ReferralSlipExtra>('appointments.referral_booked', {
  'zh-CN': (p) =>
    `【西城区分级诊疗平台】${p.referredBy}已为您预约转诊（转诊单号${p.slipNo}）：${p.institution}${p.department}（${p.title}），${p.visitDate} ${p.period}，就诊序号${p.ticketNo}。请凭预约时使用的证件在就诊时段到“西城区预约转诊取号专用窗口”或自助机取号，转诊患者优先就诊、优先检查、优先住院。如需取消，请在就诊前一日24时前联系家庭医生取消；未就诊又未取消视为违约，3个月内违约3次将列入违约名单。`,
  en: (p) =>
    `[Xicheng appointments] ${p.referredBy} referred you (slip ${p.slipNo}): ${p.institution} ${p.department} (${p.title}), ${p.visitDate} ${p.period}, ticket ${p.ticketNo}. Take your ticket at the referral window or kiosk during that period with the ID used to book; referred patients get priority for visits, exams and admission. To cancel, ask your family doctor by midnight before the visit. A missed visit that was not cancelled is a violation; 3 in 3 months bar booking for 3 months.`,
});

/** 第二十八条: the community centre is told that a patient comes back to it. */
export const handBackSent = defineTemplate<{ hospital: string; centre: string; slipNo: string }>('appointments.referral_hand_back', {
  'zh-CN': (p) => `【西城区分级诊疗平台】${p.hospital}已将您转回${p.centre}继续治疗和康复（转诊单号${p.slipNo}），诊疗信息和后续方案已转至社区，请按家庭医生的安排复诊。`,
  en: (p) => `[Xicheng appointments] ${p.hospital} has referred you back to ${p.centre} for continued care (slip ${p.slipNo}). Your diagnosis and plan have been sent to the centre; follow your family doctor’s arrangements.`,
});

/** Who referred, as the slip and its SMS name them: the centre and the family doctor. */
export function referredByText(organisationName: string | null, doctorName: string): string {
  return `${organisationName ?? ''}家庭医生${doctorName}`;
}

export function slipNumber(referralId: number, createdOn: string): string {
  return `ZZ${createdOn.replace(/-/g, '')}${String(referralId).padStart(6, '0')}`;
}
