import type { Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { ReferralTables } from './referrals/schema.ts';

/** Appointment-specific profile of a platform organisation (第十二条 (一)). */
export interface InstitutionTable {
  id: Generated<number>;
  organisation_id: number;
  level: string;
  type: string;
  website: string;
  introduction: string;
  directions: string;
  slot_minutes: number | null;
  referral_share_pct: number;
}

export interface DepartmentTable {
  id: Generated<number>;
  institution_id: number;
  name: string;
  introduction: string;
  category: string;
  base_department: string;
  code: string;
}

export interface DoctorTable {
  id: Generated<number>;
  institution_id: number;
  department_id: number;
  name: string;
  staff_number: string;
  licence_number: string;
  phone: string;
  specialty: string;
  title: string;
  introduction: string;
  /** The staff account of this doctor (0102), for the workstation of 第二十四条. */
  staff_id: number | null;
}

export interface ResourceTable {
  id: Generated<number>;
  institution_id: number;
  kind: string;
  name: string;
  code: string;
  items: string;
  fee_cents: number;
  indications: string;
  quantity: number;
  /** 第十二条 (五) day surgeries. */
  expert_team: Generated<string>;
  introduction: Generated<string>;
  conditions: Generated<string>;
  precautions: Generated<string>;
}

export interface SessionTable {
  id: Generated<number>;
  institution_id: number;
  department_id: number;
  doctor_id: number | null;
  resource_id: number | null;
  title: string;
  visit_date: string;
  status: string;
  published_at: string;
  stopped_at: string | null;
  stop_reason: string | null;
  special_stop: number;
}

export interface SlotTable {
  id: Generated<number>;
  session_id: number;
  visit_date: string;
  period_start: string;
  period_end: string;
}

export interface TicketTable {
  id: Generated<number>;
  slot_id: number;
  ticket_no: number;
  pool: string;
  booking_id: number | null;
}

export interface BookingTable {
  id: Generated<number>;
  ticket_id: number;
  slot_id: number;
  session_id: number;
  ticket_no: number;
  person_id: number;
  patient_doc_type: string;
  patient_doc_number: string;
  patient_phone: string;
  booker_name: string | null;
  booker_phone: string | null;
  channel: string;
  status: string;
  active: number;
  visit_date: string;
  period_start: string;
  period_end: string;
  institution_id: number;
  department_id: number;
  idempotency_key: string | null;
  created_by: string;
  created_at: string;
  cancelled_at: string | null;
  checked_in_at: string | null;
}

export interface ViolationTable {
  id: Generated<number>;
  person_id: number;
  booking_id: number | null;
  kind: string;
  occurred_on: string;
  created_at: string;
}

export interface BanTable {
  id: Generated<number>;
  person_id: number;
  listed_on: string;
  ends_on: string;
  reason: string;
}

export interface AppointmentTables {
  appt_institutions: InstitutionTable;
  appt_departments: DepartmentTable;
  appt_doctors: DoctorTable;
  appt_resources: ResourceTable;
  appt_sessions: SessionTable;
  appt_slots: SlotTable;
  appt_tickets: TicketTable;
  appt_bookings: BookingTable;
  appt_violations: ViolationTable;
  appt_bans: BanTable;
}

export type AppointmentDb = PlatformTables & AppointmentTables & ReferralTables;
