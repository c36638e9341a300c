import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/time/clock.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { HealthRecordsTables } from './schema.ts';
import type { FieldProblem, PatientRef } from './upload-format.ts';
import { identityCitation } from './citations.ts';

/**
 * The master person index (西卫〔2019〕4号 第八条 身份标识的唯一性、基本数据项的一致性).
 * A platform person is one ID document (the persons table's unique constraint). Institutions' local
 * patient ids link to it; an operator's merge makes a duplicate person point at a survivor without
 * moving any row, so the merge is undone exactly by ending it.
 */
type K = Kysely<HealthRecordsTables>;

export function k(trx: Tx<HealthRecordsTables>): K {
  return trx as K;
}

/** The survivor a person is merged into, or the person itself. */
export async function canonicalPersonId(db: K, personId: number): Promise<number> {
  const m = await db.selectFrom('hr_person_merges').select('survivor_id').where('merged_id', '=', personId).where('undone_at', 'is', null).executeTakeFirst();
  return m ? Number(m.survivor_id) : personId;
}

/** The canonical person and every person merged into it: whose records make up one record. */
export async function personGroup(db: K, personId: number): Promise<{ canonical: number; members: number[] }> {
  const canonical = await canonicalPersonId(db, personId);
  const merged = await db.selectFrom('hr_person_merges').select('merged_id').where('survivor_id', '=', canonical).where('undone_at', 'is', null).execute();
  return { canonical, members: [canonical, ...merged.map((m) => Number(m.merged_id))] };
}

export const basicFields = ['sex', 'birth_date', 'ethnicity', 'address', 'contact_phone'] as const;
export type BasicField = (typeof basicFields)[number];

export function basicsFromPatient(p: PatientRef): Partial<Record<BasicField, string>> {
  const out: Partial<Record<BasicField, string>> = {};
  if (p.sex) out.sex = p.sex;
  if (p.birthDate) out.birth_date = p.birthDate;
  if (p.ethnicity) out.ethnicity = p.ethnicity;
  if (p.address) out.address = p.address;
  if (p.phone) out.contact_phone = p.phone;
  return out;
}

export interface Resolved {
  personId: number;
  linkId: number;
}

/**
 * Find or register the person named by an uploaded patient, and link the institution's local id
 * to them. Problems (a name that does not match the document, a local id already used for someone
 * else) are returned, never written: the caller refuses the whole upload.
 */
export async function resolvePatient(db: K, clock: Clock, organisationId: number, p: PatientRef, path: string): Promise<Resolved | FieldProblem> {
  const now = clock.now().toISOString();
  let person = await db.selectFrom('persons').select(['id', 'name']).where('doc_type', '=', p.docType).where('doc_number', '=', p.docNumber).executeTakeFirst();
  if (!person) {
    if (!p.phone) {
      return problem(`${path}.phone`, 'required_for_new_person', '该证件尚未登记，首次上传须提供手机号码', 'this document is not yet registered: the first upload must give a mobile number');
    }
    await db
      .insertInto('persons')
      .values({ doc_type: p.docType, doc_number: p.docNumber, name: p.name, phone: p.phone, locale: 'zh-CN', created_at: now })
      .onConflict((oc) => oc.columns(['doc_type', 'doc_number']).doNothing())
      .execute();
    person = await db.selectFrom('persons').select(['id', 'name']).where('doc_type', '=', p.docType).where('doc_number', '=', p.docNumber).executeTakeFirstOrThrow();
  }
  const personId = Number(person.id);
  if (person.name !== p.name) {
    // The document is the identity key; a different name means either a typo or the wrong
    // document, and attaching records on a guess could put them in a stranger's file.
    return problem(`${path}.name`, 'identity_mismatch', '姓名与证件登记信息不一致，请复核', 'the name does not match the one registered for this document; please check it');
  }
  let link = await db.selectFrom('hr_patient_links').select(['id', 'person_id']).where('organisation_id', '=', organisationId).where('local_patient_id', '=', p.localId).executeTakeFirst();
  if (!link) {
    await db
      .insertInto('hr_patient_links')
      .values({ organisation_id: organisationId, local_patient_id: p.localId, person_id: personId, custodian_organisation_id: organisationId, created_at: now })
      .onConflict((oc) => oc.columns(['organisation_id', 'local_patient_id']).doNothing())
      .execute();
    link = await db.selectFrom('hr_patient_links').select(['id', 'person_id']).where('organisation_id', '=', organisationId).where('local_patient_id', '=', p.localId).executeTakeFirstOrThrow();
  }
  if (Number(link.person_id) !== personId) {
    const [a, b] = await Promise.all([canonicalPersonId(db, Number(link.person_id)), canonicalPersonId(db, personId)]);
    if (a !== b) {
      return problem(`${path}.localId`, 'local_id_names_another_person', '该院内患者编号已关联到另一证件的人员', 'this local patient id is already linked to a person with another document');
    }
  }
  return { personId, linkId: Number(link.id) };
}

function problem(path: string, code: string, zh: string, en: string): FieldProblem {
  return { path, code, message: { zh: `${path}：${zh}`, en: `${path}: ${en}` }, citation: identityCitation };
}

/**
 * Keep the basic data items consistent: a missing item is filled (and its source noted), an equal
 * one is left alone, and a different one is flagged for review instead of overwritten.
 * Returns the number of conflicts raised.
 */
export async function reconcileBasics(
  db: K,
  clock: Clock,
  personId: number,
  proposed: Partial<Record<BasicField, string>>,
  source: { organisationId: number | null; uploadId?: number; mergeId?: number },
): Promise<number> {
  const now = clock.now().toISOString();
  const canonical = await canonicalPersonId(db, personId);
  const row = await db.selectFrom('hr_person_basics').selectAll().where('person_id', '=', canonical).executeTakeFirst();
  if (!row) {
    const sources: Record<string, number | null> = {};
    for (const f of Object.keys(proposed)) sources[f] = source.organisationId;
    await db.insertInto('hr_person_basics').values({ person_id: canonical, sex: proposed.sex ?? null, birth_date: proposed.birth_date ?? null, ethnicity: proposed.ethnicity ?? null, address: proposed.address ?? null, contact_phone: proposed.contact_phone ?? null, sources: JSON.stringify(sources), created_at: now, updated_at: now }).execute();
    return 0;
  }
  const sources = JSON.parse(row.sources) as Record<string, number | null>;
  const fill: Partial<Record<BasicField, string>> = {};
  let conflicts = 0;
  for (const f of basicFields) {
    const value = proposed[f];
    if (value === undefined) continue;
    const current = row[f];
    if (current === null) {
      fill[f] = value;
      sources[f] = source.organisationId;
    } else if (current !== value) {
      const open = await db.selectFrom('hr_basic_conflicts').select('id').where('person_id', '=', canonical).where('field', '=', f).where('proposed_value', '=', value).where('status', '=', 'open').executeTakeFirst();
      if (!open) {
        await db.insertInto('hr_basic_conflicts').values({ person_id: canonical, field: f, current_value: current, proposed_value: value, source_organisation_id: source.organisationId, upload_id: source.uploadId ?? null, merge_id: source.mergeId ?? null, status: 'open', created_at: now, resolved_at: null, resolved_by: null }).execute();
        conflicts++;
      }
    }
  }
  if (Object.keys(fill).length) {
    await db.updateTable('hr_person_basics').set({ ...fill, sources: JSON.stringify(sources), updated_at: now }).where('person_id', '=', canonical).execute();
  }
  return conflicts;
}

export interface BasicsView {
  personId: number;
  name: string;
  docType: string;
  docNumber: string;
  sex: string | null;
  birthDate: string | null;
  ethnicity: string | null;
  address: string | null;
  contactPhone: string | null;
  openConflicts: number;
}

/** The consolidated basics of a person's group, or undefined when the centre holds no record for them. */
export async function readBasics(db: K, personId: number): Promise<BasicsView | undefined> {
  const { canonical } = await personGroup(db, personId);
  const p = await db.selectFrom('persons').select(['id', 'name', 'doc_type', 'doc_number']).where('id', '=', canonical).executeTakeFirst();
  const b = await db.selectFrom('hr_person_basics').selectAll().where('person_id', '=', canonical).executeTakeFirst();
  if (!p || !b) return undefined;
  const open = await db.selectFrom('hr_basic_conflicts').select((e) => e.fn.countAll().as('n')).where('person_id', '=', canonical).where('status', '=', 'open').executeTakeFirstOrThrow();
  return { personId: canonical, name: p.name, docType: p.doc_type, docNumber: p.doc_number, sex: b.sex, birthDate: b.birth_date, ethnicity: b.ethnicity, address: b.address, contactPhone: b.contact_phone, openConflicts: Number(open.n) };
}
