import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import { appendAudit, systemActor, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import { referralArt } from './citations.ts';
import { checkHandBack, type HealthRecordsPort } from './eligibility.ts';
import { isNamedHandler, loadReferral, referralNotFound } from './handling.ts';
import { handBackSent, slipNumber } from './templates.ts';

type K = Kysely<AppointmentDb>;

export interface HandBackRequest {
  readonly diagnosis: string;
  readonly treatment: string;
  readonly plan: string;
}

/**
 * 第二十八条: a referred patient, once stable, goes back to the community institution that referred
 * them, with the diagnosis, the treatment given and the follow-up or rehabilitation plan. The
 * hand-back is a downward referral (its own FHIR ServiceRequest, basedOn the upward one). Only a
 * patient who was seen (checked in) can be handed back, once (a unique index holds under a race).
 * Who: the institution's named referral staff (第二十三条) or one of its doctors.
 */
export async function handBack(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, upId: number, staff: { id: number; role: string; organisationId: number | null }, req: HandBackRequest): Promise<Decision<{ referralId: number; slipNo: string }>> {
  const k = trx as K;
  const up = await loadReferral(k, upId);
  if (!up || up.direction !== 'up' || up.to_institution_id === null || up.booking_id === null) return refuse(referralNotFound());
  const mayAct = (await isNamedHandler(k, up.to_institution_id, staff.id)) || (staff.role === 'doctor' && staff.organisationId === up.to_organisation_id);
  if (!mayAct) return refuse(reason('not_referral_handler', '只有接诊机构的转诊负责人员或医生可以转回社区', 'Only the receiving institution’s referral staff or doctors may hand a patient back', referralArt.handlers));
  const content = checkHandBack(req);
  if (!content.allowed) return content;
  const existing = await k.selectFrom('appt_referrals').select('id').where('based_on_referral_id', '=', upId).where('direction', '=', 'down').executeTakeFirst();
  if (existing) return refuse(reason('already_handed_back', '该患者已转回社区', 'This patient was already handed back', referralArt.handBack));
  const booking = await k.selectFrom('appt_bookings').select(['status']).where('id', '=', up.booking_id).executeTakeFirstOrThrow();
  if (booking.status !== 'checked_in' || up.status === 'cancelled') {
    return refuse(reason('referral_not_seen', '患者尚未就诊，不能转回社区', 'The patient has not been seen yet and cannot be handed back', referralArt.handBack));
  }
  const now = clock.now().toISOString();
  const inserted = await k
    .insertInto('appt_referrals')
    .values({
      direction: 'down',
      status: 'sent',
      person_id: up.person_id,
      from_organisation_id: up.to_organisation_id,
      responsible_centre_id: up.responsible_centre_id,
      requester_staff_id: staff.id,
      to_organisation_id: up.from_organisation_id,
      to_institution_id: null,
      to_department_id: null,
      booking_id: null,
      based_on_referral_id: upId,
      criterion_code: null,
      chronic_category: null,
      disease_info: req.diagnosis.trim(),
      record_basics: null,
      contract: null,
      visit_date: null,
      within_three_days: null,
      exception_reason: null,
      earlier_available: null,
      diagnosis: req.diagnosis.trim(),
      treatment: req.treatment.trim(),
      plan: req.plan.trim(),
      created_by: `${actor.kind}:${actor.id ?? ''}`,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const referralId = Number(inserted.id);
  await k.updateTable('appt_referrals').set({ status: 'handed_back', updated_at: now }).where('id', '=', upId).execute();
  await appendAudit(k, clock, actor, { action: 'referral.hand_back', entityType: 'appt_referral', entityId: referralId, purpose: 'referral', detail: { basedOn: upId, personId: up.person_id, to: up.from_organisation_id } });
  const names = await k
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('id', 'in', [up.to_organisation_id, up.from_organisation_id])
    .execute();
  const nameOf = (id: number) => names.find((n) => Number(n.id) === id)?.name ?? '';
  const person = await k.selectFrom('persons').select(['phone', 'locale']).where('id', '=', up.person_id).executeTakeFirstOrThrow();
  const slipNo = slipNumber(referralId, civilDateOf(clock.now()));
  await enqueueMessage(k, clock, { personId: up.person_id, phone: person.phone, locale: person.locale }, handBackSent, { hospital: nameOf(up.to_organisation_id), centre: nameOf(up.from_organisation_id), slipNo });
  return allow({ referralId, slipNo });
}

export type DeliveryOutcome = 'delivered' | 'already_delivered' | 'not_supported' | 'failed';

/**
 * 第二十八条 "the patient's health record gets it": hand the hand-back to the health-records port
 * after the hand-back committed. It cannot join our transaction (another service, which may open its
 * own, and on SQLite would wait on our connection), and calling it before commit could put a hand-back
 * into the record for a transaction that then rolled back. So delivery is at-least-once: the outcome
 * is recorded on the row (delivered_at, attempts, last error), undelivered hand-backs stay visible and
 * redeliverHandBacks retries them; the stable `reference` lets the receiver drop a repeat.
 */
export async function deliverHandBack(db: Db<AppointmentDb>, clock: Clock, port: HealthRecordsPort | undefined, referralId: number): Promise<DeliveryOutcome> {
  try {
    return await attemptDelivery(db, clock, port, referralId);
  } catch {
    // The hand-back itself is committed; an error while recording the attempt leaves it undelivered for redelivery.
    return 'failed';
  }
}

async function attemptDelivery(db: Db<AppointmentDb>, clock: Clock, port: HealthRecordsPort | undefined, referralId: number): Promise<DeliveryOutcome> {
  const r = await db.kysely.selectFrom('appt_referrals').selectAll().where('id', '=', referralId).where('direction', '=', 'down').executeTakeFirst();
  if (!r) return 'failed';
  if (r.delivered_at) return 'already_delivered';
  const record = async (outcome: DeliveryOutcome, error: string | null) =>
    inTransaction(db, async (trx) => {
      const k = trx as K;
      const now = clock.now().toISOString();
      await k
        .updateTable('appt_referrals')
        .set((e) => ({ delivery_attempts: e('delivery_attempts', '+', 1), delivery_error: error, ...(outcome === 'delivered' ? { delivered_at: now } : {}) }))
        .where('id', '=', referralId)
        .execute();
      await appendAudit(k, clock, systemActor, { action: outcome === 'delivered' ? 'referral.hand_back_delivered' : 'referral.hand_back_undelivered', entityType: 'appt_referral', entityId: referralId, purpose: 'referral', detail: error ? { error } : {} });
      return outcome;
    });
  if (!port?.receiveHandBack) return record('not_supported', 'health-records service does not accept hand-backs yet');
  try {
    await port.receiveHandBack(Number(r.person_id), {
      fromOrganisationId: Number(r.from_organisation_id),
      toOrganisationId: Number(r.to_organisation_id),
      byStaffId: Number(r.requester_staff_id),
      diagnosis: r.diagnosis ?? '',
      treatment: r.treatment ?? '',
      plan: r.plan ?? '',
      at: r.created_at,
      reference: `appointments/referral/${referralId}`,
    });
  } catch (e) {
    return record('failed', String((e as Error)?.message ?? e).slice(0, 500));
  }
  return record('delivered', null);
}

/** Retry every hand-back not yet in the patient's record (a CLI or a timer calls this). */
export async function redeliverHandBacks(db: Db<AppointmentDb>, clock: Clock, port: HealthRecordsPort | undefined, limit = 100): Promise<Record<DeliveryOutcome, number>> {
  const due = await db.kysely.selectFrom('appt_referrals').select('id').where('direction', '=', 'down').where('delivered_at', 'is', null).orderBy('id').limit(limit).execute();
  const tally: Record<DeliveryOutcome, number> = { delivered: 0, already_delivered: 0, not_supported: 0, failed: 0 };
  for (const d of due) tally[await deliverHandBack(db, clock, port, Number(d.id))]++;
  return tally;
}
