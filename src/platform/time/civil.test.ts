import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  civilDate,
  civilDateOf,
  civilTimeOf,
  dayOfWeek,
  daysBetween,
  formatCivilDate,
  formatInstant,
  fromEpochDay,
  instantAt,
  isCivilDate,
  parseCivilDate,
  toEpochDay,
  today,
} from './civil.ts';
import { fixedClock } from './clock.ts';

const p = parseCivilDate;

describe('parseCivilDate', () => {
  it('accepts real days, including leap days', () => {
    expect(p('2019-06-15')).toBe('2019-06-15');
    expect(p('2020-02-29')).toBe('2020-02-29');
    expect(p('2000-02-29')).toBe('2000-02-29');
  });

  it.each([
    '2019-02-30', '2019-02-29', '1900-02-29', '2019-13-01', '2019-00-10', '2019-06-31', '2019-06-00',
    '2019-6-15', '19-06-15', '2019/06/15', '2019-06-15T00:00:00Z', ' 2019-06-15', '2019-06-15 ', '',
    '２０１９-06-15',
  ])('rejects %j', (s) => {
    expect(() => p(s)).toThrow(RangeError);
    expect(isCivilDate(s)).toBe(false);
  });

  it('isCivilDate rejects non-strings', () => {
    expect(isCivilDate(20190615)).toBe(false);
    expect(isCivilDate(undefined)).toBe(false);
  });

  it('civilDate pads fields and validates', () => {
    expect(civilDate(2019, 6, 5)).toBe('2019-06-05');
    expect(civilDate(50, 1, 1)).toBe('0050-01-01');
    expect(() => civilDate(2019, 2, 30)).toThrow(RangeError);
  });
});

describe('Shanghai wall clock', () => {
  it('civilDateOf switches day at Beijing midnight, i.e. 16:00 UTC', () => {
    expect(civilDateOf(new Date('2019-06-14T15:59:59.999Z'))).toBe('2019-06-14');
    expect(civilDateOf(new Date('2019-06-14T16:00:00.000Z'))).toBe('2019-06-15');
    expect(civilDateOf(new Date('2019-12-31T16:00:00Z'))).toBe('2020-01-01');
  });

  it('civilTimeOf gives HH:mm in UTC+8', () => {
    expect(civilTimeOf(new Date('2019-06-15T01:30:59Z'))).toBe('09:30');
    expect(civilTimeOf(new Date('2019-06-14T16:00:00Z'))).toBe('00:00');
  });

  it('instantAt converts Shanghai wall time to the instant', () => {
    expect(instantAt(p('2019-06-15'), '09:30').toISOString()).toBe('2019-06-15T01:30:00.000Z');
    expect(instantAt(p('2019-06-15'), '00:00').toISOString()).toBe('2019-06-14T16:00:00.000Z');
    expect(instantAt(p('2019-06-15'), '23:59').toISOString()).toBe('2019-06-15T15:59:00.000Z');
  });

  it.each(['24:00', '9:30', '09:60', '09:30:00', '', '0930'])('instantAt rejects time %j', (t) => {
    expect(() => instantAt(p('2019-06-15'), t)).toThrow(RangeError);
  });

  it('rejects Invalid Date', () => {
    expect(() => civilDateOf(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => civilTimeOf(new Date('nope'))).toThrow(RangeError);
  });

  it('round-trips civil date and time through instantAt', () => {
    const dates = fc.integer({ min: toEpochDay(p('1992-01-01')), max: toEpochDay(p('2099-12-31')) }).map(fromEpochDay);
    const times = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(dates, times, (d, t) => {
        const instant = instantAt(d, t);
        return civilDateOf(instant) === d && civilTimeOf(instant) === t;
      }),
    );
  });

  it('today reads the injected clock', () => {
    expect(today(fixedClock(new Date('2019-09-30T16:30:00Z')))).toBe('2019-10-01');
  });
});

describe('date arithmetic', () => {
  it('addDays crosses months, years and leap days', () => {
    expect(addDays(p('2019-01-31'), 1)).toBe('2019-02-01');
    expect(addDays(p('2019-12-31'), 1)).toBe('2020-01-01');
    expect(addDays(p('2020-02-28'), 1)).toBe('2020-02-29');
    expect(addDays(p('2020-03-01'), -1)).toBe('2020-02-29');
    expect(addDays(p('2019-03-01'), -1)).toBe('2019-02-28');
    expect(addDays(p('2019-06-15'), 0)).toBe('2019-06-15');
  });

  it('addDays rejects non-integers', () => {
    expect(() => addDays(p('2019-06-15'), 1.5)).toThrow(RangeError);
    expect(() => addDays(p('2019-06-15'), Number.NaN)).toThrow(RangeError);
  });

  it('daysBetween is signed', () => {
    expect(daysBetween(p('2019-01-01'), p('2019-01-02'))).toBe(1);
    expect(daysBetween(p('2019-01-02'), p('2019-01-01'))).toBe(-1);
    expect(daysBetween(p('2019-01-01'), p('2020-01-01'))).toBe(365);
    expect(daysBetween(p('2020-01-01'), p('2021-01-01'))).toBe(366);
  });

  it('dayOfWeek is ISO (1 = Monday, 7 = Sunday)', () => {
    expect(dayOfWeek(p('2019-10-01'))).toBe(2);
    expect(dayOfWeek(p('2019-09-29'))).toBe(7);
    expect(dayOfWeek(p('2019-10-12'))).toBe(6);
    expect(dayOfWeek(p('2024-02-05'))).toBe(1);
    expect(dayOfWeek(p('1969-12-31'))).toBe(3);
  });

  it('addDays and daysBetween agree; dayOfWeek agrees with Date', () => {
    const day = fc.integer({ min: toEpochDay(p('1900-01-01')), max: toEpochDay(p('2100-12-31')) });
    fc.assert(
      fc.property(day, day, (x, y) => {
        const a = fromEpochDay(x);
        const b = fromEpochDay(y);
        const jsDay = new Date(`${a}T00:00:00Z`).getUTCDay();
        return addDays(a, daysBetween(a, b)) === b && dayOfWeek(a) === (jsDay === 0 ? 7 : jsDay);
      }),
    );
  });
});

describe('formatting', () => {
  it('formats civil dates', () => {
    expect(formatCivilDate(p('2019-06-15'), 'zh-CN')).toBe('2019年6月15日');
    expect(formatCivilDate(p('2019-06-15'))).toBe('2019年6月15日');
    expect(formatCivilDate(p('2019-10-01'), 'en')).toBe('October 1, 2019');
  });

  it('formats instants in Shanghai time', () => {
    const instant = new Date('2019-06-14T17:05:00Z');
    expect(formatInstant(instant, 'zh-CN')).toBe('2019年6月15日 01:05');
    expect(formatInstant(instant, 'en')).toBe('June 15, 2019, 01:05 (UTC+8)');
  });
});
