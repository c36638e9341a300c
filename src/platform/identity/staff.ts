import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { Tx } from '../db/transaction.ts';
import type { PlatformTables } from '../db/schema.ts';
import { appendAudit, type Actor } from '../audit/trail.ts';
import { hashPassword } from './passwords.ts';
import type { StaffRole } from './roles.ts';

export interface NewStaff {
  username: string;
  displayName: string;
  password: string;
  role: StaffRole;
  organisationId?: number | null;
  personId?: number | null;
  /** 西卫〔2019〕5号 第二十一条 (一): only family doctors a 社区卫生服务中心 authorised may refer. */
  referralAuthorised?: boolean;
}

export async function createStaff<T extends PlatformTables>(trx: Tx<T>, clock: Clock, actor: Actor, s: NewStaff): Promise<number> {
  const db = trx as unknown as Kysely<PlatformTables>;
  const row = await db
    .insertInto('staff')
    .values({
      username: s.username,
      display_name: s.displayName,
      password_hash: await hashPassword(s.password),
      role: s.role,
      organisation_id: s.organisationId ?? null,
      person_id: s.personId ?? null,
      referral_authorised: s.referralAuthorised ? 1 : 0,
      active: 1,
      created_at: clock.now().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await appendAudit(db, clock, actor, { action: 'staff.create', entityType: 'staff', entityId: id, detail: { role: s.role, username: s.username } });
  return id;
}
