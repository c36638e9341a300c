import type { Viewer } from '../../../platform/identity/sessions.ts';
import { registerStatus } from '../../../platform/http/refusal.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import type { AppointmentsPorts } from './eligibility.ts';
import { communityScope } from './handling.ts';
import type { ReferralView } from './queries.ts';

export interface ReferralDeps extends AppointmentsDeps {
  readonly ports: AppointmentsPorts;
}

// HTTP statuses of the referral, in-clinic and supervision codes; everything else is 422.
for (const [code, status] of [
  ['referral_not_authorised', 403],
  ['not_referral_handler', 403],
  ['not_a_registered_doctor', 403],
  ['patient_not_found', 404],
  ['referral_not_found', 404],
  ['staff_not_found', 404],
  ['criterion_not_found', 404],
  ['organisation_not_found', 404],
  ['health_records_unavailable', 503],
  ['already_handed_back', 409],
  ['referral_not_open', 409],
  ['referral_not_seen', 409],
  ['criterion_exists', 409],
] as const) {
  registerStatus(code, status);
}

/** Whose referrals a viewer may see. */
export type ReferralScope =
  | { kind: 'community'; organisations: number[] }
  | { kind: 'institution'; institutionId: number; organisationId: number }
  | { kind: 'all' }
  | { kind: 'person'; personId: number }
  | { kind: 'none' };

export async function referralScope(deps: AppointmentsDeps, viewer: Viewer): Promise<ReferralScope> {
  if (viewer.role === 'platform_operator') return { kind: 'all' };
  if (viewer.role === 'resident') return viewer.personId === null ? { kind: 'none' } : { kind: 'person', personId: viewer.personId };
  if (viewer.role === 'family_doctor') return { kind: 'community', organisations: await communityScope(deps.k, viewer.organisationId) };
  if ((viewer.role === 'institution_admin' || viewer.role === 'doctor') && viewer.organisationId !== null) {
    const inst = await institutionOfOrganisation(deps.k, viewer.organisationId);
    if (inst !== null) return { kind: 'institution', institutionId: inst, organisationId: viewer.organisationId };
  }
  return { kind: 'none' };
}

export function inScope(scope: ReferralScope, r: Pick<ReferralView, 'from' | 'to' | 'patient'> & { responsibleCentreId?: number | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'person':
      return r.patient.personId === scope.personId;
    case 'community':
      return scope.organisations.includes(r.from.organisationId) || scope.organisations.includes(r.to.organisationId);
    case 'institution':
      return r.to.institutionId === scope.institutionId || r.from.organisationId === scope.organisationId || r.to.organisationId === scope.organisationId;
    case 'none':
      return false;
  }
}

/** Staff whose work needs the patient's name see it; the operator's overview masks it (第三十条). */
export function seesFullName(scope: ReferralScope): boolean {
  return scope.kind === 'community' || scope.kind === 'institution' || scope.kind === 'person';
}
