/**
 * Strict ISO-8601 instant parsing. `new Date(s)` is too forgiving for configuration:
 * it accepts '2019-06-15' (as UTC midnight), offset-less local times (as the *server's*
 * zone) and rolls 2019-02-30 over to March. An instant must name its offset.
 */
import { civilDate, toEpochDay } from './civil.ts';

// Extended format only: date, 'T', HH:mm[:ss[.fraction]], then 'Z' or ±HH:mm.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

export const ISO_INSTANT_EXAMPLE = '2019-06-15T09:00:00+08:00';

/**
 * Parses e.g. '2019-06-15T09:00:00+08:00', '2019-06-15T01:00:00Z', '2019-06-15T09:00+08:00',
 * '2019-06-15T01:00:00.123Z'. Fractions beyond milliseconds are truncated.
 * Throws RangeError for anything else, including a missing offset, '-00:00' (which ISO 8601
 * forbids), lowercase 't'/'z', 24:00 and leap seconds (Date cannot represent them).
 */
export function parseIsoInstant(s: string): Date {
  const m = ISO_INSTANT.exec(s);
  const fail = (why: string): never => {
    throw new RangeError(`Not an ISO-8601 instant (${why}): ${JSON.stringify(s)}; expected e.g. ${ISO_INSTANT_EXAMPLE}`);
  };
  if (!m) return fail('expected YYYY-MM-DDTHH:mm[:ss[.sss]] followed by Z or ±HH:mm');
  const [, y, mo, d, hh, mi, ss = '0', frac = '', zulu, sign, offH = '0', offM = '0'] = m;
  let day: number;
  try {
    day = toEpochDay(civilDate(Number(y), Number(mo), Number(d)));
  } catch {
    return fail('no such calendar date');
  }
  const hours = Number(hh);
  const minutes = Number(mi);
  const seconds = Number(ss);
  if (hours > 23 || minutes > 59 || seconds > 59) return fail('time of day out of range');
  const offsetHours = Number(offH);
  const offsetMinutes = Number(offM);
  if (offsetHours > 23 || offsetMinutes > 59) return fail('UTC offset out of range');
  if (zulu === undefined && sign === '-' && offsetHours === 0 && offsetMinutes === 0) {
    return fail('-00:00 is not a valid offset');
  }
  const offsetMs = (zulu ? 0 : (sign === '-' ? -1 : 1)) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const millis = Number(frac.padEnd(3, '0').slice(0, 3));
  const wallMs = day * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return new Date(wallMs - offsetMs);
}
