import type { Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { CaseTables } from '../../platform/cases/schema.ts';

/** Enrollment tables. Civil dates 'YYYY-MM-DD', instants ISO-8601 UTC, booleans 0/1, JSON as text. */
export interface SchoolTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  /** 'primary' | 'middle' */
  stage: string;
  /** 'public' | 'boarding' | 'private' | 'featured' | 'nine_year' */
  kind: string;
  /** 学区 (school zone) code. */
  zone: string;
}

/** A school's seats in one route of one year; `block` names the primary school of a reserved 对口直升 block. */
export interface ProgramTable {
  id: Generated<number>;
  year: number;
  route: string;
  school_id: number;
  block: string;
  capacity: number;
}

export interface ApplicationTable {
  id: Generated<number>;
  /** Public, pseudonymous: the reference on rosters and published results. */
  ref: string;
  year: number;
  stage: string;
  guardian_person_id: number;
  child_name: string;
  child_doc_type: string;
  child_doc_number: string;
  child_birth_date: string | null;
  /** JSON PrimaryFacts | MiddleFacts as the guardian declared them (⑤ is looked up, never declared). */
  facts: string;
  eligible: number;
  /** JSON EligibilityReport. */
  eligibility: string;
  hukou: string | null;
  care_category: string | null;
  care_verified: number;
  zone: string;
  graduating_school_code: string | null;
  created_at: string;
}

export interface ChoiceTable {
  id: Generated<number>;
  application_id: number;
  route: string;
  rank: number;
  program_id: number;
  priority_class: number;
  created_at: string;
}

export interface DrawTable {
  id: Generated<number>;
  year: number;
  stage: string;
  route: string;
  label: string;
  /** 'committed' | 'drawn' | 'published' */
  status: string;
  roster_size: number;
  roster_hash: string;
  commitment: string;
  /** JSON PublicSource. */
  public_source: string;
  public_value: string | null;
  secret: string | null;
  seed: string | null;
  result_hash: string | null;
  committed_at: string;
  committed_by: string;
  drawn_at: string | null;
  drawn_by: string | null;
  published_at: string | null;
  published_by: string | null;
}

export interface DrawEntryTable {
  draw_id: number;
  application_id: number;
  ref: string;
  position: number;
  number: number | null;
}

export interface PlacementTable {
  id: Generated<number>;
  application_id: number;
  route: string;
  program_id: number;
  draw_id: number | null;
  choice_rank: number | null;
  placed_at: string;
  placed_by: string;
}

/** Each child's rank at each program listed in a draw's route (published with the results). */
export interface RankReportTable {
  draw_id: number;
  application_id: number;
  program_id: number;
  choice_rank: number;
  priority_class: number;
  rank: number;
  applicants: number;
  admitted: number;
}

export interface NonLocalTable {
  id: Generated<number>;
  case_id: number;
  ref: string;
  year: number;
  guardian_person_id: number;
  child_name: string;
  child_doc_type: string;
  child_doc_number: string;
  street_code: string;
  /** JSON NonLocalApplicationFacts. */
  facts: string;
  letter_no: string | null;
  letter_issued_at: string | null;
}

export interface EnrollmentTables {
  enrollment_schools: SchoolTable;
  enrollment_programs: ProgramTable;
  enrollment_applications: ApplicationTable;
  enrollment_choices: ChoiceTable;
  enrollment_draws: DrawTable;
  enrollment_draw_entries: DrawEntryTable;
  enrollment_placements: PlacementTable;
  enrollment_rank_reports: RankReportTable;
  enrollment_non_local: NonLocalTable;
}

export type EnrollmentDb = PlatformTables & CaseTables & EnrollmentTables;
