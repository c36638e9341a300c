/**
 * The non-local document review (西教发〔2019〕11号) on the platform case workflow: submission with
 * the audit standards pre-checked, each department's part, decisions with cited reasons, the
 * approval letter, and the applicant's confirmation.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, formatCivilDate } from '../../../platform/time/civil.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, cite, reason, refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import { validateDocument } from '../../../platform/identity/documents.ts';
import {
  casesOfSubject,
  completeAction,
  effectiveStatus,
  findCase,
  openCase,
  partiesOfStaff,
  recordReview,
  reviewsOf,
  type CaseRecord,
  type CaseStatus,
  type ReviewRecord,
} from '../../../platform/cases/store.ts';
import type { Verdict } from '../../../platform/cases/definition.ts';
import { enrollmentYear, type EnrollmentYear } from '../rules/parameters.ts';
import { requireWindow, timetableEntry } from '../rules/timetable.ts';
import { newReference } from './references.ts';
import { allStandardChecks, failedReasons, type NonLocalApplicationFacts, type StandardCheck } from '../rules/non-local-standards.ts';
import { checksForDepartment, departmentInfo, departmentPart, departmentsFor, isDepartment, streetParty, streetPartyPrefix } from '../rules/departments.ts';
import type { EnrollmentDb } from '../schema.ts';
import { nonLocalWorkflow, nonLocalWorkflowKey } from '../workflow.ts';
import { nonLocalApprovedTemplate, nonLocalRefusedTemplate } from '../templates.ts';
import type { ChildInput } from './applications.ts';

type K = Kysely<EnrollmentDb>;

export interface NonLocalRecord {
  readonly id: number;
  readonly ref: string;
  readonly year: number;
  readonly caseId: number;
  readonly guardianPersonId: number;
  readonly childName: string;
  readonly childDocType: string;
  readonly childDocNumber: string;
  readonly streetCode: string;
  readonly facts: NonLocalApplicationFacts;
  readonly letterNo: string | null;
  readonly letterIssuedAt: string | null;
}

type Row = { id: number; ref: string; year: number; case_id: number; guardian_person_id: number; child_name: string; child_doc_type: string; child_doc_number: string; street_code: string; facts: string; letter_no: string | null; letter_issued_at: string | null };

function toRecord(r: Row): NonLocalRecord {
  return {
    id: Number(r.id),
    ref: r.ref,
    year: Number(r.year),
    caseId: Number(r.case_id),
    guardianPersonId: Number(r.guardian_person_id),
    childName: r.child_name,
    childDocType: r.child_doc_type,
    childDocNumber: r.child_doc_number,
    streetCode: r.street_code,
    facts: JSON.parse(r.facts) as NonLocalApplicationFacts,
    letterNo: r.letter_no,
    letterIssuedAt: r.letter_issued_at,
  };
}

export async function findNonLocalByCase(db: K | Tx<EnrollmentDb>, caseId: number): Promise<NonLocalRecord | undefined> {
  const r = await (db as K).selectFrom('enrollment_non_local').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function findNonLocalByRef(db: K | Tx<EnrollmentDb>, ref: string): Promise<NonLocalRecord | undefined> {
  const r = await (db as K).selectFrom('enrollment_non_local').selectAll().where('ref', '=', ref).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

/** Condition ⑤ of 10号 三(一)1: the letter was issued and the family confirmed by the deadline (11号 二(四)). */
export async function holdsApprovalLetter(db: K | Tx<EnrollmentDb>, year: number, docType: string, docNumber: string): Promise<boolean> {
  const r = await (db as K)
    .selectFrom('enrollment_non_local as n')
    .innerJoin('cases as c', 'c.id', 'n.case_id')
    .select('n.id')
    .where('n.year', '=', year)
    .where('n.child_doc_type', '=', docType)
    .where('n.child_doc_number', '=', docNumber)
    .where('n.letter_no', 'is not', null)
    .where('c.status', '=', 'completed')
    .executeTakeFirst();
  return r !== undefined;
}

function yearOrRefuse(year: number): Decision<EnrollmentYear> {
  const y = enrollmentYear(year);
  return y ? allow(y) : refuse(reason('unknown_year', `尚未载入${year}年的入学政策文件`, `No enrollment documents are loaded for ${year}`));
}

export interface NonLocalSubmission {
  readonly year: number;
  readonly child: ChildInput;
  readonly facts: NonLocalApplicationFacts;
}

/** 11号 二(一): online application, 5月6–14日 only, with the 三 standards checked on the declared facts. */
export async function submitNonLocal(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, input: NonLocalSubmission): Promise<Decision<{ record: NonLocalRecord; case: CaseRecord }>> {
  const y = yearOrRefuse(input.year);
  if (!y.allowed) return y;
  const year = y.value;
  if (actor.kind !== 'person' || actor.id === null) return refuse(reason('forbidden', '请以监护人身份实名登录后申请', 'Sign in as the guardian to apply'));
  const today = civilDateOf(clock.now());
  const doc = validateDocument(input.child.docType, input.child.docNumber, today);
  if (!doc.allowed) return doc;
  // The window comes first: outside 5月6–14日 nothing else matters (二(一)).
  const w = requireWindow(year, 'non_local.application', today);
  if (!w.allowed) return w;
  const checks = allStandardChecks(input.facts, year, today);
  const failed = failedReasons(checks);
  const def = nonLocalWorkflow(year);
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const street = await k.selectFrom('streets').select('code').where('code', '=', input.facts.residence.streetCode).executeTakeFirst();
    if (!street) return refuse(reason('unknown_street', '请选择住所所在的西城区街道', 'Choose the Xicheng street of the residence', cite('西教发〔2019〕11号', '二(三)')));
    if (failed.length) return refuse(...failed);
    const active = await k
      .selectFrom('enrollment_non_local as n')
      .innerJoin('cases as c', 'c.id', 'n.case_id')
      .select('n.ref')
      .where('n.year', '=', input.year)
      .where('n.child_doc_type', '=', doc.value.type)
      .where('n.child_doc_number', '=', doc.value.number)
      .where('c.status', 'in', ['open', 'completed'])
      .executeTakeFirst();
    if (active) return refuse(reason('non_local_exists', `该儿童已有审核申请（${active.ref}）`, `This child already has a review (${active.ref})`));
    const ref = newReference('N', input.year);
    const opened = await openCase(trx, clock, actor, def, {
      reference: ref,
      subjectPersonId: actor.id,
      parties: { joint_review: departmentsFor(input.facts), onsite_review: [streetParty(input.facts.residence.streetCode)] },
      detail: { childName: input.child.name },
    });
    if (!opened.allowed) return opened;
    await k
      .insertInto('enrollment_non_local')
      .values({
        case_id: opened.value.id,
        ref,
        year: input.year,
        guardian_person_id: actor.id as number,
        child_name: input.child.name,
        child_doc_type: doc.value.type,
        child_doc_number: doc.value.number,
        street_code: input.facts.residence.streetCode,
        facts: JSON.stringify(input.facts),
        letter_no: null,
        letter_issued_at: null,
      })
      .execute();
    await appendAudit(trx, clock, actor, { action: 'enrollment.non_local.submit', entityType: 'case', entityId: opened.value.id, detail: { ref } });
    const record = await findNonLocalByRef(k, ref);
    if (!record) throw new Error('non-local record vanished after insert');
    return allow({ record, case: opened.value });
  });
}

export interface PartView {
  readonly ref: string;
  readonly caseId: number;
  readonly party: string;
  readonly step: string;
  readonly status: CaseStatus;
  /** The data this party may see, and nothing else. */
  readonly part: Record<string, unknown>;
  readonly checks: readonly StandardCheck[];
  /** This party's own decision row; the street office also sees the departments' results (二(三)). */
  readonly reviews: readonly ReviewRecord[];
}

function partOf(record: NonLocalRecord, party: string): Record<string, unknown> {
  if (isDepartment(party)) return departmentPart(record.facts, party);
  return { ...record.facts };
}

async function membership(db: K, actor: Actor, party: string): Promise<Decision<undefined>> {
  if (actor.kind !== 'staff' || actor.id === null) return refuse(reason('forbidden', '仅审核部门工作人员可查看', 'Reviewers only'));
  const parties = await partiesOfStaff(db, actor.id);
  return parties.includes(party) ? allow() : refuse(reason('not_party_member', '您不是该审核部门的审核人员', 'You do not review for this party'));
}

/** What one party's reviewer sees (二(二): each department its own materials); the read is audited. */
export async function reviewPart(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, caseId: number, party: string): Promise<Decision<PartView>> {
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const member = await membership(k, actor, party);
    if (!member.allowed) return member;
    const record = await findNonLocalByCase(k, caseId);
    const c = await findCase(k, caseId);
    if (!record || !c) return refuse(reason('case_not_found', '未找到该办件', 'No such case'));
    const year = enrollmentYear(record.year);
    if (!year) throw new Error(`no parameters for ${record.year}`);
    const all = allStandardChecks(record.facts, year, civilDateOf(clock.now()));
    const checks = isDepartment(party) ? checksForDepartment(all, party) : all;
    const reviews = (await reviewsOf(k, caseId)).filter((r) => r.party === party || party.startsWith(streetPartyPrefix));
    if (!reviews.some((r) => r.party === party)) return refuse(reason('not_party_member', '本办件无需该部门审核', 'This party is not asked to review this case'));
    await appendAudit(trx, clock, actor, { action: 'enrollment.non_local.read_part', entityType: 'case', entityId: caseId, purpose: 'review', detail: { party } });
    return allow({ ref: record.ref, caseId, party, step: c.step, status: effectiveStatus(nonLocalWorkflow(year), c, civilDateOf(clock.now())), part: partOf(record, party), checks, reviews });
  });
}

export interface DepartmentDecision {
  readonly party: string;
  readonly verdict: Verdict;
  /** Codes of failed standard checks of this party's part, used as the cited reasons of a refusal. */
  readonly reasonCodes?: readonly string[] | undefined;
  readonly note?: string | undefined;
}

function letterNumber(record: NonLocalRecord): string {
  return `西城入学批准〔${record.year}〕${String(record.id).padStart(5, '0')}号`;
}

/** A party decides; onsite approval issues the approval letter in the same transaction (二(三)). */
export async function decideReview(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, caseId: number, d: DepartmentDecision): Promise<Decision<CaseRecord>> {
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const record = await findNonLocalByCase(k, caseId);
    const c = await findCase(k, caseId);
    if (!record || !c) return refuse(reason('case_not_found', '未找到该办件', 'No such case'));
    const year = enrollmentYear(record.year);
    if (!year) throw new Error(`no parameters for ${record.year}`);
    const def = nonLocalWorkflow(year);
    const step = d.party.startsWith(streetPartyPrefix) ? 'onsite_review' : 'joint_review';
    // 二(二): what a department cannot check online goes to the street office; the street office
    // is the last check and must decide (二(三)), or a referral would issue the letter unchecked.
    if (step === 'onsite_review' && d.verdict === 'referred') {
      return refuse(reason('cannot_refer', '街道办事处现场审核须作出通过或不通过的决定', 'The on-site review must approve or refuse', cite('西教发〔2019〕11号', '二(三)')));
    }
    const today = civilDateOf(clock.now());
    const all = allStandardChecks(record.facts, year, today);
    const mine = isDepartment(d.party) ? checksForDepartment(all, d.party) : all;
    let reasons: Reason[] = [];
    if (d.verdict === 'refused') {
      const codes = new Set(d.reasonCodes ?? []);
      reasons = mine.filter((x) => codes.has(x.id) || codes.has(x.reason.code)).map((x) => (x.passed ? { ...x.reason, code: x.reason.code.replace(/_met$/, '') } : x.reason));
      const citation = isDepartment(d.party) ? departmentInfo[d.party].citation : cite('西教发〔2019〕11号', '二(三)');
      if (d.note && d.note.trim()) reasons.push(reason('reviewer_finding', `审核意见：${d.note.trim()}`, `Reviewer's finding: ${d.note.trim()}`, citation));
      if (reasons.length === 0) return refuse(reason('refusal_needs_reason', '不通过须写明原因（所依据的审核标准或审核意见）', 'A refusal needs a reason: the standard it fails or a written finding', citation));
    }
    const decided = await recordReview(trx, clock, actor, def, caseId, { step, party: d.party, verdict: d.verdict, reasons, note: d.note ?? null });
    if (!decided.allowed) return decided;
    const after = decided.value;
    const guardian = await (k as unknown as Kysely<PlatformTables>).selectFrom('persons').select(['id', 'phone', 'locale']).where('id', '=', record.guardianPersonId).executeTakeFirstOrThrow();
    const to = { personId: Number(guardian.id), phone: guardian.phone, locale: guardian.locale };
    if (after.status === 'refused') {
      const all = (await reviewsOf(k, caseId)).flatMap((r) => r.reasons);
      await enqueueMessage(trx, clock, to, nonLocalRefusedTemplate, { ref: record.ref, reasons: all.map((r) => r.message.zh).join('；').slice(0, 200) });
    }
    if (after.step === 'confirmation' && after.status === 'open' && !record.letterNo) {
      const letterNo = letterNumber(record);
      await k.updateTable('enrollment_non_local').set({ letter_no: letterNo, letter_issued_at: clock.now().toISOString() }).where('id', '=', record.id).execute();
      await appendAudit(trx, clock, actor, { action: 'enrollment.non_local.letter_issued', entityType: 'case', entityId: caseId, detail: { letterNo } });
      const by = timetableEntry(year, 'non_local.confirmation').to;
      await enqueueMessage(trx, clock, to, nonLocalApprovedTemplate, { ref: record.ref, letterNo, confirmBy: formatCivilDate(by, guardian.locale === 'en' ? 'en' : 'zh-CN') });
    }
    return allow(after);
  });
}

/** 11号 二(四): the applicant confirms enrollment in Xicheng by 5月31日. */
export async function confirmNonLocal(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, ref: string): Promise<Decision<CaseRecord>> {
  return inTransaction(db, async (trx) => {
    const record = await findNonLocalByRef(trx as K, ref);
    if (!record || record.guardianPersonId !== actor.id) return refuse(reason('case_not_found', '未找到该办件', 'No such case'));
    const year = enrollmentYear(record.year);
    if (!year) throw new Error(`no parameters for ${record.year}`);
    return completeAction(trx, clock, actor, nonLocalWorkflow(year), record.caseId, 'confirmation');
  });
}

export interface ApplicantCaseView {
  readonly ref: string;
  readonly year: number;
  readonly childName: string;
  readonly status: CaseStatus;
  readonly step: string;
  readonly letterNo: string | null;
  /** Department results (no reviewer names): the applicant sees status and every refusal reason. */
  readonly reviews: readonly { readonly step: string; readonly party: string; readonly verdict: string; readonly reasons: readonly Reason[] }[];
}

export async function nonLocalCasesOf(db: K, clock: Clock, personId: number, year: number): Promise<ApplicantCaseView[]> {
  const y = enrollmentYear(year);
  if (!y) return [];
  const def = nonLocalWorkflow(y);
  const cases = await casesOfSubject(db, nonLocalWorkflowKey(year), personId);
  const out: ApplicantCaseView[] = [];
  for (const c of cases) {
    const record = await findNonLocalByCase(db, c.id);
    if (!record) continue;
    const reviews = (await reviewsOf(db, c.id)).map((r) => ({ step: r.step, party: r.party, verdict: r.verdict, reasons: r.reasons }));
    out.push({ ref: record.ref, year, childName: record.childName, status: effectiveStatus(def, c, civilDateOf(clock.now())), step: c.step, letterNo: record.letterNo, reviews });
  }
  return out;
}
