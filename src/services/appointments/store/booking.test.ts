import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { platformMigrations } from '../../../platform/migrations.ts';
import { groupCommitter } from '../../../platform/db/group-commit.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { manualClock } from '../../../platform/time/clock.ts';
import { verifyAuditChain } from '../../../platform/audit/verify.ts';
import type { Actor } from '../../../platform/audit/trail.ts';
import type { Db } from '../../../platform/db/connect.ts';
import { appointmentMigrations } from '../migrations.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookTicket, type BookingRequest } from './book-ticket.ts';
import { cancelBooking, checkInBooking } from './cancel-and-check-in.ts';
import { sweepNoShows } from './violations.ts';
import { previewStop, stopSession } from './stops.ts';
import { publishSession } from './schedule.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { buildWorld, patient, publish, type World } from './world.test-support.ts';

const operator: Actor = { kind: 'staff', id: 1, name: '周运营', role: 'platform_operator' };
const migrations = [...platformMigrations, ...appointmentMigrations];

/** Invariants the database must hold whatever happened: the point of the issue. */
async function invariants(db: Db<AppointmentDb>) {
  const k = db.kysely;
  const doubled = await sql<{ n: number }>`select count(*) as n from (select ticket_id from appt_bookings where active = 1 group by ticket_id having count(*) > 1) x`.execute(k);
  const mismatched = await sql<{ n: number }>`select count(*) as n from appt_bookings b join appt_tickets t on t.id = b.ticket_id where b.active = 1 and (t.booking_id is null or t.booking_id <> b.id)`.execute(k);
  const perDay = await sql<{ n: number }>`select count(*) as n from (select person_id, visit_date from appt_bookings where active = 1 and channel <> 'window' group by person_id, visit_date having count(*) > 2) x`.execute(k);
  const perDept = await sql<{ n: number }>`select count(*) as n from (select person_id, visit_date, department_id from appt_bookings where active = 1 and channel <> 'window' group by person_id, visit_date, institution_id, department_id having count(*) > 1) x`.execute(k);
  // 第十七条: at most 3 in one department within any 7 consecutive days (counted here, not by the code under test).
  const held = await k.selectFrom('appt_bookings').select(['person_id', 'institution_id', 'department_id', 'visit_date']).where('active', '=', 1).where('channel', '<>', 'window').execute();
  const days = new Map<string, number[]>();
  for (const b of held) {
    const key = `${b.person_id}|${b.institution_id}|${b.department_id}`;
    days.set(key, [...(days.get(key) ?? []), Date.parse(`${b.visit_date}T00:00:00Z`) / 86_400_000]);
  }
  const perWeek = [...days.values()].filter((d) => d.some((start) => d.filter((x) => x >= start && x < start + 7).length > 3)).length;
  return { doubled: Number(doubled.rows[0]?.n), mismatched: Number(mismatched.rows[0]?.n), perDay: Number(perDay.rows[0]?.n), perDept: Number(perDept.rows[0]?.n), perWeek };
}

describe.each(testEngines)('booking store on %s', (engine) => {
  let t: TestDatabase<AppointmentDb>;
  let world: World;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Beijing

  beforeAll(async () => {
    t = await openTestDatabase<AppointmentDb>(engine, migrations);
    world = await buildWorld(t.db, clock);
  });
  afterAll(async () => t.cleanup());

  const book = (db: Db<AppointmentDb>, req: BookingRequest) => inTransaction(db, (trx) => bookTicket(trx, clock, operator, req));

  it('books a ticket, confirms by SMS with what 第十八条 requires, and audits it', async () => {
    const [slot] = await publish(t.db, clock, world, 0, '2026-03-04', [{ start: '09:00', end: '09:30', referral: 1, appointment: 3, window: 1 }]);
    const d = await book(t.db, { slotId: slot!, channel: 'phone', patient: patient(1), booker: { name: '家属', phone: '13900000001' } });
    expect(d.allowed).toBe(true);
    if (!d.allowed) return;
    expect(d.value).toMatchObject({ ticketNo: 2, visitDate: '2026-03-04', period: '09:00–09:30', title: '主任医师', status: 'booked' });
    const sms = await t.db.kysely.selectFrom('outbox').selectAll().where('template', '=', 'appointments.booking_confirmed').execute();
    expect(sms).toHaveLength(1);
    // 第十六条: the booker's contact gets the confirmation when someone else booked.
    expect(sms[0]!.phone).toBe('13900000001');
    for (const part of ['09:00–09:30', '心血管内科', '主任医师', '取消', '违约']) expect(sms[0]!.body).toContain(part);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('never gives a ticket twice under a rush from two connections', async () => {
    const [slot] = await publish(t.db, clock, world, 1, '2026-03-04', [{ start: '09:00', end: '09:30', referral: 0, appointment: 5, window: 1 }]);
    const other = t.reopen();
    const committers = [groupCommitter(t.db), groupCommitter(other)];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => committers[i % 2]!.run((trx) => bookTicket(trx, clock, operator, { slotId: slot!, channel: 'phone', patient: patient(100 + i), booker: { name: '家属', phone: '13900000001' } }))),
    );
    await other.close();
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => !r.allowed && r.reasons[0]?.code === 'slot_full')).toHaveLength(55);
    const tickets = results.flatMap((r) => (r.allowed ? [r.value.ticketNo] : []));
    expect(new Set(tickets).size).toBe(5);
    expect(await invariants(t.db)).toEqual({ doubled: 0, mismatched: 0, perDay: 0, perDept: 0, perWeek: 0 });
  });

  it('holds the 7-day department limit when one person books five days in a row from two devices at once (第十七条)', async () => {
    const days = ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'];
    const slots = [];
    for (const day of days) slots.push(...(await publish(t.db, clock, world, 7, day, [{ start: '14:00', end: '14:30', referral: 1, appointment: 9, window: 0 }])));
    const other = t.reopen();
    const committers = [groupCommitter(t.db), groupCommitter(other)];
    const me = patient(520);
    const results = await Promise.all(
      slots.map((slotId, i) => committers[i % 2]!.run((trx) => bookTicket(trx, clock, operator, { slotId, channel: 'phone', patient: me, booker: { name: '家属', phone: '13900000001' } }))),
    );
    await other.close();
    // Five days in a row fit in one 7-day window: whichever three commit first win, the other two are refused.
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(results.flatMap((r) => (r.allowed ? [] : [r.reasons[0]?.code]))).toEqual(['department_weekly_limit_exceeded', 'department_weekly_limit_exceeded']);
    expect(await invariants(t.db)).toMatchObject({ doubled: 0, perWeek: 0 });
  });

  it('holds the per-patient limits when one person books from several devices at once', async () => {
    const slotsA = await publish(t.db, clock, world, 2, '2026-03-05', [{ start: '09:00', end: '09:30', referral: 1, appointment: 9, window: 0 }, { start: '09:30', end: '10:00', referral: 1, appointment: 9, window: 0 }]);
    const slotB = await publish(t.db, clock, world, 3, '2026-03-05', [{ start: '09:00', end: '09:30', referral: 1, appointment: 9, window: 0 }]);
    const slotC = await publish(t.db, clock, world, 6, '2026-03-05', [{ start: '09:00', end: '09:30', referral: 1, appointment: 9, window: 0 }]);
    const other = t.reopen();
    const me = patient(500);
    const attempts = [slotsA[0], slotsA[1], slotB[0], slotC[0], slotsA[0], slotB[0]].map((slotId, i) =>
      book(i % 2 ? other : t.db, { slotId: slotId!, channel: 'phone', patient: me, booker: { name: '家属', phone: '13900000001' } }),
    );
    const results = await Promise.all(attempts);
    await other.close();
    const allowed = results.filter((r) => r.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThanOrEqual(2);
    const codes = results.flatMap((r) => (r.allowed ? [] : [r.reasons[0]?.code]));
    for (const c of codes) expect(['daily_limit_exceeded', 'department_daily_limit_exceeded', 'patient_banned']).toContain(c);
    // 第三十二条: the duplicate attempt (same department, same day) put the person on the list.
    if (codes.includes('department_daily_limit_exceeded')) {
      const bans = await t.db.kysely.selectFrom('appt_bans as b').innerJoin('persons as p', 'p.id', 'b.person_id').select('b.reason').where('p.doc_number', '=', me.docNumber).execute();
      expect(bans.map((b) => b.reason)).toEqual(['duplicate']);
      // The attempt that listed the person says so, with 第三十二条, so they do not just try another time.
      const listing = results.flatMap((r) => (r.allowed ? [] : r.reasons)).find((x) => x.code === 'listed_for_duplicate');
      expect(listing?.citation).toMatchObject({ doc: '西卫〔2019〕5号', article: '第三十二条' });
      expect(listing?.message.zh).toContain('列入违约名单');
    }
    expect(await invariants(t.db)).toEqual({ doubled: 0, mismatched: 0, perDay: 0, perDept: 0, perWeek: 0 });
  });

  it('returns the same booking for a retried Idempotency-Key', async () => {
    const [slot] = await publish(t.db, clock, world, 4, '2026-03-06', [{ start: '09:00', end: '09:30', referral: 0, appointment: 4, window: 1 }]);
    const req = { slotId: slot!, channel: 'phone' as const, patient: patient(600), booker: { name: '家属', phone: '13900000001' }, idempotencyKey: 'key-600-abcdef' };
    const [a, b] = await Promise.all([book(t.db, req), book(t.db, req)]);
    const c = await book(t.db, req);
    expect(a.allowed && b.allowed && c.allowed).toBe(true);
    if (a.allowed && b.allowed && c.allowed) {
      expect(new Set([a.value.bookingId, b.value.bookingId, c.value.bookingId]).size).toBe(1);
      expect(c.value.replayed).toBe(true);
    }
  });

  it('replays a retried Idempotency-Key even after the session was stopped or the 15:00 cutoff passed', async () => {
    const [stopped] = await publish(t.db, clock, world, 2, '2026-03-11', [{ start: '09:00', end: '09:30', referral: 0, appointment: 4, window: 1 }]);
    const [later] = await publish(t.db, clock, world, 1, '2026-03-11', [{ start: '09:00', end: '09:30', referral: 0, appointment: 4, window: 1 }]);
    const first = { slotId: stopped!, channel: 'phone' as const, patient: patient(650), idempotencyKey: 'key-650-abcdef' };
    const second = { slotId: later!, channel: 'phone' as const, patient: patient(651), idempotencyKey: 'key-651-abcdef' };
    const a = await book(t.db, first);
    const b = await book(t.db, second);
    if (!a.allowed || !b.allowed) throw new Error('setup bookings refused');
    const session = await t.db.kysely.selectFrom('appt_slots').select('session_id').where('id', '=', stopped!).executeTakeFirstOrThrow();
    expect((await inTransaction(t.db, (trx) => stopSession(trx, clock, operator, Number(session.session_id), undefined))).allowed).toBe(true);
    // The client never saw the first answer and retries: the booking it made comes back, not slot_not_found.
    expect(await book(t.db, first)).toMatchObject({ allowed: true, value: { bookingId: a.value.bookingId, replayed: true } });
    // After 15:00 the day before (第十七条) a new booking is closed, a retry of one already made is not.
    const afterCutoff = manualClock(new Date('2026-03-10T08:30:00Z'));
    expect(await inTransaction(t.db, (trx) => bookTicket(trx, afterCutoff, operator, second))).toMatchObject({ allowed: true, value: { bookingId: b.value.bookingId, replayed: true } });
    expect(await inTransaction(t.db, (trx) => bookTicket(trx, afterCutoff, operator, { ...second, idempotencyKey: 'key-651-other1' }))).toMatchObject({ allowed: false, reasons: [{ code: 'booking_closed' }] });
  });

  it('makes the signed-in resident the booker of a family member’s booking, with the contact on record (第十六条)', async () => {
    const slots = await publish(t.db, clock, world, 0, '2026-03-12', [
      { start: '09:00', end: '09:30', referral: 0, appointment: 4, window: 1 },
      { start: '09:30', end: '10:00', referral: 0, appointment: 4, window: 1 },
    ]);
    const me = patient(660);
    const registered = await book(t.db, { slotId: slots[0]!, channel: 'web', patient: me });
    if (!registered.allowed) throw new Error('setup booking refused');
    const residentId = registered.value.personId;
    const family = await book(t.db, { slotId: slots[1]!, channel: 'web', patient: patient(661), bookerPersonId: residentId });
    expect(family.allowed).toBe(true);
    const rows = await t.db.kysely.selectFrom('appt_bookings').select(['id', 'booker_name', 'booker_phone']).where('id', 'in', [registered.value.bookingId, family.allowed ? family.value.bookingId : -1]).orderBy('id').execute();
    expect(rows.map((r) => [r.booker_name, r.booker_phone])).toEqual([[null, null], [me.name, me.phone]]);
    const sms = await t.db.kysely.selectFrom('outbox').select('phone').where('person_id', '=', family.allowed ? family.value.personId : -1).execute();
    expect(sms.map((m) => m.phone)).toEqual([me.phone]);
    // A booker's contact must be a mobile number, whether the client sent it or it is on record.
    await t.db.kysely.updateTable('persons').set({ phone: '010-66012345' }).where('id', '=', residentId).execute();
    const landline = await book(t.db, { slotId: slots[1]!, channel: 'web', patient: patient(662), bookerPersonId: residentId });
    expect(landline).toMatchObject({ allowed: false, reasons: [{ code: 'missing_required_data' }] });
  });

  it('cancels until midnight before the visit and frees the ticket', async () => {
    const [slot] = await publish(t.db, clock, world, 5, '2026-03-06', [{ start: '10:00', end: '10:30', referral: 0, appointment: 1, window: 0 }]);
    const first = await book(t.db, { slotId: slot!, channel: 'phone', patient: patient(700), booker: { name: '家属', phone: '13900000001' } });
    expect(first.allowed).toBe(true);
    const full = await book(t.db, { slotId: slot!, channel: 'phone', patient: patient(701), booker: { name: '家属', phone: '13900000001' } });
    expect(full.allowed ? null : full.reasons[0]?.code).toBe('slot_full');
    if (!first.allowed) return;
    const cancelled = await inTransaction(t.db, (trx) => cancelBooking(trx, clock, operator, first.value.bookingId, null));
    expect(cancelled.allowed).toBe(true);
    const again = await book(t.db, { slotId: slot!, channel: 'phone', patient: patient(701), booker: { name: '家属', phone: '13900000001' } });
    expect(again.allowed).toBe(true);
    if (!again.allowed) return;
    const late = manualClock(new Date('2026-03-05T16:30:00Z'));
    const refused = await inTransaction(t.db, (trx) => cancelBooking(trx, late, operator, again.value.bookingId, null));
    expect(refused.allowed ? null : refused.reasons[0]).toMatchObject({ code: 'cancel_too_late', citation: { article: '第二十五条' } });
  });

  it('checks in only with the booking document, during the period', async () => {
    const [slot] = await publish(t.db, clock, world, 7, '2026-03-04', [{ start: '08:00', end: '08:30', referral: 0, appointment: 2, window: 0 }]);
    const p = patient(800);
    const b = await book(t.db, { slotId: slot!, channel: 'phone', patient: p, booker: { name: '家属', phone: '13900000001' } });
    if (!b.allowed) throw new Error('booking failed');
    const during = manualClock(new Date('2026-03-04T00:10:00Z'));
    const wrong = await inTransaction(t.db, (trx) => checkInBooking(trx, during, operator, b.value.bookingId, { docType: 'passport', docNumber: 'E12345678' }, world.institutionId));
    expect(wrong.allowed ? null : wrong.reasons[0]?.code).toBe('identity_mismatch');
    const ok = await inTransaction(t.db, (trx) => checkInBooking(trx, during, operator, b.value.bookingId, { docType: p.docType, docNumber: p.docNumber }, world.institutionId));
    expect(ok.allowed ? ok.value.status : null).toBe('checked_in');
  });

  it('turns three no-shows in 3 months into a ban that refuses booking (第三十二条)', async () => {
    const p = patient(900);
    for (const [doctor, date] of [[0, '2026-03-03'], [8, '2026-03-04'], [5, '2026-03-05']] as const) {
      const [slot] = await publish(t.db, clock, world, doctor, date, [{ start: '11:00', end: '11:30', referral: 0, appointment: 2, window: 0 }]);
      const r = await book(t.db, { slotId: slot!, channel: 'phone', patient: p, booker: { name: '家属', phone: '13900000001' } });
      expect(r.allowed).toBe(true);
    }
    const later = manualClock(new Date('2026-03-05T06:00:00Z'));
    expect(await sweepNoShows(t.db, later)).toBeGreaterThanOrEqual(3);
    expect(await sweepNoShows(t.db, later)).toBe(0);
    const [slot] = await publish(t.db, clock, world, 8, '2026-03-10', [{ start: '11:00', end: '11:30', referral: 0, appointment: 2, window: 0 }]);
    const banned = await inTransaction(t.db, (trx) => bookTicket(trx, later, operator, { slotId: slot!, channel: 'phone', patient: p, booker: { name: '家属', phone: '13900000001' } }));
    expect(banned.allowed ? null : banned.reasons[0]).toMatchObject({ code: 'patient_banned', citation: { article: '第三十二条' } });
  });

  it('never counts a same-day window registration as a no-show (第三十二条 is about appointments)', async () => {
    const dayBefore = manualClock(new Date('2026-03-01T01:00:00Z')); // sessions are published ahead
    const [slot] = await publish(t.db, dayBefore, world, 2, '2026-03-02', [{ start: '09:30', end: '10:00', referral: 0, appointment: 8, window: 2 }]);
    const p = patient(950);
    const walkIn = await book(t.db, { slotId: slot!, channel: 'window', patient: p });
    expect(walkIn.allowed).toBe(true);
    await sweepNoShows(t.db, manualClock(new Date('2026-03-02T03:00:00Z'))); // 11:00, the period is over
    const person = await t.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', p.docNumber).executeTakeFirstOrThrow();
    const violations = await t.db.kysely.selectFrom('appt_violations').select('id').where('person_id', '=', person.id).execute();
    expect(violations).toEqual([]);
    const status = await t.db.kysely.selectFrom('appt_bookings').select('status').where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(status.status).toBe('booked');
  });

  it('stops a session: notifies every patient and offers a same-or-higher-title substitute (第二十七条)', async () => {
    const [slot] = await publish(t.db, clock, world, 4, '2026-03-09', [{ start: '09:00', end: '09:30', referral: 0, appointment: 3, window: 0 }]); // 副主任医师, 眼科
    await publish(t.db, clock, world, 3, '2026-03-09', [{ start: '09:00', end: '09:30', referral: 0, appointment: 3, window: 0 }]); // 主任医师, 眼科
    for (const i of [1000, 1001]) await book(t.db, { slotId: slot!, channel: 'phone', patient: patient(i), booker: { name: '家属', phone: '13900000001' } });
    const session = await t.db.kysely.selectFrom('appt_slots').select('session_id').where('id', '=', slot!).executeTakeFirstOrThrow();
    const preview = await previewStop(t.db.kysely, clock, Number(session.session_id));
    expect(preview.allowed ? preview.value.affected.length : -1).toBe(2);
    expect(preview.allowed ? preview.value.substitutes.map((s) => s.title) : []).toEqual(['主任医师']);
    const before = await t.db.kysely.selectFrom('outbox').select('id').where('template', '=', 'appointments.session_stopped').execute();
    const stopped = await inTransaction(t.db, (trx) => stopSession(trx, clock, operator, Number(session.session_id), undefined));
    expect(stopped).toMatchObject({ allowed: true, value: { special: false, notified: 2 } });
    const after = await t.db.kysely.selectFrom('outbox').select(['body']).where('template', '=', 'appointments.session_stopped').execute();
    expect(after.length - before.length).toBe(2);
    expect(after.at(-1)!.body).toContain('主任医师');
  });

  it('books medical-technology resources through the same mechanism (第八条, 第十二条 (四))', async () => {
    const res = await t.db.kysely
      .insertInto('appt_resources')
      .values({ institution_id: world.institutionId, kind: 'exam', name: '心脏彩超', code: 'US01', items: '经胸超声心动图', fee_cents: 30000, indications: '胸闷、心悸', quantity: 20 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const published = await inTransaction(t.db, (trx) =>
      publishSession(trx, clock, operator, { institutionId: world.institutionId, departmentId: world.departments[0]!, resourceId: Number(res.id), visitDate: parseCivilDate('2026-03-06'), slots: [{ start: '14:00', end: '14:30', referral: 1, appointment: 4, window: 0 }] }),
    );
    expect(published.allowed).toBe(true);
    if (!published.allowed) return;
    const slot = await t.db.kysely.selectFrom('appt_slots').select('id').where('session_id', '=', published.value.sessionId).executeTakeFirstOrThrow();
    const b = await book(t.db, { slotId: Number(slot.id), channel: 'phone', patient: patient(3000), booker: { name: '家属', phone: '13900000001' } });
    expect(b.allowed ? b.value.title : null).toBe('心脏彩超');
  });

  it('keeps every invariant through random books and cancels (property)', async () => {
    const slots = await publish(t.db, clock, world, 8, '2026-03-11', [{ start: '09:00', end: '09:30', referral: 0, appointment: 3, window: 0 }, { start: '09:30', end: '10:00', referral: 0, appointment: 2, window: 0 }]);
    const committer = groupCommitter(t.db);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 12 }), async (ops) => {
        await Promise.all(
          ops.map(async ([isBook, slotIndex, who]) => {
            if (isBook) return committer.run((trx) => bookTicket(trx, clock, operator, { slotId: slots[slotIndex]!, channel: 'phone', patient: patient(2000 + who), booker: { name: '家属', phone: '13900000001' } }));
            const mine = await t.db.kysely.selectFrom('appt_bookings as b').innerJoin('persons as p', 'p.id', 'b.person_id').select('b.id').where('p.doc_number', '=', patient(2000 + who).docNumber).where('b.active', '=', 1).executeTakeFirst();
            return mine ? committer.run((trx) => cancelBooking(trx, clock, operator, Number(mine.id), null)) : undefined;
          }),
        );
        expect(await invariants(t.db)).toEqual({ doubled: 0, mismatched: 0, perDay: 0, perDept: 0, perWeek: 0 });
        const free = await t.db.kysely.selectFrom('appt_tickets').select('id').where('slot_id', 'in', slots).where('booking_id', 'is', null).execute();
        const held = await t.db.kysely.selectFrom('appt_bookings').select('id').where('slot_id', 'in', slots).where('active', '=', 1).execute();
        expect(free.length + held.length).toBe(5);
      }),
      { numRuns: engine === 'sqlite' ? 40 : 15 },
    );
  });
});
