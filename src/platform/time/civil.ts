/**
 * Civil (wall-clock) dates and times in Asia/Shanghai.
 *
 * Why a fixed UTC+8 offset instead of the IANA zone: the mainland has kept
 * China Standard Time all year since DST was abandoned after 1991, so for any
 * instant from 1991-09-15 on the fixed offset gives exactly what the tz database
 * gives, without depending on the ICU/tz data shipped with a given Node build.
 * (Instants inside the 1986–1991 DST summers would be one hour off; the platform
 * has no reason to compute those.)
 *
 * A CivilDate is a calendar day with no time and no zone: "the 15th of June in
 * Beijing". Gazette deadlines, working days and birthdays are CivilDates; only
 * timestamps are Dates.
 */
import type { Clock } from './clock.ts';

export const SHANGHAI_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
const MS_PER_DAY = 24 * 60 * 60 * 1000;

declare const civilDateBrand: unique symbol;
/** 'YYYY-MM-DD', validated. Obtain one from parseCivilDate, civilDate or civilDateOf. */
export type CivilDate = string & { readonly [civilDateBrand]: true };

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type Locale = 'zh-CN' | 'en';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const EN_MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Days since 1970-01-01 for a proleptic Gregorian date, or NaN if the fields do not name a real day. */
function epochDayOf(year: number, month: number, day: number): number {
  const t = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not remap years 0–99 to 1900–1999.
  t.setUTCFullYear(year, month - 1, day);
  const valid = t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
  return valid ? t.getTime() / MS_PER_DAY : Number.NaN;
}

// Parsed dates, remembered: a booking parses and formats the same few dozen dates many times
// (3–4 % of its CPU in the booking benchmark, issue 3). Bounded, because input can be anything.
const memoLimit = 4096;
const parsed = new Map<string, number | undefined>();
const formatted = new Map<number, CivilDate>();

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= memoLimit) memo.clear();
  memo.set(key, value);
  return value;
}

function tryEpochDay(s: string): number | undefined {
  const known = parsed.get(s);
  if (known !== undefined || parsed.has(s)) return known;
  const m = DATE_PATTERN.exec(s);
  // Only strings of the date's shape are remembered: never an arbitrary (long) input.
  if (!m) return undefined;
  const n = epochDayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return remember(parsed, s, Number.isNaN(n) ? undefined : n);
}

export function isCivilDate(s: unknown): s is CivilDate {
  return typeof s === 'string' && tryEpochDay(s) !== undefined;
}

/** Strict: exactly 'YYYY-MM-DD' naming a real day (rejects 2019-02-30, 2019-2-3, timestamps). */
export function parseCivilDate(s: string): CivilDate {
  if (!isCivilDate(s)) {
    throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(s)}`);
  }
  return s;
}

export function civilDate(year: number, month: number, day: number): CivilDate {
  return parseCivilDate(`${pad(year, 4)}-${pad(month)}-${pad(day)}`);
}

/** Days since 1970-01-01; throws on a malformed value that was cast to CivilDate. */
export function toEpochDay(date: CivilDate): number {
  const n = tryEpochDay(date);
  if (n === undefined) throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
  return n;
}

export function fromEpochDay(epochDay: number): CivilDate {
  const known = formatted.get(epochDay);
  if (known !== undefined) return known;
  if (!Number.isSafeInteger(epochDay)) throw new RangeError(`Epoch day must be an integer, got ${epochDay}`);
  const t = new Date(epochDay * MS_PER_DAY);
  const year = t.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`Epoch day ${epochDay} is outside years 0000–9999`);
  }
  return remember(formatted, epochDay, `${pad(year, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` as CivilDate);
}

function assertValidInstant(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  return ms;
}

/** The instant shifted so that its UTC fields read as Shanghai wall-clock fields. */
function shanghaiFields(instant: Date): Date {
  return new Date(assertValidInstant(instant) + SHANGHAI_UTC_OFFSET_MS);
}

/** The Shanghai calendar day an instant falls on. */
export function civilDateOf(instant: Date): CivilDate {
  const ms = assertValidInstant(instant) + SHANGHAI_UTC_OFFSET_MS;
  return fromEpochDay(Math.floor(ms / MS_PER_DAY));
}

/** Shanghai wall-clock time of an instant, 'HH:mm' (seconds truncated). */
export function civilTimeOf(instant: Date): string {
  const f = shanghaiFields(instant);
  return `${pad(f.getUTCHours())}:${pad(f.getUTCMinutes())}`;
}

/** The instant at which Shanghai wall clocks read `time` ('HH:mm', 00:00–23:59) on `date`. */
export function instantAt(date: CivilDate, time: string): Date {
  const m = TIME_PATTERN.exec(time);
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (!m || hours > 23 || minutes > 59) {
    throw new RangeError(`Not a wall-clock time in HH:mm form (00:00–23:59): ${JSON.stringify(time)}`);
  }
  return new Date(toEpochDay(date) * MS_PER_DAY + (hours * 60 + minutes) * 60_000 - SHANGHAI_UTC_OFFSET_MS);
}

export function addDays(date: CivilDate, n: number): CivilDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Day count must be an integer, got ${n}`);
  return fromEpochDay(toEpochDay(date) + n);
}

/** Signed: daysBetween('2019-01-01', '2019-01-02') === 1. */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function dayOfWeek(date: CivilDate): IsoWeekday {
  // 1970-01-01 was a Thursday (4); the double modulo keeps pre-1970 days positive.
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7 + 1) as IsoWeekday;
}

/** zh-CN: '2019年6月15日'; en: 'June 15, 2019'. Hand-rolled so output does not vary with the ICU build. */
export function formatCivilDate(date: CivilDate, locale: Locale = 'zh-CN'): string {
  toEpochDay(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return locale === 'en' ? `${EN_MONTHS[month - 1]} ${day}, ${year}` : `${year}年${month}月${day}日`;
}

/** Shanghai time. zh-CN: '2019年6月15日 09:30'; en: 'June 15, 2019, 09:30 (UTC+8)'. */
export function formatInstant(instant: Date, locale: Locale = 'zh-CN'): string {
  const date = formatCivilDate(civilDateOf(instant), locale);
  const time = civilTimeOf(instant);
  return locale === 'en' ? `${date}, ${time} (UTC+8)` : `${date} ${time}`;
}

/** Today's date in Beijing according to the injected clock. */
export function today(clock: Clock): CivilDate {
  return civilDateOf(clock.now());
}
