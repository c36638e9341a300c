import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import type { GroupCommitter } from '../../../platform/db/group-commit.ts';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { requireRole } from '../../../platform/http/auth.ts';
import { reason } from '../../../platform/law/decision.ts';
import { sendRefusal, registerStatus } from '../../../platform/http/refusal.ts';
import type { Role } from '../../../platform/identity/roles.ts';
import type { Viewer } from '../../../platform/identity/sessions.ts';
import type { AppointmentDb } from '../schema.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import type { AttemptLimits } from './anti-scalping.ts';

export interface AppointmentsDeps extends PlatformDeps {
  readonly adb: Db<AppointmentDb>;
  readonly k: Kysely<AppointmentDb>;
  /** Bookings commit in groups on SQLite (see platform/db/group-commit.ts). */
  readonly committer: GroupCommitter<AppointmentDb>;
  readonly attemptLimits?: AttemptLimits;
}

// HTTP statuses for this service's refusal codes; everything else is 422.
for (const [code, status] of [
  ['slot_full', 409],
  ['daily_limit_exceeded', 409],
  ['department_daily_limit_exceeded', 409],
  ['department_weekly_limit_exceeded', 409],
  ['session_exists', 409],
  ['schedule_frozen', 409],
  ['session_has_bookings', 409],
  ['patient_banned', 403],
  ['slot_not_found', 404],
  ['booking_not_found', 404],
  ['session_not_found', 404],
  ['institution_not_found', 404],
  ['department_not_found', 404],
  ['doctor_not_found', 404],
  ['resource_not_found', 404],
  ['registry_row_not_found', 404],
  ['duplicate_code', 409],
] as const) {
  registerStatus(code, status);
}

/** Staff of one institution: the viewer and the appointment institution they may act for. */
export async function requireInstitutionStaff(
  deps: AppointmentsDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: readonly Role[],
  institutionId?: number,
): Promise<{ viewer: Viewer; institutionId: number } | undefined> {
  const viewer = requireRole(req, reply, roles);
  if (!viewer) return undefined;
  const own = await institutionOfOrganisation(deps.k, viewer.organisationId);
  if (own === null || (institutionId !== undefined && institutionId !== own)) {
    void sendRefusal(req, reply, [reason('forbidden', '只能管理本机构的信息', 'You may only act for your own institution')]);
    return undefined;
  }
  return { viewer, institutionId: own };
}

/** Ids are 32-bit integers on both engines; larger numbers are bad input, not a server error. */
export const intId = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;

export const idParam = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9]\\d{0,8}$' } } } as const;
export const civilDateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
export const hhmm = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' } as const;
