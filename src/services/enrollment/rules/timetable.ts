/**
 * Date-window enforcement for the 附件1/附件2 timetables and the 11号 review steps: a step may be
 * taken only on the days its row gives, and a refusal names the row. The window logic is the
 * platform's (platform/cases/window.ts); a timetable row is a DateWindow.
 */
import type { Decision } from '../../../platform/law/decision.ts';
import type { CivilDate } from '../../../platform/time/civil.ts';
import { requireWithinWindow } from '../../../platform/cases/window.ts';
import type { EnrollmentYear, TimetableEntry, TimetableStep } from './parameters.ts';

export { describeWindow, windowPosition, windowReason, type WindowPosition } from '../../../platform/cases/window.ts';

export function timetableEntry(year: EnrollmentYear, step: TimetableStep): TimetableEntry {
  const entry = year.timetable.find((e) => e.step === step);
  // A missing row is a data error in the year's parameters, not a user error.
  if (!entry) throw new Error(`no timetable row for ${step} in ${year.year}`);
  return entry;
}

/** Allowed only inside the step's window (both ends inclusive), refused with the timetable row's citation. */
export function requireWindow(year: EnrollmentYear, step: TimetableStep, today: CivilDate): Decision<undefined> {
  return requireWithinWindow(timetableEntry(year, step), today);
}
