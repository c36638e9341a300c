import { readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { backupDatabase, type BackupTrailer } from '../../platform/db/backup.ts';

/**
 * 西卫〔2019〕4号 第九条 建立可靠的容灾备份工作机制，定期进行备份: a backup every interval into a
 * folder that keeps the newest N. A backup is written to a .partial name and renamed when complete,
 * so a crash mid-write never leaves a file that looks like a good backup.
 */
export const backupSuffix = '.jsonl.gz';

export interface RotationResult {
  file: string;
  trailer: BackupTrailer;
  removed: string[];
}

export function backupFileName(prefix: string, at: Date): string {
  return `${prefix}-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}${backupSuffix}`;
}

export function listBackups(dir: string, prefix = 'yiwang'): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith(backupSuffix)).sort().map((f) => path.join(dir, f));
}

export async function backupWithRotation<T>(db: Db<T>, clock: Clock, o: { dir: string; keep: number; prefix?: string }): Promise<RotationResult> {
  if (!Number.isInteger(o.keep) || o.keep < 1) throw new RangeError('keep must be a whole number of at least 1');
  const prefix = o.prefix ?? 'yiwang';
  const file = path.join(o.dir, backupFileName(prefix, clock.now()));
  const partial = `${file}.partial`;
  try {
    const trailer = await backupDatabase(db, partial);
    renameSync(partial, file);
    const all = listBackups(o.dir, prefix);
    const removed = all.slice(0, Math.max(0, all.length - o.keep));
    for (const f of removed) rmSync(f, { force: true });
    return { file, trailer, removed };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

export interface ScheduleOptions {
  dir: string;
  intervalMs: number;
  keep: number;
  prefix?: string;
  /** Called after each backup, e.g. to run a restore drill on it. */
  after?: (r: RotationResult) => Promise<void>;
  onError?: (e: unknown) => void;
}

/** Back up now and then every interval; runs never overlap. stop() waits for a running backup. */
export function startScheduledBackups<T>(db: Db<T>, clock: Clock, o: ScheduleOptions): { stop(): Promise<void>; runs(): number } {
  if (!Number.isFinite(o.intervalMs) || o.intervalMs < 1000) throw new RangeError('interval must be at least one second');
  let running: Promise<void> | undefined;
  let count = 0;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const r = await backupWithRotation(db, clock, o);
        count++;
        await o.after?.(r);
      } catch (e) {
        o.onError?.(e);
      } finally {
        running = undefined;
      }
    })();
  };
  tick();
  const timer = setInterval(tick, o.intervalMs);
  return {
    runs: () => count,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
