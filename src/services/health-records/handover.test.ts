import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { receiveUpload } from './upload.ts';
import { diagnosis, encounter, openWorld, patient, residentId, type World } from './test-support.ts';
import { handOverInstitution } from './handover.ts';
import { integrateInstitution } from './grants.ts';
import { readRecordAsStaff } from './access.ts';
import { healthRecordsDirectory } from './directory.ts';

describe.each(testEngines)('handover (第十二条) and the referral directory on %s', (engine) => {
  let w: World;
  let personId: number;
  const op = () => ({ staffId: w.staff.operator!.id, actor: w.staff.operator!.actor });
  const yt = () => w.staff['doctor.yt']!;
  beforeAll(async () => {
    w = await openWorld(engine);
    const p = patient({ localId: 'YT-9', docNumber: residentId('1944-04-04', 402), name: '孙桂英' });
    const contract = { kind: 'family_doctor_contract', id: 'FD-9', patient: p, data: { doctorName: '王家庭', doctorUsername: 'doctor.yt', signedOn: '2019-01-10', validUntil: '2019-12-31' } };
    const r = await receiveUpload(w.t.db, w.clock, yt().actor, { staffId: yt().id, organisationId: w.orgs.centre }, { items: [encounter('E-9', p), diagnosis('D-9', p), contract] }, 'native');
    if (!r.allowed) throw new Error(JSON.stringify(r));
    await receiveUpload(w.t.db, w.clock, yt().actor, { staffId: yt().id, organisationId: w.orgs.centre }, { items: [encounter('E-9', p, '更新后的摘要')] }, 'native');
    personId = r.value.documents[0]!.personId;
    await integrateInstitution(w.t.db, w.clock, op(), w.orgs.centre);
  });
  afterAll(async () => w.t.cleanup());

  it('tells the referral platform about the record and the family-doctor contract', async () => {
    const dir = healthRecordsDirectory(w.t.db, { clock: w.clock });
    expect(await dir.hasPersonalRecord(personId)).toBe(true);
    expect(await dir.familyDoctorContract(personId)).toEqual({ organisationId: w.orgs.centre, doctorStaffId: yt().id, signedOn: '2019-01-10', validUntil: '2019-12-31' });
    expect(await dir.recordBasics(personId)).toMatchObject({ personId, name: '孙桂英', sex: 'female', birthDate: '1944-04-04', documents: 3 });
    const someoneElse = Number((await w.t.db.kysely.insertInto('persons').values({ doc_type: 'passport', doc_number: 'G0000001', name: '无档案', phone: '13700000000', locale: 'zh-CN', created_at: w.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    expect(await dir.hasPersonalRecord(someoneElse)).toBe(false);
    expect(await dir.familyDoctorContract(someoneElse)).toBeNull();
    expect(await dir.recordBasics(someoneElse)).toBeNull();
    const lookups = await w.t.db.kysely.selectFrom('audit_log').select(['action', 'actor_name', 'purpose']).where('action', '=', 'health_record.lookup').execute();
    expect(lookups.length).toBe(2);
    // An ended contract does not count once the clock passes its last day.
    w.clock.set(new Date('2020-01-02T02:00:00Z'));
    expect(await dir.familyDoctorContract(personId)).toBeNull();
    w.clock.set(new Date('2019-06-17T02:00:00Z'));
  });

  it('hands records, links and grants over whole, with a verified report, and the old institution stops', async () => {
    const r = await handOverInstitution(w.t.db, w.clock, op(), { fromOrganisationId: w.orgs.centre, toOrganisationId: w.orgs.centre2, reason: 'merged' });
    if (!r.allowed) throw new Error(JSON.stringify(r));
    expect(r.value).toMatchObject({ verified: true, documents: { count: 3, versions: 4 }, links: { count: 1 }, grants: ['D2019-0001'], reason: 'merged' });
    const docs = await w.t.db.kysely.selectFrom('hr_documents').select(['source_organisation_id', 'custodian_organisation_id']).execute();
    expect(docs.every((d) => Number(d.custodian_organisation_id) === w.orgs.centre2 && Number(d.source_organisation_id) === w.orgs.centre)).toBe(true);
    // The successor's staff use the transferred grant; the old institution's staff no longer can.
    const zll = w.staff['doctor.zll']!;
    expect((await readRecordAsStaff(w.t.db, w.clock, { actor: zll.actor, organisationId: w.orgs.centre2 }, { personId, items: ['diagnosis'], purpose: 'treatment' })).allowed).toBe(true);
    expect((await readRecordAsStaff(w.t.db, w.clock, { actor: yt().actor, organisationId: w.orgs.centre }, { personId, items: ['diagnosis'], purpose: 'treatment' })).allowed).toBe(false);
    const up = await receiveUpload(w.t.db, w.clock, yt().actor, { staffId: yt().id, organisationId: w.orgs.centre }, { items: [encounter('E-10', patient({ localId: 'YT-9', docNumber: residentId('1944-04-04', 402), name: '孙桂英' }))] }, 'native');
    expect(!up.allowed && up.reasons[0]).toMatchObject({ code: 'institution_closed', citation: { doc: '西卫〔2019〕4号', article: '第十二条' } });
    expect((await healthRecordsDirectory(w.t.db).familyDoctorContract(personId))?.organisationId).toBe(w.orgs.centre2);
    const again = await handOverInstitution(w.t.db, w.clock, op(), { fromOrganisationId: w.orgs.centre, toOrganisationId: w.orgs.hospital, reason: 'closed' });
    expect(again.allowed).toBe(false);
  });
});
