import type { Kysely } from 'kysely';
import type { HealthRecordsTables } from './schema.ts';
import { recordKinds, type RecordKind } from './data-items.ts';

/**
 * 西卫〔2019〕4号 第十三条: information that may be published is published; confidential and personal
 * information never is. Published figures are aggregates, and a cell counting fewer than
 * `minimumCell` people is suppressed, so a rare diagnosis in a small group cannot point at a person.
 */
export const minimumCell = 5;

export interface Cell {
  value: number | null;
  suppressed: boolean;
}

export function cell(n: number): Cell {
  return n > 0 && n < minimumCell ? { value: null, suppressed: true } : { value: n, suppressed: false };
}

export interface PublicStatistics {
  classification: 'public';
  people: Cell;
  documentsByKind: { kind: RecordKind; count: Cell }[];
  topDiagnoses: { code: string; display: string; people: Cell }[];
  peopleBySex: { sex: string; people: Cell }[];
  peopleByAgeBand: { band: string; people: Cell }[];
}

export function ageBand(birthDate: string, today: string): string {
  let age = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (today.slice(5) < birthDate.slice(5)) age--;
  if (age < 15) return '0-14';
  if (age < 35) return '15-34';
  if (age < 60) return '35-59';
  if (age < 80) return '60-79';
  return '80+';
}

type K = Kysely<HealthRecordsTables>;

/** People are counted by canonical person (a merged duplicate is one person). */
export async function publicStatistics(db: K, today: string): Promise<PublicStatistics> {
  const merged = new Set((await db.selectFrom('hr_person_merges').select('merged_id').where('undone_at', 'is', null).execute()).map((m) => Number(m.merged_id)));
  const survivorOf = new Map((await db.selectFrom('hr_person_merges').select(['merged_id', 'survivor_id']).where('undone_at', 'is', null).execute()).map((m) => [Number(m.merged_id), Number(m.survivor_id)]));
  const basics = (await db.selectFrom('hr_person_basics').select(['person_id', 'sex', 'birth_date']).execute()).filter((b) => !merged.has(Number(b.person_id)));
  const byKind = await db.selectFrom('hr_documents').select(['kind', (e) => e.fn.countAll().as('n')]).groupBy('kind').execute();
  const diag = await db.selectFrom('hr_documents').select(['person_id', 'payload']).where('kind', '=', 'diagnosis').execute();
  const diagPeople = new Map<string, { display: string; people: Set<number> }>();
  for (const d of diag) {
    const p = JSON.parse(d.payload) as { code: string; display: string };
    const e = diagPeople.get(p.code) ?? { display: p.display, people: new Set<number>() };
    const pid = Number(d.person_id);
    e.people.add(survivorOf.get(pid) ?? pid);
    diagPeople.set(p.code, e);
  }
  const count = <T extends string>(keys: readonly T[], of: (b: (typeof basics)[number]) => T | null) => keys.map((key) => ({ key, n: basics.filter((b) => of(b) === key).length }));
  return {
    classification: 'public',
    people: cell(basics.length),
    documentsByKind: recordKinds.map((kind) => ({ kind, count: cell(Number(byKind.find((r) => r.kind === kind)?.n ?? 0)) })),
    topDiagnoses: [...diagPeople.entries()].sort((a, b) => b[1].people.size - a[1].people.size || a[0].localeCompare(b[0])).slice(0, 10).map(([code, e]) => ({ code, display: e.display, people: cell(e.people.size) })),
    peopleBySex: count(['female', 'male'] as const, (b) => (b.sex === 'female' || b.sex === 'male' ? b.sex : null)).map((x) => ({ sex: x.key, people: cell(x.n) })),
    peopleByAgeBand: count(['0-14', '15-34', '35-59', '60-79', '80+'] as const, (b) => (b.birth_date ? (ageBand(b.birth_date, today) as '0-14') : null)).map((x) => ({ band: x.key, people: cell(x.n) })),
  };
}

export interface InternalStatistics {
  classification: 'internal';
  uploadsByInstitution: { organisationId: number; name: string; uploads: number; documents: number }[];
  openConflicts: number;
  activeMerges: number;
  grantsByStatus: { status: string; count: number }[];
}

/** Operating figures for staff (内部): not personal, but not for publication either. */
export async function internalStatistics(db: K): Promise<InternalStatistics> {
  const uploads = await db.selectFrom('hr_uploads as u').innerJoin('organisations as o', 'o.id', 'u.organisation_id').select(['o.id', 'o.name', (e) => e.fn.countAll().as('n'), (e) => e.fn.sum('u.created').as('docs')]).groupBy(['o.id', 'o.name']).orderBy('o.id').execute();
  const conflicts = await db.selectFrom('hr_basic_conflicts').select((e) => e.fn.countAll().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow();
  const merges = await db.selectFrom('hr_person_merges').select((e) => e.fn.countAll().as('n')).where('undone_at', 'is', null).executeTakeFirstOrThrow();
  const grants = await db.selectFrom('hr_grants').select(['status', (e) => e.fn.countAll().as('n')]).groupBy('status').orderBy('status').execute();
  return {
    classification: 'internal',
    uploadsByInstitution: uploads.map((u) => ({ organisationId: Number(u.id), name: u.name, uploads: Number(u.n), documents: Number(u.docs ?? 0) })),
    openConflicts: Number(conflicts.n),
    activeMerges: Number(merges.n),
    grantsByStatus: grants.map((g) => ({ status: g.status, count: Number(g.n) })),
  };
}
