import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/http/auth.ts';
import { errorBody, registerStatus, sendRefusal } from '../../platform/http/refusal.ts';
import { localeOf, pick } from '../../platform/http/locale.ts';
import type { Decision, LocalizedText, Reason, Citation } from '../../platform/law/decision.ts';
import type { StaffRef } from './operators.ts';

/** HTTP statuses of this service's refusal codes (everything else is the platform's 422). */
const statuses: Record<string, number> = {
  no_grant: 403, grant_revoked: 403, grant_expired: 403, grant_not_active: 403, grant_not_yet_valid: 403, beyond_grant_items: 403, beyond_grant_purpose: 403,
  beyond_agreement: 403, agreement_not_in_force: 403, not_that_department: 403, not_publishable: 403, not_an_institution: 403,
  purpose_required: 400, institution_closed: 409, merge_chain: 409, grant_not_pending: 409, grant_not_approved: 409, already_approved: 409, merge_not_active: 409, conflict_not_open: 409,
  no_record: 404, pdf_font_unavailable: 503,
};
export function registerHealthRecordStatuses(): void {
  for (const [code, status] of Object.entries(statuses)) registerStatus(code, status);
}

export function staffRef(req: FastifyRequest): StaffRef & { organisationId: number | null } {
  const v = req.viewer;
  if (!v || v.kind !== 'staff') throw new Error('staffRef needs a signed-in staff member');
  return { staffId: v.id, actor: actorOf(req), organisationId: v.organisationId };
}

export interface Problem {
  readonly path: string;
  readonly code: string;
  readonly message: LocalizedText;
  readonly citation?: Citation;
}

/** A refusal with per-field problems: {"error":{code,message,citation,fields:[{path,code,message,citation}]}}. */
export function sendProblems(req: FastifyRequest, reply: FastifyReply, reasons: readonly Reason[], problems: readonly Problem[]): FastifyReply {
  const body = errorBody(req, reasons);
  const locale = localeOf(req);
  const fields = problems.map((p) => ({ path: p.path, code: p.code, message: pick(locale, p.message), ...(p.citation ? { citation: p.citation } : {}) }));
  return reply.code(422).send({ error: { ...body.error, fields } });
}

/** Send a Decision: the value (status ok) or the refusal; problems when the outcome carries them. */
export function sendDecision<T>(req: FastifyRequest, reply: FastifyReply, d: Decision<T> | { allowed: false; reasons: readonly Reason[]; problems: readonly Problem[] }, ok = 200): FastifyReply | T {
  if (d.allowed) return reply.code(ok).send(d.value ?? { ok: true });
  if ('problems' in d) return sendProblems(req, reply, d.reasons, d.problems);
  return sendRefusal(req, reply, d.reasons);
}

/** The platform's error body plus per-field problems (error.fields) for refused uploads and applications. */
export const errorSchemaId = 'health-records-error';
export const errorSchema = {
  $id: errorSchemaId,
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        citation: { type: 'object', additionalProperties: true },
        reasons: { type: 'array', items: { type: 'object', additionalProperties: true } },
        fields: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, citation: { type: 'object', additionalProperties: true } } } },
      },
    },
  },
} as const;
export const errRef = { $ref: `${errorSchemaId}#` } as const;

export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[headers.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n')}\n`;
}
