import type { Kysely } from 'kysely';
import type { HealthRecordsTables } from './schema.ts';
import { personGroup, readBasics, type BasicsView } from './person-index.ts';
import { personalDataItems, recordKinds, type PersonalDataItem, type RecordKind } from './data-items.ts';

type K = Kysely<HealthRecordsTables>;

export interface RecordDocument {
  id: number;
  kind: RecordKind;
  sourceOrganisationId: number;
  sourceOrganisationName: string;
  custodianOrganisationId: number;
  sourceDocumentId: string;
  version: number;
  occurredOn: string;
  updatedAt: string;
  data: Record<string, unknown>;
}

export interface RecordView {
  personId: number;
  name: string;
  /** Absent when the request did not cover the basic data items. */
  basics?: Omit<BasicsView, 'personId' | 'name' | 'openConflicts'> & { openConflicts: number };
  /** People merged into this one (第八条): their records are part of this record. */
  mergedPersonIds: number[];
  documents: RecordDocument[];
  items: PersonalDataItem[];
}

/** One person's record as the centre holds it: the latest version of every document, newest first. */
export async function readRecord(db: K, personId: number, items: readonly PersonalDataItem[] = personalDataItems): Promise<RecordView | undefined> {
  const group = await personGroup(db, personId);
  const basics = await readBasics(db, group.canonical);
  if (!basics) return undefined;
  const kinds = recordKinds.filter((kd) => items.includes(kd));
  const rows = kinds.length
    ? await db
        .selectFrom('hr_documents as d')
        .innerJoin('organisations as o', 'o.id', 'd.source_organisation_id')
        .select(['d.id', 'd.kind', 'd.source_organisation_id', 'o.name as org_name', 'd.custodian_organisation_id', 'd.source_document_id', 'd.version', 'd.occurred_on', 'd.updated_at', 'd.payload'])
        .where('d.person_id', 'in', group.members)
        .where('d.kind', 'in', kinds)
        .orderBy('d.occurred_on', 'desc')
        .orderBy('d.id', 'desc')
        .execute()
    : [];
  const { personId: _p, name, ...rest } = basics;
  return {
    personId: group.canonical,
    name,
    ...(items.includes('basics') ? { basics: rest } : {}),
    mergedPersonIds: group.members.filter((m) => m !== group.canonical),
    documents: rows.map((r) => ({
      id: Number(r.id), kind: r.kind as RecordKind, sourceOrganisationId: Number(r.source_organisation_id), sourceOrganisationName: r.org_name,
      custodianOrganisationId: Number(r.custodian_organisation_id), sourceDocumentId: r.source_document_id, version: Number(r.version), occurredOn: r.occurred_on, updatedAt: r.updated_at,
      data: JSON.parse(r.payload) as Record<string, unknown>,
    })),
    items: [...items],
  };
}

export interface VersionView {
  version: number;
  receivedAt: string;
  uploadId: number;
  data: Record<string, unknown>;
}

export async function documentHistory(db: K, documentId: number): Promise<VersionView[]> {
  const rows = await db.selectFrom('hr_document_versions').selectAll().where('document_id', '=', documentId).orderBy('version', 'desc').execute();
  return rows.map((r) => ({ version: Number(r.version), receivedAt: r.received_at, uploadId: Number(r.upload_id), data: JSON.parse(r.payload) as Record<string, unknown> }));
}

export interface AccessEntry {
  seq: number;
  at: string;
  actorName: string;
  actorRole: string;
  organisation: string | null;
  action: string;
  purpose: string | null;
  grantRef: string | null;
}

/** Who created, changed, read or was refused this person's record, and when (第十五条, from the audit trail). */
export async function accessHistory(db: K, personId: number, limit = 200): Promise<AccessEntry[]> {
  const group = await personGroup(db, personId);
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('staff as s', (j) => j.onRef('s.id', '=', 'a.actor_id').on('a.actor_kind', '=', 'staff'))
    .leftJoin('organisations as o', 'o.id', 's.organisation_id')
    .select(['a.seq', 'a.at', 'a.actor_name', 'a.actor_role', 'a.action', 'a.purpose', 'a.grant_ref', 'o.name as org_name'])
    .where('a.entity_type', '=', 'health_record')
    .where('a.entity_id', 'in', group.members.map(String))
    .orderBy('a.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at, actorName: r.actor_name, actorRole: r.actor_role, organisation: r.org_name, action: r.action, purpose: r.purpose, grantRef: r.grant_ref }));
}
