import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStatementNames, postgresTextOf, runSql, toDollarPlaceholders } from './prepared.ts';
import { openTestDatabase, testEngines, type TestDatabase } from './test-databases.ts';
import { platformMigrations } from '../migrations.ts';
import type { PlatformTables } from './schema.ts';
import { inTransaction } from './transaction.ts';

describe('toDollarPlaceholders', () => {
  it('numbers every ? in order', () => {
    expect(toDollarPlaceholders('select * from t where a = ? and b = ? limit ?')).toBe('select * from t where a = $1 and b = $2 limit $3');
  });
  it('leaves a ? inside a quoted literal alone', () => {
    expect(toDollarPlaceholders("select '?' as q, 'it''s ?' as r where a = ?")).toBe("select '?' as q, 'it''s ?' as r where a = $1");
  });
});

describe('postgresTextOf', () => {
  it('gives every distinct PostgreSQL text one name of its own, even when two sources rewrite to the same text', () => {
    const a = postgresTextOf('select ?::int as n_test_a');
    const b = postgresTextOf('select $1::int as n_test_a');
    const c = postgresTextOf('select ?::int + 1 as n_test_a');
    expect(b).toBe(a);
    const names = [a, c].map((text) => postgresStatementNames.get(text));
    expect(names.every((n) => n !== undefined)).toBe(true);
    expect(new Set(names).size).toBe(2);
    expect(new Set(postgresStatementNames.values()).size).toBe(postgresStatementNames.size);
  });
});

describe.each(testEngines)('runSql on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, platformMigrations);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('binds ? parameters on both engines, outside and inside a transaction', async () => {
    const k = t.db.kysely;
    const inserted = await runSql<{ id: number }>(
      k,
      "insert into persons (doc_type, doc_number, name, phone, locale, created_at) values (?, ?, ?, ?, 'zh-CN', ?) returning id",
      ['passport', 'E1234567', '张三', '13800000000', '2026-03-02T00:00:00.000Z'],
    );
    const id = Number(inserted.rows[0]?.id);
    expect(id).toBeGreaterThan(0);
    const row = await runSql<{ name: string; q: string }>(k, "select name, '?' as q from persons where doc_type = ? and doc_number = ?", ['passport', 'E1234567']);
    expect(row.rows).toEqual([{ name: '张三', q: '?' }]);
    const updated = await inTransaction(t.db, (trx) => runSql(trx, 'update persons set phone = ? where id = ?', ['13900000000', id]));
    expect(Number(updated.numAffectedRows)).toBe(1);
    const none = await runSql(k, 'update persons set phone = ? where id = ?', ['13900000000', id + 1000]);
    // PGlite leaves numAffectedRows out when no row changed.
    expect(Number(none.numAffectedRows ?? 0)).toBe(0);
    // The same text again (cached statement / cached $n rewrite) with other values.
    expect((await runSql<{ phone: string }>(k, "select name, '?' as q from persons where doc_type = ? and doc_number = ?", ['passport', 'nobody'])).rows).toEqual([]);
  });

  it('on a PostgreSQL server, runs hot statements as named prepared statements (parsed once per connection)', async (ctx) => {
    if (t.flavour !== 'postgres') ctx.skip(); // the pg.Pool hook of connect.ts; PGlite has its own driver
    const text = 'select count(*) as n from persons where doc_type = ?';
    // One transaction: one pooled connection, whose prepared statements the server lists.
    const prepared = await inTransaction(t.db, async (trx) => {
      await runSql(trx, text, ['passport']);
      await runSql(trx, text, ['resident_id']);
      return (await runSql<{ statement: string; n: number | string }>(trx, 'select statement, count(*) over () as n from pg_prepared_statements where statement = ?', [toDollarPlaceholders(text)])).rows;
    });
    expect(prepared.map((r) => r.statement)).toEqual([toDollarPlaceholders(text)]);
  });
});
