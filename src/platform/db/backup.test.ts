import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngines, type TestDatabase } from './test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from './schema.ts';
import { inTransaction } from './transaction.ts';
import { manualClock } from '../time/clock.ts';
import { appendAudit, systemActor } from '../audit/trail.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { enqueueMessage } from '../notify/outbox.ts';
import { signInCodeTemplate } from '../notify/templates.ts';
import { backupDatabase, compareWithTrailer, restoreDatabase } from './backup.ts';

const clock = manualClock(new Date('2026-03-02T01:00:00Z'));

async function writeActivity(t: TestDatabase<PlatformTables>, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    await inTransaction(t.db, async (trx) => {
      const p = await trx
        .insertInto('persons')
        .values({ doc_type: 'passport', doc_number: `${tag}${i}`, name: `测试${i}`, phone: '13800000000', locale: 'zh-CN', created_at: clock.now().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, clock, systemActor, { action: 'person.register', entityType: 'person', entityId: Number(p.id) });
      await enqueueMessage(trx, clock, { personId: Number(p.id), phone: '13800000000', locale: 'zh-CN' }, signInCodeTemplate, { code: '123456', minutes: 5 });
    });
  }
}

describe.each(testEngines)('backup and restore on %s', (engine) => {
  let source: TestDatabase<PlatformTables>;
  const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-backup-'));

  beforeAll(async () => {
    source = await openTestDatabase<PlatformTables>(engine, platformMigrations);
    await writeActivity(source, 60, 'E');
  });
  afterAll(async () => {
    await source.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips: backup → restore into an empty database → counts, checksums and audit chain verify', async () => {
    const file = path.join(dir, `round-${engine}.jsonl.gz`);
    const progress: number[] = [];
    const trailer = await backupDatabase(source.db, file, (done) => progress.push(done));
    expect(trailer.tables.find((t) => t.name === 'persons')?.rows).toBe(60);
    expect(trailer.tables.find((t) => t.name === 'audit_log')?.rows).toBe(60);
    expect(progress.at(-1)).toBeGreaterThan(0);

    const target = await openTestDatabase<PlatformTables>(engine, platformMigrations);
    try {
      const restored = await restoreDatabase(target.db, file);
      expect(await compareWithTrailer(target.db, restored)).toEqual({ ok: true, mismatches: [] });
      expect(await verifyAuditChain(target.db.kysely)).toMatchObject({ ok: true, rows: 60 });
      // Identity columns continue after the restored rows (PostgreSQL sequences were reset).
      await writeActivity(target, 1, 'AFTER');
      expect((await verifyAuditChain(target.db.kysely)).ok).toBe(true);
      // A changed row is caught by the checksum comparison.
      await target.db.kysely.updateTable('persons').set({ name: '篡改' }).where('doc_number', '=', 'E3').execute();
      const cmp = await compareWithTrailer(target.db, restored);
      expect(cmp.ok).toBe(false);
      expect(cmp.mismatches.join()).toContain('persons');
    } finally {
      await target.cleanup();
    }
  });

  it('refuses to restore over a database that has data, and changes nothing', async () => {
    const file = path.join(dir, `refuse-${engine}.jsonl.gz`);
    await backupDatabase(source.db, file);
    const before = await source.db.kysely.selectFrom('persons').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await expect(restoreDatabase(source.db, file)).rejects.toThrow(/not empty/);
    const after = await source.db.kysely.selectFrom('persons').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('is a consistent snapshot while writers keep committing', async () => {
    const file = path.join(dir, `live-${engine}.jsonl.gz`);
    const writer = t2(source);
    const [trailer] = await Promise.all([backupDatabase(source.db, file), writer]);
    const persons = trailer.tables.find((t) => t.name === 'persons')?.rows ?? -1;
    const audit = trailer.tables.find((t) => t.name === 'audit_log')?.rows ?? -1;
    const outbox = trailer.tables.find((t) => t.name === 'outbox')?.rows ?? -1;
    // Every transaction writes one row to each table: a torn snapshot would make these differ.
    expect(audit).toBe(persons);
    expect(outbox).toBe(persons);
    const target = await openTestDatabase<PlatformTables>(engine, platformMigrations);
    try {
      await restoreDatabase(target.db, file);
      expect((await verifyAuditChain(target.db.kysely)).ok).toBe(true);
    } finally {
      await target.cleanup();
    }
  });
});

function t2(t: TestDatabase<PlatformTables>): Promise<void> {
  return writeActivity(t, 40, `LIVE${Date.now() % 1000}-`);
}

describe('cross-engine restore', () => {
  it('restores a SQLite backup into PostgreSQL with identical checksums', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-x-'));
    const sqliteDb = await openTestDatabase<PlatformTables>('sqlite', platformMigrations);
    const pgDb = await openTestDatabase<PlatformTables>('postgres', platformMigrations);
    try {
      await writeActivity(sqliteDb, 20, 'X');
      const file = path.join(dir, 'x.jsonl.gz');
      await backupDatabase(sqliteDb.db, file);
      const trailer = await restoreDatabase(pgDb.db, file);
      expect(await compareWithTrailer(pgDb.db, trailer)).toEqual({ ok: true, mismatches: [] });
      expect(await verifyAuditChain(pgDb.db.kysely)).toMatchObject({ ok: true, rows: 20 });
    } finally {
      await sqliteDb.cleanup();
      await pgDb.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a corrupt backup', () => {
  it('is refused with a clear error, and nothing is restored', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-bad-'));
    const source = await openTestDatabase<PlatformTables>('sqlite', platformMigrations);
    const target = await openTestDatabase<PlatformTables>('sqlite', platformMigrations);
    try {
      await writeActivity(source, 300, 'C');
      const file = path.join(dir, 'good.jsonl.gz');
      await backupDatabase(source.db, file);
      const bytes = readFileSync(file);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
      await expect(restoreDatabase(target.db, file)).rejects.toThrow(/corrupt|not valid JSON|truncated/);
      const persons = await target.db.kysely.selectFrom('persons').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(persons.n)).toBe(0);
    } finally {
      await source.cleanup();
      await target.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
