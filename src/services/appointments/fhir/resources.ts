import { maskName } from '../../../platform/identity/masking.ts';
import type { ReferralView } from '../referrals/queries.ts';

/**
 * HL7 FHIR R4 views of the platform's data, for hospital systems (西卫〔2019〕5号 第十三条: 数据交互机制).
 * A referral is a ServiceRequest (what is asked of whom), its handling a Task (focus = the
 * ServiceRequest), and the booked visit an Appointment whose basedOn names the ServiceRequest. A
 * hand-back is a ServiceRequest basedOn the upward one. Doctors are not named (第九条); patients appear
 * as a reference with a masked name.
 */
export type FhirResource = Record<string, unknown> & { resourceType: string };

export const systems = {
  ticket: 'urn:yiwang:appointments:ticket',
  channel: 'urn:yiwang:appointments:channel',
  slip: 'urn:yiwang:appointments:referral-slip',
  criterion: 'urn:yiwang:appointments:referral-criterion',
  pools: 'urn:yiwang:appointments:pools',
  snomed: 'http://snomed.info/sct',
} as const;

/** Wall-clock period in Beijing as FHIR instants. */
export function fhirInstant(date: string, hhmm: string): string {
  return `${date}T${hhmm}:00+08:00`;
}

export interface SlotFacts {
  slotId: number;
  sessionId: number;
  visitDate: string;
  periodStart: string;
  periodEnd: string;
  department: string;
  departmentId: number;
  title: string;
  free: { referral: number; appointment: number; window: number };
  stopped: boolean;
}

export function slotResource(s: SlotFacts): FhirResource {
  const free = s.free.referral + s.free.appointment + s.free.window;
  return {
    resourceType: 'Slot',
    id: String(s.slotId),
    schedule: { reference: `Schedule/${s.sessionId}` },
    status: s.stopped ? 'busy-unavailable' : free > 0 ? 'free' : 'busy',
    start: fhirInstant(s.visitDate, s.periodStart),
    end: fhirInstant(s.visitDate, s.periodEnd),
    specialty: [{ text: s.department }],
    serviceType: [{ text: s.title }],
    // Free tickets per pool (第十条 (二)(三), 第十一条): FHIR has no field for pools.
    extension: (['referral', 'appointment', 'window'] as const).map((pool) => ({ url: `${systems.pools}#${pool}`, valueInteger: s.free[pool] })),
  };
}

const appointmentStatus: Record<string, string> = {
  booked: 'booked',
  checked_in: 'checked-in',
  cancelled: 'cancelled',
  no_show: 'noshow',
  stop_pending: 'pending',
};

export interface AppointmentFacts {
  bookingId: number;
  slotId: number;
  ticketNo: number;
  status: string;
  channel: string;
  visitDate: string;
  periodStart: string;
  periodEnd: string;
  createdAt: string;
  personId: number;
  personName: string;
  departmentId: number;
  department: string;
  title: string;
  referralId: number | null;
}

export function appointmentResource(a: AppointmentFacts): FhirResource {
  return {
    resourceType: 'Appointment',
    id: String(a.bookingId),
    identifier: [{ system: systems.ticket, value: `${a.slotId}-${a.ticketNo}` }],
    status: appointmentStatus[a.status] ?? 'entered-in-error',
    ...(a.referralId !== null ? { basedOn: [{ reference: `ServiceRequest/${a.referralId}` }] } : {}),
    appointmentType: { coding: [{ system: systems.channel, code: a.channel }] },
    specialty: [{ text: a.department }],
    serviceType: [{ text: a.title }],
    slot: [{ reference: `Slot/${a.slotId}` }],
    start: fhirInstant(a.visitDate, a.periodStart),
    end: fhirInstant(a.visitDate, a.periodEnd),
    created: a.createdAt,
    participant: [
      { actor: { reference: `Patient/${a.personId}`, display: maskName(a.personName) }, status: a.status === 'cancelled' ? 'declined' : 'accepted' },
      { actor: { reference: `HealthcareService/${a.departmentId}`, display: a.department }, status: 'accepted' },
    ],
  };
}

function serviceRequestStatus(r: ReferralView): string {
  if (r.status === 'cancelled') return 'revoked';
  if (r.status === 'handed_back' || r.status === 'acknowledged') return 'completed';
  return 'active';
}

export function serviceRequestResource(r: ReferralView): FhirResource {
  const notes: { text: string }[] = [];
  if (r.exceptionReason) notes.push({ text: `超过3日安排就诊的原因（第二十条）：${r.exceptionReason}` });
  if (r.handBack) notes.push({ text: `诊疗经过：${r.handBack.treatment}` }, { text: `后续治疗和康复方案：${r.handBack.plan}` });
  return {
    resourceType: 'ServiceRequest',
    id: String(r.referralId),
    identifier: [{ system: systems.slip, value: r.slipNo }],
    status: serviceRequestStatus(r),
    intent: 'order',
    category: [{ coding: [{ system: systems.snomed, code: '3457005', display: 'Patient referral' }], text: r.direction === 'up' ? '社区预约转诊' : '转回社区' }],
    // 第十一条 优先就诊、优先检查、优先住院 for referred patients; a hand-back is routine care.
    priority: r.direction === 'up' ? 'urgent' : 'routine',
    ...(r.basedOnReferralId !== null ? { basedOn: [{ reference: `ServiceRequest/${r.basedOnReferralId}` }] } : {}),
    code: r.criterion
      ? { coding: [{ system: systems.criterion, code: r.criterion.code, display: r.criterion.name }], text: r.criterion.name }
      : { text: r.direction === 'down' ? '转回社区继续治疗和康复' : '社区预约转诊' },
    subject: { reference: `Patient/${r.patient.personId}`, display: maskName(r.patient.name) },
    authoredOn: r.createdAt,
    requester: { reference: `Practitioner/${r.requester.staffId}` },
    performer: [{ reference: `Organization/${r.to.organisationId}`, display: r.to.name }],
    ...(r.to.departmentId !== null ? { locationReference: [{ reference: `HealthcareService/${r.to.departmentId}`, display: r.to.department ?? '' }] } : {}),
    reasonCode: [{ text: r.direction === 'down' ? (r.handBack?.diagnosis ?? r.diseaseInfo) : r.diseaseInfo }],
    ...(r.booking ? { occurrencePeriod: { start: fhirInstant(r.booking.visitDate, r.booking.period.slice(0, 5)), end: fhirInstant(r.booking.visitDate, r.booking.period.slice(-5)) } } : {}),
    ...(notes.length ? { note: notes } : {}),
  };
}

function taskStatus(r: ReferralView): string {
  if (r.status === 'cancelled') return 'cancelled';
  if (r.booking?.status === 'no_show') return 'failed';
  switch (r.status) {
    case 'booked':
    case 'sent':
      return 'requested';
    case 'accepted':
      return 'accepted';
    case 'arrived':
      return 'in-progress';
    default:
      return 'completed';
  }
}

export function taskResource(r: ReferralView, lastModified: string): FhirResource {
  return {
    resourceType: 'Task',
    id: String(r.referralId),
    identifier: [{ system: systems.slip, value: r.slipNo }],
    status: taskStatus(r),
    businessStatus: { text: r.status },
    intent: 'order',
    priority: r.direction === 'up' ? 'urgent' : 'routine',
    focus: { reference: `ServiceRequest/${r.referralId}` },
    for: { reference: `Patient/${r.patient.personId}`, display: maskName(r.patient.name) },
    authoredOn: r.createdAt,
    lastModified,
    requester: { reference: `Organization/${r.from.organisationId}`, display: r.from.name },
    owner: { reference: `Organization/${r.to.organisationId}`, display: r.to.name },
    ...(r.booking ? { output: [{ type: { text: 'appointment' }, valueReference: { reference: `Appointment/${r.booking.bookingId}` } }] } : {}),
  };
}

export function searchBundle(entries: readonly FhirResource[], selfUrl: string): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: entries.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: entries.map((resource) => ({ fullUrl: `${resource.resourceType}/${String(resource.id)}`, resource, search: { mode: 'match' } })),
  };
}
