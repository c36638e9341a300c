/**
 * Seeds a district-sized appointment schedule straight into the database, before the server starts:
 * 60 institutions, 1,500 doctors, 14 days of published sessions (≈100,000 slots, ≈1,000,000 tickets),
 * 82,500 registered residents, platform operators, and the sessions (Bearer tokens) the load uses.
 * Bulk inserts and INSERT … SELECT keep it to seconds on either engine.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../src/platform/db/connect.ts';
import type { PlatformTables } from '../src/platform/db/schema.ts';
import { migrate } from '../src/app.ts';
import { inTransaction } from '../src/platform/db/transaction.ts';
import { fixedClock } from '../src/platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../src/platform/time/civil.ts';
import { appendAudit, systemActor } from '../src/platform/audit/trail.ts';
import { createStaff } from '../src/platform/identity/staff.ts';
import { openSession } from '../src/platform/identity/sessions.ts';
import type { AppointmentDb } from '../src/services/appointments/schema.ts';
import {
  benchNow,
  capacityPersons,
  days,
  departmentsPerInstitution,
  doctorsPerDepartment,
  institutions,
  patient,
  rushDays,
  rushInstitutions,
  rushPersons,
  rushSlotsPerSession,
  webRush,
  appointmentTicketsPerSlot,
  type BenchPlan,
} from './booking-plan.ts';

const departments = [
  { name: '心血管内科', category: '内科', base: '内科', code: 'NK01' },
  { name: '内分泌科', category: '内科', base: '内科', code: 'NK02' },
  { name: '普通外科', category: '外科', base: '外科', code: 'WK01' },
  { name: '儿科', category: '儿科', base: '儿科', code: 'EK01' },
  { name: '全科医疗科', category: '全科', base: '全科医疗科', code: 'QK01' },
];
const titles = ['主任医师', '副主任医师', '主治医师', '住院医师', '主治医师'];
const operators = 4;

async function chunked<R>(rows: R[], size: number, insert: (chunk: R[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** 12 三级 hospitals (30-minute slots), 8 二级 hospitals and 40 community centres (1-hour slots), 第十条 (四). */
function institutionLevel(i: number): { kind: string; level: string; type: string } {
  if (i < 12) return { kind: 'hospital', level: '三级', type: '综合' };
  if (i < 20) return { kind: 'hospital', level: '二级', type: '综合' };
  return { kind: 'community_health_centre', level: '社区卫生服务中心', type: '社区' };
}

function periods(): string {
  const rows: string[] = [];
  for (let m = 8 * 60; m < 12 * 60; m += 30) rows.push(`select 30 as len, '${hhmm(m)}' as s, '${hhmm(m + 30)}' as e`);
  for (let m = 8 * 60; m < 12 * 60; m += 60) rows.push(`select 60 as len, '${hhmm(m)}' as s, '${hhmm(m + 60)}' as e`);
  return rows.join(' union all ');
}

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export interface SeedReport {
  plan: BenchPlan;
  counts: { institutions: number; doctors: number; sessions: number; slots: number; tickets: number; persons: number };
  seconds: number;
}

export async function seedBench(db: Db<PlatformTables>, log: (line: string) => void): Promise<SeedReport> {
  const started = performance.now();
  const clock = fixedClock(new Date(benchNow));
  const nowIso = clock.now().toISOString();
  const today = civilDateOf(clock.now());
  await migrate(db);
  const adb = db as unknown as Db<AppointmentDb>;

  // Staff passwords are hashed with argon2 inside createStaff: done first, in their own transaction.
  const operatorIds: number[] = [];
  await inTransaction(adb, async (trx) => {
    for (let i = 0; i < operators; i++) {
      operatorIds.push(await createStaff(trx, clock, systemActor, { username: `bench.operator${i}`, displayName: `话务员${i + 1}`, password: `bench-${i}-not-secret`, role: 'platform_operator' }));
    }
  });

  const counts = await inTransaction(adb, async (trx) => {
    const k = trx as Kysely<AppointmentDb>;
    const orgRows = Array.from({ length: institutions }, (_, i) => {
      const l = institutionLevel(i);
      const name = l.kind === 'hospital' ? `北京市西城区第${i + 1}医院（基准）` : `北京市西城区第${i - 19}社区卫生服务中心（基准）`;
      return { code: `BENCH${String(i + 1).padStart(3, '0')}`, name, short_name: name.replace('北京市西城区', ''), kind: l.kind, level: l.level, street_id: null, address: `北京市西城区基准路${i + 1}号`, phone: '010-12320' };
    });
    await k.insertInto('organisations').values(orgRows).execute();
    const orgs = await k.selectFrom('organisations').select(['id', 'code']).where('code', 'like', 'BENCH%').orderBy('code').execute();
    await k
      .insertInto('appt_institutions')
      .values(orgs.map((o, i) => {
        const l = institutionLevel(i);
        return { organisation_id: o.id, level: l.level, type: l.type, website: '', introduction: '', directions: '', slot_minutes: l.kind === 'hospital' ? null : 60, referral_share_pct: 10 };
      }))
      .execute();
    const insts = await k.selectFrom('appt_institutions').select(['id', 'organisation_id']).orderBy('id').execute();
    await k
      .insertInto('appt_departments')
      .values(insts.flatMap((inst) => departments.map((d) => ({ institution_id: inst.id, name: d.name, introduction: '', category: d.category, base_department: d.base, code: d.code }))))
      .execute();
    const depts = await k.selectFrom('appt_departments').select(['id', 'institution_id']).orderBy('id').execute();
    let n = 0;
    const doctorRows = depts.flatMap((d) =>
      Array.from({ length: doctorsPerDepartment }, (_, j) => {
        n++;
        return { institution_id: d.institution_id, department_id: d.id, name: `医生${n}`, staff_number: `D${String(n).padStart(5, '0')}`, licence_number: `1101${String(100000 + n)}`, phone: `139${String(10_000_000 + n).slice(-8)}`, specialty: '', title: titles[j]!, introduction: '' };
      }),
    );
    await chunked(doctorRows, 500, (c) => k.insertInto('appt_doctors').values(c).execute());
    const doctors = await k.selectFrom('appt_doctors').select(['id', 'institution_id', 'department_id', 'title']).orderBy('id').execute();
    const sessionRows = doctors.flatMap((d) =>
      Array.from({ length: days }, (_, i) => ({ institution_id: d.institution_id, department_id: d.department_id, doctor_id: d.id, resource_id: null, title: d.title, visit_date: addDays(today, i + 1) as string, status: 'published', published_at: nowIso, stopped_at: null, stop_reason: null, special_stop: 0 })),
    );
    await chunked(sessionRows, 1000, (c) => k.insertInto('appt_sessions').values(c).execute());
    await sql`
      insert into appt_slots (session_id, visit_date, period_start, period_end)
      select se.id, se.visit_date, p.s, p.e
      from appt_sessions se
      join appt_institutions i on i.id = se.institution_id
      join (${sql.raw(periods())}) p on p.len = case when i.level = '三级' then 30 else 60 end
      order by se.id, p.s`.execute(k);
    const numbers = Array.from({ length: 10 }, (_, i) => `select ${i + 1} as n`).join(' union all ');
    await sql`
      insert into appt_tickets (slot_id, ticket_no, pool, booking_id)
      select sl.id, t.n, case when t.n = 1 then 'referral' when t.n <= ${sql.raw(String(1 + appointmentTicketsPerSlot))} then 'appointment' else 'window' end, null
      from appt_slots sl cross join (${sql.raw(numbers)}) t
      order by sl.id, t.n`.execute(k);
    const personRows = Array.from({ length: capacityPersons + rushPersons }, (_, i) => {
      const p = patient(i);
      return { doc_type: p.docType, doc_number: p.docNumber, name: p.name, phone: p.phone, locale: 'zh-CN', created_at: nowIso };
    });
    await chunked(personRows, 1000, (c) => k.insertInto('persons').values(c).execute());
    await appendAudit(k, clock, systemActor, { action: 'seed.bench', entityType: 'platform', entityId: 'bench', detail: { institutions, doctors: doctors.length } });
    const count = async (table: 'appt_slots' | 'appt_tickets' | 'appt_sessions') => Number((await k.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { institutions: insts.length, doctors: doctors.length, sessions: await count('appt_sessions'), slots: await count('appt_slots'), tickets: await count('appt_tickets'), persons: personRows.length };
  });
  log(`seeded ${counts.institutions} institutions, ${counts.doctors} doctors, ${counts.sessions} sessions, ${counts.slots} slots, ${counts.tickets} tickets, ${counts.persons} residents`);

  const k = adb.kysely;
  // The rush area: the first doctor of every department of the first four 三级 hospitals, visit
  // days +1…+7, the 08:00 and 08:30 slots.
  const rushRows = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_doctors as d', 'd.id', 'se.doctor_id')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('appt_departments as dep', 'dep.id', 'se.department_id')
    .select(['sl.id', 'o.code', 'dep.code as dept', 'd.staff_number', 'd.department_id', 'sl.visit_date', 'sl.period_start'])
    .where('o.code', 'in', Array.from({ length: rushInstitutions }, (_, i) => `BENCH${String(i + 1).padStart(3, '0')}`))
    .where('sl.visit_date', '<=', addDays(today, rushDays))
    .where('sl.period_start', 'in', ['08:00', '08:30'])
    .orderBy('sl.id')
    .execute();
  const firstDoctor = new Map<number, string>();
  for (const r of rushRows) {
    const cur = firstDoctor.get(Number(r.department_id));
    if (cur === undefined || r.staff_number < cur) firstDoctor.set(Number(r.department_id), r.staff_number);
  }
  const rushSlots: number[][][][] = Array.from({ length: rushInstitutions }, () => Array.from({ length: departmentsPerInstitution }, () => Array.from({ length: rushDays }, () => [] as number[])));
  const rushSet = new Set<number>();
  for (const r of rushRows) {
    if (firstDoctor.get(Number(r.department_id)) !== r.staff_number) continue;
    const inst = Number(r.code.slice(5)) - 1;
    const dept = departments.findIndex((d) => d.code === r.dept);
    const day = Math.round((Date.parse(r.visit_date) - Date.parse(today)) / 86_400_000);
    rushSlots[inst]![dept]![day - 1]![r.period_start === '08:00' ? 0 : 1] = Number(r.id);
    rushSet.add(Number(r.id));
  }
  if (rushSet.size !== rushInstitutions * departmentsPerInstitution * rushDays * rushSlotsPerSession) throw new Error(`rush area has ${rushSet.size} slots`);
  const allSlots = await k.selectFrom('appt_slots').select('id').orderBy('id').execute();
  const capacitySlots = allSlots.map((s) => Number(s.id)).filter((id) => !rushSet.has(id));

  // Bearer tokens through the platform's own session function.
  const personIds = new Map<string, number>((await k.selectFrom('persons').select(['id', 'doc_number']).execute()).map((p) => [p.doc_number, Number(p.id)]));
  const idOf = (i: number) => {
    const id = personIds.get(patient(i).docNumber);
    if (id === undefined) throw new Error(`patient ${i} missing`);
    return id;
  };
  const webCapacity = Array.from({ length: capacityPersons / 2 }, (_, j) => idOf(2 * j));
  const webRushIdx = Array.from({ length: rushPersons }, (_, r) => r).filter(webRush);
  const subjects: { kind: 'person' | 'staff'; id: number }[] = [
    ...operatorIds.map((id) => ({ kind: 'staff' as const, id })),
    ...webCapacity.map((id) => ({ kind: 'person' as const, id })),
    ...webRushIdx.map((r) => ({ kind: 'person' as const, id: idOf(capacityPersons + r) })),
  ];
  const tokens: string[] = new Array(subjects.length);
  if (db.engine === 'sqlite') {
    await inTransaction(adb, async (trx) => {
      for (let i = 0; i < subjects.length; i++) tokens[i] = await openSession(trx as unknown as Kysely<PlatformTables>, clock, subjects[i]!.kind, subjects[i]!.id);
    });
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < subjects.length; i = next++) tokens[i] = await openSession(db.kysely, clock, subjects[i]!.kind, subjects[i]!.id);
      }),
    );
    await sql`analyze`.execute(db.kysely);
  }
  const operatorTokens = tokens.slice(0, operators);
  const capacityResidentTokens = tokens.slice(operators, operators + webCapacity.length);
  const rushResidentTokens: Record<number, string> = {};
  webRushIdx.forEach((r, i) => (rushResidentTokens[r] = tokens[operators + webCapacity.length + i]!));
  const seconds = (performance.now() - started) / 1000;
  log(`minted ${tokens.length} session tokens; rush area ${rushSet.size} slots (${rushSet.size * appointmentTicketsPerSlot} appointment tickets); seed took ${seconds.toFixed(1)} s`);
  return {
    plan: { today: today as CivilDate, capacitySlots, rushSlots, rushTickets: rushSet.size * appointmentTicketsPerSlot, operatorTokens, capacityResidentTokens, rushResidentTokens },
    counts,
    seconds,
  };
}
