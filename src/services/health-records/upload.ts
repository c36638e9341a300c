import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision, type Reason } from '../../platform/law/decision.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { familyDoctorCitation, handoverCitation, traceCitation, uploadCitation } from './citations.ts';
import { validateUpload, type ContractData, type FieldProblem, type ValidItem } from './upload-format.ts';
import { basicsFromPatient, k, reconcileBasics, resolvePatient } from './person-index.ts';
import { bundleToUpload, toEntryPaths } from './fhir.ts';

export interface Uploader {
  readonly staffId: number;
  readonly organisationId: number;
}

export interface UploadedDocument {
  index: number;
  kind: string;
  id: string;
  documentId: number;
  personId: number;
  version: number;
  status: 'created' | 'updated' | 'unchanged';
}

export interface UploadReceipt {
  uploadId: number;
  created: number;
  updated: number;
  unchanged: number;
  conflictsFlagged: number;
  documents: UploadedDocument[];
}

export type UploadOutcome = Decision<UploadReceipt> | { allowed: false; reasons: readonly Reason[]; problems: FieldProblem[] };

/** Thrown inside the transaction so that a batch with any bad item writes nothing. */
class UploadRejected extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super('upload rejected');
  }
}

export const uploadRefusedReason = reason('upload_invalid', '上传内容有误，整批未被接收，请按字段更正后重新上传', 'The upload has errors and nothing was stored; correct the fields listed and upload again', uploadCitation);

/** Canonical JSON: keys sorted, so the same document always hashes the same (idempotent upload). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((key) => o[key] !== undefined).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(o[key])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function contentHash(item: ValidItem): string {
  return createHash('sha256').update(canonicalJson({ kind: item.kind, patient: item.patient, data: item.data })).digest('hex');
}

/**
 * Receive one upload (西卫〔2019〕4号 第九条 分级存储, 第十条 及时更新): validate it whole, then in one
 * transaction link each patient, store each document (new, a new version, or unchanged), flag
 * basic-item conflicts, and write an audit row per created or changed record (第十八条).
 */
export async function receiveUpload(db: Db<HealthRecordsTables>, clock: Clock, actor: Actor, uploader: Uploader, body: unknown, format: 'native' | 'fhir'): Promise<UploadOutcome> {
  const checked = validateUpload(body, civilDateOf(clock.now()));
  if (!checked.ok) return { allowed: false, reasons: [uploadRefusedReason], problems: checked.problems };
  try {
    return await inTransaction(db, async (trx) => {
      const kdb = k(trx);
      const org = await kdb.selectFrom('organisations').select(['id', 'kind']).where('id', '=', uploader.organisationId).executeTakeFirst();
      if (!org) return refuse(reason('not_an_institution', '账号未关联医疗卫生机构', 'Your account is not linked to an institution', uploadCitation));
      const inst = await kdb.selectFrom('hr_institutions').select(['status']).where('organisation_id', '=', uploader.organisationId).executeTakeFirst();
      if (inst?.status === 'closed') {
        return refuse(reason('institution_closed', '该机构已变更并移交档案，不能再上传', 'This institution has closed and handed its records over; it can no longer upload', handoverCitation));
      }
      const now = clock.now().toISOString();
      const upload = await kdb
        .insertInto('hr_uploads')
        .values({ organisation_id: uploader.organisationId, staff_id: uploader.staffId, received_at: now, format, items: checked.items.length, created: 0, updated: 0, unchanged: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const uploadId = Number(upload.id);
      const problems: FieldProblem[] = [];
      const documents: UploadedDocument[] = [];
      let conflicts = 0;
      for (const [index, item] of checked.items.entries()) {
        const path = `items[${index}]`;
        const resolved = await resolvePatient(kdb, clock, uploader.organisationId, item.patient, `${path}.patient`);
        if ('path' in resolved) {
          problems.push(resolved);
          continue;
        }
        if (item.kind === 'family_doctor_contract') {
          const p = await checkContract(kdb, org.kind, uploader.organisationId, item.data as ContractData, `${path}.data`);
          if (p) {
            problems.push(p.problem);
            continue;
          }
        }
        conflicts += await reconcileBasics(kdb, clock, resolved.personId, basicsFromPatient(item.patient), { organisationId: uploader.organisationId, uploadId });
        const hash = contentHash(item);
        const payload = JSON.stringify(item.data);
        const existing = await kdb.selectFrom('hr_documents').select(['id', 'version', 'content_hash', 'person_id']).where('source_organisation_id', '=', uploader.organisationId).where('kind', '=', item.kind).where('source_document_id', '=', item.id).executeTakeFirst();
        if (existing && existing.content_hash === hash) {
          documents.push({ index, kind: item.kind, id: item.id, documentId: Number(existing.id), personId: Number(existing.person_id), version: Number(existing.version), status: 'unchanged' });
          continue;
        }
        let documentId: number;
        let version: number;
        if (!existing) {
          version = 1;
          const row = await kdb
            .insertInto('hr_documents')
            .values({ person_id: resolved.personId, kind: item.kind, source_organisation_id: uploader.organisationId, custodian_organisation_id: uploader.organisationId, source_document_id: item.id, link_id: resolved.linkId, version, content_hash: hash, payload, occurred_on: item.occurredOn, created_at: now, updated_at: now })
            .returning('id')
            .executeTakeFirstOrThrow();
          documentId = Number(row.id);
        } else {
          // 第十条 最新、连续、有效: the latest replaces the current copy, the history keeps every version.
          version = Number(existing.version) + 1;
          documentId = Number(existing.id);
          await kdb.updateTable('hr_documents').set({ person_id: resolved.personId, link_id: resolved.linkId, version, content_hash: hash, payload, occurred_on: item.occurredOn, updated_at: now }).where('id', '=', documentId).where('version', '=', Number(existing.version)).execute();
        }
        await kdb.insertInto('hr_document_versions').values({ document_id: documentId, version, content_hash: hash, payload, upload_id: uploadId, received_at: now }).execute();
        const status = version === 1 ? 'created' : 'updated';
        await appendAudit(kdb, clock, actor, {
          action: version === 1 ? 'health_record.create' : 'health_record.update',
          entityType: 'health_record',
          entityId: resolved.personId,
          purpose: 'upload',
          grantRef: `upload:${uploadId}`,
          detail: { documentId, kind: item.kind, version, sourceOrganisationId: uploader.organisationId, sourceDocumentId: item.id, citation: `${traceCitation.doc} ${traceCitation.article}` },
        });
        documents.push({ index, kind: item.kind, id: item.id, documentId, personId: resolved.personId, version, status });
      }
      if (problems.length) throw new UploadRejected(problems);
      const created = documents.filter((d) => d.status === 'created').length;
      const updated = documents.filter((d) => d.status === 'updated').length;
      const unchanged = documents.length - created - updated;
      await kdb.updateTable('hr_uploads').set({ created, updated, unchanged }).where('id', '=', uploadId).execute();
      await appendAudit(kdb, clock, actor, { action: 'health_record.upload', entityType: 'hr_upload', entityId: uploadId, purpose: 'upload', detail: { format, items: checked.items.length, created, updated, unchanged, conflicts } });
      return allow({ uploadId, created, updated, unchanged, conflictsFlagged: conflicts, documents });
    });
  } catch (e) {
    if (e instanceof UploadRejected) return { allowed: false, reasons: [uploadRefusedReason], problems: e.problems };
    throw e;
  }
}

async function checkContract(db: ReturnType<typeof k>, orgKind: string, organisationId: number, data: ContractData, path: string): Promise<{ problem: FieldProblem } | undefined> {
  // 西卫〔2019〕5号 第二十二条: the contract is signed with a 社区卫生服务机构.
  if (orgKind !== 'community_health_centre') {
    return { problem: { path, code: 'contract_needs_community_centre', message: { zh: `${path}：家庭医生签约须由社区卫生服务机构上传`, en: `${path}: family-doctor contracts are uploaded by community health centres` }, citation: familyDoctorCitation } };
  }
  if (data.doctorUsername) {
    const st = await db.selectFrom('staff').select('id').where('username', '=', data.doctorUsername).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!st) return { problem: { path: `${path}.doctorUsername`, code: 'unknown_doctor', message: { zh: `${path}.doctorUsername：本机构没有该账号`, en: `${path}.doctorUsername: no such account at this institution` }, citation: familyDoctorCitation } };
  }
  return undefined;
}

/** 第十九条: a FHIR R4 Bundle is mapped to the native upload and stored the same way (problems name Bundle entries). */
export async function receiveFhirBundle(db: Db<HealthRecordsTables>, clock: Clock, actor: Actor, uploader: Uploader, bundle: unknown): Promise<UploadOutcome> {
  const mapped = bundleToUpload(bundle);
  if (!mapped.ok) return { allowed: false, reasons: [uploadRefusedReason], problems: mapped.problems };
  const r = await receiveUpload(db, clock, actor, uploader, mapped.body, 'fhir');
  if (!r.allowed && 'problems' in r) return { ...r, problems: toEntryPaths(r.problems, mapped.entryOf, mapped.patientEntryOf) };
  if (r.allowed) return { allowed: true, value: { ...r.value, documents: r.value.documents.map((d) => ({ ...d, index: mapped.entryOf[d.index] ?? d.index })) } };
  return r;
}
