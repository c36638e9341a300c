import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import { isCivilDate } from '../../platform/time/civil.ts';
import { authorisationCitation } from './citations.ts';
import { isPersonalDataItem, isPurpose, type PersonalDataItem, type Purpose } from './data-items.ts';

/**
 * 西卫〔2019〕4号 第十四条 as pure rules: 严格授权机制; integrated institutions are directly
 * authorised; other units apply in writing (需求、用途), the business and the information department
 * approve, the 信息中心 activates; nobody may use data beyond the grant.
 */
export type GrantStatus = 'submitted' | 'approved' | 'active' | 'rejected' | 'revoked';

export interface GrantFacts {
  readonly ref: string;
  readonly kind: 'direct' | 'application';
  readonly granteeOrganisationId: number;
  readonly dataItems: readonly string[];
  readonly purposes: readonly string[];
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly status: GrantStatus;
}

export interface DataRequest {
  readonly organisationId: number;
  readonly dataItems: readonly PersonalDataItem[];
  readonly purpose: string;
}

const c = authorisationCitation;

/** Whether a grant covers a request today. Each failure names what was exceeded. */
export function grantCovers(g: GrantFacts, r: DataRequest, today: string): Decision<{ grantRef: string }> {
  if (g.granteeOrganisationId !== r.organisationId) return refuse(reason('no_grant', '本单位没有利用该信息的授权', 'Your unit has no grant for this data', c));
  if (g.status === 'revoked') return refuse(reason('grant_revoked', `授权 ${g.ref} 已撤销`, `Grant ${g.ref} has been revoked`, c));
  if (g.status !== 'active') return refuse(reason('grant_not_active', `授权 ${g.ref} 尚未生效`, `Grant ${g.ref} is not active`, c));
  if (today < g.validFrom) return refuse(reason('grant_not_yet_valid', `授权 ${g.ref} 自 ${g.validFrom} 起生效`, `Grant ${g.ref} starts on ${g.validFrom}`, c));
  if (g.validUntil !== null && today > g.validUntil) return refuse(reason('grant_expired', `授权 ${g.ref} 已于 ${g.validUntil} 到期`, `Grant ${g.ref} expired on ${g.validUntil}`, c));
  const outside = r.dataItems.filter((i) => !g.dataItems.includes(i));
  if (outside.length) return refuse(reason('beyond_grant_items', `超出授权范围：授权 ${g.ref} 不含 ${outside.join('、')}`, `Beyond the grant: ${g.ref} does not cover ${outside.join(', ')}`, c));
  if (!g.purposes.includes(r.purpose)) return refuse(reason('beyond_grant_purpose', `超出授权用途：授权 ${g.ref} 不含用途 ${r.purpose}`, `Beyond the grant: ${g.ref} does not cover the purpose ${r.purpose}`, c));
  return allow({ grantRef: g.ref });
}

const specificity = ['beyond_grant_purpose', 'beyond_grant_items', 'grant_expired', 'grant_not_yet_valid', 'grant_revoked', 'grant_not_active', 'no_grant'];

/** Try every grant of the unit; refuse with the most telling reason when none covers the request. */
export function authorise(grants: readonly GrantFacts[], r: DataRequest, today: string): Decision<{ grantRef: string }> {
  if (!isPurpose(r.purpose)) return refuse(reason('purpose_required', '请说明用途（授权用途之一）', 'State the purpose (one of the grant purposes)', c));
  const refusals: Decision<never>[] = [];
  for (const g of grants) {
    const d = grantCovers(g, r, today);
    if (d.allowed) return d;
    refusals.push(d as Decision<never>);
  }
  const codes = refusals.flatMap((d) => (d.allowed ? [] : d.reasons));
  codes.sort((a, b) => specificity.indexOf(a.code) - specificity.indexOf(b.code));
  return refuse(codes[0] ?? reason('no_grant', '本单位没有利用该信息的授权', 'Your unit has no grant for this data', c));
}

export interface ApplicationInput {
  readonly dataItems: readonly string[];
  readonly purposes: readonly string[];
  readonly purposeText: string;
  readonly legalBasis: string;
  readonly applicationText: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface ApplicationProblem {
  readonly field: keyof ApplicationInput;
  readonly code: string;
  readonly message: { zh: string; en: string };
}

/** A written application names its data items, purpose, period and legal basis (第十四条 明确数据具体需求、用途). */
export function checkApplication(a: ApplicationInput, today: string): ApplicationProblem[] {
  const p: ApplicationProblem[] = [];
  const add = (field: keyof ApplicationInput, code: string, zh: string, en: string) => p.push({ field, code, message: { zh, en } });
  if (a.dataItems.length === 0 || !a.dataItems.every(isPersonalDataItem)) add('dataItems', 'data_items_required', '请选择申请的数据项', 'Choose the data items applied for');
  if (a.purposes.length === 0 || !a.purposes.every(isPurpose)) add('purposes', 'purposes_required', '请选择用途', 'Choose the purposes');
  if (a.purposeText.trim().length < 10) add('purposeText', 'purpose_text_required', '请具体说明用途（至少10个字）', 'Describe the use (at least 10 characters)');
  if (a.legalBasis.trim().length < 4) add('legalBasis', 'legal_basis_required', '请填写法律依据或上级指令性任务', 'Give the legal basis or the directive from a higher authority');
  if (a.applicationText.trim().length < 10) add('applicationText', 'application_text_required', '请填写书面申请的正文或文号', 'Give the text or reference of the written application');
  if (!isCivilDate(a.validFrom) || a.validFrom < today) add('validFrom', 'bad_period', '开始日期应为今天或之后', 'The start must be today or later');
  if (!isCivilDate(a.validUntil) || (isCivilDate(a.validFrom) && a.validUntil < a.validFrom)) add('validUntil', 'bad_period', '结束日期应不早于开始日期', 'The end must not be before the start');
  return p;
}

export type ApprovalStep = 'business_department' | 'information_department';

/** Both departments, two different people; then the 信息中心 activates (第十四条). */
export function mayApprove(
  g: { status: GrantStatus; kind: string; business_approved_by: number | null; information_approved_by: number | null },
  step: ApprovalStep,
  reviewerId: number,
  reviewerDuties: readonly string[],
): Decision {
  if (g.kind !== 'application' || g.status !== 'submitted') return refuse(reason('grant_not_pending', '该申请不在待审批状态', 'This application is not awaiting approval', c));
  if (!reviewerDuties.includes(step)) return refuse(reason('not_that_department', step === 'business_department' ? '您不是主管业务部门的审批人' : '您不是信息部门的审批人', step === 'business_department' ? 'You do not approve for the business department' : 'You do not approve for the information department', c));
  const done = step === 'business_department' ? g.business_approved_by : g.information_approved_by;
  if (done !== null) return refuse(reason('already_approved', '该部门已同意', 'This department has already approved', c));
  const other = step === 'business_department' ? g.information_approved_by : g.business_approved_by;
  if (other === reviewerId) return refuse(reason('same_approver', '两个部门须由不同人员审批', 'The two departments must be approved by different people', c));
  return allow();
}
