import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dayOfWeek, isCivilDate, parseCivilDate } from './civil.ts';
import {
  ARRANGEMENTS,
  FIRST_COVERED_YEAR,
  LAST_COVERED_YEAR,
  WORKDAY_DATA_SOURCE,
  arrangementForYear,
} from './workdays-data.ts';

// The reference packages are devDependencies; only this test may read them.
const require = createRequire(import.meta.url);

function readJson(specifier: string): unknown {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function packageVersion(name: string): string {
  const pkg = readJson(`${name}/package.json`);
  if (!isRecord(pkg) || typeof pkg.version !== 'string') throw new Error(`${name}: no version`);
  return pkg.version;
}

/** chinese-days dist JSON: { holidays: { date: label }, workdays: { date: label }, ... }. */
function chineseDaysKeys(field: 'holidays' | 'workdays'): string[] {
  const data = readJson('chinese-days/dist/chinese-days.json');
  if (!isRecord(data) || !isRecord(data[field])) throw new Error('unexpected chinese-days data shape');
  return Object.keys(data[field]);
}

/** holiday-calendar: data/CN/<year>.json = { dates: [{ date, type: 'public_holiday' | 'transfer_workday' }] }. */
function holidayCalendarDates(year: number, type: 'public_holiday' | 'transfer_workday'): string[] {
  const data = readJson(`holiday-calendar/data/CN/${year}.json`);
  if (!isRecord(data) || !Array.isArray(data.dates)) throw new Error(`unexpected holiday-calendar ${year} shape`);
  return data.dates.flatMap((entry: unknown) =>
    isRecord(entry) && entry.type === type && typeof entry.date === 'string' ? [entry.date] : [],
  );
}

const years = Array.from({ length: LAST_COVERED_YEAR - FIRST_COVERED_YEAR + 1 }, (_, i) => FIRST_COVERED_YEAR + i);
const allRest = ARRANGEMENTS.flatMap((a) => a.restDays);
const allMakeUp = ARRANGEMENTS.flatMap((a) => a.makeUpWorkdays);
// The 2019 notice starts on 2018-12-29; nothing earlier belongs to the table.
const inTableSpan = (d: string): boolean => d >= '2018-12-29' && d <= `${LAST_COVERED_YEAR}-12-31`;
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe('workday table: citations', () => {
  it('has exactly one arrangement per year 2019–2026, in order', () => {
    expect(ARRANGEMENTS.map((a) => a.year)).toEqual(years);
  });

  it.each(years)('%i cites its State Council notice', (year) => {
    const arrangement = arrangementForYear(year);
    const main = arrangement?.notices[0];
    expect(main?.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
    expect(main?.docNumber).toMatch(new RegExp(`^国办发明电〔${year - 1}〕\\d+号$`));
    expect(isCivilDate(main?.issued)).toBe(true);
    expect(main?.issued.startsWith(String(year - 1))).toBe(true);
    expect(main?.url).toMatch(/^https?:\/\/www\.gov\.cn\//);
    for (const amendment of arrangement?.notices.slice(1) ?? []) {
      expect(amendment.docNumber).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
      expect(amendment.amends).toBeTruthy();
    }
  });

  it('records the 2019 Labour Day amendment and the 2020 Spring Festival extension', () => {
    expect(arrangementForYear(2019)?.notices.map((n) => n.docNumber)).toEqual(['国办发明电〔2018〕15号', '国办发明电〔2019〕3号']);
    expect(arrangementForYear(2020)?.notices.map((n) => n.docNumber)).toEqual(['国办发明电〔2019〕16号', '国办发明电〔2020〕1号']);
  });

  it('states which package versions it was copied from and checked against', () => {
    expect(WORKDAY_DATA_SOURCE.copiedFrom).toBe(`chinese-days@${packageVersion('chinese-days')}`);
    expect(WORKDAY_DATA_SOURCE.crossCheckedWith).toBe(`holiday-calendar@${packageVersion('holiday-calendar')}`);
  });
});

describe('workday table: consistency', () => {
  it('holds only valid, unique, sorted dates', () => {
    for (const a of ARRANGEMENTS) {
      for (const list of [a.restDays, a.makeUpWorkdays]) {
        for (const d of list) expect(isCivilDate(d), d).toBe(true);
        expect(list).toEqual(sorted(list));
        expect(new Set(list).size).toBe(list.length);
      }
    }
    expect(new Set(allRest).size).toBe(allRest.length);
    expect(new Set(allMakeUp).size).toBe(allMakeUp.length);
  });

  it('never lists a date as both a rest day and a make-up workday', () => {
    const rest = new Set(allRest);
    expect(allMakeUp.filter((d) => rest.has(d))).toEqual([]);
  });

  it('only lists weekend days as make-up workdays', () => {
    expect(allMakeUp.filter((d) => dayOfWeek(parseCivilDate(d)) < 6)).toEqual([]);
  });

  it('keeps each date within its arrangement (its year, or the December before)', () => {
    for (const a of ARRANGEMENTS) {
      for (const d of [...a.restDays, ...a.makeUpWorkdays]) {
        expect(d.startsWith(`${a.year}-`) || d.startsWith(`${a.year - 1}-12-`), `${a.year}: ${d}`).toBe(true);
      }
    }
  });
});

describe('workday table: cross-check with the reference packages', () => {
  it('matches chinese-days exactly for 2019–2026', () => {
    expect(sorted(allRest)).toEqual(sorted(chineseDaysKeys('holidays').filter(inTableSpan)));
    expect(sorted(allMakeUp)).toEqual(sorted(chineseDaysKeys('workdays').filter(inTableSpan)));
  });

  it('matches holiday-calendar except its omission of Sunday 2020-02-02', () => {
    const hcRest = years.flatMap((y) => holidayCalendarDates(y, 'public_holiday'));
    const hcMakeUp = years.flatMap((y) => holidayCalendarDates(y, 'transfer_workday'));
    expect(sorted(allMakeUp)).toEqual(sorted(hcMakeUp));
    expect(sorted(allRest.filter((d) => d !== '2020-02-02'))).toEqual(sorted(hcRest));
  });

  it('also files the December spill-over days under the same notice as holiday-calendar does', () => {
    expect(holidayCalendarDates(2019, 'public_holiday')).toEqual(expect.arrayContaining(['2018-12-30', '2018-12-31']));
    expect(holidayCalendarDates(2019, 'transfer_workday')).toContain('2018-12-29');
    expect(holidayCalendarDates(2023, 'public_holiday')).toContain('2022-12-31');
  });
});
