import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import { civilDateOf, isCivilDate } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { authorisationCitation, outsourcingCitation } from './citations.ts';
import { k } from './person-index.ts';

/**
 * 西卫〔2019〕4号 第十一条: a unit that entrusts storage or operation to another signs an agreement,
 * and the contractor must not go beyond it. Operator accounts without an agreement are the
 * 委信息中心's own staff; an outsourced account may do only the operations its agreement lists.
 */
export const operatorScopes = ['mpi', 'grants', 'institutions', 'statistics', 'backup'] as const;
export type OperatorScope = (typeof operatorScopes)[number];

export const operatorScopeLabels: Record<OperatorScope, { zh: string; en: string }> = {
  mpi: { zh: '主索引复核与合并', en: 'Person index review and merge' },
  grants: { zh: '授权办理', en: 'Grant processing' },
  institutions: { zh: '机构接入与移交', en: 'Institution integration and handover' },
  statistics: { zh: '统计', en: 'Statistics' },
  backup: { zh: '备份与恢复演练', en: 'Backup and restore drills' },
};

/** 第十四条: the two 区卫生计生委 departments that approve a data application. */
export const duties = ['business_department', 'information_department'] as const;
export type Duty = (typeof duties)[number];

export interface StaffRef {
  readonly staffId: number;
  readonly actor: Actor;
}

type K = ReturnType<typeof k>;

export async function operatorAgreement(db: K, staffId: number) {
  return db.selectFrom('hr_operator_agreements').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
}

/** Pure: may an operator with this agreement (or none: in-house) do this today? */
export function operatorMay(agreement: { scopes: string; valid_from: string; valid_until: string } | undefined, scope: OperatorScope, today: string): Decision {
  if (!agreement) return allow();
  const scopes = JSON.parse(agreement.scopes) as string[];
  if (today < agreement.valid_from || today > agreement.valid_until) {
    return refuse(reason('agreement_not_in_force', '委托协议不在有效期内', 'The outsourcing agreement is not in force', outsourcingCitation));
  }
  if (!scopes.includes(scope)) {
    return refuse(reason('beyond_agreement', '超出委托协议范围，禁止超权限采集、开发和利用全民健康信息', 'This is outside your outsourcing agreement; use beyond it is forbidden', outsourcingCitation));
  }
  return allow();
}

/** Check an operator's scope; a refusal is audited in its own transaction (第十八条 可追溯). */
export async function requireOperatorScope(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, scope: OperatorScope): Promise<Decision> {
  const agreement = await operatorAgreement(db.kysely, who.staffId);
  const d = operatorMay(agreement, scope, civilDateOf(clock.now()));
  if (!d.allowed) {
    await inTransaction(db, (trx) =>
      appendAudit(k(trx), clock, who.actor, { action: 'operator.refused', entityType: 'staff', entityId: who.staffId, purpose: scope, grantRef: agreement ? `agreement:${agreement.agreement_ref}` : undefined, detail: { scope, reason: d.reasons[0]?.code } }),
    );
  }
  return d;
}

export interface AgreementInput {
  staffId: number;
  contractor: string;
  agreementRef: string;
  scopes: OperatorScope[];
  validFrom: string;
  validUntil: string;
}

/** Record an outsourcing agreement for an operator account; only in-house operators may. */
export async function recordAgreement(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, input: AgreementInput): Promise<Decision> {
  if (!isCivilDate(input.validFrom) || !isCivilDate(input.validUntil) || input.validUntil < input.validFrom) {
    return refuse(reason('invalid_period', '协议期限不正确', 'The agreement period is invalid', outsourcingCitation));
  }
  if (await operatorAgreement(db.kysely, who.staffId)) {
    return refuse(reason('beyond_agreement', '外包运维账号不能登记委托协议', 'An outsourced operator cannot record agreements', outsourcingCitation));
  }
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const target = await kdb.selectFrom('staff').select(['role']).where('id', '=', input.staffId).executeTakeFirst();
    if (target?.role !== 'platform_operator') return refuse(reason('not_an_operator', '只能为运维账号登记委托协议', 'Agreements are recorded for operator accounts', outsourcingCitation));
    const row = { contractor: input.contractor, agreement_ref: input.agreementRef, scopes: JSON.stringify(input.scopes), valid_from: input.validFrom, valid_until: input.validUntil, recorded_at: clock.now().toISOString() };
    await kdb.insertInto('hr_operator_agreements').values({ staff_id: input.staffId, ...row }).onConflict((oc) => oc.column('staff_id').doUpdateSet(row)).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'operator.agreement', entityType: 'staff', entityId: input.staffId, detail: { ...input } });
    return allow();
  });
}

export async function dutiesOf(db: K, staffId: number): Promise<Duty[]> {
  const rows = await db.selectFrom('hr_staff_duties').select('duty').where('staff_id', '=', staffId).execute();
  return rows.map((r) => r.duty as Duty);
}

/** Name a department reviewer as approving for the business or the information department (第十四条). */
export async function assignDuty(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, staffId: number, duty: Duty): Promise<Decision> {
  if (await operatorAgreement(db.kysely, who.staffId)) {
    return refuse(reason('beyond_agreement', '外包运维账号不能分配审批职责', 'An outsourced operator cannot assign approval duties', outsourcingCitation));
  }
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const target = await kdb.selectFrom('staff').select(['role']).where('id', '=', staffId).executeTakeFirst();
    if (target?.role !== 'department_reviewer') return refuse(reason('not_a_reviewer', '审批职责只能分配给部门审核人员', 'Approval duties go to department reviewers', authorisationCitation));
    await kdb.insertInto('hr_staff_duties').values({ staff_id: staffId, duty, assigned_at: clock.now().toISOString(), assigned_by: who.staffId }).onConflict((oc) => oc.columns(['staff_id', 'duty']).doNothing()).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'reviewer.duty', entityType: 'staff', entityId: staffId, detail: { duty } });
    return allow();
  });
}
