import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { verifyAuditChain } from '../../platform/audit/verify.ts';
import { receiveUpload } from './upload.ts';
import { HandBackNotAccepted, receiveHandBack, type IncomingHandBack } from './hand-back.ts';
import { healthRecordsDirectory } from './directory.ts';
import { readRecord } from './record.ts';
import { recordToFhirBundle } from './fhir.ts';
import { encounter, openWorld, patient, platformKysely, residentId, type World } from './test-support.ts';
import { validateUpload } from './upload-format.ts';

describe.each(testEngines)('referral hand-back into the record (西卫〔2019〕5号 第二十八条) on %s', (engine) => {
  let w: World;
  let personId: number;
  const handBack = (over: Partial<IncomingHandBack> = {}): IncomingHandBack => ({
    fromOrganisationId: w.orgs.hospital,
    toOrganisationId: w.orgs.centre,
    byStaffId: w.staff['doctor.rmyy']!.id,
    diagnosis: '原发性高血压 3级',
    treatment: '住院调整降压方案，血压稳定',
    plan: '社区随访每2周一次，监测血压',
    at: '2019-06-17T02:00:00.000Z',
    reference: 'appointments/referral/7',
    ...over,
  });

  beforeAll(async () => {
    w = await openWorld(engine);
    const doctor = w.staff['doctor.rmyy']!;
    const up = await receiveUpload(w.t.db, w.clock, doctor.actor, { staffId: doctor.id, organisationId: w.orgs.hospital }, { items: [encounter('E-1')] }, 'native');
    if (!up.allowed) throw new Error(JSON.stringify(up));
    personId = up.value.documents[0]!.personId;
  });
  afterAll(async () => w.t.cleanup());

  it('stores the diagnosis, treatment and plan as a document of the record, supplied by the hospital', async () => {
    const r = await receiveHandBack(w.t.db, w.clock, personId, handBack());
    expect(r.status).toBe('created');
    const rec = await readRecord(w.t.db.kysely, personId);
    const doc = rec!.documents.find((d) => d.kind === 'referral_hand_back');
    expect(doc).toMatchObject({ sourceOrganisationId: w.orgs.hospital, sourceDocumentId: 'appointments/referral/7', occurredOn: '2019-06-17' });
    expect(doc!.data).toMatchObject({ diagnosis: '原发性高血压 3级', treatment: '住院调整降压方案，血压稳定', plan: '社区随访每2周一次，监测血压', toOrganisationId: w.orgs.centre, toOrganisationName: '北京市西城区月坛社区卫生服务中心' });
    // Who supplied it is on record (西卫〔2019〕4号 第十八条): the upload row names the hospital doctor.
    const upload = await w.t.db.kysely.selectFrom('hr_document_versions as v').innerJoin('hr_uploads as u', 'u.id', 'v.upload_id').select(['u.staff_id', 'u.format']).where('v.document_id', '=', r.documentId).executeTakeFirstOrThrow();
    expect({ staff: Number(upload.staff_id), format: upload.format }).toEqual({ staff: w.staff['doctor.rmyy']!.id, format: 'referral_platform' });
    const audit = await w.t.db.kysely.selectFrom('audit_log').select(['action', 'purpose', 'grant_ref']).where('entity_type', '=', 'health_record').where('entity_id', '=', String(personId)).where('grant_ref', '=', 'appointments/referral/7').execute();
    expect(audit).toEqual([{ action: 'health_record.create', purpose: 'referral', grant_ref: 'appointments/referral/7' }]);
  });

  it('a redelivery of the same hand-back changes nothing (at-least-once delivery)', async () => {
    const count = async () => Number((await w.t.db.kysely.selectFrom('hr_documents').select((e) => e.fn.countAll().as('n')).where('kind', '=', 'referral_hand_back').executeTakeFirstOrThrow()).n);
    const before = await count();
    const again = await receiveHandBack(w.t.db, w.clock, personId, handBack({ diagnosis: 'changed in transit' }));
    expect(again.status).toBe('unchanged');
    expect(await count()).toBe(before);
  });

  it('is refused for a person without a health record, naming 第二十八条, and writes nothing', async () => {
    const stranger = Number((await w.t.db.kysely.insertInto('persons').values({ doc_type: 'resident_id', doc_number: residentId('1970-01-01', 555), name: '无档案', phone: '13900000000', locale: 'zh-CN', created_at: w.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    const uploadsBefore = Number((await w.t.db.kysely.selectFrom('hr_uploads').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const err = await receiveHandBack(w.t.db, w.clock, stranger, handBack({ reference: 'appointments/referral/8' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandBackNotAccepted);
    expect((err as Error).message).toContain('西卫〔2019〕5号 第二十八条');
    expect(Number((await w.t.db.kysely.selectFrom('hr_uploads').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(uploadsBefore);
  });

  it('the directory port (what app.ts hands the referral platform) delivers into the record', async () => {
    const dir = healthRecordsDirectory(w.t.db, { clock: w.clock });
    await dir.receiveHandBack(personId, handBack({ reference: 'appointments/referral/9', plan: '康复训练' }));
    const rec = await readRecord(w.t.db.kysely, personId);
    expect(rec!.documents.filter((d) => d.kind === 'referral_hand_back').map((d) => d.data.plan).sort()).toEqual(['社区随访每2周一次，监测血压', '康复训练'].sort());
  });

  it('exports as a FHIR Composition (referral note) with the three parts as sections', async () => {
    const rec = await readRecord(w.t.db.kysely, personId);
    const bundle = recordToFhirBundle(rec!, { docType: 'resident_id', docNumber: patient().docNumber }, '2019-06-17T03:00:00Z') as { entry: { resource: Record<string, unknown> }[] };
    const comps = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Composition');
    expect(comps).toHaveLength(2);
    expect(comps[0]).toMatchObject({ type: { coding: [{ code: '57133-1' }] }, author: [{ display: '北京大学人民医院' }] });
    expect((comps[0]!.section as { title: string }[]).map((s) => s.title)).toEqual(['诊断', '诊疗经过', '后续治疗和康复方案']);
  });

  it('institutions cannot upload hand-backs through the upload format (only the platform sends them)', () => {
    const bad = validateUpload({ items: [{ kind: 'referral_hand_back', id: 'X', patient: patient(), data: { diagnosis: 'x' } }] }, '2019-06-17');
    expect(bad.ok).toBe(false);
  });

  it('the audit chain still verifies', async () => {
    expect((await verifyAuditChain(platformKysely(w))).ok).toBe(true);
  });
});
