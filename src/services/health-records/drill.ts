import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Clock } from '../../platform/time/clock.ts';
import { openPostgres, openSqlite, type Db } from '../../platform/db/connect.ts';
import { migrateToLatest, type VersionedMigration } from '../../platform/db/migrate.ts';
import { backupDatabase, compareWithTrailer, listTables, restoreDatabase } from '../../platform/db/backup.ts';
import { sql } from 'kysely';
import { verifyAuditChain, type ChainVerdict } from '../../platform/audit/verify.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { formatCitation } from '../../platform/law/decision.ts';
import { tieredStorageCitation } from './citations.ts';

/**
 * 西卫〔2019〕4号 第九条: 定期进行备份和恢复检测，确保数据能够及时、完整、准确恢复. A drill restores a
 * backup into a scratch database that nobody uses, then proves the copy: row counts and per-table
 * checksums against the backup's trailer, and the audit hash chain end to end. A backup that cannot
 * be restored, or restores into something different, fails the drill loudly.
 */
export interface ScratchDatabase {
  // The scratch holds whatever tables the migrations make.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Db<any>;
  readonly where: string;
  cleanup(): Promise<void>;
}

export interface DrillReport {
  ok: boolean;
  file: string;
  fileBytes: number;
  scratch: string;
  startedAt: string;
  durationMs: number;
  tables: number;
  rows: number;
  mismatches: string[];
  auditChain: ChainVerdict | null;
  /** Why the restore itself failed (unreadable, truncated, from a newer schema), if it did. */
  error: string | null;
  citation: string;
}

/** A scratch SQLite database in a temporary folder. */
export async function sqliteScratch(): Promise<ScratchDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-drill-'));
  const file = path.join(dir, 'drill.sqlite');
  const db = openSqlite<PlatformTables>(file);
  return { db, where: `SQLite ${file}`, cleanup: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A scratch schema on a PostgreSQL server, dropped afterwards. */
export async function postgresScratch(url: string): Promise<ScratchDatabase> {
  const schema = `yiwang_drill_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openPostgres<PlatformTables>(url, { searchPath: schema, poolSize: 2 });
  return {
    db,
    where: `PostgreSQL schema ${schema}`,
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export interface DrillOptions {
  readonly file: string;
  readonly migrations: readonly VersionedMigration[];
  readonly clock: Clock;
  readonly openScratch: () => Promise<ScratchDatabase>;
}

/** Restore a backup file into a scratch database and verify it; never throws for a bad backup. */
export async function runRestoreDrill(o: DrillOptions): Promise<DrillReport> {
  const started = o.clock.now();
  const t0 = performance.now();
  const report: DrillReport = {
    ok: false, file: o.file, fileBytes: 0, scratch: '', startedAt: started.toISOString(), durationMs: 0, tables: 0, rows: 0, mismatches: [], auditChain: null, error: null,
    citation: formatCitation(tieredStorageCitation),
  };
  let scratch: ScratchDatabase | undefined;
  try {
    report.fileBytes = statSync(o.file).size;
    await checkGzipIntegrity(o.file);
    scratch = await o.openScratch();
    report.scratch = scratch.where;
    await migrateToLatest(scratch.db, o.migrations);
    await clearMigrationRows(scratch.db);
    const trailer = await restoreDatabase(scratch.db, o.file);
    report.tables = trailer.tables.length;
    report.rows = trailer.tables.reduce((a, t) => a + t.rows, 0);
    const cmp = await compareWithTrailer(scratch.db, trailer);
    report.mismatches = cmp.mismatches;
    report.auditChain = await verifyAuditChain(scratch.db.kysely as Kysely<PlatformTables>);
    report.ok = cmp.ok && report.auditChain.ok;
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    report.ok = false;
  } finally {
    await scratch?.cleanup().catch(() => undefined);
    report.durationMs = Math.round(performance.now() - t0);
  }
  return report;
}

/**
 * Some migrations write reference rows (e.g. a service's fixed criteria); the backup holds those
 * rows too, and restore wants an empty target. The scratch is nobody's data, so it is emptied
 * (children first) after migrating; audit_head is the restore's own business.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function clearMigrationRows(db: Db<any>): Promise<void> {
  const k = db.kysely as Kysely<Record<string, never>>;
  const tables = await listTables(k, db.engine);
  for (const t of [...tables].reverse()) {
    if (t === 'audit_head') continue;
    await sql`delete from ${sql.table(t)}`.execute(k);
  }
}

/**
 * Read the whole file through gunzip first. A flipped byte often shows only in the gzip CRC at the
 * very end, after every line was parsed; the platform's restore reads through readline, which does
 * not surface that late stream error (it escapes as an unhandled error), so the drill checks here.
 */
export async function checkGzipIntegrity(file: string): Promise<void> {
  try {
    await pipeline(createReadStream(file), createGunzip(), new Writable({ write: (_chunk, _enc, done) => done() }));
  } catch (e) {
    throw new Error(`backup file is corrupt (gzip: ${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Back up a live database to a file and drill that file (what `yiwang drill` does without --file). */
export async function backupAndDrill<T>(source: Db<T>, o: Omit<DrillOptions, 'file'> & { dir: string }): Promise<DrillReport> {
  const file = path.join(o.dir, `drill-${o.clock.now().toISOString().replace(/[-:.]/g, '')}.jsonl.gz`);
  await backupDatabase(source, file);
  return runRestoreDrill({ ...o, file });
}

export function formatDrillReport(r: DrillReport): string {
  const lines = [
    `restore drill ${r.ok ? 'PASSED' : 'FAILED'} (${r.citation}: 定期进行备份和恢复检测)`,
    `  backup:  ${r.file} (${r.fileBytes} bytes)`,
    `  scratch: ${r.scratch || '—'}`,
    `  restored ${r.rows} rows in ${r.tables} tables in ${r.durationMs} ms`,
  ];
  if (r.error) lines.push(`  ERROR restoring: ${r.error}`);
  for (const m of r.mismatches) lines.push(`  MISMATCH ${m}`);
  if (r.auditChain) lines.push(r.auditChain.ok ? `  audit chain intact: ${r.auditChain.rows} rows` : `  audit chain BROKEN at seq ${r.auditChain.firstBadSeq} (${r.auditChain.problem})`);
  if (!r.error && r.mismatches.length === 0 && r.auditChain?.ok) lines.push('  counts and checksums match the backup');
  return lines.join('\n');
}
