import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import { checkPublishDate, checkScheduleChange, checkSessionPlan, type InstitutionLevel, type SlotPlan, type TicketShares } from '../rules/schedule.ts';

export interface PublishRequest {
  readonly institutionId: number;
  readonly departmentId: number;
  readonly doctorId?: number | undefined;
  readonly resourceId?: number | undefined;
  readonly visitDate: CivilDate;
  readonly slots: readonly SlotPlan[];
}

/** Publish one doctor's (or resource's) session: its slots and numbered tickets split into pools. */
export async function publishSession(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, req: PublishRequest): Promise<Decision<{ sessionId: number; shares: TicketShares }>> {
  const k = trx as Kysely<AppointmentDb>;
  const inst = await k.selectFrom('appt_institutions').selectAll().where('id', '=', req.institutionId).executeTakeFirst();
  if (!inst) return refuse(reason('institution_not_found', '未找到该医疗机构', 'No such institution', art.registry));
  const dept = await k.selectFrom('appt_departments').select(['id']).where('id', '=', req.departmentId).where('institution_id', '=', req.institutionId).executeTakeFirst();
  if (!dept) return refuse(reason('department_not_found', '该机构没有这个科室', 'No such department at this institution', art.registry));
  let title = '';
  if (req.doctorId) {
    const doc = await k.selectFrom('appt_doctors').select(['title']).where('id', '=', req.doctorId).where('department_id', '=', req.departmentId).executeTakeFirst();
    if (!doc) return refuse(reason('doctor_not_found', '该科室没有这位医生', 'No such doctor in this department', art.registry));
    title = doc.title;
  } else if (req.resourceId) {
    const res = await k.selectFrom('appt_resources').select(['name']).where('id', '=', req.resourceId).where('institution_id', '=', req.institutionId).executeTakeFirst();
    if (!res) return refuse(reason('resource_not_found', '该机构没有这项资源', 'No such resource at this institution', art.registry));
    title = res.name;
  } else {
    return refuse(reason('invalid_request', '出诊安排须指定医生或医技资源', 'A session names a doctor or a resource', art.registry));
  }
  const when = checkPublishDate(civilDateOf(clock.now()), req.visitDate);
  if (!when.allowed) return when;
  const plan = checkSessionPlan({ level: inst.level as InstitutionLevel, type: inst.type, configuredSlotMinutes: inst.slot_minutes, referralSharePct: inst.referral_share_pct }, { visitDate: req.visitDate, slots: req.slots });
  if (!plan.allowed) return plan;
  const clash = await k
    .selectFrom('appt_sessions')
    .select('id')
    .where('visit_date', '=', req.visitDate)
    .where('status', '=', 'published')
    .where(req.doctorId ? 'doctor_id' : 'resource_id', '=', (req.doctorId ?? req.resourceId) as number)
    .executeTakeFirst();
  if (clash) return refuse(reason('session_exists', '该医生（资源）当日已有出诊安排', 'This doctor or resource already has a session that day', art.stops));
  const s = await k
    .insertInto('appt_sessions')
    .values({ institution_id: req.institutionId, department_id: req.departmentId, doctor_id: req.doctorId ?? null, resource_id: req.resourceId ?? null, title, visit_date: req.visitDate, status: 'published', published_at: clock.now().toISOString(), stopped_at: null, stop_reason: null, special_stop: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sessionId = Number(s.id);
  for (const slot of req.slots) {
    const row = await k.insertInto('appt_slots').values({ session_id: sessionId, visit_date: req.visitDate, period_start: slot.start, period_end: slot.end }).returning('id').executeTakeFirstOrThrow();
    // 就诊序号: referral-reserved first, then platform appointment, then window.
    const tickets: { slot_id: number; ticket_no: number; pool: string; booking_id: null }[] = [];
    let no = 1;
    for (const [pool, n] of [['referral', slot.referral], ['appointment', slot.appointment], ['window', slot.window]] as const) {
      for (let i = 0; i < n; i++) tickets.push({ slot_id: Number(row.id), ticket_no: no++, pool, booking_id: null });
    }
    for (let i = 0; i < tickets.length; i += 500) await k.insertInto('appt_tickets').values(tickets.slice(i, i + 500)).execute();
  }
  await appendAudit(k, clock, actor, { action: 'session.publish', entityType: 'appt_session', entityId: sessionId, detail: { visitDate: req.visitDate, slots: req.slots.length, shares: plan.value } });
  return allow({ sessionId, shares: plan.value });
}

/** Withdraw an unbooked session more than a week ahead (第二十七条: within a week only a stop may change it). */
export async function withdrawSession(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, sessionId: number): Promise<Decision<undefined>> {
  const k = trx as Kysely<AppointmentDb>;
  const s = await k.selectFrom('appt_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s || s.status !== 'published') return refuse(reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops));
  const frozen = checkScheduleChange(civilDateOf(clock.now()), s.visit_date as CivilDate);
  if (!frozen.allowed) return frozen;
  const booked = await k.selectFrom('appt_bookings').select('id').where('session_id', '=', sessionId).where('active', '=', 1).limit(1).executeTakeFirst();
  if (booked) return refuse(reason('session_has_bookings', '已有患者预约，只能通过停诊处理', 'Patients have booked; use a stop instead', art.stops));
  await k.updateTable('appt_sessions').set({ status: 'withdrawn' }).where('id', '=', sessionId).execute();
  await appendAudit(k, clock, actor, { action: 'session.withdraw', entityType: 'appt_session', entityId: sessionId });
  return allow();
}
