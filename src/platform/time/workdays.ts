/**
 * Mainland-China working days (工作日) for gazette deadlines such as "3个工作日内".
 *
 * A day is a workday when it is a make-up workday (调休上班), or a Monday–Friday that is
 * not a listed rest day. Only 2019-01-01 … 2026-12-31 is answered: outside it the
 * State Council notice is not in our table, and guessing would silently produce wrong
 * legal deadlines, so every function throws CalendarRangeError instead.
 *
 * Counting follows 民法典 第二百零一条 (the starting day is not counted):
 * - workdaysBetween(a, b) counts the workdays in the half-open interval (a, b].
 * - addWorkdays(d, n) is the earliest day e with workdaysBetween(d, e) === n, i.e. for n ≥ 1
 *   the n-th workday strictly after d, whether or not d itself is a workday. So a filing
 *   accepted on Monday with "3个工作日内" is due by Thursday, and one accepted on
 *   2019-10-01 (National Day) is due by 2019-10-10. addWorkdays(d, 0) === d.
 */
import { addDays, type CivilDate, civilDate, dayOfWeek, fromEpochDay, parseCivilDate, toEpochDay } from './civil.ts';
import { ARRANGEMENTS, FIRST_COVERED_YEAR, LAST_COVERED_YEAR } from './workdays-data.ts';

export const CALENDAR_FIRST_DATE: CivilDate = civilDate(FIRST_COVERED_YEAR, 1, 1);
export const CALENDAR_LAST_DATE: CivilDate = civilDate(LAST_COVERED_YEAR, 12, 31);

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeUpWorkday';

/** Thrown for dates the calendar does not cover; carries the message in both languages for the UI. */
export class CalendarRangeError extends RangeError {
  override readonly name = 'CalendarRangeError';
  readonly date: string;
  readonly zh: string;
  readonly en: string;
  constructor(date: string, zh: string, en: string) {
    super(`${zh} / ${en}`);
    this.date = date;
    this.zh = zh;
    this.en = en;
  }
}

function outOfRange(date: string): CalendarRangeError {
  return new CalendarRangeError(
    date,
    `日期 ${date} 超出工作日历覆盖范围（${CALENDAR_FIRST_DATE} 至 ${CALENDAR_LAST_DATE}），` +
      `须先录入国务院办公厅当年节假日安排通知。`,
    `Date ${date} is outside the working-day calendar (${CALENDAR_FIRST_DATE} to ${CALENDAR_LAST_DATE}); ` +
      `the State Council holiday notice for that year must be added first.`,
  );
}

const firstDay = toEpochDay(CALENDAR_FIRST_DATE);
const lastDay = toEpochDay(CALENDAR_LAST_DATE);

// Built once at load; parseCivilDate makes a typo in the table fail loudly at import.
const restDays = new Set<number>();
const makeUpWorkdays = new Set<number>();
for (const arrangement of ARRANGEMENTS) {
  for (const d of arrangement.restDays) restDays.add(toEpochDay(parseCivilDate(d)));
  for (const d of arrangement.makeUpWorkdays) makeUpWorkdays.add(toEpochDay(parseCivilDate(d)));
}
for (const day of restDays) {
  if (makeUpWorkdays.has(day)) throw new Error(`workdays-data: ${fromEpochDay(day)} is both a rest day and a workday`);
}

function kindOfEpochDay(day: number, date: CivilDate): DayKind {
  if (restDays.has(day)) return 'holiday';
  if (makeUpWorkdays.has(day)) return 'makeUpWorkday';
  return dayOfWeek(date) >= 6 ? 'weekend' : 'workday';
}

// cumulative[i] = number of workdays in [firstDay, firstDay + i]; makes counting O(1).
const cumulative = new Int32Array(lastDay - firstDay + 1);
for (let i = 0, count = 0; i < cumulative.length; i++) {
  const kind = kindOfEpochDay(firstDay + i, fromEpochDay(firstDay + i));
  if (kind === 'workday' || kind === 'makeUpWorkday') count++;
  cumulative[i] = count;
}

function indexOf(date: CivilDate): number {
  const day = toEpochDay(date);
  if (day < firstDay || day > lastDay) throw outOfRange(date);
  return day - firstDay;
}

function countAt(index: number): number {
  return cumulative[index] ?? 0;
}

export function dayKind(date: CivilDate): DayKind {
  return kindOfEpochDay(indexOf(date) + firstDay, date);
}

export function isWorkday(date: CivilDate): boolean {
  const kind = dayKind(date);
  return kind === 'workday' || kind === 'makeUpWorkday';
}

/** Workdays in (a, b]. Negative when b is before a, so counts over adjacent spans add up. */
export function workdaysBetween(a: CivilDate, b: CivilDate): number {
  return countAt(indexOf(b)) - countAt(indexOf(a));
}

/** The n-th workday strictly after `date` (n ≥ 1); `date` itself for n = 0. See the module comment. */
export function addWorkdays(date: CivilDate, n: number): CivilDate {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Workday count must be a non-negative integer, got ${n}`);
  const start = indexOf(date);
  if (n === 0) return date;
  const target = countAt(start) + n;
  if (target > countAt(cumulative.length - 1)) {
    // Name the first day we cannot vouch for, so the message points at the missing year.
    throw outOfRange(addDays(CALENDAR_LAST_DATE, 1));
  }
  // Smallest index whose cumulative count reaches the target; that day is a workday.
  let lo = start + 1;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (countAt(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  return fromEpochDay(firstDay + lo);
}

/** The first workday strictly after `date`. */
export function nextWorkday(date: CivilDate): CivilDate {
  return addWorkdays(date, 1);
}

/** `date` if it is a workday, else the next one: "the same working day or the first one after". */
export function workdayOnOrAfter(date: CivilDate): CivilDate {
  return isWorkday(date) ? date : nextWorkday(date);
}
