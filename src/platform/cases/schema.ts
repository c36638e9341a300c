import type { Generated } from 'kysely';

/** Case-workflow tables. Dates are civil 'YYYY-MM-DD' (Beijing), instants ISO-8601 UTC, JSON as text. */
export interface CaseTable {
  id: Generated<number>;
  workflow: string;
  reference: string;
  subject_person_id: number | null;
  /** 'open' | 'completed' | 'refused' | 'lapsed' | 'withdrawn' */
  status: string;
  step: string;
  step_entered_on: string;
  step_due_on: string | null;
  /** JSON: { [reviewStepKey]: party[] } chosen when the case was opened. */
  parties: string;
  opened_at: string;
  closed_at: string | null;
  version: number;
}

export interface CaseReviewTable {
  id: Generated<number>;
  case_id: number;
  step: string;
  party: string;
  /** 'pending' | 'approved' | 'refused' | 'referred' */
  verdict: string;
  /** JSON Reason[] */
  reasons: string;
  note: string | null;
  reviewer_id: number | null;
  reviewer_name: string | null;
  decided_at: string | null;
}

export interface CaseEventTable {
  id: Generated<number>;
  case_id: number;
  at: string;
  /** 'opened' | 'step_entered' | 'action' | 'review' | 'closed' */
  kind: string;
  step: string;
  party: string | null;
  actor_name: string;
  actor_role: string;
  /** JSON */
  detail: string;
}

export interface CasePartyMemberTable {
  staff_id: number;
  party: string;
  added_at: string;
}

export interface CaseTables {
  cases: CaseTable;
  case_reviews: CaseReviewTable;
  case_events: CaseEventTable;
  case_party_members: CasePartyMemberTable;
}
