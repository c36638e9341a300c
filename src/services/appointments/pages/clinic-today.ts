import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { pageContext } from '../../../platform/http/server.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { table } from '../../../platform/web/components.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import { civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { treatingDoctor } from '../referrals/clinic.ts';
import { referralArt } from '../referrals/citations.ts';
import type { ReferralDeps } from '../referrals/context.ts';
import { lawLink, sendHtml, t } from '../referrals/page-kit.ts';
import { assetLinks, auditRead, documentTypeLabel } from './desk-kit.ts';

export interface TodayPatient {
  readonly bookingId: number;
  readonly ticketNo: number;
  readonly period: string;
  readonly status: string;
  readonly channel: string;
  readonly patient: string;
  readonly docType: string;
  readonly docNumber: string;
  /** The upward referral this booking came from, if any, and whether it has been handed back. */
  readonly referralId: number | null;
  readonly handedBack: boolean;
}

/** Today's booked and checked-in patients of one doctor's sessions (第十九条, 第二十四条). */
export async function patientsToday(k: Kysely<AppointmentDb>, doctorId: number, today: CivilDate): Promise<TodayPatient[]> {
  const rows = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .leftJoin('appt_referrals as r', (j) => j.onRef('r.booking_id', '=', 'b.id').on('r.direction', '=', 'up'))
    .select(['b.id', 'b.ticket_no', 'b.period_start', 'b.period_end', 'b.status', 'b.channel', 'p.name', 'b.patient_doc_type', 'b.patient_doc_number', 'r.id as referral_id', 'r.status as referral_status'])
    .where('se.doctor_id', '=', doctorId)
    .where('b.visit_date', '=', today)
    .where('b.status', 'in', ['booked', 'checked_in'])
    .orderBy('b.period_start')
    .orderBy('b.ticket_no')
    .execute();
  return rows.map((r) => ({
    bookingId: Number(r.id),
    ticketNo: Number(r.ticket_no),
    period: `${r.period_start}–${r.period_end}`,
    status: r.status,
    channel: r.channel,
    patient: r.name,
    docType: r.patient_doc_type,
    docNumber: r.patient_doc_number,
    referralId: r.referral_id === null ? null : Number(r.referral_id),
    handedBack: r.referral_status === 'handed_back',
  }));
}

/** The doctor workstation's list of today's patients, with in-clinic booking and hand-back. */
export function registerClinicToday(app: FastifyInstance, deps: ReferralDeps): void {
  app.get('/appointments/clinic/today', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    if (!req.viewer) return reply.redirect('/staff/sign-in', 303);
    const me = req.viewer.role === 'doctor' ? await treatingDoctor(deps.k, req.viewer.id, req.viewer.organisationId) : undefined;
    if (!me) {
      return sendHtml(reply, page(ctx, { title: t(l, '无权访问', 'Not allowed'), body: html`<p>${t(l, '只有关联了本院注册医师的医生账号可以查看今日患者。', 'Only a doctor account linked to a registered doctor can see today’s patients.')} ${lawLink(referralArt.clinicBooking)}</p>` }), 403);
    }
    const today = civilDateOf(deps.clock.now());
    const rows = await patientsToday(deps.k, me.doctorId, today);
    if (rows.length) await auditRead(deps, req, 'booking.list', 'appt_booking', { desk: 'clinic_today', date: today, count: rows.length });
    const waiting = rows.filter((r) => r.status === 'checked_in').length;
    const body = html`${assetLinks()}
<p>${t(l, `今日（${today}）您的出诊共 ${rows.length} 位患者，已取号 ${waiting} 位。`, `Today (${today}) your sessions have ${rows.length} patients; ${waiting} checked in.`)}</p>
<p>${t(l, '需要复诊、上级医师、相关专业科室或会诊的，可为其诊间预约；社区转诊来的患者病情稳定后，转回社区继续管理。', 'Book follow-ups, seniors, other departments or consultations from the clinic; hand referred patients back to their community centre when stable.')} ${lawLink(referralArt.clinicBooking)} · ${lawLink(referralArt.handBack)}</p>
${table(
  [t(l, '时段', 'Period'), t(l, '序号', 'No.'), t(l, '患者', 'Patient'), t(l, '证件', 'Document'), t(l, '状态', 'Status'), t(l, '来源', 'Source'), ''],
  rows.map((r) => [
    r.period,
    String(r.ticketNo),
    r.patient,
    `${documentTypeLabel(l, r.docType)} ${maskDocumentNumber(r.docNumber)}`,
    r.status === 'checked_in' ? html`<span class="tag">${t(l, '已取号', 'Checked in')}</span>` : html`<span class="tag grey">${t(l, '待取号', 'Not yet arrived')}</span>`,
    r.referralId !== null ? html`<span class="tag">${t(l, '社区转诊', 'Referral')}</span>` : channelLabel(l, r.channel),
    html`<a href="/appointments/clinic?booking=${String(r.bookingId)}">${t(l, '诊间预约', 'Book next visit')}<span class="visually-hidden"> ${r.patient}</span></a>${r.referralId !== null && r.status === 'checked_in' && !r.handedBack ? html` · <a href="/referrals/${String(r.referralId)}/hand-back">${t(l, '转回社区', 'Hand back')}<span class="visually-hidden"> ${r.patient}</span></a>` : ''}`,
  ]),
  t(l, '今日患者', 'Today’s patients'),
)}
<p><a href="/appointments/clinic">${t(l, '为其他就诊者诊间预约', 'Book for another patient')}</a></p>`;
    return sendHtml(reply, page(ctx, { title: t(l, '今日患者', 'Today’s patients'), body }));
  });
}

function channelLabel(l: 'zh-CN' | 'en', channel: string): string {
  const labels: Record<string, [string, string]> = {
    web: ['网络预约', 'Online'],
    phone: ['电话预约', 'Phone'],
    onsite: ['现场预约', 'On site'],
    window: ['窗口挂号', 'Window'],
    clinic: ['诊间预约', 'Clinic'],
    referral: ['社区转诊', 'Referral'],
  };
  const x = labels[channel];
  return x ? t(l, x[0], x[1]) : channel;
}
