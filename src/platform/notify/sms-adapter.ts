import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { PlatformTables } from '../db/schema.ts';

export interface SmsMessage {
  /** The outbox id: a real gateway gets it as its dedupe key (out-id), so a retry is never a second SMS. */
  readonly messageId: number;
  readonly phone: string;
  readonly body: string;
}

export interface SmsAdapter {
  readonly name: string;
  /** True when the adapter does not reach phones (demo/log): sign-in may then reveal the code to scripts. */
  readonly reachesNoPhones: boolean;
  send(message: SmsMessage): Promise<void>;
}

/**
 * Default adapter: no SMS gateway, so it records each delivery in sms_deliveries (keyed by message
 * id, so a redelivery is a no-op) and writes a log line.
 */
export function logSmsAdapter(
  db: Kysely<PlatformTables>,
  clock: Clock,
  log: (line: string) => void = () => undefined,
): SmsAdapter {
  return {
    name: 'log',
    reachesNoPhones: true,
    async send(m) {
      const inserted = await db
        .insertInto('sms_deliveries')
        .values({ message_id: m.messageId, phone: m.phone, body: m.body, delivered_at: clock.now().toISOString() })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) log(`sms #${m.messageId} → ${m.phone}: ${m.body}`);
    },
  };
}
