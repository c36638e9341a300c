// In-process timing of bookTicket through the group committer, query by query.
import { cpSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { openDatabase, type Db } from '../../src/platform/db/connect.ts';
import { groupCommitter } from '../../src/platform/db/group-commit.ts';
import { bookTicket } from '../../src/services/appointments/store/book-ticket.ts';
import type { AppointmentDb } from '../../src/services/appointments/schema.ts';
import { offsetClock } from '../../src/platform/time/clock.ts';
import { benchNow, capacityAttempt, type BenchPlan } from '../booking-plan.ts';
const dir = '/tmp/ybench-inproc';
rmSync(dir, { recursive: true, force: true }); mkdirSync(dir);
cpSync('/tmp/ybench-base/yiwang.sqlite', `${dir}/yiwang.sqlite`);
const plan = JSON.parse(readFileSync('/tmp/ybench-base/plan.json', 'utf8')) as BenchPlan;
const db = openDatabase({ dataDir: dir }) as unknown as Db<AppointmentDb>;
const times = new Map<string, [number, number]>();
const orig = db.sqlite!.prepare.bind(db.sqlite!);
(db.sqlite as any).prepare = (s: string) => {
  const st = orig(s);
  const wrap = (fn: string) => { const f = (st as any)[fn].bind(st); (st as any)[fn] = (...a: unknown[]) => { const t = performance.now(); try { return f(...a); } finally { const e = times.get(s.slice(0, 90)) ?? [0, 0]; e[0] += performance.now() - t; e[1]++; times.set(s.slice(0, 90), e); } }; };
  wrap('all'); wrap('run');
  return st;
};
const clock = offsetClock(new Date(benchNow));
const c = groupCommitter(db);
const actor = { kind: 'staff' as const, id: 1, name: 'op', role: 'platform_operator' };
const N = Number(process.argv[2] ?? 2000);
const t0 = performance.now();
const res = await Promise.all(Array.from({ length: N }, (_, k) => {
  const a = capacityAttempt(plan, 2 * k + 1, 'x');
  const body = JSON.parse(a.body);
  return c.run((trx) => bookTicket(trx, clock, actor, { slotId: body.slotId, channel: 'phone', patient: body.patient, idempotencyKey: a.idempotencyKey }));
}));
const ms = performance.now() - t0;
console.log(`${N} bookings in ${ms.toFixed(0)} ms = ${(N / ms * 1000).toFixed(0)}/s, ok ${res.filter((r) => r.allowed).length}`);
for (const [s, [t, n]] of [...times].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.log(`${t.toFixed(1).padStart(8)} ms ${String(n).padStart(6)}  ${(1000 * t / n).toFixed(1).padStart(7)} µs  ${s}`);
await db.close();
