/**
 * Test support for the enrollment service: a migrated test database (SQLite, PostgreSQL or PGlite)
 * with Xicheng's streets, the demo schools and plans, guardians and reviewer accounts (inserted
 * directly: no password hashing needed, sessions are opened directly). Not loaded in production.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../../platform/db/connect.ts';
import type { VersionedMigration } from '../../platform/db/migrate.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { openTestDatabase, type TestDatabase } from '../../platform/db/test-databases.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { platformMigrations } from '../../platform/migrations.ts';
import { casesMigration } from '../../platform/cases/migration.ts';
import { addPartyMember } from '../../platform/cases/store.ts';
import { systemActor, type Actor } from '../../platform/audit/trail.ts';
import { manualClock, type ManualClock } from '../../platform/time/clock.ts';
import { instantAt, parseCivilDate } from '../../platform/time/civil.ts';
import { xichengStreets } from '../../seed/xicheng.ts';
import { residentIdCheckChar } from '../../platform/identity/documents.ts';
import type { EnrollmentDb } from './schema.ts';
import { enrollmentMigrations } from './migrations.ts';
import { demoReviewers, seedEnrollmentSchools } from './seed.ts';

export interface EnrollmentWorld {
  readonly t: TestDatabase<EnrollmentDb>;
  readonly clock: ManualClock;
  readonly programs: Map<string, number>;
  /** Reviewer actors by username (reviewer.hrss, street.yuetan, …) and an operator. */
  readonly staff: Map<string, Actor>;
  at(day: string, time?: string): void;
  guardian(name: string): Promise<Actor>;
}

/** A valid synthetic 居民身份证 number for a birth date ('YYYY-MM-DD'). */
export function childId(birth: string, serial: number): string {
  const first17 = `110102${birth.replace(/-/g, '')}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * The app's own migration list once it includes this service (app.ts wires it), so tests see the
 * schema production runs; the minimal list otherwise.
 */
async function migrationsForTests(): Promise<readonly VersionedMigration[]> {
  const { allMigrations } = await import('../../app.ts');
  const names = new Set(allMigrations.map((m) => m.name));
  return enrollmentMigrations.every((m) => names.has(m.name)) && names.has(casesMigration.name) ? allMigrations : [...platformMigrations, casesMigration, ...enrollmentMigrations];
}

export async function openEnrollmentWorld(engine: Engine): Promise<EnrollmentWorld> {
  const t = await openTestDatabase<EnrollmentDb>(engine, await migrationsForTests());
  const clock = manualClock(instantAt(parseCivilDate('2019-05-06'), '09:00'));
  const k = t.db.kysely as unknown as Kysely<PlatformTables>;
  for (const s of xichengStreets) await k.insertInto('streets').values({ code: s.code, name_zh: s.zh, name_en: s.en }).execute();
  const programs = await seedEnrollmentSchools(t.db, clock);
  const staff = new Map<string, Actor>();
  const addStaff = async (username: string, name: string, role: string) => {
    const r = await k.insertInto('staff').values({ username, display_name: name, password_hash: 'unused', role, organisation_id: null, person_id: null, referral_authorised: 0, active: 1, created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
    const actor: Actor = { kind: 'staff', id: Number(r.id), name, role };
    staff.set(username, actor);
    return actor;
  };
  await addStaff('operator', '周运营', 'platform_operator');
  await addStaff('auditor', '吴审计', 'auditor');
  for (const r of demoReviewers) {
    const a = await addStaff(r.username, r.name, 'department_reviewer');
    await inTransaction(t.db, (trx) => addPartyMember(trx, clock, systemActor, a.id as number, r.party));
  }
  let serial = 0;
  return {
    t,
    clock,
    programs,
    staff,
    at: (day, time = '10:00') => clock.set(instantAt(parseCivilDate(day), time)),
    guardian: async (name) => {
      serial++;
      const r = await k.insertInto('persons').values({ doc_type: 'resident_id', doc_number: childId('1985-03-03', 500 + serial), name, phone: `139${String(10000000 + serial).slice(-8)}`, locale: 'zh-CN', created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
      return { kind: 'person', id: Number(r.id), name, role: 'resident' };
    },
  };
}
