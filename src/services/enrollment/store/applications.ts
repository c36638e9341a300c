/**
 * Applications (学龄人口信息采集) and each child's route choices. The guardian declares the facts;
 * condition ⑤ is never declared but looked up from the 11号 review; eligibility is decided by the
 * pure rules and stored with the application, so the decision shown later is the one applied.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, cite, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { validateDocument } from '../../../platform/identity/documents.ts';
import { checkMiddleEligibility, checkPrimaryEligibility, eligibilityDecision, type EligibilityReport, type Hukou, type MiddleFacts, type PrimaryFacts } from '../rules/eligibility.ts';
import { enrollmentYear, type Stage } from '../rules/parameters.ts';
import { requireWindow } from '../rules/timetable.ts';
import { registrationPriorityClass, routeAccess, routeDefinition, type RegistrationFacts } from '../rules/routes.ts';
import { isCareCategory, type CareCategory } from '../rules/care.ts';
import type { EnrollmentDb } from '../schema.ts';
import { findProgram, type Program } from './schools.ts';
import { isUniqueViolation } from '../../../platform/db/errors.ts';
import { newReference } from './references.ts';
import { holdsApprovalLetter } from './non-local.ts';

type K = Kysely<EnrollmentDb>;

export const childDocumentTypes = ['resident_id', 'hk_macau_permit', 'passport'] as const;

export interface ChildInput {
  readonly name: string;
  readonly docType: string;
  readonly docNumber: string;
  /** Needed unless the document is a 居民身份证, which carries it. */
  readonly birthDate?: CivilDate | undefined;
}

export type DeclaredPrimaryFacts = Omit<PrimaryFacts, 'holdsNonLocalApprovalLetter' | 'birthDate'>;

export interface NewApplication {
  readonly year: number;
  readonly stage: Stage;
  readonly child: ChildInput;
  readonly primary?: DeclaredPrimaryFacts | undefined;
  readonly middle?: MiddleFacts | undefined;
  readonly careCategory?: CareCategory | null | undefined;
  /** The child's 学区 (school zone) code. */
  readonly zone: string;
  /** Middle school: the primary school the child graduates from (对口直升 pairing). */
  readonly graduatingSchoolCode?: string | null | undefined;
}

export interface ApplicationRow {
  readonly id: number;
  readonly ref: string;
  readonly year: number;
  readonly stage: Stage;
  readonly guardianPersonId: number;
  readonly childName: string;
  readonly childDocType: string;
  readonly childDocNumber: string;
  readonly childBirthDate: string | null;
  readonly eligible: boolean;
  readonly eligibility: EligibilityReport;
  readonly hukou: Hukou | null;
  readonly careCategory: CareCategory | null;
  readonly careVerified: boolean;
  readonly zone: string;
  readonly graduatingSchoolCode: string | null;
  readonly createdAt: string;
}

export const unknownYear = (year: number) => refuse(reason('unknown_year', `尚未载入${year}年的入学政策文件`, `No enrollment documents are loaded for ${year}`));

type AppDbRow = { id: number; ref: string; year: number; stage: string; guardian_person_id: number; child_name: string; child_doc_type: string; child_doc_number: string; child_birth_date: string | null; eligible: number; eligibility: string; hukou: string | null; care_category: string | null; care_verified: number; zone: string; graduating_school_code: string | null; created_at: string };

function toRow(r: AppDbRow): ApplicationRow {
  return {
    id: Number(r.id),
    ref: r.ref,
    year: Number(r.year),
    stage: r.stage as Stage,
    guardianPersonId: Number(r.guardian_person_id),
    childName: r.child_name,
    childDocType: r.child_doc_type,
    childDocNumber: r.child_doc_number,
    childBirthDate: r.child_birth_date,
    eligible: Number(r.eligible) === 1,
    eligibility: JSON.parse(r.eligibility) as EligibilityReport,
    hukou: r.hukou as Hukou | null,
    careCategory: isCareCategory(r.care_category) ? r.care_category : null,
    careVerified: Number(r.care_verified) === 1,
    zone: r.zone,
    graduatingSchoolCode: r.graduating_school_code,
    createdAt: r.created_at,
  };
}

export async function findApplication(db: K | Tx<EnrollmentDb>, ref: string): Promise<ApplicationRow | undefined> {
  const r = await (db as K).selectFrom('enrollment_applications').selectAll().where('ref', '=', ref).executeTakeFirst();
  return r ? toRow(r) : undefined;
}

export async function applicationsOfGuardian(db: K | Tx<EnrollmentDb>, personId: number): Promise<ApplicationRow[]> {
  const rows = await (db as K).selectFrom('enrollment_applications').selectAll().where('guardian_person_id', '=', personId).orderBy('id', 'desc').execute();
  return rows.map(toRow);
}


/** Submit an application; refused with every failing condition when the child is not eligible. */
export async function submitApplication(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, input: NewApplication): Promise<Decision<ApplicationRow>> {
  const year = enrollmentYear(input.year);
  if (!year) return unknownYear(input.year);
  if (actor.kind !== 'person' || actor.id === null) return refuse(reason('forbidden', '请以监护人身份实名登录后申请', 'Sign in as the guardian to apply'));
  const today = civilDateOf(clock.now());
  if (input.stage === 'primary') {
    // 附件1: 小学入学信息采集 5月6–31日.
    const w = requireWindow(year, 'primary.info_collection', today);
    if (!w.allowed) return w;
  }
  const doc = validateDocument(input.child.docType, input.child.docNumber, today);
  if (!doc.allowed) return doc;
  if (!(childDocumentTypes as readonly string[]).includes(doc.value.type)) return refuse(reason('invalid_document_type', '儿童证件应为居民身份证、港澳居民来往内地通行证或护照', "The child's document must be a resident ID, a Mainland travel permit or a passport"));
  const birthDate = (doc.value.birthDate as CivilDate | undefined) ?? input.child.birthDate;
  if (doc.value.birthDate && input.child.birthDate && doc.value.birthDate !== input.child.birthDate) {
    return refuse(reason('birth_date_mismatch', '出生日期与身份证号码不一致', 'The birth date does not match the ID number', cite('西教发〔2019〕11号', '三(三)1')));
  }
  if (input.careCategory !== undefined && input.careCategory !== null && !isCareCategory(input.careCategory)) return refuse(reason('invalid_request', '照顾类别无效', 'Unknown care category'));

  return inTransaction(db, async (trx) => {
    const k = trx as K;
    let report: EligibilityReport;
    let facts: unknown;
    let hukou: Hukou | null = null;
    if (input.stage === 'primary') {
      if (!input.primary || !birthDate) return refuse(reason('missing_required_data', '请填写小学入学条件信息和儿童出生日期', 'Fill in the primary-school facts and the birth date', cite('西教发〔2019〕10号', '三(一)1')));
      const letter = await holdsApprovalLetter(k, input.year, doc.value.type, doc.value.number);
      const primaryFacts: PrimaryFacts = { ...input.primary, birthDate, holdsNonLocalApprovalLetter: letter };
      report = checkPrimaryEligibility(primaryFacts, year);
      facts = primaryFacts;
      hukou = input.primary.hukou;
    } else {
      if (!input.middle) return refuse(reason('missing_required_data', '请填写初中入学条件信息', 'Fill in the middle-school facts', cite('西教发〔2019〕10号', '三(二)1')));
      report = checkMiddleEligibility(input.middle, year);
      facts = input.middle;
    }
    const decided = eligibilityDecision(report);
    if (!decided.allowed) return decided;
    const existing = await k.selectFrom('enrollment_applications').select('id').where('year', '=', input.year).where('stage', '=', input.stage).where('child_doc_type', '=', doc.value.type).where('child_doc_number', '=', doc.value.number).executeTakeFirst();
    if (existing) return refuse(reason('application_exists', '该儿童本年度已提交过入学申请', 'This child already has an application this year'));
    const ref = newReference(input.stage === 'primary' ? 'P' : 'M', input.year);
    const row = await k
      .insertInto('enrollment_applications')
      .values({
        ref,
        year: input.year,
        stage: input.stage,
        guardian_person_id: actor.id as number,
        child_name: input.child.name,
        child_doc_type: doc.value.type,
        child_doc_number: doc.value.number,
        child_birth_date: birthDate ?? null,
        facts: JSON.stringify(facts),
        eligible: 1,
        eligibility: JSON.stringify(report),
        hukou,
        care_category: input.careCategory ?? null,
        care_verified: 0,
        zone: input.zone,
        graduating_school_code: input.graduatingSchoolCode ?? null,
        created_at: clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, clock, actor, { action: 'enrollment.application.submit', entityType: 'enrollment_application', entityId: Number(row.id), detail: { ref, stage: input.stage, satisfiedBy: report.satisfiedBy } });
    const created = await findApplication(k, ref);
    if (!created) throw new Error('application vanished after insert');
    return allow(created);
  }).catch((error: unknown) => {
    // Two submissions racing for one child: the unique constraint lets one through.
    if (isUniqueViolation(error)) return refuse(reason('application_exists', '该儿童本年度已提交过入学申请', 'This child already has an application this year'));
    throw error;
  });
}

export interface ChoicesInput {
  readonly route: string;
  readonly programIds: readonly number[];
  /** Needed for 片区内登记入学 (三(一)2③). */
  readonly registration?: RegistrationFacts | undefined;
}

export interface StoredChoice {
  readonly route: string;
  readonly rank: number;
  readonly program: Program;
  readonly priorityClass: number;
}

export async function choicesOf(db: K | Tx<EnrollmentDb>, applicationId: number): Promise<StoredChoice[]> {
  const rows = await (db as K).selectFrom('enrollment_choices').selectAll().where('application_id', '=', applicationId).orderBy('route').orderBy('rank').execute();
  const out: StoredChoice[] = [];
  for (const r of rows) {
    const program = await findProgram(db, Number(r.program_id));
    if (program) out.push({ route: r.route, rank: Number(r.rank), program, priorityClass: Number(r.priority_class) });
  }
  return out;
}

/** File (or replace) a child's list for one route, with every rule of the route checked. */
export async function setChoices(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, ref: string, input: ChoicesInput): Promise<Decision<StoredChoice[]>> {
  const route = routeDefinition(input.route);
  if (!route) return refuse(reason('invalid_request', '入学方式无效', 'Unknown admission route'));
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const app = await findApplication(k, ref);
    if (!app || app.guardianPersonId !== actor.id || actor.kind !== 'person') return refuse(reason('application_not_found', '未找到该入学申请', 'No such application'));
    const year = enrollmentYear(app.year);
    if (!year) return unknownYear(app.year);
    if (route.stage !== app.stage) return refuse(reason('route_not_open_to_child', `“${route.label.zh}”不是本学段的入学方式`, `"${route.label.en}" is not a route of this stage`, route.citation));
    if (route.mechanism === 'plan') {
      return refuse(reason('route_admits_by_plan', `“${route.label.zh}”由招生学校按计划录取，请在规定时间内到学校申请`, `"${route.label.en}": the school admits by its plan; apply at the school`, route.citation));
    }
    const access = routeAccess(route, { hukou: app.hukou ?? undefined, careCategory: app.careVerified ? app.careCategory : null });
    if (!access.allowed) return access;
    if (route.applyStep) {
      const w = requireWindow(year, route.applyStep, civilDateOf(clock.now()));
      if (!w.allowed) return w;
    }
    const placed = await k.selectFrom('enrollment_placements').select('route').where('application_id', '=', app.id).executeTakeFirst();
    if (placed) return refuse(reason('already_placed', '该儿童已被录取，不再参加其他入学方式', 'This child already has a place and leaves the later routes', route.citation));
    const draw = await k.selectFrom('enrollment_draws').select(['id', 'status']).where('year', '=', app.year).where('route', '=', route.key).executeTakeFirst();
    if (draw) return refuse(reason('roster_frozen', `“${route.label.zh}”的派位名单已经公布并锁定，不能再填报或修改`, `The roster of "${route.label.en}" is published and frozen`, route.citation));
    if (input.programIds.length === 0 || input.programIds.length > route.maxChoices) {
      return refuse(reason('too_many_choices', route.maxChoices === 1 ? `“${route.label.zh}”只能选择一所学校` : `“${route.label.zh}”可填报1至${route.maxChoices}所学校`, route.maxChoices === 1 ? `"${route.label.en}" takes exactly one school` : `"${route.label.en}" takes 1 to ${route.maxChoices} schools`, route.citation));
    }
    if (new Set(input.programIds).size !== input.programIds.length) return refuse(reason('duplicate_choice', '同一学校不能重复填报', 'A school may be listed once', route.citation));
    let priorityClass = 0;
    if (route.usesPriorityClasses) {
      if (!input.registration) return refuse(reason('missing_required_data', '登记入学须填写户籍、房产和居住年限情况', 'Registration needs the hukou, property and years of residence', route.citation));
      priorityClass = registrationPriorityClass(input.registration);
    }
    const programs: Program[] = [];
    for (const id of input.programIds) {
      const p = await findProgram(k, id);
      if (!p || p.year !== app.year || p.route !== route.key) return refuse(reason('invalid_choice', '所选学校没有该入学方式的招生计划', 'The school has no plan in this route', cite('西教发〔2019〕10号', '四(二)')));
      if (route.zoneLimited && p.zone !== app.zone) return refuse(reason('outside_zone', `“${route.label.zh}”只能填报本学区的学校`, `"${route.label.en}" is limited to schools in the child's own zone`, route.citation));
      if (route.reservedBlocks && p.block !== app.graduatingSchoolCode) return refuse(reason('not_paired', '只能申请毕业小学对口的直升名额', "Only the block reserved for the child's own primary school may be listed", route.citation));
      programs.push(p);
    }
    await k.deleteFrom('enrollment_choices').where('application_id', '=', app.id).where('route', '=', route.key).execute();
    const now = clock.now().toISOString();
    for (const [i, p] of programs.entries()) {
      await k.insertInto('enrollment_choices').values({ application_id: app.id, route: route.key, rank: i + 1, program_id: p.id, priority_class: priorityClass, created_at: now }).execute();
    }
    await appendAudit(trx, clock, actor, { action: 'enrollment.choices.set', entityType: 'enrollment_application', entityId: app.id, detail: { route: route.key, programs: programs.map((p) => p.id) } });
    return allow(programs.map((p, i) => ({ route: route.key, rank: i + 1, program: p, priorityClass })));
  });
}

/** Staff confirm a declared care category after seeing the 身份证明 (10号 五(一)). */
export async function verifyCareCategory(db: Db<EnrollmentDb>, clock: Clock, actor: Actor, ref: string, verified: boolean): Promise<Decision<ApplicationRow>> {
  return inTransaction(db, async (trx) => {
    const k = trx as K;
    const app = await findApplication(k, ref);
    if (!app) return refuse(reason('application_not_found', '未找到该入学申请', 'No such application'));
    if (!app.careCategory) return refuse(reason('no_care_category', '该申请未申报照顾类别', 'No care category was declared', cite('西教发〔2019〕10号', '五(一)')));
    await k.updateTable('enrollment_applications').set({ care_verified: verified ? 1 : 0 }).where('id', '=', app.id).execute();
    await appendAudit(trx, clock, actor, { action: 'enrollment.care.verify', entityType: 'enrollment_application', entityId: app.id, detail: { verified, category: app.careCategory } });
    return allow({ ...app, careVerified: verified });
  });
}
