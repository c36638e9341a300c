import type { Generated } from 'kysely';

/**
 * Platform tables. Instants are ISO-8601 UTC text ('2026-12-03T04:00:00.000Z') and booleans are 0/1
 * on both engines: it keeps one schema, sortable times, and a backup format that moves between engines.
 */
export interface StreetTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
}

export interface OrganisationTable {
  id: Generated<number>;
  code: string;
  name: string;
  short_name: string;
  kind: string;
  level: string | null;
  street_id: number | null;
  address: string;
  phone: string;
}

export interface PersonTable {
  id: Generated<number>;
  doc_type: string;
  doc_number: string;
  name: string;
  phone: string;
  locale: string;
  created_at: string;
}

export interface StaffTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  organisation_id: number | null;
  person_id: number | null;
  referral_authorised: number;
  active: number;
  created_at: string;
}

export interface SessionTable {
  id: string;
  subject_kind: string;
  subject_id: number;
  created_at: string;
  expires_at: string;
}

export interface SignInChallengeTable {
  id: string;
  person_id: number;
  code_hash: string;
  created_at: string;
  expires_at: string;
  attempts: number;
  consumed_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: number | null;
  actor_name: string;
  actor_role: string;
  action: string;
  entity_type: string;
  entity_id: string;
  purpose: string | null;
  grant_ref: string | null;
  source_ip: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface OutboxTable {
  id: Generated<number>;
  created_at: string;
  person_id: number | null;
  phone: string;
  channel: string;
  template: string;
  params: string;
  locale: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  claimed_at: string | null;
  claimed_by: string | null;
  sent_at: string | null;
  last_error: string | null;
}

export interface SmsDeliveryTable {
  message_id: number;
  phone: string;
  body: string;
  delivered_at: string;
}

export interface PlatformTables {
  streets: StreetTable;
  organisations: OrganisationTable;
  persons: PersonTable;
  staff: StaffTable;
  sessions: SessionTable;
  sign_in_challenges: SignInChallengeTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  outbox: OutboxTable;
  sms_deliveries: SmsDeliveryTable;
}
