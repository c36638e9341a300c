/**
 * Admissions by plan (寄宿, 民办, 特色校, 九年一贯制: the school admits within its 招生计划) and
 * placement lookups. One placement per child is a unique constraint: a child placed by one route
 * leaves every later one.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, cite, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { routeAccess, routeDefinition } from '../rules/routes.ts';
import { enrollmentYear } from '../rules/parameters.ts';
import { timetableEntry, windowPosition, windowReason } from '../rules/timetable.ts';
import type { EnrollmentDb } from '../schema.ts';
import { findApplication } from './applications.ts';
import { findProgram, type Program } from './schools.ts';
import { isUniqueViolation } from '../../../platform/db/errors.ts';

type K = Kysely<EnrollmentDb>;

export interface Placement {
  readonly route: string;
  readonly program: Program;
  readonly drawId: number | null;
  readonly choiceRank: number | null;
  readonly placedAt: string;
}

export async function placementOf(db: K | Tx<EnrollmentDb>, applicationId: number): Promise<Placement | undefined> {
  const r = await (db as K).selectFrom('enrollment_placements').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
  if (!r) return undefined;
  const program = await findProgram(db, Number(r.program_id));
  if (!program) return undefined;
  return { route: r.route, program, drawId: r.draw_id === null ? null : Number(r.draw_id), choiceRank: r.choice_rank === null ? null : Number(r.choice_rank), placedAt: r.placed_at };
}

/** A school admits a child by plan; staff record it. The plan's capacity is re-read in the transaction. */
export async function placeByPlan(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, ref: string, programId: number): Promise<Decision<Placement>> {
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const app = await findApplication(k, ref);
    if (!app) return refuse(reason('application_not_found', '未找到该入学申请', 'No such application'));
    const program = await findProgram(k, programId);
    const route = program ? routeDefinition(program.route) : undefined;
    if (!program || !route || program.year !== app.year) return refuse(reason('invalid_choice', '没有该招生计划', 'No such plan', cite('西教发〔2019〕10号', '四(二)')));
    if (route.mechanism !== 'plan') return refuse(reason('route_uses_lottery', `“${route.label.zh}”通过计算机派位录取，不能直接录取`, `"${route.label.en}" admits by lottery, not directly`, route.citation));
    if (route.stage !== app.stage) return refuse(reason('route_not_open_to_child', `“${route.label.zh}”不是本学段的入学方式`, `"${route.label.en}" is not a route of this stage`, route.citation));
    const access = routeAccess(route, { hukou: app.hukou ?? undefined, careCategory: app.careVerified ? app.careCategory : null });
    if (!access.allowed) return access;
    const year = enrollmentYear(app.year);
    if (!year) throw new Error(`no parameters for ${app.year}`);
    const run = timetableEntry(year, route.runStep);
    const today = civilDateOf(clock.now());
    if (windowPosition(run, today) === 'after') return refuse(windowReason(run, today));
    const existing = await k.selectFrom('enrollment_placements').select('route').where('application_id', '=', app.id).executeTakeFirst();
    if (existing) return refuse(reason('already_placed', '该儿童已被录取', 'This child already has a place', route.citation));
    const taken = await k.selectFrom('enrollment_placements').select((eb) => eb.fn.countAll().as('n')).where('program_id', '=', program.id).executeTakeFirstOrThrow();
    if (Number(taken.n) >= program.capacity) return refuse(reason('plan_full', `${program.schoolNameZh}的招生计划（${program.capacity}人）已满，不得擅自调整招生计划`, `${program.schoolNameEn}'s plan (${program.capacity}) is full and may not be changed`, cite('西教发〔2019〕10号', '四(二)')));
    const now = clock.now().toISOString();
    await k.insertInto('enrollment_placements').values({ application_id: app.id, route: route.key, program_id: program.id, draw_id: null, choice_rank: null, placed_at: now, placed_by: actor.name }).execute();
    await appendAudit(trx, clock, actor, { action: 'enrollment.place_by_plan', entityType: 'enrollment_application', entityId: app.id, detail: { ref, route: route.key, programId: program.id } });
    return allow({ route: route.key, program, drawId: null, choiceRank: null, placedAt: now });
  }).catch((error: unknown) => {
    if (isUniqueViolation(error)) return refuse(reason('already_placed', '该儿童已被录取', 'This child already has a place'));
    throw error;
  });
}
