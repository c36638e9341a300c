import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { platformMigrations } from '../../../platform/migrations.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { manualClock } from '../../../platform/time/clock.ts';
import type { CivilDate } from '../../../platform/time/civil.ts';
import { systemActor } from '../../../platform/audit/trail.ts';
import { appointmentMigrations } from '../migrations.ts';
import type { AppointmentDb } from '../schema.ts';
import { availability } from './availability.ts';
import { bookTicket } from './book-ticket.ts';
import { buildWorld, patient, publish, type World } from './world.test-support.ts';

describe.each(testEngines)('public availability on %s (第九条, 第十七条)', (engine) => {
  let t: TestDatabase<AppointmentDb>;
  let world: World;
  const monday = manualClock(new Date('2026-03-02T01:00:00Z')); // 09:00 in Beijing
  const query = (pool: 'appointment' | 'window' | 'referral') => ({ institutionId: world.institutionId, departmentId: world.doctors[0]!.departmentId, from: '2026-03-04' as CivilDate, to: '2026-03-04' as CivilDate, pool });

  beforeAll(async () => {
    t = await openTestDatabase<AppointmentDb>(engine, [...platformMigrations, ...appointmentMigrations]);
    world = await buildWorld(t.db, monday);
    const [slot] = await publish(t.db, monday, world, 0, '2026-03-04', [{ start: '09:00', end: '09:30', referral: 1, appointment: 7, window: 2 }]);
    const booked = await inTransaction(t.db, (trx) => bookTicket(trx, monday, systemActor, { slotId: slot!, channel: 'phone', patient: patient(1), booker: { name: '家属', phone: '13900000001' } }));
    expect(booked.allowed).toBe(true);
  });
  afterAll(async () => t.cleanup());

  it('counts each pool separately before the 15:00 cutoff', async () => {
    const free = async (pool: 'appointment' | 'window' | 'referral') => (await availability(t.db.kysely, monday, query(pool))).map((r) => r.free);
    expect({ referral: await free('referral'), appointment: await free('appointment'), window: await free('window') }).toEqual({ referral: [1], appointment: [6], window: [2] });
  });

  it('after the cutoff shows every unbooked ticket at the window and none on the platform', async () => {
    const afterCutoff = manualClock(new Date('2026-03-03T07:00:00Z')); // 15:00 the day before
    const free = async (pool: 'appointment' | 'window' | 'referral') => (await availability(t.db.kysely, afterCutoff, query(pool))).map((r) => r.free);
    expect({ referral: await free('referral'), appointment: await free('appointment'), window: await free('window') }).toEqual({ referral: [0], appointment: [0], window: [9] });
  });
});
