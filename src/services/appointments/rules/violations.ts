import { allow, reason, refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import { addDays, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from './citations.ts';

/** Three calendar months, as the article counts them ("3个月内", "此后3个月"). */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const iso = `${year}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
  return addDays(iso as CivilDate, 0);
}

export const violationsToList = 3;

/**
 * 第三十二条: 3 violations within 3 months put a person on the violation list (as does a
 * duplicate booking); a listed person cannot book or be referred for the next 3 months.
 * Returns the ban's end date when the latest violation lists the person.
 */
export function listingAfterViolation(violationDates: readonly CivilDate[], latest: CivilDate, kind: 'no_show' | 'duplicate'): CivilDate | null {
  if (kind === 'duplicate') return addMonths(latest, 3);
  const windowStart = addMonths(latest, -3);
  const recent = violationDates.filter((d) => d > windowStart && d <= latest).length;
  return recent >= violationsToList ? addMonths(latest, 3) : null;
}

export function checkNotBanned(today: CivilDate, banEndsOn: CivilDate | null): Decision<undefined> {
  return banEndsOn !== null && today < banEndsOn
    ? refuse(reason('patient_banned', `您已被列入违约名单，${banEndsOn}前无法预约诊疗和预约转诊`, `You are on the violation list and cannot book or be referred until ${banEndsOn}`, art.violations))
    : allow();
}

/** 第三十二条: the refused repeat booking itself was a 重复预约, and it has put the person on the list. */
export function listedForDuplicate(endsOn: CivilDate): Reason {
  return reason('listed_for_duplicate', `重复预约已计入违约，您被列入违约名单，${endsOn}前无法预约诊疗和预约转诊`, `A duplicate booking counts as a violation: you are on the violation list and cannot book or be referred until ${endsOn}`, art.violations);
}
