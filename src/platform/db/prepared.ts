import { CompiledQuery, sql, type DialectAdapter, type Kysely, type QueryResult } from 'kysely';

/**
 * Hot-path statements: SQL written once with `?` placeholders and executed with fresh parameters,
 * so a request pays neither Kysely's query building and compiling nor (on SQLite, with the
 * statement cache of sqlite-driver.ts) SQLite's prepare. On PostgreSQL the placeholders become
 * $1, $2 …; a `?` inside a single-quoted literal is left alone.
 */
const dollarStyle = new WeakMap<DialectAdapter, boolean>();
// Keyed by the literal SQL texts of the code (a fixed, small set), never by user input.
const postgresText = new Map<string, string>();
/**
 * PostgreSQL text of each hot-path statement → the name it is prepared under on every pooled
 * connection (connect.ts), so the server parses and plans it once per connection, not per call.
 */
export const postgresStatementNames = new Map<string, string>();
let statementsNamed = 0;

/** What runSql needs of a Kysely instance or transaction, whatever its table map. */
export type SqlRunner = Pick<Kysely<unknown>, 'getExecutor' | 'executeQuery'>;

/** True on PostgreSQL (for the few hot statements written differently per engine). */
export function isPostgres(k: SqlRunner): boolean {
  return !directRunners.has(k) && usesDollar(k);
}

function usesDollar(k: SqlRunner): boolean {
  // The adapter is shared by a Kysely instance and its transactions: one probe per dialect.
  const adapter = k.getExecutor().adapter;
  let d = dollarStyle.get(adapter);
  if (d === undefined) dollarStyle.set(adapter, (d = sql`${1}`.compile(k).sql === '$1'));
  return d;
}

/** `?` → `$n` outside single-quoted literals. */
export function toDollarPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

/** A connection that runs SQL synchronously (sqlite-driver.ts's CachedSqliteConnection). */
export interface DirectRunner {
  run<R>(sql: string, parameters: readonly unknown[]): QueryResult<R>;
}

/**
 * Kysely instances bound to a connection that the holder runs synchronously: the SQLite group
 * committer registers its batch's connection here for the batch's duration, so hot-path SQL
 * inside a unit skips Kysely's executor (a query id, a frozen query object and three promise
 * hops per statement, ~7 % of a booking's CPU in the benchmark, issue 3). The connection is held
 * by the batch, so running on it directly is what Kysely would do, minus the bookkeeping.
 */
export const directRunners = new WeakMap<object, DirectRunner>();

export function runSql<R>(k: SqlRunner, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  const direct = directRunners.get(k);
  if (direct) {
    try {
      return Promise.resolve(direct.run<R>(text, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return k.executeQuery<R>(CompiledQuery.raw(usesDollar(k) ? postgresTextOf(text) : text, params as unknown[]));
}

/** The PostgreSQL text of a hot statement ($n placeholders), named for preparing (connect.ts). */
export function postgresTextOf(text: string): string {
  let cached = postgresText.get(text);
  if (cached === undefined) {
    postgresText.set(text, (cached = toDollarPlaceholders(text)));
    // Two texts can rewrite to the same $n text (one written with $1 already): one name for both.
    if (!postgresStatementNames.has(cached)) postgresStatementNames.set(cached, `yiwang_${++statementsNamed}`);
  }
  return cached;
}
