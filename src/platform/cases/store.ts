/**
 * Running case workflows. Every function takes the caller's transaction (inTransaction), so a
 * service's own change (an approval letter, a placement) commits together with the case step and
 * its audit row. Invariants the database keeps: one case per (workflow, reference), one decision
 * per party per step (unique constraint), and a version check on every case update.
 */
import type { Kysely } from 'kysely';
import type { Tx } from '../db/transaction.ts';
import type { PlatformTables } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { civilDateOf, type CivilDate } from '../time/civil.ts';
import { addWorkdays } from '../time/workdays.ts';
import { appendAudit, type Actor } from '../audit/trail.ts';
import { allow, reason, refuse, type Decision, type Reason } from '../law/decision.ts';
import type { CaseTables } from './schema.ts';
import { stepOf, type StepDefinition, type Verdict, type WorkflowDefinition } from './definition.ts';
import { requireWithinWindow, windowPosition } from './window.ts';

type Tables = PlatformTables & CaseTables;
type Db = Kysely<Tables>;

export type CaseStatus = 'open' | 'completed' | 'refused' | 'lapsed' | 'withdrawn';

export interface CaseRecord {
  readonly id: number;
  readonly workflow: string;
  readonly reference: string;
  readonly subjectPersonId: number | null;
  readonly status: CaseStatus;
  readonly step: string;
  readonly stepEnteredOn: CivilDate;
  readonly stepDueOn: CivilDate | null;
  readonly parties: Readonly<Record<string, readonly string[]>>;
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly version: number;
}

export interface ReviewRecord {
  readonly id: number;
  readonly caseId: number;
  readonly step: string;
  readonly party: string;
  readonly verdict: Verdict | 'pending';
  readonly reasons: readonly Reason[];
  readonly note: string | null;
  readonly reviewerName: string | null;
  readonly decidedAt: string | null;
}

export interface CaseEvent {
  readonly at: string;
  readonly kind: string;
  readonly step: string;
  readonly party: string | null;
  readonly actorName: string;
  readonly actorRole: string;
  readonly detail: Record<string, unknown>;
}

/** HTTP statuses for the refusal codes of this module (services register them with registerStatus). */
export const caseRefusalStatuses: Readonly<Record<string, number>> = {
  case_not_found: 404,
  case_closed: 409,
  case_wrong_step: 409,
  review_not_pending: 409,
  not_party_member: 403,
  case_reference_taken: 409,
};

const notFound = () => refuse(reason('case_not_found', '未找到该办件', 'No such case'));

function toCase(r: { id: number | bigint; workflow: string; reference: string; subject_person_id: number | bigint | null; status: string; step: string; step_entered_on: string; step_due_on: string | null; parties: string; opened_at: string; closed_at: string | null; version: number | bigint }): CaseRecord {
  return {
    id: Number(r.id),
    workflow: r.workflow,
    reference: r.reference,
    subjectPersonId: r.subject_person_id === null ? null : Number(r.subject_person_id),
    status: r.status as CaseStatus,
    step: r.step,
    stepEnteredOn: r.step_entered_on as CivilDate,
    stepDueOn: r.step_due_on as CivilDate | null,
    parties: JSON.parse(r.parties) as Record<string, string[]>,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    version: Number(r.version),
  };
}

async function event(db: Db, clock: Clock, actor: Actor, caseId: number, kind: string, step: string, party: string | null, detail: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto('case_events').values({ case_id: caseId, at: clock.now().toISOString(), kind, step, party, actor_name: actor.name, actor_role: actor.role, detail: JSON.stringify(detail) }).execute();
}

/** Moves the case one version on; a concurrent writer would make this match no row. */
async function updateCase(db: Db, c: CaseRecord, set: Partial<{ status: string; step: string; step_entered_on: string; step_due_on: string | null; closed_at: string | null }>): Promise<void> {
  const r = await db.updateTable('cases').set({ ...set, version: c.version + 1 }).where('id', '=', c.id).where('version', '=', c.version).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Error(`case ${c.id} changed concurrently`);
}

export async function findCase<T extends CaseTables>(db: Kysely<T> | Tx<T>, id: number): Promise<CaseRecord | undefined> {
  const r = await (db as unknown as Db).selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toCase(r) : undefined;
}

export async function findCaseByReference<T extends CaseTables>(db: Kysely<T> | Tx<T>, workflow: string, reference: string): Promise<CaseRecord | undefined> {
  const r = await (db as unknown as Db).selectFrom('cases').selectAll().where('workflow', '=', workflow).where('reference', '=', reference).executeTakeFirst();
  return r ? toCase(r) : undefined;
}

export async function casesOfSubject<T extends CaseTables>(db: Kysely<T> | Tx<T>, workflow: string, personId: number): Promise<CaseRecord[]> {
  const rows = await (db as unknown as Db).selectFrom('cases').selectAll().where('workflow', '=', workflow).where('subject_person_id', '=', personId).orderBy('id', 'desc').execute();
  return rows.map(toCase);
}

export async function reviewsOf<T extends CaseTables>(db: Kysely<T> | Tx<T>, caseId: number): Promise<ReviewRecord[]> {
  const rows = await (db as unknown as Db).selectFrom('case_reviews').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    caseId: Number(r.case_id),
    step: r.step,
    party: r.party,
    verdict: r.verdict as Verdict | 'pending',
    reasons: JSON.parse(r.reasons) as Reason[],
    note: r.note,
    reviewerName: r.reviewer_name,
    decidedAt: r.decided_at,
  }));
}

export async function eventsOf<T extends CaseTables>(db: Kysely<T> | Tx<T>, caseId: number): Promise<CaseEvent[]> {
  const rows = await (db as unknown as Db).selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  return rows.map((r) => ({ at: r.at, kind: r.kind, step: r.step, party: r.party, actorName: r.actor_name, actorRole: r.actor_role, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

async function enterStep(db: Db, clock: Clock, actor: Actor, def: WorkflowDefinition, c: CaseRecord, index: number): Promise<CaseRecord> {
  const today = civilDateOf(clock.now());
  const step = def.steps[index];
  if (!step) {
    await updateCase(db, c, { status: 'completed', closed_at: clock.now().toISOString() });
    await event(db, clock, actor, c.id, 'closed', c.step, null, { status: 'completed' });
    return { ...c, status: 'completed', closedAt: clock.now().toISOString(), version: c.version + 1 };
  }
  const due = step.dueWorkdays !== undefined ? addWorkdays(today, step.dueWorkdays) : null;
  await updateCase(db, c, { step: step.key, step_entered_on: today, step_due_on: due });
  if (step.kind === 'reviews') {
    const parties = c.parties[step.key] ?? [];
    for (const party of parties) {
      await db.insertInto('case_reviews').values({ case_id: c.id, step: step.key, party, verdict: 'pending', reasons: '[]', note: null, reviewer_id: null, reviewer_name: null, decided_at: null }).execute();
    }
  }
  await event(db, clock, actor, c.id, 'step_entered', step.key, null, due ? { dueOn: due } : {});
  const entered: CaseRecord = { ...c, step: step.key, stepEnteredOn: today, stepDueOn: due, version: c.version + 1 };
  // A review step with nobody to ask completes at once.
  if (step.kind === 'reviews' && (c.parties[step.key] ?? []).length === 0) return enterStep(db, clock, actor, def, entered, index + 1);
  return entered;
}

async function advance(db: Db, clock: Clock, actor: Actor, def: WorkflowDefinition, c: CaseRecord): Promise<CaseRecord> {
  const index = def.steps.findIndex((s) => s.key === c.step);
  return enterStep(db, clock, actor, def, c, index + 1);
}

export interface OpenCase {
  readonly reference: string;
  readonly subjectPersonId: number | null;
  /** For each review step, the parties this case needs (a subset the step accepts). */
  readonly parties: Readonly<Record<string, readonly string[]>>;
  readonly detail?: Record<string, unknown>;
}

/** Opens a case by taking its first step (an action by the subject, inside that step's window). */
export async function openCase<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, def: WorkflowDefinition, input: OpenCase): Promise<Decision<CaseRecord>> {
  const db = trx as unknown as Db;
  const first = def.steps[0];
  if (!first || first.kind !== 'action') throw new Error(`workflow ${def.key}: the first step must be an action`);
  for (const [key, parties] of Object.entries(input.parties)) {
    const step = stepOf(def, key);
    if (!step || step.kind !== 'reviews') throw new Error(`workflow ${def.key}: ${key} is not a review step`);
    for (const p of parties) if (!step.acceptsParty(p)) throw new Error(`workflow ${def.key}: step ${key} does not accept party ${p}`);
  }
  const today = civilDateOf(clock.now());
  if (first.window) {
    const w = requireWithinWindow(first.window, today);
    if (!w.allowed) return w;
  }
  const existing = await findCaseByReference(db, def.key, input.reference);
  if (existing) return refuse(reason('case_reference_taken', '该办件已存在', 'A case with this reference already exists'));
  const row = await db
    .insertInto('cases')
    .values({
      workflow: def.key,
      reference: input.reference,
      subject_person_id: input.subjectPersonId,
      status: 'open',
      step: first.key,
      step_entered_on: today,
      step_due_on: null,
      parties: JSON.stringify(input.parties),
      opened_at: clock.now().toISOString(),
      closed_at: null,
      version: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await event(db, clock, actor, id, 'opened', first.key, null, input.detail ?? {});
  await appendAudit(trx, clock, actor, { action: 'case.open', entityType: 'case', entityId: id, detail: { workflow: def.key, reference: input.reference } });
  const opened = await findCase(db, id);
  if (!opened) throw new Error('case vanished after insert');
  return allow(await advance(db, clock, actor, def, opened));
}

async function openCaseAt(db: Db, def: WorkflowDefinition, caseId: number, stepKey: string): Promise<Decision<{ c: CaseRecord; step: StepDefinition }>> {
  const c = await findCase(db, caseId);
  if (!c || c.workflow !== def.key) return notFound();
  if (c.status !== 'open') return refuse(reason('case_closed', '该办件已办结，不能再办理', 'This case is closed'));
  if (c.step !== stepKey) return refuse(reason('case_wrong_step', '该办件当前不在此环节', 'The case is not at this step'));
  const step = stepOf(def, stepKey);
  if (!step) return notFound();
  return allow({ c, step });
}

/** The current action step is done (the subject confirms, staff issue a document): move on. */
export async function completeAction<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, def: WorkflowDefinition, caseId: number, stepKey: string, detail: Record<string, unknown> = {}): Promise<Decision<CaseRecord>> {
  const db = trx as unknown as Db;
  const at = await openCaseAt(db, def, caseId, stepKey);
  if (!at.allowed) return at;
  const { c, step } = at.value;
  if (step.kind !== 'action') return refuse(reason('case_wrong_step', '该环节不是办理环节', 'This step is not an action'));
  if (step.actor === 'subject' && (actor.kind !== 'person' || actor.id !== c.subjectPersonId)) {
    return refuse(reason('forbidden', '只有申请人本人可以办理此环节', 'Only the applicant may take this step'));
  }
  if (step.window) {
    const w = requireWithinWindow(step.window, civilDateOf(clock.now()));
    if (!w.allowed) return w;
  }
  await event(db, clock, actor, c.id, 'action', step.key, null, detail);
  await appendAudit(trx, clock, actor, { action: 'case.action', entityType: 'case', entityId: c.id, detail: { step: step.key, ...detail } });
  return allow(await advance(db, clock, actor, def, c));
}

export interface ReviewInput {
  readonly step: string;
  readonly party: string;
  readonly verdict: Verdict;
  readonly reasons?: readonly Reason[];
  readonly note?: string | null;
}

/**
 * One party's decision in a review step. Staff must be members of the party. When the last
 * pending party decides, the step completes: any refusal refuses the case (with every reason),
 * otherwise the case moves on ('referred' passes the item to the next step).
 */
export async function recordReview<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, def: WorkflowDefinition, caseId: number, input: ReviewInput): Promise<Decision<CaseRecord>> {
  const db = trx as unknown as Db;
  const at = await openCaseAt(db, def, caseId, input.step);
  if (!at.allowed) return at;
  const { c, step } = at.value;
  if (step.kind !== 'reviews') return refuse(reason('case_wrong_step', '该环节不是审核环节', 'This step is not a review'));
  if (actor.kind === 'staff') {
    const member = await db.selectFrom('case_party_members').select('party').where('staff_id', '=', actor.id ?? -1).where('party', '=', input.party).executeTakeFirst();
    if (!member) return refuse(reason('not_party_member', '您不是该审核部门的审核人员', 'You do not review for this party'));
  }
  if (step.window) {
    const w = requireWithinWindow(step.window, civilDateOf(clock.now()));
    if (!w.allowed) return w;
  }
  if (input.verdict === 'refused' && (input.reasons ?? []).length === 0) throw new Error('a refusal needs at least one reason');
  const updated = await db
    .updateTable('case_reviews')
    .set({ verdict: input.verdict, reasons: JSON.stringify(input.reasons ?? []), note: input.note ?? null, reviewer_id: actor.id, reviewer_name: actor.name, decided_at: clock.now().toISOString() })
    .where('case_id', '=', c.id)
    .where('step', '=', step.key)
    .where('party', '=', input.party)
    .where('verdict', '=', 'pending')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return refuse(reason('review_not_pending', '该部门的审核已完成或无需审核', 'This party has already decided or is not asked'));
  await event(db, clock, actor, c.id, 'review', step.key, input.party, { verdict: input.verdict, reasons: (input.reasons ?? []).map((r) => r.code) });
  await appendAudit(trx, clock, actor, { action: 'case.review', entityType: 'case', entityId: c.id, detail: { step: step.key, party: input.party, verdict: input.verdict } });
  const reviews = (await reviewsOf(db, c.id)).filter((r) => r.step === step.key);
  if (reviews.some((r) => r.verdict === 'pending')) {
    // Bump the version so two concurrent last decisions cannot both believe they were not last.
    await updateCase(db, c, {});
    return allow({ ...c, version: c.version + 1 });
  }
  if (reviews.some((r) => r.verdict === 'refused')) {
    const closedAt = clock.now().toISOString();
    await updateCase(db, c, { status: 'refused', closed_at: closedAt });
    await event(db, clock, actor, c.id, 'closed', step.key, null, { status: 'refused' });
    return allow({ ...c, status: 'refused', closedAt, version: c.version + 1 });
  }
  return allow(await advance(db, clock, actor, def, c));
}

/**
 * Closes open cases whose current step lapses after its window (the applicant missed a duty,
 * e.g. confirming by a date). Review steps never lapse: an office's delay is not the applicant's fault.
 */
export async function lapseOverdueCases<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, def: WorkflowDefinition): Promise<number> {
  const db = trx as unknown as Db;
  const today = civilDateOf(clock.now());
  let count = 0;
  for (const step of def.steps) {
    if (step.kind !== 'action' || !step.lapsesAfterWindow || !step.window || windowPosition(step.window, today) !== 'after') continue;
    const rows = await db.selectFrom('cases').selectAll().where('workflow', '=', def.key).where('status', '=', 'open').where('step', '=', step.key).execute();
    for (const r of rows) {
      const c = toCase(r);
      await updateCase(db, c, { status: 'lapsed', closed_at: clock.now().toISOString() });
      await event(db, clock, actor, c.id, 'closed', step.key, null, { status: 'lapsed' });
      await appendAudit(trx, clock, actor, { action: 'case.lapse', entityType: 'case', entityId: c.id, detail: { step: step.key } });
      count++;
    }
  }
  return count;
}

/** Status as of today, without writing: an open case sitting past a lapsing window reads as lapsed. */
export function effectiveStatus(def: WorkflowDefinition, c: CaseRecord, today: CivilDate): CaseStatus {
  if (c.status !== 'open') return c.status;
  const step = stepOf(def, c.step);
  if (step?.kind === 'action' && step.lapsesAfterWindow && step.window && windowPosition(step.window, today) === 'after') return 'lapsed';
  return 'open';
}

export interface PendingReview {
  readonly caseId: number;
  readonly reference: string;
  readonly step: string;
  readonly party: string;
  readonly stepDueOn: string | null;
}

/** The review queue of some parties (a reviewer's own). */
export async function pendingReviewsFor<T extends CaseTables>(db: Kysely<T> | Tx<T>, workflow: string, parties: readonly string[], limit = 200): Promise<PendingReview[]> {
  if (parties.length === 0) return [];
  const rows = await (db as unknown as Db)
    .selectFrom('case_reviews')
    .innerJoin('cases', 'cases.id', 'case_reviews.case_id')
    .select(['cases.id as case_id', 'cases.reference', 'case_reviews.step', 'case_reviews.party', 'cases.step_due_on'])
    .where('cases.workflow', '=', workflow)
    .where('cases.status', '=', 'open')
    .whereRef('cases.step', '=', 'case_reviews.step')
    .where('case_reviews.verdict', '=', 'pending')
    .where('case_reviews.party', 'in', [...parties])
    .orderBy('cases.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ caseId: Number(r.case_id), reference: r.reference, step: r.step, party: r.party, stepDueOn: r.step_due_on }));
}

/** Open cases whose current step is past its working-day deadline. */
export async function overdueCases<T extends CaseTables>(db: Kysely<T> | Tx<T>, workflow: string, today: CivilDate): Promise<CaseRecord[]> {
  const rows = await (db as unknown as Db).selectFrom('cases').selectAll().where('workflow', '=', workflow).where('status', '=', 'open').where('step_due_on', 'is not', null).where('step_due_on', '<', today).orderBy('step_due_on').execute();
  return rows.map(toCase);
}

export async function addPartyMember<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, staffId: number, party: string): Promise<void> {
  const db = trx as unknown as Db;
  await db.insertInto('case_party_members').values({ staff_id: staffId, party, added_at: clock.now().toISOString() }).onConflict((oc) => oc.columns(['staff_id', 'party']).doNothing()).execute();
  await appendAudit(trx, clock, actor, { action: 'case.party_member.add', entityType: 'staff', entityId: staffId, detail: { party } });
}

export async function partiesOfStaff<T extends CaseTables>(db: Kysely<T> | Tx<T>, staffId: number): Promise<string[]> {
  const rows = await (db as unknown as Db).selectFrom('case_party_members').select('party').where('staff_id', '=', staffId).orderBy('party').execute();
  return rows.map((r) => r.party);
}
