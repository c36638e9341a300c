/**
 * The non-local document review of 西教发〔2019〕11号 二 as a platform case workflow:
 * online application (二(一)), joint online review by the departments in parallel (二(二)),
 * on-site paper review at the street office (二(三)), then the applicant's confirmation (二(四)).
 * The approval letter is issued when the street office approves, in the same transaction.
 */
import type { WorkflowDefinition } from '../../platform/cases/definition.ts';
import { isDepartment, streetPartyPrefix } from './rules/departments.ts';
import type { EnrollmentYear } from './rules/parameters.ts';
import { timetableEntry } from './rules/timetable.ts';

export const nonLocalWorkflowKey = (year: number) => `enrollment.non_local.${year}`;

export function nonLocalWorkflow(year: EnrollmentYear): WorkflowDefinition {
  const application = timetableEntry(year, 'non_local.application');
  const joint = timetableEntry(year, 'non_local.joint_review');
  const onsite = timetableEntry(year, 'non_local.onsite_review');
  const confirmation = timetableEntry(year, 'non_local.confirmation');
  return {
    key: nonLocalWorkflowKey(year.year),
    label: { zh: '非本市户籍适龄儿童入学证明证件材料审核', en: 'Review of non-local children\'s documents' },
    steps: [
      { kind: 'action', key: 'application', actor: 'subject', label: application.label, citation: application.citation, window: application },
      { kind: 'reviews', key: 'joint_review', label: joint.label, citation: joint.citation, window: joint, acceptsParty: isDepartment },
      { kind: 'reviews', key: 'onsite_review', label: onsite.label, citation: onsite.citation, window: onsite, acceptsParty: (p) => p.startsWith(streetPartyPrefix) },
      // "未在规定时间内…视为…不在西城区": a missed confirmation lapses the case.
      { kind: 'action', key: 'confirmation', actor: 'subject', label: confirmation.label, citation: confirmation.citation, window: confirmation, lapsesAfterWindow: true },
    ],
  };
}
