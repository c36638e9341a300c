/**
 * A case workflow as data: ordered steps, each either an action (someone does one thing: submit,
 * confirm) or parallel reviews (several parties decide independently; the step completes when all
 * have). Steps may carry a date window and a working-day deadline. Services define workflows;
 * the store (store.ts) runs them with the same rules for every service.
 */
import type { Citation, LocalizedText } from '../law/decision.ts';
import type { DateWindow } from './window.ts';

export interface ActionStep {
  readonly kind: 'action';
  readonly key: string;
  readonly label: LocalizedText;
  readonly citation: Citation;
  /** Who acts: the case's subject (an applicant) or staff. */
  readonly actor: 'subject' | 'staff';
  readonly window?: DateWindow | undefined;
  /** When the window has ended with the case still here, the case lapses (the applicant's duty was missed). */
  readonly lapsesAfterWindow?: boolean | undefined;
  readonly dueWorkdays?: number | undefined;
}

export interface ReviewStep {
  readonly kind: 'reviews';
  readonly key: string;
  readonly label: LocalizedText;
  readonly citation: Citation;
  /** Which parties may be asked; a case names its own subset when opened. */
  readonly acceptsParty: (party: string) => boolean;
  readonly window?: DateWindow | undefined;
  /** Working days (民法典 第二百零一条: the entry day not counted) the parties have; overdue steps are listed, not closed. */
  readonly dueWorkdays?: number | undefined;
}

export type StepDefinition = ActionStep | ReviewStep;

export interface WorkflowDefinition {
  /** Stable key stored with every case: 'enrollment.non_local_review'. */
  readonly key: string;
  readonly label: LocalizedText;
  /** The first step is an action by the subject: opening the case is taking it. */
  readonly steps: readonly StepDefinition[];
}

export type Verdict = 'approved' | 'refused' | 'referred';
export const verdicts: readonly Verdict[] = ['approved', 'refused', 'referred'];

export function stepOf(def: WorkflowDefinition, key: string): StepDefinition | undefined {
  return def.steps.find((s) => s.key === key);
}

/** Structural checks a workflow must pass before it runs (tests call this on every definition). */
export function validateWorkflow(def: WorkflowDefinition): string[] {
  const problems: string[] = [];
  const first = def.steps[0];
  if (!first) return ['a workflow needs at least one step'];
  if (first.kind !== 'action' || first.actor !== 'subject') problems.push('the first step must be an action by the subject');
  const keys = new Set<string>();
  for (const s of def.steps) {
    if (keys.has(s.key)) problems.push(`step ${s.key} is defined twice`);
    keys.add(s.key);
    if (s.dueWorkdays !== undefined && (!Number.isInteger(s.dueWorkdays) || s.dueWorkdays < 1)) problems.push(`step ${s.key}: dueWorkdays must be a positive integer`);
    if (s.window?.from !== undefined && s.window.from > s.window.to) problems.push(`step ${s.key}: window ends before it starts`);
  }
  return problems;
}
