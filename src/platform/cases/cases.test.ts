import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { manualClock } from '../time/clock.ts';
import { instantAt, parseCivilDate } from '../time/civil.ts';
import { cite, reason, type Decision } from '../law/decision.ts';
import type { Actor } from '../audit/trail.ts';
import { casesMigration } from './migration.ts';
import type { CaseTables } from './schema.ts';
import { validateWorkflow, type WorkflowDefinition } from './definition.ts';
import {
  addPartyMember,
  completeAction,
  effectiveStatus,
  eventsOf,
  findCase,
  lapseOverdueCases,
  openCase,
  overdueCases,
  partiesOfStaff,
  pendingReviewsFor,
  recordReview,
  reviewsOf,
  type CaseRecord,
} from './store.ts';

const d = parseCivilDate;
const citation = cite('西教发〔2019〕11号', '二(一)');

/** A permit-like workflow exercising every feature: windows, parallel parties, a deadline, a lapsing duty. */
const workflow: WorkflowDefinition = {
  key: 'test.permit',
  label: { zh: '测试', en: 'Test' },
  steps: [
    { kind: 'action', key: 'apply', actor: 'subject', label: { zh: '申请', en: 'Apply' }, citation, window: { from: d('2019-05-06'), to: d('2019-05-14'), label: { zh: '网上提交申请', en: 'Online application' }, citation } },
    { kind: 'reviews', key: 'joint', label: { zh: '联合审核', en: 'Joint review' }, citation, acceptsParty: (p) => ['a', 'b', 'c'].includes(p), dueWorkdays: 3, window: { from: d('2019-05-15'), to: d('2019-05-17'), label: { zh: '网上联合审核', en: 'Joint review' }, citation } },
    { kind: 'reviews', key: 'onsite', label: { zh: '现场审核', en: 'On-site' }, citation, acceptsParty: (p) => p.startsWith('street:') },
    { kind: 'action', key: 'confirm', actor: 'subject', label: { zh: '确认', en: 'Confirm' }, citation, lapsesAfterWindow: true, window: { to: d('2019-05-31'), label: { zh: '确认入学', en: 'Confirm' }, citation } },
  ],
};

type T = PlatformTables & CaseTables;

describe('workflow definitions', () => {
  it('the test workflow is valid; a workflow must start with the subject acting', () => {
    expect(validateWorkflow(workflow)).toEqual([]);
    expect(validateWorkflow({ ...workflow, steps: workflow.steps.slice(1) })).toContain('the first step must be an action by the subject');
  });
});

describe.each(testEngines)('case workflow on %s', (engine) => {
  let t: TestDatabase<T>;
  const clock = manualClock(instantAt(d('2019-05-06'), '09:00'));
  const at = (day: string, time = '10:00') => clock.set(instantAt(d(day), time));
  let applicant: Actor;
  const staff: Record<string, Actor> = {};

  beforeAll(async () => {
    t = await openTestDatabase<T>(engine, [...platformMigrations, casesMigration]);
    const k = t.db.kysely as unknown as Kysely<PlatformTables>;
    const p = await k.insertInto('persons').values({ doc_type: 'resident_id', doc_number: '110101199003077777', name: '申请人', phone: '13800000000', locale: 'zh-CN', created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
    applicant = { kind: 'person', id: Number(p.id), name: '申请人', role: 'resident' };
    for (const name of ['a', 'b', 'c', 'street', 'outsider']) {
      const s = await k.insertInto('staff').values({ username: `rev-${name}`, display_name: `审核${name}`, password_hash: 'x', role: 'department_reviewer', organisation_id: null, person_id: null, referral_authorised: 0, active: 1, created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
      staff[name] = { kind: 'staff', id: Number(s.id), name: `审核${name}`, role: 'department_reviewer' };
    }
    await inTransaction(t.db, async (trx) => {
      for (const party of ['a', 'b', 'c']) await addPartyMember(trx, clock, staff.outsider ?? applicant, staff[party]?.id ?? 0, party);
      await addPartyMember(trx, clock, applicant, staff.street?.id ?? 0, 'street:yuetan');
    });
  });
  afterAll(async () => t.cleanup());

  const open = (reference: string, parties: Record<string, string[]> = { joint: ['a', 'b'], onsite: ['street:yuetan'] }) =>
    inTransaction(t.db, (trx) => openCase(trx, clock, applicant, workflow, { reference, subjectPersonId: applicant.id, parties }));
  const review = (who: string, caseId: number, step: string, party: string, verdict: 'approved' | 'refused' | 'referred', reasons = verdict === 'refused' ? [reason('bad_paper', '材料不符', 'Paper not valid', citation)] : []) =>
    inTransaction(t.db, (trx) => recordReview(trx, clock, staff[who] ?? applicant, workflow, caseId, { step, party, verdict, reasons }));
  const ok = <V>(dec: Decision<V>): V => {
    if (!dec.allowed) throw new Error(`refused: ${dec.reasons.map((r) => r.code).join()}`);
    return dec.value;
  };

  it('opens only inside the first step window, with the window citation', async () => {
    at('2019-05-05');
    const early = await open('R-early');
    expect(early.allowed).toBe(false);
    if (!early.allowed) expect(early.reasons[0]).toMatchObject({ code: 'window_not_open', citation });
    at('2019-05-15');
    const late = await open('R-late');
    expect(late.allowed || late.reasons[0]?.code).toBe('window_closed');
  });

  it('opening takes the first step and enters the parallel review with one pending row per chosen party', async () => {
    at('2019-05-10');
    const c = ok(await open('R-1'));
    expect(c).toMatchObject({ status: 'open', step: 'joint' });
    expect((await reviewsOf(t.db.kysely, c.id)).map((r) => [r.party, r.verdict])).toEqual([['a', 'pending'], ['b', 'pending']]);
    expect((await open('R-1')).allowed).toBe(false);
  });

  it('the working-day deadline skips the May holiday: entered 2019-04-30, 3 workdays → 2019-05-07', async () => {
    // 2019: May 1–4 rest, Sunday May 5 a make-up workday (国办发明电〔2018〕15号 as amended).
    const longWindow: WorkflowDefinition = { ...workflow, key: 'test.deadline', steps: workflow.steps.map((s) => (s.kind === 'action' && s.key === 'apply' ? { ...s, window: undefined } : s.kind === 'reviews' && s.key === 'joint' ? { ...s, window: undefined } : s)) };
    at('2019-04-30');
    const c = ok(await inTransaction(t.db, (trx) => openCase(trx, clock, applicant, longWindow, { reference: 'R-deadline', subjectPersonId: applicant.id, parties: { joint: ['a'], onsite: ['street:yuetan'] } })));
    expect(c.stepDueOn).toBe('2019-05-07');
    expect((await overdueCases(t.db.kysely, 'test.deadline', d('2019-05-07'))).map((x) => x.id)).toEqual([]);
    expect((await overdueCases(t.db.kysely, 'test.deadline', d('2019-05-08'))).map((x) => x.id)).toEqual([c.id]);
  });

  it('each party decides once, inside its window, and only its own members may decide', async () => {
    at('2019-05-10');
    const c = ok(await open('R-2'));
    at('2019-05-14');
    const early = await review('a', c.id, 'joint', 'a', 'approved');
    expect(early.allowed || early.reasons[0]?.code).toBe('window_not_open');
    at('2019-05-15');
    const stranger = await review('outsider', c.id, 'joint', 'a', 'approved');
    expect(stranger.allowed || stranger.reasons[0]?.code).toBe('not_party_member');
    const crossed = await review('a', c.id, 'joint', 'b', 'approved');
    expect(crossed.allowed || crossed.reasons[0]?.code).toBe('not_party_member');
    expect(ok(await review('a', c.id, 'joint', 'a', 'approved')).step).toBe('joint');
    const again = await review('a', c.id, 'joint', 'a', 'refused');
    expect(again.allowed || again.reasons[0]?.code).toBe('review_not_pending');
    expect((await pendingReviewsFor(t.db.kysely, 'test.permit', ['b'])).map((p) => p.reference)).toContain('R-2');
    expect((await pendingReviewsFor(t.db.kysely, 'test.permit', ['a'])).map((p) => p.reference)).not.toContain('R-2');
    // The last party completes the step; 'referred' passes on without refusing.
    const next = ok(await review('b', c.id, 'joint', 'b', 'referred'));
    expect(next.step).toBe('onsite');
    expect((await reviewsOf(t.db.kysely, c.id)).filter((r) => r.step === 'onsite').map((r) => r.party)).toEqual(['street:yuetan']);
  });

  it('a refusal closes the case once every party has decided, keeping all reasons', async () => {
    at('2019-05-10');
    const c = ok(await open('R-3'));
    at('2019-05-16');
    expect(ok(await review('a', c.id, 'joint', 'a', 'refused')).status).toBe('open');
    const closed = ok(await review('b', c.id, 'joint', 'b', 'approved'));
    expect(closed.status).toBe('refused');
    const refusal = (await reviewsOf(t.db.kysely, c.id)).find((r) => r.verdict === 'refused');
    expect(refusal?.reasons[0]).toMatchObject({ code: 'bad_paper', citation });
    const after = await review('a', c.id, 'joint', 'a', 'approved');
    expect(after.allowed || after.reasons[0]?.code).toBe('case_closed');
  });

  it('two reviewers of one party racing: exactly one decision is recorded', async () => {
    at('2019-05-10');
    const c = ok(await open('R-race'));
    at('2019-05-15');
    const k = t.db.kysely as unknown as Kysely<PlatformTables>;
    const second = await k.insertInto('staff').values({ username: 'rev-a2', display_name: '审核a2', password_hash: 'x', role: 'department_reviewer', organisation_id: null, person_id: null, referral_authorised: 0, active: 1, created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
    staff.a2 = { kind: 'staff', id: Number(second.id), name: '审核a2', role: 'department_reviewer' };
    await inTransaction(t.db, (trx) => addPartyMember(trx, clock, applicant, Number(second.id), 'a'));
    const other = t.reopen();
    const results = await Promise.all([
      review('a', c.id, 'joint', 'a', 'approved'),
      inTransaction(other, (trx) => recordReview(trx, clock, staff.a2 ?? applicant, workflow, c.id, { step: 'joint', party: 'a', verdict: 'refused', reasons: [reason('x', 'x', 'x')] })),
    ]);
    await other.close();
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
    expect((await reviewsOf(t.db.kysely, c.id)).filter((r) => r.party === 'a' && r.verdict !== 'pending')).toHaveLength(1);
  });

  it('runs to completion; only the subject may take a subject step; a missed duty lapses', async () => {
    at('2019-05-10');
    const c = ok(await open('R-4', { joint: ['a'], onsite: ['street:yuetan'] }));
    at('2019-05-15');
    ok(await review('a', c.id, 'joint', 'a', 'approved'));
    at('2019-05-20');
    const atConfirm = ok(await review('street', c.id, 'onsite', 'street:yuetan', 'approved'));
    expect(atConfirm.step).toBe('confirm');
    const byStaff = await inTransaction(t.db, (trx) => completeAction(trx, clock, staff.a ?? applicant, workflow, c.id, 'confirm'));
    expect(byStaff.allowed || byStaff.reasons[0]?.code).toBe('forbidden');
    const done = ok(await inTransaction(t.db, (trx) => completeAction(trx, clock, applicant, workflow, c.id, 'confirm')));
    expect(done.status).toBe('completed');
    expect((await eventsOf(t.db.kysely, c.id)).map((e) => e.kind)).toEqual(['opened', 'step_entered', 'review', 'step_entered', 'review', 'step_entered', 'action', 'closed']);

    // A second case reaches the confirmation step but the applicant never confirms.
    at('2019-05-10');
    const idle = ok(await open('R-5', { joint: [], onsite: ['street:yuetan'] }));
    expect(idle.step).toBe('onsite');
    at('2019-05-21');
    const waiting: CaseRecord = ok(await review('street', idle.id, 'onsite', 'street:yuetan', 'approved'));
    expect(effectiveStatus(workflow, waiting, d('2019-05-31'))).toBe('open');
    expect(effectiveStatus(workflow, waiting, d('2019-06-01'))).toBe('lapsed');
    at('2019-06-01');
    const lapsed = await inTransaction(t.db, (trx) => lapseOverdueCases(trx, clock, applicant, workflow));
    expect(lapsed).toBeGreaterThanOrEqual(1);
    expect((await findCase(t.db.kysely, idle.id))?.status).toBe('lapsed');
    const tooLate = await inTransaction(t.db, (trx) => completeAction(trx, clock, applicant, workflow, idle.id, 'confirm'));
    expect(tooLate.allowed || tooLate.reasons[0]?.code).toBe('case_closed');
  });

  it('writes the audit trail in the same transaction and keeps party membership', async () => {
    const k = t.db.kysely as unknown as Kysely<PlatformTables>;
    const actions = (await k.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['case.open', 'case.review', 'case.action', 'case.lapse', 'case.party_member.add']));
    expect(await partiesOfStaff(t.db.kysely, staff.street?.id ?? 0)).toEqual(['street:yuetan']);
  });
});
