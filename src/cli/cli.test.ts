import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { realPostgresUrl } from '../platform/db/test-databases.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/yiwang.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function yiwang(args: string[], env: Record<string, string>): Promise<Result> {
  try {
    const r = await run(process.execPath, [bin, ...args], { env: { ...process.env, YIWANG_NOW: '', ...env }, timeout: 150_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'yiwang-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Seeding the whole demo (every service) takes tens of seconds on PostgreSQL.
vi.setConfig({ testTimeout: 240_000 });

describe('yiwang CLI on SQLite', () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, DATABASE_URL: '' };

  it('prints help with every command', async () => {
    const r = await yiwang(['--help'], env);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'migrate', 'seed', 'audit', 'backup', 'restore']) expect(r.stdout).toContain(c);
  });

  it('migrates, seeds demo data once, and verifies the audit chain', async () => {
    expect((await yiwang(['migrate'], env)).stdout).toMatch(/applied: 0001_platform_identity/);
    expect((await yiwang(['migrate'], env)).stdout).toMatch(/up to date/);
    expect((await yiwang(['seed', '--demo'], env)).stdout).toMatch(/seeded 15 streets, 30 institutions, 200 persons/);
    expect((await yiwang(['seed', '--demo'], env)).stdout).toMatch(/already present/);
    const v = await yiwang(['audit', 'verify'], env);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/audit chain intact: \d+ rows/);
  });

  it('backs up, restores into a fresh database and verifies the copy', async () => {
    const file = path.join(tempDir(), 'demo.jsonl.gz');
    expect((await yiwang(['backup', file], env)).code).toBe(0);
    const restored = await yiwang(['restore', file, '--verify'], { DATA_DIR: tempDir(), DATABASE_URL: '' });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/verify: \d+ tables match counts and checksums; audit chain intact/);
    // Restoring over data is refused.
    const again = await yiwang(['restore', file], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('audit verify exits non-zero and names the first tampered row', async () => {
    const db = new Database(path.join(dataDir, 'yiwang.sqlite'));
    db.prepare('update audit_log set actor_name = ? where seq = 2').run('冒名顶替');
    db.close();
    const v = await yiwang(['audit', 'verify'], env);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/BROKEN at seq 2 \(edited\)/);
  });

  it('rejects a malformed YIWANG_NOW with a clear message', async () => {
    const r = await yiwang(['migrate'], { ...env, YIWANG_NOW: '2019-06-15' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/YIWANG_NOW/);
  });
});

const pgUrl = realPostgresUrl();
describe.skipIf(!pgUrl)('yiwang CLI on a PostgreSQL server', () => {
  const name = `yiwang_cli_${process.pid}`;
  let url = '';

  it('migrates, seeds, backs up and restores into SQLite, verifying both', async () => {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(pgUrl ?? '');
    u.pathname = `/${name}`;
    url = u.toString();
    const env = { DATABASE_URL: url };
    expect((await yiwang(['seed', '--demo'], env)).stdout).toMatch(/seeded 15 streets/);
    expect((await yiwang(['audit', 'verify'], env)).code).toBe(0);
    const file = path.join(tempDir(), 'pg.jsonl.gz');
    expect((await yiwang(['backup', file], env)).code).toBe(0);
    const r = await yiwang(['restore', file, '--verify'], { DATA_DIR: tempDir(), DATABASE_URL: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit chain intact/);
  });

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
});
