import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../../platform/web/html.ts';

export function field(req: FastifyRequest, key: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '';
}

export function fields(req: FastifyRequest, key: string): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function checkboxes(o: { id: string; legend: string; options: { value: string; label: string }[]; values: readonly string[]; error?: string | undefined }): SafeHtml {
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <fieldset id="${o.id}"${o.error ? html` aria-describedby="${o.id}-error"` : ''}>
    <legend>${o.legend}</legend>
    ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
    ${o.options.map((opt, i) => html`<div class="radio"><input type="checkbox" id="${o.id}-${i}" name="${o.id}" value="${opt.value}"${o.values.includes(opt.value) ? ' checked' : ''}><label for="${o.id}-${i}">${opt.label}</label></div>`)}
  </fieldset>
</div>`;
}

export function textArea(o: { id: string; label: string; value?: string; hint?: string; error?: string | undefined }): SafeHtml {
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${o.hint ? html`<div class="hint" id="${o.id}-hint">${o.hint}</div>` : ''}
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <textarea class="input" id="${o.id}" name="${o.id}" rows="4"${o.error ? html` aria-invalid="true"` : ''}>${o.value ?? ''}</textarea>
</div>`;
}

/** A one-button POST form (GOV.UK: actions are buttons, not links). */
export function actionForm(action: string, label: string, extra: SafeHtml | '' = '', secondary = false): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">${extra}<button class="button${secondary ? ' secondary' : ''}" type="submit">${label}</button></form>`;
}
