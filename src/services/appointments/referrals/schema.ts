import type { Generated } from 'kysely';

/**
 * Tables of the referral path (西卫〔2019〕5号 第二十条–第二十四条, 第二十八条). A referral row is one
 * HL7 FHIR ServiceRequest (what is asked), its status fields are the Task (who works on it), and
 * the booking it holds is the Appointment whose basedOn points back at it (see fhir/).
 */

/** 第二十一条: 社区卫生服务中心负责其派出的社区卫生服务站的转诊预约工作. */
export interface CommunityStationTable {
  id: Generated<number>;
  station_organisation_id: number;
  centre_organisation_id: number;
}

/**
 * 第二十一条 (三): referral criteria, kept as data operators change. chronic_category marks the four
 * chronic diseases the article makes the focus of referral work.
 */
export interface ReferralCriterionTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  chronic_category: string | null;
  criteria: string;
  active: number;
  updated_at: string;
  updated_by: string;
}

/** 第二十三条: the staff an institution names to handle community referrals. */
export interface ReferralHandlerTable {
  id: Generated<number>;
  institution_id: number;
  staff_id: number;
  active: number;
  named_by: string;
  named_at: string;
}

export interface ReferralTable {
  id: Generated<number>;
  /** 'up': community → hospital (第二十条); 'down': hospital → community (第二十八条). */
  direction: string;
  /** booked, accepted, arrived, handed_back, cancelled (up); sent, acknowledged (down). */
  status: string;
  person_id: number;
  from_organisation_id: number;
  /** The 中心 answerable for the referral (itself, or the centre of the 站 that referred). */
  responsible_centre_id: number | null;
  requester_staff_id: number;
  to_organisation_id: number;
  to_institution_id: number | null;
  to_department_id: number | null;
  booking_id: number | null;
  /** A hand-back names the upward referral it answers. */
  based_on_referral_id: number | null;
  criterion_code: string | null;
  chronic_category: string | null;
  chronic_focus: Generated<number>;
  /** 第十六条 (四): the disease information … */
  disease_info: string;
  /** … and the health-record basics, as the health-records service gave them (JSON). */
  record_basics: string | null;
  /** The family-doctor contract that made the patient eligible (第二十二条), JSON. */
  contract: string | null;
  visit_date: string | null;
  within_three_days: number | null;
  /** 第二十条: why a visit later than 3 days was accepted. */
  exception_reason: string | null;
  /** Whether a referral ticket within 3 days was free when a later one was chosen. */
  earlier_available: number | null;
  /** 第十一条: 优先就诊、优先检查、优先住院. */
  priority: Generated<number>;
  handler_staff_id: number | null;
  accepted_at: string | null;
  arrived_at: string | null;
  /** 第二十八条 hand-back content (direction 'down'). */
  diagnosis: string | null;
  treatment: string | null;
  plan: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** Delivery of a hand-back into the patient's health record (after commit; see handback.ts). */
  delivered_at: string | null;
  delivery_attempts: Generated<number>;
  delivery_error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** 第二十四条: what kind of in-clinic booking, by whom, and any rule the doctor overrode. */
export interface ClinicBookingTable {
  id: Generated<number>;
  booking_id: number;
  kind: string;
  treating_staff_id: number;
  treating_doctor_id: number;
  override_code: string | null;
  override_reason: string | null;
  created_at: string;
}

export interface ReferralTables {
  appt_community_stations: CommunityStationTable;
  appt_referral_criteria: ReferralCriterionTable;
  appt_referral_handlers: ReferralHandlerTable;
  appt_referrals: ReferralTable;
  appt_clinic_bookings: ClinicBookingTable;
}
