import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../platform/db/test-databases.ts';
import { diagnosis, encounter, openWorld, patient, residentId, sampleBundle, type World } from './test-support.ts';
import { buildTestApp } from './test-app.ts';
import { findCjkFont } from './pdf.ts';

describe.each(testEngines)('health-records HTTP API on %s', (engine) => {
  let w: World;
  let app: FastifyInstance;
  let call: (token: string | null, o: InjectOptions) => Promise<LightMyRequestResponse>;
  const tokens: Record<string, string> = {};
  let alice: number;
  let bob: number;

  beforeAll(async () => {
    w = await openWorld(engine);
    const t = await buildTestApp(w);
    app = t.app;
    call = t.call;
    for (const u of ['doctor.rmyy', 'doctor.yt', 'operator', 'cdc.staff', 'auditor']) tokens[u] = await t.staffToken(u);
    const res = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload: { items: [encounter('E-1'), diagnosis('D-1')] } });
    expect(res.statusCode).toBe(201);
    alice = res.json().documents[0].personId;
    const bobPatient = patient({ localId: 'P-2', docNumber: residentId('1977-07-07', 502), name: '王芳' });
    const res2 = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload: { items: [diagnosis('D-2', bobPatient, 'E11.9', '2型糖尿病')] } });
    bob = res2.json().documents[0].personId;
    tokens.alice = await t.personToken(alice);
    tokens.bob = await t.personToken(bob);
  });
  afterAll(async () => {
    await app.close();
    await w.t.cleanup();
  });

  it('refuses a bad upload whole with a cited error per field (zh-CN, and English on request)', async () => {
    const payload = { items: [{ kind: 'diagnosis', id: 'D-9', patient: patient(), data: { code: 'X', display: '', diagnosedOn: '2019-06-10' } }] };
    const res = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toMatchObject({ code: 'upload_invalid', citation: { doc: '西卫〔2019〕4号', article: '第十条' } });
    expect(body.error.fields.map((f: { path: string }) => f.path)).toEqual(['items[0].data.code', 'items[0].data.display']);
    const en = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/uploads', payload, headers: { 'accept-language': 'en' } });
    expect(en.json().error.fields[0].message).toMatch(/ICD-10/);
    expect((await call(null, { method: 'POST', url: '/api/health-records/uploads', payload })).statusCode).toBe(401);
    expect((await call(tokens.alice!, { method: 'POST', url: '/api/health-records/uploads', payload })).statusCode).toBe(403);
  });

  it('accepts a FHIR R4 Bundle as application/fhir+json', async () => {
    const res = await call(tokens['doctor.rmyy']!, { method: 'POST', url: '/api/health-records/fhir', payload: JSON.stringify(sampleBundle(residentId('1948-11-20', 122))), headers: { 'content-type': 'application/fhir+json' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ created: 4 });
  });

  it('refuses a read without a grant (403, cited) and audits it; then a grant works, and revoking stops it at once', async () => {
    const url = `/api/health-records/persons/${alice}?purpose=treatment&items=diagnosis`;
    const refused = await call(tokens['doctor.rmyy']!, { method: 'GET', url });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'no_grant', citation: { doc: '西卫〔2019〕4号', article: '第十四条', url: '/law/%E8%A5%BF%E5%8D%AB%E3%80%942019%E3%80%954%E5%8F%B7#%E7%AC%AC%E5%8D%81%E5%9B%9B%E6%9D%A1' } });
    const audit = await call(tokens.auditor!, { method: 'GET', url: `/api/audit?action=health_record.read_refused&entityId=${alice}` });
    expect(audit.json().rows[0]).toMatchObject({ actor_name: '李医生', actor_role: 'doctor', purpose: 'treatment' });

    expect((await call(tokens.operator!, { method: 'POST', url: `/api/health-records/institutions/${w.orgs.hospital}/integrate` })).statusCode).toBe(200);
    const ok = await call(tokens['doctor.rmyy']!, { method: 'GET', url });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().documents.map((d: { kind: string }) => d.kind)).toEqual(['diagnosis']);
    expect(ok.json().basics).toBeUndefined();
    const noPurpose = await call(tokens['doctor.rmyy']!, { method: 'GET', url: `/api/health-records/persons/${alice}` });
    expect(noPurpose.statusCode).toBe(400);

    const grants = await call(tokens.operator!, { method: 'GET', url: '/api/health-records/grants?status=active' });
    const grant = grants.json().grants.find((g: { granteeOrganisationId: number }) => g.granteeOrganisationId === w.orgs.hospital);
    expect((await call(tokens.operator!, { method: 'POST', url: `/api/health-records/grants/${grant.id}/revoke`, payload: { reason: '安全检查暂停' } })).statusCode).toBe(200);
    const after = await call(tokens['doctor.rmyy']!, { method: 'GET', url });
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('grant_revoked');
  });

  it('shows a resident their own record and who accessed it; never another resident\'s', async () => {
    const mine = await call(tokens.alice!, { method: 'GET', url: '/api/health-records/me' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ personId: alice, name: '张伟' });
    expect(JSON.stringify(mine.json())).not.toContain('2型糖尿病');
    const bobs = await call(tokens.bob!, { method: 'GET', url: '/api/health-records/me' });
    expect(bobs.json()).toMatchObject({ personId: bob, name: '王芳' });
    expect(JSON.stringify(bobs.json())).not.toContain('张伟');
    // The staff endpoint that takes a person id is closed to residents.
    expect((await call(tokens.alice!, { method: 'GET', url: `/api/health-records/persons/${bob}?purpose=treatment` })).statusCode).toBe(403);
    expect((await call(tokens.alice!, { method: 'GET', url: `/api/health-records/me?personId=${bob}` })).statusCode).toBe(400);
    const access = await call(tokens.alice!, { method: 'GET', url: '/api/health-records/me/access' });
    const actions = access.json().entries.map((e: { action: string; actorName: string }) => `${e.actorName}:${e.action}`);
    expect(actions).toEqual(expect.arrayContaining(['李医生:health_record.create', '李医生:health_record.read_refused', '李医生:health_record.read', '张伟:health_record.read']));
    const bobAccess = await call(tokens.bob!, { method: 'GET', url: '/api/health-records/me/access' });
    expect(bobAccess.json().entries.every((e: { actorName: string }) => e.actorName !== '张伟')).toBe(true);
  });

  it('gives the resident a FHIR JSON copy and a PDF copy of their own record only', async () => {
    const json = await call(tokens.alice!, { method: 'GET', url: '/api/health-records/me/copy.json' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/fhir+json');
    const bundle = json.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry[0].resource).toMatchObject({ resourceType: 'Patient', name: [{ text: '张伟' }], identifier: [{ value: patient().docNumber }] });
    expect(JSON.stringify(bundle)).not.toContain('王芳');
    const pdf = await call(tokens.alice!, { method: 'GET', url: '/api/health-records/me/copy.pdf' });
    if (findCjkFont()) {
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    } else {
      // No CJK font on this machine: refused with the citation, never a PDF of empty boxes.
      expect(pdf.statusCode).toBe(503);
      expect(pdf.json().error).toMatchObject({ code: 'pdf_font_unavailable', citation: { article: '第十五条' } });
    }
    const copies = await call(tokens.auditor!, { method: 'GET', url: `/api/audit?action=health_record.copy&entityId=${alice}` });
    expect(copies.json().rows.length).toBeGreaterThanOrEqual(1);
  });

  it('publishes aggregate statistics only, suppressing small cells (第十三条)', async () => {
    const res = await call(null, { method: 'GET', url: '/api/health-records/statistics' });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.classification).toBe('public');
    expect(s.people).toEqual({ value: null, suppressed: true });
    expect(JSON.stringify(s)).not.toMatch(/张伟|王芳|110102/);
    const csv = await call(null, { method: 'GET', url: '/api/health-records/statistics?format=csv' });
    expect(csv.body).toContain('people,all,<5');
    expect((await call(null, { method: 'GET', url: '/api/health-records/statistics/internal' })).statusCode).toBe(401);
  });

  it('documents every route in OpenAPI', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/api/health-records/uploads', '/api/health-records/fhir', '/api/health-records/persons/{personId}', '/api/health-records/me/copy.pdf', '/api/health-records/grants/{id}/approve', '/api/health-records/merges/{id}/undo', '/api/health-records/statistics']) expect(spec.paths[p]).toBeDefined();
  });
});
