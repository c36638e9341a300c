import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { addDays, civilDateOf, daysBetween, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from './citations.ts';

/**
 * Booking channels (第四条, 第三十三条). All but 'window' book the platform's pools before the
 * 15:00 cutoff; 'window' is same-day registration at the hospital from the window pool.
 */
export const channels = ['web', 'phone', 'onsite', 'clinic', 'referral', 'window'] as const;
export type Channel = (typeof channels)[number];
export type Pool = 'referral' | 'appointment' | 'window';

export const bookingHorizonDays = 14;
export const cutoffTime = '15:00';

/** 第十七条: booking for a visit day closes at 15:00 the day before. */
export function bookingCutoff(visitDate: CivilDate): Date {
  return instantAt(addDays(visitDate, -1), cutoffTime);
}

/** After the cutoff every unbooked platform ticket belongs to the window (第十七条 剩余资源应立即返回). */
export function effectivePool(pool: Pool, now: Date, visitDate: CivilDate): Pool {
  return pool !== 'window' && now.getTime() >= bookingCutoff(visitDate).getTime() ? 'window' : pool;
}

/** Which pool a channel draws from. */
export function poolForChannel(channel: Channel): Pool {
  if (channel === 'referral') return 'referral';
  if (channel === 'window') return 'window';
  return 'appointment';
}

export function checkBookingTime(now: Date, visitDate: CivilDate, slotEnd: string, channel: Channel): Decision<undefined> {
  const today = civilDateOf(now);
  if (channel === 'window') {
    // Same-day registration: on the visit day, until the slot ends.
    if (visitDate !== today || now.getTime() >= instantAt(visitDate, slotEnd).getTime()) {
      return refuse(reason('outside_booking_window', '窗口挂号仅限就诊当日、该时段结束前办理', 'Window registration is for the visit day, before the slot ends', art.windowAndLimits));
    }
    return allow();
  }
  if (daysBetween(today, visitDate) > bookingHorizonDays || visitDate < today) {
    return refuse(
      reason('outside_booking_window', `平台提供两周以内的预约，可预约至${addDays(today, bookingHorizonDays)}`, `The platform books up to two weeks ahead (until ${addDays(today, bookingHorizonDays)})`, art.windowAndLimits),
    );
  }
  if (now.getTime() >= bookingCutoff(visitDate).getTime()) {
    return refuse(
      reason('booking_closed', `预约截止时间为就诊前一日15时，${visitDate}的预约已截止`, `Booking closes at 15:00 the day before the visit; booking for ${visitDate} has closed`, art.windowAndLimits),
    );
  }
  return allow();
}

export interface HeldBooking {
  readonly visitDate: CivilDate;
  readonly institutionId: number;
  readonly departmentId: number;
}

export interface BookingTarget extends HeldBooking {}

export const maxPerDay = 2;
export const maxPerDepartmentPerWeek = 3;

/**
 * 第十七条 (一)(二): per patient, at most 2 bookings a visit day, 1 per institution and
 * department a day, and 3 per department within any 7 consecutive days.
 */
export function checkPatientLimits(held: readonly HeldBooking[], target: BookingTarget): Decision<undefined> {
  const sameDept = (b: HeldBooking) => b.institutionId === target.institutionId && b.departmentId === target.departmentId;
  const sameDay = held.filter((b) => b.visitDate === target.visitDate);
  if (sameDay.some(sameDept)) {
    return refuse(reason('department_daily_limit_exceeded', '同一就诊日在同一医疗机构的同一科室只能预约1次', 'Only one booking per institution and department per visit day', art.windowAndLimits));
  }
  if (sameDay.length >= maxPerDay) {
    return refuse(reason('daily_limit_exceeded', '同一就诊日的预约总量不得超过2次', 'At most 2 bookings per visit day', art.windowAndLimits));
  }
  const deptDays = held.filter(sameDept).map((b) => b.visitDate);
  for (let offset = -6; offset <= 0; offset++) {
    const start = addDays(target.visitDate, offset);
    const end = addDays(start, 6);
    const inWindow = deptDays.filter((d) => d >= start && d <= end).length;
    if (inWindow + 1 > maxPerDepartmentPerWeek) {
      return refuse(
        reason('department_weekly_limit_exceeded', `同一科室连续七日内的预约总量不得超过3次（${start}至${end}）`, `At most 3 bookings in one department within 7 consecutive days (${start} to ${end})`, art.windowAndLimits),
      );
    }
  }
  return allow();
}

/** 第二十五条: cancel by the end of the day before the visit. */
export function checkCancellation(now: Date, visitDate: CivilDate): Decision<undefined> {
  return now.getTime() < instantAt(visitDate, '00:00').getTime()
    ? allow()
    : refuse(reason('cancel_too_late', '应在预约就诊时间前一天取消预约，现已超过取消期限', 'Bookings must be cancelled by the day before the visit; it is too late now', art.cancellation));
}

/** 第二十六条: check in during the booked period, with the document used to book. */
export function checkCheckIn(
  now: Date,
  booking: { visitDate: CivilDate; periodStart: string; periodEnd: string; docType: string; docNumber: string },
  presented: { docType: string; docNumber: string },
): Decision<undefined> {
  if (presented.docType !== booking.docType || presented.docNumber !== booking.docNumber) {
    return refuse(reason('identity_mismatch', '请使用预约时使用的身份证件取号', 'Please check in with the ID document used to book', art.checkIn));
  }
  const t = now.getTime();
  if (t < instantAt(booking.visitDate, booking.periodStart).getTime() || t >= instantAt(booking.visitDate, booking.periodEnd).getTime()) {
    return refuse(
      reason('not_in_period', `请在预约就诊时段（${booking.visitDate} ${booking.periodStart}–${booking.periodEnd}）内取号`, `Check in during the booked period (${booking.visitDate} ${booking.periodStart}–${booking.periodEnd})`, art.checkIn),
    );
  }
  return allow();
}

/** The contact data 第十六条 requires: the patient's; and the booker's when someone else books. */
export function checkRequiredData(d: { patientName: string; patientPhone: string; bookerIsPatient: boolean; bookerName?: string | undefined; bookerPhone?: string | undefined }): Decision<undefined> {
  const missing: string[] = [];
  if (!d.patientName.trim()) missing.push('patientName');
  if (!/^1\d{10}$/.test(d.patientPhone) && !/^0\d{2,3}-?\d{7,8}$/.test(d.patientPhone)) missing.push('patientPhone');
  if (!d.bookerIsPatient) {
    if (!d.bookerName?.trim()) missing.push('bookerName');
    if (!d.bookerPhone || !/^1\d{10}$/.test(d.bookerPhone)) missing.push('bookerPhone');
  }
  return missing.length
    ? refuse(reason('missing_required_data', `预约信息不完整：${missing.join('、')}`, `Booking data is incomplete: ${missing.join(', ')}`, art.requiredData))
    : allow();
}
