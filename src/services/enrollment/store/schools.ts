/** Schools and their seat plans per route (10号 四(二): 招生计划 is fixed; capacity is never exceeded). */
import type { Kysely } from 'kysely';
import type { Tx } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import type { EnrollmentDb } from '../schema.ts';

export interface School {
  readonly id: number;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly stage: 'primary' | 'middle';
  readonly kind: string;
  readonly zone: string;
}

export interface Program {
  readonly id: number;
  readonly year: number;
  readonly route: string;
  readonly schoolId: number;
  readonly schoolCode: string;
  readonly schoolNameZh: string;
  readonly schoolNameEn: string;
  readonly zone: string;
  /** The paired primary school's code for a reserved 对口直升 block; '' otherwise. */
  readonly block: string;
  readonly capacity: number;
}

type Db = Kysely<EnrollmentDb>;

export async function upsertSchool(trx: Tx<EnrollmentDb>, clock: Clock, actor: Actor, s: Omit<School, 'id'>): Promise<number> {
  const db = trx as Db;
  await db
    .insertInto('enrollment_schools')
    .values({ code: s.code, name_zh: s.nameZh, name_en: s.nameEn, stage: s.stage, kind: s.kind, zone: s.zone })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name_zh: s.nameZh, name_en: s.nameEn, stage: s.stage, kind: s.kind, zone: s.zone }))
    .execute();
  const row = await db.selectFrom('enrollment_schools').select('id').where('code', '=', s.code).executeTakeFirstOrThrow();
  await appendAudit(trx, clock, actor, { action: 'enrollment.school.upsert', entityType: 'enrollment_school', entityId: Number(row.id), detail: { code: s.code } });
  return Number(row.id);
}

export async function upsertProgram(trx: Tx<EnrollmentDb>, clock: Clock, actor: Actor, p: { year: number; route: string; schoolId: number; block: string; capacity: number }): Promise<number> {
  const db = trx as Db;
  await db
    .insertInto('enrollment_programs')
    .values({ year: p.year, route: p.route, school_id: p.schoolId, block: p.block, capacity: p.capacity })
    .onConflict((oc) => oc.columns(['year', 'route', 'school_id', 'block']).doUpdateSet({ capacity: p.capacity }))
    .execute();
  const row = await db.selectFrom('enrollment_programs').select('id').where('year', '=', p.year).where('route', '=', p.route).where('school_id', '=', p.schoolId).where('block', '=', p.block).executeTakeFirstOrThrow();
  await appendAudit(trx, clock, actor, { action: 'enrollment.program.upsert', entityType: 'enrollment_program', entityId: Number(row.id), detail: p });
  return Number(row.id);
}

function programQuery(db: Db) {
  return db
    .selectFrom('enrollment_programs as p')
    .innerJoin('enrollment_schools as s', 's.id', 'p.school_id')
    .select(['p.id', 'p.year', 'p.route', 'p.school_id', 'p.block', 'p.capacity', 's.code', 's.name_zh', 's.name_en', 's.zone']);
}

type ProgramRow = { id: number; year: number; route: string; school_id: number; block: string; capacity: number; code: string; name_zh: string; name_en: string; zone: string };

function toProgram(r: ProgramRow): Program {
  return { id: Number(r.id), year: Number(r.year), route: r.route, schoolId: Number(r.school_id), schoolCode: r.code, schoolNameZh: r.name_zh, schoolNameEn: r.name_en, zone: r.zone, block: r.block, capacity: Number(r.capacity) };
}

export async function programsOf(db: Db | Tx<EnrollmentDb>, year: number, route?: string): Promise<Program[]> {
  let q = programQuery(db as Db).where('p.year', '=', year);
  if (route) q = q.where('p.route', '=', route);
  return (await q.orderBy('p.route').orderBy('s.code').orderBy('p.block').execute()).map(toProgram);
}

export async function findProgram(db: Db | Tx<EnrollmentDb>, id: number): Promise<Program | undefined> {
  const r = await programQuery(db as Db).where('p.id', '=', id).executeTakeFirst();
  return r ? toProgram(r) : undefined;
}

export async function listSchools(db: Db | Tx<EnrollmentDb>, stage?: string): Promise<School[]> {
  let q = (db as Db).selectFrom('enrollment_schools').selectAll();
  if (stage) q = q.where('stage', '=', stage);
  const rows = await q.orderBy('code').execute();
  return rows.map((r) => ({ id: Number(r.id), code: r.code, nameZh: r.name_zh, nameEn: r.name_en, stage: r.stage as School['stage'], kind: r.kind, zone: r.zone }));
}

/** Seats of a program already taken (any route's placements into it). */
export async function seatsTaken(db: Db | Tx<EnrollmentDb>, programId: number): Promise<number> {
  const r = await (db as Db).selectFrom('enrollment_placements').select((eb) => eb.fn.countAll().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return Number(r.n);
}
