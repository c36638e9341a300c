import { defineTemplate } from '../../platform/notify/templates.ts';

export interface ConfirmationParams {
  institution: string;
  department: string;
  title: string;
  visitDate: string;
  period: string;
  ticketNo: number;
}

/** 第十八条: period, department, doctor title, how to cancel, and the no-show rule. */
export const bookingConfirmed = defineTemplate<ConfirmationParams>('appointments.booking_confirmed', {
  'zh-CN': (p) =>
    `【西城区分级诊疗平台】预约成功：${p.institution}${p.department}（${p.title}），${p.visitDate} ${p.period}，就诊序号${p.ticketNo}。请凭预约时使用的证件在就诊时段取号。如需取消，请在就诊前一日24时前通过平台“我的预约”取消；预约后未就诊又未取消视为违约，3个月内违约3次将列入违约名单，3个月内不能预约。`,
  en: (p) =>
    `[Xicheng appointments] Booked: ${p.institution} ${p.department} (${p.title}), ${p.visitDate} ${p.period}, ticket ${p.ticketNo}. Check in during that period with the ID you booked with. To cancel, use "My bookings" by midnight before the visit. A missed booking that was not cancelled is a violation; 3 in 3 months bar booking for 3 months.`,
});

export const bookingCancelled = defineTemplate<{ institution: string; department: string; visitDate: string; period: string }>('appointments.booking_cancelled', {
  'zh-CN': (p) => `【西城区分级诊疗平台】您预约的${p.institution}${p.department} ${p.visitDate} ${p.period} 已取消。`,
  en: (p) => `[Xicheng appointments] Your booking at ${p.institution} ${p.department} on ${p.visitDate} ${p.period} is cancelled.`,
});

export const sessionStopped = defineTemplate<{ institution: string; department: string; visitDate: string; period: string; substitute: string | null; special: boolean }>('appointments.session_stopped', {
  'zh-CN': (p) =>
    `【西城区分级诊疗平台】${p.institution}${p.department} ${p.visitDate} ${p.period} 的出诊${p.special ? '因特殊情况' : ''}停诊。${p.substitute ? `可改由${p.substitute}替诊，` : ''}您可在“我的预约”中${p.substitute ? '接受替诊、' : ''}改约其他时间或免责取消。`,
  en: (p) =>
    `[Xicheng appointments] The session at ${p.institution} ${p.department} on ${p.visitDate} ${p.period} is ${p.special ? 'cancelled at short notice' : 'stopped'}. ${p.substitute ? `A ${p.substitute} can see you instead. ` : ''}In "My bookings" you can ${p.substitute ? 'accept the substitute, ' : ''}choose a new time, or cancel without penalty.`,
});

export const violationListed = defineTemplate<{ endsOn: string }>('appointments.violation_listed', {
  'zh-CN': (p) => `【西城区分级诊疗平台】因违约，您已被列入违约名单，${p.endsOn}前无法使用预约诊疗和预约转诊服务。`,
  en: (p) => `[Xicheng appointments] You are on the violation list and cannot book or be referred until ${p.endsOn}.`,
});
