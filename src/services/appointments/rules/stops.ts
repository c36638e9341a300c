import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { daysBetween, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from './citations.ts';

export const doctorTitles = ['主任医师', '副主任医师', '主治医师', '住院医师'] as const;
export type DoctorTitle = (typeof doctorTitles)[number];

/** Higher is more senior. Resources (non-doctor sessions) rank 0 and never substitute for a doctor. */
export function titleRank(title: string): number {
  const i = (doctorTitles as readonly string[]).indexOf(title);
  return i < 0 ? 0 : doctorTitles.length - i;
}

/** 第二十七条 (一): a substitute is of the same or a higher title, in the same department. */
export function canSubstitute(stoppedTitle: string, candidateTitle: string): boolean {
  return titleRank(stoppedTitle) > 0 && titleRank(candidateTitle) >= titleRank(stoppedTitle);
}

export const stopNoticeDays = 2;

/**
 * 第二十七条: stops are entered at least 2 days before the session; a later one is a special stop
 * (二), which needs a recorded reason.
 */
export function classifyStop(today: CivilDate, visitDate: CivilDate, stopReason: string | undefined): Decision<{ special: boolean }> {
  if (visitDate < today) return refuse(reason('session_past', '不能为已过去的出诊停诊', 'A past session cannot be stopped', art.stops));
  const special = daysBetween(today, visitDate) < stopNoticeDays;
  if (special && !stopReason?.trim()) {
    return refuse(reason('special_stop_needs_reason', '停诊应至少提前2天；不足2天的特殊停诊须填写原因', 'Stops are entered at least 2 days ahead; a later (special) stop needs a recorded reason', art.stops));
  }
  return allow({ special });
}
