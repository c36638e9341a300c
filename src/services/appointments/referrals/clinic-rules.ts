import { allow, reason, refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import type { CivilDate } from '../../../platform/time/civil.ts';
import { titleRank } from '../rules/stops.ts';
import { referralArt } from './citations.ts';
import { minimumReasonLength } from './eligibility.ts';

/**
 * 第二十四条 诊间预约: the treating doctor books (一) the patient's follow-up, or (二) a senior doctor of
 * the same department, a related department, or a consultation (会诊).
 */
export const clinicKinds = ['follow_up', 'senior', 'other_department', 'consultation'] as const;
export type ClinicKind = (typeof clinicKinds)[number];

export const clinicKindLabels: Record<ClinicKind, { zh: string; en: string }> = {
  follow_up: { zh: '本人复诊', en: 'Follow-up with me' },
  senior: { zh: '本科室上级医师', en: 'Senior doctor in my department' },
  other_department: { zh: '相关专业科室', en: 'Another department' },
  consultation: { zh: '会诊', en: 'Consultation' },
};

export interface TreatingDoctor {
  readonly doctorId: number;
  readonly institutionId: number;
  readonly departmentId: number;
  readonly title: string;
}

export interface TargetSession {
  readonly doctorId: number | null;
  readonly institutionId: number;
  readonly departmentId: number;
  readonly title: string;
}

/** Whether the chosen session is the kind of booking the doctor says it is (第二十四条 (一)(二)). */
export function checkClinicTarget(kind: ClinicKind, me: TreatingDoctor, target: TargetSession): Decision<undefined> {
  const wrong = (zh: string, en: string) => refuse(reason('clinic_target_mismatch', zh, en, referralArt.clinicBooking));
  if (target.institutionId !== me.institutionId) return wrong('诊间预约只能预约本院号源', 'In-clinic booking is for this institution’s tickets');
  if (target.doctorId === null) return wrong('诊间预约须选择医师出诊号源', 'In-clinic booking needs a doctor’s session');
  switch (kind) {
    case 'follow_up':
      return target.doctorId === me.doctorId ? allow() : wrong('复诊应预约您本人的号源', 'A follow-up is booked with yourself');
    case 'senior':
      return target.departmentId === me.departmentId && titleRank(target.title) > titleRank(me.title)
        ? allow()
        : wrong('上级医师号源应为本科室、职称高于您的医师', 'A senior doctor is in your department with a higher title than yours');
    case 'other_department':
      return target.departmentId !== me.departmentId ? allow() : wrong('请选择其他专业科室的号源', 'Choose a session in another department');
    case 'consultation':
      return target.doctorId !== me.doctorId ? allow() : wrong('会诊应预约其他医师', 'A consultation is with another doctor');
  }
}

/**
 * The rules a treating doctor may override, with a recorded reason. Only the 15:00 cutoff of 第十七条:
 * a follow-up decided in an afternoon clinic for tomorrow is clinical need, not a late booking. The
 * per-patient limits, the ban and the ticket count are never overridden.
 */
export const clinicOverridable = ['booking_closed'] as const;
export type ClinicOverride = (typeof clinicOverridable)[number];

export function mayOverride(refusal: readonly Reason[], override: { code: string; reason: string } | undefined, today: CivilDate, visitDate: CivilDate): Decision<{ code: ClinicOverride; reason: string }> {
  const first = refusal[0];
  if (!first || !(clinicOverridable as readonly string[]).includes(first.code) || override?.code !== first.code) return refuse(...refusal);
  // Same-day visits are the window's (第十七条); the override is for later days only.
  if (visitDate <= today) return refuse(...refusal);
  if (override.reason.trim().length < minimumReasonLength) {
    return refuse(reason('override_needs_reason', '超出预约规则办理诊间预约须填写原因', 'Overriding a booking rule from the clinic needs a recorded reason', referralArt.clinicBooking));
  }
  return allow({ code: first.code as ClinicOverride, reason: override.reason.trim() });
}
