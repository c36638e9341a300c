import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Db } from '../../platform/db/connect.ts';
import type { VersionedMigration } from '../../platform/db/migrate.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { platformMigrations } from '../../platform/migrations.ts';
import { systemClock, type Clock } from '../../platform/time/clock.ts';
import { healthRecordsMigrations } from './migration.ts';
import { backupAndDrill, formatDrillReport, postgresScratch, runRestoreDrill, sqliteScratch, type DrillReport, type ScratchDatabase } from './drill.ts';
import { startScheduledBackups } from './scheduled-backup.ts';

export interface CliOpen {
  (): { db: Db<PlatformTables>; config?: { databaseUrl?: string | undefined; clock?: Clock } };
}

/**
 * `yiwang drill` and `yiwang backup-schedule` (西卫〔2019〕4号 第九条). The lead wires them with
 * registerDrillCommands(program, open, allMigrations); migrations default to the platform's and ours.
 */
export function registerDrillCommands(program: Command, open: CliOpen, migrations: readonly VersionedMigration[] = [...platformMigrations, ...healthRecordsMigrations]): void {
  program
    .command('drill')
    .description('restore drill (西卫〔2019〕4号 第九条): restore a backup into a scratch database and verify counts, checksums and the audit chain; exits 1 if anything differs')
    .option('--file <backup>', 'drill this backup file (default: take a fresh backup of the live database first)')
    .option('--scratch-url <postgres-url>', 'restore into a scratch schema on this PostgreSQL server (default: the live server for PostgreSQL, a temporary SQLite file otherwise)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { file?: string; scratchUrl?: string; json?: boolean }) => {
      const { db, config } = open();
      const clock = config?.clock ?? systemClock;
      const pgUrl = opts.scratchUrl ?? config?.databaseUrl;
      const openScratch = (): Promise<ScratchDatabase> => (pgUrl ? postgresScratch(pgUrl) : sqliteScratch());
      const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-drill-file-'));
      let report: DrillReport;
      try {
        report = opts.file ? await runRestoreDrill({ file: opts.file, migrations, clock, openScratch }) : await backupAndDrill(db, { dir, migrations, clock, openScratch });
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDrillReport(report));
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('backup-schedule')
    .description('scheduled backups (西卫〔2019〕4号 第九条): back up now and every interval into a folder keeping the newest N; optionally drill each one; runs until stopped')
    .requiredOption('--dir <folder>', 'where backups are written')
    .option('--every <minutes>', 'interval in minutes', '1440')
    .option('--keep <n>', 'how many backups to keep', '14')
    .option('--drill', 'run a restore drill on every new backup')
    .action(async (opts: { dir: string; every: string; keep: string; drill?: boolean }) => {
      const every = Number(opts.every);
      const keep = Number(opts.keep);
      if (!Number.isFinite(every) || every <= 0 || !Number.isInteger(keep) || keep < 1) throw new Error('--every must be a positive number of minutes and --keep a whole number of at least 1');
      mkdirSync(opts.dir, { recursive: true });
      const { db, config } = open();
      const clock = config?.clock ?? systemClock;
      const pgUrl = config?.databaseUrl;
      const schedule = startScheduledBackups(db, clock, {
        dir: opts.dir,
        intervalMs: every * 60_000,
        keep,
        after: async (r) => {
          console.log(`backup ${r.file}: ${r.trailer.tables.reduce((a, t) => a + t.rows, 0)} rows${r.removed.length ? `; removed ${r.removed.length} old` : ''}`);
          if (opts.drill) {
            const report = await runRestoreDrill({ file: r.file, migrations, clock, openScratch: () => (pgUrl ? postgresScratch(pgUrl) : sqliteScratch()) });
            console.log(formatDrillReport(report));
          }
        },
        onError: (e) => console.error('backup failed:', e instanceof Error ? e.message : e),
      });
      await new Promise<void>((resolve) => {
        const stop = () => void schedule.stop().then(() => db.close()).then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
