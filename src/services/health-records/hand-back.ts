import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit/trail.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import type { ReferralHandBack } from '../../platform/contracts/health-records.ts';
import { handBackCitation } from './citations.ts';
import { canonicalJson } from './upload.ts';
import { k, personGroup } from './person-index.ts';

/** A hand-back as the referral platform sends it (西卫〔2019〕5号 第二十八条). */
export type IncomingHandBack = ReferralHandBack;

export class HandBackNotAccepted extends Error {
  constructor(readonly code: 'no_health_record' | 'unknown_organisation', message: string) {
    super(`${message}（依据 ${handBackCitation.doc} ${handBackCitation.article}）`);
  }
}

const platformActor: Actor = { kind: 'system', id: null, name: 'referral-platform', role: 'system' };

/**
 * 第二十八条: "病例相关诊疗信息、后续治疗和康复方案 … 转到相应的社区卫生服务机构" — the hand-back becomes a
 * document of the patient's record, supplied by the hospital, so the community centre and the resident
 * see it with the rest of the record. One document per reference (the unique source key), so the
 * platform's at-least-once delivery never stores it twice.
 */
export async function receiveHandBack(db: Db<HealthRecordsTables>, clock: Clock, personId: number, hb: IncomingHandBack): Promise<{ documentId: number; status: 'created' | 'unchanged' }> {
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const existing = await kdb.selectFrom('hr_documents').select('id').where('source_organisation_id', '=', hb.fromOrganisationId).where('kind', '=', 'referral_hand_back').where('source_document_id', '=', hb.reference).executeTakeFirst();
    if (existing) return { documentId: Number(existing.id), status: 'unchanged' as const };
    const { canonical, members } = await personGroup(kdb, personId);
    // Only a person with a record can have been referred (第二十二条); anything else is a platform error to surface.
    const hasRecord = await kdb.selectFrom('hr_person_basics').select('person_id').where('person_id', 'in', members).executeTakeFirst();
    if (!hasRecord) throw new HandBackNotAccepted('no_health_record', '该居民没有个人健康档案，转回信息无法归档');
    const orgs = await kdb.selectFrom('organisations').select(['id', 'name']).where('id', 'in', [hb.fromOrganisationId, hb.toOrganisationId]).execute();
    const nameOf = (id: number) => orgs.find((o) => Number(o.id) === id)?.name;
    const fromName = nameOf(hb.fromOrganisationId);
    const toName = nameOf(hb.toOrganisationId);
    if (!fromName || !toName) throw new HandBackNotAccepted('unknown_organisation', '转出或接收机构不存在');
    const now = clock.now().toISOString();
    const payload = JSON.stringify({ diagnosis: hb.diagnosis, treatment: hb.treatment, plan: hb.plan, fromOrganisationName: fromName, toOrganisationId: hb.toOrganisationId, toOrganisationName: toName, handedBackAt: hb.at, reference: hb.reference });
    const hash = createHash('sha256').update(canonicalJson({ kind: 'referral_hand_back', data: JSON.parse(payload) as unknown })).digest('hex');
    const upload = await kdb
      .insertInto('hr_uploads')
      .values({ organisation_id: hb.fromOrganisationId, staff_id: hb.byStaffId, received_at: now, format: 'referral_platform', items: 1, created: 1, updated: 0, unchanged: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The platform knows the person, not a hospital-local patient id: link under the platform's own key.
    const localId = `platform-person:${canonical}`;
    await kdb
      .insertInto('hr_patient_links')
      .values({ organisation_id: hb.fromOrganisationId, local_patient_id: localId, person_id: canonical, custodian_organisation_id: hb.fromOrganisationId, created_at: now })
      .onConflict((oc) => oc.columns(['organisation_id', 'local_patient_id']).doNothing())
      .execute();
    const link = await kdb.selectFrom('hr_patient_links').select('id').where('organisation_id', '=', hb.fromOrganisationId).where('local_patient_id', '=', localId).executeTakeFirstOrThrow();
    const doc = await kdb
      .insertInto('hr_documents')
      .values({ person_id: canonical, kind: 'referral_hand_back', source_organisation_id: hb.fromOrganisationId, custodian_organisation_id: hb.fromOrganisationId, source_document_id: hb.reference, link_id: Number(link.id), version: 1, content_hash: hash, payload, occurred_on: civilDateOf(new Date(hb.at)), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const documentId = Number(doc.id);
    await kdb.insertInto('hr_document_versions').values({ document_id: documentId, version: 1, content_hash: hash, payload, upload_id: Number(upload.id), received_at: now }).execute();
    await appendAudit(kdb, clock, platformActor, {
      action: 'health_record.create',
      entityType: 'health_record',
      entityId: canonical,
      purpose: 'referral',
      grantRef: hb.reference,
      detail: { documentId, kind: 'referral_hand_back', fromOrganisationId: hb.fromOrganisationId, toOrganisationId: hb.toOrganisationId, byStaffId: hb.byStaffId, citation: `${handBackCitation.doc} ${handBackCitation.article}` },
    });
    return { documentId, status: 'created' as const };
  });
}
