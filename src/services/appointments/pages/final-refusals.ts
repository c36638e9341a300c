import type { Reason } from '../../../platform/law/decision.ts';

/**
 * Refusals that trying the same slot again cannot change. 'slot': closed at 15:00 the day before or
 * outside the two-week window (第十七条), the slot full or stopped (第十条) — nobody can book it.
 * 'person': the violation list (第三十二条) or this person's limits (第十七条) — someone else still
 * may (第十六条). The check-answers page then offers other times instead of "confirm". A rate limit
 * (第十三条) or details the person can correct are not final (false).
 */
export type FinalRefusal = 'slot' | 'listed' | 'person' | false;

const forSlot = new Set(['booking_closed', 'outside_booking_window', 'slot_full', 'slot_not_found']);
/** On the violation list (第三十二条): no time will do for this person, so no "other times" either. */
const listed = new Set(['patient_banned', 'listed_for_duplicate']);
const forPerson = new Set(['department_daily_limit_exceeded', 'daily_limit_exceeded', 'department_weekly_limit_exceeded']);

export function finalRefusal(reasons: readonly Pick<Reason, 'code'>[]): FinalRefusal {
  if (reasons.some((r) => forSlot.has(r.code))) return 'slot';
  if (reasons.some((r) => listed.has(r.code))) return 'listed';
  if (reasons.some((r) => forPerson.has(r.code))) return 'person';
  return false;
}
