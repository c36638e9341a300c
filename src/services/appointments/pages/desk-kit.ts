import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html, raw, type SafeHtml } from '../../../platform/web/html.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit } from '../../../platform/audit/trail.ts';
import type { Role } from '../../../platform/identity/roles.ts';
import type { Viewer } from '../../../platform/identity/sessions.ts';
import { documentTypeLabels, documentTypes } from '../../../platform/identity/documents.ts';
import { pick, type Locale } from '../../../platform/http/locale.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { sendHtml, t } from '../referrals/page-kit.ts';

/**
 * Shared bits of the staff pages (window, kiosk, phone, violation list): a role guard that answers
 * with a page, inputs that take autofocus and access keys, and the audit of personal-data reads.
 */
export async function staffGuard(
  deps: AppointmentsDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: readonly Role[],
  needInstitution: boolean,
): Promise<{ viewer: Viewer; institutionId: number | null } | undefined> {
  const ctx = pageContext(req, deps.clock);
  if (!req.viewer) {
    await reply.redirect('/staff/sign-in', 303);
    return undefined;
  }
  const institutionId = needInstitution ? await institutionOfOrganisation(deps.k, req.viewer.organisationId) : null;
  if (!roles.includes(req.viewer.role) || (needInstitution && institutionId === null)) {
    await sendHtml(reply, page(ctx, { title: t(ctx.locale, '无权访问', 'Not allowed'), body: html`<p>${t(ctx.locale, '您的角色不能使用此页面。', 'Your role cannot use this page.')}</p>` }), 403);
    return undefined;
  }
  return { viewer: req.viewer, institutionId };
}

export interface FieldOptions {
  id: string;
  label: string;
  value?: string | undefined;
  hint?: string | undefined;
  error?: string | undefined;
  inputmode?: string;
  autocomplete?: string;
  autofocus?: boolean;
  accesskey?: string;
}

/** The platform's GOV.UK text input, plus autofocus and an access key for keyboard-first desks. */
export function field(o: FieldOptions): SafeHtml {
  const describedBy = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}${o.accesskey ? html` <kbd class="accesskey">${o.accesskey.toUpperCase()}</kbd>` : ''}</label>
  ${o.hint ? html`<div class="hint" id="${o.id}-hint">${o.hint}</div>` : ''}
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <input class="input" id="${o.id}" name="${o.id}" type="text" value="${o.value ?? ''}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : html` autocomplete="off"`}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.autofocus ? ' autofocus' : ''}${o.accesskey ? html` accesskey="${o.accesskey}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

/** A select with optional groups (optgroup per institution), autofocus and access key. */
export function choice(o: { id: string; label: string; options: readonly { value: string; label: string; group?: string }[]; value?: string | undefined; error?: string | undefined; hint?: string; autofocus?: boolean; accesskey?: string; blank?: boolean }): SafeHtml {
  const groups = [...new Set(o.options.map((x) => x.group ?? ''))];
  const option = (x: { value: string; label: string }) => html`<option value="${x.value}"${x.value === o.value ? ' selected' : ''}>${x.label}</option>`;
  const describedBy = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="form-group${o.error ? ' form-group-error' : ''}">
  <label for="${o.id}">${o.label}${o.accesskey ? html` <kbd class="accesskey">${o.accesskey.toUpperCase()}</kbd>` : ''}</label>
  ${o.hint ? html`<div class="hint" id="${o.id}-hint">${o.hint}</div>` : ''}
  ${o.error ? html`<p class="error-message" id="${o.id}-error">${o.error}</p>` : ''}
  <select id="${o.id}" name="${o.id}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${o.autofocus ? ' autofocus' : ''}${o.accesskey ? html` accesskey="${o.accesskey}"` : ''}>${o.blank === false ? '' : html`<option value="">—</option>`}${groups.map((g) =>
    g ? html`<optgroup label="${g}">${o.options.filter((x) => x.group === g).map(option)}</optgroup>` : html`${o.options.filter((x) => !x.group).map(option)}`,
  )}</select>
</div>`;
}

export function documentTypeOptions(l: Locale): { value: string; label: string }[] {
  return documentTypes.map((d) => ({ value: d, label: pick(l, documentTypeLabels[d]) }));
}

export function documentTypeLabel(l: Locale, type: string): string {
  const label = (documentTypeLabels as Record<string, { zh: string; en: string }>)[type];
  return label ? pick(l, label) : type;
}

/** 第三十条: showing patients' personal data to staff is a read, and it is audited. */
export async function auditRead(deps: AppointmentsDeps, req: FastifyRequest, action: string, entityType: string, detail: Record<string, unknown>): Promise<void> {
  await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action, entityType, entityId: 'list', purpose: 'appointments', detail }));
}

/** This service's stylesheet and scripts are files on the same origin: the CSP allows no inline code. */
export function assetLinks(...scripts: string[]): SafeHtml {
  return html`<link rel="stylesheet" href="/appointments/assets/appointments.css">${scripts.map((s) => html`<script src="/appointments/assets/${s}" defer></script>`)}`;
}

/** Focus the first control of a rendered component (the platform's radios take no autofocus option). */
export function withAutofocus(on: boolean, fragment: SafeHtml): SafeHtml {
  return on ? raw(fragment.value.replace(/<(input|select|textarea)\b/, '<$1 autofocus')) : fragment;
}
