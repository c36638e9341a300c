import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { platformMigrations } from '../../../platform/migrations.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { manualClock, type Clock } from '../../../platform/time/clock.ts';
import { verifyAuditChain } from '../../../platform/audit/verify.ts';
import type { Actor } from '../../../platform/audit/trail.ts';
import { appointmentMigrations } from '../migrations.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookTicket } from './book-ticket.ts';
import { stopSession } from './stops.ts';
import { cancelBooking } from './cancel-and-check-in.ts';
import { publishSession } from './schedule.ts';
import { systemActor } from '../../../platform/audit/trail.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { moveAfterStop, moveOptions } from './move-after-stop.ts';
import { buildWorld, patient, publish, type World } from './world.test-support.ts';

const operator: Actor = { kind: 'staff', id: 1, name: '周运营', role: 'platform_operator' };
const pools = { referral: 1, appointment: 7, window: 2 };
const morning = (start: string, end: string) => [{ start, end, ...pools }];

describe.each(testEngines)('after a doctor stop, the patient moves or cancels (第二十七条) on %s', (engine) => {
  let t: TestDatabase<AppointmentDb>;
  let world: World;
  const monday = manualClock(new Date('2026-03-02T01:00:00Z')); // 09:00 in Beijing
  const slots: Record<string, number | undefined> = {};
  const stoppedBookings: number[] = [];

  const book = (clock: Clock, slotId: number, i: number) => inTransaction(t.db, (trx) => bookTicket(trx, clock, operator, { slotId, channel: 'phone', patient: patient(i), booker: { name: '家属', phone: '13900000001' } }));
  const bookingRow = (id: number) => t.db.kysely.selectFrom('appt_bookings').select(['status', 'slot_id', 'active']).where('id', '=', id).executeTakeFirstOrThrow();
  const sessionOf = async (slot: number) => Number((await t.db.kysely.selectFrom('appt_slots').select('session_id').where('id', '=', slot).executeTakeFirstOrThrow()).session_id);

  beforeAll(async () => {
    t = await openTestDatabase<AppointmentDb>(engine, [...platformMigrations, ...appointmentMigrations]);
    world = await buildWorld(t.db, monday);
    // 眼科: doctors 3 主任医师, 4 副主任医师 (stopped), 5 主治医师; 心血管内科: doctor 0.
    [slots.stopped] = await publish(t.db, monday, world, 4, '2026-03-09', morning('09:00', '09:30'));
    [slots.higher] = await publish(t.db, monday, world, 3, '2026-03-09', morning('09:00', '09:30'));
    [slots.lower] = await publish(t.db, monday, world, 5, '2026-03-09', morning('09:30', '10:00'));
    [slots.otherDay] = await publish(t.db, monday, world, 5, '2026-03-10', morning('10:00', '10:30'));
    [slots.otherDept] = await publish(t.db, monday, world, 0, '2026-03-09', morning('09:00', '09:30'));
    for (const i of [1, 2]) {
      const b = await book(monday, slots.stopped!, i);
      if (!b.allowed) throw new Error(JSON.stringify(b.reasons));
      stoppedBookings.push(b.value.bookingId);
    }
    const session = await sessionOf(slots.stopped!);
    const stopped = await inTransaction(t.db, (trx) => stopSession(trx, monday, operator, session, undefined));
    expect(stopped.allowed ? stopped.value.notified : -1).toBe(2);
  });
  afterAll(async () => t.cleanup());

  it('offers same-or-higher-title substitutes that day and other times in the department, never a doctor name', async () => {
    const o = await moveOptions(t.db.kysely, monday, stoppedBookings[0]!, null);
    if (!o.allowed) throw new Error(JSON.stringify(o.reasons));
    const offered = new Map(o.value.options.map((x) => [x.slotId, x]));
    expect(offered.get(slots.higher!)).toMatchObject({ substitute: true, title: '主任医师', free: 7 });
    expect(offered.get(slots.otherDay!)).toMatchObject({ substitute: false, title: '主治医师' });
    expect(offered.has(slots.lower!)).toBe(false);
    expect(offered.has(slots.otherDept!)).toBe(false);
    expect(JSON.stringify(o.value.options)).not.toMatch(/医生\d/);
  });

  it('refuses a lower-title substitute or another department, and writes nothing', async () => {
    const [id] = stoppedBookings;
    const lower = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, id!, null, slots.lower!));
    expect(lower.allowed ? null : lower.reasons[0]).toMatchObject({ code: 'substitute_title_too_low', citation: { article: '第二十七条' } });
    const otherDept = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, id!, null, slots.otherDept!));
    expect(otherDept.allowed ? null : otherDept.reasons[0]).toMatchObject({ code: 'not_same_department', citation: { article: '第二十七条' } });
    const someoneElse = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, id!, 999_999, slots.higher!));
    expect(someoneElse.allowed ? null : someoneElse.reasons[0]?.code).toBe('booking_not_found');
    expect(await bookingRow(id!)).toMatchObject({ status: 'stop_pending', active: 0 });
    const taken = await t.db.kysely.selectFrom('appt_bookings').select('id').where('slot_id', 'in', [slots.lower!, slots.otherDept!]).execute();
    expect(taken).toEqual([]);
  });

  it('moves to the substitute once: the old booking ends cancelled, a retry returns the same booking', async () => {
    const [id] = stoppedBookings;
    const moved = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, id!, null, slots.higher!));
    if (!moved.allowed) throw new Error(JSON.stringify(moved.reasons));
    expect(moved.value).toMatchObject({ title: '主任医师', visitDate: '2026-03-09', status: 'booked', replayed: false });
    expect(await bookingRow(moved.value.bookingId)).toMatchObject({ status: 'booked', slot_id: slots.higher, active: 1 });
    expect(await bookingRow(id!)).toMatchObject({ status: 'cancelled', active: 0 });
    const again = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, id!, null, slots.otherDay!));
    expect(again.allowed ? { id: again.value.bookingId, replayed: again.value.replayed } : null).toEqual({ id: moved.value.bookingId, replayed: true });
    const confirmations = await t.db.kysely.selectFrom('outbox').select('id').where('template', '=', 'appointments.booking_confirmed').where('body', 'like', '%主任医师%2026-03-09%').execute();
    expect(confirmations.length).toBeGreaterThanOrEqual(1);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('refuses to move a booking that was never stopped', async () => {
    const b = await book(monday, slots.otherDay!, 3);
    if (!b.allowed) throw new Error(JSON.stringify(b.reasons));
    const d = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, b.value.bookingId, null, slots.higher!));
    expect(d.allowed ? null : d.reasons[0]?.code).toBe('booking_not_stopped');
  });

  it('after a special stop past the 15:00 cutoff, still moves to a substitute although new bookings are closed', async () => {
    const [stoppedSlot] = await publish(t.db, monday, world, 1, '2026-03-03', morning('09:00', '09:30')); // 心血管内科 副主任医师
    const [substituteSlot] = await publish(t.db, monday, world, 0, '2026-03-03', morning('10:00', '10:30')); // 主任医师
    const b = await book(monday, stoppedSlot!, 4);
    if (!b.allowed) throw new Error(JSON.stringify(b.reasons));
    const evening = manualClock(new Date('2026-03-02T09:00:00Z')); // 17:00, after the cutoff for 03-03
    const session = await sessionOf(stoppedSlot!);
    const special = await inTransaction(t.db, (trx) => stopSession(trx, evening, operator, session, '医师急病'));
    expect(special.allowed ? special.value.special : null).toBe(true);
    const fresh = await book(evening, substituteSlot!, 5);
    expect(fresh.allowed ? null : fresh.reasons[0]?.code).toBe('booking_closed');
    const moved = await inTransaction(t.db, (trx) => moveAfterStop(trx, evening, operator, b.value.bookingId, null, substituteSlot!));
    expect(moved.allowed ? moved.value.title : moved.reasons).toBe('主任医师');
  });

  it('neither offers nor takes a day the patient already holds in the department, and never lists them for it (第十七条, 第三十二条)', async () => {
    // Patient 6 holds 03-10 in 眼科; their 03-09 booking is then stopped.
    const [stoppedSlot] = await publish(t.db, monday, world, 4, '2026-03-12', morning('11:00', '11:30'));
    const held = await book(monday, slots.otherDay!, 6);
    const b = await book(monday, stoppedSlot!, 6);
    if (!held.allowed || !b.allowed) throw new Error('setup booking failed');
    const session = await sessionOf(stoppedSlot!);
    await inTransaction(t.db, (trx) => stopSession(trx, monday, operator, session, undefined));
    const o = await moveOptions(t.db.kysely, monday, b.value.bookingId, null);
    expect(o.allowed ? o.value.options.map((x) => x.visitDate) : null).not.toContain('2026-03-10');
    const d = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, b.value.bookingId, null, slots.otherDay!));
    expect(d.allowed ? null : d.reasons.map((r) => r.code)).toEqual(['department_daily_limit_exceeded']);
    const person = await t.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', patient(6).docNumber).executeTakeFirstOrThrow();
    expect(await t.db.kysely.selectFrom('appt_bans').select('id').where('person_id', '=', person.id).execute()).toEqual([]);
  });

  it('moves a doctor visit only to a doctor, never into an exam or surgery of the department', async () => {
    const exam = await t.db.kysely.insertInto('appt_resources').values({ institution_id: world.institutionId, kind: 'day_surgery', name: '白内障日间手术', code: 'MV-1', items: '', fee_cents: 0, indications: '', quantity: 1 }).returning('id').executeTakeFirstOrThrow();
    const published = await inTransaction(t.db, (trx) =>
      publishSession(trx, monday, systemActor, { institutionId: world.institutionId, departmentId: world.doctors[3]!.departmentId, resourceId: Number(exam.id), visitDate: parseCivilDate('2026-03-11'), slots: morning('08:00', '08:30') }),
    );
    if (!published.allowed) throw new Error(JSON.stringify(published.reasons));
    const surgerySlot = Number((await t.db.kysely.selectFrom('appt_slots').select('id').where('session_id', '=', published.value.sessionId).executeTakeFirstOrThrow()).id);
    const [stoppedSlot] = await publish(t.db, monday, world, 5, '2026-03-13', morning('11:00', '11:30'));
    const b = await book(monday, stoppedSlot!, 7);
    if (!b.allowed) throw new Error('setup booking failed');
    const session = await sessionOf(stoppedSlot!);
    await inTransaction(t.db, (trx) => stopSession(trx, monday, operator, session, undefined));
    const o = await moveOptions(t.db.kysely, monday, b.value.bookingId, null);
    expect(o.allowed ? o.value.options.map((x) => x.slotId) : null).not.toContain(surgerySlot);
    const d = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, b.value.bookingId, null, surgerySlot));
    expect(d.allowed ? null : d.reasons[0]).toMatchObject({ code: 'not_same_service', citation: { article: '第二十七条' } });
  });

  it('keeps a referral attached to the moved booking, with its slip in the new confirmation (第十八条)', async () => {
    const [stoppedSlot] = await publish(t.db, monday, world, 4, '2026-03-13', morning('10:00', '10:30'));
    const [target] = await publish(t.db, monday, world, 3, '2026-03-13', morning('10:30', '11:00'));
    const b = await inTransaction(t.db, (trx) => bookTicket(trx, monday, operator, { slotId: stoppedSlot!, channel: 'referral', patient: patient(8), slip: { slipNo: 'x', referredBy: 'y' } }));
    if (!b.allowed) throw new Error(JSON.stringify(b.reasons));
    const k = t.db.kysely;
    const org = await k.selectFrom('organisations').select('id').orderBy('id').executeTakeFirstOrThrow();
    const staff = await k.insertInto('staff').values({ username: `fd${engine}`, display_name: '陈医生', password_hash: 'x', role: 'family_doctor', organisation_id: org.id, person_id: null, referral_authorised: 1, active: 1, created_at: monday.now().toISOString() } as never).returning('id').executeTakeFirstOrThrow();
    const stamp = monday.now().toISOString();
    const referral = await k
      .insertInto('appt_referrals')
      .values({ direction: 'up', status: 'booked', person_id: b.value.personId, from_organisation_id: org.id, requester_staff_id: staff.id, to_organisation_id: org.id, booking_id: b.value.bookingId, disease_info: '胸闷', created_by: 'test', created_at: stamp, updated_at: stamp } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await sessionOf(stoppedSlot!);
    await inTransaction(t.db, (trx) => stopSession(trx, monday, operator, session, undefined));
    const moved = await inTransaction(t.db, (trx) => moveAfterStop(trx, monday, operator, b.value.bookingId, null, target!));
    if (!moved.allowed) throw new Error(JSON.stringify(moved.reasons));
    const linked = await k.selectFrom('appt_referrals').select('booking_id').where('id', '=', referral.id).executeTakeFirstOrThrow();
    expect(Number(linked.booking_id)).toBe(moved.value.bookingId);
    const slip = await k.selectFrom('outbox').select('body').where('template', '=', 'appointments.referral_booked').where('body', 'like', '%陈医生%').execute();
    expect(slip).toHaveLength(1);
  });

  it('cancelling a stopped booking instead is penalty-free and releases nothing twice', async () => {
    const id = stoppedBookings[1]!;
    const d = await inTransaction(t.db, (trx) => cancelBooking(trx, manualClock(new Date('2026-03-09T00:30:00Z')), operator, id, null));
    expect(d.allowed ? d.value.status : d.reasons).toBe('cancelled');
    const violations = await t.db.kysely.selectFrom('appt_violations').select('id').execute();
    expect(violations).toEqual([]);
  });
});
