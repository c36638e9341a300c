import path from 'node:path';
import { clockFromEnv, type Clock } from './platform/time/clock.ts';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly clock: Clock;
  readonly rateLimitPerMinute: number;
  readonly logRequests: boolean;
  /** YIWANG_FAULT_REPLY_DELAY_MS: crash tests only (ServerOptions.faultReplyDelayMs). */
  readonly faultReplyDelayMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function intFrom(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Everything the server reads from its environment, validated once at start. */
export function configFromEnv(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');
  const faultReplyDelayMs = intFrom(env, 'YIWANG_FAULT_REPLY_DELAY_MS', 0, 0, 10_000);
  if (faultReplyDelayMs > 0 && env.NODE_ENV === 'production') throw new Error('YIWANG_FAULT_REPLY_DELAY_MS is for crash tests and is refused with NODE_ENV=production');
  return {
    port: intFrom(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    databaseUrl,
    clock: clockFromEnv(env),
    rateLimitPerMinute: intFrom(env, 'YIWANG_RATE_LIMIT', 600, 1, 10_000_000),
    logRequests: env.YIWANG_LOG === '1',
    faultReplyDelayMs,
  };
}
