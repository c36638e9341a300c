import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { verifyAuditChain } from '../../platform/audit/verify.ts';
import { receiveUpload } from './upload.ts';
import { diagnosis, encounter, openWorld, patient, platformKysely, residentId, type World } from './test-support.ts';
import { readBasics } from './person-index.ts';
import { validateUpload } from './upload-format.ts';

describe('validateUpload (pure)', () => {
  it('reports every bad field of every item, with paths and the citation', () => {
    const r = validateUpload({
      items: [
        { kind: 'diagnosis', id: 'D1', patient: patient({ docNumber: '110102196003051012' }), data: { code: 'hypertension', display: '高血压', diagnosedOn: '2019-13-01' } },
        { kind: 'lab_result', id: 'L1', patient: patient(), data: { name: '血糖', collectedAt: '2019-06-10 09:00', colour: 'red' } },
        { kind: 'spaceship', id: 'X' },
      ],
    }, '2019-06-17');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['items[0].patient.docNumber', 'items[0].data.code', 'items[0].data.diagnosedOn', 'items[1].data.value', 'items[1].data.collectedAt', 'items[1].data.colour', 'items[2].kind']));
    expect(r.problems.find((p) => p.path === 'items[0].data.code')?.citation).toEqual({ doc: '西卫〔2019〕4号', article: '第七条' });
  });

  it('refuses a birth date or sex that contradicts the ID card (第八条)', () => {
    const r = validateUpload({ items: [encounter('E1', { ...patient(), birthDate: '1961-03-05' } as ReturnType<typeof patient>)] }, '2019-06-17');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: 'items[0].patient.birthDate', citation: { article: '第八条' } });
  });

  it('derives birth date and sex from the ID card when not given', () => {
    const r = validateUpload({ items: [encounter('E1')] }, '2019-06-17');
    expect(r.ok && r.items[0]?.patient).toMatchObject({ birthDate: '1960-03-05', sex: 'male' });
  });
});

describe.each(testEngines)('upload on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(engine);
  });
  afterAll(async () => w.t.cleanup());
  const doctor = () => w.staff['doctor.rmyy']!;
  const upload = (body: unknown, who = doctor()) => receiveUpload(w.t.db, w.clock, who.actor, { staffId: who.id, organisationId: who.organisationId ?? 0 }, body, 'native');
  const count = async (table: 'hr_documents' | 'hr_document_versions' | 'persons' | 'hr_patient_links' | 'audit_log') =>
    Number((await w.t.db.kysely.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('stores a batch, and the same documents again are one record each (idempotent)', async () => {
    const body = { items: [encounter('E-1'), diagnosis('D-1')] };
    const first = await upload(body);
    expect(first.allowed && first.value).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const again = await upload(JSON.parse(JSON.stringify(body)));
    expect(again.allowed && again.value).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await count('hr_documents')).toBe(2);
    expect(await count('hr_document_versions')).toBe(2);
  });

  it('keeps the latest and the history when a document changes, with its source institution', async () => {
    const r = await upload({ items: [encounter('E-1', patient(), '高血压复诊，调整用药')] });
    expect(r.allowed && r.value.documents[0]).toMatchObject({ status: 'updated', version: 2 });
    const doc = await w.t.db.kysely.selectFrom('hr_documents').selectAll().where('source_document_id', '=', 'E-1').executeTakeFirstOrThrow();
    expect(Number(doc.source_organisation_id)).toBe(w.orgs.hospital);
    expect(JSON.parse(doc.payload).summary).toBe('高血压复诊，调整用药');
    const versions = await w.t.db.kysely.selectFrom('hr_document_versions').select(['version', 'payload']).where('document_id', '=', doc.id).orderBy('version').execute();
    expect(versions.map((v) => [Number(v.version), JSON.parse(v.payload).summary])).toEqual([[1, '高血压复诊，血压控制可'], [2, '高血压复诊，调整用药']]);
  });

  it('refuses a bad batch whole: nothing is written, every bad field is named', async () => {
    const before = await Promise.all([count('hr_documents'), count('persons'), count('hr_patient_links'), count('audit_log')]);
    const newcomer = patient({ localId: 'P-9', docNumber: residentId('1980-01-01', 202), name: '新人' });
    const r = await upload({ items: [encounter('E-NEW', newcomer), diagnosis('D-2', patient({ name: '张卫' }))] });
    expect(r.allowed).toBe(false);
    if (r.allowed || !('problems' in r)) throw new Error('expected problems');
    expect(r.reasons[0]?.citation).toEqual({ doc: '西卫〔2019〕4号', article: '第十条' });
    expect(r.problems).toEqual([expect.objectContaining({ path: 'items[1].patient.name', code: 'identity_mismatch', citation: { doc: '西卫〔2019〕4号', article: '第八条' } })]);
    expect(await Promise.all([count('hr_documents'), count('persons'), count('hr_patient_links'), count('audit_log')])).toEqual(before);
  });

  it('flags a conflicting basic data item for review instead of overwriting it (第八条)', async () => {
    await upload({ items: [encounter('E-A', patient({ address: '月坛南街1号' }))] });
    const r = await upload({ items: [encounter('E-B', patient({ address: '三里河路5号' }))] });
    expect(r.allowed && r.value.conflictsFlagged).toBe(1);
    const person = await w.t.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', patient().docNumber).executeTakeFirstOrThrow();
    const basics = await readBasics(w.t.db.kysely, Number(person.id));
    expect(basics).toMatchObject({ address: '月坛南街1号', openConflicts: 1 });
    const c = await w.t.db.kysely.selectFrom('hr_basic_conflicts').selectAll().where('person_id', '=', Number(person.id)).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ field: 'address', current_value: '月坛南街1号', proposed_value: '三里河路5号', status: 'open' });
  });

  it('refuses a local patient id that already names another person', async () => {
    const other = patient({ docNumber: residentId('1971-07-07', 303), name: '李娜' });
    const r = await upload({ items: [encounter('E-X', other)] });
    expect(r.allowed).toBe(false);
    if (!r.allowed && 'problems' in r) expect(r.problems[0]).toMatchObject({ path: 'items[0].patient.localId', code: 'local_id_names_another_person' });
  });

  it('accepts family-doctor contracts only from a community health centre (西卫〔2019〕5号 第二十二条)', async () => {
    const contract = { kind: 'family_doctor_contract', id: 'FD-1', patient: patient(), data: { doctorName: '王家庭', doctorUsername: 'doctor.yt', signedOn: '2019-03-01', validUntil: '2020-02-29' } };
    const fromHospital = await upload({ items: [contract] });
    expect(fromHospital.allowed).toBe(false);
    if (!fromHospital.allowed && 'problems' in fromHospital) expect(fromHospital.problems[0]?.citation).toEqual({ doc: '西卫〔2019〕5号', article: '第二十二条' });
    const fromCentre = await upload({ items: [{ ...contract, patient: patient({ localId: 'YT-1' }) }] }, w.staff['doctor.yt']!);
    expect(fromCentre.allowed).toBe(true);
  });

  it('stays idempotent when two processes upload the same new documents at once', async () => {
    const other = w.t.reopen();
    const p = patient({ localId: 'P-RACE', docNumber: residentId('1990-09-09', 702), name: '并发' });
    const body = { items: [encounter('E-RACE', p), diagnosis('D-RACE', p)] };
    const d = doctor();
    const [a, b] = await Promise.all([
      receiveUpload(w.t.db, w.clock, d.actor, { staffId: d.id, organisationId: w.orgs.hospital }, body, 'native'),
      receiveUpload(other, w.clock, d.actor, { staffId: d.id, organisationId: w.orgs.hospital }, JSON.parse(JSON.stringify(body)), 'native'),
    ]);
    await other.close();
    expect(a.allowed && b.allowed).toBe(true);
    const created = [a, b].map((r) => (r.allowed ? r.value.created : -1)).sort();
    expect(created).toEqual([0, 2]);
    const docs = await w.t.db.kysely.selectFrom('hr_documents').select('id').where('source_document_id', 'in', ['E-RACE', 'D-RACE']).execute();
    expect(docs).toHaveLength(2);
  });

  it('writes an audit row per created or changed record, and the chain verifies', async () => {
    const rows = await w.t.db.kysely.selectFrom('audit_log').select(['action', 'actor_name', 'actor_role']).where('action', 'like', 'health_record.%').execute();
    expect(rows.filter((r) => r.action === 'health_record.create').length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.actor_name && r.actor_role)).toBe(true);
    expect((await verifyAuditChain(platformKysely(w))).ok).toBe(true);
  });
});
