import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import { cancelBooking, checkInBooking } from '../store/cancel-and-check-in.ts';
import type { BookingReceipt } from '../store/book-ticket.ts';
import { referralArt } from './citations.ts';
import { organisationsOfCentre } from './upward.ts';

type K = Kysely<AppointmentDb>;

export const referralNotFound = () => reason('referral_not_found', '未找到该转诊', 'No such referral', referralArt.handlers);
export const notHandler = () =>
  reason('not_referral_handler', '只有本机构指定的转诊负责人员可以办理社区转诊', 'Only the staff this institution named for referrals may handle them', referralArt.handlers);

/** 第二十三条: the staff an institution named for community referrals. */
export async function isNamedHandler(k: K, institutionId: number, staffId: number): Promise<boolean> {
  const r = await k.selectFrom('appt_referral_handlers').select('id').where('institution_id', '=', institutionId).where('staff_id', '=', staffId).where('active', '=', 1).executeTakeFirst();
  return r !== undefined;
}

export async function nameHandler(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, institutionId: number, staffId: number, active: boolean): Promise<Decision<{ staffId: number; active: boolean }>> {
  const k = trx as K;
  const inst = await k.selectFrom('appt_institutions').select('organisation_id').where('id', '=', institutionId).executeTakeFirstOrThrow();
  const staff = await k.selectFrom('staff').select(['id', 'role', 'organisation_id', 'active']).where('id', '=', staffId).executeTakeFirst();
  if (!staff || Number(staff.organisation_id) !== Number(inst.organisation_id) || Number(staff.active) !== 1 || !['doctor', 'institution_admin'].includes(staff.role)) {
    return refuse(reason('staff_not_found', '只能指定本机构在职的医生或管理人员', 'Name an active doctor or administrator of your own institution', referralArt.handlers));
  }
  const existing = await k.selectFrom('appt_referral_handlers').select('id').where('institution_id', '=', institutionId).where('staff_id', '=', staffId).executeTakeFirst();
  if (existing) await k.updateTable('appt_referral_handlers').set({ active: active ? 1 : 0, named_by: `${actor.kind}:${actor.id ?? ''}`, named_at: clock.now().toISOString() }).where('id', '=', existing.id).execute();
  else await k.insertInto('appt_referral_handlers').values({ institution_id: institutionId, staff_id: staffId, active: active ? 1 : 0, named_by: `${actor.kind}:${actor.id ?? ''}`, named_at: clock.now().toISOString() }).execute();
  await appendAudit(k, clock, actor, { action: active ? 'referral_handler.name' : 'referral_handler.remove', entityType: 'staff', entityId: staffId, detail: { institutionId } });
  return allow({ staffId, active });
}

export interface ReferralRow {
  id: number;
  direction: string;
  status: string;
  person_id: number;
  booking_id: number | null;
  to_institution_id: number | null;
  to_organisation_id: number;
  from_organisation_id: number;
  responsible_centre_id: number | null;
}

export async function loadReferral(k: K, id: number): Promise<ReferralRow | undefined> {
  const r = await k
    .selectFrom('appt_referrals')
    .select(['id', 'direction', 'status', 'person_id', 'booking_id', 'to_institution_id', 'to_organisation_id', 'from_organisation_id', 'responsible_centre_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: Number(r.id),
        direction: r.direction,
        status: r.status,
        person_id: Number(r.person_id),
        booking_id: r.booking_id === null ? null : Number(r.booking_id),
        to_institution_id: r.to_institution_id === null ? null : Number(r.to_institution_id),
        to_organisation_id: Number(r.to_organisation_id),
        from_organisation_id: Number(r.from_organisation_id),
        responsible_centre_id: r.responsible_centre_id === null ? null : Number(r.responsible_centre_id),
      }
    : undefined;
}

/** Organisations a community staff member acts for: their own, and a 中心's stations (第二十一条). */
export async function communityScope(k: K, organisationId: number | null): Promise<number[]> {
  if (organisationId === null) return [];
  const org = await k.selectFrom('organisations').select('kind').where('id', '=', organisationId).executeTakeFirst();
  return org?.kind === 'community_health_centre' ? organisationsOfCentre(k, organisationId) : [organisationId];
}

/** 第二十三条: a named handler takes the referral into the institution's work. */
export async function acceptReferral(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, referralId: number, staffId: number): Promise<Decision<{ status: string }>> {
  const k = trx as K;
  const r = await loadReferral(k, referralId);
  if (!r || r.direction !== 'up' || r.to_institution_id === null) return refuse(referralNotFound());
  if (!(await isNamedHandler(k, r.to_institution_id, staffId))) return refuse(notHandler());
  if (r.status !== 'booked') return refuse(reason('referral_not_open', '该转诊已受理、已结束或已取消', 'This referral was already accepted, closed or cancelled', referralArt.handlers));
  const now = clock.now().toISOString();
  await k.updateTable('appt_referrals').set({ status: 'accepted', handler_staff_id: staffId, accepted_at: now, updated_at: now }).where('id', '=', referralId).where('status', '=', 'booked').execute();
  await appendAudit(k, clock, actor, { action: 'referral.accept', entityType: 'appt_referral', entityId: referralId });
  return allow({ status: 'accepted' });
}

/**
 * 第八条 (六), 第二十六条: the patient takes the ticket at the referral window (a named handler) with the
 * document used to book, during the booked period.
 */
export async function checkInAtReferralWindow(
  trx: Tx<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  referralId: number,
  staffId: number,
  presented: { docType: string; docNumber: string },
): Promise<Decision<BookingReceipt>> {
  const k = trx as K;
  const r = await loadReferral(k, referralId);
  if (!r || r.direction !== 'up' || r.to_institution_id === null || r.booking_id === null) return refuse(referralNotFound());
  if (!(await isNamedHandler(k, r.to_institution_id, staffId))) return refuse(notHandler());
  const checked = await checkInBooking(trx, clock, actor, r.booking_id, presented, r.to_institution_id);
  if (!checked.allowed) return checked;
  const now = clock.now().toISOString();
  await k.updateTable('appt_referrals').set({ status: 'arrived', arrived_at: now, handler_staff_id: staffId, updated_at: now }).where('id', '=', referralId).execute();
  await appendAudit(k, clock, actor, { action: 'referral.arrive', entityType: 'appt_referral', entityId: referralId, detail: { desk: 'referral_window' } });
  return checked;
}

/** The referring centre (or the station's centre) withdraws a referral: the booking's 第二十五条 limit applies. */
export async function cancelReferral(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, referralId: number, staffOrganisationId: number | null): Promise<Decision<{ status: string }>> {
  const k = trx as K;
  const r = await loadReferral(k, referralId);
  const scope = await communityScope(k, staffOrganisationId);
  if (!r || r.direction !== 'up' || !scope.includes(r.from_organisation_id)) return refuse(referralNotFound());
  if (!['booked', 'accepted'].includes(r.status) || r.booking_id === null) return refuse(reason('referral_not_open', '该转诊已就诊、已结束或已取消', 'This referral was already seen, closed or cancelled', referralArt.cancellation));
  const cancelled = await cancelBooking(trx, clock, actor, r.booking_id, null);
  if (!cancelled.allowed) return cancelled;
  const now = clock.now().toISOString();
  await k.updateTable('appt_referrals').set({ status: 'cancelled', updated_at: now }).where('id', '=', referralId).execute();
  await appendAudit(k, clock, actor, { action: 'referral.cancel', entityType: 'appt_referral', entityId: referralId });
  return allow({ status: 'cancelled' });
}

/** 第二十八条: the community centre acknowledges the hand-back in its queue. */
export async function acknowledgeHandBack(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, referralId: number, staffOrganisationId: number | null): Promise<Decision<{ status: string }>> {
  const k = trx as K;
  const r = await loadReferral(k, referralId);
  const scope = await communityScope(k, staffOrganisationId);
  if (!r || r.direction !== 'down' || !(scope.includes(r.to_organisation_id) || (r.responsible_centre_id !== null && scope.includes(r.responsible_centre_id)))) return refuse(referralNotFound());
  if (r.status !== 'sent') return refuse(reason('referral_not_open', '该转回已确认接收', 'This hand-back was already acknowledged', referralArt.handBack));
  const now = clock.now().toISOString();
  await k.updateTable('appt_referrals').set({ status: 'acknowledged', acknowledged_at: now, acknowledged_by: `${actor.kind}:${actor.id ?? ''}`, updated_at: now }).where('id', '=', referralId).execute();
  await appendAudit(k, clock, actor, { action: 'referral.acknowledge', entityType: 'appt_referral', entityId: referralId });
  return allow({ status: 'acknowledged' });
}
