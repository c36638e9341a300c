import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { receiveFhirBundle } from './upload.ts';
import { openWorld, residentId, sampleBundle, type World } from './test-support.ts';
import { readRecord } from './record.ts';
import { recordToFhirBundle } from './fhir.ts';

describe.each(testEngines)('FHIR R4 (第十九条) on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(engine);
  });
  afterAll(async () => w.t.cleanup());
  const doctor = () => w.staff['doctor.rmyy']!;
  const send = (bundle: unknown, who = doctor(), org = w.orgs.hospital) => receiveFhirBundle(w.t.db, w.clock, who.actor, { staffId: who.id, organisationId: org }, bundle);

  it('accepts a Bundle with Patient, Encounter, Condition, MedicationRequest and Observation', async () => {
    const r = await send(sampleBundle());
    if (!r.allowed) throw new Error(JSON.stringify(r));
    expect(r.value).toMatchObject({ created: 4, unchanged: 0 });
    const rec = await readRecord(w.t.db.kysely, r.value.documents[0]!.personId);
    expect(rec?.name).toBe('赵秀英');
    const byKind = Object.fromEntries(rec!.documents.map((d) => [d.kind, d.data]));
    expect(byKind).toMatchObject({
      encounter: { class: 'outpatient', department: '内分泌科', summary: '2型糖尿病复诊，血糖控制欠佳', chiefComplaint: '多饮多尿' },
      diagnosis: { code: 'E11.9', display: '2型糖尿病', diagnosedOn: '2019-06-12', encounterId: 'ENC-1' },
      prescription: { medication: '二甲双胍片', dose: '0.5g', frequency: '每日三次', route: '口服', days: 30 },
      lab_result: { code: '4548-4', name: '糖化血红蛋白', value: 8.2, unit: '%', referenceRange: '4-6', abnormal: true },
    });
    expect(rec?.basics).toMatchObject({ sex: 'female', birthDate: '1948-11-20', address: '北京市西城区月坛南街7号' });
    expect((await send(sampleBundle())).allowed && 'unchanged').toBeTruthy();
  });

  it('refuses a bad Bundle whole, naming the entries', async () => {
    const b = sampleBundle(residentId('1950-01-01', 132));
    (b.entry[2]!.resource as Record<string, unknown>).code = { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'diabetes' }] };
    (b.entry[4]!.resource as Record<string, unknown>).subject = { reference: 'Patient/nobody' };
    (b.entry[0]!.resource as Record<string, unknown>).gender = 'male';
    b.entry.push({ resource: { resourceType: 'Procedure', id: 'X' } as never });
    const before = Number((await w.t.db.kysely.selectFrom('hr_documents').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const r = await send(b);
    expect(r.allowed).toBe(false);
    if (r.allowed || !('problems' in r)) return;
    expect(r.problems.map((p) => p.path)).toEqual(['entry[4].resource.subject', 'entry[5].resource.resourceType']);
    expect(r.problems[0]?.citation).toEqual({ doc: '西卫〔2019〕4号', article: '第十九条' });
    const fixed = sampleBundle(residentId('1950-01-01', 132));
    (fixed.entry[0]!.resource as Record<string, unknown>).birthDate = '1950-01-01';
    (fixed.entry[2]!.resource as Record<string, unknown>).code = { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'diabetes', display: '糖尿病' }] };
    const r2 = await send(fixed);
    if (r2.allowed || !('problems' in r2)) throw new Error('expected problems');
    expect(r2.problems.map((p) => p.path)).toEqual(['entry[2].resource (items[1].data.code)']);
    const wrongSex = sampleBundle(residentId('1950-01-01', 132));
    (wrongSex.entry[0]!.resource as Record<string, unknown>).birthDate = '1950-01-01';
    (wrongSex.entry[0]!.resource as Record<string, unknown>).gender = 'male';
    const r3 = await send(wrongSex);
    if (r3.allowed || !('problems' in r3)) throw new Error('expected problems');
    expect(r3.problems.map((p) => [p.path, p.citation.article])).toEqual([['entry[0].resource (patient.sex)', '第八条']]);
    expect(Number((await w.t.db.kysely.selectFrom('hr_documents').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(before);
  });

  it('exports a record as a Bundle that another system can import unchanged (round trip)', async () => {
    const person = await w.t.db.kysely.selectFrom('persons').selectAll().where('name', '=', '赵秀英').executeTakeFirstOrThrow();
    const rec = await readRecord(w.t.db.kysely, Number(person.id));
    const exported = recordToFhirBundle(rec!, { docType: person.doc_type, docNumber: person.doc_number }, '2019-06-17T02:00:00.000Z');
    expect((exported.entry as unknown[]).length).toBe(5);
    const other = w.staff['doctor.zll']!;
    const r = await send({ ...exported, type: 'collection' }, other, w.orgs.centre2);
    if (!r.allowed) throw new Error(JSON.stringify(r));
    const again = await readRecord(w.t.db.kysely, Number(person.id));
    const fromCentre = again!.documents.filter((d) => d.sourceOrganisationId === w.orgs.centre2);
    const fromHospital = again!.documents.filter((d) => d.sourceOrganisationId === w.orgs.hospital);
    expect(fromCentre.map((d) => d.data).sort((a, b) => String(a.code ?? a.class).localeCompare(String(b.code ?? b.class)))).toEqual(fromHospital.map((d) => d.data).sort((a, b) => String(a.code ?? a.class).localeCompare(String(b.code ?? b.class))));
  });
});
