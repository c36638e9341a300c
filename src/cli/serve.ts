import { configFromEnv } from '../config.ts';
import { openDatabase } from '../platform/db/connect.ts';
import type { PlatformTables } from '../platform/db/schema.ts';
import { createApp, migrate } from '../app.ts';
import { isSeeded, seedDemo } from '../seed/index.ts';
import { sweepNoShows, type AppointmentDb } from '../services/appointments/index.ts';
import type { Db } from '../platform/db/connect.ts';
import { startDeliveryLoop } from '../platform/notify/worker.ts';
import { formatInstant } from '../platform/time/civil.ts';
import { assertStorageInMainland } from '../services/health-records/index.ts';

export async function serve(opts: { seed: boolean }): Promise<void> {
  const config = configFromEnv();
  // 西卫〔2019〕4号 第十条: health data is never stored on servers outside mainland China.
  const region = assertStorageInMainland();
  const db = openDatabase<PlatformTables>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(db);
  if (applied.length) console.log(`migrated ${db.where}: ${applied.join(', ')}`);
  if (opts.seed && !(await isSeeded(db.kysely))) {
    console.log(await seedDemo(db, config.clock));
  }
  const { app, deps } = await createApp({ db, clock: config.clock, server: { rateLimitPerMinute: config.rateLimitPerMinute, logger: config.logRequests, faultReplyDelayMs: config.faultReplyDelayMs } });
  const delivery = startDeliveryLoop(db, config.clock, deps.sms, {
    workerId: `serve-${process.pid}`,
    intervalMs: 1000,
    onError: (e) => console.error('delivery error', e),
  });
  // 第三十二条: bookings not checked in by the end of their period become violations.
  const sweep = setInterval(() => {
    sweepNoShows(db as unknown as Db<AppointmentDb>, config.clock).catch((e: unknown) => console.error('no-show sweep error', e));
  }, 60_000);
  sweep.unref();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.clock.simulated) console.log(`training/demo clock: ${formatInstant(config.clock.now())} (YIWANG_NOW)`);
  console.log(`storage region: ${region}`);
  console.log(`Yiwang 西城区一网通办 is serving http://${config.host}:${port} on ${db.engine === 'sqlite' ? `SQLite ${db.where}` : db.where}`);
  const shutdown = async () => {
    clearInterval(sweep);
    await app.close();
    await delivery.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
