import type { Kysely } from 'kysely';
import { maskDocumentNumber, maskName } from '../../../platform/identity/masking.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { slipNumber } from './templates.ts';

type K = Kysely<AppointmentDb>;

export interface ReferralView {
  readonly referralId: number;
  readonly slipNo: string;
  readonly direction: 'up' | 'down';
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly patient: { personId: number; name: string; docNumber: string };
  readonly from: { organisationId: number; name: string };
  readonly to: { organisationId: number; name: string; institutionId: number | null; departmentId: number | null; department: string | null };
  readonly requester: { staffId: number; name: string };
  readonly criterion: { code: string; name: string; chronicCategory: string | null } | null;
  /** 第二十一条 (三): one of the four chronic diseases, reported separately. */
  readonly chronicFocus: boolean;
  readonly diseaseInfo: string;
  readonly recordBasics: Record<string, unknown> | null;
  readonly booking: { bookingId: number; slotId: number; visitDate: string; period: string; title: string; ticketNo: number; status: string } | null;
  readonly withinThreeDays: boolean | null;
  readonly exceptionReason: string | null;
  readonly earlierAvailable: boolean | null;
  /** 第十一条: 优先就诊、优先检查、优先住院. */
  readonly priority: { visit: boolean; exams: boolean; admission: boolean };
  readonly handlerStaffId: number | null;
  readonly basedOnReferralId: number | null;
  readonly handBack: { diagnosis: string; treatment: string; plan: string } | null;
  readonly acknowledgedAt: string | null;
  readonly delivery: { deliveredAt: string | null; attempts: number; error: string | null } | null;
  /** Down referral answering this up referral, if any. */
  readonly handedBackAs: number | null;
}

export interface ReferralFilter {
  readonly ids?: readonly number[];
  readonly direction?: 'up' | 'down';
  readonly fromOrganisations?: readonly number[];
  readonly toOrganisations?: readonly number[];
  readonly involvingOrganisations?: readonly number[];
  readonly toInstitutionId?: number;
  readonly personId?: number;
  readonly statuses?: readonly string[];
  readonly limit?: number;
}

function parseJson(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Referral rows for queues, detail pages and FHIR. Names are masked unless the caller's work needs them. */
export async function listReferrals(k: K, f: ReferralFilter, opts: { fullName: boolean }): Promise<ReferralView[]> {
  let q = k
    .selectFrom('appt_referrals as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .innerJoin('organisations as fo', 'fo.id', 'r.from_organisation_id')
    .innerJoin('organisations as tor', 'tor.id', 'r.to_organisation_id')
    .innerJoin('staff as rs', 'rs.id', 'r.requester_staff_id')
    .leftJoin('appt_departments as d', 'd.id', 'r.to_department_id')
    .leftJoin('appt_bookings as b', 'b.id', 'r.booking_id')
    .leftJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .leftJoin('appt_referral_criteria as c', 'c.code', 'r.criterion_code')
    .leftJoin('appt_referrals as hb', (j) => j.onRef('hb.based_on_referral_id', '=', 'r.id').on('hb.direction', '=', 'down'))
    .select([
      'r.id', 'r.direction', 'r.status', 'r.created_at', 'r.updated_at', 'r.person_id', 'p.name as person_name', 'p.doc_number',
      'r.from_organisation_id', 'fo.name as from_name', 'r.to_organisation_id', 'tor.name as to_name', 'r.to_institution_id', 'r.to_department_id', 'd.name as department',
      'r.requester_staff_id', 'rs.display_name as requester_name', 'r.criterion_code', 'c.name_zh as criterion_name', 'r.chronic_category', 'r.chronic_focus',
      'r.disease_info', 'r.record_basics', 'r.booking_id', 'b.slot_id', 'b.visit_date', 'b.period_start', 'b.period_end', 'b.ticket_no', 'b.status as booking_status', 'se.title',
      'r.within_three_days', 'r.exception_reason', 'r.earlier_available', 'r.priority', 'r.handler_staff_id', 'r.based_on_referral_id',
      'r.diagnosis', 'r.treatment', 'r.plan', 'r.acknowledged_at', 'r.delivered_at', 'r.delivery_attempts', 'r.delivery_error', 'hb.id as hand_back_id',
    ]);
  if (f.ids) q = q.where('r.id', 'in', f.ids.length ? [...f.ids] : [-1]);
  if (f.direction) q = q.where('r.direction', '=', f.direction);
  if (f.fromOrganisations) q = q.where('r.from_organisation_id', 'in', f.fromOrganisations.length ? [...f.fromOrganisations] : [-1]);
  if (f.toOrganisations) q = q.where('r.to_organisation_id', 'in', f.toOrganisations.length ? [...f.toOrganisations] : [-1]);
  if (f.involvingOrganisations) {
    const orgs = f.involvingOrganisations.length ? [...f.involvingOrganisations] : [-1];
    q = q.where((e) => e.or([e('r.from_organisation_id', 'in', orgs), e('r.to_organisation_id', 'in', orgs)]));
  }
  if (f.toInstitutionId !== undefined) q = q.where('r.to_institution_id', '=', f.toInstitutionId);
  if (f.personId !== undefined) q = q.where('r.person_id', '=', f.personId);
  if (f.statuses) q = q.where('r.status', 'in', f.statuses.length ? [...f.statuses] : ['-']);
  const rows = await q.orderBy('r.id', 'desc').limit(f.limit ?? 200).execute();
  return rows.map((r) => ({
    referralId: Number(r.id),
    slipNo: slipNumber(Number(r.id), civilDateOf(new Date(r.created_at))),
    direction: r.direction === 'down' ? 'down' : 'up',
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    patient: { personId: Number(r.person_id), name: opts.fullName ? r.person_name : maskName(r.person_name), docNumber: maskDocumentNumber(r.doc_number) },
    from: { organisationId: Number(r.from_organisation_id), name: r.from_name },
    to: { organisationId: Number(r.to_organisation_id), name: r.to_name, institutionId: r.to_institution_id === null ? null : Number(r.to_institution_id), departmentId: r.to_department_id === null ? null : Number(r.to_department_id), department: r.department ?? null },
    requester: { staffId: Number(r.requester_staff_id), name: r.requester_name },
    criterion: r.criterion_code ? { code: r.criterion_code, name: r.criterion_name ?? r.criterion_code, chronicCategory: r.chronic_category } : null,
    chronicFocus: Number(r.chronic_focus) === 1,
    diseaseInfo: r.disease_info,
    recordBasics: parseJson(r.record_basics),
    booking:
      r.booking_id !== null && r.visit_date
        ? { bookingId: Number(r.booking_id), slotId: Number(r.slot_id), visitDate: r.visit_date, period: `${r.period_start}–${r.period_end}`, title: r.title ?? '', ticketNo: Number(r.ticket_no), status: r.booking_status ?? '' }
        : null,
    withinThreeDays: r.within_three_days === null ? null : Number(r.within_three_days) === 1,
    exceptionReason: r.exception_reason,
    earlierAvailable: r.earlier_available === null ? null : Number(r.earlier_available) === 1,
    priority: { visit: Number(r.priority) === 1, exams: Number(r.priority) === 1, admission: Number(r.priority) === 1 },
    handlerStaffId: r.handler_staff_id === null ? null : Number(r.handler_staff_id),
    basedOnReferralId: r.based_on_referral_id === null ? null : Number(r.based_on_referral_id),
    handBack: r.direction === 'down' ? { diagnosis: r.diagnosis ?? '', treatment: r.treatment ?? '', plan: r.plan ?? '' } : null,
    acknowledgedAt: r.acknowledged_at,
    delivery: r.direction === 'down' ? { deliveredAt: r.delivered_at, attempts: Number(r.delivery_attempts), error: r.delivery_error } : null,
    handedBackAs: r.hand_back_id === null || r.hand_back_id === undefined ? null : Number(r.hand_back_id),
  }));
}

export async function getReferral(k: K, id: number, opts: { fullName: boolean }): Promise<ReferralView | undefined> {
  return (await listReferrals(k, { ids: [id] }, opts))[0];
}

/** The lists' search box: a patient's name or a slip number. */
export function matchesSearch(r: ReferralView, q: string | undefined): boolean {
  const needle = q?.trim();
  return !needle || r.patient.name.includes(needle) || r.slipNo.includes(needle.toUpperCase());
}
