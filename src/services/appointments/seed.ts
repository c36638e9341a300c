import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { addDays, civilDateOf, dayOfWeek } from '../../platform/time/civil.ts';
import { appendAudit, systemActor } from '../../platform/audit/trail.ts';
import type { AppointmentDb } from './schema.ts';
import { requiredSlotMinutes, type InstitutionLevel } from './rules/schedule.ts';
import { doctorTitles } from './rules/stops.ts';
import { seedReferralDemo } from './referrals/seed.ts';

const hospitalDepartments = [
  { name: '心血管内科', category: '内科', base: '内科', code: 'NK01' },
  { name: '内分泌科', category: '内科', base: '内科', code: 'NK02' },
  { name: '普通外科', category: '外科', base: '外科', code: 'WK01' },
  { name: '儿科', category: '儿科', base: '儿科', code: 'EK01' },
  { name: '眼科', category: '五官科', base: '眼科', code: 'YK01' },
  { name: '口腔科', category: '口腔科', base: '口腔科', code: 'KQ01' },
];
const centreDepartments = [{ name: '全科医疗科', category: '全科', base: '全科医疗科', code: 'QK01' }];
const doctorNames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const given = ['建华', '淑芬', '志强', '丽华', '国平', '晓燕', '海涛', '秀英', '立新', '文静', '永刚', '红梅'];

/** 10% referral-reserved, 70% appointment, 20% window (第十条, 第十一条). */
const ticketPools = ['referral', 'appointment', 'appointment', 'appointment', 'appointment', 'appointment', 'appointment', 'appointment', 'window', 'window'];

function minutesToHHmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Demo schedule for the next 14 days: every institution gets departments, doctors of each title
 * and weekday morning sessions, with 10% referral-reserved, 70% appointment and 20% window tickets.
 */
export async function seedAppointmentsDemo(db: Db<AppointmentDb>, clock: Clock, days = 14): Promise<{ institutions: number; doctors: number; tickets: number }> {
  const today = civilDateOf(clock.now());
  const publishedAt = clock.now().toISOString();
  return inTransaction(db, async (trx) => {
    const k = trx as Kysely<AppointmentDb>;
    const orgs = await k.selectFrom('organisations').select(['id', 'kind', 'level']).where('kind', 'in', ['hospital', 'community_health_centre']).orderBy('id').execute();
    let doctors = 0;
    let tickets = 0;
    let n = 0;
    for (const o of orgs) {
      const level = (o.kind === 'hospital' ? o.level : '社区卫生服务中心') as InstitutionLevel;
      const type = o.kind === 'hospital' ? '综合' : '社区';
      const inst = await k
        .insertInto('appt_institutions')
        .values({ organisation_id: o.id, level, type, website: '', introduction: '', directions: '乘坐公交或地铁到达，院内设有西城区预约转诊取号专用窗口。', slot_minutes: o.kind === 'hospital' ? null : 60, referral_share_pct: 10 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const slotMinutes = requiredSlotMinutes({ level, type, configuredSlotMinutes: o.kind === 'hospital' ? null : 60 }) ?? 60;
      const depts = o.kind === 'hospital' ? hospitalDepartments : centreDepartments;
      for (const d of depts) {
        const dept = await k.insertInto('appt_departments').values({ institution_id: inst.id, name: d.name, introduction: '', category: d.category, base_department: d.base, code: d.code }).returning('id').executeTakeFirstOrThrow();
        const titles = o.kind === 'hospital' ? doctorTitles.slice(0, 3) : ['主治医师'];
        for (const title of titles) {
          n++;
          const doctor = await k
            .insertInto('appt_doctors')
            .values({ institution_id: inst.id, department_id: dept.id, name: `${doctorNames[n % doctorNames.length]}${given[n % given.length]}`, staff_number: `D${String(n).padStart(5, '0')}`, licence_number: `1101${String(100000 + n)}`, phone: `139${String(10000000 + n * 7919).slice(-8)}`, specialty: d.name, title, introduction: '' })
            .returning('id')
            .executeTakeFirstOrThrow();
          doctors++;
          // Few round trips per doctor (sessions, slots, tickets each in one statement): the demo
          // is 128k tickets and must seed in seconds on PostgreSQL too.
          const dates = Array.from({ length: days }, (_, i) => addDays(today, i + 1)).filter((date) => dayOfWeek(date) <= 5);
          if (dates.length === 0) continue;
          const sessions = await k
            .insertInto('appt_sessions')
            .values(dates.map((date) => ({ institution_id: inst.id, department_id: dept.id, doctor_id: doctor.id, resource_id: null, title, visit_date: date, status: 'published', published_at: publishedAt, stopped_at: null, stop_reason: null, special_stop: 0 })))
            .returning(['id', 'visit_date'])
            .execute();
          const starts: number[] = [];
          for (let start = 8 * 60; start + slotMinutes <= 11 * 60; start += slotMinutes) starts.push(start);
          const slots = await k
            .insertInto('appt_slots')
            .values(sessions.flatMap((se) => starts.map((start) => ({ session_id: se.id, visit_date: se.visit_date, period_start: minutesToHHmm(start), period_end: minutesToHHmm(start + slotMinutes) }))))
            .returning('id')
            .execute();
          const rows = slots.flatMap((slot) => ticketPools.map((pool, i) => ({ slot_id: slot.id, ticket_no: i + 1, pool, booking_id: null })));
          for (let i = 0; i < rows.length; i += 1000) await k.insertInto('appt_tickets').values(rows.slice(i, i + 1000)).execute();
          tickets += rows.length;
        }
      }
    }
    await seedReferralDemo(k, clock);
    await appendAudit(k, clock, systemActor, { action: 'seed.appointments_demo', entityType: 'platform', entityId: 'appointments', detail: { doctors, tickets } });
    return { institutions: orgs.length, doctors, tickets };
  });
}
