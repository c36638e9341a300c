import type { Citation } from '../law/decision.ts';
import { citationUrl } from '../http/refusal.ts';
import type { Locale } from '../http/locale.ts';
import { html, type SafeHtml } from './html.ts';

export interface FieldError {
  /** The id of the input the message belongs to. */
  readonly field: string;
  readonly message: string;
  readonly citation?: Citation | undefined;
}

/** GOV.UK error summary: a list of links to the fields, focused on load (autofocus works without JS). */
export function errorSummary(locale: Locale, errors: readonly FieldError[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
  <h2 id="error-summary-title">${locale === 'en' ? 'There is a problem' : '请修改以下问题'}</h2>
  <ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a>${e.citation ? html` <a class="citation" href="${citationUrl(e.citation)}">${citationText(locale, e.citation)}</a>` : ''}</li>`)}</ul>
</div>`;
}

export function citationText(locale: Locale, c: Citation): string {
  return locale === 'en' ? `Under ${c.doc} ${c.article}` : `依据 ${c.doc} ${c.article}`;
}

export interface InputOptions {
  id: string;
  label: string;
  value?: string | undefined;
  hint?: string | undefined;
  error?: string | undefined;
  type?: string | undefined;
  autocomplete?: string | undefined;
  inputmode?: string | undefined;
}

export function textInput(o: InputOptions): SafeHtml {
  const describedBy = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${o.hint ? html`<div class="hint" id="${o.id}-hint">${o.hint}</div>` : ''}
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <input class="input" id="${o.id}" name="${o.id}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

export function radios(o: { id: string; legend: string; options: { value: string; label: string }[]; value?: string | undefined; error?: string | undefined }): SafeHtml {
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <fieldset id="${o.id}"${o.error ? html` aria-describedby="${o.id}-error"` : ''}>
    <legend>${o.legend}</legend>
    ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
    ${o.options.map((opt, i) => html`<div class="radio"><input type="radio" id="${o.id}-${i}" name="${o.id}" value="${opt.value}"${opt.value === o.value ? ' checked' : ''}><label for="${o.id}-${i}">${opt.label}</label></div>`)}
  </fieldset>
</div>`;
}

export function button(label: string): SafeHtml {
  return html`<button class="button" type="submit">${label}</button>`;
}

/** A check-answers style key/value list. */
export function summaryList(rows: readonly { key: string; value: string | SafeHtml; change?: string }[]): SafeHtml {
  return html`<dl class="summary-list">${rows.map((r) => html`<div class="summary-row"><dt>${r.key}</dt><dd>${r.value}</dd>${r.change ? html`<dd><a href="${r.change}">更改</a></dd>` : ''}</div>`)}</dl>`;
}

/**
 * A data table. On a phone a wide table scrolls inside its wrapper; a focusable, named region lets
 * keyboard users scroll it too (WCAG 2.1.1, axe scrollable-region-focusable). The region is named by
 * `label`, else the caption, else the headers: give a label when a page has two tables alike.
 */
export function table(headers: readonly string[], rows: readonly (readonly (string | SafeHtml)[])[], caption?: string, label?: string): SafeHtml {
  const name = label ?? caption ?? headers.filter(Boolean).join(' / ');
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${name}"><table>${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${headers.map((h) => (h ? html`<th scope="col">${h}</th>` : html`<td></td>`))}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`;
}
