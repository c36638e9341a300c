import type { Kysely } from 'kysely';
import { civilDateOf } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { referredByText, slipNumber, type ReferralSlipExtra } from './templates.ts';

/**
 * The referral (预约转诊单, 第十八条) a booking was made for, if any, with the slip its confirmation
 * carries. Used when the booking is replaced by another (a move after a stop, 第二十七条).
 */
export async function referralSlipOfBooking(k: Kysely<AppointmentDb>, bookingId: number): Promise<ReferralSlipExtra | undefined> {
  const r = await k
    .selectFrom('appt_referrals as r')
    .innerJoin('staff as s', 's.id', 'r.requester_staff_id')
    .leftJoin('organisations as o', 'o.id', 's.organisation_id')
    .select(['r.id', 'r.created_at', 's.display_name', 'o.name as organisation'])
    .where('r.booking_id', '=', bookingId)
    .executeTakeFirst();
  return r ? { slipNo: slipNumber(Number(r.id), civilDateOf(new Date(r.created_at))), referredBy: referredByText(r.organisation ?? null, r.display_name) } : undefined;
}

/** The referral and the in-clinic record follow a booking to its replacement (referral window check-in, the centre's cancel). */
export async function followReplacedBooking(k: Kysely<AppointmentDb>, from: number, to: number): Promise<void> {
  await k.updateTable('appt_referrals').set({ booking_id: to }).where('booking_id', '=', from).execute();
  await k.updateTable('appt_clinic_bookings').set({ booking_id: to }).where('booking_id', '=', from).execute();
}
