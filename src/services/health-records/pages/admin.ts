import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { pageContext } from '../../../platform/http/server.ts';
import { requireRole } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, table, textInput, citationText, type FieldError } from '../../../platform/web/components.ts';
import { addDays, civilDateOf } from '../../../platform/time/civil.ts';
import type { Decision, Reason } from '../../../platform/law/decision.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import { documentTypeLabels, type DocumentType } from '../../../platform/identity/documents.ts';
import type { Db } from '../../../platform/db/connect.ts';
import type { HealthRecordsTables } from '../schema.ts';
import { activateGrant, approveGrant, integrateInstitution, listGrants, rejectGrant, revokeGrant, submitApplication } from '../grants.ts';
import { dutiesOf, requireOperatorScope } from '../operators.ts';
import { mergePersons, resolveConflict, undoMerge } from '../duplicates.ts';
import { dataItemLabels, personalDataItems, purposeLabels, purposes } from '../data-items.ts';
import { authorisationCitation, identityCitation } from '../citations.ts';
import { auditIdentityReview, listDuplicatesAudited } from '../routes-governance.ts';
import { staffRef } from '../http-helpers.ts';
import { k } from '../person-index.ts';
import { actionForm, checkboxes, field, fields, textArea } from './forms.ts';

const docLabelOf = (t: string, en: boolean) => { const l = documentTypeLabels[t as DocumentType]; return l ? (en ? l.en : l.zh) : t; };

const staffRoles = ['platform_operator', 'department_reviewer', 'auditor', 'institution_admin'] as const;

const statusLabels: Record<string, { zh: string; en: string }> = {
  submitted: { zh: '待审批', en: 'Awaiting approval' },
  approved: { zh: '两部门已同意，待信息中心办理', en: 'Approved, awaiting activation' },
  active: { zh: '有效', en: 'Active' },
  expired: { zh: '已到期', en: 'Expired' },
  rejected: { zh: '未同意', en: 'Rejected' },
  revoked: { zh: '已撤销', en: 'Revoked' },
};

function reasonsAsErrors(locale: string, reasons: readonly Reason[]): FieldError[] {
  return reasons.map((r) => ({ field: 'main', message: locale === 'en' ? r.message.en : r.message.zh, citation: r.citation }));
}

/** Operators' and reviewers' screens: grants workflow (第十四条), duplicates and merges (第八条). */
export function registerAdminPages(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;
  const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) => {
    const ctx = pageContext(req, deps.clock);
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(ctx, { title, body, back: { href: '/health-records/admin', label: ctx.locale === 'en' ? 'Health-record centre' : '健康档案中心管理' } }));
  };
  const signedIn = (req: FastifyRequest, reply: FastifyReply, roles: readonly (typeof staffRoles)[number][] = staffRoles) => {
    if (!req.viewer) {
      void reply.redirect('/staff/sign-in', 303);
      return undefined;
    }
    return requireRole(req, reply, roles);
  };

  app.get('/health-records/admin', { schema: { hide: true } }, async (req, reply) => {
    const v = signedIn(req, reply);
    if (!v) return reply;
    const en = pageContext(req, deps.clock).locale === 'en';
    const orgs = await db.kysely.selectFrom('organisations as o').leftJoin('hr_institutions as i', 'i.organisation_id', 'o.id').select(['o.id', 'o.name', 'o.kind', 'i.integrated', 'i.status']).orderBy('o.id').execute();
    const isOperator = v.role === 'platform_operator';
    const body = html`<ul>
<li><a href="/health-records/admin/grants">${en ? 'Grants: applications, approvals, activation, revocation' : '授权管理：申请、审批、办理、撤销'}</a></li>
${isOperator ? html`<li><a href="/health-records/admin/duplicates">${en ? 'Duplicate people and merges' : '疑似重复人员与合并'}</a></li>` : ''}
<li><a href="/health-records/statistics">${en ? 'Published statistics' : '公开统计'}</a></li>
</ul>
<h2>${en ? 'Institutions' : '接入机构'}</h2>
${table([en ? 'Institution' : '机构', en ? 'Status' : '状态', ''], orgs.map((o) => [o.name, o.status === 'closed' ? (en ? 'Closed (handed over)' : '已变更移交') : Number(o.integrated ?? 0) === 1 ? (en ? 'Integrated (direct grant)' : '已接入（直接授权）') : en ? 'Not integrated' : '未接入', isOperator && Number(o.integrated ?? 0) !== 1 && o.status !== 'closed' ? actionForm(`/health-records/admin/institutions/${o.id}/integrate`, en ? 'Integrate' : '接入', '', true) : '']))}`;
    return send(req, reply, en ? 'Health-record centre' : '居民健康档案中心管理', body);
  });

  app.post<{ Params: { id: string } }>('/health-records/admin/institutions/:id/integrate', { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,10}$' } } } } }, async (req, reply) => {
    if (!signedIn(req, reply, ['platform_operator'])) return reply;
    const d = await integrateInstitution(db, deps.clock, staffRef(req), Number(req.params.id));
    if (!d.allowed) return send(req, reply, '接入失败 / Not integrated', html`${errorSummary(pageContext(req, deps.clock).locale, reasonsAsErrors(pageContext(req, deps.clock).locale, d.reasons))}`, 403);
    return reply.redirect('/health-records/admin', 303);
  });

  // ---- grants
  app.get<{ Querystring: { status?: string; q?: string; lang?: string } }>('/health-records/admin/grants', { schema: { hide: true, querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', maxLength: 20 }, q: { type: 'string', maxLength: 60 }, lang: { type: 'string' } } } } }, async (req, reply) => {
    const v = signedIn(req, reply);
    if (!v) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const today = civilDateOf(deps.clock.now());
    const q = req.query.q?.trim() ?? '';
    const all = await listGrants(k(db.kysely), today, v.role === 'institution_admin' ? { organisationId: v.organisationId ?? -1 } : {});
    const rows = all.filter((g) => (!req.query.status || g.effectiveStatus === req.query.status) && (!q || g.ref.includes(q) || g.granteeName.includes(q)));
    const myDuties = v.role === 'department_reviewer' ? await dutiesOf(k(db.kysely), v.id) : [];
    const label = (m: Record<string, { zh: string; en: string }>, key: string) => (m[key] ? (en ? m[key].en : m[key].zh) : key);
    const actions = (g: (typeof rows)[number]): SafeHtml | string => {
      const out: SafeHtml[] = [];
      if (g.status === 'submitted' && v.role === 'department_reviewer') {
        if (myDuties.includes('business_department') && !g.businessApproved) out.push(actionForm(`/health-records/admin/grants/${g.id}/approve`, en ? 'Approve (business dept.)' : '同意（主管业务部门）', html`<input type="hidden" name="department" value="business_department">`));
        if (myDuties.includes('information_department') && !g.informationApproved) out.push(actionForm(`/health-records/admin/grants/${g.id}/approve`, en ? 'Approve (information dept.)' : '同意（信息部门）', html`<input type="hidden" name="department" value="information_department">`));
        if (myDuties.length) out.push(actionForm(`/health-records/admin/grants/${g.id}/reject`, en ? 'Reject' : '不同意', html`<label class="visually-hidden" for="r-${g.id}">${en ? 'Reason' : '理由'}</label><input class="input" id="r-${g.id}" name="reason" required placeholder="${en ? 'Reason' : '理由'}"> `, true));
      }
      if (v.role === 'platform_operator' && g.status === 'approved') out.push(actionForm(`/health-records/admin/grants/${g.id}/activate`, en ? 'Activate (信息中心)' : '办理生效（信息中心）'));
      if (v.role === 'platform_operator' && ['active', 'approved', 'submitted'].includes(g.status)) out.push(actionForm(`/health-records/admin/grants/${g.id}/revoke`, en ? 'Revoke' : '撤销', html`<label class="visually-hidden" for="v-${g.id}">${en ? 'Reason' : '理由'}</label><input class="input" id="v-${g.id}" name="reason" required placeholder="${en ? 'Reason' : '撤销原因'}"> `, true));
      return out.length ? html`${out}` : '';
    };
    const qs = new URLSearchParams({ format: 'csv', ...(req.query.status && req.query.status !== 'expired' ? { status: req.query.status } : {}) });
    const body = html`<p>${en ? 'Integrated institutions have a direct grant. Other units apply in writing; the business and the information department of the 卫生计生委 both approve; the 信息中心 then activates. Every read is checked against a grant.' : '接入平台的医疗卫生机构默认为直接授权；其他单位须提交书面申请，经区卫生计生委主管业务部门和信息部门同意后，由委信息中心办理。每次数据调用都按授权核验。'} <a class="citation" href="/law/${encodeURIComponent(authorisationCitation.doc)}#${encodeURIComponent(authorisationCitation.article)}">${citationText(ctx.locale, authorisationCitation)}</a></p>
${v.role === 'institution_admin' || v.role === 'platform_operator' ? html`<p><a class="button" href="/health-records/admin/grants/new">${en ? 'New written application' : '新建书面申请'}</a></p>` : ''}
<form method="get" action="/health-records/admin/grants" class="search-form">
${textInput({ id: 'q', label: en ? 'Reference or unit' : '编号或单位', value: q })}
<div class="form-group"><label for="status">${en ? 'Status' : '状态'}</label><select id="status" name="status"><option value="">${en ? 'All' : '全部'}</option>${Object.keys(statusLabels).map((s) => html`<option value="${s}"${req.query.status === s ? ' selected' : ''}>${label(statusLabels, s)}</option>`)}</select></div>
${button(en ? 'Search' : '检索')}
</form>
<p><a href="/api/health-records/grants?${qs.toString()}">${en ? 'Export CSV' : '导出 CSV'}</a></p>
${table([en ? 'Ref' : '编号', en ? 'Unit' : '单位', en ? 'Data items' : '数据项', en ? 'Purposes' : '用途', en ? 'Period' : '期限', en ? 'Legal basis' : '依据', en ? 'Status' : '状态', ''], rows.map((g) => [
  g.ref, g.granteeName, g.dataItems.map((i) => label(dataItemLabels, i)).join('、'), g.purposes.map((p) => label(purposeLabels, p)).join('、'),
  `${g.validFrom} – ${g.validUntil ?? (en ? 'open' : '长期')}`, g.legalBasis,
  html`${label(statusLabels, g.effectiveStatus)}${g.status === 'submitted' ? html`<br><small>${en ? 'Business' : '业务部门'} ${g.businessApproved ? '✓' : '—'} · ${en ? 'Information' : '信息部门'} ${g.informationApproved ? '✓' : '—'}</small>` : ''}`,
  actions(g),
]))}`;
    return send(req, reply, en ? 'Grants' : '授权管理', body);
  });

  const grantForm = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string | string[]>, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const errOf = (f: string) => errors.find((e) => e.field === f)?.message;
    const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '');
    const list = (key: string) => (Array.isArray(values[key]) ? (values[key] as string[]) : []);
    const body = html`${errorSummary(ctx.locale, errors)}
<form method="post" action="/health-records/admin/grants/new" novalidate>
${req.viewer?.role === 'platform_operator' ? textInput({ id: 'granteeOrganisationId', label: en ? 'Applying unit (organisation number)' : '申请单位（机构编号）', value: str('granteeOrganisationId'), error: errOf('granteeOrganisationId'), inputmode: 'numeric' }) : ''}
${checkboxes({ id: 'dataItems', legend: en ? 'Data items applied for' : '申请的数据项', values: list('dataItems'), error: errOf('dataItems'), options: personalDataItems.map((i) => ({ value: i, label: en ? dataItemLabels[i].en : dataItemLabels[i].zh })) })}
${checkboxes({ id: 'purposes', legend: en ? 'Purposes' : '用途', values: list('purposes'), error: errOf('purposes'), options: purposes.map((p) => ({ value: p, label: en ? purposeLabels[p].en : purposeLabels[p].zh })) })}
${textArea({ id: 'purposeText', label: en ? 'What the data will be used for' : '具体用途说明', value: str('purposeText'), error: errOf('purposeText') })}
${textInput({ id: 'legalBasis', label: en ? 'Legal basis or directive' : '法律依据或上级指令性任务', value: str('legalBasis'), error: errOf('legalBasis') })}
${textArea({ id: 'applicationText', label: en ? 'Written application (text or document number)' : '书面申请（正文或文号）', value: str('applicationText'), error: errOf('applicationText') })}
${textInput({ id: 'validFrom', label: en ? 'From (YYYY-MM-DD)' : '开始日期（YYYY-MM-DD）', value: str('validFrom') || civilDateOf(deps.clock.now()), error: errOf('validFrom') })}
${textInput({ id: 'validUntil', label: en ? 'Until (YYYY-MM-DD)' : '结束日期（YYYY-MM-DD）', value: str('validUntil') || addDays(civilDateOf(deps.clock.now()), 365), error: errOf('validUntil') })}
${button(en ? 'Submit application' : '提交申请')}
</form>`;
    return send(req, reply, en ? 'Written data application' : '书面数据对接申请', body, errors.length ? 422 : 200);
  };

  app.get('/health-records/admin/grants/new', { schema: { hide: true } }, async (req, reply) => {
    if (!signedIn(req, reply, ['institution_admin', 'platform_operator'])) return reply;
    return grantForm(req, reply, {}, []);
  });

  app.post('/health-records/admin/grants/new', { schema: { hide: true } }, async (req, reply) => {
    const v = signedIn(req, reply, ['institution_admin', 'platform_operator']);
    if (!v) return reply;
    const en = pageContext(req, deps.clock).locale === 'en';
    const values: Record<string, string | string[]> = { granteeOrganisationId: field(req, 'granteeOrganisationId'), dataItems: fields(req, 'dataItems'), purposes: fields(req, 'purposes'), purposeText: field(req, 'purposeText'), legalBasis: field(req, 'legalBasis'), applicationText: field(req, 'applicationText'), validFrom: field(req, 'validFrom'), validUntil: field(req, 'validUntil') };
    const grantee = v.role === 'institution_admin' ? v.organisationId : Number(values.granteeOrganisationId) || null;
    if (!grantee) return grantForm(req, reply, values, [{ field: 'granteeOrganisationId', message: en ? 'Enter the applying unit' : '请填写申请单位' }]);
    if (v.role === 'platform_operator') {
      const scope = await requireOperatorScope(db, deps.clock, staffRef(req), 'grants');
      if (!scope.allowed) return grantForm(req, reply, values, reasonsAsErrors(en ? 'en' : 'zh-CN', scope.reasons));
    }
    const d = await submitApplication(db, deps.clock, staffRef(req), grantee, { dataItems: values.dataItems as string[], purposes: values.purposes as string[], purposeText: String(values.purposeText), legalBasis: String(values.legalBasis), applicationText: String(values.applicationText), validFrom: String(values.validFrom), validUntil: String(values.validUntil) });
    if (!d.allowed) {
      const errors = 'problems' in d ? d.problems.map((p) => ({ field: p.field, message: en ? p.message.en : p.message.zh, citation: authorisationCitation })) : reasonsAsErrors(en ? 'en' : 'zh-CN', d.reasons);
      return grantForm(req, reply, values, errors);
    }
    return reply.redirect('/health-records/admin/grants', 303);
  });

  const grantAction = (path: string, roles: readonly ('platform_operator' | 'department_reviewer')[], run: (req: FastifyRequest, id: number) => Promise<Decision<unknown>>) =>
    app.post<{ Params: { id: string } }>(`/health-records/admin/grants/:id/${path}`, { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,10}$' } } } } }, async (req, reply) => {
      if (!signedIn(req, reply, roles)) return reply;
      const d = await run(req, Number(req.params.id));
      if (!d.allowed) {
        const locale = pageContext(req, deps.clock).locale;
        return send(req, reply, locale === 'en' ? 'Not done' : '未能办理', html`${errorSummary(locale, reasonsAsErrors(locale, d.reasons))}<p><a href="/health-records/admin/grants">${locale === 'en' ? 'Back to grants' : '返回授权管理'}</a></p>`, 422);
      }
      return reply.redirect('/health-records/admin/grants', 303);
    });
  grantAction('approve', ['department_reviewer'], (req, id) => approveGrant(db, deps.clock, staffRef(req), id, field(req, 'department') === 'information_department' ? 'information_department' : 'business_department'));
  grantAction('reject', ['department_reviewer'], (req, id) => rejectGrant(db, deps.clock, staffRef(req), id, field(req, 'reason')));
  grantAction('activate', ['platform_operator'], (req, id) => activateGrant(db, deps.clock, staffRef(req), id));
  grantAction('revoke', ['platform_operator'], (req, id) => revokeGrant(db, deps.clock, staffRef(req), id, field(req, 'reason')));

  // ---- duplicates and merges
  app.get('/health-records/admin/duplicates', { schema: { hide: true } }, async (req, reply) => {
    if (!signedIn(req, reply, ['platform_operator'])) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const scope = await requireOperatorScope(db, deps.clock, staffRef(req), 'mpi');
    if (!scope.allowed) return send(req, reply, en ? 'Duplicates' : '疑似重复人员', html`${errorSummary(ctx.locale, reasonsAsErrors(ctx.locale, scope.reasons))}`, 403);
    const list = await listDuplicatesAudited(db, deps, req);
    const merges = await db.kysely.selectFrom('hr_person_merges as m').innerJoin('persons as s', 's.id', 'm.survivor_id').innerJoin('persons as d', 'd.id', 'm.merged_id').select(['m.id', 'm.reason', 'm.merged_at', 'm.undone_at', 's.name as s_name', 's.id as s_id', 'd.id as d_id', 'd.doc_type as d_type']).orderBy('m.id', 'desc').limit(50).execute();
    const conflicts = await db.kysely.selectFrom('hr_basic_conflicts as c').innerJoin('persons as p', 'p.id', 'c.person_id').select(['c.id', 'c.field', 'c.current_value', 'c.proposed_value', 'p.name', 'p.id as pid']).where('c.status', '=', 'open').orderBy('c.id').limit(100).execute();
    await auditIdentityReview(db, deps, req, [...merges.flatMap((m) => [Number(m.s_id), Number(m.d_id)]), ...conflicts.map((c) => Number(c.pid))], 'merges_and_conflicts');
    const reasonText = (r: string) => ({ same_name: en ? 'same name' : '同名', same_birth_date: en ? 'same birth date' : '同出生日期', same_phone: en ? 'same phone' : '同手机号' })[r] ?? r;
    const docLabel = (t: string) => { const l = documentTypeLabels[t as DocumentType]; return l ? (en ? l.en : l.zh) : t; };
    const who = (p: { id: number; name: string; docType: string; docNumber: string; birthDate: string | null }) => `#${p.id} ${p.name} ${docLabel(p.docType)} ${maskDocumentNumber(p.docNumber)} ${p.birthDate ?? ''}`;
    const body = html`<p>${en ? 'People who may be one person under two documents. Check before merging; a merge can be undone. Shown people are recorded in the audit trail.' : '可能是同一人使用不同证件登记的人员。请复核后再合并；合并可以撤销。本页显示的人员均记入审计日志。'} <a class="citation" href="/law/${encodeURIComponent(identityCitation.doc)}#${encodeURIComponent(identityCitation.article)}">${citationText(ctx.locale, identityCitation)}</a></p>
<p><a href="/api/health-records/duplicates?format=csv">${en ? 'Export CSV' : '导出 CSV'}</a></p>
${table([en ? 'Person A (kept)' : '人员A（保留）', en ? 'Person B (merged in)' : '人员B（并入）', en ? 'Why' : '依据', ''], list.map((c) => [who(c.a), who(c.b), c.reasons.map(reasonText).join('、'), actionForm('/health-records/admin/merges', en ? 'Merge B into A' : '将B并入A', html`<input type="hidden" name="survivorId" value="${c.a.id}"><input type="hidden" name="mergedId" value="${c.b.id}"><label class="visually-hidden" for="m-${c.a.id}-${c.b.id}">${en ? 'What was checked' : '复核情况'}</label><input class="input" id="m-${c.a.id}-${c.b.id}" name="reason" required placeholder="${en ? 'What was checked' : '复核情况'}"> `)]), en ? 'Suspected duplicates' : '疑似重复')}
<h2>${en ? 'Merges' : '合并记录'}</h2>
${table(['#', en ? 'Kept' : '保留', en ? 'Merged in' : '并入', en ? 'Grounds' : '依据', en ? 'Status' : '状态', ''], merges.map((m) => [String(m.id), `#${m.s_id} ${m.s_name}`, `#${m.d_id} (${docLabelOf(m.d_type, en)})`, m.reason, m.undone_at ? (en ? 'Undone' : '已撤销') : en ? 'In effect' : '有效', m.undone_at ? '' : actionForm(`/health-records/admin/merges/${m.id}/undo`, en ? 'Undo' : '撤销合并', html`<label class="visually-hidden" for="u-${m.id}">${en ? 'Reason' : '原因'}</label><input class="input" id="u-${m.id}" name="reason" required placeholder="${en ? 'Reason' : '撤销原因'}"> `, true)]))}
<h2>${en ? 'Basic data items to review' : '待复核的基本信息差异'}</h2>
${table([en ? 'Person' : '人员', en ? 'Item' : '数据项', en ? 'Held' : '现值', en ? 'Proposed' : '新值', ''], conflicts.map((c) => [`#${c.pid} ${c.name}`, c.field, c.current_value ?? '—', c.proposed_value ?? '—', html`${actionForm(`/health-records/admin/conflicts/${c.id}`, en ? 'Keep held' : '保留现值', html`<input type="hidden" name="decision" value="keep">`, true)} ${actionForm(`/health-records/admin/conflicts/${c.id}`, en ? 'Accept new' : '采用新值', html`<input type="hidden" name="decision" value="accept">`)}`]))}`;
    return send(req, reply, en ? 'Duplicate people and merges' : '疑似重复人员与合并', body);
  });

  const mpiAction = (path: string, run: (req: FastifyRequest, id: number) => Promise<Decision<unknown>>) =>
    app.post<{ Params: { id?: string } }>(path, { schema: { hide: true } }, async (req, reply) => {
      if (!signedIn(req, reply, ['platform_operator'])) return reply;
      const locale = pageContext(req, deps.clock).locale;
      const scope = await requireOperatorScope(db, deps.clock, staffRef(req), 'mpi');
      const d = scope.allowed ? await run(req, Number(req.params.id ?? 0)) : scope;
      if (!d.allowed) return send(req, reply, locale === 'en' ? 'Not done' : '未能办理', html`${errorSummary(locale, reasonsAsErrors(locale, d.reasons))}<p><a href="/health-records/admin/duplicates">${locale === 'en' ? 'Back' : '返回'}</a></p>`, 422);
      return reply.redirect('/health-records/admin/duplicates', 303);
    });
  mpiAction('/health-records/admin/merges', (req) => mergePersons(db, deps.clock, staffRef(req), { survivorId: Number(field(req, 'survivorId')), mergedId: Number(field(req, 'mergedId')), reason: field(req, 'reason') }));
  mpiAction('/health-records/admin/merges/:id/undo', (req, id) => undoMerge(db, deps.clock, staffRef(req), id, field(req, 'reason')));
  mpiAction('/health-records/admin/conflicts/:id', (req, id) => resolveConflict(db, deps.clock, staffRef(req), id, field(req, 'decision') === 'accept' ? 'accept' : 'keep'));
}

