import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isPostgres, runSql } from '../db/prepared.ts';
import { txMemo } from '../db/tx-memo.ts';
import type { Clock } from '../time/clock.ts';
import type { Tx } from '../db/transaction.ts';
import type { AuditLogTable, PlatformTables } from '../db/schema.ts';

/** Who did it (西卫〔2019〕4号 第十八条: real-name user and role). */
export interface Actor {
  readonly kind: 'person' | 'staff' | 'system';
  readonly id: number | null;
  readonly name: string;
  readonly role: string;
  readonly ip?: string | null;
}

export interface AuditEntry {
  /** Verb in the domain, e.g. 'person.read', 'booking.create'. */
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string | number;
  readonly purpose?: string;
  readonly grantRef?: string;
  readonly detail?: Record<string, unknown>;
}

export const systemActor: Actor = { kind: 'system', id: null, name: 'yiwang', role: 'system' };

type AuditRow = AuditLogTable;
type HashedFields = Omit<AuditRow, 'hash'>;

/** The hash covers every column but itself, in a fixed order, chained through prev_hash. */
export function hashAuditRow(row: HashedFields): string {
  const canonical = JSON.stringify([
    row.seq, row.at, row.actor_kind, row.actor_id, row.actor_name, row.actor_role, row.action,
    row.entity_type, row.entity_id, row.purpose, row.grant_ref, row.source_ip, row.detail, row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

interface Head {
  seq: number | string;
  hash: string;
}
const auditHead = Symbol('audit head');
const insertRow = 'insert into audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, entity_type, entity_id, purpose, grant_ref, source_ip, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Append one audit row inside the caller's transaction, so the change and its record commit
 * or vanish together (no audit row lost). The head row is the chain's lock: concurrent appends
 * serialise on it (SQLite's write lock; PostgreSQL's SERIALIZABLE conflict, then retry).
 */
export async function appendAudit<T extends PlatformTables>(
  trx: Tx<T>,
  clock: Clock,
  actor: Actor,
  entry: AuditEntry,
): Promise<number> {
  const db = trx as unknown as Kysely<PlatformTables>;
  // Hot path (every write appends): statements written once, see db/prepared.ts. A transaction
  // that appended before knows the head it wrote (a group commit appends once per booking).
  const memo = txMemo(trx);
  const head = (memo?.get(auditHead) as Head | undefined) ?? (await runSql<Head>(db, 'select seq, hash from audit_head where id = 1', [])).rows[0];
  if (!head) throw new Error('audit_head missing');
  const fields: HashedFields = {
    seq: Number(head.seq) + 1,
    at: clock.now().toISOString(),
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    actor_role: actor.role,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: String(entry.entityId),
    purpose: entry.purpose ?? null,
    grant_ref: entry.grantRef ?? null,
    source_ip: actor.ip ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
    prev_hash: head.hash,
  };
  const hash = hashAuditRow(fields);
  const row = [fields.seq, fields.at, fields.actor_kind, fields.actor_id, fields.actor_name, fields.actor_role, fields.action, fields.entity_type, fields.entity_id, fields.purpose, fields.grant_ref, fields.source_ip, fields.detail, fields.prev_hash, hash];
  // The head moves only from the head this append read (or remembered); otherwise the append throws,
  // and the caller's transaction or savepoint takes its row away with it.
  let moved: number;
  if (isPostgres(db)) {
    // One round trip (every one is taken under the writer lock): the row goes in only if the head moved.
    const r = await runSql(db, `with moved as (update audit_head set seq = ?, hash = ? where id = 1 and seq = ? and hash = ? returning seq)
      insert into audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, entity_type, entity_id, purpose, grant_ref, source_ip, detail, prev_hash, hash)
      select ?::integer, ?, ?, ?::integer, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from moved`, [fields.seq, hash, head.seq, head.hash, ...row]);
    moved = Number(r.numAffectedRows);
  } else {
    await runSql(db, insertRow, row);
    moved = Number((await runSql(db, 'update audit_head set seq = ?, hash = ? where id = 1 and seq = ? and hash = ?', [fields.seq, hash, head.seq, head.hash])).numAffectedRows);
  }
  if (moved !== 1) throw new Error('audit head moved during append');
  memo?.set(auditHead, { seq: fields.seq, hash } satisfies Head);
  return fields.seq;
}
