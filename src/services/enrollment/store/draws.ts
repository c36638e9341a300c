/**
 * Draws (计算机派位) in the database: commit (roster frozen and hashed, secret committed, future
 * public value named), reveal (numbers drawn once, placements by deferred acceptance), publish.
 * The database allows one draw per route and year and one number per child per draw, so a draw is
 * never run twice to get another result; every attempt, refused or not, is in the audit trail.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, cite, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { routeDefinition, routeNeedsDraw, type RouteDefinition } from '../rules/routes.ts';
import { enrollmentYear } from '../rules/parameters.ts';
import { requireWindow, timetableEntry, windowPosition, windowReason } from '../rules/timetable.ts';
import { assertPublicValue, assertSecret, canonicalRoster, commitmentOf, LOTTERY_FORMAT, LotteryInputError, rosterHash, runDraw } from '../lottery/protocol.ts';
import { verifyPublishedDraw, type PublicSource, type PublishedDraw, type Verification } from '../lottery/published.ts';
import { runRoute, type ApplicantSpec, type ProgramSpec, type RouteOutcome } from '../assignment/route-run.ts';
import type { EnrollmentDb } from '../schema.ts';
import { programsOf } from './schools.ts';
import { placementTemplate } from '../templates.ts';

type K = Kysely<EnrollmentDb>;

export type DrawStatus = 'committed' | 'drawn' | 'published';

export interface DrawRecord {
  readonly id: number;
  readonly year: number;
  readonly stage: string;
  readonly route: string;
  readonly label: string;
  readonly status: DrawStatus;
  readonly rosterSize: number;
  readonly rosterHash: string;
  readonly commitment: string;
  readonly publicSource: PublicSource;
  readonly publicValue: string | null;
  /** Only once drawn: before that the secret exists only with whoever holds it. */
  readonly secret: string | null;
  readonly seed: string | null;
  readonly resultHash: string | null;
  readonly committedAt: string;
  readonly drawnAt: string | null;
  readonly publishedAt: string | null;
}

type DrawRow = { id: number; year: number; stage: string; route: string; label: string; status: string; roster_size: number; roster_hash: string; commitment: string; public_source: string; public_value: string | null; secret: string | null; seed: string | null; result_hash: string | null; committed_at: string; drawn_at: string | null; published_at: string | null };

function toDraw(r: DrawRow): DrawRecord {
  return {
    id: Number(r.id),
    year: Number(r.year),
    stage: r.stage,
    route: r.route,
    label: r.label,
    status: r.status as DrawStatus,
    rosterSize: Number(r.roster_size),
    rosterHash: r.roster_hash,
    commitment: r.commitment,
    publicSource: JSON.parse(r.public_source) as PublicSource,
    publicValue: r.public_value,
    secret: r.secret,
    seed: r.seed,
    resultHash: r.result_hash,
    committedAt: r.committed_at,
    drawnAt: r.drawn_at,
    publishedAt: r.published_at,
  };
}

export async function findDraw(db: K | Tx<EnrollmentDb>, id: number): Promise<DrawRecord | undefined> {
  const r = await (db as K).selectFrom('enrollment_draws').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toDraw(r) : undefined;
}

export async function listDraws(db: K | Tx<EnrollmentDb>, year?: number): Promise<DrawRecord[]> {
  let q = (db as K).selectFrom('enrollment_draws').selectAll();
  if (year !== undefined) q = q.where('year', '=', year);
  return (await q.orderBy('id').execute()).map(toDraw);
}

export interface RosterEntry {
  readonly applicationId: number;
  readonly ref: string;
  readonly position: number;
  readonly number: number | null;
}

export async function rosterOf(db: K | Tx<EnrollmentDb>, drawId: number): Promise<RosterEntry[]> {
  const rows = await (db as K).selectFrom('enrollment_draw_entries').selectAll().where('draw_id', '=', drawId).orderBy('position').execute();
  return rows.map((r) => ({ applicationId: Number(r.application_id), ref: r.ref, position: Number(r.position), number: r.number === null ? null : Number(r.number) }));
}

/** Who is on a route's roster now: eligible applicants with a list for the route, not yet placed. */
async function currentRoster(k: K, year: number, route: string): Promise<{ id: number; ref: string }[]> {
  const rows = await k
    .selectFrom('enrollment_applications as a')
    .select(['a.id', 'a.ref'])
    .where('a.year', '=', year)
    .where('a.eligible', '=', 1)
    .where((eb) => eb.exists(eb.selectFrom('enrollment_choices as c').select('c.id').whereRef('c.application_id', '=', 'a.id').where('c.route', '=', route)))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('enrollment_placements as p').select('p.id').whereRef('p.application_id', '=', 'a.id'))))
    .execute();
  return rows.map((r) => ({ id: Number(r.id), ref: r.ref }));
}

const lotteryCitation = (route: RouteDefinition) => route.citation;

export interface CommitInput {
  readonly year: number;
  readonly route: string;
  readonly label?: string | undefined;
  /** SHA-256 commitment of the secret, computed offline (`yiwang lottery secret`). */
  readonly commitment: string;
  readonly publicSource: PublicSource;
}

/** Step 1: freeze and hash the roster, record the commitment and the named future public value. */
export async function commitDraw(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, input: CommitInput): Promise<Decision<DrawRecord>> {
  const route = routeDefinition(input.route);
  if (!route || !routeNeedsDraw(route)) return refuse(reason('invalid_request', '该入学方式不通过计算机派位', 'This route has no lottery'));
  const year = enrollmentYear(input.year);
  if (!year) return refuse(reason('unknown_year', `尚未载入${input.year}年的入学政策文件`, `No enrollment documents are loaded for ${input.year}`));
  if (!/^[0-9a-f]{64}$/.test(input.commitment)) return refuse(reason('invalid_commitment', '承诺值应为64位小写十六进制（SHA-256）', 'The commitment is 64 lower-case hex digits (SHA-256)', lotteryCitation(route)));
  if (input.publicSource.kind === 'drand' && (!input.publicSource.chain || !Number.isInteger(input.publicSource.round) || (input.publicSource.round ?? 0) < 1)) {
    return refuse(reason('invalid_public_source', '请写明drand链和未来的轮次号', 'Name the drand chain and a future round number', lotteryCitation(route)));
  }
  // The roster must be fixed before the draw day ends (四(三) 严格执行招生进度).
  const run = timetableEntry(year, route.runStep);
  const today = civilDateOf(clock.now());
  if (windowPosition(run, today) === 'after') return refuse(windowReason(run, today));
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const existing = await k.selectFrom('enrollment_draws').select('id').where('year', '=', input.year).where('route', '=', route.key).executeTakeFirst();
    if (existing) {
      await appendAudit(trx, clock, actor, { action: 'lottery.commit_refused', entityType: 'enrollment_draw', entityId: Number(existing.id), detail: { route: route.key, why: 'exists' } });
      return refuse(reason('draw_exists', `“${route.label.zh}”本年度的派位已经建立，不能重建`, `The ${input.year} draw of "${route.label.en}" already exists and cannot be recreated`, lotteryCitation(route)));
    }
    const members = await currentRoster(k, input.year, route.key);
    if (members.length === 0) return refuse(reason('empty_roster', '没有参加该派位的儿童', 'No child is on this roster', lotteryCitation(route)));
    const byRef = new Map(members.map((m) => [m.ref, m.id]));
    const roster = canonicalRoster(members.map((m) => m.ref));
    const hash = rosterHash(roster);
    const row = await k
      .insertInto('enrollment_draws')
      .values({
        year: input.year,
        stage: route.stage,
        route: route.key,
        label: input.label?.trim() || `${input.year}年${route.label.zh}`,
        status: 'committed',
        roster_size: roster.length,
        roster_hash: hash,
        commitment: input.commitment,
        public_source: JSON.stringify(input.publicSource),
        public_value: null,
        secret: null,
        seed: null,
        result_hash: null,
        committed_at: clock.now().toISOString(),
        committed_by: actor.name,
        drawn_at: null,
        drawn_by: null,
        published_at: null,
        published_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const drawId = Number(row.id);
    for (const part of chunks(roster.map((ref, position) => ({ draw_id: drawId, application_id: byRef.get(ref) as number, ref, position, number: null })), 500)) {
      await k.insertInto('enrollment_draw_entries').values(part).execute();
    }
    await appendAudit(trx, clock, actor, { action: 'lottery.commit', entityType: 'enrollment_draw', entityId: drawId, detail: { route: route.key, rosterSize: roster.length, rosterHash: hash, commitment: input.commitment, publicSource: input.publicSource } });
    const d = await findDraw(k, drawId);
    if (!d) throw new Error('draw vanished after insert');
    return allow(d);
  });
}

export interface RevealInput {
  readonly secret: string;
  readonly publicValue: string;
}

export interface RevealResult {
  readonly draw: DrawRecord;
  readonly outcome: RouteOutcome;
}

/**
 * Step 2, once: check the secret against the commitment, derive the numbers, store them (each row
 * written once), place the children by deferred acceptance and store each child's ranks. A second
 * attempt is refused and audited.
 */
export async function revealDraw(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, drawId: number, input: RevealInput): Promise<Decision<RevealResult>> {
  try {
    assertSecret(input.secret);
    assertPublicValue(input.publicValue);
  } catch (e) {
    if (e instanceof LotteryInputError) return refuse(reason('invalid_lottery_input', `派位输入无效：${e.message}`, `Invalid lottery input: ${e.message}`, cite('西教发〔2019〕10号', '三(二)2②')));
    throw e;
  }
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const d = await findDraw(k, drawId);
    if (!d) return refuse(reason('draw_not_found', '未找到该派位', 'No such draw'));
    const route = routeDefinition(d.route);
    const year = enrollmentYear(d.year);
    if (!route || !year) throw new Error(`draw ${d.id} has unknown route or year`);
    if (d.status !== 'committed') {
      // A re-run is a refusal and leaves a trace: disputes start with "they drew again".
      await appendAudit(trx, clock, actor, { action: 'lottery.rerun_refused', entityType: 'enrollment_draw', entityId: d.id, detail: { status: d.status } });
      return refuse(reason('draw_already_run', '该派位已经进行，不能重新派位', 'This draw has already been run and is never run again', route.citation));
    }
    const w = requireWindow(year, route.runStep, civilDateOf(clock.now()));
    if (!w.allowed) return w;
    if (commitmentOf(input.secret) !== d.commitment) {
      await appendAudit(trx, clock, actor, { action: 'lottery.reveal_refused', entityType: 'enrollment_draw', entityId: d.id, detail: { why: 'commitment mismatch' } });
      return refuse(reason('commitment_mismatch', '秘密值与事先公布的承诺不一致', 'The secret does not match the published commitment', route.citation));
    }
    const entries = await rosterOf(k, d.id);
    const roster = entries.map((e) => e.ref);
    if (rosterHash(roster) !== d.rosterHash) throw new Error(`draw ${d.id}: stored roster no longer matches its hash`);
    const result = runDraw(roster, input.secret, input.publicValue);
    // Numbers are written once: only rows still without one are updated, and every row must be.
    for (const part of chunks(entries.map((e, i) => ({ id: e.applicationId, number: result.numbers[i] as number })), 500)) {
      const byId = sql<number>`case ${sql.ref('application_id')} ${sql.join(part.map((x) => sql`when ${x.id} then cast(${x.number} as integer)`), sql` `)} end`;
      const u = await k
        .updateTable('enrollment_draw_entries')
        .set({ number: byId })
        .where('draw_id', '=', d.id)
        .where('application_id', 'in', part.map((x) => x.id))
        .where('number', 'is', null)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== part.length) throw new Error(`draw ${d.id}: some entries already had a number`);
    }
    const outcome = await assign(k, trx, clock, actor, d, route, entries.map((e, i) => ({ ...e, number: result.numbers[i] as number })));
    const now = clock.now().toISOString();
    await k.updateTable('enrollment_draws').set({ status: 'drawn', public_value: input.publicValue, secret: input.secret, seed: result.seed, result_hash: result.resultHash, drawn_at: now, drawn_by: actor.name }).where('id', '=', d.id).where('status', '=', 'committed').execute();
    await appendAudit(trx, clock, actor, {
      action: 'lottery.draw',
      entityType: 'enrollment_draw',
      entityId: d.id,
      detail: { seed: result.seed, resultHash: result.resultHash, placed: outcome.children.filter((c) => c.placedAt !== null).length, stable: outcome.stability.stable },
    });
    const drawn = await findDraw(k, d.id);
    if (!drawn) throw new Error('draw vanished');
    return allow({ draw: drawn, outcome });
  });
}

/** The route's programs, with seats already taken by placements deducted (plans are never exceeded, 四(二)). */
async function routePrograms(k: K, year: number, route: string): Promise<{ spec: ProgramSpec; id: number; nameZh: string }[]> {
  const programs = await programsOf(k, year, route);
  const out = [];
  for (const p of programs) {
    const taken = await k.selectFrom('enrollment_placements').select((eb) => eb.fn.countAll().as('n')).where('program_id', '=', p.id).executeTakeFirstOrThrow();
    out.push({ spec: { id: String(p.id), capacity: Math.max(0, p.capacity - Number(taken.n)) }, id: p.id, nameZh: p.schoolNameZh });
  }
  return out;
}

/** Inputs of the route's assignment, as they will be published (and recomputed by verifiers). */
async function assignmentInputs(k: K, d: DrawRecord, entries: readonly RosterEntry[]): Promise<{ programs: ProgramSpec[]; applicants: ApplicantSpec[]; names: Map<string, string> }> {
  const programs = await routePrograms(k, d.year, d.route);
  const ids = entries.map((e) => e.applicationId);
  const placedElsewhere = new Set<number>();
  const care = new Map<number, boolean>();
  const lists = new Map<number, { program_id: number; priority_class: number }[]>();
  for (const part of chunks(ids, 500)) {
    // Placed by another route since the roster was frozen: keeps the number, leaves the route.
    for (const r of await k.selectFrom('enrollment_placements').select('application_id').where('application_id', 'in', part).where((eb) => eb.or([eb('draw_id', 'is', null), eb('draw_id', '!=', d.id)])).execute()) placedElsewhere.add(Number(r.application_id));
    for (const r of await k.selectFrom('enrollment_applications').select(['id', 'care_category', 'care_verified']).where('id', 'in', part).execute()) care.set(Number(r.id), r.care_category !== null && Number(r.care_verified) === 1);
    for (const r of await k.selectFrom('enrollment_choices').select(['application_id', 'program_id', 'priority_class']).where('application_id', 'in', part).where('route', '=', d.route).orderBy('application_id').orderBy('rank').execute()) {
      const list = lists.get(Number(r.application_id)) ?? [];
      list.push({ program_id: Number(r.program_id), priority_class: Number(r.priority_class) });
      lists.set(Number(r.application_id), list);
    }
  }
  const applicants: ApplicantSpec[] = entries
    .filter((e) => !placedElsewhere.has(e.applicationId))
    .map((e) => ({
      id: e.ref,
      lottery: e.number as number,
      care: care.get(e.applicationId) ?? false,
      choices: (lists.get(e.applicationId) ?? []).map((c) => ({ program: String(c.program_id), priorityClass: c.priority_class })),
    }));
  return { programs: programs.map((p) => p.spec), applicants, names: new Map(programs.map((p) => [String(p.id), p.nameZh])) };
}

async function assign(k: K, trx: Tx<EnrollmentDb>, clock: Clock, actor: Actor, d: DrawRecord, route: RouteDefinition, entries: readonly RosterEntry[]): Promise<RouteOutcome> {
  const { programs, applicants, names } = await assignmentInputs(k, d, entries);
  const outcome = runRoute(programs, applicants);
  // DA always yields a stable matching; a failure here means a bug, and nothing may be stored.
  if (!outcome.stability.stable) throw new Error(`draw ${d.id}: assignment is not stable`);
  const appIdOf = new Map(entries.map((e) => [e.ref, e.applicationId]));
  const now = clock.now().toISOString();
  const reports = outcome.children.flatMap((c) => c.listed.map((l) => ({ draw_id: d.id, application_id: appIdOf.get(c.id) as number, program_id: Number(l.program), choice_rank: l.choiceRank, priority_class: l.priorityClass, rank: l.rank, applicants: l.applicants, admitted: l.admitted ? 1 : 0 })));
  for (const part of chunks(reports, 500)) await k.insertInto('enrollment_rank_reports').values(part).execute();
  const placed = outcome.children.filter((c) => c.placedAt !== null);
  const placements = placed.map((c) => ({ application_id: appIdOf.get(c.id) as number, route: route.key, program_id: Number(c.placedAt), draw_id: d.id, choice_rank: c.choiceRank, placed_at: now, placed_by: `lottery:${d.id}` }));
  // The unique constraint on application_id makes a child placed twice impossible, whatever the code does.
  for (const part of chunks(placements, 500)) await k.insertInto('enrollment_placements').values(part).execute();
  const pk = k as unknown as Kysely<PlatformTables & EnrollmentDb>;
  for (const part of chunks(placed, 500)) {
    const guardians = await pk
      .selectFrom('enrollment_applications as a')
      .innerJoin('persons as p', 'p.id', 'a.guardian_person_id')
      .select(['a.ref', 'p.id', 'p.phone', 'p.locale'])
      .where('a.ref', 'in', part.map((c) => c.id))
      .execute();
    const byRef = new Map(guardians.map((g) => [g.ref, g]));
    for (const c of part) {
      const g = byRef.get(c.id);
      if (g) await enqueueMessage(trx, clock, { personId: Number(g.id), phone: g.phone, locale: g.locale }, placementTemplate, { ref: c.id, route: route.label.zh, school: names.get(c.placedAt as string) ?? (c.placedAt as string) });
    }
  }
  return outcome;
}

/** Step 3: make numbers and placements public (四(四) 严格公示制度). */
export async function publishDraw(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, drawId: number): Promise<Decision<DrawRecord>> {
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const d = await findDraw(k, drawId);
    if (!d) return refuse(reason('draw_not_found', '未找到该派位', 'No such draw'));
    if (d.status !== 'drawn') return refuse(reason('draw_not_drawn', d.status === 'published' ? '该派位结果已经公布' : '派位尚未进行，不能公布', d.status === 'published' ? 'Already published' : 'The draw has not been run yet', cite('西教发〔2019〕10号', '四(四)')));
    const now = clock.now().toISOString();
    await k.updateTable('enrollment_draws').set({ status: 'published', published_at: now, published_by: actor.name }).where('id', '=', d.id).where('status', '=', 'drawn').execute();
    await appendAudit(trx, clock, actor, { action: 'lottery.publish', entityType: 'enrollment_draw', entityId: d.id, detail: { resultHash: d.resultHash } });
    return allow({ ...d, status: 'published', publishedAt: now });
  });
}

/** The published draw file: every input and output, and the route's assignment for recomputation. */
export async function publishedDrawFile(db: K | Tx<EnrollmentDb>, drawId: number): Promise<PublishedDraw | undefined> {
  const k = db as K;
  const d = await findDraw(k, drawId);
  if (!d || d.status !== 'published' || !d.secret || !d.publicValue || !d.seed || !d.resultHash) return undefined;
  const entries = await rosterOf(k, d.id);
  const programs = await programsOf(k, d.year, d.route);
  const reports = await k.selectFrom('enrollment_rank_reports').select(['application_id', 'program_id', 'choice_rank', 'priority_class']).where('draw_id', '=', d.id).orderBy('application_id').orderBy('choice_rank').execute();
  const placements = await k.selectFrom('enrollment_placements').select(['application_id', 'program_id']).where('draw_id', '=', d.id).execute();
  const apps = await k
    .selectFrom('enrollment_draw_entries as e')
    .innerJoin('enrollment_applications as a', 'a.id', 'e.application_id')
    .select(['a.id', 'a.care_category', 'a.care_verified'])
    .where('e.draw_id', '=', d.id)
    .execute();
  const careOf = new Map(apps.map((a) => [Number(a.id), a.care_category !== null && Number(a.care_verified) === 1]));
  const placedAt = new Map(placements.map((p) => [Number(p.application_id), String(p.program_id)]));
  const listsOf = new Map<number, [string, number][]>();
  for (const r of reports) {
    const list = listsOf.get(Number(r.application_id)) ?? [];
    list.push([String(r.program_id), Number(r.priority_class)]);
    listsOf.set(Number(r.application_id), list);
  }
  // Capacities as they stood for this route: the plan minus seats other routes had filled.
  const takenElsewhere = await k.selectFrom('enrollment_placements').select(['program_id']).where('program_id', 'in', programs.length ? programs.map((p) => p.id) : [-1]).where((eb) => eb.or([eb('draw_id', 'is', null), eb('draw_id', '!=', d.id)])).execute();
  const taken = new Map<number, number>();
  for (const t of takenElsewhere) taken.set(Number(t.program_id), (taken.get(Number(t.program_id)) ?? 0) + 1);
  const participants = entries.filter((e) => listsOf.has(e.applicationId));
  return {
    format: LOTTERY_FORMAT,
    draw: { id: d.id, year: d.year, stage: d.stage, route: d.route, label: d.label },
    roster: entries.map((e) => e.ref),
    rosterHash: d.rosterHash,
    commitment: d.commitment,
    publicSource: d.publicSource,
    publicValue: d.publicValue,
    secret: d.secret,
    seed: d.seed,
    numbers: entries.map((e) => e.number ?? 0),
    resultHash: d.resultHash,
    assignment: {
      programs: programs.map((p) => ({ id: String(p.id), capacity: Math.max(0, p.capacity - (taken.get(p.id) ?? 0)) })),
      children: participants.map((e) => ({ ref: e.ref, care: careOf.get(e.applicationId) ?? false, choices: listsOf.get(e.applicationId) ?? [], placedAt: placedAt.get(e.applicationId) ?? null })),
    },
  };
}

/** Recompute a published draw from the database copy (the CLI and the public page). */
export async function verifyStoredDraw(db: K | Tx<EnrollmentDb>, drawId: number): Promise<Verification | undefined> {
  const file = await publishedDrawFile(db, drawId);
  return file ? verifyPublishedDraw(file) : undefined;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
