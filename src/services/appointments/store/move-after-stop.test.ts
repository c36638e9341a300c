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

  it('cancelling a stopped booking instead is penalty-free and releases nothing twice', async () => {
    const id = stoppedBookings[1]!;
    const d = await inTransaction(t.db, (trx) => cancelBooking(trx, manualClock(new Date('2026-03-09T00:30:00Z')), operator, id, null));
    expect(d.allowed ? d.value.status : d.reasons).toBe('cancelled');
    const violations = await t.db.kysely.selectFrom('appt_violations').select('id').execute();
    expect(violations).toEqual([]);
  });
});
