import { sql, type Kysely } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommitter } from './group-commit.ts';
import { runSql } from './prepared.ts';
import { openTestDatabase, testEngines, type TestDatabase } from './test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from './schema.ts';
import { manualClock } from '../time/clock.ts';
import { appendAudit, systemActor } from '../audit/trail.ts';
import { verifyAuditChain } from '../audit/verify.ts';

const clock = manualClock(new Date('2026-03-02T01:00:00Z'));

async function addPerson(k: Kysely<PlatformTables>, n: string): Promise<number> {
  const r = await runSql<{ id: number }>(k, "insert into persons (doc_type, doc_number, name, phone, locale, created_at) values ('passport', ?, ?, '13800000000', 'zh-CN', ?) returning id", [n, `测试${n}`, clock.now().toISOString()]);
  const id = Number(r.rows[0]?.id);
  await appendAudit(k, clock, systemActor, { action: 'person.register', entityType: 'person', entityId: id });
  return id;
}

async function count(k: Kysely<PlatformTables>, prefix: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from persons where doc_number like ${prefix + '%'}`.execute(k);
  return Number(r.rows[0]?.n);
}

describe.each(testEngines)('group commit on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, platformMigrations);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('commits the units of one turn together and undoes a failing unit alone', async () => {
    const committer = groupCommitter(t.db);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        committer.run(async (trx) => {
          const k = trx as Kysely<PlatformTables>;
          const id = await addPerson(k, `A${i}`);
          if (i % 7 === 3) throw new Error(`unit ${i} refuses`);
          return id;
        }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([3, 10, 17, 24]);
    for (const i of failed) expect(String((results[i] as PromiseRejectedResult).reason)).toContain(`unit ${i} refuses`);
    expect(await count(t.db.kysely, 'A')).toBe(26);
    // The failing units' audit rows went with them: the chain has no gap.
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('a unit that keeps hitting serialization failures does not take the rest of its batch down', async () => {
    const committer = groupCommitter(t.db);
    const conflict = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        committer.run(async (trx) => {
          const id = await addPerson(trx as Kysely<PlatformTables>, `S${i}`);
          if (i === 2) throw conflict;
          return id;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBe(conflict);
    expect(await count(t.db.kysely, 'S')).toBe(4);
    expect((await verifyAuditChain(t.db.kysely)).ok).toBe(true);
  });

  it('settles a caller only after the commit: its write is visible to another connection', async () => {
    const committer = groupCommitter(t.db);
    const other = t.reopen();
    try {
      const id = await committer.run((trx) => addPerson(trx as Kysely<PlatformTables>, 'B1'));
      const seen = await runSql<{ id: number }>(other.kysely, 'select id from persons where id = ?', [id]);
      expect(seen.rows.map((r) => Number(r.id))).toEqual([id]);
    } finally {
      await other.close();
    }
  });

  it.runIf(engine === 'sqlite')('on SQLite the write is already in the file the moment the caller’s promise settles', async () => {
    const committer = groupCommitter(t.db);
    // A separate read-only handle on the same file: WAL readers take no lock, and it does not share
    // the app connection's queue, so it sees exactly what has been committed at that instant.
    const reader = new SqliteDatabase(t.db.sqlite!.name, { readonly: true });
    try {
      const seen = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          committer.run((trx) => addPerson(trx as Kysely<PlatformTables>, `R${i}`)).then((id) => ({ id, rows: reader.prepare('select id from persons where id = ?').all(id) as { id: number }[] })),
        ),
      );
      for (const s of seen) expect(s.rows.map((r) => Number(r.id))).toEqual([s.id]);
    } finally {
      reader.close();
    }
  });

  it('keeps each unit seeing the writes of the units before it in the batch', async () => {
    const committer = groupCommitter(t.db);
    // A uniqueness check read-then-write in every unit: only one of ten identical units may insert.
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        committer.run(async (trx) => {
          const k = trx as Kysely<PlatformTables>;
          const exists = await runSql(k, "select id from persons where doc_type = 'passport' and doc_number = ?", ['C1']);
          if (exists.rows.length) return 'exists';
          await addPerson(k, 'C1');
          return 'inserted';
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(await count(t.db.kysely, 'C')).toBe(1);
  });
});
