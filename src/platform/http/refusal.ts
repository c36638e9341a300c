import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Citation, Reason } from '../law/decision.ts';
import { localeOf, pick } from './locale.ts';

/**
 * HTTP status is decided here and only here. Rules return reasons with stable codes; services
 * register which of their codes are conflicts, bans or not-founds. Everything else is 422.
 */
const statusByCode = new Map<string, number>([
  ['invalid_request', 400],
  ['malformed_json', 400],
  ['unknown_field', 400],
  ['body_too_large', 400],
  // Bad identity input is bad input wherever it is typed.
  ['invalid_id_number', 400],
  ['invalid_document_type', 400],
  ['invalid_phone', 400],
  ['invalid_name', 400],
  ['missing_required_data', 400],
  ['unauthenticated', 401],
  ['invalid_credentials', 401],
  ['invalid_sign_in_code', 401],
  ['forbidden', 403],
  ['not_found', 404],
  ['rate_limited', 429],
]);

/** Services add statuses for their own codes; a code keeps one status platform-wide. */
export function registerStatus(code: string, status: number): void {
  const existing = statusByCode.get(code);
  if (existing !== undefined && existing !== status) throw new Error(`HTTP status for ${code} is already ${existing}`);
  statusByCode.set(code, status);
}

export function statusFor(code: string): number {
  return statusByCode.get(code) ?? 422;
}

export interface ErrorBody {
  error: { code: string; message: string; citation?: Citation & { url: string }; reasons?: { code: string; message: string; citation?: Citation }[] };
}

export function citationUrl(c: Citation): string {
  return `/law/${encodeURIComponent(c.doc)}#${encodeURIComponent(c.article)}`;
}

export function errorBody(request: FastifyRequest, reasons: readonly Reason[]): ErrorBody {
  const locale = localeOf(request);
  const first = reasons[0];
  if (!first) throw new Error('errorBody needs a reason');
  const body: ErrorBody = { error: { code: first.code, message: pick(locale, first.message) } };
  if (first.citation) body.error.citation = { ...first.citation, url: citationUrl(first.citation) };
  if (reasons.length > 1) {
    body.error.reasons = reasons.map((r) => ({ code: r.code, message: pick(locale, r.message), ...(r.citation ? { citation: r.citation } : {}) }));
  }
  return body;
}

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, reasons: readonly Reason[]): FastifyReply {
  const first = reasons[0];
  return reply.code(first ? statusFor(first.code) : 422).send(errorBody(request, reasons));
}

/** Shared JSON schema of the error body, for OpenAPI. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        citation: { type: 'object', properties: { doc: { type: 'string' }, article: { type: 'string' }, url: { type: 'string' } } },
      },
      required: ['code', 'message'],
    },
  },
} as const;
