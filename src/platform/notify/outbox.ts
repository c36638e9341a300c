import type { Kysely } from 'kysely';
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
  const row = await db
    .insertInto('outbox')
    .values({
      created_at: now,
      person_id: to.personId,
      phone: to.phone,
      channel: 'sms',
      template: template.name,
      params: JSON.stringify(params),
      locale: to.locale === 'en' ? 'en' : 'zh-CN',
      body: renderTemplate(template, to.locale, params),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
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
