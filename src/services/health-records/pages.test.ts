import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosis, encounter, openWorld, patient, residentId, type World } from './test-support.ts';
import { buildTestApp } from './test-app.ts';
import { assignDuty } from './operators.ts';

// Pages render the same on both engines; their storage paths are covered by the engine tests.
describe('health-records pages', () => {
  let w: World;
  let app: FastifyInstance;
  let call: (token: string | null, o: InjectOptions) => Promise<LightMyRequestResponse>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    w = await openWorld('sqlite');
    const t = await buildTestApp(w);
    app = t.app;
    call = t.call;
    for (const u of ['doctor.rmyy', 'operator', 'cdc.staff', 'reviewer.business', 'reviewer.info']) tokens[u] = await t.staffToken(u);
    const up = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload: { items: [encounter('E-1'), diagnosis('D-1')] } });
    tokens.alice = await t.personToken(up.json().documents[0].personId);
    const twin = patient({ localId: 'P-X', docType: 'passport', docNumber: 'E99887766', name: '张伟', sex: 'male', birthDate: '1960-03-05' });
    await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload: { items: [encounter('E-2', twin)] } });
    const other = patient({ localId: 'P-3', docNumber: residentId('1988-08-08', 602), name: '刘洋' });
    await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload: { items: [encounter('E-3', other)] } });
    const op = { staffId: w.staff.operator!.id, actor: w.staff.operator!.actor };
    await assignDuty(w.t.db, w.clock, op, w.staff['reviewer.business']!.id, 'business_department');
    await assignDuty(w.t.db, w.clock, op, w.staff['reviewer.info']!.id, 'information_department');
  });
  afterAll(async () => {
    await app.close();
    await w.t.cleanup();
  });

  const get = (token: string | null, url: string) => call(token, { method: 'GET', url });
  const post = (token: string, url: string, form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return call(token, { method: 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  };

  it('shows a resident their record, access history (searchable, CSV) and download page', async () => {
    expect((await get(null, '/health-records')).headers.location).toBe('/sign-in');
    const mine = await get(tokens.alice!, '/health-records');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('原发性高血压');
    expect(mine.body).toContain('北京大学人民医院');
    expect(mine.body).not.toContain('刘洋');
    const access = await get(tokens.alice!, '/health-records/access');
    expect(access.body).toContain('李医生');
    expect(access.body).toContain('建立档案记录');
    const csv = await get(tokens.alice!, '/health-records/access?format=csv&q=%E6%9D%8E');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('李医生');
    const dl = await get(tokens.alice!, '/health-records/download');
    expect(dl.body).toContain('/api/health-records/me/copy.json');
    const en = await get(tokens.alice!, '/health-records?lang=en');
    expect(en.body).toContain('My health record');
  });

  it('runs the grants workflow through the pages: apply, two departments approve, the 信息中心 activates, revoke', async () => {
    const form = await get(tokens['cdc.staff']!, '/health-records/admin/grants/new');
    expect(form.statusCode).toBe(200);
    const bad = await post(tokens['cdc.staff']!, '/health-records/admin/grants/new', { purposeText: '短' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('error-summary');
    expect(bad.body).toContain('请选择申请的数据项');
    const ok = await post(tokens['cdc.staff']!, '/health-records/admin/grants/new', { dataItems: ['diagnosis', 'lab_result'], purposes: ['public_health'], purposeText: '辖区慢性病监测与随访管理工作', legalBasis: '国家基本公共卫生服务规范', applicationText: '西疾控〔2019〕12号 数据对接申请函', validFrom: '2019-06-17', validUntil: '2019-12-31' });
    expect(ok.statusCode).toBe(303);
    const list = await get(tokens['reviewer.business']!, '/health-records/admin/grants');
    expect(list.body).toContain('A2019-0001');
    expect(list.body).toContain('同意（主管业务部门）');
    const id = Number(/grants\/(\d+)\/approve/.exec(list.body)?.[1]);
    expect((await post(tokens['reviewer.business']!, `/health-records/admin/grants/${id}/approve`, { department: 'business_department' })).statusCode).toBe(303);
    expect((await post(tokens['reviewer.info']!, `/health-records/admin/grants/${id}/approve`, { department: 'information_department' })).statusCode).toBe(303);
    const forOperator = await get(tokens.operator!, '/health-records/admin/grants?status=approved');
    expect(forOperator.body).toContain('办理生效（信息中心）');
    expect((await post(tokens.operator!, `/health-records/admin/grants/${id}/activate`, {})).statusCode).toBe(303);
    expect((await get(tokens.operator!, '/health-records/admin/grants?status=active')).body).toContain('A2019-0001');
    const refusedRevoke = await post(tokens.operator!, `/health-records/admin/grants/${id}/revoke`, {});
    expect(refusedRevoke.statusCode).toBe(422);
    expect(refusedRevoke.body).toContain('西卫〔2019〕4号 第十四条');
    expect((await post(tokens.operator!, `/health-records/admin/grants/${id}/revoke`, { reason: '任务结束' })).statusCode).toBe(303);
    expect((await get(tokens.operator!, '/health-records/admin/grants?status=revoked')).body).toContain('A2019-0001');
  });

  it('lets an operator find duplicates, merge and undo from the page', async () => {
    const page = await get(tokens.operator!, '/health-records/admin/duplicates');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('将B并入A');
    const survivorId = /name="survivorId" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    const mergedId = /name="mergedId" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    expect((await post(tokens.operator!, '/health-records/admin/merges', { survivorId, mergedId, reason: '核对证件，同一人' })).statusCode).toBe(303);
    const after = await get(tokens.operator!, '/health-records/admin/duplicates');
    expect(after.body).toContain('撤销合并');
    const mergeId = /merges\/(\d+)\/undo/.exec(after.body)?.[1];
    expect((await post(tokens.operator!, `/health-records/admin/merges/${mergeId}/undo`, { reason: '复核为两人' })).statusCode).toBe(303);
    expect((await get(tokens.operator!, '/health-records/admin/duplicates')).body).toContain('已撤销');
    expect((await get(tokens.alice!, '/health-records/admin/duplicates')).statusCode).toBe(403);
  });

  it('publishes statistics with charts and no personal data', async () => {
    const s = await get(null, '/health-records/statistics');
    expect(s.statusCode).toBe(200);
    expect(s.body).toContain('<svg');
    expect(s.body).toContain('&lt;5');
    expect(s.body).not.toMatch(/张伟|刘洋/);
    expect((await get(tokens.operator!, '/health-records/admin')).body).toContain('接入机构');
  });
});
