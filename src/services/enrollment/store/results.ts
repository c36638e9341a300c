/** Read models: a child's numbers and ranks, and a published draw's results table. */
import type { Kysely } from 'kysely';
import type { EnrollmentDb } from '../schema.ts';

type K = Kysely<EnrollmentDb>;

export interface ChildNumber {
  readonly drawId: number;
  readonly route: string;
  readonly number: number | null;
  readonly published: boolean;
}

export async function numbersOf(k: K, applicationId: number): Promise<ChildNumber[]> {
  const rows = await k
    .selectFrom('enrollment_draw_entries as e')
    .innerJoin('enrollment_draws as d', 'd.id', 'e.draw_id')
    .select(['d.id', 'd.route', 'd.status', 'e.number'])
    .where('e.application_id', '=', applicationId)
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({ drawId: Number(r.id), route: r.route, number: r.number === null ? null : Number(r.number), published: r.status === 'published' }));
}

export interface ResultRow {
  readonly ref: string;
  readonly number: number | null;
  /** School code and name, or null when the route did not place the child. */
  readonly schoolCode: string | null;
  readonly schoolName: string | null;
  readonly schoolNameEn: string | null;
  readonly choiceRank: number | null;
  /** Rank at each listed school, in list order. */
  readonly ranks: readonly { readonly schoolCode: string; readonly choiceRank: number; readonly rank: number; readonly applicants: number; readonly admitted: boolean }[];
}

/** Rows of a draw's results by reference (pseudonymous), optionally filtered by a reference prefix. */
export async function drawResults(k: K, drawId: number, search?: string, limit = 500, offset = 0): Promise<{ rows: ResultRow[]; total: number }> {
  let q = k.selectFrom('enrollment_draw_entries as e').where('e.draw_id', '=', drawId);
  if (search) q = q.where('e.ref', 'like', `${search.replace(/[%_\\]/g, '')}%`);
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const entries = await q
    .leftJoin('enrollment_placements as p', (j) => j.onRef('p.application_id', '=', 'e.application_id').on('p.draw_id', '=', drawId))
    .leftJoin('enrollment_programs as pr', 'pr.id', 'p.program_id')
    .leftJoin('enrollment_schools as s', 's.id', 'pr.school_id')
    .select(['e.application_id', 'e.ref', 'e.number', 's.code', 's.name_zh', 's.name_en', 'p.choice_rank'])
    .orderBy('e.number')
    .orderBy('e.ref')
    .limit(limit)
    .offset(offset)
    .execute();
  const ids = entries.map((e) => Number(e.application_id));
  const reports = ids.length
    ? await k
        .selectFrom('enrollment_rank_reports as r')
        .innerJoin('enrollment_programs as pr', 'pr.id', 'r.program_id')
        .innerJoin('enrollment_schools as s', 's.id', 'pr.school_id')
        .select(['r.application_id', 's.code', 'r.choice_rank', 'r.rank', 'r.applicants', 'r.admitted'])
        .where('r.draw_id', '=', drawId)
        .where('r.application_id', 'in', ids)
        .orderBy('r.choice_rank')
        .execute()
    : [];
  const byApp = new Map<number, ResultRow['ranks'][number][]>();
  for (const r of reports) {
    const list = byApp.get(Number(r.application_id)) ?? [];
    list.push({ schoolCode: r.code, choiceRank: Number(r.choice_rank), rank: Number(r.rank), applicants: Number(r.applicants), admitted: Number(r.admitted) === 1 });
    byApp.set(Number(r.application_id), list);
  }
  return {
    total,
    rows: entries.map((e) => ({
      ref: e.ref,
      number: e.number === null ? null : Number(e.number),
      schoolCode: e.code ?? null,
      schoolName: e.name_zh ?? null,
      schoolNameEn: e.name_en ?? null,
      choiceRank: e.choice_rank === null || e.choice_rank === undefined ? null : Number(e.choice_rank),
      ranks: byApp.get(Number(e.application_id)) ?? [],
    })),
  };
}

/** How many children got their 1st, 2nd, … choice, and how many were not placed: for the results chart. */
export async function choiceHistogram(k: K, drawId: number): Promise<{ choiceRank: number | null; children: number }[]> {
  const placed = await k.selectFrom('enrollment_placements').select(['choice_rank', (eb) => eb.fn.countAll().as('n')]).where('draw_id', '=', drawId).groupBy('choice_rank').orderBy('choice_rank').execute();
  const participants = await k.selectFrom('enrollment_rank_reports').select((eb) => eb.fn.count('application_id').distinct().as('n')).where('draw_id', '=', drawId).executeTakeFirstOrThrow();
  const placedTotal = placed.reduce((a, r) => a + Number(r.n), 0);
  return [...placed.map((r) => ({ choiceRank: r.choice_rank === null ? null : Number(r.choice_rank), children: Number(r.n) })), { choiceRank: null, children: Number(participants.n) - placedTotal }];
}
