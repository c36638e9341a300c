/**
 * npm run bench:booking [-- --postgres] — the booking benchmark of issue 3 (西卫〔2019〕5号 区分级诊疗平台).
 *
 *  1. Seeds a district-sized schedule into a fresh database (bench/booking-seed.ts) and starts the
 *     real server as a child process: `node bin/yiwang.js serve --no-seed` (SQLite: one process;
 *     --postgres: two processes on one database).
 *  2. Ceiling: GET /healthz with 200 connections for a fixed time, from separate load processes.
 *  3. Capacity: 200 connections of real-name bookings that can all succeed (distinct patients,
 *     scattered slots; half web as the signed-in resident, half phone through an operator).
 *     Reports 201s per second and p99 latency.
 *  4. Rush: 20,000 attempts at 1,960 tickets; each patient fires 8 attempts at once from different
 *     connections (and, on PostgreSQL, different app processes). Then counts from the database
 *     tickets given twice / pools below zero and 第十七条 limit breaches.
 *
 * Last line: booking: book_per_s=N healthz_per_s=N ratio=R p99_ms=N overbooked=N limit_violations=N
 *
 * Options: --postgres  --duration S (capacity, default 5)  --healthz-duration S (default 5)
 *          --connections N (default 200)  --rush-attempts N (default 20000)  --profile (server
 *          the V8 profiler in the server during the capacity phase only, summarised at the end)
 *          --skip-rush (throughput only)  --server-import FILE (preload FILE into each server with
 *          node --import, for A/B experiments)  --keep (keep the data directory / database).
 * PostgreSQL: YIWANG_BENCH_PG_URL, else DATABASE_URL, else postgres://yiwang:yiwang@127.0.0.1:5432/yiwang.
 * A fresh database is created and dropped when the role may; otherwise the URL's own schema is
 * used if it holds no Yiwang tables, and the tables the run created are dropped afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { openDatabase, type Db } from '../src/platform/db/connect.ts';
import type { PlatformTables } from '../src/platform/db/schema.ts';
import { verifyAuditChain } from '../src/platform/audit/verify.ts';
import type { AppointmentDb } from '../src/services/appointments/schema.ts';
import { benchNow, capacityPersons, warmupPersons, rushAttemptsPerPerson, rushPersons, rushSlotsPerSession } from './booking-plan.ts';
import { seedBench } from './booking-seed.ts';
import { activeBookingsOn, checkInvariants } from './booking-check.ts';
import type { WorkerConfig, WorkerResult } from './load-worker.ts';
import { summariseProfiles } from './profile-summary.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
function option(name: string, fallback: number, min: number, max: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return v;
}

const postgres = flag('postgres');
const profile = flag('profile');
const keep = flag('keep');
const skipRush = flag('skip-rush');
/** Extra `node --import` modules for the server children (A/B experiments without touching src/). */
const serverImports = argv.flatMap((a, i) => (a === '--server-import' && argv[i + 1] ? [path.resolve(argv[i + 1]!)] : []));
const capacitySeconds = option('duration', 5, 1, 60);
const healthzSeconds = option('healthz-duration', 5, 1, 60);
const connections = option('connections', 200, 2, 1000);
const rushAttempts = option('rush-attempts', 20_000, 1000, rushPersons * rushAttemptsPerPerson);
const processes = postgres ? 2 : 1;
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const log = (line: string) => console.log(line);

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
}
process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});

// ---------------------------------------------------------------- database
interface Target {
  url?: string;
  dataDir: string;
  where: string;
  cleanup(): Promise<void>;
}

async function sqliteTarget(tmp: string): Promise<Target> {
  return { dataDir: tmp, where: `SQLite ${path.join(tmp, 'yiwang.sqlite')}`, cleanup: async () => undefined };
}

async function postgresTarget(tmp: string): Promise<Target> {
  const base = process.env.YIWANG_BENCH_PG_URL || process.env.DATABASE_URL || 'postgres://yiwang:yiwang@127.0.0.1:5432/yiwang';
  const u = new URL(base);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname)) throw new Error(`the benchmark only talks to 127.0.0.1, not ${u.hostname}`);
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const name = `yiwang_bench_${runId}`;
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      dataDir: tmp,
      where: `PostgreSQL database ${name} (created for this run)`,
      cleanup: async () => {
        if (!keep) await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
  }
  // No CREATEDB: use the URL's own schema, provided it holds no Yiwang tables, and hold an advisory
  // lock so that two benchmark runs never share it.
  const locked = await admin.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('yiwang-bench')) as ok`);
  if (!locked.rows[0]?.ok) throw new Error('another booking benchmark is using this PostgreSQL database');
  const tables = async () => (await admin.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = current_schema()`)).rows.map((r) => r.t);
  const before = new Set(await tables());
  if (before.has('kysely_migration') || before.has('persons') || before.has('appt_bookings')) {
    await admin.end();
    throw new Error(`${u.pathname.slice(1)} already holds Yiwang tables; point YIWANG_BENCH_PG_URL at an empty database or schema`);
  }
  const schema = (await admin.query<{ s: string }>('select current_schema() as s')).rows[0]?.s ?? 'public';
  return {
    url: base,
    dataDir: tmp,
    where: `PostgreSQL ${u.pathname.slice(1)}, schema ${schema} (no CREATEDB; the tables this run creates are dropped afterwards)`,
    cleanup: async () => {
      if (!keep) {
        const ours = (await tables()).filter((t) => !before.has(t));
        if (ours.length) await admin.query(`drop table if exists ${ours.map((t) => `"${t}"`).join(', ')} cascade`);
      }
      await admin.end();
    },
  };
}

// ---------------------------------------------------------------- processes
interface Server {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

function startServer(target: Target, index: number, profileDir: string | undefined): Promise<Server> {
  // YIWANG_RATE_LIMIT: the per-IP limit's maximum (config.ts accepts up to 10,000,000 a minute).
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: target.dataDir, YIWANG_NOW: benchNow, YIWANG_RATE_LIMIT: '10000000', YIWANG_LOG: '' };
  delete env.DATABASE_URL;
  if (target.url) env.DATABASE_URL = target.url;
  if (profileDir) env.YIWANG_BENCH_PROFILE_DIR = profileDir;
  const imports = [...(profileDir ? [path.join(root, 'bench/server-profiler.mjs')] : []), ...serverImports];
  const args = [...imports.flatMap((f) => ['--import', pathToFileURL(f).href]), path.join(root, 'bin/yiwang.js'), 'serve', '--no-seed'];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const logFile = createWriteStream(path.join(target.dataDir, `server-${index}.log`));
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server ${index} did not start within 60 s; see ${target.dataDir}/server-${index}.log`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /is serving http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        seen = '';
        resolve({ child, port: Number(m[1]), exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server ${index} exited with ${code}; see ${target.dataDir}/server-${index}.log`));
    });
  });
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  process.kill(s.child.pid!, 'SIGTERM');
  const killer = setTimeout(() => s.child.pid && s.child.exitCode === null && process.kill(s.child.pid, 'SIGKILL'), 20_000);
  await s.exited;
  clearTimeout(killer);
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) each thread of a process has used so far, by thread name, from /proc (Linux). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / clockTicks);
    }
  } catch {
    // not Linux, or the process is gone
  }
  return out;
}
function cpuSeconds(pid: number): number {
  return [...threadCpu(pid).values()].reduce((a, b) => a + b, 0);
}
const serversCpu = (servers: Server[]) => servers.reduce((a, s) => a + cpuSeconds(s.child.pid!), 0);
const load1 = () => os.loadavg()[0]!.toFixed(1);

/** PostgreSQL's own count of committed and rolled-back transactions in the benchmark database. */
async function pgTransactions(target: Target): Promise<{ commits: number; rollbacks: number } | undefined> {
  if (!target.url) return undefined;
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    await c.query('select pg_stat_force_next_flush()').catch(() => undefined);
    const r = await c.query<{ c: string; r: string }>('select xact_commit as c, xact_rollback as r from pg_stat_database where datname = current_database()');
    return { commits: Number(r.rows[0]?.c ?? 0), rollbacks: Number(r.rows[0]?.r ?? 0) };
  } finally {
    await c.end();
  }
}

async function countBookings(target: Target): Promise<number> {
  const db = openDatabase<AppointmentDb>({ databaseUrl: target.url, dataDir: target.dataDir }) as Db<AppointmentDb>;
  try {
    return Number((await db.kysely.selectFrom('appt_bookings').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  } finally {
    await db.close();
  }
}

interface LoadResult {
  count: (codes: (code: number) => boolean) => number;
  perSecond: (codes: (code: number) => boolean) => number;
  statusCodes: Record<string, number>;
  /** CPU the server processes used during the phase (user + system). */
  serverCpuS: number;
  /** The same by thread name (main, V8 GC helpers, libuv workers …). */
  serverThreads: Map<string, number>;
  /** 1-minute load average of the machine when the phase started. */
  loadBefore: string;
  errors: number;
  timeouts: number;
  durationS: number;
  p: (q: number) => number;
}

/** Runs one load process per server, started together, and merges their results exactly. */
async function load(tmp: string, servers: Server[], phase: string, base: Omit<WorkerConfig, 'url' | 'connections'>, timeLimitS: number): Promise<LoadResult> {
  const workers = servers.map((s, i) => {
    const cfg: WorkerConfig = {
      ...base,
      url: `http://127.0.0.1:${s.port}`,
      connections: Math.round(connections / servers.length),
      ...(base.amount ? { amount: Math.ceil(base.amount / servers.length) } : {}),
      startK: (base.startK ?? 0) + i,
      stepK: servers.length,
    };
    const file = path.join(tmp, `load-${phase}-${i}.json`);
    writeFileSync(file, JSON.stringify(cfg));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/load-worker.ts'), file], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const done = new Promise<WorkerResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
        reject(new Error(`${phase}: load process ${i} exceeded ${timeLimitS} s`));
      }, timeLimitS * 1000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        children.delete(child);
        const last = out.trim().split('\n').pop() ?? '';
        if (code !== 0 || !last.startsWith('{')) reject(new Error(`${phase}: load process ${i} exited with ${code}`));
        else resolve(JSON.parse(last) as WorkerResult);
      });
    });
    const ready = new Promise<void>((resolve) => {
      const onData = () => {
        if (out.includes('ready\n')) {
          child.stdout!.off('data', onData);
          out = out.replace('ready\n', '');
          resolve();
        }
      };
      child.stdout!.on('data', onData);
    });
    return { child, done, ready };
  });
  await Promise.all(workers.map((w) => w.ready));
  const loadBefore = load1();
  const cpu0 = serversCpu(servers);
  const threads0 = servers.map((sv) => threadCpu(sv.child.pid!));
  for (const w of workers) w.child.stdin!.end('go\n');
  const results = await Promise.all(workers.map((w) => w.done));
  // Requests still in flight when the load stops are finished by the server: wait until it is idle,
  // so their CPU is counted (the caller divides by what the database shows was done).
  for (let last = serversCpu(servers), i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = serversCpu(servers);
    if (now - last < 0.02) break;
    last = now;
  }
  const serverCpuS = serversCpu(servers) - cpu0;
  const serverThreads = new Map<string, number>();
  servers.forEach((sv, i) => {
    for (const [name, sec] of threadCpu(sv.child.pid!)) serverThreads.set(name, (serverThreads.get(name) ?? 0) + sec - (threads0[i]!.get(name) ?? 0));
  });
  const statusCodes: Record<string, number> = {};
  const hist = new Map<number, number>();
  for (const r of results) {
    for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
    for (const [b, n] of Object.entries(r.hist)) hist.set(Number(b), (hist.get(Number(b)) ?? 0) + n);
  }
  const buckets = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((a, [, n]) => a + n, 0);
  return {
    statusCodes,
    serverCpuS,
    serverThreads,
    loadBefore,
    errors: results.reduce((a, r) => a + r.errors, 0),
    timeouts: results.reduce((a, r) => a + r.timeouts, 0),
    durationS: Math.max(...results.map((r) => r.durationS)),
    count: (ok) => Object.entries(statusCodes).reduce((a, [c, n]) => a + (ok(Number(c)) ? n : 0), 0),
    // Each process's own rate over its own run, summed (they run side by side).
    perSecond: (ok) => results.reduce((a, r) => a + Object.entries(r.statusCodes).reduce((s, [c, n]) => s + (ok(Number(c)) ? n : 0), 0) / r.durationS, 0),
    p: (q) => {
      let seen = 0;
      for (const [b, n] of buckets) {
        seen += n;
        if (seen >= q * total) return b / 10;
      }
      return Number.NaN;
    },
  };
}

const codesLine = (r: LoadResult) =>
  Object.entries(r.statusCodes).map(([c, n]) => `${c}×${n}`).join(' ') +
  (r.errors ? ` errors×${r.errors}` : '') +
  (r.timeouts ? ` timeouts×${r.timeouts}` : '') +
  `; server CPU ${r.count(() => true) ? ((1e6 * r.serverCpuS) / r.count(() => true)).toFixed(0) : '-'} µs/request (${[...r.serverThreads]
    .filter(([, sec]) => sec >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, sec]) => `${name} ${sec.toFixed(1)} s`)
    .join(', ')}), load ${r.loadBefore}`;

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const started = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'yiwang-bench-'));
  const target = postgres ? await postgresTarget(tmp) : await sqliteTarget(tmp);
  const servers: Server[] = [];
  let profileDir: string | undefined;
  try {
    log(`booking benchmark on ${target.where}; ${processes} app process${processes > 1 ? 'es' : ''}, ${connections} connections, ${os.cpus().length} CPUs, node ${process.version}`);
    const seedDb = openDatabase<PlatformTables>({ databaseUrl: target.url, dataDir: target.dataDir });
    const seeded = await seedBench(seedDb, log).finally(() => seedDb.close());
    const planFile = path.join(tmp, 'plan.json');
    writeFileSync(planFile, JSON.stringify(seeded.plan));

    if (profile) {
      profileDir = path.join(root, 'bench/.profiles', `${postgres ? 'postgres' : 'sqlite'}-${runId}`);
      mkdirSync(profileDir, { recursive: true });
      log(`profiling the capacity phase into ${path.relative(root, profileDir)} (throughput is lower while profiling)`);
    }
    for (let i = 0; i < processes; i++) servers.push(await startServer(target, i, profileDir));
    log(`server${processes > 1 ? 's' : ''} on port${processes > 1 ? 's' : ''} ${servers.map((s) => s.port).join(', ')}, clock ${benchNow}`);

    const ok2xx = (c: number) => c >= 200 && c < 300;
    // Warm-ups by count (bounded in time), so V8 has optimised the hot paths before anything is measured.
    await load(tmp, servers, 'healthz-warmup', { mode: 'healthz', amount: 20_000, maxDurationS: 5 }, 60);
    const healthz = await load(tmp, servers, 'healthz', { mode: 'healthz', duration: healthzSeconds }, healthzSeconds + 60);
    log(`ceiling  GET /healthz: ${Math.round(healthz.perSecond(ok2xx))}/s over ${healthz.durationS} s, p50 ${healthz.p(0.5)} ms, p99 ${healthz.p(0.99)} ms (${codesLine(healthz)})`);

    const common = { planFile, run: runId };
    const warm = await load(tmp, servers, 'capacity-warmup', { ...common, mode: 'capacity', amount: 3_000, maxDurationS: 20, startK: capacityPersons - warmupPersons }, 60);
    log(`warm-up  bookings: ${warm.count((c) => c === 201)} in ${warm.durationS} s (${codesLine(warm)})`);
    const bookingsBefore = await countBookings(target);
    const pgBefore = await pgTransactions(target);
    const toggleProfiler = () => profileDir && servers.forEach((sv) => process.kill(sv.child.pid!, 'SIGUSR2'));
    toggleProfiler();
    const cap = await load(tmp, servers, 'capacity', { ...common, mode: 'capacity', duration: capacitySeconds, startK: 0 }, capacitySeconds + 60);
    toggleProfiler();
    const bookPerS = cap.perSecond((c) => c === 201);
    const capTotal = cap.count(() => true);
    log(`capacity POST /api/appointments/bookings: ${Math.round(bookPerS)} bookings/s over ${cap.durationS} s, p50 ${cap.p(0.5)} ms, p99 ${cap.p(0.99)} ms, max ${cap.p(1)} ms (${codesLine(cap)})`);
    const committed = (await countBookings(target)) - bookingsBefore;
    const pgAfter = await pgTransactions(target);
    if (pgBefore && pgAfter) {
      // Stats reach pg_stat_database within about a second; close enough for a rate.
      log(`postgres ${pgAfter.commits - pgBefore.commits} commits, ${pgAfter.rollbacks - pgBefore.rollbacks} rollbacks (serialization failures retried) during the capacity phase`);
    }
    const cpuPerBooking = (1e6 * cap.serverCpuS) / committed;
    // The ceiling is measured again right after the capacity phase and the two are averaged, so
    // that a change in the machine's load between phases does not tilt the ratio.
    const healthz2 = await load(tmp, servers, 'healthz-again', { mode: 'healthz', duration: healthzSeconds }, healthzSeconds + 60);
    log(`ceiling  GET /healthz again: ${Math.round(healthz2.perSecond(ok2xx))}/s over ${healthz2.durationS} s, p50 ${healthz2.p(0.5)} ms, p99 ${healthz2.p(0.99)} ms (${codesLine(healthz2)})`);
    const healthzPerS = (healthz.perSecond(ok2xx) + healthz2.perSecond(ok2xx)) / 2;
    const cpuPerHealthz = (1e6 * (healthz.serverCpuS + healthz2.serverCpuS)) / (healthz.count(() => true) + healthz2.count(() => true));
    log(
      `cpu      ${committed} bookings committed in the capacity phase (incl. those in flight at its end): ${cpuPerBooking.toFixed(0)} µs server CPU each vs ${cpuPerHealthz.toFixed(0)} µs per /healthz → CPU ratio ${(cpuPerHealthz / cpuPerBooking).toFixed(2)} (the ratio a CPU-bound server reaches on an otherwise idle machine; app processes only, not PostgreSQL)`,
    );
    if (capTotal > capacityPersons - warmupPersons) log(`warning: the capacity phase used more patients (${capTotal}) than it has distinct ones (${capacityPersons - warmupPersons}); raise capacityPersons in bench/booking-plan.ts`);
    if (cap.count((c) => c !== 201) > 0) log(`warning: ${cap.count((c) => c !== 201)} capacity requests were not 201; see ${tmp}/server-*.log`);

    // Bounded in count and time: it stops after rushAttempts attempts or 480 s, whichever comes first.
    const rush = skipRush ? undefined : await load(tmp, servers, 'rush', { ...common, mode: 'rush', amount: rushAttempts, maxDurationS: 480, startK: 0 }, 540);
    if (rush && rush.count(() => true) + rush.errors < rushAttempts) log(`warning: the rush stopped at its 480 s bound after ${rush.count(() => true)} of ${rushAttempts} attempts`);
    const rushSlots = seeded.plan.rushSlots.flat(3);
    if (rush) log(
      `rush     ${rush.count(() => true)} attempts (${rushAttempts / rushAttemptsPerPerson} patients × ${rushAttemptsPerPerson} at once, ${Math.round(rush.count(() => true) / rush.durationS)}/s) at ${seeded.plan.rushTickets} tickets in ${rushSlots.length / rushSlotsPerSession} sessions: ${rush.durationS} s, p50 ${rush.p(0.5)} ms, p99 ${rush.p(0.99)} ms (${codesLine(rush)})`,
    );

    for (const s of servers) await stopServer(s);
    servers.length = 0;

    const checkDb = openDatabase<AppointmentDb>({ databaseUrl: target.url, dataDir: target.dataDir }) as Db<AppointmentDb>;
    let inv;
    try {
      inv = await checkInvariants(checkDb);
      const rushBooked = await activeBookingsOn(checkDb, rushSlots);
      const chain = await verifyAuditChain(checkDb.kysely);
      log(`database ${Object.entries(inv.detail).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      const rush201 = rush?.count((c) => c === 201) ?? 0;
      log(`database rush tickets given: ${rushBooked} of ${seeded.plan.rushTickets} (201s in the rush: ${rush201}); audit chain ${chain.ok ? `verifies (${chain.rows} rows)` : `BROKEN at ${chain.firstBadSeq} (${chain.problem})`}`);
      if (rushBooked !== rush201) log(`note: ${rushBooked - rush201} rush bookings committed without a 201 reaching the client (client timeouts: ${rush?.timeouts ?? 0}); a retry with the same Idempotency-Key returns them`);
    } finally {
      await checkDb.close();
    }

    if (profileDir) {
      for (const line of summariseProfiles(profileDir, 25)) log(line);
    }

    const ratio = bookPerS / healthzPerS;
    const p99 = Math.ceil(cap.p(0.99));
    const targets = [
      `ratio ${ratio.toFixed(2)} ${ratio >= 0.25 ? '≥' : '<'} 0.25`,
      `p99 ${p99} ms ${p99 <= 50 ? '≤' : '>'} 50`,
      `overbooked ${inv.overbooked}`,
      `limit_violations ${inv.limitViolations}`,
    ];
    const met = ratio >= 0.25 && p99 <= 50 && inv.overbooked === 0 && inv.limitViolations === 0;
    log(`targets ${met ? 'met' : 'NOT met'}: ${targets.join(', ')}; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await target.cleanup();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
    console.log(`booking: book_per_s=${Math.round(bookPerS)} healthz_per_s=${Math.round(healthzPerS)} ratio=${ratio.toFixed(2)} p99_ms=${p99} overbooked=${inv.overbooked} limit_violations=${inv.limitViolations}`);
  } catch (error) {
    for (const s of servers) await stopServer(s).catch(() => undefined);
    killAll();
    await target.cleanup().catch(() => undefined);
    for (let i = 0; i < processes; i++) {
      try {
        const tail = readFileSync(path.join(tmp, `server-${i}.log`), 'utf8').split('\n').slice(-15).join('\n');
        if (tail.trim()) console.error(`--- server-${i}.log (tail)\n${tail}`);
      } catch {
        // no log yet
      }
    }
    console.error(`the database and server logs are kept in ${tmp}`);
    throw error;
  }
}

await main();
