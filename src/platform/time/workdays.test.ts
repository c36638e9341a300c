import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type CivilDate, dayOfWeek, daysBetween, fromEpochDay, parseCivilDate, toEpochDay } from './civil.ts';
import {
  addWorkdays,
  CALENDAR_FIRST_DATE,
  CALENDAR_LAST_DATE,
  CalendarRangeError,
  dayKind,
  isWorkday,
  nextWorkday,
  workdayOnOrAfter,
  workdaysBetween,
} from './workdays.ts';

const p = parseCivilDate;

describe('isWorkday: known facts', () => {
  it.each([
    // 2019
    ['2019-01-01', false], ['2019-02-02', true], ['2019-02-03', true], ['2019-02-04', false],
    ['2019-04-28', true], ['2019-05-02', false], ['2019-05-04', false], ['2019-05-05', true],
    ['2019-09-29', true], ['2019-10-01', false], ['2019-10-07', false], ['2019-10-08', true], ['2019-10-12', true],
    // 2020: 2020-02-01 was a make-up workday until the COVID-19 extension made it a day off
    ['2020-01-19', true], ['2020-01-31', false], ['2020-02-01', false], ['2020-02-03', true], ['2020-10-08', false],
    // 2023 starts with the break that began on 2022-12-31
    ['2023-01-02', false], ['2023-01-28', true], ['2023-10-07', true],
    // 2024: 除夕 (2024-02-09) was not a day off
    ['2024-02-04', true], ['2024-02-09', true], ['2024-02-10', false], ['2024-02-18', true], ['2024-04-07', true],
    // 2025
    ['2025-01-01', false], ['2025-01-26', true], ['2025-01-28', false], ['2025-02-04', false], ['2025-02-08', true],
    ['2025-10-08', false], ['2025-10-11', true],
    // 2026 Spring Festival: 2/15 (Sun) – 2/23 (Mon) off; 2/14 and 2/28 (Saturdays) worked
    ['2026-01-04', true], ['2026-02-13', true], ['2026-02-14', true], ['2026-02-15', false], ['2026-02-23', false],
    ['2026-02-24', true], ['2026-02-28', true], ['2026-05-09', true], ['2026-09-20', true],
    ['2026-10-07', false], ['2026-10-08', true], ['2026-10-10', true],
    // ordinary weekends and weekdays
    ['2019-06-15', false], ['2019-06-17', true], ['2026-12-31', true],
  ] as const)('%s → %s', (date, expected) => {
    expect(isWorkday(p(date))).toBe(expected);
  });

  it('classifies the kind of day', () => {
    expect(dayKind(p('2019-10-01'))).toBe('holiday');
    expect(dayKind(p('2019-09-29'))).toBe('makeUpWorkday');
    expect(dayKind(p('2019-06-15'))).toBe('weekend');
    expect(dayKind(p('2019-06-17'))).toBe('workday');
  });

  it.each([
    [2023, 249],
    [2024, 251],
    [2025, 248],
  ])('%i has %i working days, as published', (year, count) => {
    expect(workdaysBetween(p(`${year - 1}-12-31`), p(`${year}-12-31`))).toBe(count);
  });
});

describe('addWorkdays and nextWorkday across National Day 2019', () => {
  it('skips the whole holiday week', () => {
    expect(nextWorkday(p('2019-09-30'))).toBe('2019-10-08');
    expect(addWorkdays(p('2019-09-30'), 1)).toBe('2019-10-08');
    expect(addWorkdays(p('2019-09-27'), 1)).toBe('2019-09-29'); // Friday → make-up Sunday
    expect(addWorkdays(p('2019-09-27'), 3)).toBe('2019-10-08');
    expect(addWorkdays(p('2019-09-29'), 3)).toBe('2019-10-09');
  });

  it('does not count the start day, even when it is a holiday', () => {
    expect(addWorkdays(p('2019-10-01'), 3)).toBe('2019-10-10');
    expect(addWorkdays(p('2019-10-07'), 1)).toBe('2019-10-08');
    expect(addWorkdays(p('2019-10-11'), 1)).toBe('2019-10-12'); // make-up Saturday counts
  });

  it('"3个工作日内" from an ordinary Monday ends on Thursday', () => {
    expect(addWorkdays(p('2019-06-17'), 3)).toBe('2019-06-20');
  });

  it('n = 0 is the identity; workdayOnOrAfter rolls forward instead', () => {
    expect(addWorkdays(p('2019-10-01'), 0)).toBe('2019-10-01');
    expect(workdayOnOrAfter(p('2019-10-01'))).toBe('2019-10-08');
    expect(workdayOnOrAfter(p('2019-09-29'))).toBe('2019-09-29');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addWorkdays(p('2019-06-17'), -1)).toThrow(RangeError);
    expect(() => addWorkdays(p('2019-06-17'), 1.5)).toThrow(RangeError);
    expect(() => addWorkdays(p('2019-06-17'), Number.NaN)).toThrow(RangeError);
  });
});

describe('workdaysBetween counts (a, b]', () => {
  it('excludes a and includes b', () => {
    expect(workdaysBetween(p('2019-09-30'), p('2019-10-08'))).toBe(1);
    expect(workdaysBetween(p('2019-09-29'), p('2019-09-30'))).toBe(1);
    expect(workdaysBetween(p('2019-09-28'), p('2019-09-29'))).toBe(1);
    expect(workdaysBetween(p('2019-10-01'), p('2019-10-07'))).toBe(0);
    expect(workdaysBetween(p('2019-06-17'), p('2019-06-17'))).toBe(0);
  });

  it('is antisymmetric', () => {
    expect(workdaysBetween(p('2019-10-08'), p('2019-09-30'))).toBe(-1);
  });
});

describe('range limits', () => {
  it.each(['2018-12-31', '2018-12-29', '2027-01-01', '1999-01-01'])('refuses %s in zh and en', (date) => {
    const error = (() => {
      try {
        isWorkday(p(date));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CalendarRangeError);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ date });
    expect((error as Error).message).toContain('超出工作日历覆盖范围');
    expect((error as Error).message).toContain('outside the working-day calendar');
  });

  it('refuses to compute past the last covered day', () => {
    expect(() => nextWorkday(p('2026-12-31'))).toThrow(CalendarRangeError);
    expect(() => addWorkdays(p('2026-12-25'), 10)).toThrow(/2027-01-01/);
    expect(() => workdaysBetween(p('2026-12-01'), p('2027-01-04'))).toThrow(CalendarRangeError);
    expect(addWorkdays(p('2026-12-30'), 1)).toBe('2026-12-31');
  });

  it('covers exactly 2019-01-01 … 2026-12-31', () => {
    expect(CALENDAR_FIRST_DATE).toBe('2019-01-01');
    expect(CALENDAR_LAST_DATE).toBe('2026-12-31');
    expect(isWorkday(CALENDAR_FIRST_DATE)).toBe(false);
  });
});

// Dates late enough in 2026 would run off the table; 100 workdays never span more than ~5 months.
const firstEpochDay = toEpochDay(CALENDAR_FIRST_DATE);
const anyDate = fc.integer({ min: firstEpochDay, max: toEpochDay(CALENDAR_LAST_DATE) }).map(fromEpochDay);
const startDate = fc.integer({ min: firstEpochDay, max: toEpochDay(p('2026-06-30')) }).map(fromEpochDay);
const count = fc.integer({ min: 0, max: 100 });

function naiveWorkdaysBetween(a: CivilDate, b: CivilDate): number {
  let n = 0;
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkday(d)) n++;
  return n;
}

describe('properties', () => {
  it('workdaysBetween(d, addWorkdays(d, n)) === n', () => {
    fc.assert(fc.property(startDate, count, (d, n) => workdaysBetween(d, addWorkdays(d, n)) === n));
  });

  it('addWorkdays(d, n) is a workday for n ≥ 1, and the earliest such day', () => {
    fc.assert(
      fc.property(startDate, fc.integer({ min: 1, max: 100 }), (d, n) => {
        const due = addWorkdays(d, n);
        return isWorkday(due) && due > d && workdaysBetween(d, addDays(due, -1)) === n - 1;
      }),
    );
  });

  it('addWorkdays composes', () => {
    fc.assert(
      fc.property(startDate, fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), (d, m, n) =>
        addWorkdays(addWorkdays(d, m), n) === addWorkdays(d, m + n),
      ),
    );
  });

  it('workdaysBetween is additive over adjacent spans', () => {
    fc.assert(
      fc.property(anyDate, anyDate, anyDate, (a, b, c) =>
        workdaysBetween(a, b) + workdaysBetween(b, c) === workdaysBetween(a, c),
      ),
    );
  });

  it('workdaysBetween agrees with counting day by day', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 60 }), (a, span) => {
        const b = addDays(a, span);
        return b > CALENDAR_LAST_DATE || workdaysBetween(a, b) === naiveWorkdaysBetween(a, b);
      }),
    );
  });

  it('nextWorkday is the first workday after d', () => {
    fc.assert(
      fc.property(startDate, (d) => {
        const next = nextWorkday(d);
        const gap = daysBetween(d, next);
        if (gap < 1 || !isWorkday(next)) return false;
        for (let i = 1; i < gap; i++) if (isWorkday(addDays(d, i))) return false;
        return true;
      }),
    );
  });
});

describe('cross-check with chinese-days, day by day', () => {
  it('agrees on every day 2019–2026', () => {
    const require = createRequire(import.meta.url);
    const raw: unknown = JSON.parse(readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8'));
    const data = raw as { holidays: Record<string, string>; workdays: Record<string, string> };
    const mismatches: string[] = [];
    for (let d = CALENDAR_FIRST_DATE; d <= CALENDAR_LAST_DATE; d = addDays(d, 1)) {
      const theirs = d in data.workdays || (!(d in data.holidays) && dayOfWeek(d) <= 5);
      if (theirs !== isWorkday(d)) mismatches.push(d);
    }
    expect(mismatches).toEqual([]);
  });
});
