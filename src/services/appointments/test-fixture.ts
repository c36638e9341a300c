/**
 * Test support for the appointments service: an app on a test database (SQLite, or PostgreSQL /
 * PGlite), a small seeded world, a signed-in token per role, and row counts to prove that a
 * refusal wrote nothing. Used by the route, fuzz and authorisation tests; not loaded in production.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import { allMigrations, createApp } from '../../app.ts';
import type { Db, Engine } from '../../platform/db/connect.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { openTestDatabase, type TestDatabase } from '../../platform/db/test-databases.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { systemActor } from '../../platform/audit/trail.ts';
import { createStaff } from '../../platform/identity/staff.ts';
import { manualClock, type ManualClock } from '../../platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../platform/time/civil.ts';
import { demoPassword, demoStaff, seedPlatformDemo, syntheticResidentId } from '../../seed/demo.ts';
import type { AppointmentDb } from './schema.ts';
import { seedAppointmentsDemo } from './seed.ts';
import { stopSession } from './store/stops.ts';
import { publishSession as publishStoreSession } from './store/schedule.ts';

/** Monday 2026-03-02, 09:00 in Shanghai: a weekday morning, before the 15:00 cutoff for Tuesday. */
export const fixtureNow = new Date('2026-03-02T01:00:00Z');

/** Every role the platform knows (the kiosk of 人民医院 too), plus the anonymous caller and an admin of a second institution. */
export const roleKeys = [
  'anonymous',
  'resident',
  'doctor',
  'family_doctor',
  'institution_admin',
  'other_institution_admin',
  'kiosk',
  'platform_operator',
  'department_reviewer',
  'auditor',
] as const;
export type RoleKey = (typeof roleKeys)[number];

const usernames: Record<Exclude<RoleKey, 'anonymous' | 'resident'>, string> = {
  doctor: 'doctor.rmyy',
  family_doctor: 'doctor.yt',
  institution_admin: 'admin.rmyy',
  other_institution_admin: 'admin.bdyy',
  kiosk: 'kiosk.rmyy',
  platform_operator: 'operator',
  department_reviewer: 'reviewer',
  auditor: 'auditor',
};

/** Tables whose row counts a refused request must leave unchanged. */
export const countedTables = [
  'appt_bookings',
  'appt_sessions',
  'appt_slots',
  'appt_tickets',
  'appt_violations',
  'appt_bans',
  'appt_institutions',
  'appt_departments',
  'appt_doctors',
  'appt_resources',
  'audit_log',
  'outbox',
  'persons',
  'staff',
] as const;
export type CountedTable = (typeof countedTables)[number] | 'claimed_tickets';
export type Counts = Record<CountedTable, number>;

export interface Patient {
  docType: 'resident_id';
  docNumber: string;
  name: string;
  phone: string;
}

export interface AppointmentsWorld {
  readonly engine: Engine;
  readonly t: TestDatabase<PlatformTables>;
  readonly db: Db<AppointmentDb>;
  readonly k: Kysely<AppointmentDb>;
  readonly app: FastifyInstance;
  readonly clock: ManualClock;
  readonly today: CivilDate;
  readonly tomorrow: CivilDate;
  /** Bearer tokens; anonymous has none. */
  readonly tokens: Readonly<Record<RoleKey, string | undefined>>;
  /** The appointment institution of 人民医院 (H001), where admin.rmyy and doctor.rmyy work. */
  readonly institutionId: number;
  /** 北大医院 (H002), whose admin is admin.bdyy. */
  readonly otherInstitutionId: number;
  readonly departmentId: number;
  readonly otherDepartmentId: number;
  /** A doctor in departmentId. */
  readonly doctorId: number;
  /** Every seeded doctor's name: none may appear in a public response (第九条). */
  readonly doctorNames: readonly string[];
  /** The signed-in resident. */
  readonly resident: Patient & { personId: number };
  /** A person on the violation list (his full name must never be shown). */
  readonly bannedPerson: { personId: number; name: string };
  /** A slot today 09:00–09:30 at H001 (the clock stands inside it): window registration and check-in. */
  readonly todaySlotId: number;
  headers(role: RoleKey, extra?: Record<string, string>): Record<string, string>;
  inject(role: RoleKey, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new valid patient nobody has booked for yet. */
  newPatient(): Patient;
  /** A slot tomorrow at the given institution with a free ticket in the pool. */
  freeSlot(pool: 'appointment' | 'referral', institutionId?: number): Promise<number>;
  /** Books through the phone channel as the operator; returns the booking id. */
  bookByPhone(patient?: Patient, slotId?: number): Promise<{ bookingId: number; patient: Patient }>;
  /** Window registration today at H001 as its admin (in the booked period, so check-in works). */
  bookAtWindow(patient?: Patient): Promise<{ bookingId: number; patient: Patient }>;
  /**
   * A phone booking at H001 in departmentId whose 主治医师 session was then stopped (第二十七条),
   * and a same-day slot of that department's 副主任医师 to move it to. Each call uses the next day.
   */
  stoppedBooking(patient?: Patient): Promise<{ bookingId: number; patient: Patient; substituteSlotId: number }>;
  /** Publishes a one-slot session at H001 at least eight days ahead (so it may still be withdrawn). */
  publishSession(): Promise<number>;
  counts(): Promise<Counts>;
  close(): Promise<void>;
}

let patientSerial = 0;

/**
 * A valid synthetic resident ID, unique in the process (syntheticResidentId varies the serial only
 * 100 ways per birth date, so the birth date moves too). Born in the 1930s: the demo seed's
 * residents are born from 1940, so these never collide with them.
 */
export function freshPatient(prefix = '患者'): Patient {
  const n = patientSerial++;
  const birth = addDays('1930-01-01' as CivilDate, Math.floor(n / 100));
  return { docType: 'resident_id', docNumber: syntheticResidentId(birth, n, n % 2 === 0), name: `${prefix}${n}`, phone: `139${String(10_000_000 + n).slice(-8)}` };
}

/** All counts in one statement (a fuzz run takes one per request). */
async function countAll(k: Kysely<AppointmentDb>): Promise<Counts> {
  const columns = countedTables.map((table) => sql`(select count(*) from ${sql.table(table)}) as ${sql.ref(table)}`);
  const r = await sql<Record<CountedTable, number | string | bigint>>`select ${sql.join(columns)}, (select count(*) from appt_tickets where booking_id is not null) as claimed_tickets`.execute(k);
  const row = r.rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([key, n]) => [key, Number(n)])) as Counts;
}

export interface WorldOptions {
  /** Days of demo schedule after today (seedAppointmentsDemo); weekends are skipped. */
  days?: number;
  persons?: number;
}

export async function openAppointmentsWorld(engine: Engine, options: WorldOptions = {}): Promise<AppointmentsWorld> {
  const t = await openTestDatabase<PlatformTables>(engine, allMigrations);
  const db = t.db as unknown as Db<AppointmentDb>;
  const k = db.kysely;
  const clock = manualClock(fixtureNow);
  const today = civilDateOf(clock.now());
  const tomorrow = addDays(today, 1);

  await seedPlatformDemo(t.db, clock, options.persons ?? 5);
  await seedAppointmentsDemo(db, clock, options.days ?? 1);

  const orgId = async (code: string) => Number((await k.selectFrom('organisations').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id);
  const instOf = async (code: string) => Number((await k.selectFrom('appt_institutions').select('id').where('organisation_id', '=', await orgId(code)).executeTakeFirstOrThrow()).id);
  const institutionId = await instOf('H001');
  const otherInstitutionId = await instOf('H002');
  const department = await k.selectFrom('appt_departments').select('id').where('institution_id', '=', institutionId).orderBy('id').executeTakeFirstOrThrow();
  const otherDepartment = await k.selectFrom('appt_departments').select('id').where('institution_id', '=', otherInstitutionId).orderBy('id').executeTakeFirstOrThrow();
  const doctor = await k.selectFrom('appt_doctors').select(['id', 'title']).where('department_id', '=', department.id).orderBy('id').executeTakeFirstOrThrow();
  const doctorNames = (await k.selectFrom('appt_doctors').select('name').execute()).map((d) => d.name);

  const otherOrganisationId = await orgId('H002');
  await inTransaction(t.db, (trx) =>
    createStaff(trx, clock, systemActor, { username: usernames.other_institution_admin, displayName: '孙管理', password: demoPassword, role: 'institution_admin', organisationId: otherOrganisationId }),
  );

  // Today's session at H001: its platform tickets went to the window at yesterday's 15:00 cutoff.
  const todaySlotId = await inTransaction(db, async (trx) => {
    const x = trx as Kysely<AppointmentDb>;
    const s = await x
      .insertInto('appt_sessions')
      .values({ institution_id: institutionId, department_id: Number(department.id), doctor_id: Number(doctor.id), resource_id: null, title: doctor.title, visit_date: today, status: 'published', published_at: clock.now().toISOString(), stopped_at: null, stop_reason: null, special_stop: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const slot = await x.insertInto('appt_slots').values({ session_id: Number(s.id), visit_date: today, period_start: '09:00', period_end: '09:30' }).returning('id').executeTakeFirstOrThrow();
    await x
      .insertInto('appt_tickets')
      .values(Array.from({ length: 60 }, (_, i) => ({ slot_id: Number(slot.id), ticket_no: i + 1, pool: i < 6 ? 'referral' : i < 48 ? 'appointment' : 'window', booking_id: null })))
      .execute();
    return Number(slot.id);
  });

  // One person on the violation list (第三十二条).
  const banned = await k.selectFrom('persons').select(['id', 'name']).orderBy('id').executeTakeFirstOrThrow();
  await k.insertInto('appt_bans').values({ person_id: Number(banned.id), listed_on: today, ends_on: addDays(today, 92), reason: 'no_show' }).execute();

  const { app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 10_000_000 } });
  await app.ready();

  const tokens: Record<RoleKey, string | undefined> = { anonymous: undefined } as Record<RoleKey, string | undefined>;
  for (const [role, username] of Object.entries(usernames) as [RoleKey, string][]) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username, password: demoPassword } });
    if (res.statusCode !== 200) throw new Error(`staff sign-in ${username}: ${res.statusCode} ${res.body}`);
    tokens[role] = (res.json() as { token: string }).token;
  }
  const me = freshPatient('居民');
  const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: me });
  if (start.statusCode !== 200) throw new Error(`resident start: ${start.statusCode} ${start.body}`);
  const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
  const verify = await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } });
  if (verify.statusCode !== 200) throw new Error(`resident verify: ${verify.statusCode} ${verify.body}`);
  const signedIn = verify.json() as { token: string; personId: number };
  tokens.resident = signedIn.token;
  // These staff accounts exist in the demo seed; fail early if it changes.
  for (const u of Object.values(usernames)) if (u !== usernames.other_institution_admin && !demoStaff.some((s) => s.username === u)) throw new Error(`no demo account ${u}`);

  const headers = (role: RoleKey, extra: Record<string, string> = {}) => {
    const token = tokens[role];
    return token ? { authorization: `Bearer ${token}`, ...extra } : { ...extra };
  };
  const inject = (role: RoleKey, opts: InjectOptions) => app.inject({ ...opts, headers: { ...headers(role), ...(opts.headers as Record<string, string> | undefined) } });

  const freeSlot = async (pool: 'appointment' | 'referral', inst = institutionId) => {
    const r = await k
      .selectFrom('appt_tickets as t')
      .innerJoin('appt_slots as sl', 'sl.id', 't.slot_id')
      .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
      .select('sl.id')
      .where('t.pool', '=', pool)
      .where('t.booking_id', 'is', null)
      .where('se.institution_id', '=', inst)
      .where('se.status', '=', 'published')
      .where('sl.visit_date', '=', tomorrow)
      .orderBy('sl.id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return Number(r.id);
  };

  const expectCreated = (res: LightMyRequestResponse, what: string) => {
    expect(res.statusCode, `${what}: ${res.body}`).toBe(201);
    return (res.json() as { bookingId: number }).bookingId;
  };

  let sessionDay = 8;
  let stopDay = 2;
  const world: AppointmentsWorld = {
    engine,
    t,
    db,
    k,
    app,
    clock,
    today,
    tomorrow,
    tokens,
    institutionId,
    otherInstitutionId,
    departmentId: Number(department.id),
    otherDepartmentId: Number(otherDepartment.id),
    doctorId: Number(doctor.id),
    doctorNames,
    resident: { ...me, personId: signedIn.personId },
    bannedPerson: { personId: Number(banned.id), name: banned.name },
    todaySlotId,
    headers,
    inject,
    newPatient: () => freshPatient(),
    freeSlot,
    async bookByPhone(p = freshPatient(), slotId?: number) {
      const patient: Patient = { docType: p.docType, docNumber: p.docNumber, name: p.name, phone: p.phone };
      const res = await inject('platform_operator', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId: slotId ?? (await freeSlot('appointment')), channel: 'phone', patient } });
      return { bookingId: expectCreated(res, 'phone booking'), patient };
    },
    async bookAtWindow(patient = freshPatient()) {
      const res = await inject('institution_admin', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId: todaySlotId, channel: 'window', patient } });
      return { bookingId: expectCreated(res, 'window registration'), patient };
    },
    async stoppedBooking(p = freshPatient()) {
      // Its own day (2–14 days ahead, inside the booking window) and doctors other than doctorId,
      // whose days publishSession() uses.
      const visitDate = addDays(today, stopDay++);
      const doctorOf = async (title: string) => Number((await k.selectFrom('appt_doctors').select('id').where('department_id', '=', Number(department.id)).where('title', '=', title).executeTakeFirstOrThrow()).id);
      const publishFor = async (title: string) => {
        const doctorId = await doctorOf(title);
        const d = await inTransaction(db, (trx) =>
          publishStoreSession(trx, clock, systemActor, { institutionId, departmentId: Number(department.id), doctorId, visitDate, slots: [{ start: '08:00', end: '08:30', referral: 1, appointment: 7, window: 2 }] }),
        );
        if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
        const slot = await k.selectFrom('appt_slots').select('id').where('session_id', '=', d.value.sessionId).executeTakeFirstOrThrow();
        return { sessionId: d.value.sessionId, slotId: Number(slot.id) };
      };
      const stoppedSession = await publishFor('主治医师');
      const substitute = await publishFor('副主任医师');
      const { bookingId, patient } = await world.bookByPhone(p, stoppedSession.slotId);
      const stopped = await inTransaction(db, (trx) => stopSession(trx, clock, systemActor, stoppedSession.sessionId, undefined));
      if (!stopped.allowed) throw new Error(JSON.stringify(stopped.reasons));
      return { bookingId, patient, substituteSlotId: substitute.slotId };
    },
    async publishSession() {
      const visitDate = addDays(today, sessionDay++);
      const res = await inject('institution_admin', {
        method: 'POST',
        url: '/api/appointments/sessions',
        payload: { departmentId: Number(department.id), doctorId: Number(doctor.id), visitDate, slots: [{ start: '08:00', end: '08:30', referral: 1, appointment: 7, window: 2 }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { sessionId: number }).sessionId;
    },
    counts: () => countAll(k),
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
  return world;
}

/** The platform's error body with a stable code; returns the code. */
export function errorCode(res: LightMyRequestResponse): string {
  expect(res.headers['content-type'], res.body).toMatch(/^application\/json/);
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, res.body).toBe('string');
  expect(typeof body.error?.message, res.body).toBe('string');
  return body.error!.code as string;
}
