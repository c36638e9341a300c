import type { Kysely } from 'kysely';
import { runSql } from '../db/prepared.ts';
import type { Clock } from '../time/clock.ts';
import type { Tx } from '../db/transaction.ts';
import type { OutboxTable, PlatformTables } from '../db/schema.ts';
import { renderTemplate, type Template } from './templates.ts';

export interface Recipient {
  readonly personId: number | null;
  readonly phone: string;
  readonly locale: string;
}

/**
 * Queue a message in the caller's transaction: the event and its notification commit together,
 * and nothing is sent for a transaction that rolled back. The body is rendered now, so what the
 * person later reads in the portal is exactly what was sent.
 */
export async function enqueueMessage<T extends PlatformTables, P>(
  trx: Tx<T>,
  clock: Clock,
  to: Recipient,
  template: Template<P>,
  params: P,
): Promise<number> {
  const db = trx as unknown as Kysely<PlatformTables>;
  const now = clock.now().toISOString();
  const locale = to.locale === 'en' ? 'en' : 'zh-CN';
  // Hot path (every booking confirms): statement written once, see db/prepared.ts.
  const row = (
    await runSql<{ id: number | string }>(
      db,
      "insert into outbox (created_at, person_id, phone, channel, template, params, locale, body, status, attempts, next_attempt_at) values (?, ?, ?, 'sms', ?, ?, ?, ?, 'pending', 0, ?) returning id",
      [now, to.personId, to.phone, template.name, JSON.stringify(params), locale, renderTemplate(template, to.locale, params), now],
    )
  ).rows[0];
  if (!row) throw new Error('outbox insert returned no id');
  return Number(row.id);
}

export type MessageView = Pick<OutboxTable, 'template' | 'body' | 'status' | 'created_at' | 'sent_at'> & { id: number };

/** A person's own messages, newest first (shown in the portal). */
export async function messagesFor(db: Kysely<PlatformTables>, personId: number, limit = 50): Promise<MessageView[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'template', 'body', 'status', 'created_at', 'sent_at'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
