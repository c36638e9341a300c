/**
 * The booking's database path alone, in one process, without HTTP: the group committer,
 * bookWithoutTrace and bookTicket, exactly as the route calls them, for the capacity phase's
 * requests. Prints the main thread's CPU per committed booking, a steadier A/B figure for changes
 * below the route than the HTTP benchmark on a shared machine (issue 3).
 *
 *   npx tsx bench/booking-db-path.ts [--bookings N] [--concurrency N] [--rounds N] [--profile]
 *
 * --sql "…" runs SQL after seeding (A/B experiments: an index dropped, a pragma).
 * --profile writes a V8 CPU profile of the counted rounds to bench/.profiles/db-path-<time>/ and
 * prints its summary (profile-summary.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqlite } from '../src/platform/db/connect.ts';
import type { PlatformTables } from '../src/platform/db/schema.ts';
import { groupCommitter } from '../src/platform/db/group-commit.ts';
import { fixedClock } from '../src/platform/time/clock.ts';
import type { Actor } from '../src/platform/audit/trail.ts';
import type { Db } from '../src/platform/db/connect.ts';
import type { AppointmentDb } from '../src/services/appointments/schema.ts';
import { bookTicket } from '../src/services/appointments/store/book-ticket.ts';
import { bookWithoutTrace } from '../src/services/appointments/store/book-atomically.ts';
import { benchNow, capacityAttempt } from './booking-plan.ts';
import { seedBench } from './booking-seed.ts';
import { summariseProfiles } from './profile-summary.ts';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const perRound = arg('--bookings', 6000);
const concurrency = arg('--concurrency', 200);
const rounds = arg('--rounds', 3);

const dir = mkdtempSync(path.join(os.tmpdir(), 'yiwang-dbpath-'));
const db = openSqlite<PlatformTables>(path.join(dir, 'yiwang.sqlite'));
try {
  const { plan } = await seedBench(db, () => undefined);
  const experiment = process.argv.indexOf('--sql');
  if (experiment > 0) db.sqlite!.exec(process.argv[experiment + 1]!);
  const adb = db as unknown as Db<AppointmentDb>;
  const committer = groupCommitter(adb);
  const clock = fixedClock(new Date(benchNow));
  const actor: Actor = { kind: 'system', id: null, name: 'bench', role: 'system' };
  let k = 0;
  const results: number[] = [];
  const profiler = process.argv.includes('--profile') ? new Session() : undefined;
  for (let round = 0; round <= rounds; round++) {
    if (round === 1 && profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let booked = 0;
    const worker = async () => {
      while (k < (round + 1) * perRound) {
        const a = capacityAttempt(plan, k++, 'dbpath');
        const body = JSON.parse(a.body) as { slotId: number; channel: 'web' | 'phone'; patient: { docType: string; docNumber: string; name: string; phone: string } };
        const d = await bookWithoutTrace({ committer }, (trx) => bookTicket(trx, clock, actor, { ...body, idempotencyKey: a.idempotencyKey }));
        if (d.allowed) booked++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpu = process.cpuUsage(cpu0);
    const us = (cpu.user + cpu.system) / booked;
    // Round 0 warms the statement cache and the page cache; it is not counted.
    if (round > 0) results.push(us);
    console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ${booked} bookings in ${(performance.now() - t0).toFixed(0)} ms, ${us.toFixed(0)} µs CPU each`);
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '.profiles', `db-path-${Date.now().toString(36)}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'db-path.cpuprofile'), JSON.stringify(profile));
    for (const line of summariseProfiles(out, 40)) console.log(line);
  }
  results.sort((a, b) => a - b);
  console.log(`db-path: us_per_booking_median=${results[Math.floor(results.length / 2)]!.toFixed(0)} best=${results[0]!.toFixed(0)}`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
