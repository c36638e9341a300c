// In-process CPU cost of bookTicket through the group committer. Variants via env:
//   STMT_CACHE=1  cache better-sqlite3 statements by SQL text
//   BOOK=<module> alternative bookTicket module
import { cpSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { openDatabase, type Db } from '../../src/platform/db/connect.ts';
import { groupCommitter } from '../../src/platform/db/group-commit.ts';
import type { AppointmentDb } from '../../src/services/appointments/schema.ts';
import { offsetClock } from '../../src/platform/time/clock.ts';
import { benchNow, capacityAttempt, type BenchPlan } from '../booking-plan.ts';
const mod = await import(process.env.BOOK ?? '../../src/services/appointments/store/book-ticket.ts');
const bookTicket = mod.bookTicket;
const dir = `/tmp/ybench-inproc-${process.pid}`;
rmSync(dir, { recursive: true, force: true }); mkdirSync(dir);
cpSync('/tmp/ybench-base/yiwang.sqlite', `${dir}/yiwang.sqlite`);
const plan = JSON.parse(readFileSync('/tmp/ybench-base/plan.json', 'utf8')) as BenchPlan;
let db = openDatabase({ dataDir: dir }) as unknown as Db<AppointmentDb>;
if (process.env.FAST) {
  const { Kysely } = await import('kysely');
  const { FastSqliteDialect } = await import('./fast-sqlite.ts');
  db = { ...db, kysely: new Kysely<AppointmentDb>({ dialect: new FastSqliteDialect(db.sqlite!) }) };
}
if (process.env.DROP_INDEX) for (const i of process.env.DROP_INDEX.split(',')) db.sqlite!.exec(`drop index ${i}`);
for (const p of (process.env.PRAGMAS ?? '').split(';').filter(Boolean)) db.sqlite!.pragma(p);
if (process.env.STMT_CACHE) {
  const s = db.sqlite!; const orig = s.prepare.bind(s); const cache = new Map<string, any>();
  (s as any).prepare = (sql: string) => { let st = cache.get(sql); if (!st || st.busy) { st = orig(sql); cache.set(sql, st); } return st; };
}
const times = new Map<string, [number, number]>();
if (process.env.TIMING) {
  const s = db.sqlite!; const prev = s.prepare.bind(s); const seen = new WeakSet();
  (s as any).prepare = (q: string) => { const st = prev(q); if (seen.has(st)) return st; seen.add(st);
    for (const fn of ['all', 'run']) { const f = (st as any)[fn].bind(st); (st as any)[fn] = (...a: unknown[]) => { const t = process.cpuUsage(); try { return f(...a); } finally { const u = process.cpuUsage(t); const e = times.get(q.slice(0, 100)) ?? [0, 0]; e[0] += (u.user + u.system) / 1000; e[1]++; times.set(q.slice(0, 100), e); } }; }
    return st; };
}
const clock = offsetClock(new Date(benchNow));
const c = groupCommitter(db, Number(process.env.BATCH ?? 256));
const actor = { kind: 'staff' as const, id: 1, name: 'op', role: 'platform_operator' };
const N = Number(process.argv[2] ?? 2000);
async function round(from: number, n: number) {
  return Promise.all(Array.from({ length: n }, (_, i) => {
    const a = capacityAttempt(plan, 2 * (from + i) + 1, 'x');
    const body = JSON.parse(a.body);
    const go = () => c.run((trx) => bookTicket(trx, clock, actor, { slotId: body.slotId, channel: 'phone', patient: body.patient, idempotencyKey: a.idempotencyKey }));
    if (!process.env.AUTH) return go();
    // like the HTTP path: two auth reads and one person read on the shared connection first
    return (async () => {
      await db.kysely.selectFrom('sessions').selectAll().where('id', '=', 'x' + i).executeTakeFirst();
      await db.kysely.selectFrom('staff').selectAll().where('id', '=', 1).executeTakeFirst();
      await db.kysely.selectFrom('persons').selectAll().where('id', '=', 1 + i).executeTakeFirst();
      return go();
    })();
  }));
}
await round(30000, 1000); // warm-up
const cpu0 = process.cpuUsage(); const t0 = performance.now();
let ok = 0;
for (let i = 0; i < N; i += 200) ok += (await round(i, 200)).filter((r: any) => r.allowed).length;
const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
console.log(`${process.env.LABEL ?? ''} ${N} bookings ok=${ok}: wall ${(ms / N * 1000).toFixed(0)} µs, cpu ${((cpu.user + cpu.system) / N).toFixed(0)} µs per booking`);
if (process.env.TIMING) { let tot = 0; for (const [, [t]] of times) tot += t; console.log('sql total per booking µs', (1000 * tot / (N + 1000)).toFixed(0)); for (const [q, [t, n]] of [...times].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20)) console.log(`${(1000 * t / n).toFixed(1).padStart(7)} µs ×${String(n).padStart(6)}  ${q}`); }
await db.close();
rmSync(dir, { recursive: true, force: true });
