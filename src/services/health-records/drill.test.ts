import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openTestDatabase, realPostgresUrl, testEngines, type TestDatabase } from '../../platform/db/test-databases.ts';
import { GENESIS_HASH } from '../../platform/audit/migration.ts';
import { backupDatabase, listTables } from '../../platform/db/backup.ts';
import { platformMigrations } from '../../platform/migrations.ts';
import { healthRecordsMigrations } from './migration.ts';
import { receiveUpload } from './upload.ts';
import { diagnosis, encounter, openWorld, patient, residentId, type World } from './test-support.ts';
import { postgresScratch, runRestoreDrill, sqliteScratch, type ScratchDatabase } from './drill.ts';
import { backupWithRotation, listBackups, startScheduledBackups } from './scheduled-backup.ts';

const migrations = [...platformMigrations, ...healthRecordsMigrations];

/** Rewrite a backup's JSON lines (valid gzip, different content), optionally fixing the trailer's checksum. */
function tamper(src: string, dst: string, edit: (obj: Record<string, unknown>) => boolean, fixTrailerFor?: string): void {
  const lines = gunzipSync(readFileSync(src)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  let edited = false;
  for (const o of lines) if (!edited && o.t !== undefined) edited = edit(o);
  if (!edited) throw new Error('nothing edited');
  if (fixTrailerFor) {
    // Recompute the table digest the way backup.ts does (sum of row SHA-256 mod 2^256), as a forger would.
    let sum = 0n;
    for (const o of lines) if (o.t === fixTrailerFor) sum = (sum + BigInt(`0x${createHash('sha256').update(JSON.stringify(o.r)).digest('hex')}`)) & ((1n << 256n) - 1n);
    const trailer = lines.at(-1)?.trailer as { tables: { name: string; sha256: string }[] };
    const t = trailer.tables.find((x) => x.name === fixTrailerFor);
    if (t) t.sha256 = sum.toString(16).padStart(64, '0');
  }
  writeFileSync(dst, gzipSync(lines.map((o) => JSON.stringify(o)).join('\n') + '\n'));
}

describe.each(testEngines)('restore drill (第九条) on %s', (engine) => {
  let w: World;
  const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-hr-drill-'));
  let good: string;
  // PostgreSQL scratch databases are recycled between drills (emptied, not recreated): an
  // in-process PGlite takes seconds to start, and the drill only needs an empty migrated database.
  let pgScratch: TestDatabase<unknown> | undefined;
  const openScratch = async (): Promise<ScratchDatabase> => {
    if (engine === 'sqlite') return sqliteScratch();
    pgScratch ??= await openTestDatabase(engine, migrations);
    const t = pgScratch;
    return {
      db: t.db,
      where: t.flavour,
      cleanup: async () => {
        const k = t.db.kysely as Kysely<Record<string, never>>;
        const tables = await listTables(k, 'postgres');
        await sql`truncate table ${sql.join(tables.map((x) => sql.table(x)))} restart identity cascade`.execute(k);
        await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(k);
      },
    };
  };
  const drill = (file: string) => runRestoreDrill({ file, migrations, clock: w.clock, openScratch });

  beforeAll(async () => {
    w = await openWorld(engine);
    const d = w.staff['doctor.rmyy']!;
    for (let i = 0; i < 5; i++) {
      const p = patient({ localId: `P-${i}`, docNumber: residentId('1970-01-01', 200 + i * 2), name: `测试${i}` });
      await receiveUpload(w.t.db, w.clock, d.actor, { staffId: d.id, organisationId: w.orgs.hospital }, { items: [encounter(`E-${i}`, p), diagnosis(`D-${i}`, p)] }, 'native');
    }
    good = path.join(dir, 'good.jsonl.gz');
    await backupDatabase(w.t.db, good);
  });
  afterAll(async () => {
    await pgScratch?.cleanup();
    await w.t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes on a good backup: counts, checksums and the audit chain verify in a scratch database', async () => {
    const r = await drill(good);
    expect(r).toMatchObject({ ok: true, error: null, mismatches: [], auditChain: { ok: true } });
    expect(r.rows).toBeGreaterThan(30);
    expect(r.citation).toBe('依据 西卫〔2019〕4号 第九条');
  });

  // What `yiwang drill` does on PostgreSQL: a scratch schema on the server, dropped afterwards.
  it.skipIf(engine !== 'postgres' || !realPostgresUrl())('drills into a scratch schema on a real PostgreSQL server', async () => {
    const url = realPostgresUrl() ?? '';
    const r = await runRestoreDrill({ file: good, migrations, clock: w.clock, openScratch: () => postgresScratch(url) });
    expect(r).toMatchObject({ ok: true, scratch: expect.stringMatching(/^PostgreSQL schema yiwang_drill_/) });
  });

  it('finds a corrupted backup file (bytes flipped on disk)', async () => {
    const bad = path.join(dir, 'flipped.jsonl.gz');
    const bytes = Buffer.from(readFileSync(good));
    for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 16; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(bad, bytes);
    const r = await drill(bad);
    expect(r.ok).toBe(false);
    expect(r.error ?? r.mismatches.join()).toBeTruthy();
  });

  it('finds a truncated backup', async () => {
    const bad = path.join(dir, 'truncated.jsonl.gz');
    writeFileSync(bad, readFileSync(good).subarray(0, 200));
    const r = await drill(bad);
    expect(r.ok).toBe(false);
    expect(r.error).toBeTruthy();
  });

  it('finds a changed row in an otherwise readable backup (checksum mismatch)', async () => {
    const bad = path.join(dir, 'edited.jsonl.gz');
    tamper(good, bad, (o) => {
      const r = o.r as Record<string, unknown>;
      if (o.t !== 'hr_documents' || !String(r.payload).includes('原发性高血压')) return false;
      r.payload = String(r.payload).replace('原发性高血压', '无');
      return true;
    });
    const r = await drill(bad);
    expect(r.ok).toBe(false);
    expect(r.error).toBeNull();
    expect(r.mismatches).toEqual([expect.stringMatching(/^hr_documents: content checksum differs/)]);
  });

  it('finds an edited audit row even when the forger fixed the checksum (hash chain)', async () => {
    const bad = path.join(dir, 'forged.jsonl.gz');
    tamper(good, bad, (o) => {
      const r = o.r as Record<string, unknown>;
      if (o.t !== 'audit_log' || r.action !== 'health_record.create') return false;
      r.actor_name = '某人';
      return true;
    }, 'audit_log');
    const r = await drill(bad);
    expect(r.mismatches).toEqual([]);
    expect(r).toMatchObject({ ok: false, auditChain: { ok: false, problem: 'edited' } });
  });

  it('keeps the newest N scheduled backups', async () => {
    const sched = path.join(dir, 'sched');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sched);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      made.push((await backupWithRotation(w.t.db, w.clock, { dir: sched, keep: 2 })).file);
      w.clock.advance(3_600_000);
    }
    expect(listBackups(sched)).toEqual(made.slice(2));
    expect(made.slice(0, 2).some(existsSync)).toBe(false);
    // The timer-driven schedule runs at once and then on its interval; stop() waits for the run.
    const s = startScheduledBackups(w.t.db, w.clock, { dir: sched, intervalMs: 60_000, keep: 3 });
    await s.stop();
    expect(s.runs()).toBe(1);
    expect(listBackups(sched)).toHaveLength(3);
    expect((await drill(listBackups(sched).at(-1)!)).ok).toBe(true);
  });
});
