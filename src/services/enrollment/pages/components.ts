/** Small page helpers for the enrollment screens, on top of platform/web (GOV.UK patterns, no JS). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { citationText } from '../../../platform/web/components.ts';
import { citationUrl } from '../../../platform/http/refusal.ts';
import type { Citation, LocalizedText, Reason } from '../../../platform/law/decision.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { page, type PageContext } from '../../../platform/web/layout.ts';

export const t = (locale: Locale, zh: string, en: string): string => (locale === 'en' ? en : zh);
export const pickText = (locale: Locale, l: LocalizedText): string => (locale === 'en' ? l.en : l.zh);

export function cited(locale: Locale, c: Citation | undefined): SafeHtml | '' {
  return c ? html`<a class="citation" href="${citationUrl(c)}">${citationText(locale, c)}</a>` : '';
}

export function reasonItem(locale: Locale, r: Reason): SafeHtml {
  return html`<li>${pickText(locale, r.message)} ${cited(locale, r.citation)}</li>`;
}

export type Form = Record<string, string | string[] | undefined>;

export function field(body: unknown, key: string): string {
  const v = (body as Form | undefined)?.[key];
  return typeof v === 'string' ? v.trim() : Array.isArray(v) ? (v[0] ?? '').trim() : '';
}

export function fields(body: unknown, key: string): string[] {
  const v = (body as Form | undefined)?.[key];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
}

export function yesNo(locale: Locale, id: string, legend: string, value: string | undefined, hint?: string): SafeHtml {
  return html`<div class="form-group"><fieldset id="${id}"><legend>${legend}</legend>${hint ? html`<div class="hint">${hint}</div>` : ''}
<div class="radio"><input type="radio" id="${id}-yes" name="${id}" value="yes"${value === 'yes' ? ' checked' : ''}><label for="${id}-yes">${t(locale, '是', 'Yes')}</label></div>
<div class="radio"><input type="radio" id="${id}-no" name="${id}" value="no"${value === 'no' ? ' checked' : ''}><label for="${id}-no">${t(locale, '否', 'No')}</label></div>
</fieldset></div>`;
}

export function select(id: string, label: string, options: readonly { value: string; label: string }[], value: string | undefined, hint?: string): SafeHtml {
  return html`<div class="form-group"><label for="${id}">${label}</label>${hint ? html`<div class="hint">${hint}</div>` : ''}
<select id="${id}" name="${id}">${options.map((o) => html`<option value="${o.value}"${o.value === value ? ' selected' : ''}>${o.label}</option>`)}</select></div>`;
}

export function checkboxes(id: string, legend: string, options: readonly { value: string; label: string | SafeHtml }[], values: readonly string[]): SafeHtml {
  return html`<div class="form-group"><fieldset id="${id}"><legend>${legend}</legend>${options.map((o, i) => html`<div class="radio"><input type="checkbox" id="${id}-${i}" name="${id}" value="${o.value}"${values.includes(o.value) ? ' checked' : ''}><label for="${id}-${i}">${o.label}</label></div>`)}</fieldset></div>`;
}

export function textarea(id: string, label: string, value = ''): SafeHtml {
  return html`<div class="form-group"><label for="${id}">${label}</label><textarea id="${id}" name="${id}" rows="3">${value}</textarea></div>`;
}

export function tag(text: string, grey = false): SafeHtml {
  return html`<span class="tag${grey ? ' grey' : ''}">${text}</span>`;
}

export function sendPage(reply: FastifyReply, ctx: PageContext, title: string, body: SafeHtml, status = 200, back?: { href: string; label: string }): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page(ctx, back ? { title, body, back } : { title, body }));
}

/** Pages that need a signed-in resident send others to sign in first. */
export function needsResident(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.viewer?.role === 'resident') return true;
  void reply.redirect(req.viewer ? '/' : '/sign-in', 303);
  return false;
}

export function needsStaff(req: FastifyRequest, reply: FastifyReply, roles: readonly string[]): boolean {
  if (req.viewer && roles.includes(req.viewer.role)) return true;
  void reply.redirect(req.viewer ? '/' : '/staff/sign-in', 303);
  return false;
}

/** A horizontal bar chart as inline SVG (no script): label, value, bar. */
export function barChart(title: string, bars: readonly { label: string; value: number }[]): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 26;
  const height = bars.length * rowH + 10;
  return html`<figure class="chart"><svg role="img" aria-label="${title}" width="100%" viewBox="0 0 600 ${height}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>
${bars.map((b, i) => html`<text x="0" y="${i * rowH + 18}" font-size="14">${b.label}</text><rect x="150" y="${i * rowH + 5}" width="${Math.round((b.value / max) * 380)}" height="18" fill="#1d70b8"></rect><text x="${155 + Math.round((b.value / max) * 380)}" y="${i * rowH + 18}" font-size="14">${b.value}</text>`)}
</svg><figcaption>${title}</figcaption></figure>`;
}
