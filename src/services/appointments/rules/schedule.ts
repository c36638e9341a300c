import { allow, reason, refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import { addDays, daysBetween, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from './citations.ts';

export const institutionLevels = ['三级', '二级', '一级', '社区卫生服务中心', '社区卫生服务站'] as const;
export type InstitutionLevel = (typeof institutionLevels)[number];

export interface InstitutionProfile {
  readonly level: InstitutionLevel;
  /** '综合', '专科', '中医' …: 第十条 (四) fixes 1 hour only for 二级综合医院. */
  readonly type: string;
  /** Chosen by institutions the article leaves free (第十条 (四) "根据医院自身条件"). */
  readonly configuredSlotMinutes: number | null;
  /** 第十一条: the share of the appointment pools reserved for community referrals, set by the institution. */
  readonly referralSharePct?: number;
}

/** 第十条 (四): 三级医院 30 minutes; 二级综合医院 1 hour; others as configured. */
export function requiredSlotMinutes(p: InstitutionProfile): number | null {
  if (p.level === '三级') return 30;
  if (p.level === '二级' && p.type === '综合') return 60;
  return p.configuredSlotMinutes;
}

export interface SlotPlan {
  readonly start: string; // 'HH:mm'
  readonly end: string;
  readonly referral: number;
  readonly appointment: number;
  readonly window: number;
}

export interface SessionPlan {
  readonly visitDate: CivilDate;
  readonly slots: readonly SlotPlan[];
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export interface TicketShares {
  readonly total: number;
  readonly appointmentPools: number;
  readonly share: number;
}

export function ticketShares(slots: readonly SlotPlan[]): TicketShares {
  const total = slots.reduce((a, s) => a + s.referral + s.appointment + s.window, 0);
  const appointmentPools = slots.reduce((a, s) => a + s.referral + s.appointment, 0);
  return { total, appointmentPools, share: total === 0 ? 0 : appointmentPools / total };
}

/**
 * 第十一条: at least the institution's share of the session's appointment tickets (referral plus
 * appointment) is reserved for community referrals, rounded down to whole tickets so that a small
 * session is not forced to reserve more than the share.
 */
export function referralReserveRequired(appointmentPools: number, sharePct: number): number {
  return Math.floor((appointmentPools * sharePct) / 100);
}

/**
 * Check a session before publishing: slot length (第十条 (四)), at least 80% of tickets in the
 * appointment pools, referral plus appointment (第十条 (一)), the referral reserve (第十一条),
 * and slots that do not overlap.
 */
export function checkSessionPlan(profile: InstitutionProfile, plan: SessionPlan): Decision<TicketShares> {
  const reasons: Reason[] = [];
  const slotMinutes = requiredSlotMinutes(profile);
  if (plan.slots.length === 0) reasons.push(reason('empty_session', '出诊安排至少包含一个时段', 'A session needs at least one time slot', art.ticketSupply));
  let lastEnd = -1;
  for (const s of plan.slots) {
    const len = minutes(s.end) - minutes(s.start);
    if (len <= 0 || minutes(s.start) < lastEnd) {
      reasons.push(reason('invalid_slot', `时段 ${s.start}–${s.end} 无效或与其他时段重叠`, `Slot ${s.start}–${s.end} is empty or overlaps another`, art.ticketSupply));
    } else if (slotMinutes !== null && len !== slotMinutes) {
      reasons.push(
        reason(
          'slot_length_mismatch',
          `本机构分时段预约应精确到${slotMinutes}分钟，时段 ${s.start}–${s.end} 为${len}分钟`,
          `Slots at this institution must be ${slotMinutes} minutes; ${s.start}–${s.end} is ${len}`,
          art.ticketSupply,
        ),
      );
    }
    if (s.referral + s.appointment + s.window <= 0) reasons.push(reason('empty_slot', `时段 ${s.start} 没有号源`, `Slot ${s.start} has no tickets`, art.ticketSupply));
    lastEnd = Math.max(lastEnd, minutes(s.end));
  }
  const shares = ticketShares(plan.slots);
  if (shares.total > 0 && shares.appointmentPools * 5 < shares.total * 4) {
    reasons.push(
      reason(
        'quota_below_80_percent',
        `用于预约的号源（转诊预留加平台预约）为${(shares.share * 100).toFixed(1)}%，不得低于全部号源的80%`,
        `Only ${(shares.share * 100).toFixed(1)}% of tickets are bookable (referral plus appointment); at least 80% is required`,
        art.ticketSupply,
      ),
    );
  }
  const referral = plan.slots.reduce((a, s) => a + s.referral, 0);
  const required = referralReserveRequired(shares.appointmentPools, profile.referralSharePct ?? 0);
  if (referral < required) {
    reasons.push(
      reason(
        'referral_reserve_below_share',
        `本机构为社区转诊预留${profile.referralSharePct ?? 0}%的预约号源，本次出诊共${shares.appointmentPools}个预约号，应至少预留${required}个，现为${referral}个`,
        `This institution reserves ${profile.referralSharePct ?? 0}% of appointment tickets for community referrals: at least ${required} of this session's ${shares.appointmentPools}, not ${referral}`,
        art.referralReserve,
      ),
    );
  }
  return reasons.length ? refuse(...reasons) : allow(shares);
}

/** 第二十七条: a published schedule is not changed within a week, except through a stop. */
export const freezeDays = 7;

export function checkScheduleChange(today: CivilDate, visitDate: CivilDate): Decision<undefined> {
  if (daysBetween(today, visitDate) < freezeDays) {
    return refuse(
      reason(
        'schedule_frozen',
        `出诊安排一经确定，一周内不作变动；${visitDate}的安排只能通过停诊处理`,
        `A published schedule is not changed within a week; ${visitDate} can only be changed through a stop`,
        art.stops,
      ),
    );
  }
  return allow();
}

/** Publishing for a date in the past makes no sense; far future is allowed (bookable from 14 days before). */
export function checkPublishDate(today: CivilDate, visitDate: CivilDate): Decision<undefined> {
  return visitDate < addDays(today, 1)
    ? refuse(reason('invalid_visit_date', '只能发布明天及以后的出诊安排', 'Only sessions from tomorrow on can be published', art.ticketSupply))
    : allow();
}
