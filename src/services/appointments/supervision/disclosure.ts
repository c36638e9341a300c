import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { requiredSlotMinutes, type InstitutionLevel } from '../rules/schedule.ts';

type K = Kysely<AppointmentDb>;

/**
 * 社会公示 (西卫〔2019〕5号 第六条 (三)): each institution's compliance with 第十条 (一) (at least 80% of
 * tickets bookable), 第十条 (四) (30-minute slots at 三级, 1-hour at 二级综合) and its stop rate
 * (第二十七条). Aggregates only: no person, no doctor (第九条) appears.
 */
export interface DisclosureRow {
  institutionId: number;
  institution: string;
  shortName: string;
  level: string;
  sessions: number;
  /** Sessions whose bookable share (referral + appointment) is below 80%. */
  sessionsBelow80: number;
  offeredShare: number | null;
  meets80: boolean | null;
  /** Minutes 第十条 (四) fixes for this institution, or null where the institution chooses. */
  requiredSlotMinutes: number | null;
  slots: number;
  slotsOfRequiredLength: number;
  slotRuleShare: number | null;
  meetsSlotRule: boolean | null;
  stopped: number;
  specialStops: number;
  stopRate: number | null;
}

export interface Disclosure {
  from: CivilDate;
  to: CivilDate;
  rows: DisclosureRow[];
}

const share = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export const disclosurePastDays = 30;
export const disclosureFutureDays = 14;

/** The public window: the last 30 days and the published next 14. */
export async function appointmentDisclosure(k: K, clock: Clock): Promise<Disclosure> {
  const today = civilDateOf(clock.now());
  return complianceBetween(k, addDays(today, -disclosurePastDays), addDays(today, disclosureFutureDays));
}

/** Compliance by institution for sessions with visit days in [from, to] (also the monthly report of 第二十九条). */
export async function complianceBetween(k: K, from: CivilDate, to: CivilDate, institutionId?: number): Promise<Disclosure> {
  let iq = k
    .selectFrom('appt_institutions as i')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select(['i.id', 'o.name', 'o.short_name', 'i.level', 'i.type', 'i.slot_minutes'])
    .orderBy('i.id');
  if (institutionId !== undefined) iq = iq.where('i.id', '=', institutionId);
  const insts = await iq.execute();
  const sessions = await k
    .selectFrom('appt_sessions as se')
    .innerJoin('appt_slots as sl', 'sl.session_id', 'se.id')
    .innerJoin('appt_tickets as t', 't.slot_id', 'sl.id')
    .select([
      'se.id', 'se.institution_id', 'se.status', 'se.special_stop',
      (e) => e.fn.countAll<number>().as('total'),
      (e) => e.fn.sum<number>(e.case().when('t.pool', '<>', 'window').then(1).else(0).end()).as('offered'),
    ])
    .where('se.visit_date', '>=', from)
    .where('se.visit_date', '<=', to)
    .where('se.status', '<>', 'withdrawn')
    .$if(institutionId !== undefined, (q) => q.where('se.institution_id', '=', institutionId ?? 0))
    .groupBy(['se.id', 'se.institution_id', 'se.status', 'se.special_stop'])
    .execute();
  const slots = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .select(['se.institution_id', 'sl.period_start', 'sl.period_end', (e) => e.fn.countAll<number>().as('n')])
    .where('se.visit_date', '>=', from)
    .where('se.visit_date', '<=', to)
    .where('se.status', '<>', 'withdrawn')
    .$if(institutionId !== undefined, (q) => q.where('se.institution_id', '=', institutionId ?? 0))
    .groupBy(['se.institution_id', 'sl.period_start', 'sl.period_end'])
    .execute();
  const rows = insts.map((i): DisclosureRow => {
    const id = Number(i.id);
    const mine = sessions.filter((s) => Number(s.institution_id) === id);
    const total = mine.reduce((a, s) => a + Number(s.total), 0);
    const offered = mine.reduce((a, s) => a + Number(s.offered), 0);
    const below = mine.filter((s) => Number(s.offered) * 5 < Number(s.total) * 4).length;
    const required = requiredSlotMinutes({ level: i.level as InstitutionLevel, type: i.type, configuredSlotMinutes: i.slot_minutes });
    const mySlots = slots.filter((s) => Number(s.institution_id) === id);
    const slotCount = mySlots.reduce((a, s) => a + Number(s.n), 0);
    const fixedByLaw = i.level === '三级' || (i.level === '二级' && i.type === '综合');
    const lawMinutes = fixedByLaw ? required : null;
    const ofLength = lawMinutes === null ? slotCount : mySlots.filter((s) => minutes(s.period_end) - minutes(s.period_start) === lawMinutes).reduce((a, s) => a + Number(s.n), 0);
    const stopped = mine.filter((s) => s.status === 'stopped');
    return {
      institutionId: id,
      institution: i.name,
      shortName: i.short_name,
      level: i.level,
      sessions: mine.length,
      sessionsBelow80: below,
      offeredShare: share(offered, total),
      meets80: mine.length ? below === 0 : null,
      requiredSlotMinutes: lawMinutes,
      slots: slotCount,
      slotsOfRequiredLength: ofLength,
      slotRuleShare: lawMinutes === null ? null : share(ofLength, slotCount),
      meetsSlotRule: lawMinutes === null || slotCount === 0 ? null : ofLength === slotCount,
      stopped: stopped.length,
      specialStops: stopped.filter((s) => Number(s.special_stop) === 1).length,
      stopRate: share(stopped.length, mine.length),
    };
  });
  return { from, to, rows };
}
