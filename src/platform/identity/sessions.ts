import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { runSql } from '../db/prepared.ts';
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

interface ViewerRow {
  subject_kind: string;
  p_id: number | null;
  p_name: string | null;
  st_id: number | null;
  display_name: string | null;
  person_id: number | null;
  role: string | null;
  organisation_id: number | null;
  referral_authorised: number | null;
}

// Every signed-in request runs this: one statement, written once (see db/prepared.ts).
const viewerSql = `select s.subject_kind, p.id as p_id, p.name as p_name, st.id as st_id, st.display_name, st.person_id, st.role, st.organisation_id, st.referral_authorised
  from sessions s
  left join persons p on s.subject_kind = 'person' and p.id = s.subject_id
  left join staff st on s.subject_kind = 'staff' and st.id = s.subject_id and st.active = 1
  where s.id = ? and s.expires_at > ?`;

export async function viewerForToken(db: Kysely<PlatformTables>, clock: Clock, token: string): Promise<Viewer | undefined> {
  const r = (await runSql<ViewerRow>(db, viewerSql, [tokenId(token), clock.now().toISOString()])).rows[0];
  if (!r) return undefined;
  if (r.subject_kind === 'person') {
    return r.p_id === null || r.p_name === null
      ? undefined
      : { kind: 'person', id: Number(r.p_id), personId: Number(r.p_id), name: r.p_name, role: 'resident', organisationId: null, referralAuthorised: false };
  }
  if (r.subject_kind !== 'staff' || r.st_id === null || r.display_name === null) return undefined;
  return {
    kind: 'staff',
    id: Number(r.st_id),
    personId: r.person_id === null ? null : Number(r.person_id),
    name: r.display_name,
    role: r.role as Role,
    organisationId: r.organisation_id === null ? null : Number(r.organisation_id),
    referralAuthorised: Number(r.referral_authorised) === 1,
  };
}
