import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { receiveUpload } from './upload.ts';
import { diagnosis, encounter, openWorld, patient, residentId, type World } from './test-support.ts';
import { findDuplicateCandidates, mergePersons, undoMerge } from './duplicates.ts';
import { readRecord } from './record.ts';

describe.each(testEngines)('duplicate finder and undoable merge (第八条) on %s', (engine) => {
  let w: World;
  let byId: number;
  let byPassport: number;
  const op = () => ({ staffId: w.staff.operator!.id, actor: w.staff.operator!.actor });
  const snapshot = async () => ({
    a: (await readRecord(w.t.db.kysely, byId))?.documents.map((d) => d.id).sort(),
    b: (await readRecord(w.t.db.kysely, byPassport))?.documents.map((d) => d.id).sort(),
    basicsA: await w.t.db.kysely.selectFrom('hr_person_basics').selectAll().where('person_id', '=', byId).executeTakeFirst(),
  });

  beforeAll(async () => {
    w = await openWorld(engine);
    const hosp = w.staff['doctor.rmyy']!;
    const centre = w.staff['doctor.yt']!;
    const a = patient({ docNumber: residentId('1955-02-02', 112), name: '刘芳', localId: 'H-7', address: '月坛北街3号' });
    const b = patient({ docType: 'passport', docNumber: 'E12345678', name: '刘芳', localId: 'C-2', birthDate: '1955-02-02', sex: 'female', phone: '13800138000', address: '月坛北街3号院' });
    const r1 = await receiveUpload(w.t.db, w.clock, hosp.actor, { staffId: hosp.id, organisationId: w.orgs.hospital }, { items: [encounter('E-1', a), diagnosis('D-1', a)] }, 'native');
    const r2 = await receiveUpload(w.t.db, w.clock, centre.actor, { staffId: centre.id, organisationId: w.orgs.centre }, { items: [encounter('E-9', b)] }, 'native');
    if (!r1.allowed || !r2.allowed) throw new Error('upload');
    byId = r1.value.documents[0]!.personId;
    byPassport = r2.value.documents[0]!.personId;
  });
  afterAll(async () => w.t.cleanup());

  it('finds the same person under two documents', async () => {
    const c = await findDuplicateCandidates(w.t.db.kysely);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ a: { id: byId }, b: { id: byPassport }, reasons: expect.arrayContaining(['same_name', 'same_birth_date', 'same_phone']) });
  });

  it('merges (audited), shows one record, and undo restores exactly what was there before', async () => {
    const before = await snapshot();
    expect(before.a).toHaveLength(2);
    expect(before.b).toHaveLength(1);
    const m = await mergePersons(w.t.db, w.clock, op(), { survivorId: byId, mergedId: byPassport, reason: '核对身份证与护照，同一人' });
    if (!m.allowed) throw new Error(JSON.stringify(m));
    expect(m.value.conflicts).toBe(1); // the address differs; it is flagged, not overwritten
    const merged = await readRecord(w.t.db.kysely, byPassport);
    expect(merged?.personId).toBe(byId);
    expect(merged?.documents).toHaveLength(3);
    expect((await snapshot()).basicsA).toEqual(before.basicsA);
    const audits = await w.t.db.kysely.selectFrom('audit_log').select(['action', 'entity_id', 'actor_name']).where('action', '=', 'person.merge').execute();
    expect(audits.map((a) => a.entity_id).sort()).toEqual([String(byId), String(byPassport)].sort());
    expect(await findDuplicateCandidates(w.t.db.kysely)).toHaveLength(0);

    // A merged person cannot be merged again, nor become a survivor.
    const again = await mergePersons(w.t.db, w.clock, op(), { survivorId: byPassport, mergedId: byId, reason: '重复操作测试' });
    expect(!again.allowed && again.reasons[0]?.code).toBe('merge_chain');

    const u = await undoMerge(w.t.db, w.clock, op(), m.value.mergeId, '复核发现为两人');
    expect(u.allowed).toBe(true);
    expect(await snapshot()).toEqual(before);
    const open = await w.t.db.kysely.selectFrom('hr_basic_conflicts').select('status').where('merge_id', '=', m.value.mergeId).execute();
    expect(open.map((o) => o.status)).toEqual(['withdrawn']);
    expect((await undoMerge(w.t.db, w.clock, op(), m.value.mergeId, '再次撤销')).allowed).toBe(false);
  });

  it('keeps records uploaded during a merge with the person whose document they name', async () => {
    const m = await mergePersons(w.t.db, w.clock, op(), { survivorId: byId, mergedId: byPassport, reason: '再次核对后合并' });
    if (!m.allowed) throw new Error('merge');
    const centre = w.staff['doctor.yt']!;
    const b = patient({ docType: 'passport', docNumber: 'E12345678', name: '刘芳', localId: 'C-2' });
    await receiveUpload(w.t.db, w.clock, centre.actor, { staffId: centre.id, organisationId: w.orgs.centre }, { items: [diagnosis('D-9', b, 'E11.9', '2型糖尿病')] }, 'native');
    expect((await readRecord(w.t.db.kysely, byId))?.documents).toHaveLength(4);
    expect((await undoMerge(w.t.db, w.clock, op(), m.value.mergeId, '复核后撤销合并')).allowed).toBe(true);
    expect((await readRecord(w.t.db.kysely, byPassport))?.documents.map((d) => d.kind).sort()).toEqual(['diagnosis', 'encounter']);
    expect((await readRecord(w.t.db.kysely, byId))?.documents).toHaveLength(2);
  });
});
