import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision, type Reason } from '../../platform/law/decision.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables, HrGrantTable } from './schema.ts';
import { authorisationCitation } from './citations.ts';
import { directGrantItems, directGrantPurposes } from './data-items.ts';
import { checkApplication, mayApprove, type ApplicationInput, type ApplicationProblem, type ApprovalStep, type GrantFacts, type GrantStatus } from './grant-rules.ts';
import { k } from './person-index.ts';
import { dutiesOf, operatorAgreement, operatorMay, type StaffRef } from './operators.ts';

type K = ReturnType<typeof k>;

export function grantFacts(g: Pick<HrGrantTable, 'ref' | 'kind' | 'grantee_organisation_id' | 'data_items' | 'purposes' | 'valid_from' | 'valid_until' | 'status'>): GrantFacts {
  return {
    ref: g.ref,
    kind: g.kind === 'direct' ? 'direct' : 'application',
    granteeOrganisationId: Number(g.grantee_organisation_id),
    dataItems: JSON.parse(g.data_items) as string[],
    purposes: JSON.parse(g.purposes) as string[],
    validFrom: g.valid_from,
    validUntil: g.valid_until,
    status: g.status as GrantStatus,
  };
}

/** Every grant of a unit, read fresh on each request: a revocation takes effect at once. */
export async function grantsOf(db: K, organisationId: number): Promise<GrantFacts[]> {
  const rows = await db.selectFrom('hr_grants').selectAll().where('grantee_organisation_id', '=', organisationId).where('status', 'in', ['active', 'revoked']).orderBy('id').execute();
  return rows.map(grantFacts);
}

async function nextRef(db: K, prefix: string, year: string): Promise<string> {
  const n = await db.selectFrom('hr_grants').select((e) => e.fn.countAll().as('n')).where('ref', 'like', `${prefix}${year}-%`).executeTakeFirstOrThrow();
  return `${prefix}${year}-${String(Number(n.n) + 1).padStart(4, '0')}`;
}

const c = authorisationCitation;

/** 第十四条 默认为直接授权: integrating an institution gives it a standing direct grant. */
export async function integrateInstitution(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, organisationId: number): Promise<Decision<{ grantRef: string }>> {
  const scope = operatorMay(await operatorAgreement(db.kysely, who.staffId), 'institutions', civilDateOf(clock.now()));
  if (!scope.allowed) return scope;
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const org = await kdb.selectFrom('organisations').select(['id', 'kind']).where('id', '=', organisationId).executeTakeFirst();
    if (!org) return refuse(reason('not_found', '未找到该机构', 'No such institution'));
    const inst = await kdb.selectFrom('hr_institutions').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();
    if (inst?.status === 'closed') return refuse(reason('institution_closed', '该机构已变更并移交', 'This institution has closed and handed over', c));
    const now = clock.now().toISOString();
    if (!inst) await kdb.insertInto('hr_institutions').values({ organisation_id: organisationId, integrated: 1, status: 'active', successor_id: null, integrated_at: now, closed_at: null }).execute();
    else await kdb.updateTable('hr_institutions').set({ integrated: 1, integrated_at: inst.integrated_at ?? now }).where('organisation_id', '=', organisationId).execute();
    const existing = await kdb.selectFrom('hr_grants').select('ref').where('grantee_organisation_id', '=', organisationId).where('kind', '=', 'direct').where('status', '=', 'active').executeTakeFirst();
    if (existing) return allow({ grantRef: existing.ref });
    const today = civilDateOf(clock.now());
    const ref = await nextRef(kdb, 'D', today.slice(0, 4));
    await kdb.insertInto('hr_grants').values({
      ref, kind: 'direct', grantee_organisation_id: organisationId, data_items: JSON.stringify(directGrantItems), purposes: JSON.stringify(directGrantPurposes),
      purpose_text: '与西城区居民健康档案中心对接开展诊疗、转诊、家庭医生和公共卫生服务（默认为直接授权）', legal_basis: '西卫〔2019〕4号 第十四条第二款', application_text: '接入平台',
      valid_from: today, valid_until: null, status: 'active', submitted_by: who.staffId, submitted_at: now, business_approved_by: null, business_approved_at: null,
      information_approved_by: null, information_approved_at: null, activated_by: who.staffId, activated_at: now, closed_by: null, closed_at: null, close_reason: null, transferred_from_organisation_id: null,
    }).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'grant.direct', entityType: 'hr_grant', entityId: ref, grantRef: ref, detail: { organisationId } });
    return allow({ grantRef: ref });
  });
}

export type ApplicationOutcome = Decision<{ grantRef: string; id: number }> | { allowed: false; reasons: readonly Reason[]; problems: ApplicationProblem[] };

/** A unit's written application (第十四条 书面数据对接申请). */
export async function submitApplication(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, granteeOrganisationId: number, a: ApplicationInput): Promise<ApplicationOutcome> {
  const problems = checkApplication(a, civilDateOf(clock.now()));
  if (problems.length) return { allowed: false, reasons: [reason('application_incomplete', '书面申请须写明数据项、用途、期限和依据', 'A written application names the data items, purpose, period and legal basis', c)], problems };
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const now = clock.now().toISOString();
    const ref = await nextRef(kdb, 'A', civilDateOf(clock.now()).slice(0, 4));
    const row = await kdb.insertInto('hr_grants').values({
      ref, kind: 'application', grantee_organisation_id: granteeOrganisationId, data_items: JSON.stringify([...a.dataItems]), purposes: JSON.stringify([...a.purposes]),
      purpose_text: a.purposeText.trim(), legal_basis: a.legalBasis.trim(), application_text: a.applicationText.trim(), valid_from: a.validFrom, valid_until: a.validUntil,
      status: 'submitted', submitted_by: who.staffId, submitted_at: now, business_approved_by: null, business_approved_at: null, information_approved_by: null, information_approved_at: null,
      activated_by: null, activated_at: null, closed_by: null, closed_at: null, close_reason: null, transferred_from_organisation_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(kdb, clock, who.actor, { action: 'grant.apply', entityType: 'hr_grant', entityId: ref, grantRef: ref, purpose: a.purposes.join(','), detail: { granteeOrganisationId, dataItems: a.dataItems, validFrom: a.validFrom, validUntil: a.validUntil } });
    return allow({ grantRef: ref, id: Number(row.id) });
  });
}

export async function approveGrant(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, grantId: number, step: ApprovalStep): Promise<Decision<{ status: GrantStatus }>> {
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const g = await kdb.selectFrom('hr_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!g) return refuse(reason('not_found', '未找到该申请', 'No such application'));
    const d = mayApprove({ status: g.status as GrantStatus, kind: g.kind, business_approved_by: g.business_approved_by === null ? null : Number(g.business_approved_by), information_approved_by: g.information_approved_by === null ? null : Number(g.information_approved_by) }, step, who.staffId, await dutiesOf(kdb, who.staffId));
    if (!d.allowed) return d;
    const now = clock.now().toISOString();
    const both = step === 'business_department' ? g.information_approved_by !== null : g.business_approved_by !== null;
    const status: GrantStatus = both ? 'approved' : 'submitted';
    await kdb.updateTable('hr_grants').set(step === 'business_department' ? { business_approved_by: who.staffId, business_approved_at: now, status } : { information_approved_by: who.staffId, information_approved_at: now, status }).where('id', '=', grantId).where('status', '=', 'submitted').execute();
    await appendAudit(kdb, clock, who.actor, { action: `grant.approve.${step}`, entityType: 'hr_grant', entityId: g.ref, grantRef: g.ref });
    return allow({ status });
  });
}

export async function rejectGrant(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, grantId: number, why: string): Promise<Decision> {
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const g = await kdb.selectFrom('hr_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!g || g.kind !== 'application' || !['submitted', 'approved'].includes(g.status)) return refuse(reason('grant_not_pending', '该申请不在待审批状态', 'This application is not awaiting approval', c));
    const duties = await dutiesOf(kdb, who.staffId);
    if (duties.length === 0) return refuse(reason('not_that_department', '您不是审批部门人员', 'You do not approve for a department', c));
    await kdb.updateTable('hr_grants').set({ status: 'rejected', closed_by: who.staffId, closed_at: clock.now().toISOString(), close_reason: why.trim() || '—' }).where('id', '=', grantId).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'grant.reject', entityType: 'hr_grant', entityId: g.ref, grantRef: g.ref, detail: { reason: why } });
    return allow();
  });
}

/** The 委信息中心 activates an application both departments approved (第十四条 由委信息中心负责具体办理). */
export async function activateGrant(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, grantId: number): Promise<Decision> {
  const scope = operatorMay(await operatorAgreement(db.kysely, who.staffId), 'grants', civilDateOf(clock.now()));
  if (!scope.allowed) return scope;
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const g = await kdb.selectFrom('hr_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!g) return refuse(reason('not_found', '未找到该申请', 'No such application'));
    if (g.status !== 'approved' || g.business_approved_by === null || g.information_approved_by === null) {
      return refuse(reason('grant_not_approved', '须经主管业务部门和信息部门同意后才能办理', 'Both the business and the information department must approve first', c));
    }
    await kdb.updateTable('hr_grants').set({ status: 'active', activated_by: who.staffId, activated_at: clock.now().toISOString() }).where('id', '=', grantId).where('status', '=', 'approved').execute();
    await appendAudit(kdb, clock, who.actor, { action: 'grant.activate', entityType: 'hr_grant', entityId: g.ref, grantRef: g.ref });
    return allow();
  });
}

/** Revocation is effective at once: every request reads the grant's current status. */
export async function revokeGrant(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, grantId: number, why: string): Promise<Decision> {
  if (why.trim().length < 2) return refuse(reason('revoke_reason_required', '请填写撤销原因', 'Give the reason for revoking', c));
  const scope = operatorMay(await operatorAgreement(db.kysely, who.staffId), 'grants', civilDateOf(clock.now()));
  if (!scope.allowed) return scope;
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const g = await kdb.selectFrom('hr_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!g || !['active', 'approved', 'submitted'].includes(g.status)) return refuse(reason('grant_not_active', '该授权不是有效状态', 'This grant is not in force', c));
    await kdb.updateTable('hr_grants').set({ status: 'revoked', closed_by: who.staffId, closed_at: clock.now().toISOString(), close_reason: why.trim() }).where('id', '=', grantId).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'grant.revoke', entityType: 'hr_grant', entityId: g.ref, grantRef: g.ref, detail: { reason: why.trim() } });
    return allow();
  });
}

export interface GrantRow {
  id: number;
  ref: string;
  kind: string;
  granteeOrganisationId: number;
  granteeName: string;
  dataItems: string[];
  purposes: string[];
  purposeText: string;
  legalBasis: string;
  applicationText: string;
  validFrom: string;
  validUntil: string | null;
  status: string;
  /** 'expired' when active but past its end date. */
  effectiveStatus: string;
  businessApproved: boolean;
  informationApproved: boolean;
  submittedAt: string;
}

export async function listGrants(db: K, today: string, filter: { status?: string; organisationId?: number } = {}): Promise<GrantRow[]> {
  let q = db.selectFrom('hr_grants as g').innerJoin('organisations as o', 'o.id', 'g.grantee_organisation_id').selectAll('g').select('o.name as org_name');
  if (filter.status) q = q.where('g.status', '=', filter.status);
  if (filter.organisationId) q = q.where('g.grantee_organisation_id', '=', filter.organisationId);
  const rows = await q.orderBy('g.id', 'desc').limit(500).execute();
  return rows.map((g) => ({
    id: Number(g.id), ref: g.ref, kind: g.kind, granteeOrganisationId: Number(g.grantee_organisation_id), granteeName: g.org_name,
    dataItems: JSON.parse(g.data_items) as string[], purposes: JSON.parse(g.purposes) as string[], purposeText: g.purpose_text, legalBasis: g.legal_basis, applicationText: g.application_text,
    validFrom: g.valid_from, validUntil: g.valid_until, status: g.status,
    effectiveStatus: g.status === 'active' && g.valid_until !== null && g.valid_until < today ? 'expired' : g.status,
    businessApproved: g.business_approved_by !== null, informationApproved: g.information_approved_by !== null, submittedAt: g.submitted_at,
  }));
}
