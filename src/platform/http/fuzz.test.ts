import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { allMigrations, createApp } from '../../app.ts';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import type { PlatformTables } from '../db/schema.ts';
import { manualClock } from '../time/clock.ts';
import { civilDateOf } from '../time/civil.ts';
import { seedPlatformDemo, syntheticResidentId } from '../../seed/demo.ts';
import { documentTypes, validateDocument } from '../identity/documents.ts';

/**
 * Hostile bodies against the sign-in endpoints: whatever arrives, the answer is a 4xx with the
 * platform's error body (never a 5xx), and nothing is written unless a sign-in start was valid.
 */

type Table = 'persons' | 'staff' | 'sessions' | 'audit_log' | 'sign_in_challenges' | 'outbox';
const tables: Table[] = ['persons', 'staff', 'sessions', 'audit_log', 'sign_in_challenges', 'outbox'];

async function counts(db: Kysely<PlatformTables>): Promise<Record<Table, number>> {
  const entries = await Promise.all(
    tables.map(async (table) => [table, Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)] as const),
  );
  return Object.fromEntries(entries) as Record<Table, number>;
}

const validId = '11010519491231002X';

/** Strings an attacker or a broken client might send. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '   ',
    '\u0000',
    'a\u0000b',
    '\u202e\u200b',
    '\ud800',
    '𠮷',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    'Robert"); DROP TABLE persons;--',
    '%00',
    '${jndi:ldap://x/a}',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    validId,
    '11010519491231002x',
    'H12345678',
    'E12345678',
    '13800138000',
    'operator',
    'auditor',
    '000000',
  ),
  fc.integer({ min: 41, max: 80_000 }).map((n) => 'A'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '张'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, -0, [], {}, [validId], { toString: 'x' }) },
);

/** A JSON object as text, so that keys such as __proto__ and duplicates survive serialisation. */
function objectText(entries: readonly (readonly [string, unknown])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
}

function objectBody(fields: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'isAdmin', 'personId', '') },
    { weight: 1, arbitrary: hostileString },
  );
  return fc.array(fc.tuple(key, hostileValue), { maxLength: 8 }).map(objectText);
}

const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `{"docType":"resident_id","docNumber":"${validId}","name":"张三","phone":"13800138000","__proto__":{"isAdmin":true}}`,
  `{"docType":"resident_id","docNumber":"${validId}","name":"张三","phone":"13800138000","constructor":{"prototype":{"isAdmin":true}}}`,
  '{"username":"operator","password":"x","__proto__":null}',
  '{"challengeId":"x","code":"123456","__proto__":{"code":"000000"}}',
  '{"a":{"__proto__":{"polluted":true}}}',
  '[{"__proto__":{"polluted":true}}]',
);

const nested = fc.oneof(
  fc.integer({ min: 1, max: 20_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.integer({ min: 1, max: 30_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: 2_000 }).map((d) => `{"username":${'['.repeat(d)}"operator"${']'.repeat(d)},"password":"x"}`),
);

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
  fc.constantFrom('', '{', '}', '{"a":}', 'null', 'true', '"string"', '1e999', 'NaN', '{"a":1,}', "{'a':1}", '\uFEFF{}', '{"a":"\\ud800"}'),
);

/** Resident IDs that look right but are not: one character of a valid number changed. */
const nearlyValidId = fc
  .tuple(fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789X'))
  .filter(([at, c]) => validId[at] !== c)
  .map(([at, c]) => validId.slice(0, at) + c + validId.slice(at + 1));

const phone = fc.oneof(fc.stringMatching(/^1\d{10}$/), fc.stringMatching(/^\d{1,12}$/), hostileString);

const startShaped = fc
  .record({
    docType: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...documentTypes) }, { weight: 1, arbitrary: hostileString }),
    docNumber: fc.oneof(nearlyValidId, hostileString, fc.stringMatching(/^[HM]\d{7,9}$/)),
    name: hostileString,
    phone,
    locale: fc.constantFrom(undefined, 'zh-CN', 'en', 'fr', ''),
  })
  .map((r) => JSON.stringify(r));

/** Bodies that pass the schema, so the document and phone rules have to refuse them. */
const startRuleTested = fc
  .record({
    docType: fc.constantFrom(...documentTypes),
    docNumber: fc.oneof(nearlyValidId, fc.string({ minLength: 1, maxLength: 40 }), fc.stringMatching(/^[HM]\d{7,9}$/), fc.stringMatching(/^[\dXx]{15,19}$/)),
    name: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('张三', '<script>alert(1)</script>', "' OR 1=1 --")),
    phone: fc.oneof(fc.stringMatching(/^1\d{10}$/), fc.stringMatching(/^\d{10,12}$/), fc.string({ minLength: 1, maxLength: 20 })),
    locale: fc.constantFrom(undefined, 'zh-CN', 'en'),
  })
  .map((r) => JSON.stringify(r));

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', undefined) },
);

const knownCodes = new Set([
  'invalid_request',
  'malformed_json',
  'unknown_field',
  'body_too_large',
  'invalid_id_number',
  'invalid_document_type',
  'invalid_phone',
  'invalid_name',
  'rate_limited',
  'identity_mismatch',
  'invalid_sign_in_code',
  'invalid_credentials',
]);

/** Codes of the sign-in rules themselves (as opposed to request validation). */
const ruleCodes = new Set(['invalid_id_number', 'invalid_document_type', 'invalid_phone', 'invalid_name', 'identity_mismatch', 'rate_limited']);

const today = civilDateOf(new Date('2026-03-02T01:00:00Z'));

/** Independently of the server: could this body be a valid sign-in start? */
function couldStart(payload: string, type: string | undefined): boolean {
  if (type === undefined || !type.startsWith('application/json')) return false;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  const allowed = ['docType', 'docNumber', 'name', 'phone', 'locale'];
  if (Object.keys(b).some((key) => !allowed.includes(key))) return false;
  const { docType, docNumber, name, phone: ph } = b;
  return (
    typeof docType === 'string' &&
    typeof docNumber === 'string' &&
    typeof name === 'string' &&
    typeof ph === 'string' &&
    name.trim().length >= 1 &&
    [...name].length <= 40 &&
    !/[\u0000-\u001f\u007f]/.test(name) &&
    !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(docNumber + ph + docType) &&
    /^1\d{10}$/.test(ph) &&
    validateDocument(docType, docNumber, today).allowed
  );
}

describe.each(testEngines)('hostile sign-in bodies on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let app: FastifyInstance;
  let realChallenge: { challengeId: string; demoCode: string };
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));
  const numRuns = engine === 'sqlite' ? 300 : 150;

  // Control characters (NUL above all, which PostgreSQL text cannot hold) are refused up front.
  const adapt = (payload: string) => payload;

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    await seedPlatformDemo(t.db, clock, 3);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
    const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { docType: 'resident_id', docNumber: syntheticResidentId('1980-01-01', 50, false), name: '测试', phone: '13800138000' } });
    realChallenge = start.json() as { challengeId: string; demoCode: string };
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  async function send(url: string, rawPayload: string, type: string | undefined) {
    const payload = adapt(rawPayload);
    const before = await counts(t.db.kysely);
    const res = await app.inject({ method: 'POST', url, payload, headers: type === undefined ? {} : { 'content-type': type } });
    const after = await counts(t.db.kysely);
    return { res, before, after, payload };
  }

  function expectRefusal(res: Awaited<ReturnType<typeof send>>['res']) {
    expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    const body = res.json() as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(knownCodes.has(body.error!.code as string), String(body.error!.code)).toBe(true);
    expect(typeof body.error?.message).toBe('string');
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/);
  }

  it('POST /api/auth/resident/start writes only for a valid start', async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: startRuleTested },
      { weight: 3, arbitrary: startShaped },
      { weight: 3, arbitrary: objectBody(['docType', 'docNumber', 'name', 'phone', 'locale']) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: pollution },
      { weight: 1, arbitrary: nested },
      { weight: 1, arbitrary: garbage },
    );
    let refused = 0;
    let refusedByRules = 0;
    await fc.assert(
      fc.asyncProperty(body, contentType, async (raw, type) => {
        const { res, before, after, payload } = await send('/api/auth/resident/start', raw, type);
        if (res.statusCode === 200) {
          expect(couldStart(payload, type), payload.slice(0, 300)).toBe(true);
          expect(Object.keys(res.json() as object).sort()).toEqual(['challengeId', 'demoCode', 'expiresAt', 'maskedPhone']);
          expect(after.sign_in_challenges).toBe(before.sign_in_challenges + 1);
          expect(after.outbox).toBe(before.outbox + 1);
          expect(after.sessions).toBe(before.sessions);
          expect(after.staff).toBe(before.staff);
        } else {
          refused++;
          expectRefusal(res);
          if (ruleCodes.has((res.json() as { error: { code: string } }).error.code)) refusedByRules++;
          expect(after).toEqual(before);
        }
      }),
      { numRuns },
    );
    // The generators aim mostly at refusals, a good share of them past schema validation.
    expect(refused).toBeGreaterThan(numRuns / 2);
    expect(refusedByRules).toBeGreaterThan(numRuns / 20);

  });

  it('POST /api/auth/resident/verify never signs anyone in', async () => {
    const shaped = fc
      .record({
        challengeId: fc.oneof(hostileString, fc.constant(realChallenge.challengeId)),
        code: fc.oneof(fc.stringMatching(/^\d{6}$/).filter((c) => c !== realChallenge.demoCode), hostileString.filter((c) => c !== realChallenge.demoCode)),
      })
      .map((r) => JSON.stringify(r));
    const body = fc.oneof(
      { weight: 4, arbitrary: shaped },
      { weight: 3, arbitrary: objectBody(['challengeId', 'code']) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: pollution },
      { weight: 1, arbitrary: nested },
      { weight: 1, arbitrary: garbage },
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (raw, type) => {
        const { res, before, after } = await send('/api/auth/resident/verify', raw, type);
        expectRefusal(res);
        expect(res.cookies).toHaveLength(0);
        expect(after).toEqual(before);
      }),
      { numRuns },
    );
    // The real challenge is locked by now or untouched; either way it was never consumed.
    const ch = await t.db.kysely.selectFrom('sign_in_challenges').selectAll().where('id', '=', realChallenge.challengeId).executeTakeFirstOrThrow();
    expect(ch.consumed_at).toBeNull();
    expect(Number(ch.attempts)).toBeLessThanOrEqual(5);
  });

  it('POST /api/auth/staff never signs anyone in with a wrong password', async () => {
    const shaped = fc
      .record({ username: fc.oneof(fc.constantFrom('operator', 'auditor', 'doctor.rmyy'), hostileString), password: hostileString })
      .map((r) => JSON.stringify(r));
    const body = fc.oneof(
      { weight: 2, arbitrary: shaped },
      { weight: 4, arbitrary: objectBody(['username', 'password']) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: pollution },
      { weight: 1, arbitrary: nested },
      { weight: 1, arbitrary: garbage },
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (raw, type) => {
        const { res, before, after } = await send('/api/auth/staff', raw, type);
        expectRefusal(res);
        expect(res.cookies).toHaveLength(0);
        expect(after).toEqual(before);
      }),
      { numRuns },
    );
  });

  it('leaves Object.prototype unpolluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
