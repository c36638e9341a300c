/**
 * One load generator, in its own process so it never shares the server's event loop:
 *   node --import tsx bench/load-worker.ts <config.json>
 * Runs autocannon against one server and prints one JSON line: status counts, errors, duration and
 * an exact latency histogram (0.1 ms buckets) that the orchestrator merges across workers.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { capacityAttempt, rushAttempt, type Attempt, type BenchPlan } from './booking-plan.ts';

export interface WorkerConfig {
  mode: 'healthz' | 'capacity' | 'rush';
  url: string;
  connections: number;
  /** Seconds (healthz, capacity). */
  duration?: number;
  /** Requests to send (rush, warm-ups). */
  amount?: number;
  /** With amount: stop after this many seconds even if not all were sent. */
  maxDurationS?: number;
  planFile?: string;
  /** Attempt indices startK, startK + stepK, … (workers split one sequence between them). */
  startK?: number;
  stepK?: number;
  /** Distinguishes Idempotency-Keys between runs and phases. */
  run?: string;
}

export interface WorkerResult {
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationS: number;
  /** latency bucket (0.1 ms) → responses. */
  hist: Record<string, number>;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerConfig;

function requests(): autocannon.Request[] {
  if (cfg.mode === 'healthz') return [{ method: 'GET', path: '/healthz' }];
  const plan = JSON.parse(readFileSync(cfg.planFile!, 'utf8')) as BenchPlan;
  const next = cfg.mode === 'capacity' ? capacityAttempt : rushAttempt;
  const step = cfg.stepK ?? 1;
  let k = cfg.startK ?? 0;
  const run = cfg.run ?? 'run';
  return [
    {
      method: 'POST',
      path: '/api/appointments/bookings',
      setupRequest: (req) => {
        const a: Attempt = next(plan, k, run);
        k += step;
        return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}`, 'idempotency-key': a.idempotencyKey }, body: a.body };
      },
    },
  ];
}

const reqs = requests();
// Start together with the other load processes: say ready, wait for the orchestrator's go.
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  process.stdin.once('data', () => resolve());
  process.stdin.once('end', () => resolve());
});
process.stdin.pause();

const hist = new Map<number, number>();
const instance = autocannon(
  {
    url: cfg.url,
    connections: cfg.connections,
    ...(cfg.amount ? { amount: cfg.amount } : { duration: cfg.duration ?? 5 }),
    timeout: 10,
    requests: reqs,
  },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    const statusCodes: Record<string, number> = {};
    for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (s as { count: number }).count;
    const out: WorkerResult = { statusCodes, errors: result.errors, timeouts: result.timeouts, durationS: result.duration, hist: Object.fromEntries(hist) };
    process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
  },
);
if (cfg.amount && cfg.maxDurationS) setTimeout(() => (instance as unknown as { stop(): void }).stop(), cfg.maxDurationS * 1000).unref();
instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
  const b = Math.round(responseTime * 10);
  hist.set(b, (hist.get(b) ?? 0) + 1);
});
