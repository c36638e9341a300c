/**
 * The injected clock. Code that needs "now" takes a Clock instead of calling
 * `new Date()`/`Date.now()`, so tests can pin time and the training/demo
 * deployment can run at a chosen date (YIWANG_NOW). `systemClock` is the only
 * place in the codebase allowed to read the real time.
 */
import { ISO_INSTANT_EXAMPLE, parseIsoInstant } from './iso-instant.ts';

export interface Clock {
  now(): Date;
  /**
   * True when the clock does not show the real current time (YIWANG_NOW training/demo
   * mode, tests) so the UI can label it. Optional so a bare `{ now }` is still a Clock;
   * absent means real time.
   */
  readonly simulated?: boolean;
}

export interface OffsetClock extends Clock {
  readonly simulated: true;
  /** Simulated minus base time, in milliseconds (negative when simulating the past). */
  readonly offsetMs: number;
}

export interface ManualClock extends Clock {
  readonly simulated: true;
  /** Moves time forward; negative steps are refused (use set() to go back). */
  advance(ms: number): void;
  set(instant: Date): void;
}

export const YIWANG_NOW = 'YIWANG_NOW';

function instantMs(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

export const systemClock: Clock = Object.freeze({
  simulated: false,
  now: (): Date => new Date(),
});

/** Starts at `startInstant` and runs forward at the pace of `base` (real time by default). */
export function offsetClock(startInstant: Date, base: Clock = systemClock): OffsetClock {
  const offsetMs = instantMs(startInstant, 'offsetClock start') - base.now().getTime();
  return Object.freeze({
    simulated: true as const,
    offsetMs,
    now: (): Date => new Date(base.now().getTime() + offsetMs),
  });
}

/** Always returns the same instant. */
export function fixedClock(instant: Date): Clock {
  const ms = instantMs(instant, 'fixedClock instant');
  // A fresh Date per call: Dates are mutable and callers must not be able to move the clock.
  return Object.freeze({ simulated: true, now: (): Date => new Date(ms) });
}

/** A clock tests move explicitly. */
export function manualClock(instant: Date): ManualClock {
  let ms = instantMs(instant, 'manualClock instant');
  return Object.freeze({
    simulated: true as const,
    now: (): Date => new Date(ms),
    advance(step: number): void {
      if (!Number.isFinite(step) || step < 0) {
        throw new RangeError(`manualClock.advance needs a finite, non-negative number of ms, got ${step}`);
      }
      ms += step;
    },
    set(next: Date): void {
      ms = instantMs(next, 'manualClock.set instant');
    },
  });
}

export function isSimulated(clock: Clock): boolean {
  return clock.simulated === true;
}

/**
 * systemClock unless YIWANG_NOW is set; then an offsetClock starting at that instant.
 * YIWANG_NOW must be a full ISO-8601 instant with 'Z' or an explicit offset: a bare date
 * or offset-less time would silently depend on the server's zone. Empty counts as unset.
 */
export function clockFromEnv(env: Readonly<Record<string, string | undefined>>, base: Clock = systemClock): Clock {
  const raw = env[YIWANG_NOW];
  if (raw === undefined || raw === '') return base;
  let start: Date;
  try {
    start = parseIsoInstant(raw);
  } catch {
    throw new Error(
      `${YIWANG_NOW}=${JSON.stringify(raw)} is not a valid ISO-8601 instant. ` +
        `Give date, time and UTC offset, e.g. ${YIWANG_NOW}=${ISO_INSTANT_EXAMPLE} or 2019-06-15T01:00:00Z, ` +
        `or unset it to use the real time.`,
    );
  }
  return offsetClock(start, base);
}
