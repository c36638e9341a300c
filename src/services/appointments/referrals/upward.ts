import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { findPersonById, type Person } from '../../../platform/identity/persons.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookingHorizonDays } from '../rules/booking.ts';
import { availability } from '../store/availability.ts';
import { bookTicket, receipt, type BookingReceipt } from '../store/book-ticket.ts';
import { activeBanEnd } from '../store/violations.ts';
import { referralArt } from './citations.ts';
import { isChronicCategory } from './criteria.ts';
import {
  checkDiseaseInfo,
  checkPatientEligibility,
  checkReferringDoctor,
  checkVisitWithinThreeDays,
  healthRecordsUnavailable,
  noHealthRecord,
  referralWindowDays,
  type FamilyDoctorContractFacts,
  type HealthRecordsPort,
  type ReferringStaff,
} from './eligibility.ts';
import { referredByText, slipNumber } from './templates.ts';

type K = Kysely<AppointmentDb>;

export interface StaffFacts extends ReferringStaff {
  readonly staffId: number;
  readonly name: string;
  readonly organisationName: string | null;
}

/** The referring staff member as the rules of 第二十一条 see them, read fresh (not from the session). */
export async function staffFacts(k: K, staffId: number): Promise<StaffFacts | undefined> {
  const s = await k
    .selectFrom('staff as s')
    .leftJoin('organisations as o', 'o.id', 's.organisation_id')
    .leftJoin('appt_community_stations as cs', 'cs.station_organisation_id', 's.organisation_id')
    .select(['s.id', 's.display_name', 's.role', 's.referral_authorised', 's.active', 's.organisation_id', 'o.kind', 'o.name as organisation', 'cs.centre_organisation_id'])
    .where('s.id', '=', staffId)
    .executeTakeFirst();
  if (!s || Number(s.active) !== 1) return undefined;
  return {
    staffId: Number(s.id),
    name: s.display_name,
    role: s.role,
    referralAuthorised: Number(s.referral_authorised) === 1,
    organisationId: s.organisation_id === null ? null : Number(s.organisation_id),
    organisationKind: s.kind ?? null,
    organisationName: s.organisation ?? null,
    centreOfStation: s.centre_organisation_id === null || s.centre_organisation_id === undefined ? null : Number(s.centre_organisation_id),
  };
}

/** A 中心 and the 站 it sends out (第二十一条): the organisations whose referrals it answers for. */
export async function organisationsOfCentre(k: K, centreId: number): Promise<number[]> {
  const stations = await k.selectFrom('appt_community_stations').select('station_organisation_id').where('centre_organisation_id', '=', centreId).execute();
  return [centreId, ...stations.map((s) => Number(s.station_organisation_id))];
}

export interface OfferRow {
  readonly slotId: number;
  readonly visitDate: string;
  readonly period: string;
  readonly title: string;
  readonly free: number;
  /** 第二十条: within 3 days of today; later ones need a recorded reason. */
  readonly withinThreeDays: boolean;
}

/**
 * 第二十条, 第十一条: the referral-reserved tickets of one department, earliest first, so the tickets
 * within 3 days head the list. Slots past the 15:00 cutoff show none (their tickets went to the window).
 */
export async function referralOffer(k: K, clock: Clock, institutionId: number, departmentId: number): Promise<OfferRow[]> {
  const today = civilDateOf(clock.now());
  const rows = await availability(k, clock, { institutionId, departmentId, from: addDays(today, 1), to: addDays(today, bookingHorizonDays), pool: 'referral' });
  return rows
    .filter((r) => r.free > 0)
    .map((r) => ({ ...r, withinThreeDays: r.visitDate <= addDays(today, referralWindowDays) }))
    .sort((a, b) => Number(b.withinThreeDays) - Number(a.withinThreeDays) || a.visitDate.localeCompare(b.visitDate) || a.period.localeCompare(b.period));
}

export interface UpwardReferralRequest {
  readonly personId: number;
  readonly slotId: number;
  readonly criterionCode: string;
  readonly diseaseInfo: string;
  readonly exceptionReason?: string | undefined;
  /** A retried submission (a double click, a lost answer) returns the first referral, not a 重复预约. */
  readonly idempotencyKey?: string | undefined;
}

export interface UpwardReferralReceipt {
  readonly referralId: number;
  readonly slipNo: string;
  readonly status: string;
  readonly withinThreeDays: boolean;
  readonly chronicFocus: boolean;
  readonly priority: boolean;
  readonly booking: BookingReceipt;
  readonly replayed: boolean;
}

/** The referral an earlier submission with this key made for this person, if any. */
export async function priorReferral(k: K, personId: number, idempotencyKey: string): Promise<number | undefined> {
  const r = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('appt_referrals as r', 'r.booking_id', 'b.id')
    .select('r.id')
    .where('b.person_id', '=', personId)
    .where('b.idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

export interface EligibilityFacts {
  readonly person: Person;
  readonly contract: FamilyDoctorContractFacts;
  readonly basics: object;
  readonly referrer: StaffFacts & { fromOrganisationId: number; responsibleCentreId: number };
}

async function askPort<T>(f: () => Promise<T>): Promise<Decision<T>> {
  try {
    return allow(await f());
  } catch {
    return refuse(healthRecordsUnavailable());
  }
}

/**
 * Who may refer whom (第二十一条 (一), 第二十二条, 第三十二条), asked before the referral's transaction:
 * the health-records port may open transactions of its own. bookTicket checks the ban again inside.
 */
export async function checkEligibility(k: K, clock: Clock, port: HealthRecordsPort | undefined, staffId: number, personId: number): Promise<Decision<EligibilityFacts>> {
  if (!port) return refuse(healthRecordsUnavailable());
  const staff = await staffFacts(k, staffId);
  if (!staff) return refuse(reason('referral_not_authorised', '未找到您的工作人员账号', 'Your staff account was not found', referralArt.authority));
  const doctor = checkReferringDoctor(staff);
  if (!doctor.allowed) return doctor;
  const person = await findPersonById(k as unknown as Kysely<PlatformTables>, personId);
  if (!person) return refuse(reason('patient_not_found', '未找到该居民', 'No such person', referralArt.eligibility));
  const facts = await askPort(async () => Promise.all([port.familyDoctorContract(person.id), port.hasPersonalRecord(person.id)] as const));
  if (!facts.allowed) return facts;
  const [contract, hasRecord] = facts.value;
  const today = civilDateOf(clock.now());
  const eligible = checkPatientEligibility({
    today,
    banEndsOn: await activeBanEnd(k, person.id, today),
    contract,
    hasRecord,
    referringOrganisations: await organisationsOfCentre(k, doctor.value.responsibleCentreId),
  });
  if (!eligible.allowed) return eligible;
  const basics = await askPort(() => port.recordBasics(person.id));
  if (!basics.allowed) return basics;
  // 第十六条 (四): without the record basics there is nothing to send, as if there were no record.
  if (basics.value === null || !contract) return refuse(noHealthRecord());
  return allow({ person, contract, basics: basics.value, referrer: { ...staff, ...doctor.value } });
}

/**
 * 第二十条–第二十二条, 第十六条 (四), 第十八条: book a referral-reserved ticket and record the referral in
 * one transaction, so that neither exists without the other. The referral row is written first (its
 * id numbers the slip the confirmation carries); when bookTicket refuses, the row is removed again in
 * the same transaction and the refusal returned, so a 重复预约 violation bookTicket recorded still commits.
 */
export async function createUpwardReferral(
  db: Db<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  facts: EligibilityFacts,
  req: UpwardReferralRequest,
): Promise<Decision<UpwardReferralReceipt>> {
  const now = clock.now();
  const today = civilDateOf(now);
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    if (req.idempotencyKey) {
      const prior = await k
        .selectFrom('appt_bookings as b')
        .innerJoin('appt_referrals as r', 'r.booking_id', 'b.id')
        .select(['r.id', 'r.status', 'r.created_at', 'r.within_three_days', 'r.chronic_focus', 'b.id as booking_id'])
        .where('b.person_id', '=', facts.person.id)
        .where('b.idempotency_key', '=', req.idempotencyKey)
        .executeTakeFirst();
      if (prior) {
        return allow({
          referralId: Number(prior.id),
          slipNo: slipNumber(Number(prior.id), civilDateOf(new Date(prior.created_at))),
          status: prior.status,
          withinThreeDays: Number(prior.within_three_days) === 1,
          chronicFocus: Number(prior.chronic_focus) === 1,
          priority: true,
          booking: { ...(await receipt(k, Number(prior.booking_id))), replayed: true },
          replayed: true,
        });
      }
    }
    const criterion = await k.selectFrom('appt_referral_criteria').selectAll().where('code', '=', req.criterionCode).executeTakeFirst();
    const info = checkDiseaseInfo(req.diseaseInfo, criterion ? Number(criterion.active) === 1 : undefined);
    if (!info.allowed || !criterion) return info.allowed ? refuse(reason('unknown_referral_criterion', '请选择有效的转诊标准（病种）', 'Choose a current referral criterion', referralArt.authority)) : info;

    const slot = await k
      .selectFrom('appt_slots as sl')
      .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
      .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
      .select(['sl.visit_date', 'se.institution_id', 'se.department_id', 'i.organisation_id'])
      .where('sl.id', '=', req.slotId)
      .executeTakeFirst();
    if (!slot) return refuse(reason('slot_not_found', '该时段不存在或已停诊', 'No such slot, or the session was stopped', referralArt.withinThreeDays));
    const visitDate = slot.visit_date as CivilDate;
    const timing = checkVisitWithinThreeDays(today, visitDate, req.exceptionReason);
    if (!timing.allowed) return timing;
    let earlierAvailable: number | null = null;
    if (!timing.value.withinThreeDays) {
      const early = await availability(k, clock, { institutionId: Number(slot.institution_id), departmentId: Number(slot.department_id), from: addDays(today, 1), to: addDays(today, referralWindowDays), pool: 'referral' });
      earlierAvailable = early.some((r) => r.free > 0) ? 1 : 0;
    }
    const chronic = isChronicCategory(criterion.chronic_category);
    const stamp = now.toISOString();
    const inserted = await k
      .insertInto('appt_referrals')
      .values({
        direction: 'up',
        status: 'booked',
        person_id: facts.person.id,
        from_organisation_id: facts.referrer.fromOrganisationId,
        responsible_centre_id: facts.referrer.responsibleCentreId,
        requester_staff_id: facts.referrer.staffId,
        to_organisation_id: Number(slot.organisation_id),
        to_institution_id: Number(slot.institution_id),
        to_department_id: Number(slot.department_id),
        booking_id: null,
        based_on_referral_id: null,
        criterion_code: criterion.code,
        chronic_category: criterion.chronic_category,
        chronic_focus: chronic ? 1 : 0,
        disease_info: req.diseaseInfo.trim(),
        record_basics: JSON.stringify(facts.basics),
        contract: JSON.stringify(facts.contract),
        visit_date: visitDate,
        within_three_days: timing.value.withinThreeDays ? 1 : 0,
        exception_reason: timing.value.withinThreeDays ? null : (req.exceptionReason ?? '').trim(),
        earlier_available: earlierAvailable,
        priority: 1,
        created_by: `${actor.kind}:${actor.id ?? ''}`,
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const referralId = Number(inserted.id);
    const slipNo = slipNumber(referralId, today);
    const booked = await bookTicket(trx, clock, actor, {
      slotId: req.slotId,
      channel: 'referral',
      patient: { docType: facts.person.docType, docNumber: facts.person.docNumber, name: facts.person.name, phone: facts.person.phone },
      slip: { slipNo, referredBy: referredByText(facts.referrer.organisationName, facts.referrer.name) },
      idempotencyKey: req.idempotencyKey,
    });
    if (!booked.allowed) {
      await k.deleteFrom('appt_referrals').where('id', '=', referralId).execute();
      return booked;
    }
    await k.updateTable('appt_referrals').set({ booking_id: booked.value.bookingId }).where('id', '=', referralId).execute();
    await appendAudit(k, clock, actor, {
      action: 'referral.create',
      entityType: 'appt_referral',
      entityId: referralId,
      purpose: 'referral',
      detail: {
        direction: 'up',
        personId: facts.person.id,
        bookingId: booked.value.bookingId,
        criterion: criterion.code,
        chronicFocus: chronic,
        withinThreeDays: timing.value.withinThreeDays,
        exceptionReason: timing.value.withinThreeDays ? null : req.exceptionReason?.trim(),
        earlierAvailable,
        responsibleCentreId: facts.referrer.responsibleCentreId,
      },
    });
    return allow({ referralId, slipNo, status: 'booked', withinThreeDays: timing.value.withinThreeDays, chronicFocus: chronic, priority: true, booking: booked.value, replayed: false });
  });
}
