import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { receiveUpload } from './upload.ts';
import { diagnosis, encounter, openWorld, patient, type World } from './test-support.ts';
import { readRecordAsStaff } from './access.ts';
import { activateGrant, approveGrant, integrateInstitution, revokeGrant, submitApplication } from './grants.ts';
import { assignDuty, recordAgreement, requireOperatorScope } from './operators.ts';

describe.each(testEngines)('authorisation (第十四条) and outsourced operators (第十一条) on %s', (engine) => {
  let w: World;
  let personId: number;
  const s = (u: string) => {
    const x = w.staff[u];
    if (!x) throw new Error(u);
    return { staffId: x.id, actor: x.actor, organisationId: x.organisationId };
  };
  const lastAudit = async () => w.t.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const read = (u: string, items: ('basics' | 'diagnosis' | 'lab_result' | 'prescription' | 'encounter')[], purpose: string) => readRecordAsStaff(w.t.db, w.clock, s(u), { personId, items, purpose });

  beforeAll(async () => {
    w = await openWorld(engine);
    const doc = s('doctor.rmyy');
    const up = await receiveUpload(w.t.db, w.clock, doc.actor, { staffId: doc.staffId, organisationId: w.orgs.hospital }, { items: [encounter('E-1'), diagnosis('D-1'), { kind: 'lab_result', id: 'L-1', patient: patient(), data: { code: '2345-7', name: '空腹血糖', value: 6.1, unit: 'mmol/L', collectedAt: '2019-06-10T08:00:00+08:00' } }] }, 'native');
    if (!up.allowed) throw new Error('upload failed');
    personId = up.value.documents[0]?.personId ?? 0;
  });
  afterAll(async () => w.t.cleanup());

  it('refuses a read without a grant, with the citation, and audits the refusal', async () => {
    const d = await read('doctor.rmyy', ['diagnosis'], 'treatment');
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reasons[0]).toMatchObject({ code: 'no_grant', citation: { doc: '西卫〔2019〕4号', article: '第十四条' } });
    expect(await lastAudit()).toMatchObject({ action: 'health_record.read_refused', entity_type: 'health_record', entity_id: String(personId), actor_name: '李医生', actor_role: 'doctor', purpose: 'treatment' });
  });

  it('gives an integrated institution a direct grant; reads are audited with purpose and grant', async () => {
    const g = await integrateInstitution(w.t.db, w.clock, s('operator'), w.orgs.hospital);
    expect(g.allowed && g.value.grantRef).toBe('D2019-0001');
    const d = await read('doctor.rmyy', ['basics', 'diagnosis'], 'treatment');
    expect(d.allowed && d.value.documents.map((x) => x.kind)).toEqual(['diagnosis']);
    expect(await lastAudit()).toMatchObject({ action: 'health_record.read', actor_name: '李医生', actor_role: 'doctor', purpose: 'treatment', grant_ref: 'D2019-0001' });
  });

  it('refuses use beyond the direct grant (research is not a direct-grant purpose)', async () => {
    const d = await read('doctor.rmyy', ['diagnosis'], 'research');
    expect(!d.allowed && d.reasons[0]?.code).toBe('beyond_grant_purpose');
  });

  it('runs a written application through both departments and the 信息中心, then enforces its scope, revocation and expiry', async () => {
    const cdc = s('cdc.staff');
    const app = await submitApplication(w.t.db, w.clock, cdc, w.orgs.cdc, { dataItems: ['diagnosis', 'lab_result'], purposes: ['public_health'], purposeText: '慢性病（高血压、糖尿病）监测与随访管理', legalBasis: '北京市慢性病防治工作方案', applicationText: '西疾控〔2019〕12号 关于申请慢病监测数据对接的函', validFrom: '2019-06-17', validUntil: '2019-12-31' });
    if (!app.allowed) throw new Error(JSON.stringify(app));
    const id = app.value.id;
    // Not yet active: the CDC still has no grant.
    expect((await read('cdc.staff', ['lab_result'], 'public_health')).allowed).toBe(false);
    // Activation before both approvals is refused.
    const early = await activateGrant(w.t.db, w.clock, s('operator'), id);
    expect(!early.allowed && early.reasons[0]?.code).toBe('grant_not_approved');
    // A reviewer without the duty cannot approve.
    const noDuty = await approveGrant(w.t.db, w.clock, s('reviewer.business'), id, 'business_department');
    expect(!noDuty.allowed && noDuty.reasons[0]?.code).toBe('not_that_department');
    await assignDuty(w.t.db, w.clock, s('operator'), s('reviewer.business').staffId, 'business_department');
    await assignDuty(w.t.db, w.clock, s('operator'), s('reviewer.business').staffId, 'information_department');
    await assignDuty(w.t.db, w.clock, s('operator'), s('reviewer.info').staffId, 'information_department');
    expect((await approveGrant(w.t.db, w.clock, s('reviewer.business'), id, 'business_department')).allowed).toBe(true);
    const same = await approveGrant(w.t.db, w.clock, s('reviewer.business'), id, 'information_department');
    expect(!same.allowed && same.reasons[0]?.code).toBe('same_approver');
    const both = await approveGrant(w.t.db, w.clock, s('reviewer.info'), id, 'information_department');
    expect(both.allowed && both.value.status).toBe('approved');
    expect((await activateGrant(w.t.db, w.clock, s('operator'), id)).allowed).toBe(true);

    const ok = await read('cdc.staff', ['lab_result'], 'public_health');
    expect(ok.allowed && ok.value.documents.map((x) => x.kind)).toEqual(['lab_result']);
    expect((await lastAudit()).grant_ref).toBe('A2019-0001');

    const beyond = await read('cdc.staff', ['prescription'], 'public_health');
    expect(!beyond.allowed && beyond.reasons[0]).toMatchObject({ code: 'beyond_grant_items', citation: { article: '第十四条' } });
    expect(await lastAudit()).toMatchObject({ action: 'health_record.read_refused', actor_name: '钱疾控' });

    expect((await revokeGrant(w.t.db, w.clock, s('operator'), id, '监测任务调整')).allowed).toBe(true);
    const revoked = await read('cdc.staff', ['lab_result'], 'public_health');
    expect(!revoked.allowed && revoked.reasons[0]?.code).toBe('grant_revoked');
  });

  it('expires a grant after its last day', async () => {
    const cdc = s('cdc.staff');
    const app = await submitApplication(w.t.db, w.clock, cdc, w.orgs.cdc, { dataItems: ['diagnosis'], purposes: ['decision_support'], purposeText: '辖区慢病负担分析，为资源配置决策提供依据', legalBasis: '区政府年度重点工作任务', applicationText: '西疾控〔2019〕13号', validFrom: '2019-06-17', validUntil: '2019-06-30' });
    if (!app.allowed) throw new Error('apply');
    await approveGrant(w.t.db, w.clock, s('reviewer.business'), app.value.id, 'business_department');
    await approveGrant(w.t.db, w.clock, s('reviewer.info'), app.value.id, 'information_department');
    await activateGrant(w.t.db, w.clock, s('operator'), app.value.id);
    expect((await read('cdc.staff', ['diagnosis'], 'decision_support')).allowed).toBe(true);
    w.clock.set(new Date('2019-06-30T15:59:00Z')); // 23:59 on the last day in Beijing
    expect((await read('cdc.staff', ['diagnosis'], 'decision_support')).allowed).toBe(true);
    w.clock.set(new Date('2019-06-30T16:00:00Z')); // 1 July in Beijing
    const d = await read('cdc.staff', ['diagnosis'], 'decision_support');
    expect(!d.allowed && d.reasons[0]?.code).toBe('grant_expired');
    w.clock.set(new Date('2019-06-17T02:00:00Z'));
  });

  it('refuses an incomplete written application field by field', async () => {
    const app = await submitApplication(w.t.db, w.clock, s('cdc.staff'), w.orgs.cdc, { dataItems: [], purposes: ['marketing'], purposeText: '要', legalBasis: '', applicationText: '', validFrom: '2019-06-17', validUntil: '2019-01-01' });
    expect(app.allowed).toBe(false);
    if (!app.allowed && 'problems' in app) expect(app.problems.map((p) => p.field)).toEqual(['dataItems', 'purposes', 'purposeText', 'legalBasis', 'applicationText', 'validUntil']);
  });

  it('limits an outsourced operator to its agreement, with the citation, and audits the refusal', async () => {
    const contractor = s('contractor');
    expect((await recordAgreement(w.t.db, w.clock, s('operator'), { staffId: contractor.staffId, contractor: '某信息技术有限公司', agreementRef: 'WT-2019-03', scopes: ['statistics', 'backup'], validFrom: '2019-01-01', validUntil: '2019-12-31' })).allowed).toBe(true);
    const d = await integrateInstitution(w.t.db, w.clock, contractor, w.orgs.centre);
    expect(!d.allowed && d.reasons[0]).toMatchObject({ code: 'beyond_agreement', citation: { doc: '西卫〔2019〕4号', article: '第十一条' } });
    const scoped = await requireOperatorScope(w.t.db, w.clock, contractor, 'mpi');
    expect(scoped.allowed).toBe(false);
    expect(await lastAudit()).toMatchObject({ action: 'operator.refused', actor_name: '孙外包', grant_ref: 'agreement:WT-2019-03' });
    expect((await requireOperatorScope(w.t.db, w.clock, contractor, 'backup')).allowed).toBe(true);
    // The contractor cannot widen its own scope.
    const self = await recordAgreement(w.t.db, w.clock, contractor, { staffId: contractor.staffId, contractor: 'x', agreementRef: 'x', scopes: ['mpi'], validFrom: '2019-01-01', validUntil: '2019-12-31' });
    expect(self.allowed).toBe(false);
  });
});
