import { Command } from 'commander';
import { configFromEnv } from '../config.ts';
import { openDatabase, type Db } from '../platform/db/connect.ts';
import type { PlatformTables } from '../platform/db/schema.ts';
import { migrate } from '../app.ts';
import { serve } from './serve.ts';
import { verifyAuditChain } from '../platform/audit/verify.ts';
import { backupDatabase, compareWithTrailer, restoreDatabase } from '../platform/db/backup.ts';
import { isSeeded, seedDemo } from '../seed/index.ts';
import { progressBar } from './progress.ts';
import { allMigrations } from '../app.ts';
import { registerLotteryCommands } from '../services/enrollment/cli.ts';
import { registerDrillCommands } from '../services/health-records/index.ts';

function open(): { db: Db<PlatformTables>; config: ReturnType<typeof configFromEnv> } {
  const config = configFromEnv();
  return { db: openDatabase<PlatformTables>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }), config };
}

async function withDb<R>(fn: (db: Db<PlatformTables>, config: ReturnType<typeof configFromEnv>) => Promise<R>): Promise<R> {
  const { db, config } = open();
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

const program = new Command('yiwang')
  .description('西城区一网通办 Yiwang: Xicheng online government services\nEnvironment: PORT, HOST, DATA_DIR, DATABASE_URL=postgres://…, YIWANG_NOW=<ISO-8601 instant>')
  .showHelpAfterError();

program
  .command('serve')
  .description('migrate, seed demo data on first start, and serve http://127.0.0.1:3000')
  .option('--no-seed', 'do not seed demo data into an empty database')
  .action(async (opts: { seed: boolean }) => {
    await serve({ seed: opts.seed });
  });

program
  .command('migrate')
  .description('apply pending migrations')
  .action(() =>
    withDb(async (db) => {
      const applied = await migrate(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    }),
  );

program
  .command('seed')
  .description('load data')
  .requiredOption('--demo', 'realistic demo data (Xicheng streets, institutions, synthetic people)')
  .action(() =>
    withDb(async (db, config) => {
      await migrate(db);
      if (await isSeeded(db.kysely)) {
        console.log('demo data is already present; nothing to do');
        return;
      }
      const bar = progressBar('seed');
      const line = await seedDemo(db, config.clock, (d, t) => bar.update(d, t, 'persons'));
      bar.stop();
      console.log(line);
    }),
  );

program
  .command('audit')
  .description('audit trail tools')
  .command('verify')
  .description('check the hash chain; exits 1 and names the first bad row if any was edited, deleted or reordered')
  .action(() =>
    withDb(async (db) => {
      const bar = progressBar('verify');
      const v = await verifyAuditChain(db.kysely, (d, t) => bar.update(d, t));
      bar.stop();
      if (v.ok) {
        console.log(`audit chain intact: ${v.rows} rows, head ${v.headHash.slice(0, 16)}…`);
      } else {
        console.error(`audit chain BROKEN at seq ${v.firstBadSeq} (${v.problem}); ${v.rows} rows verified before it`);
        process.exitCode = 1;
      }
    }),
  );

program
  .command('backup')
  .argument('<file>', 'where to write the backup (gzip JSON lines)')
  .description('consistent online backup of the database (safe while the server runs)')
  .action((file: string) =>
    withDb(async (db) => {
      const bar = progressBar('backup');
      const t = await backupDatabase(db, file, (d, total, label) => bar.update(d, total, label));
      bar.stop();
      console.log(`backup written to ${file}: ${t.tables.reduce((a, x) => a + x.rows, 0)} rows in ${t.tables.length} tables`);
    }),
  );

program
  .command('restore')
  .argument('<file>', 'a backup written by `yiwang backup`')
  .option('--verify', 'after restoring, check row counts, checksums and the audit chain')
  .description('restore a backup into an empty database (DATA_DIR or DATABASE_URL)')
  .action((file: string, opts: { verify?: boolean }) =>
    withDb(async (db) => {
      await migrate(db);
      const bar = progressBar('restore');
      const trailer = await restoreDatabase(db, file, (d, total, label) => bar.update(d, total, label));
      bar.stop();
      console.log(`restored ${trailer.tables.reduce((a, x) => a + x.rows, 0)} rows into ${db.where}`);
      if (opts.verify) {
        const cmp = await compareWithTrailer(db, trailer);
        const chain = await verifyAuditChain(db.kysely);
        for (const m of cmp.mismatches) console.error(`MISMATCH ${m}`);
        if (!chain.ok) console.error(`audit chain BROKEN at seq ${chain.firstBadSeq} (${chain.problem})`);
        if (cmp.ok && chain.ok) console.log(`verify: ${trailer.tables.length} tables match counts and checksums; audit chain intact (${chain.rows} rows)`);
        else process.exitCode = 1;
      }
    }),
  );

registerLotteryCommands(program, () => open().db);
registerDrillCommands(program, open, allMigrations);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
