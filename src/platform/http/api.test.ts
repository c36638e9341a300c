import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { allMigrations, createApp } from '../../app.ts';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import type { PlatformTables } from '../db/schema.ts';
import { manualClock } from '../time/clock.ts';
import { demoPassword, seedPlatformDemo, syntheticResidentId } from '../../seed/demo.ts';
import type { IdentityVerifier } from '../identity/sign-in.ts';
import { statusFor } from './refusal.ts';

type Table = 'persons' | 'staff' | 'sessions' | 'sign_in_challenges' | 'outbox' | 'audit_log';
const tables: Table[] = ['persons', 'staff', 'sessions', 'sign_in_challenges', 'outbox', 'audit_log'];

async function counts(db: Kysely<PlatformTables>): Promise<Record<Table, number>> {
  const entries = await Promise.all(
    tables.map(async (table) => {
      const r = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return [table, Number(r.n)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Table, number>;
}

const CJK = /[\u4e00-\u9fff]/;

/**
 * A refused document answers with the status registered for its code. Services may register
 * platform codes too (appointments maps invalid_id_number to 400), so the value is read, not pinned.
 */
const badDocumentStatus = statusFor('invalid_id_number');

/** The platform's error body: {"error":{"code","message","citation"?}}, with nothing internal in it. */
function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string; citation?: { doc: string; article: string; url: string } } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(Object.keys(body.error).every((key) => ['code', 'message', 'citation', 'reasons'].includes(key))).toBe(true);
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts\b|stack|Error:/);
  return body.error;
}

const personFields = ['docNumber', 'docType', 'id', 'locale', 'masked', 'name', 'phone'];

describe.each(testEngines)('HTTP API on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let k: Kysely<PlatformTables>;
  let app: FastifyInstance;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));
  let serial = 10;
  const freshId = () => syntheticResidentId('1990-01-20', serial++, false);

  const tokens = new Map<string, string>();
  async function staffToken(username: string): Promise<string> {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username, password: demoPassword } });
    expect(res.statusCode, res.body).toBe(200);
    const token = (res.json() as { token: string }).token;
    tokens.set(username, token);
    return token;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function signInResident(docNumber: string, name: string, phone = '13800138000') {
    const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { docType: 'resident_id', docNumber, name, phone } });
    expect(start.statusCode, start.body).toBe(200);
    const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
    const verify = await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } });
    expect(verify.statusCode, verify.body).toBe(200);
    const { token, personId } = verify.json() as { token: string; personId: number };
    return { token, personId, code: demoCode, verify };
  }

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    k = t.db.kysely;
    await seedPlatformDemo(t.db, clock, 3);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('answers GET /healthz with {"status":"ok"}', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('publishes an OpenAPI document listing the API', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.0.3');
    for (const path of ['/api/auth/resident/start', '/api/auth/resident/verify', '/api/auth/staff', '/api/me', '/api/persons/{id}', '/api/audit', '/api/me/messages', '/api/law/documents', '/api/law/search']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/auth/resident/start']).toHaveProperty('post');
    expect(doc.paths['/api/law/search']).toHaveProperty('get');
    // Pages are not API.
    expect(doc.paths).not.toHaveProperty(['/sign-in']);
    expect(doc.paths).not.toHaveProperty(['/healthz']);
  });

  describe('error bodies', () => {
    const badId = { docType: 'resident_id', docNumber: '110105194912310021', name: '张三', phone: '13800138000' };

    it('use a 4xx status for a refused document', () => {
      expect([400, 422]).toContain(badDocumentStatus);
    });

    it('are zh-CN by default and carry the citation with a link', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: badId });
      const e = expectError(res, badDocumentStatus, 'invalid_id_number');
      expect(e.message).toMatch(CJK);
      expect(e.citation).toEqual({
        doc: '西卫〔2019〕5号',
        article: '第十六条',
        url: `/law/${encodeURIComponent('西卫〔2019〕5号')}#${encodeURIComponent('第十六条')}`,
      });
    });

    it('are English with Accept-Language: en', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: badId, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
      const e = expectError(res, badDocumentStatus, 'invalid_id_number');
      expect(e.message).toBe('Resident ID check digit is wrong (GB 11643-1999)');
      expect(e.citation?.doc).toBe('西卫〔2019〕5号');
      const notFound = await app.inject({ method: 'GET', url: '/api/nope', headers: { 'accept-language': 'en' } });
      expect(expectError(notFound, 404, 'not_found').message).toBe('Not found');
      const zh = await app.inject({ method: 'GET', url: '/api/nope', headers: { 'accept-language': 'zh-CN,en;q=0.5' } });
      expect(expectError(zh, 404, 'not_found').message).toMatch(CJK);
    });

    it('cite 西教发〔2019〕11号 for a malformed 港澳居民来往内地通行证', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { ...badId, docType: 'hk_macau_permit', docNumber: 'H1234' } });
      expect(expectError(res, badDocumentStatus, 'invalid_id_number').citation?.doc).toBe('西教发〔2019〕11号');
    });

    it('answer an unexpected failure with 500 internal_error and nothing internal', async () => {
      const throwing: IdentityVerifier = { verify: async () => { throw new Error('secret detail at /srv/verifier.ts:12:3'); } };
      const { app: broken } = await createApp({ db: t.db, clock, verifier: throwing, server: { rateLimitPerMinute: 1_000_000 } });
      try {
        const before = await counts(k);
        const res = await broken.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { ...badId, docNumber: freshId() } });
        const e = expectError(res, 500, 'internal_error');
        expect(res.body).not.toContain('secret');
        expect(e.message).toMatch(CJK);
        const en = await broken.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { ...badId, docNumber: freshId() }, headers: { 'accept-language': 'en' } });
        expect(expectError(en, 500, 'internal_error').message).toBe('Something went wrong on our side. Please try again.');
        expect(await counts(k)).toEqual(before);
      } finally {
        await broken.close();
      }
    });
  });

  describe('request validation writes nothing', () => {
    const valid = () => ({ docType: 'resident_id', docNumber: freshId(), name: '张三', phone: '13800138000' });
    const big = JSON.stringify({ ...valid(), name: '张'.repeat(30_000) });

    it.each<[string, () => { url: string; payload: string | object; headers?: Record<string, string> }, string]>([
      ['malformed JSON', () => ({ url: '/api/auth/resident/start', payload: '{"docType":"resident_id",', headers: { 'content-type': 'application/json' } }), 'malformed_json'],
      ['an empty JSON body', () => ({ url: '/api/auth/resident/start', payload: '', headers: { 'content-type': 'application/json' } }), 'malformed_json'],
      ['a __proto__ key', () => ({ url: '/api/auth/resident/start', payload: `{"__proto__":{"admin":true},${JSON.stringify(valid()).slice(1)}`, headers: { 'content-type': 'application/json' } }), 'malformed_json'],
      ['a constructor.prototype key', () => ({ url: '/api/auth/staff', payload: '{"constructor":{"prototype":{"admin":true}},"username":"operator","password":"x"}', headers: { 'content-type': 'application/json' } }), 'malformed_json'],
      ['a JSON array', () => ({ url: '/api/auth/resident/start', payload: '[]', headers: { 'content-type': 'application/json' } }), 'invalid_request'],
      ['JSON null', () => ({ url: '/api/auth/resident/start', payload: 'null', headers: { 'content-type': 'application/json' } }), 'invalid_request'],
      ['a number where a string belongs', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), docNumber: 110105194912310020 } }), 'invalid_request'],
      ['a boolean where a string belongs', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), phone: true } }), 'invalid_request'],
      ['an object where a string belongs', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), name: { zh: '张三' } } }), 'invalid_request'],
      ['a missing field', () => ({ url: '/api/auth/resident/start', payload: { docType: 'resident_id', docNumber: freshId(), name: '张三' } }), 'invalid_request'],
      ['an empty name', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), name: '' } }), 'invalid_request'],
      ['an over-long name', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), name: '张'.repeat(41) } }), 'invalid_request'],
      ['an unknown document type', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), docType: 'driver_licence' } }), 'invalid_request'],
      ['an unknown locale', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), locale: 'fr' } }), 'invalid_request'],
      ['an unknown field', () => ({ url: '/api/auth/resident/start', payload: { ...valid(), role: 'platform_operator' } }), 'unknown_field'],
      ['a body over 64 KiB', () => ({ url: '/api/auth/resident/start', payload: big, headers: { 'content-type': 'application/json' } }), 'body_too_large'],
      ['an unsupported content type', () => ({ url: '/api/auth/staff', payload: '<xml/>', headers: { 'content-type': 'application/xml' } }), 'invalid_request'],
      ['a code that is not six digits', () => ({ url: '/api/auth/resident/verify', payload: { challengeId: 'x', code: '12345' } }), 'invalid_request'],
      ['an unknown field on verify', () => ({ url: '/api/auth/resident/verify', payload: { challengeId: 'x', code: '123456', personId: 1 } }), 'unknown_field'],
      ['a numeric password', () => ({ url: '/api/auth/staff', payload: { username: 'operator', password: 12345678 } }), 'invalid_request'],
      ['an unknown field on staff sign-in', () => ({ url: '/api/auth/staff', payload: { username: 'operator', password: demoPassword, role: 'auditor' } }), 'unknown_field'],
    ])('refuses %s with 400', async (_what, make, code) => {
      const before = await counts(k);
      const res = await app.inject({ method: 'POST', ...make() });
      expectError(res, 400, code);
      expect(await counts(k)).toEqual(before);
    });

    it('checks that the body limit really is 64 KiB', () => {
      expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);
    });

    it('names the unknown field, in either language', async () => {
      const zh = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { ...valid(), isAdmin: true } });
      expect(expectError(zh, 400, 'unknown_field').message).toBe('不接受的字段：isAdmin');
      const en = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { ...valid(), isAdmin: true }, headers: { 'accept-language': 'en' } });
      expect(expectError(en, 400, 'unknown_field').message).toBe('Unknown field: isAdmin');
    });
  });

  it('sets security headers on pages, API answers and errors', async () => {
    for (const url of ['/', '/api/law/documents', '/api/nope', '/healthz']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("form-action 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('rate-limits per client with 429 rate_limited, but never /healthz', async () => {
    const { app: limited } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.inject({ method: 'GET', url: '/api/law/documents' })).statusCode).toBe(200);
      const res = await limited.inject({ method: 'GET', url: '/api/law/documents' });
      const e = expectError(res, 429, 'rate_limited');
      expect(e.message).toMatch(CJK);
      expect(res.headers['retry-after']).toBeDefined();
      const en = await limited.inject({ method: 'POST', url: '/api/auth/staff', payload: { username: 'operator', password: demoPassword }, headers: { 'accept-language': 'en' } });
      expect(expectError(en, 429, 'rate_limited').message).toBe('Too many requests; please slow down');
      // Another client is not affected.
      expect((await limited.inject({ method: 'GET', url: '/api/law/documents', remoteAddress: '198.51.100.20' })).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  describe('resident sessions', () => {
    it('signs in over the API, with a session cookie for pages as well as a token', async () => {
      const { verify, token } = await signInResident(freshId(), '周一');
      const cookie = verify.cookies.find((c) => c.name === 'yiwang_session');
      expect(cookie).toMatchObject({ value: token, path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 8 * 3600 });
      const viaCookie = await app.inject({ method: 'GET', url: '/api/me', cookies: { yiwang_session: token } });
      expect(viaCookie.statusCode).toBe(200);
    });

    it('GET /api/me shows the owner their own numbers unmasked', async () => {
      const doc = freshId();
      const { token, personId } = await signInResident(doc, '吴二', '13912345678');
      const res = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        kind: 'person',
        role: 'resident',
        name: '吴二',
        organisationId: null,
        person: { id: personId, name: '吴二', docType: 'resident_id', docNumber: doc, phone: '13912345678', locale: 'zh-CN', masked: false },
      });
    });

    it('GET /api/me is 401 without a session or with a bad token', async () => {
      expectError(await app.inject({ method: 'GET', url: '/api/me' }), 401, 'unauthenticated');
      expectError(await app.inject({ method: 'GET', url: '/api/me', headers: bearer('forged-token') }), 401, 'unauthenticated');
    });

    it('GET /api/me for staff has no person', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(await staffToken('doctor.rmyy')) });
      expect(res.json()).toMatchObject({ kind: 'staff', role: 'doctor', name: '李医生', person: null });
      expect((res.json() as { organisationId: unknown }).organisationId).toEqual(expect.any(Number));
    });

    it('signing out ends the session', async () => {
      const { token } = await signInResident(freshId(), '郑三');
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(200);
      const out = await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(token) });
      expect(out.json()).toEqual({ signedOut: true });
      expectError(await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) }), 401, 'unauthenticated');
    });

    it('GET /api/me/messages returns the sign-in SMS', async () => {
      const { token, code } = await signInResident(freshId(), '冯四');
      const res = await app.inject({ method: 'GET', url: '/api/me/messages', headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      const { messages } = res.json() as { messages: { template: string; body: string; status: string }[] };
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ template: 'identity.sign_in_code', status: 'pending' });
      expect(messages[0]!.body).toBe(`【西城一网通办】您的实名登录验证码为${code}，5分钟内有效。请勿告诉他人。`);
      expectError(await app.inject({ method: 'GET', url: '/api/me/messages' }), 401, 'unauthenticated');
      expectError(await app.inject({ method: 'GET', url: '/api/me/messages', headers: bearer(await staffToken('operator')) }), 403, 'forbidden');
    });

    it('a wrong code is 401 invalid_sign_in_code', async () => {
      const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { docType: 'passport', docNumber: 'E12345678', name: 'Jane Doe', phone: '13800001234', locale: 'en' } });
      const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
      const before = await counts(k);
      const res = await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode === '000000' ? '111111' : '000000' } });
      expect(expectError(res, 401, 'invalid_sign_in_code').citation?.article).toBe('第十五条');
      expect(res.cookies).toHaveLength(0);
      expect(await counts(k)).toEqual(before);
    });

    it('a wrong staff password is 401 invalid_credentials without a cookie', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username: 'operator', password: 'not-the-password' } });
      expectError(res, 401, 'invalid_credentials');
      expect(res.cookies).toHaveLength(0);
    });
  });

  describe('GET /api/persons/:id', () => {
    let personId: number;
    let doc: string;
    let residentToken: string;
    const reads = async () =>
      Number(
        (
          await k
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', '=', 'person.read')
            .where('entity_id', '=', String(personId))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      doc = freshId();
      ({ personId, token: residentToken } = await signInResident(doc, '陈五', '13698765432'));
    });

    it('is 401 for anonymous and 403 for a resident, even for their own record, and audits neither', async () => {
      const before = await reads();
      expectError(await app.inject({ method: 'GET', url: `/api/persons/${personId}` }), 401, 'unauthenticated');
      expectError(await app.inject({ method: 'GET', url: `/api/persons/${personId}`, headers: bearer(residentToken) }), 403, 'forbidden');
      expect(await reads()).toBe(before);
    });

    it.each([
      ['operator', 'platform_operator', '周运营'],
      ['doctor.rmyy', 'doctor', '李医生'],
      ['doctor.yt', 'family_doctor', '王家庭'],
      ['admin.rmyy', 'institution_admin', '陈管理'],
    ])('shows %s (%s) the full numbers and audits the read', async (username, role, name) => {
      const before = await reads();
      const res = await app.inject({ method: 'GET', url: `/api/persons/${personId}`, headers: bearer(await staffToken(username)) });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json()).sort()).toEqual(personFields);
      expect(res.json()).toMatchObject({ id: personId, name: '陈五', docNumber: doc, phone: '13698765432', masked: false });
      expect(await reads()).toBe(before + 1);
      const last = await k.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(last).toMatchObject({ action: 'person.read', entity_type: 'person', entity_id: String(personId), actor_kind: 'staff', actor_role: role, actor_name: name });
    });

    it('shows an auditor masked numbers, and audits that read too', async () => {
      const before = await reads();
      const res = await app.inject({ method: 'GET', url: `/api/persons/${personId}`, headers: bearer(await staffToken('auditor')) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: personId, docNumber: `${doc.slice(0, 3)}***********${doc.slice(14)}`, phone: '136****5432', masked: true });
      expect(res.body).not.toContain(doc);
      expect(res.body).not.toContain('13698765432');
      expect(await reads()).toBe(before + 1);
    });

    it('is 403 for a department reviewer', async () => {
      expectError(await app.inject({ method: 'GET', url: `/api/persons/${personId}`, headers: bearer(await staffToken('reviewer')) }), 403, 'forbidden');
    });

    it('is 404 for an unknown person and 400 for a malformed id, auditing neither', async () => {
      const token = await staffToken('operator');
      const before = await counts(k);
      expectError(await app.inject({ method: 'GET', url: '/api/persons/999999', headers: bearer(token) }), 404, 'not_found');
      for (const id of ['0', 'abc', '-1', '1.5', '01']) {
        expectError(await app.inject({ method: 'GET', url: `/api/persons/${id}`, headers: bearer(token) }), 400, 'invalid_request');
      }
      expect(await counts(k)).toEqual(before);
    });
  });

  describe('GET /api/audit', () => {
    it('is for auditors and platform operators only', async () => {
      expectError(await app.inject({ method: 'GET', url: '/api/audit' }), 401, 'unauthenticated');
      for (const username of ['doctor.rmyy', 'doctor.yt', 'admin.rmyy', 'reviewer']) {
        expectError(await app.inject({ method: 'GET', url: '/api/audit', headers: bearer(await staffToken(username)) }), 403, 'forbidden');
      }
      const { token } = await signInResident(freshId(), '褚六');
      expectError(await app.inject({ method: 'GET', url: '/api/audit', headers: bearer(token) }), 403, 'forbidden');
      for (const username of ['auditor', 'operator']) {
        const res = await app.inject({ method: 'GET', url: '/api/audit', headers: bearer(await staffToken(username)) });
        expect(res.statusCode).toBe(200);
        expect((res.json() as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
      }
    });

    it('searches by action, newest first', async () => {
      const token = await staffToken('auditor');
      const res = await app.inject({ method: 'GET', url: '/api/audit?action=person.read&limit=500', headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      const rows = (res.json() as { rows: { seq: number; action: string }[] }).rows;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.action === 'person.read')).toBe(true);
      const expected = await k.selectFrom('audit_log').select('seq').where('action', '=', 'person.read').orderBy('seq', 'desc').execute();
      expect(rows.map((r) => r.seq)).toEqual(expected.map((r) => Number(r.seq)));
      const byActor = await app.inject({ method: 'GET', url: `/api/audit?actorName=${encodeURIComponent('运营')}`, headers: bearer(token) });
      const actorRows = (byActor.json() as { rows: { seq: number; actor_name: string }[] }).rows;
      const operatorRows = await k.selectFrom('audit_log').select('seq').where('actor_name', '=', '周运营').orderBy('seq', 'desc').execute();
      expect(operatorRows.length).toBeGreaterThan(0);
      expect(actorRows.map((r) => r.seq)).toEqual(operatorRows.map((r) => Number(r.seq)));
    });

    it('exports CSV with a header row', async () => {
      const token = await staffToken('auditor');
      const json = (await app.inject({ method: 'GET', url: '/api/audit?action=person.&limit=500', headers: bearer(token) })).json() as { rows: { seq: number }[] };
      const res = await app.inject({ method: 'GET', url: '/api/audit?action=person.&limit=500&format=csv', headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toContain('audit.csv');
      const lines = res.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      expect(lines[0]).toBe('seq,at,actor_name,actor_role,action,entity_type,entity_id,purpose,grant_ref,source_ip,hash');
      expect(lines).toHaveLength(json.rows.length + 1);
      expect(lines[1]!.split(',')[0]).toBe(String(json.rows[0]!.seq));
    });

    it('refuses unknown query parameters', async () => {
      expectError(await app.inject({ method: 'GET', url: '/api/audit?drop=1', headers: bearer(await staffToken('auditor')) }), 400, 'unknown_field');
    });
  });

  describe('law API', () => {
    it('lists the 21 documents of the gazette', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/law/documents' });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { title: string; documents: { docNumber: string; group: string; url: string }[] };
      expect(body.title).toBe('北京市西城区人民政府公报');
      expect(body.documents).toHaveLength(21);
      expect(new Set(body.documents.map((d) => d.group))).toEqual(new Set(['区政府文件', '区政府办文件', '部门文件']));
      const wei5 = body.documents.find((d) => d.docNumber === '西卫〔2019〕5号');
      expect(wei5?.url).toBe(`/law/${encodeURIComponent('西卫〔2019〕5号')}`);
    });

    it('returns 西卫〔2019〕5号 with its 第十七条', async () => {
      const res = await app.inject({ method: 'GET', url: `/api/law/documents/${encodeURIComponent('西卫〔2019〕5号')}` });
      expect(res.statusCode).toBe(200);
      const d = res.json() as { docNumber: string; articles: { id: string; text: string; url: string }[] };
      expect(d.docNumber).toBe('西卫〔2019〕5号');
      const a17 = d.articles.find((a) => a.id === '第十七条');
      expect(a17?.text.length).toBeGreaterThan(0);
      expect(a17?.url).toBe(`/law/${encodeURIComponent('西卫〔2019〕5号')}#${encodeURIComponent('第十七条')}`);
      expect(d.articles.some((a) => a.id === '第十六条')).toBe(true);
    });

    it('is 404 not_found for a document the gazette does not have', async () => {
      const res = await app.inject({ method: 'GET', url: `/api/law/documents/${encodeURIComponent('西卫〔2019〕99号')}` });
      expectError(res, 404, 'not_found');
    });

    // The gazette writes 计算机派位; 电脑派位 (the /law placeholder's example) finds nothing, see the report.
    it.each(['计算机派位', '派位'])('finds %s in 西教发〔2019〕10号', async (q) => {
      const res = await app.inject({ method: 'GET', url: `/api/law/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { query: string; hits: { docNumber: string; snippet: string; url: string }[] };
      expect(body.query).toBe(q);
      expect(body.hits.length).toBeGreaterThan(0);
      expect(body.hits.some((h) => h.docNumber === '西教发〔2019〕10号' && h.snippet.includes(q))).toBe(true);
      expect(body.hits.every((h) => h.url.startsWith('/law/'))).toBe(true);
    });

    it('validates the search query', async () => {
      expectError(await app.inject({ method: 'GET', url: '/api/law/search' }), 400, 'invalid_request');
      expectError(await app.inject({ method: 'GET', url: `/api/law/search?q=${encodeURIComponent('预'.repeat(101))}` }), 400, 'invalid_request');
      expectError(await app.inject({ method: 'GET', url: '/api/law/search?q=a&limit=abc' }), 400, 'invalid_request');
    });
  });
});
