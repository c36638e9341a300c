import type { Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.ts';

/**
 * The health-record centre's tables (西卫〔2019〕4号). Like the platform's: instants are ISO-8601
 * UTC text, civil dates 'YYYY-MM-DD', booleans 0/1, JSON as text — one schema on both engines.
 */

/** An institution's standing with the centre: integrated (第十四条 direct grant), closed and handed over (第十二条). */
export interface HrInstitutionTable {
  organisation_id: number;
  integrated: number;
  status: string;
  successor_id: number | null;
  integrated_at: string | null;
  closed_at: string | null;
}

/** Which 卫生计生委 department a reviewer approves for (第十四条: business and information department). */
export interface HrStaffDutyTable {
  staff_id: number;
  duty: string;
  assigned_at: string;
  assigned_by: number | null;
}

/** 第十一条: an outsourced operator account may do only what its agreement covers. */
export interface HrOperatorAgreementTable {
  staff_id: number;
  contractor: string;
  agreement_ref: string;
  scopes: string;
  valid_from: string;
  valid_until: string;
  recorded_at: string;
}

/** 第八条: an institution's local patient id points at one platform person. */
export interface HrPatientLinkTable {
  id: Generated<number>;
  organisation_id: number;
  local_patient_id: string;
  person_id: number;
  custodian_organisation_id: number;
  created_at: string;
}

/** The consolidated basic data items of a person (第八条 基本数据项的一致性); `sources` names who supplied each. */
export interface HrPersonBasicsTable {
  person_id: number;
  sex: string | null;
  birth_date: string | null;
  ethnicity: string | null;
  address: string | null;
  contact_phone: string | null;
  sources: string;
  created_at: string;
  updated_at: string;
}

/** A disagreement about a basic data item, kept for review instead of overwriting (第八条). */
export interface HrBasicConflictTable {
  id: Generated<number>;
  person_id: number;
  field: string;
  current_value: string | null;
  proposed_value: string | null;
  source_organisation_id: number | null;
  upload_id: number | null;
  merge_id: number | null;
  status: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
}

/** An operator's merge of a duplicate person into a survivor; undone by setting undone_at. */
export interface HrPersonMergeTable {
  id: Generated<number>;
  survivor_id: number;
  merged_id: number;
  reason: string;
  merged_at: string;
  merged_by: number;
  undone_at: string | null;
  undone_by: number | null;
  undo_reason: string | null;
}

export interface HrDocumentTable {
  id: Generated<number>;
  person_id: number;
  kind: string;
  source_organisation_id: number;
  custodian_organisation_id: number;
  source_document_id: string;
  link_id: number;
  version: number;
  content_hash: string;
  payload: string;
  occurred_on: string;
  created_at: string;
  updated_at: string;
}

export interface HrDocumentVersionTable {
  id: Generated<number>;
  document_id: number;
  version: number;
  content_hash: string;
  payload: string;
  upload_id: number;
  received_at: string;
}

export interface HrUploadTable {
  id: Generated<number>;
  organisation_id: number;
  staff_id: number;
  received_at: string;
  format: string;
  items: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface HrGrantTable {
  id: Generated<number>;
  ref: string;
  kind: string;
  grantee_organisation_id: number;
  data_items: string;
  purposes: string;
  purpose_text: string;
  legal_basis: string;
  application_text: string;
  valid_from: string;
  valid_until: string | null;
  status: string;
  submitted_by: number | null;
  submitted_at: string;
  business_approved_by: number | null;
  business_approved_at: string | null;
  information_approved_by: number | null;
  information_approved_at: string | null;
  activated_by: number | null;
  activated_at: string | null;
  closed_by: number | null;
  closed_at: string | null;
  close_reason: string | null;
  transferred_from_organisation_id: number | null;
}

export interface HrHandoverTable {
  id: Generated<number>;
  from_organisation_id: number;
  to_organisation_id: number;
  reason: string;
  report: string;
  handed_over_at: string;
  handed_over_by: number;
}

export interface HrTables {
  hr_institutions: HrInstitutionTable;
  hr_staff_duties: HrStaffDutyTable;
  hr_operator_agreements: HrOperatorAgreementTable;
  hr_patient_links: HrPatientLinkTable;
  hr_person_basics: HrPersonBasicsTable;
  hr_basic_conflicts: HrBasicConflictTable;
  hr_person_merges: HrPersonMergeTable;
  hr_uploads: HrUploadTable;
  hr_documents: HrDocumentTable;
  hr_document_versions: HrDocumentVersionTable;
  hr_grants: HrGrantTable;
  hr_handovers: HrHandoverTable;
}

export type HealthRecordsTables = PlatformTables & HrTables;
