import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { PlatformTables } from '../db/schema.ts';
import type { Role } from './roles.ts';

export interface Viewer {
  readonly kind: 'person' | 'staff';
  readonly id: number;
  /** The person behind the account (a resident is a person; staff may be linked to one). */
  readonly personId: number | null;
  readonly name: string;
  readonly role: Role;
  readonly organisationId: number | null;
  readonly referralAuthorised: boolean;
}

const sessionHours = 8;

function tokenId(token: string): string {
  // Only the hash is stored: a leaked database does not leak live sessions.
  return createHash('sha256').update(token).digest('hex');
}

export async function openSession(db: Kysely<PlatformTables>, clock: Clock, kind: Viewer['kind'], subjectId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  await db
    .insertInto('sessions')
    .values({
      id: tokenId(token),
      subject_kind: kind,
      subject_id: subjectId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + sessionHours * 3_600_000).toISOString(),
    })
    .execute();
  return token;
}

export async function closeSession(db: Kysely<PlatformTables>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', tokenId(token)).execute();
}

export async function viewerForToken(db: Kysely<PlatformTables>, clock: Clock, token: string): Promise<Viewer | undefined> {
  const s = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', tokenId(token))
    .where('expires_at', '>', clock.now().toISOString())
    .executeTakeFirst();
  if (!s) return undefined;
  const subjectId = Number(s.subject_id);
  if (s.subject_kind === 'person') {
    const p = await db.selectFrom('persons').select(['id', 'name']).where('id', '=', subjectId).executeTakeFirst();
    return p
      ? { kind: 'person', id: Number(p.id), personId: Number(p.id), name: p.name, role: 'resident', organisationId: null, referralAuthorised: false }
      : undefined;
  }
  const st = await db.selectFrom('staff').selectAll().where('id', '=', subjectId).where('active', '=', 1).executeTakeFirst();
  if (!st) return undefined;
  return {
    kind: 'staff',
    id: Number(st.id),
    personId: st.person_id === null ? null : Number(st.person_id),
    name: st.display_name,
    role: st.role as Role,
    organisationId: st.organisation_id === null ? null : Number(st.organisation_id),
    referralAuthorised: Number(st.referral_authorised) === 1,
  };
}
