import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { testEngines } from '../../../platform/db/test-databases.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Decision } from '../../../platform/law/decision.ts';
import type { Actor } from '../../../platform/audit/trail.ts';
import { commitmentOf } from '../lottery/protocol.ts';
import { verifyPublishedDraw } from '../lottery/published.ts';
import { openEnrollmentWorld, childId, type EnrollmentWorld } from '../test-world.ts';
import type { EnrollmentDb } from '../schema.ts';
import { goodFacts } from '../rules/test-fixtures.ts';
import { setChoices, submitApplication, verifyCareCategory, type DeclaredPrimaryFacts, type NewApplication } from './applications.ts';
import { upsertProgram } from './schools.ts';
import { seedEnrollmentReviewers } from '../seed.ts';
import { partiesOfStaff } from '../../../platform/cases/store.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { commitDraw, publishDraw, publishedDrawFile, revealDraw, rosterOf, verifyStoredDraw } from './draws.ts';
import { placeByPlan, placementOf } from './placements.ts';
import { confirmNonLocal, decideReview, nonLocalCasesOf, reviewPart, submitNonLocal } from './non-local.ts';

const ok = <V>(d: Decision<V>): V => {
  if (!d.allowed) throw new Error(`refused: ${d.reasons.map((r) => `${r.code} ${r.message.en}`).join('; ')}`);
  return d.value;
};
const codeOf = <V>(d: Decision<V>) => (d.allowed ? 'allowed' : d.reasons[0]?.code);

const xichengChild: DeclaredPrimaryFacts = {
  hukou: 'beijing_personal',
  hukouInXicheng: true,
  livesInXicheng: true,
  guardianHousingInXicheng: true,
  guardianInUnitCollectiveAndWorksThere: false,
  guardianWorksInXicheng: false,
  treatedAsBeijingHukou: false,
};

const secret = 'a1'.repeat(32);
const drand = 'b2'.repeat(32);

describe.each(testEngines)('enrollment on %s', (engine) => {
  let w: EnrollmentWorld;
  let k: Kysely<EnrollmentDb>;
  let parent: Actor;
  let operator: Actor;
  let serial = 0;

  beforeAll(async () => {
    w = await openEnrollmentWorld(engine);
    k = w.t.db.kysely;
    parent = await w.guardian('张家长');
    operator = w.staff.get('operator') as Actor;
  });
  afterAll(async () => w.t.cleanup());

  const primary = (over: Partial<NewApplication> = {}, facts: Partial<DeclaredPrimaryFacts> = {}, birth = '2013-02-02'): NewApplication => ({
    year: 2019,
    stage: 'primary',
    child: { name: `孩子${++serial}`, docType: 'resident_id', docNumber: childId(birth, serial) },
    primary: { ...xichengChild, ...facts },
    zone: 'yuetan',
    ...over,
  });
  const middle = (zone: string, school: string | null = null): NewApplication => ({
    year: 2019,
    stage: 'middle',
    child: { name: `初中生${++serial}`, docType: 'resident_id', docNumber: childId('2006-10-10', serial) },
    middle: { graduationYear: 2019, primarySchoolInXicheng: true, returnApproved: false },
    zone,
    graduatingSchoolCode: school,
  });
  const program = (key: string) => w.programs.get(key) as number;

  describe('applications (学龄人口信息采集)', () => {
    it('accepts an eligible child inside 5月6–31日 and stores the decision with its conditions', async () => {
      w.at('2019-05-10');
      const app = ok(await submitApplication(w.t.db, w.clock, parent, primary()));
      expect(app.ref).toMatch(/^P2019-[2-9A-Z]{8}$/);
      expect(app.eligibility.satisfiedBy).toEqual(['①', '②']);
      expect(app.childBirthDate).toBe('2013-02-02');
    });

    it('refuses outside the window with 附件1, and a second application for one child', async () => {
      w.at('2019-06-01');
      const late = await submitApplication(w.t.db, w.clock, parent, primary());
      expect(late.allowed ? null : late.reasons[0]).toMatchObject({ code: 'window_closed', citation: { doc: '西教发〔2019〕10号', article: '附件1' } });
      w.at('2019-05-10');
      const a = primary();
      ok(await submitApplication(w.t.db, w.clock, parent, a));
      expect(codeOf(await submitApplication(w.t.db, w.clock, parent, a))).toBe('application_exists');
    });

    it('refuses an ineligible child with every failed condition, each cited', async () => {
      w.at('2019-05-10');
      const young = await submitApplication(w.t.db, w.clock, parent, primary({}, {}, '2013-09-01'));
      expect(young.allowed ? [] : young.reasons.map((r) => r.code)).toEqual(['too_young']);
      const outsider = await submitApplication(w.t.db, w.clock, parent, primary({}, { hukou: 'non_beijing', hukouInXicheng: false, guardianHousingInXicheng: false }));
      expect(outsider.allowed ? [] : outsider.reasons.map((r) => r.citation?.article)).toEqual(['三(一)1①', '三(一)1②', '三(一)1③', '三(一)1④', '三(一)1⑤']);
    });
  });

  describe('non-local review (西教发〔2019〕11号) and condition ⑤', () => {
    let caseId = 0;
    let ref = '';
    const nonLocalChild = { name: '李小明', docType: 'resident_id', docNumber: childId('2013-02-02', 900) };

    it('takes applications only on 5月6–14日 and pre-checks the 三 standards with citations', async () => {
      w.at('2019-05-15');
      expect(codeOf(await submitNonLocal(w.t.db, w.clock, parent, { year: 2019, child: nonLocalChild, facts: goodFacts }))).toBe('window_closed');
      w.at('2019-05-08');
      const basement = await submitNonLocal(w.t.db, w.clock, parent, { year: 2019, child: nonLocalChild, facts: { ...goodFacts, residence: { ...goodFacts.residence, issues: ['basement'] } } });
      expect(basement.allowed ? null : basement.reasons[0]).toMatchObject({ code: 'residence_excluded', citation: { article: '三(二)2(3)' } });
      const submitted = ok(await submitNonLocal(w.t.db, w.clock, parent, { year: 2019, child: nonLocalChild, facts: goodFacts }));
      expect(submitted.case).toMatchObject({ status: 'open', step: 'joint_review' });
      caseId = submitted.case.id;
      ref = submitted.record.ref;
      expect(codeOf(await submitNonLocal(w.t.db, w.clock, parent, { year: 2019, child: nonLocalChild, facts: goodFacts }))).toBe('non_local_exists');
    });

    it('the child is not eligible under ⑤ while the review runs (the letter is looked up, never declared)', async () => {
      w.at('2019-05-10');
      const d = await submitApplication(w.t.db, w.clock, parent, { ...primary({}, { hukou: 'non_beijing', hukouInXicheng: false, guardianHousingInXicheng: false }), child: nonLocalChild });
      expect(d.allowed).toBe(false);
    });

    it('each department sees only its own part, and only its own members see it', async () => {
      w.at('2019-05-15');
      const hrss = ok(await reviewPart(w.t.db, w.clock, w.staff.get('reviewer.hrss') as Actor, caseId, 'hrss'));
      expect(JSON.stringify(hrss.part)).toContain('北京某科技有限公司');
      expect(JSON.stringify(hrss.part)).not.toContain('三里河');
      expect(hrss.checks.every((c) => c.part === 'employment_contract')).toBe(true);
      expect(codeOf(await reviewPart(w.t.db, w.clock, w.staff.get('reviewer.police') as Actor, caseId, 'hrss'))).toBe('not_party_member');
      const police = ok(await reviewPart(w.t.db, w.clock, w.staff.get('reviewer.police') as Actor, caseId, 'police'));
      expect(Object.keys(police.part).sort()).toEqual(['guardians', 'residenceAddress']);
      const reads = await (k as unknown as Kysely<PlatformTables>).selectFrom('audit_log').select('detail').where('action', '=', 'enrollment.non_local.read_part').execute();
      expect(reads.length).toBeGreaterThanOrEqual(2);
    });

    it('joint review in parallel, on-site review, approval letter, confirmation by 5月31日', async () => {
      w.at('2019-05-16');
      for (const d of ['hrss', 'market', 'planning', 'police']) ok(await decideReview(w.t.db, w.clock, w.staff.get(`reviewer.${d}`) as Actor, caseId, { party: d, verdict: 'approved' }));
      w.at('2019-05-20');
      const street = w.staff.get('street.yuetan') as Actor;
      const view = ok(await reviewPart(w.t.db, w.clock, street, caseId, 'street:110102007'));
      expect(view.reviews.filter((r) => r.step === 'joint_review').every((r) => r.verdict === 'approved')).toBe(true);
      expect(codeOf(await decideReview(w.t.db, w.clock, street, caseId, { party: 'street:110102007', verdict: 'referred' }))).toBe('cannot_refer');
      const after = ok(await decideReview(w.t.db, w.clock, street, caseId, { party: 'street:110102007', verdict: 'approved' }));
      expect(after.step).toBe('confirmation');
      const mine = await nonLocalCasesOf(k, w.clock, parent.id as number, 2019);
      expect(mine.find((c) => c.ref === ref)?.letterNo).toMatch(/^西城入学批准〔2019〕\d{5}号$/);
      const sms = await (k as unknown as Kysely<PlatformTables>).selectFrom('outbox').select('template').where('person_id', '=', parent.id as number).execute();
      expect(sms.map((s) => s.template)).toContain('enrollment.non_local_approved');
      w.at('2019-05-28');
      expect(ok(await confirmNonLocal(w.t.db, w.clock, parent, ref)).status).toBe('completed');
      // Now ⑤ holds.
      const app = ok(await submitApplication(w.t.db, w.clock, parent, { ...primary({}, { hukou: 'non_beijing', hukouInXicheng: false, guardianHousingInXicheng: false }), child: nonLocalChild }));
      expect(app.eligibility.satisfiedBy).toEqual(['⑤']);
    });

    it('a department refusal reaches the applicant with the cited standard', async () => {
      w.at('2019-05-09');
      const other = { name: '赵小华', docType: 'resident_id', docNumber: childId('2013-03-03', 901) };
      const s = ok(await submitNonLocal(w.t.db, w.clock, parent, { year: 2019, child: other, facts: goodFacts }));
      w.at('2019-05-17');
      const refusal = await decideReview(w.t.db, w.clock, w.staff.get('reviewer.planning') as Actor, s.case.id, { party: 'planning', verdict: 'refused' });
      expect(codeOf(refusal)).toBe('refusal_needs_reason');
      ok(await decideReview(w.t.db, w.clock, w.staff.get('reviewer.planning') as Actor, s.case.id, { party: 'planning', verdict: 'refused', reasonCodes: ['residence.rental_tax'], note: '完税证明系伪造' }));
      for (const d of ['hrss', 'market', 'police']) ok(await decideReview(w.t.db, w.clock, w.staff.get(`reviewer.${d}`) as Actor, s.case.id, { party: d, verdict: 'approved' }));
      const view = (await nonLocalCasesOf(k, w.clock, parent.id as number, 2019)).find((c) => c.ref === s.record.ref);
      expect(view?.status).toBe('refused');
      const reasons = view?.reviews.flatMap((r) => r.reasons) ?? [];
      expect(reasons.map((r) => r.citation?.article)).toEqual(['三(二)2(3)', '二(二)2']);
      expect(reasons[1]?.message.zh).toContain('完税证明系伪造');
    });
  });

  describe('routes, the draw and placements (middle school)', () => {
    const apps: string[] = [];
    let drawId = 0;

    it('files preference lists; zone and pairing rules hold', async () => {
      w.at('2019-05-10');
      for (let i = 0; i < 14; i++) apps.push(ok(await submitApplication(w.t.db, w.clock, parent, middle(i % 2 ? 'yuetan' : 'xinjiekou', 'PS01'))).ref);
      const wide = ['MS01', 'MS02', 'MS03', 'MS04', 'MS05', 'MS06'].map((s) => program(`${s}/middle_district_wide_lottery`));
      for (const [i, ref] of apps.entries()) ok(await setChoices(w.t.db, w.clock, parent, ref, { route: 'middle_district_wide_lottery', programIds: [...wide.slice(i % 3), ...wide.slice(0, i % 3)] }));
      const zone = await setChoices(w.t.db, w.clock, parent, apps[1] as string, { route: 'middle_zone_lottery', programIds: [program('MS01/middle_zone_lottery')] });
      expect(zone.allowed ? null : zone.reasons[0]).toMatchObject({ code: 'outside_zone', citation: { article: '三(二)2⑥' } });
      // 对口直升 sign-up is 5月下旬 (附件2); then only the block of the child's own primary school.
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_paired_lottery', programIds: [program('MS03/middle_paired_lottery/PS03')] }))).toBe('window_not_open');
      w.at('2019-05-22');
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_paired_lottery', programIds: [program('MS03/middle_paired_lottery/PS03')] }))).toBe('not_paired');
      w.at('2019-05-10');
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_featured', programIds: [program('MF01/middle_featured')] }))).toBe('route_admits_by_plan');
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_zone_registration', programIds: [program('MS01/middle_zone_registration'), program('MS02/middle_zone_registration')] }))).toBe('too_many_choices');
    });

    it('commit freezes and hashes the roster; later changes are refused', async () => {
      w.at('2019-05-15', '17:00');
      const d = ok(await commitDraw(w.t.db, w.clock, operator, { year: 2019, route: 'middle_district_wide_lottery', commitment: commitmentOf(secret), publicSource: { kind: 'drand', chain: 'quicknet', round: 1234567 } }));
      drawId = d.id;
      expect(d).toMatchObject({ status: 'committed', rosterSize: 14, secret: null });
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_district_wide_lottery', programIds: [program('MS01/middle_district_wide_lottery')] }))).toBe('roster_frozen');
      expect(codeOf(await commitDraw(w.t.db, w.clock, operator, { year: 2019, route: 'middle_district_wide_lottery', commitment: commitmentOf(secret), publicSource: { kind: 'drand', chain: 'quicknet', round: 1 } }))).toBe('draw_exists');
    });

    it('reveals only on the draw day (附件2: 5月16日) and only with the committed secret', async () => {
      expect(codeOf(await revealDraw(w.t.db, w.clock, operator, drawId, { secret, publicValue: drand }))).toBe('window_not_open');
      w.at('2019-05-16');
      expect(codeOf(await revealDraw(w.t.db, w.clock, operator, drawId, { secret: 'c3'.repeat(32), publicValue: drand }))).toBe('commitment_mismatch');
      const r = ok(await revealDraw(w.t.db, w.clock, operator, drawId, { secret, publicValue: drand }));
      expect(r.outcome.stability.stable).toBe(true);
      const numbers = (await rosterOf(k, drawId)).map((e) => e.number);
      expect([...numbers].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
      // 6 schools × 20 seats ≥ 14: everyone is placed, and the best number gets its first choice.
      expect(r.outcome.children.every((c) => c.placedAt !== null)).toBe(true);
      expect(r.outcome.children.find((c) => c.lottery === 1)?.choiceRank).toBe(1);
    });

    it('never re-draws: a second reveal is refused and audited; the database rejects a second number', async () => {
      const before = await rosterOf(k, drawId);
      expect(codeOf(await revealDraw(w.t.db, w.clock, operator, drawId, { secret, publicValue: 'd4'.repeat(32) }))).toBe('draw_already_run');
      expect((await rosterOf(k, drawId)).map((e) => e.number)).toEqual(before.map((e) => e.number));
      const audit = await (k as unknown as Kysely<PlatformTables>).selectFrom('audit_log').select('action').where('entity_type', '=', 'enrollment_draw').execute();
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['lottery.commit', 'lottery.draw', 'lottery.rerun_refused', 'lottery.commit_refused']));
      const first = before[0];
      if (!first) throw new Error('empty roster');
      await expect(k.insertInto('enrollment_draw_entries').values({ draw_id: drawId, application_id: first.applicationId, ref: first.ref, position: 999, number: 999 }).execute()).rejects.toThrow();
      await expect(k.updateTable('enrollment_draw_entries').set({ number: before[1]?.number ?? 0 }).where('draw_id', '=', drawId).where('application_id', '=', first.applicationId).execute()).rejects.toThrow();
    });

    it('publishes a file anyone can verify bit for bit; tampering is caught', async () => {
      expect(await publishedDrawFile(k, drawId)).toBeUndefined();
      ok(await publishDraw(w.t.db, w.clock, operator, drawId));
      const v = await verifyStoredDraw(k, drawId);
      expect(v?.steps.filter((s) => !s.ok)).toEqual([]);
      const file = await publishedDrawFile(k, drawId);
      if (!file) throw new Error('no file');
      expect(file.assignment?.children).toHaveLength(14);
      // Moving one child to another school outside the lottery is detected.
      const moved = { ...file, assignment: { programs: file.assignment?.programs ?? [], children: (file.assignment?.children ?? []).map((c, i) => (i === 0 ? { ...c, placedAt: file.assignment?.programs.find((p) => p.id !== c.placedAt)?.id ?? null } : c)) } };
      expect(verifyPublishedDraw(moved).ok).toBe(false);
    });

    it('`yiwang lottery verify` recomputes the draw from the database and from an exported file', async () => {
      const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = await import('node:path');
      const { Command } = await import('commander');
      const { exportDraw, registerLotteryCommands, verifyLotteryTarget } = await import('../cli.ts');
      const lines: string[] = [];
      const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(`ERR ${l}`) };
      const open = () => w.t.reopen() as never;
      expect(await verifyLotteryTarget(String(drawId), open, out)).toBe(0);
      expect(lines.at(-1)).toMatch(/^verified: draw \d+/);
      const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-lottery-'));
      const file = path.join(dir, 'draw.json');
      expect(await exportDraw(String(drawId), file, open, out)).toBe(0);
      expect(await verifyLotteryTarget(file, open, out)).toBe(0);
      const tampered = JSON.parse(readFileSync(file, 'utf8')) as { numbers: number[] };
      [tampered.numbers[0], tampered.numbers[1]] = [tampered.numbers[1] as number, tampered.numbers[0] as number];
      writeFileSync(file, JSON.stringify(tampered));
      expect(await verifyLotteryTarget(file, open, out)).toBe(1);
      expect(lines.some((l) => l.startsWith('ERR FAIL roster entry 1'))).toBe(true);
      expect(await verifyLotteryTarget('999999', open, out)).toBe(2);
      // Through commander, as `yiwang lottery verify <file>` runs it.
      const program = new Command('yiwang').exitOverride();
      registerLotteryCommands(program, open);
      const saved = process.exitCode;
      await program.parseAsync(['node', 'yiwang', 'lottery', 'verify', file]);
      expect(process.exitCode).toBe(1);
      process.exitCode = saved;
    });

    it('a child placed by an earlier route leaves the later ones', async () => {
      w.at('2019-07-01');
      const placed = await placementOf(k, (await k.selectFrom('enrollment_applications').select('id').where('ref', '=', apps[0] as string).executeTakeFirstOrThrow()).id);
      expect(placed?.route).toBe('middle_district_wide_lottery');
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, apps[0] as string, { route: 'middle_zone_lottery', programIds: [program('MS01/middle_zone_lottery')] }))).toBe('already_placed');
    });
  });

  describe('admission by plan', () => {
    it('never exceeds the plan, even with two admissions racing for the last seat (四(二))', async () => {
      w.at('2019-05-12');
      const refs: string[] = [];
      for (let i = 0; i < 6; i++) refs.push(ok(await submitApplication(w.t.db, w.clock, parent, middle('guanganmennei'))).ref);
      const plan = program('MP01/middle_private');
      const school = await k.selectFrom('enrollment_schools').select('id').where('code', '=', 'MP01').executeTakeFirstOrThrow();
      await inTransaction(w.t.db, (trx) => upsertProgram(trx, w.clock, operator, { year: 2019, route: 'middle_private', schoolId: Number(school.id), block: '', capacity: 4 }));
      w.at('2019-06-05');
      for (const ref of refs.slice(0, 3)) ok(await placeByPlan(w.t.db, w.clock, operator, ref, plan));
      const other = w.t.reopen();
      const race = await Promise.all([placeByPlan(w.t.db, w.clock, operator, refs[3] as string, plan), placeByPlan(other, w.clock, operator, refs[4] as string, plan)]);
      await other.close();
      expect(race.filter((r) => r.allowed)).toHaveLength(1);
      expect(race.find((r) => !r.allowed)).toMatchObject({ reasons: [{ code: 'plan_full', citation: { article: '四(二)' } }] });
      const n = await k.selectFrom('enrollment_placements').select((eb) => eb.fn.countAll().as('n')).where('program_id', '=', plan).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(4);
      expect(codeOf(await placeByPlan(w.t.db, w.clock, operator, refs[0] as string, program('MN01/middle_nine_year')))).toBe('window_closed');
      w.at('2019-05-14');
      expect(codeOf(await placeByPlan(w.t.db, w.clock, operator, refs[0] as string, program('MN01/middle_nine_year')))).toBe('already_placed');
    });
  });

  describe('care in equal conditions (10号 五)', () => {
    it('a verified care category goes ahead of equals before the number; an unverified one does not', async () => {
      // One seat, five children: the verified one must get it whatever the numbers say.
      const school = await k.selectFrom('enrollment_schools').select('id').where('code', '=', 'PS02').executeTakeFirstOrThrow();
      const programId = await inTransaction(w.t.db, (trx) => upsertProgram(trx, w.clock, operator, { year: 2019, route: 'primary_zone_lottery', schoolId: Number(school.id), block: '', capacity: 1 }));
      w.at('2019-05-20');
      const refs: string[] = [];
      for (let i = 0; i < 5; i++) {
        const care = i === 3 ? 'military_child' : i === 4 ? 'martyr_child' : null;
        refs.push(ok(await submitApplication(w.t.db, w.clock, parent, { ...primary({ zone: 'xinjiekou' }), careCategory: care })).ref);
      }
      ok(await verifyCareCategory(w.t.db, w.clock, operator, refs[3] as string, true));
      expect(codeOf(await verifyCareCategory(w.t.db, w.clock, operator, refs[0] as string, true))).toBe('no_care_category');
      for (const ref of refs) ok(await setChoices(w.t.db, w.clock, parent, ref, { route: 'primary_zone_lottery', programIds: [programId] }));
      w.at('2019-06-01');
      const d = ok(await commitDraw(w.t.db, w.clock, operator, { year: 2019, route: 'primary_zone_lottery', commitment: commitmentOf(secret), publicSource: { kind: 'drand', chain: 'quicknet', round: 42 } }));
      const r = ok(await revealDraw(w.t.db, w.clock, operator, d.id, { secret, publicValue: drand }));
      const placed = r.outcome.children.filter((c) => c.placedAt !== null).map((c) => c.id);
      expect(placed).toEqual([refs[3]]);
      expect(r.outcome.children.find((c) => c.id === refs[3])?.listed[0]?.rank).toBe(1);
      // The unverified category counts for nothing: its rank follows its number among the others.
      const others = r.outcome.children.filter((c) => c.id !== refs[3]).sort((a, b) => a.lottery - b.lottery);
      expect(others.map((c) => c.listed[0]?.rank)).toEqual([2, 3, 4, 5]);
    });

    it('the demo reviewer seed is idempotent and puts each reviewer in one party', async () => {
      const ids = await seedEnrollmentReviewers(w.t.db, w.clock, 'unused-password');
      const again = await seedEnrollmentReviewers(w.t.db, w.clock, 'unused-password');
      expect([...again.values()]).toEqual([...ids.values()]);
      expect(await partiesOfStaff(k, ids.get('reviewer.police') as number)).toEqual(['police']);
    });
  });

  describe('primary registration (片区内登记入学)', () => {
    it('is refused outside 6月15–16日 with the citation, and ranks by hukou, property and residence', async () => {
      w.at('2019-05-11');
      const refs: string[] = [];
      for (let i = 0; i < 3; i++) refs.push(ok(await submitApplication(w.t.db, w.clock, parent, primary())).ref);
      const school = program('PS04/primary_registration');
      w.at('2019-06-14');
      const early = await setChoices(w.t.db, w.clock, parent, refs[0] as string, { route: 'primary_registration', programIds: [school], registration: { hukouInServiceArea: true, propertyInServiceArea: true, yearsAtAddress: 3 } });
      expect(early.allowed ? null : early.reasons[0]).toMatchObject({ code: 'window_not_open', citation: { doc: '西教发〔2019〕10号', article: '附件1' } });
      w.at('2019-06-15');
      const filed = ok(await setChoices(w.t.db, w.clock, parent, refs[0] as string, { route: 'primary_registration', programIds: [school], registration: { hukouInServiceArea: true, propertyInServiceArea: true, yearsAtAddress: 3 } }));
      // Tier 0 (hukou and property), 3 years: class 0 × 8 + (7 − 3).
      expect(filed[0]?.priorityClass).toBe(4);
      const two = await setChoices(w.t.db, w.clock, parent, refs[1] as string, { route: 'primary_registration', programIds: [school, program('PS03/primary_registration')], registration: { hukouInServiceArea: true, propertyInServiceArea: false, yearsAtAddress: 9 } });
      expect(codeOf(two)).toBe('too_many_choices');
      w.at('2019-06-17');
      expect(codeOf(await setChoices(w.t.db, w.clock, parent, refs[2] as string, { route: 'primary_registration', programIds: [school], registration: { hukouInServiceArea: false, propertyInServiceArea: false, yearsAtAddress: 0 } }))).toBe('window_closed');
    });
  });
});
