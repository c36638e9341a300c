import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('startWalCheckpointer', () => {
  it('copies committed WAL frames into the database file without the writer checkpointing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-ckpt-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const db = new SqliteDatabase(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0'); // only the worker may checkpoint
    db.exec('create table t (id integer primary key, v text not null)');
    const insert = db.prepare('insert into t (v) values (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000));
    })();
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);

    const checkpointer = startWalCheckpointer(file, 20);
    try {
      expect(await until(() => statSync(file).size > 2_000_000, 5000)).toBe(true);
      expect(before).toBeLessThan(100_000);
      // The writer keeps committing while the worker checkpoints: nothing waits, nothing is lost.
      for (let i = 0; i < 50; i++) insert.run(`y${i}`);
      expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2050 });
    } finally {
      await checkpointer.stop();
    }
    db.close();
    const reopened = new SqliteDatabase(file);
    expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: 2050 });
    reopened.close();
  });

  it('stops promptly and lets the database close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-ckpt-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const db = new SqliteDatabase(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = startWalCheckpointer(file, 10);
    const started = Date.now();
    await checkpointer.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    db.close();
  });
});
