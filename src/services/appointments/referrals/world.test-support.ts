/**
 * Test world for referrals, in-clinic booking, supervision and FHIR: the platform and appointments
 * demo seed (one day of sessions), extra sessions at 人民医院 inside and beyond the 3-day window, an
 * app whose appointments service gets the fake health-records port, and a bearer token per account.
 * Tokens come from openSession, so no password hashing per sign-in. Tests only.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { buildServer, defaultServerOptions, type PlatformDeps } from '../../../platform/http/server.ts';
import { openTestDatabase, type TestDatabase } from '../../../platform/db/test-databases.ts';
import type { Db, Engine } from '../../../platform/db/connect.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import { platformMigrations } from '../../../platform/migrations.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { openSession } from '../../../platform/identity/sessions.ts';
import { logSmsAdapter } from '../../../platform/notify/sms-adapter.ts';
import { documentOnlyVerifier } from '../../../platform/identity/sign-in.ts';
import { systemActor } from '../../../platform/audit/trail.ts';
import { manualClock, type ManualClock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import { seedPlatformDemo, syntheticResidentId } from '../../../seed/demo.ts';
import { appointmentMigrations } from '../migrations.ts';
import type { AppointmentDb } from '../schema.ts';
import { seedReferralDemo } from './seed.ts';
import { publishSession } from '../store/schedule.ts';
import { registerAppointmentsService } from '../index.ts';
import type { AppointmentsPorts } from './eligibility.ts';
import { fakeHealthRecords, type FakeHealthRecords } from './health-records-port.test-support.ts';

/** Monday 2026-03-02 09:00 in Beijing: before the 15:00 cutoff for Tuesday. */
export const worldNow = new Date('2026-03-02T01:00:00Z');

export const accounts = ['family_doctor', 'unauthorised_family_doctor', 'station_doctor', 'doctor', 'institution_admin', 'other_admin', 'kiosk', 'platform_operator', 'auditor', 'resident'] as const;
export type Account = (typeof accounts)[number] | 'anonymous';

export interface TestPerson {
  id: number;
  docType: 'resident_id';
  docNumber: string;
  name: string;
  phone: string;
}

export interface ReferralWorld {
  readonly engine: Engine;
  readonly t: TestDatabase<PlatformTables>;
  readonly db: Db<AppointmentDb>;
  readonly k: Kysely<AppointmentDb>;
  readonly app: FastifyInstance;
  readonly clock: ManualClock;
  readonly today: CivilDate;
  readonly port: FakeHealthRecords;
  readonly tokens: Record<Exclude<Account, 'anonymous'>, string>;
  readonly staffIds: Record<Exclude<Account, 'anonymous' | 'resident'>, number>;
  /** 月坛社区卫生服务中心 (doctor.yt's), a station of it, and another centre. */
  readonly centreOrgId: number;
  readonly stationOrgId: number;
  readonly otherCentreOrgId: number;
  /** 人民医院 (H001) and its first department (心血管内科), with extra sessions. */
  readonly hospitalOrgId: number;
  readonly institutionId: number;
  readonly departmentId: number;
  readonly otherDepartmentId: number;
  /** doctor.rmyy's registered doctor row (主治医师 in departmentId) and a 主任医师 of the same department. */
  readonly treatingDoctorId: number;
  readonly seniorDoctorId: number;
  /** Slots at H001 departmentId with referral tickets, by visit date. */
  readonly slots: Record<string, number[]>;
  readonly residentPerson: TestPerson;
  inject(account: Account, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new person in the persons table. */
  person(prefix?: string): Promise<TestPerson>;
  /** A new person the fake port knows as contracted with the centre and with a record. */
  eligiblePerson(): Promise<TestPerson>;
  /** A second app on the same database, registered without the health-records port. */
  appWithoutPort(): Promise<FastifyInstance>;
  rowCounts(): Promise<Record<string, number>>;
  /** Sessions last 8 hours: after moving the clock far, sign everyone in again. */
  refreshTokens(): Promise<void>;
  close(): Promise<void>;
}

let serial = 0;

/**
 * Two hospitals instead of the whole district (seedAppointmentsDemo takes half a minute on PGlite):
 * 人民医院 with three departments of three titles each, 北大医院 with one, every doctor with a
 * session tomorrow of six 30-minute slots (1 referral, 7 appointment, 2 window tickets), then the
 * referral demo wiring of seed.ts (doctor.rmyy's doctor record, the named referral staff).
 */
async function seedSmallSchedule(db: Db<AppointmentDb>, clock: ManualClock): Promise<void> {
  const tomorrow = addDays(civilDateOf(clock.now()), 1);
  const plan = { H001: ['心血管内科', '内分泌科', '眼科'], H002: ['心血管内科'] } as const;
  let n = 0;
  for (const [code, departments] of Object.entries(plan)) {
    const sessions = await inTransaction(db, async (trx) => {
      const x = trx as Kysely<AppointmentDb>;
      const org = await x.selectFrom('organisations').select('id').where('code', '=', code).executeTakeFirstOrThrow();
      const inst = await x.insertInto('appt_institutions').values({ organisation_id: org.id, level: '三级', type: '综合', website: '', introduction: '', directions: '', slot_minutes: null, referral_share_pct: 10 }).returning('id').executeTakeFirstOrThrow();
      const out: { institutionId: number; departmentId: number; doctorId: number }[] = [];
      for (const [i, name] of departments.entries()) {
        const d = await x.insertInto('appt_departments').values({ institution_id: inst.id, name, introduction: '', category: '内科', base_department: name, code: `D${i}` }).returning('id').executeTakeFirstOrThrow();
        for (const title of ['主任医师', '副主任医师', '主治医师'].slice(0, code === 'H001' ? 3 : 1)) {
          n++;
          const doc = await x.insertInto('appt_doctors').values({ institution_id: inst.id, department_id: d.id, name: `测医${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`, staff_number: `S${n}`, licence_number: `L${n}`, phone: '13900000000', specialty: '', title, introduction: '' }).returning('id').executeTakeFirstOrThrow();
          out.push({ institutionId: Number(inst.id), departmentId: Number(d.id), doctorId: Number(doc.id) });
        }
      }
      return out;
    });
    for (const s of sessions) {
      const slots = Array.from({ length: 6 }, (_, i) => ({ start: `${String(8 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`, end: `${String(8 + Math.floor((i + 1) / 2)).padStart(2, '0')}:${(i + 1) % 2 ? '30' : '00'}`, referral: 1, appointment: 7, window: 2 }));
      const d = await inTransaction(db, (trx) => publishSession(trx, clock, systemActor, { ...s, visitDate: tomorrow, slots }));
      if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
    }
  }
  await inTransaction(db, (trx) => seedReferralDemo(trx as Kysely<AppointmentDb>, clock));
}

async function makeApp(deps: PlatformDeps, ports: AppointmentsPorts): Promise<FastifyInstance> {
  const app = await buildServer(deps);
  registerAppointmentsService(app, deps, ports);
  await app.ready();
  return app;
}

export async function openReferralWorld(engine: Engine): Promise<ReferralWorld> {
  const t = await openTestDatabase<PlatformTables>(engine, [...platformMigrations, ...appointmentMigrations]);
  const db = t.db as unknown as Db<AppointmentDb>;
  const k = db.kysely;
  const clock = manualClock(worldNow);
  const today = civilDateOf(worldNow);
  await seedPlatformDemo(t.db, clock, 3);
  await seedSmallSchedule(db, clock);

  const orgId = async (code: string) => Number((await k.selectFrom('organisations').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id);
  const centreOrgId = await orgId('C110102007');
  const otherCentreOrgId = await orgId('C110102001');
  const hospitalOrgId = await orgId('H001');
  const otherHospitalOrgId = await orgId('H002');
  const institutionId = Number((await k.selectFrom('appt_institutions').select('id').where('organisation_id', '=', hospitalOrgId).executeTakeFirstOrThrow()).id);
  const depts = await k.selectFrom('appt_departments').select('id').where('institution_id', '=', institutionId).orderBy('id').execute();
  const departmentId = Number(depts[0]!.id);
  const otherDepartmentId = Number(depts[1]!.id);
  const staffId = async (username: string) => Number((await k.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id);
  const doctorStaffId = await staffId('doctor.rmyy');
  const treating = await k.selectFrom('appt_doctors').select(['id', 'department_id']).where('staff_id', '=', doctorStaffId).executeTakeFirstOrThrow();
  const senior = await k.selectFrom('appt_doctors').select('id').where('department_id', '=', treating.department_id).where('title', '=', '主任医师').executeTakeFirstOrThrow();

  const { stationOrgId, extra } = await inTransaction(db, async (trx) => {
    const x = trx as Kysely<AppointmentDb>;
    const station = await x
      .insertInto('organisations')
      .values({ code: 'S110102007A', name: '月坛社区卫生服务站（测试）', short_name: '月坛站', kind: 'community_health_station', level: '社区卫生服务站', street_id: null, address: '北京市西城区月坛街道', phone: '010-12320' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await x.insertInto('appt_community_stations').values({ station_organisation_id: station.id, centre_organisation_id: centreOrgId }).execute();
    const values = (username: string, role: string, org: number, referral: boolean) => ({ username, display_name: username, password_hash: 'x', role, organisation_id: org, person_id: null, referral_authorised: referral ? 1 : 0, active: 1, created_at: worldNow.toISOString() });
    const ids: Record<string, number> = {};
    for (const [u, role, org, referral] of [
      ['fd.unauthorised', 'family_doctor', centreOrgId, false],
      ['fd.station', 'family_doctor', Number(station.id), true],
      ['admin.bdyy', 'institution_admin', otherHospitalOrgId, false],
    ] as const) {
      ids[u] = Number((await x.insertInto('staff').values(values(u, role, org, referral)).returning('id').executeTakeFirstOrThrow()).id);
    }
    return { stationOrgId: Number(station.id), extra: ids };
  });

  // Sessions at 人民医院 心血管内科 (the treating doctor's department): within 3 days and after.
  const slots: Record<string, number[]> = {};
  const doctorRows = await k.selectFrom('appt_doctors').select(['id', 'title']).where('department_id', '=', departmentId).orderBy('id').execute();
  for (const [offset, doctorIndex] of [[2, 0], [3, 1], [7, 0], [8, 2]] as const) {
    const date = addDays(today, offset);
    const doc = doctorRows[doctorIndex]!;
    const d = await inTransaction(db, (trx) =>
      publishSession(trx, clock, systemActor, { institutionId, departmentId, doctorId: Number(doc.id), visitDate: date, slots: [{ start: '08:00', end: '08:30', referral: 3, appointment: 6, window: 1 }, { start: '08:30', end: '09:00', referral: 3, appointment: 6, window: 1 }] }),
    );
    if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
    slots[date] = (await k.selectFrom('appt_slots').select('id').where('session_id', '=', d.value.sessionId).orderBy('period_start').execute()).map((s) => Number(s.id));
  }
  const tomorrow = addDays(today, 1);
  slots[tomorrow] = (
    await k
      .selectFrom('appt_slots as sl')
      .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
      .select('sl.id')
      .where('se.department_id', '=', departmentId)
      .where('sl.visit_date', '=', tomorrow)
      .orderBy('sl.period_start')
      .orderBy('sl.id')
      .execute()
  ).map((s) => Number(s.id));

  const port = fakeHealthRecords();
  const deps: PlatformDeps = { db: t.db, clock, sms: logSmsAdapter(t.db.kysely, clock), verifier: documentOnlyVerifier, options: { ...defaultServerOptions, rateLimitPerMinute: 10_000_000 } };
  const app = await makeApp(deps, { healthRecords: port });

  const person = async (prefix = '转诊患者'): Promise<TestPerson> => {
    const n = serial++;
    const birth = addDays('1925-01-01' as CivilDate, n);
    const p = { docType: 'resident_id' as const, docNumber: syntheticResidentId(birth, n, n % 2 === 0), name: `${prefix}${n}`, phone: `137${String(10_000_000 + n).slice(-8)}` };
    const r = await k.insertInto('persons').values({ doc_type: p.docType, doc_number: p.docNumber, name: p.name, phone: p.phone, locale: 'zh-CN', created_at: worldNow.toISOString() }).returning('id').executeTakeFirstOrThrow();
    return { id: Number(r.id), ...p };
  };
  const residentPerson = await person('居民');

  const staffIds = {
    family_doctor: await staffId('doctor.yt'),
    unauthorised_family_doctor: extra['fd.unauthorised']!,
    station_doctor: extra['fd.station']!,
    doctor: doctorStaffId,
    institution_admin: await staffId('admin.rmyy'),
    other_admin: extra['admin.bdyy']!,
    kiosk: await staffId('kiosk.rmyy'),
    platform_operator: await staffId('operator'),
    auditor: await staffId('auditor'),
  };
  const tokens = {} as Record<Exclude<Account, 'anonymous'>, string>;
  const refreshTokens = async () => {
    tokens.resident = await openSession(t.db.kysely, clock, 'person', residentPerson.id);
    for (const [account, id] of Object.entries(staffIds)) tokens[account as keyof typeof staffIds] = await openSession(t.db.kysely, clock, 'staff', id);
  };
  await refreshTokens();

  const extraApps: FastifyInstance[] = [];
  return {
    engine,
    t,
    db,
    k,
    app,
    clock,
    today,
    port,
    tokens,
    staffIds,
    centreOrgId,
    stationOrgId,
    otherCentreOrgId,
    hospitalOrgId,
    institutionId,
    departmentId,
    otherDepartmentId,
    treatingDoctorId: Number(treating.id),
    seniorDoctorId: Number(senior.id),
    slots,
    residentPerson,
    inject: (account, opts) => app.inject({ ...opts, headers: { ...(account === 'anonymous' ? {} : { authorization: `Bearer ${tokens[account]}` }), ...(opts.headers as Record<string, string> | undefined) } }),
    person,
    async eligiblePerson() {
      const p = await person();
      port.enrol(p.id, centreOrgId);
      return p;
    },
    async appWithoutPort() {
      const a = await makeApp(deps, {});
      extraApps.push(a);
      return a;
    },
    async rowCounts() {
      const tables = ['appt_referrals', 'appt_bookings', 'appt_clinic_bookings', 'appt_violations', 'appt_bans', 'appt_referral_criteria', 'appt_referral_handlers', 'audit_log', 'outbox'];
      const r = await sql<Record<string, number | string | bigint>>`select ${sql.join(tables.map((x) => sql`(select count(*) from ${sql.table(x)}) as ${sql.ref(x)}`))}, (select count(*) from appt_tickets where booking_id is not null) as claimed`.execute(k);
      return Object.fromEntries(Object.entries(r.rows[0]!).map(([key, v]) => [key, Number(v)]));
    },
    refreshTokens,
    async close() {
      for (const a of extraApps) await a.close();
      await app.close();
      await t.cleanup();
    },
  };
}
