/**
 * What a transaction has derived from its own writes (the audit chain's head after its last
 * append), so it need not read it back. A transaction's owner opens the memo and closes it when the
 * transaction ends; a rollback to a savepoint resets it, since the values may name undone writes.
 * Readers must still check what they rely on (appendAudit moves the head only from the seq it
 * expects), so a stale value fails loudly instead of corrupting anything.
 */
const memos = new WeakMap<object, Map<symbol, unknown>>();

export function openTxMemo(trx: object): void {
  memos.set(trx, new Map());
}

export function closeTxMemo(trx: object): void {
  memos.delete(trx);
}

export function resetTxMemo(trx: object): void {
  memos.get(trx)?.clear();
}

/** The memo of a transaction whose owner opened one; undefined outside such a transaction. */
export function txMemo(trx: object): Map<symbol, unknown> | undefined {
  return memos.get(trx);
}

/** Runs fn with a memo open for trx (inTransaction's blocks). */
export async function withTxMemo<X extends object, R>(trx: X, fn: (trx: X) => Promise<R>): Promise<R> {
  openTxMemo(trx);
  try {
    return await fn(trx);
  } finally {
    closeTxMemo(trx);
  }
}
