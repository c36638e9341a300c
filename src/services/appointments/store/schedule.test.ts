import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { platformMigrations } from '../../../platform/migrations.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { manualClock } from '../../../platform/time/clock.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { systemActor } from '../../../platform/audit/trail.ts';
import { appointmentMigrations } from '../migrations.ts';
import type { AppointmentDb } from '../schema.ts';
import { publishSession, withdrawSession } from './schedule.ts';
import { buildWorld, publish, type World } from './world.test-support.ts';

describe.each(testEngines)('publishing and withdrawing sessions on %s', (engine) => {
  let t: TestDatabase<AppointmentDb>;
  let world: World;
  const monday = manualClock(new Date('2026-03-02T01:00:00Z'));

  beforeAll(async () => {
    t = await openTestDatabase<AppointmentDb>(engine, [...platformMigrations, ...appointmentMigrations]);
    world = await buildWorld(t.db, monday);
  });
  afterAll(async () => t.cleanup());

  const sessionsOn = async (date: string) => (await t.db.kysely.selectFrom('appt_sessions').select('id').where('visit_date', '=', date).execute()).length;

  it('uses the share the institution set (第十一条) and writes nothing when refused', async () => {
    const doctor = world.doctors[0]!;
    await t.db.kysely.updateTable('appt_institutions').set({ referral_share_pct: 20 }).where('id', '=', world.institutionId).execute();
    const request = { institutionId: world.institutionId, departmentId: doctor.departmentId, doctorId: doctor.id, visitDate: parseCivilDate('2026-03-20'), slots: [{ start: '08:00', end: '08:30', referral: 1, appointment: 9, window: 2 }] };
    const refused = await inTransaction(t.db, (trx) => publishSession(trx, monday, systemActor, request));
    expect(refused.allowed ? null : refused.reasons[0]).toMatchObject({ code: 'referral_reserve_below_share', citation: { article: '第十一条' } });
    expect(await sessionsOn('2026-03-20')).toBe(0);
    // The institution adjusts its share (第十一条 "按照实际情况动态调整"): the same plan now publishes.
    await t.db.kysely.updateTable('appt_institutions').set({ referral_share_pct: 10 }).where('id', '=', world.institutionId).execute();
    const published = await inTransaction(t.db, (trx) => publishSession(trx, monday, systemActor, request));
    expect(published.allowed).toBe(true);
    expect(await sessionsOn('2026-03-20')).toBe(1);
  });

  it('withdraws a session only more than a week ahead (第二十七条 schedule_frozen)', async () => {
    const [soon] = await publish(t.db, monday, world, 1, '2026-03-06', [{ start: '08:00', end: '08:30', referral: 1, appointment: 7, window: 2 }]);
    const [later] = await publish(t.db, monday, world, 1, '2026-03-16', [{ start: '08:00', end: '08:30', referral: 1, appointment: 7, window: 2 }]);
    const sessionOf = async (slot: number) => Number((await t.db.kysely.selectFrom('appt_slots').select('session_id').where('id', '=', slot).executeTakeFirstOrThrow()).session_id);
    const [soonSession, laterSession] = [await sessionOf(soon!), await sessionOf(later!)];
    const frozen = await inTransaction(t.db, (trx) => withdrawSession(trx, monday, systemActor, soonSession));
    expect(frozen.allowed ? null : frozen.reasons[0]).toMatchObject({ code: 'schedule_frozen', citation: { article: '第二十七条' } });
    const withdrawn = await inTransaction(t.db, (trx) => withdrawSession(trx, monday, systemActor, laterSession));
    expect(withdrawn.allowed).toBe(true);
    const statuses = await t.db.kysely.selectFrom('appt_sessions').select(['visit_date', 'status']).where('visit_date', 'in', ['2026-03-06', '2026-03-16']).orderBy('visit_date').execute();
    expect(statuses).toEqual([{ visit_date: '2026-03-06', status: 'published' }, { visit_date: '2026-03-16', status: 'withdrawn' }]);
  });
});
