import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { authorisationCitation, residentCopyCitation } from './citations.ts';
import type { PersonalDataItem } from './data-items.ts';
import { authorise } from './grant-rules.ts';
import { grantsOf } from './grants.ts';
import { k, personGroup } from './person-index.ts';
import { readRecord, type RecordView } from './record.ts';

/**
 * Every read of a person's record goes through here: checked against a grant (第十四条), or the
 * resident's own (第十五条), and written to the audit trail in the same transaction as the read
 * (第十八条). Refusals are audited too, so misuse attempts are traceable.
 */
export interface StaffReader {
  readonly actor: Actor;
  readonly organisationId: number | null;
}

export interface ReadRequest {
  readonly personId: number;
  readonly items: readonly PersonalDataItem[];
  readonly purpose: string;
  /** What the read is for in the audit trail: a view, a copy, a lookup. */
  readonly action?: 'health_record.read' | 'health_record.lookup';
}

export async function readRecordAsStaff(db: Db<HealthRecordsTables>, clock: Clock, who: StaffReader, r: ReadRequest): Promise<Decision<RecordView>> {
  const today = civilDateOf(clock.now());
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const grants = who.organisationId === null ? [] : await grantsOf(kdb, who.organisationId);
    const d = who.organisationId === null
      ? refuse(reason('no_grant', '您的账号不属于被授权单位', 'Your account belongs to no authorised unit', authorisationCitation))
      : authorise(grants, { organisationId: who.organisationId, dataItems: r.items, purpose: r.purpose }, today);
    const { canonical } = await personGroup(kdb, r.personId);
    if (!d.allowed) {
      await appendAudit(kdb, clock, who.actor, { action: 'health_record.read_refused', entityType: 'health_record', entityId: canonical, purpose: r.purpose, detail: { items: r.items, reason: d.reasons[0]?.code, citation: '西卫〔2019〕4号 第十四条' } });
      return d;
    }
    const record = await readRecord(kdb, canonical, r.items);
    if (!record) return refuse(reason('no_record', '档案中心没有该人员的健康档案', 'The centre holds no record for this person'));
    await appendAudit(kdb, clock, who.actor, { action: r.action ?? 'health_record.read', entityType: 'health_record', entityId: canonical, purpose: r.purpose, grantRef: d.value.grantRef, detail: { items: r.items, documents: record.documents.length } });
    return allow(record);
  });
}

/** 第十五条: a resident reads and copies their own record; there is no parameter naming whose. */
export async function readOwnRecord(db: Db<HealthRecordsTables>, clock: Clock, actor: Actor, ownPersonId: number, action: 'health_record.read' | 'health_record.copy', format?: string): Promise<Decision<RecordView>> {
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const record = await readRecord(kdb, ownPersonId);
    if (!record) return refuse(reason('no_record', '档案中心还没有您的健康档案（医疗机构上传后即可查询）', 'The centre holds no record for you yet (it appears once an institution uploads)', residentCopyCitation));
    await appendAudit(kdb, clock, actor, { action, entityType: 'health_record', entityId: record.personId, purpose: 'self_access', grantRef: 'self', detail: { documents: record.documents.length, ...(format ? { format } : {}) } });
    return allow(record);
  });
}
