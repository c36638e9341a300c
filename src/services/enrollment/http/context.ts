/** Shared pieces of the enrollment routes: the typed database, statuses of refusal codes, schemas. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../platform/db/connect.ts';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { registerStatus, sendRefusal } from '../../../platform/http/refusal.ts';
import type { Decision } from '../../../platform/law/decision.ts';
import { caseRefusalStatuses } from '../../../platform/cases/store.ts';
import type { EnrollmentDb } from '../schema.ts';

export interface EnrollmentDeps extends PlatformDeps {
  readonly edb: Db<EnrollmentDb>;
}

export function enrollmentDeps(deps: PlatformDeps): EnrollmentDeps {
  // Same connection, wider table map: the enrollment tables live beside the platform's.
  return { ...deps, edb: deps.db as unknown as Db<EnrollmentDb> };
}

// HTTP statuses for this service's refusal codes (and the case workflow's); everything else is 422.
const statuses: [string, number][] = [
  ...Object.entries(caseRefusalStatuses),
  ['application_not_found', 404],
  ['draw_not_found', 404],
  ['application_exists', 409],
  ['non_local_exists', 409],
  ['draw_exists', 409],
  ['draw_already_run', 409],
  ['draw_not_drawn', 409],
  ['roster_frozen', 409],
  ['already_placed', 409],
  ['plan_full', 409],
];
for (const [code, status] of statuses) registerStatus(code, status);

/** Send a decision: the value as JSON (through `view`), or the refusal with its citation. */
export async function reply<V>(req: FastifyRequest, res: FastifyReply, d: Decision<V>, view: (v: V) => unknown = (v) => v, status = 200): Promise<FastifyReply> {
  return d.allowed ? res.code(status).send(view(d.value)) : sendRefusal(req, res, d.reasons);
}

export const staffRoles = ['platform_operator'] as const;
export const staffReadRoles = ['platform_operator', 'auditor'] as const;

export const idParam = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9]\\d{0,8}$' } } } as const;
export const refParam = { type: 'object', additionalProperties: false, required: ['ref'], properties: { ref: { type: 'string', pattern: '^[A-Z]\\d{4}-[2-9A-Z]{8}$' } } } as const;
export const civilDateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
export const yearSchema = { type: 'integer', minimum: 2000, maximum: 2100 } as const;
export const langQuery = { type: 'object', additionalProperties: false, properties: { lang: { type: 'string', enum: ['zh-CN', 'en'] } } } as const;
