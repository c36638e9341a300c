import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import { civilDateOf } from '../time/civil.ts';
import type { Db } from '../db/connect.ts';
import type { PlatformTables } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { appendAudit, type Actor } from '../audit/trail.ts';
import { enqueueMessage } from '../notify/outbox.ts';
import { signInCodeTemplate } from '../notify/templates.ts';
import { allow, cite, reason, refuse, type Decision } from '../law/decision.ts';
import { validateDocument } from './documents.ts';
import { registerPerson, type Person } from './persons.ts';
import { maskPhone } from './masking.ts';
import { openSession } from './sessions.ts';
import { verifyPassword } from './passwords.ts';

/** Real-name (实名) sign-in is what 西卫〔2019〕5号 第十五条 requires of every booking. */
export const realNameCitation = cite('西卫〔2019〕5号', '第十五条');

/**
 * Checks that a name belongs to a document. The default accepts any well-formed document: a real
 * deployment plugs in the public-security real-name service here.
 */
export interface IdentityVerifier {
  verify(docType: string, docNumber: string, name: string): Promise<Decision<undefined>>;
}
export const documentOnlyVerifier: IdentityVerifier = { verify: async () => allow() };

export interface SignInStart {
  docType: string;
  docNumber: string;
  name: string;
  phone: string;
  locale?: string | undefined;
}

export interface ChallengeIssued {
  challengeId: string;
  maskedPhone: string;
  expiresAt: string;
  /** Only when the SMS adapter reaches no phones (demo/log mode), so scripts can sign in. */
  demoCode?: string;
}

const codeMinutes = 5;
const maxAttempts = 5;
const maxCodesPerHour = 5;

function codeHash(challengeId: string, code: string): string {
  return createHash('sha256').update(`${challengeId}:${code}`).digest('hex');
}

export async function startResidentSignIn(
  db: Db<PlatformTables>,
  clock: Clock,
  verifier: IdentityVerifier,
  input: SignInStart,
  options: { revealCode: boolean; ip?: string | null },
): Promise<Decision<ChallengeIssued>> {
  const name = input.name.trim();
  if (!name || /[\u0000-\u001f\u007f]/.test(name)) return refuse(reason('invalid_name', '请输入证件上的姓名', 'Enter your name as on the document', realNameCitation));
  const doc = validateDocument(input.docType, input.docNumber, civilDateOf(clock.now()));
  if (!doc.allowed) return doc;
  if (!/^1\d{10}$/.test(input.phone)) {
    return refuse(reason('invalid_phone', '手机号码应为11位数字', 'A mobile number has 11 digits starting with 1', realNameCitation));
  }
  const verdict = await verifier.verify(doc.value.type, doc.value.number, name);
  if (!verdict.allowed) return verdict;
  const actor: Actor = { kind: 'system', id: null, name: 'identity', role: 'system', ip: options.ip ?? null };
  return inTransaction(db, async (trx) => {
    const registered = await registerPerson(trx, clock, actor, doc.value, name, input.phone, input.locale ?? 'zh-CN');
    if (!registered.allowed) return registered;
    const person: Person = registered.value;
    const k0 = trx as Kysely<PlatformTables>;
    // A new code retires the earlier ones (so the 5-guess lock cannot be sidestepped), and a person
    // gets at most a few codes an hour (so nobody can flood someone else's phone).
    const hourAgo = new Date(clock.now().getTime() - 3_600_000).toISOString();
    const recent = await k0.selectFrom('sign_in_challenges').select((e) => e.fn.countAll().as('n')).where('person_id', '=', person.id).where('created_at', '>', hourAgo).executeTakeFirstOrThrow();
    if (Number(recent.n) >= maxCodesPerHour) {
      return refuse(reason('rate_limited', '验证码发送过于频繁，请一小时后再试', 'Too many codes were sent; please try again in an hour', realNameCitation));
    }
    await k0.updateTable('sign_in_challenges').set({ consumed_at: clock.now().toISOString() }).where('person_id', '=', person.id).where('consumed_at', 'is', null).execute();
    const challengeId = randomBytes(16).toString('base64url');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + codeMinutes * 60_000).toISOString();
    const k = trx as Kysely<PlatformTables>;
    await k
      .insertInto('sign_in_challenges')
      .values({ id: challengeId, person_id: person.id, code_hash: codeHash(challengeId, code), created_at: now.toISOString(), expires_at: expiresAt, attempts: 0, consumed_at: null })
      .execute();
    // The code goes to the phone on record, not to the one typed: a stranger who knows an ID
    // number cannot redirect the code to their own phone.
    await enqueueMessage(k, clock, { personId: person.id, phone: person.phone, locale: person.locale }, signInCodeTemplate, { code, minutes: codeMinutes });
    const issued: ChallengeIssued = { challengeId, maskedPhone: maskPhone(person.phone), expiresAt };
    return allow(options.revealCode ? { ...issued, demoCode: code } : issued);
  });
}

export async function completeResidentSignIn(
  db: Db<PlatformTables>,
  clock: Clock,
  challengeId: string,
  code: string,
  ip: string | null = null,
): Promise<Decision<{ token: string; personId: number }>> {
  const bad = refuse(reason('invalid_sign_in_code', '验证码错误或已过期', 'The code is wrong or has expired', realNameCitation));
  return inTransaction(db, async (trx) => {
    const k = trx as Kysely<PlatformTables>;
    const ch = await k.selectFrom('sign_in_challenges').selectAll().where('id', '=', challengeId).executeTakeFirst();
    if (!ch || ch.consumed_at || ch.expires_at <= clock.now().toISOString() || Number(ch.attempts) >= maxAttempts) return bad;
    const given = Buffer.from(codeHash(challengeId, code));
    if (!timingSafeEqual(given, Buffer.from(ch.code_hash))) {
      await k.updateTable('sign_in_challenges').set({ attempts: Number(ch.attempts) + 1 }).where('id', '=', challengeId).execute();
      return bad;
    }
    await k.updateTable('sign_in_challenges').set({ consumed_at: clock.now().toISOString() }).where('id', '=', challengeId).execute();
    const personId = Number(ch.person_id);
    const person = await k.selectFrom('persons').select(['name']).where('id', '=', personId).executeTakeFirstOrThrow();
    await appendAudit(k, clock, { kind: 'person', id: personId, name: person.name, role: 'resident', ip }, { action: 'session.sign_in', entityType: 'person', entityId: personId });
    const token = await openSession(k, clock, 'person', personId);
    return allow({ token, personId });
  });
}

export async function staffSignIn(
  db: Db<PlatformTables>,
  clock: Clock,
  username: string,
  password: string,
  ip: string | null = null,
): Promise<Decision<{ token: string; staffId: number }>> {
  const st = await db.kysely.selectFrom('staff').selectAll().where('username', '=', username).where('active', '=', 1).executeTakeFirst();
  // Verify against a dummy hash when the user is unknown, so timing does not reveal usernames.
  const ok = await verifyPassword(st?.password_hash ?? dummyHash, password);
  if (!st || !ok) return refuse(reason('invalid_credentials', '用户名或密码错误', 'Wrong username or password'));
  const staffId = Number(st.id);
  return inTransaction(db, async (trx) => {
    await appendAudit(trx, clock, { kind: 'staff', id: staffId, name: st.display_name, role: st.role, ip }, { action: 'session.sign_in', entityType: 'staff', entityId: staffId });
    const token = await openSession(trx as Kysely<PlatformTables>, clock, 'staff', staffId);
    return allow({ token, staffId });
  });
}

const dummyHash = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2X9mW0Yb3hQ0fV4n8m1o7K9w0dQ2sS0a2uQ2Zc2Wq3I';
