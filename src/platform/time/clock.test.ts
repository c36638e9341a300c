import { describe, expect, it } from 'vitest';
import { clockFromEnv, fixedClock, isSimulated, manualClock, offsetClock, systemClock } from './clock.ts';
import { parseIsoInstant } from './iso-instant.ts';

const T0 = new Date('2019-09-30T01:00:00.000Z');

describe('systemClock', () => {
  it('reads real time and is not simulated', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(isSimulated(systemClock)).toBe(false);
  });
});

describe('fixedClock and manualClock', () => {
  it('fixedClock always returns the same instant and cannot be mutated through the result', () => {
    const clock = fixedClock(T0);
    clock.now().setUTCFullYear(2000);
    expect(clock.now().toISOString()).toBe(T0.toISOString());
    expect(isSimulated(clock)).toBe(true);
  });

  it('fixedClock copies its input', () => {
    const input = new Date(T0);
    const clock = fixedClock(input);
    input.setUTCFullYear(2000);
    expect(clock.now().toISOString()).toBe(T0.toISOString());
  });

  it('manualClock advances and can be set', () => {
    const clock = manualClock(T0);
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2019-09-30T01:01:00.000Z');
    clock.set(new Date('2020-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('manualClock refuses backward or non-finite steps', () => {
    const clock = manualClock(T0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('rejects Invalid Date', () => {
    expect(() => fixedClock(new Date('x'))).toThrow(RangeError);
    expect(() => manualClock(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => manualClock(T0).set(new Date('x'))).toThrow(RangeError);
    expect(() => offsetClock(new Date('x'))).toThrow(RangeError);
  });
});

describe('offsetClock', () => {
  it('starts at the given instant and runs forward with its base', () => {
    const base = manualClock(new Date('2026-12-03T05:00:00Z'));
    const clock = offsetClock(T0, base);
    expect(clock.now().toISOString()).toBe(T0.toISOString());
    base.advance(90_000);
    expect(clock.now().toISOString()).toBe('2019-09-30T01:01:30.000Z');
    expect(clock.simulated).toBe(true);
    expect(clock.offsetMs).toBe(T0.getTime() - new Date('2026-12-03T05:00:00Z').getTime());
  });

  it('runs forward in real time by default', async () => {
    const clock = offsetClock(T0);
    const first = clock.now().getTime();
    expect(first - T0.getTime()).toBeGreaterThanOrEqual(0);
    expect(first - T0.getTime()).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 25));
    const second = clock.now().getTime();
    expect(second - first).toBeGreaterThanOrEqual(20);
    expect(isSimulated(clock)).toBe(true);
  });
});

describe('clockFromEnv', () => {
  const base = manualClock(new Date('2026-12-03T05:00:00Z'));

  it('uses the base clock when YIWANG_NOW is unset or empty', () => {
    expect(clockFromEnv({})).toBe(systemClock);
    expect(clockFromEnv({ YIWANG_NOW: '' }, base)).toBe(base);
  });

  it.each([
    ['2019-09-30T09:00:00+08:00', '2019-09-30T01:00:00.000Z'],
    ['2019-09-30T01:00:00Z', '2019-09-30T01:00:00.000Z'],
    ['2019-09-30T09:00+08:00', '2019-09-30T01:00:00.000Z'],
    ['2019-09-29T20:00:00.5-05:00', '2019-09-30T01:00:00.500Z'],
  ])('starts a simulated clock at %s', (raw, iso) => {
    const clock = clockFromEnv({ YIWANG_NOW: raw }, base);
    expect(clock.now().toISOString()).toBe(iso);
    expect(isSimulated(clock)).toBe(true);
  });

  it.each([
    '2019-09-30',
    '2019-09-30T09:00:00',
    '2019-09-30 09:00:00+08:00',
    '2019-09-30t01:00:00z',
    '2019-02-30T09:00:00+08:00',
    '2019-09-30T24:00:00Z',
    '2019-09-30T23:59:60Z',
    '2019-09-30T09:00:00+0800',
    '2019-09-30T09:00:00+08',
    '2019-09-30T09:00:00-00:00',
    '2019-09-30T09:00:00+24:00',
    '1569805200000',
    'tomorrow',
    ' 2019-09-30T01:00:00Z',
  ])('rejects YIWANG_NOW=%j with a message naming the variable', (raw) => {
    expect(() => clockFromEnv({ YIWANG_NOW: raw }, base)).toThrow(/YIWANG_NOW.*ISO-8601/);
  });
});

describe('parseIsoInstant', () => {
  it('truncates fractions beyond milliseconds', () => {
    expect(parseIsoInstant('2019-09-30T01:00:00.123456789Z').toISOString()).toBe('2019-09-30T01:00:00.123Z');
  });

  it('handles leap days and year boundaries across offsets', () => {
    expect(parseIsoInstant('2020-02-29T07:59:59+08:00').toISOString()).toBe('2020-02-28T23:59:59.000Z');
    expect(parseIsoInstant('2020-01-01T00:00:00+08:00').toISOString()).toBe('2019-12-31T16:00:00.000Z');
  });
});
