import { sql, type Kysely } from 'kysely';
import type { AuditLogTable, PlatformTables } from '../db/schema.ts';

export interface AuditQuery {
  actorName?: string | undefined;
  actorRole?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  /** ISO instants, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  beforeSeq?: number | undefined;
}

/** Auditors' search over the trail, newest first, paged by seq. */
export async function searchAudit(db: Kysely<PlatformTables>, q: AuditQuery): Promise<AuditLogTable[]> {
  let query = db.selectFrom('audit_log').selectAll();
  // ESCAPE names the escape character: SQLite's LIKE has none by default.
  if (q.actorName) query = query.where(sql<boolean>`actor_name like ${`%${escapeLike(q.actorName)}%`} escape '\\'`);
  if (q.actorRole) query = query.where('actor_role', '=', q.actorRole);
  if (q.action) query = query.where(sql<boolean>`action like ${`${escapeLike(q.action)}%`} escape '\\'`);
  if (q.entityType) query = query.where('entity_type', '=', q.entityType);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(Math.min(q.limit ?? 50, 500)).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), actor_id: r.actor_id === null ? null : Number(r.actor_id) }));
}

function escapeLike(s: string): string {
  // LIKE wildcards typed by a user are literal text.
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}
