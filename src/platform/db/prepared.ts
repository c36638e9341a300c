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

/** What runSql needs of a Kysely instance or transaction, whatever its table map. */
export type SqlRunner = Pick<Kysely<unknown>, 'getExecutor' | 'executeQuery'>;

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

export function runSql<R>(k: SqlRunner, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  let q = text;
  if (usesDollar(k)) {
    let cached = postgresText.get(text);
    if (cached === undefined) postgresText.set(text, (cached = toDollarPlaceholders(text)));
    q = cached;
  }
  return k.executeQuery<R>(CompiledQuery.raw(q, params as unknown[]));
}
