import type { FastifyReply } from 'fastify';
import type { Citation } from '../../../platform/law/decision.ts';
import type { Reason } from '../../../platform/law/decision.ts';
import { pick, type Locale } from '../../../platform/http/locale.ts';
import { citationUrl } from '../../../platform/http/refusal.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import type { FieldError } from '../../../platform/web/components.ts';

/** Small helpers the referral, clinic and supervision pages share (GOV.UK patterns, no script). */
export type Form = Record<string, string>;

export function formOf(body: unknown, keys: readonly string[]): Form {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string).trim() : '']));
}

export function sendHtml(reply: FastifyReply, body: string, code = 200): FastifyReply {
  return reply.code(code).type('text/html; charset=utf-8').send(body);
}

export function hidden(values: Form, keys: readonly string[]): SafeHtml {
  return html`${keys.map((k) => html`<input type="hidden" name="${k}" value="${values[k] ?? ''}">`)}`;
}

export function textArea(o: { id: string; label: string; value?: string | undefined; hint?: string | undefined; error?: string | undefined; rows?: number }): SafeHtml {
  const describedBy = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${o.hint ? html`<div class="hint" id="${o.id}-hint">${o.hint}</div>` : ''}
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <textarea id="${o.id}" name="${o.id}" rows="${o.rows ?? 4}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>${o.value ?? ''}</textarea>
</div>`;
}

export function select(o: { id: string; label: string; options: readonly { value: string; label: string; group?: string }[]; value?: string | undefined; error?: string | undefined }): SafeHtml {
  const groups = [...new Set(o.options.map((x) => x.group ?? ''))];
  const option = (x: { value: string; label: string }) => html`<option value="${x.value}"${x.value === o.value ? ' selected' : ''}>${x.label}</option>`;
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <select id="${o.id}" name="${o.id}"${o.error ? html` aria-describedby="${o.id}-error" aria-invalid="true"` : ''}><option value="">${'—'}</option>${groups.map((g) =>
    g ? html`<optgroup label="${g}">${o.options.filter((x) => x.group === g).map(option)}</optgroup>` : html`${o.options.filter((x) => !x.group).map(option)}`,
  )}</select>
</div>`;
}

/** Refusal reasons as error-summary entries, each linked to the field it is about. */
export function fieldErrors(locale: Locale, reasons: readonly Reason[], fieldOf: (code: string) => string): FieldError[] {
  return reasons.map((r) => ({ field: fieldOf(r.code), message: pick(locale, r.message), citation: r.citation }));
}

export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

export function lawLink(c: Citation, label?: string): SafeHtml {
  return html`<a href="${citationUrl(c)}">${label ?? `${c.doc} ${c.article}`}</a>`;
}

export function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

export const t = (locale: Locale, zh: string, en: string): string => (locale === 'en' ? en : zh);
