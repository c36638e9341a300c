/**
 * After the load: count, from the database alone, every way a ticket could have been given twice
 * (`overbooked`) and every booking that breaks a 第十七条 per-patient limit (`limit_violations`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Db } from '../src/platform/db/connect.ts';
import type { AppointmentDb } from '../src/services/appointments/schema.ts';

export interface InvariantReport {
  overbooked: number;
  limitViolations: number;
  detail: Record<string, number>;
}

async function n(k: Kysely<AppointmentDb>, query: RawBuilder<unknown>): Promise<number> {
  const r = (await query.execute(k)) as { rows: { n: number | string | bigint }[] };
  return Number(r.rows[0]?.n ?? 0);
}

const platformBooking = sql`active = 1 and channel <> 'window'`;

export async function checkInvariants(db: Db<AppointmentDb>): Promise<InvariantReport> {
  const k = db.kysely;
  const plus6 = db.engine === 'sqlite' ? sql`date(b1.visit_date, '+6 days')` : sql`to_char(b1.visit_date::date + 6, 'YYYY-MM-DD')`;
  const overbookedParts = {
    // A ticket held by more than one active booking.
    ticketsGivenTwice: await n(k, sql`select count(*) as n from (select ticket_id from appt_bookings where active = 1 group by ticket_id having count(*) > 1) x`),
    // An active booking whose ticket does not point back at it (claimed by another, or never claimed).
    ticketNotPointingBack: await n(k, sql`select count(*) as n from appt_bookings b join appt_tickets t on t.id = b.ticket_id where b.active = 1 and (t.booking_id is null or t.booking_id <> b.id)`),
    // A booking whose slot or number disagrees with its ticket.
    bookingTicketMismatch: await n(k, sql`select count(*) as n from appt_bookings b join appt_tickets t on t.id = b.ticket_id where b.slot_id <> t.slot_id or b.ticket_no <> t.ticket_no`),
    // A slot with more active bookings than tickets.
    slotsOverCapacity: await n(
      k,
      sql`select count(*) as n from (select slot_id, count(*) as c from appt_bookings where active = 1 group by slot_id) b
          join (select slot_id, count(*) as c from appt_tickets group by slot_id) t on t.slot_id = b.slot_id where b.c > t.c`,
    ),
    // A pool below zero: a platform booking that took a ticket from another pool (referral or
    // window) before the 15:00 cutoff returned it, or more active bookings on a pool than it has tickets.
    poolCrossings: await n(
      k,
      sql`select count(*) as n from appt_bookings b join appt_tickets t on t.id = b.ticket_id
          where b.active = 1 and b.channel <> 'window' and t.pool <> case when b.channel = 'referral' then 'referral' else 'appointment' end`,
    ),
    poolsBelowZero: await n(
      k,
      sql`select count(*) as n from (
            select t.slot_id, t.pool, count(*) as tickets, sum(case when b.id is null then 0 else 1 end) as booked
            from appt_tickets t left join appt_bookings b on b.ticket_id = t.id and b.active = 1
            group by t.slot_id, t.pool) x where booked > tickets`,
    ),
  };
  const limitParts = {
    // 第十七条: at most 2 bookings per visit day across the platform.
    overDailyLimit: await n(k, sql`select count(*) as n from (select person_id, visit_date from appt_bookings where ${platformBooking} group by person_id, visit_date having count(*) > 2) x`),
    // 第十七条: at most 1 per institution and department per day.
    overDepartmentDailyLimit: await n(
      k,
      sql`select count(*) as n from (select person_id from appt_bookings where ${platformBooking} group by person_id, visit_date, institution_id, department_id having count(*) > 1) x`,
    ),
    // 第十七条: at most 3 per department within any 7 consecutive days (windows anchored at each booking).
    overDepartmentWeeklyLimit: await n(
      k,
      sql`select count(*) as n from (
            select distinct b1.person_id, b1.institution_id, b1.department_id from (
              select b1.id, b1.person_id, b1.institution_id, b1.department_id
              from appt_bookings b1
              join appt_bookings b2 on b2.person_id = b1.person_id and b2.institution_id = b1.institution_id and b2.department_id = b1.department_id
                and b2.active = 1 and b2.channel <> 'window' and b2.visit_date >= b1.visit_date and b2.visit_date <= ${plus6}
              where b1.active = 1 and b1.channel <> 'window'
              group by b1.id, b1.person_id, b1.institution_id, b1.department_id
              having count(*) > 3) b1) x`,
    ),
  };
  const info = {
    activeBookings: await n(k, sql`select count(*) as n from appt_bookings where active = 1`),
    ticketsHeldByInactiveBooking: await n(k, sql`select count(*) as n from appt_tickets t left join appt_bookings b on b.id = t.booking_id where t.booking_id is not null and (b.id is null or b.active <> 1)`),
    violations: await n(k, sql`select count(*) as n from appt_violations`),
    bans: await n(k, sql`select count(*) as n from appt_bans`),
    outboxMessages: await n(k, sql`select count(*) as n from outbox`),
    auditRows: await n(k, sql`select count(*) as n from audit_log`),
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return { overbooked: sum(overbookedParts), limitViolations: sum(limitParts), detail: { ...overbookedParts, ...limitParts, ...info } };
}

/** Active bookings on the given slots (how many rush tickets were given). */
export async function activeBookingsOn(db: Db<AppointmentDb>, slotIds: readonly number[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < slotIds.length; i += 500) {
    const r = await db.kysely
      .selectFrom('appt_bookings')
      .select((e) => e.fn.countAll().as('n'))
      .where('active', '=', 1)
      .where('slot_id', 'in', slotIds.slice(i, i + 500))
      .executeTakeFirstOrThrow();
    total += Number(r.n);
  }
  return total;
}
