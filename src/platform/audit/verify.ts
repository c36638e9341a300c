import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.ts';
import { GENESIS_HASH } from './migration.ts';
import { hashAuditRow } from './trail.ts';

export type ChainVerdict =
  | { ok: true; rows: number; headHash: string }
  | { ok: false; rows: number; firstBadSeq: number; problem: 'edited' | 'deleted' | 'reordered' | 'truncated' | 'inserted' };

const pageSize = 2000;

/**
 * Walk the chain in seq order. A gap in seq is a deletion, a prev_hash that does not match the
 * previous row's hash is a reordering, a hash that does not match its own fields is an edit, and
 * a chain that stops short of audit_head lost its tail.
 */
export async function verifyAuditChain<T extends PlatformTables>(
  anyDb: Kysely<T>,
  onProgress?: (checked: number, total: number) => void,
): Promise<ChainVerdict> {
  const db = anyDb as unknown as Kysely<PlatformTables>;
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const total = Number((await db.selectFrom('audit_log').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows: checked, firstBadSeq: expectedSeq, problem: 'deleted' };
      const { hash, ...fields } = row;
      if (hashAuditRow({ ...fields, seq, actor_id: row.actor_id === null ? null : Number(row.actor_id) }) !== hash) {
        return { ok: false, rows: checked, firstBadSeq: seq, problem: row.prev_hash === prevHash ? 'edited' : 'reordered' };
      }
      if (row.prev_hash !== prevHash) return { ok: false, rows: checked, firstBadSeq: seq, problem: 'reordered' };
      prevHash = hash;
      expectedSeq = seq + 1;
      checked++;
    }
    onProgress?.(checked, total);
  }
  const headSeq = Number(head.seq);
  if (checked < headSeq) return { ok: false, rows: checked, firstBadSeq: checked + 1, problem: 'truncated' };
  if (checked > headSeq || head.hash !== prevHash) return { ok: false, rows: checked, firstBadSeq: headSeq + 1, problem: 'inserted' };
  return { ok: true, rows: checked, headHash: prevHash };
}
