import type { Kysely } from 'kysely';
import { addDays, civilDateOf, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';

type K = Kysely<AppointmentDb>;

/**
 * 第三十一条 医务人员利用工作之便扰乱正常预约诊疗秩序: who booked, cancelled or overrode what, per staff
 * account, with flags for patterns that deserve a look. The flags are leads for a human, not findings:
 * - clinic_booking_without_visit: an in-clinic booking (第二十四条) for a person who was not seen at
 *   that institution that day: the treating doctor booked for someone they did not treat;
 * - many_people_one_day: one account booked for many different people in one day through a channel
 *   that is not a booking desk's (the phone centre and the window book for strangers by design).
 */
export const manyPeopleThreshold = 20;
export const clinicWithoutVisitThreshold = 3;
const deskChannels = new Set(['phone', 'window', 'onsite']);

export interface StaffActivityRow {
  staffId: number;
  name: string;
  role: string;
  organisation: string | null;
  bookings: number;
  distinctPeople: number;
  busiestDayPeople: number;
  cancellations: number;
  overrides: number;
  clinicWithoutVisit: number;
  flags: string[];
}

export async function staffActivity(k: K, from: CivilDate, to: CivilDate): Promise<StaffActivityRow[]> {
  const start = instantAt(from, '00:00').toISOString();
  const end = instantAt(addDays(to, 1), '00:00').toISOString();
  const bookings = await k
    .selectFrom('appt_bookings as b')
    .leftJoin('appt_clinic_bookings as c', 'c.booking_id', 'b.id')
    .select(['b.id', 'b.created_by', 'b.created_at', 'b.person_id', 'b.channel', 'b.institution_id', 'c.override_code'])
    .where('b.created_at', '>=', start)
    .where('b.created_at', '<', end)
    .where('b.created_by', 'like', 'staff:%')
    .execute();
  const cancels = await k
    .selectFrom('audit_log')
    .select(['actor_id', (e) => e.fn.countAll<number>().as('n')])
    .where('at', '>=', start)
    .where('at', '<', end)
    .where('actor_kind', '=', 'staff')
    .where('action', 'in', ['booking.cancel', 'referral.cancel'])
    .groupBy('actor_id')
    .execute();
  // Who was seen where and when: checked-in bookings, by person, institution and day.
  const clinic = bookings.filter((b) => b.channel === 'clinic');
  const seen = new Set<string>();
  if (clinic.length) {
    const visits = await k
      .selectFrom('appt_bookings')
      .select(['person_id', 'institution_id', 'visit_date'])
      .where('status', '=', 'checked_in')
      .where('person_id', 'in', [...new Set(clinic.map((b) => Number(b.person_id)))])
      .where('visit_date', '>=', from)
      .where('visit_date', '<=', to)
      .execute();
    for (const v of visits) seen.add(`${v.person_id}|${v.institution_id}|${v.visit_date}`);
  }
  const byStaff = new Map<number, { people: Set<number>; perDay: Map<string, Set<number>>; bookings: number; overrides: number; clinicWithoutVisit: number }>();
  for (const b of bookings) {
    const staffId = Number(b.created_by.slice('staff:'.length));
    if (!Number.isInteger(staffId)) continue;
    const e = byStaff.get(staffId) ?? { people: new Set(), perDay: new Map(), bookings: 0, overrides: 0, clinicWithoutVisit: 0 };
    const day = civilDateOf(new Date(b.created_at));
    e.bookings++;
    e.people.add(Number(b.person_id));
    if (!deskChannels.has(b.channel)) {
      const set = e.perDay.get(day) ?? new Set<number>();
      set.add(Number(b.person_id));
      e.perDay.set(day, set);
    }
    if (b.override_code) e.overrides++;
    if (b.channel === 'clinic' && !seen.has(`${b.person_id}|${b.institution_id}|${day}`)) e.clinicWithoutVisit++;
    byStaff.set(staffId, e);
  }
  for (const c of cancels) if (c.actor_id !== null && !byStaff.has(Number(c.actor_id))) byStaff.set(Number(c.actor_id), { people: new Set(), perDay: new Map(), bookings: 0, overrides: 0, clinicWithoutVisit: 0 });
  if (byStaff.size === 0) return [];
  const staff = await k
    .selectFrom('staff as s')
    .leftJoin('organisations as o', 'o.id', 's.organisation_id')
    .select(['s.id', 's.display_name', 's.role', 'o.name as organisation'])
    .where('s.id', 'in', [...byStaff.keys()])
    .execute();
  return staff
    .map((s) => {
      const e = byStaff.get(Number(s.id))!;
      const busiest = Math.max(0, ...[...e.perDay.values()].map((x) => x.size));
      const flags: string[] = [];
      if (e.clinicWithoutVisit >= clinicWithoutVisitThreshold) flags.push('clinic_booking_without_visit');
      if (busiest >= manyPeopleThreshold) flags.push('many_people_one_day');
      return {
        staffId: Number(s.id),
        name: s.display_name,
        role: s.role,
        organisation: s.organisation ?? null,
        bookings: e.bookings,
        distinctPeople: e.people.size,
        busiestDayPeople: busiest,
        cancellations: Number(cancels.find((c) => Number(c.actor_id) === Number(s.id))?.n ?? 0),
        overrides: e.overrides,
        clinicWithoutVisit: e.clinicWithoutVisit,
        flags,
      };
    })
    .sort((a, b) => b.flags.length - a.flags.length || b.bookings - a.bookings);
}
