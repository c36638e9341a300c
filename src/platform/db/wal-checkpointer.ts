import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies committed WAL frames into the SQLite database file on a worker thread, with its own
 * connection, so the event loop's COMMITs no longer run the checkpoint (page writes and two
 * fsyncs). Only PASSIVE checkpoints: they never wait for or block the writer. A FULL/RESTART
 * checkpoint would hold the write lock, and the app's BEGIN IMMEDIATE would then sleep in
 * SQLite's busy handler on the event loop (seconds-long stalls in the booking benchmark).
 * The app connection keeps a (raised) wal_autocheckpoint as its own backstop; by the time it
 * fires the worker has copied nearly everything, so it costs a short tail and lets the WAL
 * restart from its beginning.
 *
 * Crash safety is SQLite's: a checkpoint only copies frames already committed to the WAL.
 */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

// Plain JavaScript run with eval: no TypeScript loader is needed in the worker.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let timer;
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the app connection is checkpointing */ }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', () => { clearTimeout(timer); db.close(); parentPort.close(); });
`;

export function startWalCheckpointer(file: string, intervalMs = 100): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { file, driver, intervalMs } });
  // Never keep the process alive, and never take it down: without the worker, the app
  // connection's own auto-checkpoint still bounds the WAL.
  worker.unref();
  worker.on('error', (e) => {
    // Not fatal (the inline auto-checkpoint takes over), but the stalls it brings back should be explained.
    console.error(`wal-checkpointer stopped: ${e instanceof Error ? e.message : String(e)}; SQLite's inline auto-checkpoint takes over`);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again while stopping, or a process with nothing else to do would exit mid-await.
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)));
      await Promise.race([exited, timeout]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
