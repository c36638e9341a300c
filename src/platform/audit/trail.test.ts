import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { manualClock } from '../time/clock.ts';
import { appendAudit, type Actor } from './trail.ts';
import { verifyAuditChain } from './verify.ts';
import { searchAudit } from './search.ts';

const auditor: Actor = { kind: 'staff', id: 7, name: '王审计', role: 'auditor', ip: '127.0.0.1' };

describe.each(testEngines)('audit trail on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, platformMigrations);
  });
  afterAll(async () => t.cleanup());

  async function append(n: number, action = 'record.read') {
    for (let i = 0; i < n; i++) {
      await inTransaction(t.db, (trx) => appendAudit(trx, clock, auditor, { action, entityType: 'record', entityId: i, purpose: 'test' }));
      clock.advance(1000);
    }
  }

  it('chains rows and verifies an intact log', async () => {
    await append(5);
    const v = await verifyAuditChain(t.db.kysely);
    expect(v).toMatchObject({ ok: true, rows: 5 });
  });

  it('loses no row when the surrounding transaction commits, and keeps none when it rolls back', async () => {
    await expect(
      inTransaction(t.db, async (trx) => {
        await appendAudit(trx, clock, auditor, { action: 'record.update', entityType: 'record', entityId: 'x' });
        throw new Error('business rule failed after audit');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await searchAudit(t.db.kysely, { action: 'record.update' });
    expect(rows).toHaveLength(0);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('chains several appends of one transaction from the head it remembers, and a head moved under it fails without writing', async () => {
    await inTransaction(t.db, async (trx) => {
      for (let i = 0; i < 3; i++) await appendAudit(trx, clock, auditor, { action: 'record.batch', entityType: 'record', entityId: i });
    });
    expect(await searchAudit(t.db.kysely, { action: 'record.batch' })).toHaveLength(3);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
    // The remembered head is only a shortcut: the head moves only from the seq the append expects,
    // so a head that changed behind the transaction's back stops the append instead of forking the chain.
    await expect(
      inTransaction(t.db, async (trx) => {
        await appendAudit(trx, clock, auditor, { action: 'record.stale', entityType: 'record', entityId: 1 });
        await sql`update audit_head set seq = seq + 1 where id = 1`.execute(trx);
        await appendAudit(trx, clock, auditor, { action: 'record.stale', entityType: 'record', entityId: 2 });
      }),
    ).rejects.toThrow('audit head moved');
    expect(await searchAudit(t.db.kysely, { action: 'record.stale' })).toHaveLength(0);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('keeps every row under concurrent appends from two connections', async () => {
    const other = t.reopen();
    const before = (await verifyAuditChain(t.db.kysely)).rows;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(i % 2 ? t.db : other, (trx) => appendAudit(trx, clock, auditor, { action: 'race.append', entityType: 'race', entityId: i })),
      ),
    );
    await other.close();
    const v = await verifyAuditChain(t.db.kysely);
    expect(v).toMatchObject({ ok: true, rows: before + 40 });
    expect(await searchAudit(t.db.kysely, { action: 'race.', limit: 100 })).toHaveLength(40);
  });

  it('finds rows by actor, action and time', async () => {
    const rows = await searchAudit(t.db.kysely, { actorName: '审计', action: 'record.read', limit: 3 });
    expect(rows).toHaveLength(3);
    expect(rows[0]!.seq).toBeGreaterThan(rows[1]!.seq);
    expect(await searchAudit(t.db.kysely, { actorName: '100%' })).toHaveLength(0);
  });

  it('names the first edited row', async () => {
    await sql`update audit_log set actor_name = ${'李冒名'} where seq = 3`.execute(t.db.kysely);
    expect(await verifyAuditChain(t.db.kysely)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'edited' });
    await sql`update audit_log set actor_name = ${auditor.name} where seq = 3`.execute(t.db.kysely);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('names a deleted row', async () => {
    const row = await t.db.kysely.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    await t.db.kysely.deleteFrom('audit_log').where('seq', '=', 2).execute();
    expect(await verifyAuditChain(t.db.kysely)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'deleted' });
    await t.db.kysely.insertInto('audit_log').values(row).execute();
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('names reordered rows', async () => {
    const r1 = await t.db.kysely.selectFrom('audit_log').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
    const r2 = await t.db.kysely.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    await t.db.kysely.deleteFrom('audit_log').where('seq', 'in', [1, 2]).execute();
    await t.db.kysely.insertInto('audit_log').values([{ ...r2, seq: 1 }, { ...r1, seq: 2 }]).execute();
    const v = await verifyAuditChain(t.db.kysely);
    expect(v).toMatchObject({ ok: false, firstBadSeq: 1 });
    await t.db.kysely.deleteFrom('audit_log').where('seq', 'in', [1, 2]).execute();
    await t.db.kysely.insertInto('audit_log').values([r1, r2]).execute();
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('notices a lost tail', async () => {
    const last = await t.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await t.db.kysely.deleteFrom('audit_log').where('seq', '=', last.seq).execute();
    expect(await verifyAuditChain(t.db.kysely)).toMatchObject({ ok: false, problem: 'truncated', firstBadSeq: Number(last.seq) });
    await t.db.kysely.insertInto('audit_log').values(last).execute();
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });
});
