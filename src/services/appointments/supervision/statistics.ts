import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, dayOfWeek, daysBetween, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookingCutoff } from '../rules/booking.ts';
import { referralWindowDays } from '../referrals/eligibility.ts';

type K = Kysely<AppointmentDb>;

/**
 * Operator statistics of the platform (西卫〔2019〕5号 第六条 (三) 采集分析, 第七条 评估, 第十三条 定期开展
 * 服务情况分析与评估). Tickets and bookings count by visit day, referrals by the day they were made.
 */
export const granularities = ['day', 'week', 'month'] as const;
export type Granularity = (typeof granularities)[number];

/** day: the date; week: its Monday; month: 'YYYY-MM'. */
export function bucketOf(date: CivilDate, g: Granularity): string {
  if (g === 'day') return date;
  if (g === 'week') return addDays(date, 1 - dayOfWeek(date));
  return date.slice(0, 7);
}

export function bucketsBetween(from: CivilDate, to: CivilDate, g: Granularity): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const b = bucketOf(d, g);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

/** The last day of a bucket (within the queried range). */
function bucketEnd(bucket: string, g: Granularity, to: CivilDate): CivilDate {
  let end: CivilDate;
  if (g === 'day') end = bucket as CivilDate;
  else if (g === 'week') end = addDays(bucket as CivilDate, 6);
  else {
    const [y, m] = bucket.split('-').map(Number);
    end = addDays(`${m === 12 ? (y ?? 0) + 1 : y}-${String(m === 12 ? 1 : (m ?? 0) + 1).padStart(2, '0')}-01` as CivilDate, -1);
  }
  return end < to ? end : to;
}

export interface StatisticsRow {
  bucket: string;
  /** 第十条 (一): tickets published, and those in the appointment pools (referral + appointment). */
  ticketsTotal: number;
  ticketsOffered: number;
  offeredShare: number | null;
  /** Platform bookings (every channel but the window) for visits in the bucket. */
  bookings: number;
  /** Bookings that held their ticket (booked, checked in, or missed) per offered ticket. */
  bookingRate: number | null;
  attended: number;
  noShows: number;
  /** 第三十二条: missed visits among the settled ones (checked in + missed). */
  noShowRate: number | null;
  cancellations: number;
  cancellationRate: number | null;
  /** 第二十条, 第二十八条: referrals made in the bucket, up and down. */
  referralsUp: number;
  referralsDown: number;
  /** 第二十一条 (三): up referrals for the four chronic diseases. */
  chronicFocusReferrals: number;
  /** Up referrals booked within 3 days, and seen (checked in) within 3 days (第二十条). */
  referralsBookedWithin3Days: number;
  referralsSeenWithin3Days: number;
  seenWithin3DaysShare: number | null;
  /** 第十七条: platform tickets that went back to the window at the 15:00 cutoff (days whose cutoff passed). */
  cutoffReturned: number;
  /** 第三十二条, 第六条 (三): people on the violation list at the end of the bucket. */
  violationListSize: number;
}

export interface InstitutionShareRow {
  bucket: string;
  institutionId: number;
  institution: string;
  ticketsTotal: number;
  ticketsOffered: number;
  offeredShare: number | null;
}

export interface Statistics {
  from: CivilDate;
  to: CivilDate;
  granularity: Granularity;
  institutionId: number | null;
  rows: StatisticsRow[];
  institutions: InstitutionShareRow[];
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

function emptyRow(bucket: string): StatisticsRow {
  return {
    bucket, ticketsTotal: 0, ticketsOffered: 0, offeredShare: null, bookings: 0, bookingRate: null, attended: 0, noShows: 0, noShowRate: null, cancellations: 0, cancellationRate: null,
    referralsUp: 0, referralsDown: 0, chronicFocusReferrals: 0, referralsBookedWithin3Days: 0, referralsSeenWithin3Days: 0, seenWithin3DaysShare: null, cutoffReturned: 0, violationListSize: 0,
  };
}

/**
 * Tickets that no platform booking held at the 15:00 cutoff of one visit day (第十七条 剩余资源应立即
 * 返回): pools are derived from the clock, so this is computed from the bookings' history (created
 * before the cutoff and not cancelled before it), not from a snapshot. Sessions stopped or withdrawn
 * are left out: their tickets were never returned to a window.
 */
export async function cutoffReturns(k: K, visitDate: CivilDate, institutionId?: number): Promise<number> {
  const cutoff = bookingCutoff(visitDate).toISOString();
  const r = await k
    .selectFrom('appt_tickets as t')
    .innerJoin('appt_slots as sl', 'sl.id', 't.slot_id')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('sl.visit_date', '=', visitDate)
    .where('se.status', '=', 'published')
    .$if(institutionId !== undefined, (q) => q.where('se.institution_id', '=', institutionId ?? 0))
    .where('t.pool', 'in', ['referral', 'appointment'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('appt_bookings as b')
            .select('b.id')
            .whereRef('b.ticket_id', '=', 't.id')
            .where('b.channel', '<>', 'window')
            .where('b.created_at', '<', cutoff)
            .where((e) => e.or([e('b.cancelled_at', 'is', null), e('b.cancelled_at', '>=', cutoff)])),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Platform-wide, or one institution's (the monthly assessment of 第二十九条); the violation list is always platform-wide. */
export async function appointmentStatistics(k: K, clock: Clock, q: { from: CivilDate; to: CivilDate; granularity: Granularity; institutionId?: number | undefined }): Promise<Statistics> {
  const { from, to, granularity: g, institutionId } = q;
  const only = institutionId !== undefined;
  const institutionOrg = only ? Number((await k.selectFrom('appt_institutions').select('organisation_id').where('id', '=', institutionId).executeTakeFirst())?.organisation_id ?? -1) : -1;
  const now = clock.now();
  const today = civilDateOf(now);
  const rows = new Map(bucketsBetween(from, to, g).map((b) => [b, emptyRow(b)]));
  const row = (d: CivilDate) => rows.get(bucketOf(d, g));

  const tickets = await k
    .selectFrom('appt_tickets as t')
    .innerJoin('appt_slots as sl', 'sl.id', 't.slot_id')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select(['sl.visit_date', 'se.institution_id', 'o.name', 't.pool', (e) => e.fn.countAll<number>().as('n')])
    .where('sl.visit_date', '>=', from)
    .where('sl.visit_date', '<=', to)
    .where('se.status', '<>', 'withdrawn')
    .$if(only, (x) => x.where('se.institution_id', '=', institutionId ?? 0))
    .groupBy(['sl.visit_date', 'se.institution_id', 'o.name', 't.pool'])
    .execute();
  const perInstitution = new Map<string, InstitutionShareRow>();
  for (const t of tickets) {
    const n = Number(t.n);
    const offered = t.pool === 'window' ? 0 : n;
    const r = row(t.visit_date as CivilDate);
    if (r) {
      r.ticketsTotal += n;
      r.ticketsOffered += offered;
    }
    const bucket = bucketOf(t.visit_date as CivilDate, g);
    const key = `${bucket}|${t.institution_id}`;
    const ir = perInstitution.get(key) ?? { bucket, institutionId: Number(t.institution_id), institution: t.name, ticketsTotal: 0, ticketsOffered: 0, offeredShare: null };
    ir.ticketsTotal += n;
    ir.ticketsOffered += offered;
    perInstitution.set(key, ir);
  }

  const bookings = await k
    .selectFrom('appt_bookings')
    .select(['visit_date', 'status', (e) => e.fn.countAll<number>().as('n')])
    .where('visit_date', '>=', from)
    .where('visit_date', '<=', to)
    .where('channel', '<>', 'window')
    .$if(only, (x) => x.where('institution_id', '=', institutionId ?? 0))
    .groupBy(['visit_date', 'status'])
    .execute();
  const stopPending = new Map<string, number>();
  for (const b of bookings) {
    const r = row(b.visit_date as CivilDate);
    if (!r) continue;
    const n = Number(b.n);
    if (b.status === 'stop_pending') stopPending.set(r.bucket, (stopPending.get(r.bucket) ?? 0) + n);
    r.bookings += n;
    if (b.status === 'checked_in') r.attended += n;
    if (b.status === 'no_show') r.noShows += n;
    if (b.status === 'cancelled') r.cancellations += n;
  }

  const referrals = await k
    .selectFrom('appt_referrals as r')
    .leftJoin('appt_bookings as b', 'b.id', 'r.booking_id')
    .select(['r.direction', 'r.created_at', 'r.chronic_focus', 'r.visit_date', 'b.status as booking_status'])
    .where('r.created_at', '>=', instantAt(from, '00:00').toISOString())
    .where('r.created_at', '<', instantAt(addDays(to, 1), '00:00').toISOString())
    .$if(only, (x) => x.where((e) => e.or([e('r.to_institution_id', '=', institutionId ?? 0), e.and([e('r.direction', '=', 'down'), e('r.from_organisation_id', '=', institutionOrg)])])))
    .execute();
  for (const x of referrals) {
    const made = civilDateOf(new Date(x.created_at));
    const r = row(made);
    if (!r) continue;
    if (x.direction === 'down') {
      r.referralsDown++;
      continue;
    }
    r.referralsUp++;
    if (Number(x.chronic_focus) === 1) r.chronicFocusReferrals++;
    const within = x.visit_date !== null && daysBetween(made, x.visit_date as CivilDate) <= referralWindowDays;
    if (within) r.referralsBookedWithin3Days++;
    if (within && x.booking_status === 'checked_in') r.referralsSeenWithin3Days++;
  }

  // One query per visit day whose cutoff has passed; a range is at most about a year of days.
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (bookingCutoff(d).getTime() > now.getTime()) break;
    const r = row(d);
    if (r) r.cutoffReturned += await cutoffReturns(k, d, institutionId);
  }

  const bans = await k.selectFrom('appt_bans').select(['person_id', 'listed_on', 'ends_on']).where('listed_on', '<=', to).where('ends_on', '>', from).execute();
  for (const r of rows.values()) {
    const end = bucketEnd(r.bucket, g, to);
    const at = end < today ? end : today;
    r.violationListSize = new Set(bans.filter((b) => b.listed_on <= at && b.ends_on > at).map((b) => Number(b.person_id))).size;
    // Bookings that still hold (or held) their ticket: not cancelled, not waiting on a stop (第二十七条).
    const holding = r.bookings - r.cancellations - (stopPending.get(r.bucket) ?? 0);
    r.offeredShare = ratio(r.ticketsOffered, r.ticketsTotal);
    r.bookingRate = ratio(holding, r.ticketsOffered);
    r.noShowRate = ratio(r.noShows, r.noShows + r.attended);
    r.cancellationRate = ratio(r.cancellations, r.bookings);
    r.seenWithin3DaysShare = ratio(r.referralsSeenWithin3Days, r.referralsUp);
  }
  const institutions = [...perInstitution.values()].map((i) => ({ ...i, offeredShare: ratio(i.ticketsOffered, i.ticketsTotal) })).sort((a, b) => a.bucket.localeCompare(b.bucket) || a.institutionId - b.institutionId);
  return { from, to, granularity: g, institutionId: institutionId ?? null, rows: [...rows.values()], institutions };
}

/** Rows for a CSV export: one per bucket, the columns in a fixed order. */
export const statisticsColumns: readonly (keyof StatisticsRow)[] = [
  'bucket', 'ticketsTotal', 'ticketsOffered', 'offeredShare', 'bookings', 'bookingRate', 'attended', 'noShows', 'noShowRate', 'cancellations', 'cancellationRate',
  'referralsUp', 'referralsDown', 'chronicFocusReferrals', 'referralsBookedWithin3Days', 'referralsSeenWithin3Days', 'seenWithin3DaysShare', 'cutoffReturned', 'violationListSize',
];

