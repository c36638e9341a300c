import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { Db } from '../db/connect.ts';
import type { PlatformTables } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { SmsAdapter } from './sms-adapter.ts';

export interface DeliveryOptions {
  workerId: string;
  batchSize?: number;
  maxAttempts?: number;
  /** A claim older than this is taken to belong to a crashed worker and is claimed again. */
  leaseMs?: number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/** Backoff after the nth failed attempt: 5 s, 10 s, 20 s … capped at 30 min, with ±20% jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Deliver what is due. Claiming is one transaction (so two workers never hold the same message);
 * sending happens outside it; the adapter dedupes on message id, so a crash between send and
 * "mark sent" leads to a redelivery attempt that is a no-op, never a second SMS.
 */
export async function deliverDueMessages(
  db: Db<PlatformTables>,
  clock: Clock,
  adapter: SmsAdapter,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const batchSize = options.batchSize ?? 50;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 60_000;
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const claimed = await claimDue(db, clock, options.workerId, batchSize, leaseMs);
  for (const m of claimed) {
    try {
      await adapter.send({ messageId: m.id, phone: m.phone, body: m.body });
      await db.kysely
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: clock.now().toISOString(), attempts: m.attempts + 1, last_error: null })
        .where('id', '=', m.id)
        .where('claimed_by', '=', options.workerId)
        .execute();
      report.sent++;
    } catch (error) {
      const attempts = m.attempts + 1;
      const giveUp = attempts >= maxAttempts;
      await db.kysely
        .updateTable('outbox')
        .set({
          status: giveUp ? 'failed' : 'pending',
          attempts,
          last_error: error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500),
          next_attempt_at: new Date(clock.now().getTime() + retryDelayMs(attempts)).toISOString(),
          claimed_by: null,
          claimed_at: null,
        })
        .where('id', '=', m.id)
        .where('claimed_by', '=', options.workerId)
        .execute();
      if (giveUp) report.failed++;
      else report.retried++;
    }
  }
  return report;
}

async function claimDue(db: Db<PlatformTables>, clock: Clock, workerId: string, limit: number, leaseMs: number) {
  const now = clock.now();
  const nowIso = now.toISOString();
  const staleBefore = new Date(now.getTime() - leaseMs).toISOString();
  return inTransaction(db, async (trx) => {
    const k = trx as Kysely<PlatformTables>;
    const due = await k
      .selectFrom('outbox')
      .select(['id', 'phone', 'body', 'attempts'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<', staleBefore)]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    await k
      .updateTable('outbox')
      .set({ status: 'sending', claimed_by: workerId, claimed_at: nowIso })
      .where('id', 'in', due.map((d) => d.id))
      .execute();
    return due.map((d) => ({ id: Number(d.id), phone: d.phone, body: d.body, attempts: Number(d.attempts) }));
  });
}

/** Runs delivery every intervalMs until stopped; one pass at a time. */
export function startDeliveryLoop(
  db: Db<PlatformTables>,
  clock: Clock,
  adapter: SmsAdapter,
  options: DeliveryOptions & { intervalMs?: number; onError?: (e: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await deliverDueMessages(db, clock, adapter, options);
      } catch (e) {
        options.onError?.(e);
      }
    });
  }, options.intervalMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
