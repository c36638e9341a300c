import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { manualClock } from '../time/clock.ts';
import { enqueueMessage, messagesFor } from './outbox.ts';
import { defineTemplate, renderTemplate } from './templates.ts';
import { logSmsAdapter, type SmsAdapter } from './sms-adapter.ts';
import { deliverDueMessages, retryDelayMs } from './worker.ts';

const greeting = defineTemplate<{ name: string }>('test.greeting', {
  'zh-CN': (p) => `${p.name}，您好`,
  en: (p) => `Hello, ${p.name}`,
});

describe('templates', () => {
  it('render in zh-CN by default and en on request', () => {
    expect(renderTemplate(greeting, 'zh-CN', { name: '张三' })).toBe('张三，您好');
    expect(renderTemplate(greeting, 'en', { name: 'Zhang San' })).toBe('Hello, Zhang San');
    expect(renderTemplate(greeting, 'fr', { name: '张三' })).toBe('张三，您好');
  });
  it('back off exponentially with bounded jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(5000);
    expect(retryDelayMs(3, () => 0.5)).toBe(20000);
    expect(retryDelayMs(30, () => 1)).toBe(Math.round(30 * 60_000 * 1.2));
  });
});

describe.each(testEngines)('outbox on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, platformMigrations);
  });
  afterAll(async () => t.cleanup());

  const to = { personId: 42, phone: '13800138000', locale: 'zh-CN' };

  it('writes nothing when the event transaction rolls back', async () => {
    await expect(
      inTransaction(t.db, async (trx) => {
        await enqueueMessage(trx, clock, to, greeting, { name: '回滚' });
        throw new Error('event failed');
      }),
    ).rejects.toThrow();
    expect(await messagesFor(t.db.kysely, 42)).toHaveLength(0);
  });

  it('delivers each message exactly once even with two workers racing', async () => {
    for (let i = 0; i < 30; i++) await inTransaction(t.db, (trx) => enqueueMessage(trx, clock, to, greeting, { name: `居民${i}` }));
    const adapter = logSmsAdapter(t.db.kysely, clock);
    const other = t.reopen();
    await Promise.all([
      deliverDueMessages(t.db, clock, adapter, { workerId: 'a', batchSize: 7 }),
      deliverDueMessages(other, clock, logSmsAdapter(other.kysely, clock), { workerId: 'b', batchSize: 7 }),
      deliverDueMessages(t.db, clock, adapter, { workerId: 'c', batchSize: 100 }),
    ]);
    await other.close();
    await deliverDueMessages(t.db, clock, adapter, { workerId: 'a' });
    const deliveries = await t.db.kysely.selectFrom('sms_deliveries').selectAll().execute();
    expect(deliveries).toHaveLength(30);
    expect(new Set(deliveries.map((d) => d.message_id)).size).toBe(30);
    const mine = await messagesFor(t.db.kysely, 42);
    expect(mine.every((m) => m.status === 'sent')).toBe(true);
    expect(mine[0]!.body).toBe('居民29，您好');
  });

  it('retries with backoff after a failure and never sends twice after a crash mid-send', async () => {
    const id = await inTransaction(t.db, (trx) => enqueueMessage(trx, clock, to, greeting, { name: '重试' }));
    let calls = 0;
    const flaky: SmsAdapter = {
      name: 'flaky',
      reachesNoPhones: true,
      async send(m) {
        calls++;
        if (calls === 1) throw new Error('gateway timeout');
        await logSmsAdapter(t.db.kysely, clock).send(m);
      },
    };
    expect(await deliverDueMessages(t.db, clock, flaky, { workerId: 'w' })).toMatchObject({ retried: 1, sent: 0 });
    // Not due yet: the backoff holds it back.
    expect(await deliverDueMessages(t.db, clock, flaky, { workerId: 'w' })).toMatchObject({ sent: 0 });
    clock.advance(10_000);
    // A worker that sends and then dies before marking "sent".
    const dying: SmsAdapter = { name: 'dying', reachesNoPhones: true, send: async (m) => { await flaky.send(m); throw Object.assign(new Error('killed'), { crash: true }); } };
    await deliverDueMessages(t.db, clock, { ...dying }, { workerId: 'dead', leaseMs: 1 }).catch(() => undefined);
    clock.advance(60_000);
    await deliverDueMessages(t.db, clock, flaky, { workerId: 'w2' });
    const rows = await t.db.kysely.selectFrom('sms_deliveries').selectAll().where('message_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    const msg = await t.db.kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(msg.status).toBe('sent');
  });
});
