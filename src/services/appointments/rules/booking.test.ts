import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { bookingCutoff, checkBookingTime, checkCancellation, checkCheckIn, checkPatientLimits, checkRequiredData, effectivePool, type HeldBooking } from './booking.ts';
import { addMonths, checkNotBanned, listingAfterViolation } from './violations.ts';
import { canSubstitute, classifyStop } from './stops.ts';

const at = (iso: string) => new Date(iso);
const visit = parseCivilDate('2026-03-05');

describe('西卫〔2019〕5号 第十七条 booking window and 15:00 cutoff', () => {
  it('is open until 15:00 Shanghai the day before, then closed with booking_closed', () => {
    expect(bookingCutoff(visit).toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(checkBookingTime(at('2026-03-04T06:59:59Z'), visit, '09:00', 'web').allowed).toBe(true);
    const closed = checkBookingTime(at('2026-03-04T07:00:00Z'), visit, '09:00', 'web');
    expect(closed.allowed).toBe(false);
    if (!closed.allowed) expect(closed.reasons[0]).toMatchObject({ code: 'booking_closed', citation: { doc: '西卫〔2019〕5号', article: '第十七条' } });
  });

  it('books at most two weeks ahead', () => {
    const now = at('2026-03-01T02:00:00Z');
    expect(checkBookingTime(now, parseCivilDate('2026-03-15'), '09:00', 'web').allowed).toBe(true);
    const far = checkBookingTime(now, parseCivilDate('2026-03-16'), '09:00', 'web');
    expect(far.allowed).toBe(false);
    if (!far.allowed) expect(far.reasons[0]?.code).toBe('outside_booking_window');
  });

  it('returns unbooked platform tickets to the window at the cutoff', () => {
    expect(effectivePool('appointment', at('2026-03-04T06:59:00Z'), visit)).toBe('appointment');
    expect(effectivePool('appointment', at('2026-03-04T07:00:00Z'), visit)).toBe('window');
    expect(effectivePool('referral', at('2026-03-04T07:00:00Z'), visit)).toBe('window');
  });

  it('lets the window register only on the visit day', () => {
    expect(checkBookingTime(at('2026-03-05T01:00:00Z'), visit, '09:30', 'window').allowed).toBe(true);
    expect(checkBookingTime(at('2026-03-04T01:00:00Z'), visit, '09:30', 'window').allowed).toBe(false);
  });
});

describe('西卫〔2019〕5号 第十七条 (一)(二) per-patient limits', () => {
  const b = (date: string, dept = 1, inst = 1): HeldBooking => ({ visitDate: parseCivilDate(date), institutionId: inst, departmentId: dept });

  it('allows 2 a day, in different departments, and refuses the third', () => {
    expect(checkPatientLimits([b('2026-03-05', 1)], b('2026-03-05', 2)).allowed).toBe(true);
    const third = checkPatientLimits([b('2026-03-05', 1), b('2026-03-05', 2)], b('2026-03-05', 3));
    expect(third.allowed ? null : third.reasons[0]?.code).toBe('daily_limit_exceeded');
  });

  it('refuses a second booking in the same department on the same day', () => {
    const r = checkPatientLimits([b('2026-03-05', 1)], b('2026-03-05', 1));
    expect(r.allowed ? null : r.reasons[0]?.code).toBe('department_daily_limit_exceeded');
    // The same department name at another institution is another department.
    expect(checkPatientLimits([b('2026-03-05', 1, 1)], b('2026-03-05', 1, 2)).allowed).toBe(true);
  });

  it('refuses a 4th booking in one department within 7 consecutive days', () => {
    const held = [b('2026-03-02'), b('2026-03-04'), b('2026-03-06')];
    const r = checkPatientLimits(held, b('2026-03-08'));
    expect(r.allowed ? null : r.reasons[0]?.code).toBe('department_weekly_limit_exceeded');
    expect(checkPatientLimits(held, b('2026-03-09')).allowed).toBe(true);
  });

  it('never lets an accepted set break a limit (property)', () => {
    const day = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(fc.array(fc.tuple(day, fc.integer({ min: 1, max: 3 })), { maxLength: 60 }), (attempts) => {
        const held: HeldBooking[] = [];
        const base = parseCivilDate('2026-03-01');
        for (const [offset, dept] of attempts) {
          const target = { visitDate: addDays(base, offset), institutionId: 1, departmentId: dept };
          if (checkPatientLimits(held, target).allowed) held.push(target);
        }
        for (const h of held) {
          const sameDay = held.filter((x) => x.visitDate === h.visitDate);
          expect(sameDay.length).toBeLessThanOrEqual(2);
          expect(sameDay.filter((x) => x.departmentId === h.departmentId).length).toBe(1);
        }
        for (let s = -6; s <= 26; s++) {
          const start = addDays(base, s);
          const end = addDays(start, 6);
          for (const dept of [1, 2, 3]) {
            expect(held.filter((x) => x.departmentId === dept && x.visitDate >= start && x.visitDate <= end).length).toBeLessThanOrEqual(3);
          }
        }
      }),
    );
  });
});

describe('西卫〔2019〕5号 第二十五条 cancellation and 第二十六条 check-in', () => {
  it('cancels until midnight before the visit day', () => {
    expect(checkCancellation(at('2026-03-04T15:59:59Z'), visit).allowed).toBe(true);
    const late = checkCancellation(at('2026-03-04T16:00:00Z'), visit);
    expect(late.allowed ? null : late.reasons[0]).toMatchObject({ code: 'cancel_too_late', citation: { article: '第二十五条' } });
  });

  const booking = { visitDate: visit, periodStart: '09:00', periodEnd: '09:30', docType: 'resident_id', docNumber: '11010519491231002X' };
  it('checks in during the period with the same document only', () => {
    expect(checkCheckIn(at('2026-03-05T01:10:00Z'), booking, { docType: 'resident_id', docNumber: '11010519491231002X' }).allowed).toBe(true);
    const wrongDoc = checkCheckIn(at('2026-03-05T01:10:00Z'), booking, { docType: 'passport', docNumber: 'E12345678' });
    expect(wrongDoc.allowed ? null : wrongDoc.reasons[0]).toMatchObject({ code: 'identity_mismatch', citation: { article: '第二十六条' } });
    const early = checkCheckIn(at('2026-03-05T00:59:00Z'), booking, { docType: 'resident_id', docNumber: '11010519491231002X' });
    expect(early.allowed ? null : early.reasons[0]?.code).toBe('not_in_period');
    expect(checkCheckIn(at('2026-03-05T01:30:00Z'), booking, { docType: 'resident_id', docNumber: '11010519491231002X' }).allowed).toBe(false);
  });
});

describe('西卫〔2019〕5号 第十六条 required data', () => {
  it('needs the booker’s name and contact when the booker is not the patient', () => {
    expect(checkRequiredData({ patientName: '张三', patientPhone: '13800138000', bookerIsPatient: true }).allowed).toBe(true);
    const r = checkRequiredData({ patientName: '张三', patientPhone: '13800138000', bookerIsPatient: false });
    expect(r.allowed ? null : r.reasons[0]).toMatchObject({ code: 'missing_required_data', citation: { article: '第十六条' } });
  });
});

describe('西卫〔2019〕5号 第三十二条 violation list', () => {
  const d = (s: string) => parseCivilDate(s) as CivilDate;
  it('lists on the third violation within 3 months, for 3 months', () => {
    expect(listingAfterViolation([d('2026-01-10'), d('2026-02-10')], d('2026-02-10'), 'no_show')).toBeNull();
    expect(listingAfterViolation([d('2026-01-10'), d('2026-02-10'), d('2026-03-05')], d('2026-03-05'), 'no_show')).toBe('2026-06-05');
    // The first is older than 3 months by the time of the third.
    expect(listingAfterViolation([d('2025-12-01'), d('2026-02-10'), d('2026-03-05')], d('2026-03-05'), 'no_show')).toBeNull();
    expect(listingAfterViolation([], d('2026-03-05'), 'duplicate')).toBe('2026-06-05');
    expect(addMonths(d('2026-11-30'), 3)).toBe('2027-02-28');
  });

  it('bars booking until the ban ends', () => {
    const r = checkNotBanned(d('2026-03-05'), d('2026-06-05'));
    expect(r.allowed ? null : r.reasons[0]).toMatchObject({ code: 'patient_banned', citation: { article: '第三十二条' } });
    expect(checkNotBanned(d('2026-06-05'), d('2026-06-05')).allowed).toBe(true);
  });
});

describe('西卫〔2019〕5号 第二十七条 stops', () => {
  it('needs 2 days notice, or a reason for a special stop', () => {
    expect(classifyStop(d('2026-03-02'), d('2026-03-04'), undefined)).toMatchObject({ allowed: true, value: { special: false } });
    const r = classifyStop(d('2026-03-03'), d('2026-03-04'), undefined);
    expect(r.allowed ? null : r.reasons[0]).toMatchObject({ code: 'special_stop_needs_reason', citation: { article: '第二十七条' } });
    expect(classifyStop(d('2026-03-03'), d('2026-03-04'), '医师突发疾病')).toMatchObject({ allowed: true, value: { special: true } });
  });
  it('substitutes only by the same or a higher title', () => {
    expect(canSubstitute('副主任医师', '主任医师')).toBe(true);
    expect(canSubstitute('副主任医师', '副主任医师')).toBe(true);
    expect(canSubstitute('副主任医师', '主治医师')).toBe(false);
  });
  function d(s: string) {
    return parseCivilDate(s);
  }
});
