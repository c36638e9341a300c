import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { allMigrations } from '../../app.ts';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import type { PlatformTables } from '../db/schema.ts';
import { manualClock } from '../time/clock.ts';
import { demoPassword, demoStaff, seedPlatformDemo, syntheticResidentId } from '../../seed/demo.ts';
import { searchAudit } from '../audit/search.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { allow, refuse, reason, type Decision } from '../law/decision.ts';
import { completeResidentSignIn, documentOnlyVerifier, staffSignIn, startResidentSignIn, type ChallengeIssued, type IdentityVerifier, type SignInStart } from './sign-in.ts';
import { viewerForToken } from './sessions.ts';

type Table = 'persons' | 'sign_in_challenges' | 'outbox' | 'audit_log' | 'sessions';

async function count(db: Kysely<PlatformTables>, table: Table): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function counts(db: Kysely<PlatformTables>): Promise<Record<Table, number>> {
  const tables: Table[] = ['persons', 'sign_in_challenges', 'outbox', 'audit_log', 'sessions'];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(db, t)] as const))) as Record<Table, number>;
}

function issued(d: Decision<ChallengeIssued>): ChallengeIssued {
  if (!d.allowed) throw new Error(`sign-in start refused: ${JSON.stringify(d.reasons)}`);
  return d.value;
}

function codeOf(c: ChallengeIssued): string {
  if (!c.demoCode) throw new Error('no demo code');
  return c.demoCode;
}

/** The other six-digit code: surely wrong. */
function wrong(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe.each(testEngines)('resident and staff sign-in on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let k: Kysely<PlatformTables>;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));
  let serial = 10;
  /** A fresh valid 居民身份证 number per call, distinct from the seeded ones. */
  const freshId = () => syntheticResidentId('1985-06-15', serial++, serial % 2 === 0);

  const start = (input: Partial<SignInStart> & { docNumber: string }, reveal = true, verifier: IdentityVerifier = documentOnlyVerifier) =>
    startResidentSignIn(t.db, clock, verifier, { docType: 'resident_id', name: '张三', phone: '13800138000', ...input }, { revealCode: reveal, ip: '203.0.113.9' });

  // Exact match on the action. searchAudit's prefix LIKE escapes '_' with a backslash that
  // SQLite does not honour (no ESCAPE clause), so it is not used for 'session.sign_in' here.
  const auditRows = (action: string, entityType: string, entityId: number) =>
    k.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_type', '=', entityType).where('entity_id', '=', String(entityId)).execute();

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    k = t.db.kysely;
    await seedPlatformDemo(t.db, clock, 3);
  });
  afterAll(async () => t.cleanup());

  it('signs a resident in: start issues a code, complete opens a session', async () => {
    const doc = freshId();
    const before = await counts(k);
    const c = issued(await start({ docNumber: doc }));
    expect(c.maskedPhone).toBe('138****8000');
    expect(c.expiresAt).toBe(new Date(clock.now().getTime() + 5 * 60_000).toISOString());
    expect(c.demoCode).toMatch(/^\d{6}$/);
    const after = await counts(k);
    expect(after.persons).toBe(before.persons + 1);
    expect(after.sign_in_challenges).toBe(before.sign_in_challenges + 1);
    expect(after.outbox).toBe(before.outbox + 1);
    expect(after.sessions).toBe(before.sessions);

    const done = await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c), '203.0.113.9');
    if (!done.allowed) throw new Error(JSON.stringify(done.reasons));
    const person = await k.selectFrom('persons').selectAll().where('doc_number', '=', doc).executeTakeFirstOrThrow();
    expect(done.value.personId).toBe(Number(person.id));
    expect(person).toMatchObject({ doc_type: 'resident_id', name: '张三', phone: '13800138000', locale: 'zh-CN' });

    const viewer = await viewerForToken(k, clock, done.value.token);
    expect(viewer).toMatchObject({ kind: 'person', id: Number(person.id), personId: Number(person.id), name: '张三', role: 'resident' });
    expect(await count(k, 'sessions')).toBe(before.sessions + 1);

    const rows = await auditRows('session.sign_in', 'person', person.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_kind: 'person', actor_id: Number(person.id), actor_name: '张三', actor_role: 'resident', source_ip: '203.0.113.9' });
    expect(await searchAudit(k, { action: 'person.register', entityId: String(person.id) })).not.toHaveLength(0);
    expect((await verifyAuditChain(k)).ok).toBe(true);
  });

  it('stores only a hash of the session token and of the code', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    const ch = await k.selectFrom('sign_in_challenges').selectAll().where('id', '=', c.challengeId).executeTakeFirstOrThrow();
    expect(ch.code_hash).not.toContain(codeOf(c));
    expect(ch.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const done = await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c));
    if (!done.allowed) throw new Error('refused');
    expect(await k.selectFrom('sessions').selectAll().where('id', '=', done.value.token).executeTakeFirst()).toBeUndefined();
  });

  it('accepts a code only once', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    expect((await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c))).allowed).toBe(true);
    const again = await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c));
    expect(again.allowed).toBe(false);
    if (!again.allowed) expect(again.reasons[0]).toMatchObject({ code: 'invalid_sign_in_code', citation: { doc: '西卫〔2019〕5号', article: '第十五条' } });
  });

  it('refuses an unknown challenge', async () => {
    const d = await completeResidentSignIn(t.db, clock, 'no-such-challenge', '123456');
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reasons[0]!.code).toBe('invalid_sign_in_code');
  });

  it('counts wrong codes and still accepts the right one before the limit', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    for (let i = 1; i <= 4; i++) {
      const d = await completeResidentSignIn(t.db, clock, c.challengeId, wrong(codeOf(c)));
      expect(d.allowed).toBe(false);
      const ch = await k.selectFrom('sign_in_challenges').select('attempts').where('id', '=', c.challengeId).executeTakeFirstOrThrow();
      expect(Number(ch.attempts)).toBe(i);
    }
    expect((await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c))).allowed).toBe(true);
  });

  it('locks a challenge after 5 wrong codes: the right code is then refused too', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    for (let i = 0; i < 5; i++) expect((await completeResidentSignIn(t.db, clock, c.challengeId, wrong(codeOf(c)))).allowed).toBe(false);
    const sessions = await count(k, 'sessions');
    const d = await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c));
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reasons[0]!.code).toBe('invalid_sign_in_code');
    expect(await count(k, 'sessions')).toBe(sessions);
    const ch = await k.selectFrom('sign_in_challenges').selectAll().where('id', '=', c.challengeId).executeTakeFirstOrThrow();
    expect(Number(ch.attempts)).toBe(5);
    expect(ch.consumed_at).toBeNull();
  });

  it('never counts more than 5 attempts under concurrent guessing', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    const results = await Promise.all(Array.from({ length: 12 }, () => completeResidentSignIn(t.db, clock, c.challengeId, wrong(codeOf(c)))));
    expect(results.every((r) => !r.allowed)).toBe(true);
    const ch = await k.selectFrom('sign_in_challenges').select('attempts').where('id', '=', c.challengeId).executeTakeFirstOrThrow();
    expect(Number(ch.attempts)).toBe(5);
    expect((await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c))).allowed).toBe(false);
  });

  it('accepts a code just before its 5 minutes are up and refuses it at expiry', async () => {
    const early = issued(await start({ docNumber: freshId() }));
    const late = issued(await start({ docNumber: freshId() }));
    clock.advance(5 * 60_000 - 1);
    expect((await completeResidentSignIn(t.db, clock, early.challengeId, codeOf(early))).allowed).toBe(true);
    clock.advance(1);
    const d = await completeResidentSignIn(t.db, clock, late.challengeId, codeOf(late));
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reasons[0]!.code).toBe('invalid_sign_in_code');
    clock.advance(60 * 60_000);
    expect((await completeResidentSignIn(t.db, clock, late.challengeId, codeOf(late))).allowed).toBe(false);
  });

  it('refuses the same document with a different name and writes no second person', async () => {
    const doc = freshId();
    issued(await start({ docNumber: doc, name: '李四' }));
    const before = await counts(k);
    const d = await start({ docNumber: doc, name: '王五' });
    expect(d.allowed).toBe(false);
    if (!d.allowed) {
      expect(d.reasons[0]).toMatchObject({ code: 'identity_mismatch', citation: { doc: '西卫〔2019〕4号', article: '第八条' } });
    }
    expect(await counts(k)).toEqual(before);
    const rows = await k.selectFrom('persons').selectAll().where('doc_number', '=', doc).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe('李四');
  });

  it('sends the code to the phone on record, not to a newly typed one', async () => {
    const doc = freshId();
    const first = issued(await start({ docNumber: doc, name: '赵六', phone: '13911112222' }));
    expect(first.maskedPhone).toBe('139****2222');
    const second = issued(await start({ docNumber: doc, name: '赵六', phone: '18600009999' }));
    expect(second.maskedPhone).toBe('139****2222');
    const person = await k.selectFrom('persons').selectAll().where('doc_number', '=', doc).executeTakeFirstOrThrow();
    expect(person.phone).toBe('13911112222');
    const sms = await k.selectFrom('outbox').selectAll().where('person_id', '=', Number(person.id)).orderBy('id').execute();
    expect(sms).toHaveLength(2);
    expect(sms.map((m) => m.phone)).toEqual(['13911112222', '13911112222']);
    expect(sms[1]).toMatchObject({ channel: 'sms', template: 'identity.sign_in_code', status: 'pending', locale: 'zh-CN' });
    expect(sms[1]!.body).toBe(`【西城一网通办】您的实名登录验证码为${codeOf(second)}，5分钟内有效。请勿告诉他人。`);
    // Both challenges are live: either code signs the person in.
    expect((await completeResidentSignIn(t.db, clock, second.challengeId, codeOf(second))).allowed).toBe(true);
  });

  it('reveals the code only when asked to; the SMS still carries it', async () => {
    const c = issued(await start({ docNumber: freshId() }, false));
    expect(c).not.toHaveProperty('demoCode');
    expect(Object.keys(c).sort()).toEqual(['challengeId', 'expiresAt', 'maskedPhone']);
    const person = await k.selectFrom('sign_in_challenges').select('person_id').where('id', '=', c.challengeId).executeTakeFirstOrThrow();
    const sms = await k.selectFrom('outbox').select('body').where('person_id', '=', Number(person.person_id)).executeTakeFirstOrThrow();
    const code = /验证码为(\d{6})/.exec(sms.body)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect((await completeResidentSignIn(t.db, clock, c.challengeId, code!)).allowed).toBe(true);
  });

  it('texts in English for a person who chose English', async () => {
    const c = issued(await start({ docNumber: freshId(), name: 'Li Lei', locale: 'en' }));
    const ch = await k.selectFrom('sign_in_challenges').select('person_id').where('id', '=', c.challengeId).executeTakeFirstOrThrow();
    const sms = await k.selectFrom('outbox').selectAll().where('person_id', '=', Number(ch.person_id)).executeTakeFirstOrThrow();
    expect(sms.locale).toBe('en');
    expect(sms.body).toBe(`[Xicheng Yiwang] Your sign-in code is ${codeOf(c)}, valid for 5 minutes. Do not share it.`);
  });

  it.each([
    ['an invalid 居民身份证 number', { docNumber: '110105194912310021' }, 'invalid_id_number'],
    ['an unknown document type', { docType: 'driver_licence', docNumber: '11010519491231002X' }, 'invalid_document_type'],
    ['a malformed mobile number', { docNumber: '11010519491231002X', phone: '1380013800' }, 'invalid_phone'],
    ['a landline number', { docNumber: '11010519491231002X', phone: '01066001234' }, 'invalid_phone'],
  ])('refuses %s and writes nothing', async (_what, input, code) => {
    const before = await counts(k);
    const d = await start(input);
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reasons[0]!.code).toBe(code);
    expect(await counts(k)).toEqual(before);
  });

  it('asks the identity verifier and writes nothing when it refuses', async () => {
    const calls: [string, string, string][] = [];
    const strict: IdentityVerifier = {
      async verify(docType, docNumber, name) {
        calls.push([docType, docNumber, name]);
        return name === '真名' ? allow() : refuse(reason('identity_mismatch', '姓名与证件不符', 'Name does not match'));
      },
    };
    const doc = freshId();
    const before = await counts(k);
    const d = await start({ docNumber: doc.toLowerCase(), name: '假名' }, true, strict);
    expect(d.allowed).toBe(false);
    expect(await counts(k)).toEqual(before);
    expect(calls).toEqual([['resident_id', doc, '假名']]);
    expect((await start({ docNumber: doc, name: '真名' }, true, strict)).allowed).toBe(true);
  });

  it('creates exactly one person when the same document signs in concurrently for the first time', async () => {
    const doc = freshId();
    const before = await counts(k);
    // Five is the per-person hourly cap on codes; all five race to create the person.
    const results = await Promise.all(Array.from({ length: 5 }, () => start({ docNumber: doc, name: '孙七', phone: '13700001111' })));
    expect(results.every((r) => r.allowed)).toBe(true);
    const rows = await k.selectFrom('persons').selectAll().where('doc_type', '=', 'resident_id').where('doc_number', '=', doc).execute();
    expect(rows).toHaveLength(1);
    const after = await counts(k);
    expect(after.persons).toBe(before.persons + 1);
    expect(after.sign_in_challenges).toBe(before.sign_in_challenges + 5);
    expect(after.outbox).toBe(before.outbox + 5);
    // A sixth code within the hour is refused, and only the newest code is still usable.
    const sixth = await start({ docNumber: doc, name: '孙七', phone: '13700001111' });
    expect(sixth.allowed ? null : sixth.reasons[0]?.code).toBe('rate_limited');
    const open = await k.selectFrom('sign_in_challenges').select('id').where('person_id', '=', Number(rows[0]!.id)).where('consumed_at', 'is', null).execute();
    expect(open).toHaveLength(1);
    const challenges = await k.selectFrom('sign_in_challenges').select('person_id').where('id', 'in', results.map((r) => issued(r).challengeId)).execute();
    expect(new Set(challenges.map((c) => Number(c.person_id)))).toEqual(new Set([Number(rows[0]!.id)]));
    expect((await verifyAuditChain(k)).ok).toBe(true);
  });

  it('signs staff in with the demo password and audits it', async () => {
    const operator = demoStaff.find((s) => s.role === 'platform_operator')!;
    const d = await staffSignIn(t.db, clock, operator.username, demoPassword, '198.51.100.7');
    if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
    const viewer = await viewerForToken(k, clock, d.value.token);
    expect(viewer).toMatchObject({ kind: 'staff', id: d.value.staffId, name: operator.name, role: 'platform_operator', personId: null });
    const rows = await auditRows('session.sign_in', 'staff', d.value.staffId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_kind: 'staff', actor_name: operator.name, actor_role: 'platform_operator', source_ip: '198.51.100.7' });
    expect((await verifyAuditChain(k)).ok).toBe(true);
  });

  it('refuses a wrong password, an unknown user and a deactivated account alike, writing nothing', async () => {
    const auditor = demoStaff.find((s) => s.role === 'auditor')!;
    const before = await counts(k);
    for (const [u, p] of [
      [auditor.username, 'wrong-password'],
      [auditor.username, demoPassword.toLowerCase()],
      ['nobody', demoPassword],
      [auditor.username.toUpperCase(), demoPassword],
    ] as const) {
      const d = await staffSignIn(t.db, clock, u, p);
      expect(d.allowed).toBe(false);
      if (!d.allowed) expect(d.reasons[0]!.code).toBe('invalid_credentials');
    }
    expect(await counts(k)).toEqual(before);

    await k.updateTable('staff').set({ active: 0 }).where('username', '=', auditor.username).execute();
    try {
      expect((await staffSignIn(t.db, clock, auditor.username, demoPassword)).allowed).toBe(false);
    } finally {
      await k.updateTable('staff').set({ active: 1 }).where('username', '=', auditor.username).execute();
    }
    expect((await staffSignIn(t.db, clock, auditor.username, demoPassword)).allowed).toBe(true);
  });

  it('ends a session after 8 hours', async () => {
    const c = issued(await start({ docNumber: freshId() }));
    const d = await completeResidentSignIn(t.db, clock, c.challengeId, codeOf(c));
    if (!d.allowed) throw new Error('refused');
    clock.advance(8 * 3_600_000 - 1);
    expect(await viewerForToken(k, clock, d.value.token)).toBeDefined();
    clock.advance(1);
    expect(await viewerForToken(k, clock, d.value.token)).toBeUndefined();
  });
});
