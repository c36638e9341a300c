import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CachedSqliteConnection, CachedSqliteDialect, FifoLock } from './sqlite-driver.ts';

describe('FifoLock', () => {
  it('hands the lock to waiters in arrival order, one at a time', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await lock.lock();
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(i);
        await new Promise((r) => setImmediate(r));
        inside--;
        lock.unlock();
      }),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(lock.waiting).toBe(0);
  });

  it('does not let a newcomer overtake a waiter', async () => {
    const lock = new FifoLock();
    const order: string[] = [];
    await lock.lock();
    const waiter = lock.lock().then(() => order.push('waiter'));
    lock.unlock(); // ownership passes to the waiter, not to whoever asks next
    const newcomer = lock.lock().then(() => order.push('newcomer'));
    await waiter;
    lock.unlock();
    await newcomer;
    lock.unlock();
    expect(order).toEqual(['waiter', 'newcomer']);
  });

  it('keeps order across many hand-overs (compaction of the waiter list)', async () => {
    const lock = new FifoLock();
    await lock.lock();
    const seen: number[] = [];
    const all = Array.from({ length: 3000 }, (_, i) => lock.lock().then(() => { seen.push(i); lock.unlock(); }));
    lock.unlock();
    await Promise.all(all);
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

describe('CachedSqliteConnection and dialect', () => {
  let raw: SqliteDatabase.Database;
  afterEach(() => {
    if (raw.open) raw.close();
  });

  it('prepares a statement once per SQL text and reuses it', () => {
    raw = new SqliteDatabase(':memory:');
    raw.exec('create table t (id integer primary key, v text)');
    const conn = new CachedSqliteConnection(raw);
    const st = conn.statement('insert into t (v) values (?)');
    expect(conn.statement('insert into t (v) values (?)')).toBe(st);
    const r = conn.run('insert into t (v) values (?)', ['a']);
    expect(r.numAffectedRows).toBe(1n);
    expect(r.insertId).toBe(1n);
    expect(conn.run<{ v: string }>('select v from t where id = ?', [1]).rows).toEqual([{ v: 'a' }]);
    expect(conn.run('insert into t (v) values (?) returning id', ['b']).rows).toEqual([{ id: 2 }]);
    expect(conn.cachedStatements).toBe(3);
  });

  it('bounds the cache and survives a statement that is still iterating', () => {
    raw = new SqliteDatabase(':memory:');
    raw.exec('create table t (id integer primary key)');
    raw.exec('insert into t (id) values (1), (2), (3)');
    const conn = new CachedSqliteConnection(raw);
    for (let i = 0; i < 1100; i++) conn.run(`select ${i} as n`, []);
    expect(conn.cachedStatements).toBe(1000);
    const busy = conn.statement('select id from t order by id');
    const it = busy.iterate();
    it.next();
    // The cached statement is busy: running the same text again must prepare a new one.
    expect(conn.run<{ id: number }>('select id from t order by id', []).rows.map((r) => r.id)).toEqual([1, 2, 3]);
    it.return?.();
  });

  it('runs Kysely queries, transactions and streams through the dialect', async () => {
    raw = new SqliteDatabase(':memory:');
    const k = new Kysely<{ t: { id: number; v: string } }>({ dialect: new CachedSqliteDialect(raw) });
    await sql`create table t (id integer primary key, v text not null)`.execute(k);
    await k.insertInto('t').values([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]).execute();
    await expect(
      k.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 3, v: 'c' }).execute();
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const streamed: string[] = [];
    for await (const r of k.selectFrom('t').select('v').orderBy('id').stream()) streamed.push(r.v);
    expect(streamed).toEqual(['a', 'b']);
    // Concurrent queries queue on the one connection and all complete.
    const counts = await Promise.all(Array.from({ length: 20 }, () => k.selectFrom('t').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()));
    expect(counts.every((c) => Number(c.n) === 2)).toBe(true);
    await k.destroy();
    expect(raw.open).toBe(false);
  });
});
