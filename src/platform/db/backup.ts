import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Db } from './connect.ts';
import { inTransaction } from './transaction.ts';

/**
 * Engine-neutral backup: gzip'd JSON lines, one header, one line per row, one trailer with row
 * counts and a SHA-256 per table. It is read inside one snapshot (SQLite read transaction in WAL
 * mode; PostgreSQL REPEATABLE READ), so it is consistent while the server keeps writing, and it
 * restores into either engine.
 */
export const backupFormat = 'yiwang-backup/1';

export interface TableSummary {
  readonly name: string;
  readonly rows: number;
  readonly sha256: string;
}

export interface BackupTrailer {
  readonly tables: readonly TableSummary[];
}

export interface Progress {
  (done: number, total: number, label: string): void;
}

type Row = Record<string, unknown>;
// Backup walks whatever tables exist, so it works on an untyped handle.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const pageSize = 1000;

/** User tables in creation order (so parents come before children on restore). */
export async function listTables(db: AnyDb, engine: Db['engine']): Promise<string[]> {
  if (engine === 'sqlite') {
    const r = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by rowid`.execute(db);
    return r.rows.map((x) => x.name);
  }
  const r = await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = current_schema() and c.relname not like 'kysely_%' order by c.oid`.execute(db);
  return r.rows.map((x) => x.name);
}

async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

/**
 * Order-independent table digest: the sum of the rows' SHA-256 values mod 2^256. Engines sort
 * text differently (collations), so a digest over row order would differ between them.
 */
class MultisetHash {
  private sum = 0n;
  add(line: string): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(line).digest('hex')}`)) & ((1n << 256n) - 1n);
  }
  hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

/** Canonical form of a value, so SQLite and PostgreSQL rows hash alike. */
function canonical(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

function canonicalRow(row: Row): Row {
  const out: Row = {};
  for (const k of Object.keys(row).sort()) out[k] = canonical(row[k]);
  return out;
}

async function* tableRows(db: AnyDb, table: string): AsyncGenerator<Row[]> {
  for (let offset = 0; ; offset += pageSize) {
    const r = await sql<Row>`select * from ${sql.table(table)} order by 1 limit ${pageSize} offset ${offset}`.execute(db);
    if (r.rows.length === 0) return;
    yield r.rows.map(canonicalRow);
    if (r.rows.length < pageSize) return;
  }
}

async function countRows(db: AnyDb, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function backupDatabase<T>(db: Db<T>, file: string, progress?: Progress): Promise<BackupTrailer> {
  const out = createGzip();
  const sink = createWriteStream(file);
  out.pipe(sink);
  const write = async (obj: unknown) => {
    if (!out.write(`${JSON.stringify(obj)}\n`)) await once(out, 'drain');
  };
  const snapshot = async (k: AnyDb): Promise<BackupTrailer> => {
    const tables = await listTables(k, db.engine);
    const total = (await Promise.all(tables.map((t) => countRows(k, t)))).reduce((a, b) => a + b, 0);
    await write({ format: backupFormat, engine: db.engine, migrations: await appliedMigrations(k), tables, rows: total });
    const summaries: TableSummary[] = [];
    let done = 0;
    for (const table of tables) {
      const hash = new MultisetHash();
      let rows = 0;
      for await (const page of tableRows(k, table)) {
        for (const row of page) {
          hash.add(JSON.stringify(row));
          await write({ t: table, r: row });
        }
        rows += page.length;
        done += page.length;
        progress?.(done, total, table);
      }
      summaries.push({ name: table, rows, sha256: hash.hex() });
    }
    return { tables: summaries };
  };
  let trailer: BackupTrailer;
  if (db.engine === 'postgres') {
    trailer = await (db.kysely as unknown as AnyDb).transaction().setIsolationLevel('repeatable read').execute(snapshot);
  } else {
    // A deferred read transaction: WAL gives it a stable snapshot and writers are not blocked.
    trailer = await (db.kysely as unknown as AnyDb).connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        return await snapshot(conn);
      } finally {
        await sql`commit`.execute(conn);
      }
    });
  }
  await write({ trailer });
  out.end();
  await once(sink, 'finish');
  return trailer;
}

interface BackupHeader {
  format: string;
  engine: string;
  migrations: string[];
  tables: string[];
  rows: number;
}

/** Read a backup: the header, a callback per batch of rows, and the trailer. */
async function readBackup(file: string, onRows: (table: string, rows: Row[], header: BackupHeader) => Promise<void>): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  // readline does not pass on its input's errors: catch a corrupt or unreadable file here, end the
  // lines, and fail after the loop instead of crashing the process.
  let failure: Error | undefined;
  const source = createReadStream(file);
  const gunzip = createGunzip();
  const fail = (e: Error) => {
    failure ??= e;
    gunzip.destroy();
  };
  source.on('error', fail);
  gunzip.on('error', fail);
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  lines.on('error', fail);
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let batch: Row[] = [];
  let batchTable = '';
  const flush = async () => {
    if (batch.length && header) await onRows(batchTable, batch, header);
    batch = [];
  };
  try {
    for await (const line of lines) {
      if (!line) continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        fail(new Error('a line is not valid JSON'));
        break;
      }
      if (!header) {
        if (obj.format !== backupFormat) throw new Error(`not a Yiwang backup (format ${String(obj.format)})`);
        header = obj as unknown as BackupHeader;
      } else if (obj.trailer) {
        await flush();
        trailer = obj.trailer as BackupTrailer;
      } else {
        const t = String(obj.t);
        if (t !== batchTable || batch.length >= 500) {
          await flush();
          batchTable = t;
        }
        batch.push(obj.r as Row);
      }
    }
  } catch (e) {
    fail(e instanceof Error ? e : new Error(String(e)));
  }
  if (failure) throw new Error(`backup file is unreadable or corrupt: ${failure.message}`);
  if (!header || !trailer) throw new Error('backup file is truncated (no header or trailer)');
  return { header, trailer };
}

/**
 * Restore into an empty, migrated database. All rows go in one transaction: a failed restore
 * leaves the target as it was.
 */
export async function restoreDatabase<T>(db: Db<T>, file: string, progress?: Progress): Promise<BackupTrailer> {
  const k = db.kysely as unknown as AnyDb;
  const existing = await listTables(k, db.engine);
  // A target is fresh when nothing has happened in it: no audit row, no person. Rows that
  // migrations wrote (the audit head, reference data) are replaced by the backup's.
  for (const t of ['audit_log', 'persons']) {
    if ((await countRows(k, t)) > 0) throw new Error(`restore target is not empty: table ${t} has rows`);
  }
  let done = 0;
  return inTransaction(db, async (trx) => {
    const tk = trx as unknown as AnyDb;
    for (const t of [...existing].reverse()) await sql`delete from ${sql.table(t)}`.execute(tk);
    const { header, trailer } = await readBackup(file, async (table, rows, head) => {
      if (!existing.includes(table)) throw new Error(`backup has table ${table}, which this version does not know`);
      await tk.insertInto(table).values(rows).execute();
      done += rows.length;
      progress?.(done, head.rows, table);
    });
    const mine = await appliedMigrations(tk);
    const missing = header.migrations.filter((m) => !mine.includes(m));
    if (missing.length) throw new Error(`backup comes from a newer schema (unknown migrations: ${missing.join(', ')})`);
    if (db.engine === 'postgres') await resetIdentitySequences(tk, existing);
    return trailer;
  });
}

async function resetIdentitySequences(k: AnyDb, tables: string[]): Promise<void> {
  // Only tables with an identity id column have a sequence; asking for others would abort the transaction.
  const r = await sql<{ table_name: string }>`select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'id' and is_identity = 'YES'`.execute(k);
  for (const { table_name: t } of r.rows) {
    if (!tables.includes(t)) continue;
    const seq = await sql<{ s: string | null }>`select pg_get_serial_sequence(${t}, 'id') as s`.execute(k);
    const s = seq.rows[0]?.s;
    if (s) await sql`select setval(${s}, coalesce((select max(id) from ${sql.table(t)}), 0) + 1, false)`.execute(k);
  }
}

/** Recount and rehash a live database against a backup's trailer. */
export async function compareWithTrailer<T>(db: Db<T>, trailer: BackupTrailer): Promise<{ ok: boolean; mismatches: string[] }> {
  const k = db.kysely as unknown as AnyDb;
  const mismatches: string[] = [];
  for (const t of trailer.tables) {
    const hash = new MultisetHash();
    let rows = 0;
    for await (const page of tableRows(k, t.name)) {
      for (const row of page) hash.add(JSON.stringify(row));
      rows += page.length;
    }
    if (rows !== t.rows) mismatches.push(`${t.name}: ${rows} rows, backup has ${t.rows}`);
    else if (hash.hex() !== t.sha256) mismatches.push(`${t.name}: content checksum differs`);
  }
  return { ok: mismatches.length === 0, mismatches };
}
