import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { pick, type Locale } from '../../../platform/http/locale.ts';
import { page, type PageContext } from '../../../platform/web/layout.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, table, textInput, type FieldError } from '../../../platform/web/components.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit } from '../../../platform/audit/trail.ts';
import { documentTypeLabels, documentTypes } from '../../../platform/identity/documents.ts';
import type { Role } from '../../../platform/identity/roles.ts';
import type { Viewer } from '../../../platform/identity/sessions.ts';
import { civilDateOf, formatCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { Reason } from '../../../platform/law/decision.ts';
import { referralArt } from './citations.ts';
import { chronicCategoryLabels, isChronicCategory } from './criteria.ts';
import { checkDiseaseInfo, checkHandBack, checkVisitWithinThreeDays } from './eligibility.ts';
import { acceptReferral, acknowledgeHandBack, checkInAtReferralWindow, isNamedHandler } from './handling.ts';
import { deliverHandBack, handBack } from './handback.ts';
import { getReferral, listReferrals, matchesSearch, type ReferralView } from './queries.ts';
import { checkEligibility, priorReferral, referralOffer, type OfferRow } from './upward.ts';
import { inScope, referralScope, seesFullName, type ReferralDeps } from './context.ts';
import { personByDocument, referUpward } from './routes.ts';
import { errorFor, fieldErrors, formOf, hidden, lawLink, select, sendHtml, t, textArea, type Form } from './page-kit.ts';

const statusText: Record<string, { zh: string; en: string }> = {
  booked: { zh: '已预约', en: 'Booked' },
  accepted: { zh: '已受理', en: 'Accepted' },
  arrived: { zh: '已取号就诊', en: 'Arrived' },
  handed_back: { zh: '已转回社区', en: 'Handed back' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  sent: { zh: '待社区确认', en: 'Awaiting the centre' },
  acknowledged: { zh: '社区已接收', en: 'Acknowledged' },
};
function searchForm(l: Locale, action: string, q: string): SafeHtml {
  return html`<form method="get" action="${action}" class="inline" role="search">${textInput({ id: 'q', label: t(l, '按患者姓名或转诊单号查找', 'Find by patient name or slip number'), value: q })}${button(t(l, '查找', 'Search'))}</form>`;
}

const statusLabel = (locale: Locale, s: string) => pick(locale, statusText[s] ?? { zh: s, en: s });

const patientFields = ['docType', 'docNumber', 'target', 'criterionCode', 'diseaseInfo'] as const;
const allFields = [...patientFields, 'slotId', 'exceptionReason', 'step', 'submission'] as const;

/** Which form field a refusal is about, so the error summary links to it. */
function referralField(code: string): string {
  if (code === 'unknown_referral_criterion') return 'criterionCode';
  if (code === 'disease_info_required') return 'diseaseInfo';
  if (code === 'referral_after_three_days_needs_reason') return 'exceptionReason';
  if (code === 'slot_full' || code === 'slot_not_found' || code === 'booking_closed' || code.endsWith('_limit_exceeded') || code === 'outside_booking_window') return 'slotId';
  return 'docNumber';
}

function priorityTags(locale: Locale, r: ReferralView): SafeHtml {
  return html`${r.priority.visit ? html`<span class="tag">${t(locale, '优先就诊', 'Priority visit')}</span> <span class="tag">${t(locale, '优先检查', 'Priority exams')}</span> <span class="tag">${t(locale, '优先住院', 'Priority admission')}</span>` : ''}${r.chronicFocus ? html` <span class="tag grey">${t(locale, '重点慢病', 'Chronic focus')}</span>` : ''}`;
}

/** 第十六条 (四): the health-record basics as the referral carries them (scalar fields only). */
function basicsList(locale: Locale, basics: Record<string, unknown> | null): SafeHtml {
  if (!basics) return html`<p>${t(locale, '无', 'None')}</p>`;
  const labels: Record<string, { zh: string; en: string }> = {
    name: { zh: '姓名', en: 'Name' },
    sex: { zh: '性别', en: 'Sex' },
    birthDate: { zh: '出生日期', en: 'Date of birth' },
    documents: { zh: '档案条目数', en: 'Record entries' },
    lastUpdated: { zh: '档案最近更新', en: 'Record last updated' },
  };
  const rows = Object.entries(basics)
    .filter(([k, v]) => k !== 'personId' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .map(([k, v]) => ({ key: pick(locale, labels[k] ?? { zh: k, en: k }), value: String(v) }));
  return rows.length ? summaryList(rows) : html`<p>${t(locale, '无', 'None')}</p>`;
}

export function registerReferralPages(app: FastifyInstance, deps: ReferralDeps): void {
  /** Signed-in staff with one of the roles; otherwise a sign-in redirect or a 403 page. */
  async function staffOnly(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<Viewer | undefined> {
    const ctx = pageContext(req, deps.clock);
    if (!req.viewer) {
      await reply.redirect('/staff/sign-in', 303);
      return undefined;
    }
    if (!roles.includes(req.viewer.role)) {
      await sendHtml(reply, page(ctx, { title: t(ctx.locale, '无权访问', 'Not allowed'), body: html`<p>${t(ctx.locale, '您的角色不能使用此页面。', 'Your role cannot use this page.')}</p>` }), 403);
      return undefined;
    }
    return req.viewer;
  }

  /** 第三十条: a list showing disease information is a read of health data. */
  async function auditList(req: FastifyRequest, rows: readonly ReferralView[]): Promise<void> {
    if (rows.length === 0) return;
    await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'referral.list', entityType: 'appt_referral', entityId: 'list', purpose: 'referral', detail: { count: rows.length, ids: rows.slice(0, 50).map((r) => r.referralId) } }));
  }

  async function hospitalOptions(): Promise<{ value: string; label: string; group: string }[]> {
    const rows = await deps.k
      .selectFrom('appt_departments as d')
      .innerJoin('appt_institutions as i', 'i.id', 'd.institution_id')
      .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
      .select(['d.id', 'd.name', 'i.id as institution_id', 'o.name as institution'])
      .where('o.kind', '=', 'hospital')
      .orderBy('i.id')
      .orderBy('d.id')
      .execute();
    return rows.map((r) => ({ value: `${Number(r.institution_id)}:${Number(r.id)}`, label: r.name, group: r.institution }));
  }

  async function criteria(locale: Locale) {
    const rows = await deps.k.selectFrom('appt_referral_criteria').selectAll().where('active', '=', 1).orderBy('id').execute();
    return rows.map((c) => ({ value: c.code, label: `${locale === 'en' ? c.name_en : c.name_zh}${isChronicCategory(c.chronic_category) ? `（${t(locale, '重点慢病', 'chronic focus')}：${pick(locale, chronicCategoryLabels[c.chronic_category])}）` : ''} — ${c.criteria}` }));
  }

  // ---- Family doctor: dashboard -------------------------------------------------------------

  app.get<{ Querystring: { acknowledged?: string; q?: string } }>('/referrals', { schema: { hide: true } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['family_doctor']);
    if (!viewer) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const scope = await referralScope(deps, viewer);
    const orgs = scope.kind === 'community' ? scope.organisations : [];
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 40) : '';
    const sent = (await listReferrals(deps.k, { direction: 'up', fromOrganisations: orgs, limit: 100 }, { fullName: true })).filter((r) => matchesSearch(r, q));
    const back = (await listReferrals(deps.k, { direction: 'down', toOrganisations: orgs, limit: 100 }, { fullName: true })).filter((r) => matchesSearch(r, q));
    await auditList(req, [...sent, ...back]);
    const body = html`${req.query.acknowledged ? html`<div class="notice" role="status">${t(l, '已确认接收转回患者。', 'Hand-back acknowledged.')}</div>` : ''}
<p>${t(l, '家庭医生为签约居民预约上级医疗机构的社区转诊预留号源，原则上3日内就诊。', 'Family doctors book referral-reserved tickets for their contracted residents, in principle within 3 days.')} ${lawLink(referralArt.withinThreeDays)} · ${lawLink(referralArt.authority)} · ${lawLink(referralArt.eligibility)}</p>
<p><a class="button" href="/referrals/new">${t(l, '开始转诊', 'Start a referral')}</a></p>
${searchForm(l, '/referrals', q)}
<h2>${t(l, '转回社区（待接收与已接收）', 'Patients handed back')}</h2>
${table(
  [t(l, '转诊单号', 'Slip'), t(l, '患者', 'Patient'), t(l, '转出医院', 'From'), t(l, '诊断', 'Diagnosis'), t(l, '后续方案', 'Plan'), t(l, '状态', 'Status'), ''],
  back.map((r) => [
    r.slipNo,
    r.patient.name,
    r.from.name,
    r.handBack?.diagnosis ?? '',
    r.handBack?.plan ?? '',
    statusLabel(l, r.status),
    r.status === 'sent' ? html`<form method="post" action="/referrals/${r.referralId}/acknowledge" class="inline"><button class="button secondary" type="submit">${t(l, '确认接收', 'Acknowledge')}</button></form>` : '',
  ]),
  t(l, `转回社区：共 ${back.length} 条`, `${back.length} hand-backs`),
)}
<h2>${t(l, '已转出', 'Referrals sent')}</h2>
${table(
  [t(l, '转诊单号', 'Slip'), t(l, '患者', 'Patient'), t(l, '医院科室', 'Hospital'), t(l, '就诊时段', 'Visit'), t(l, '3日内', 'Within 3 days'), t(l, '状态', 'Status'), ''],
  sent.map((r) => [
    r.slipNo,
    r.patient.name,
    `${r.to.name} ${r.to.department ?? ''}`,
    r.booking ? `${r.booking.visitDate} ${r.booking.period}` : '',
    r.withinThreeDays ? t(l, '是', 'Yes') : html`${t(l, '否', 'No')}：${r.exceptionReason ?? ''}`,
    statusLabel(l, r.status),
    html`<a href="/referrals/${r.referralId}/slip">${t(l, '转诊单', 'Slip')}</a>`,
  ]),
  t(l, `已转出：共 ${sent.length} 条`, `${sent.length} referrals sent`),
)}`;
    return sendHtml(reply, page(ctx, { title: t(l, '社区转诊', 'Community referrals'), body }));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/acknowledge', { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['family_doctor']);
    if (!viewer) return reply;
    const d = await inTransaction(deps.adb, (trx) => acknowledgeHandBack(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.organisationId));
    if (!d.allowed) return refusalPage(req, reply, d.reasons, '/referrals');
    return reply.redirect('/referrals?acknowledged=1', 303);
  });

  // ---- Family doctor: a new referral (patient → slot → check answers → slip) ----------------

  const patientStep = async (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const body = html`${errorSummary(l, errors)}
<form method="post" action="/referrals/new" novalidate>
<input type="hidden" name="step" value="patient">
${select({ id: 'docType', label: t(l, '证件类型', 'ID document'), options: documentTypes.map((d) => ({ value: d, label: pick(l, documentTypeLabels[d]) })), value: values.docType || 'resident_id', error: errorFor(errors, 'docType') })}
${textInput({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: values.docNumber, error: errorFor(errors, 'docNumber'), hint: t(l, '须已签订家庭医生服务协议并建立个人健康档案（第二十二条）。', 'The patient needs a family-doctor contract and a personal health record (第二十二条).') })}
${select({ id: 'target', label: t(l, '转诊医院和科室', 'Hospital and department'), options: await hospitalOptions(), value: values.target, error: errorFor(errors, 'target') })}
${radios({ id: 'criterionCode', legend: t(l, '转诊依据（病种）', 'Reason for referral (condition)'), options: await criteria(l), value: values.criterionCode, error: errorFor(errors, 'criterionCode') })}
${textArea({ id: 'diseaseInfo', label: t(l, '相关疾病信息', 'Disease information'), value: values.diseaseInfo, error: errorFor(errors, 'diseaseInfo'), hint: t(l, '病情摘要、首诊情况和转诊原因；随转诊单送达接诊医院（第十六条 (四)）。', 'Summary, first-contact findings and reason; sent to the hospital with the referral (第十六条 (四)).') })}
${button(t(l, '继续', 'Continue'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '社区转诊：患者与病情', 'Referral: patient and condition'), body, back: { href: '/referrals', label: t(l, '返回', 'Back') } }), errors.length ? 422 : 200);
  };

  const slotStep = async (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[], offer: OfferRow[], patientName: string, basics: Record<string, unknown> | null) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const label = (o: OfferRow) => `${formatCivilDate(o.visitDate as CivilDate, l)} ${o.period} · ${o.title} · ${t(l, `余${o.free}`, `${o.free} left`)}${o.withinThreeDays ? '' : t(l, '（超过3日，须填写原因）', ' (after 3 days: give a reason)')}`;
    const within = offer.filter((o) => o.withinThreeDays);
    const later = offer.filter((o) => !o.withinThreeDays);
    const body = html`${errorSummary(l, errors)}
${summaryList([
  { key: t(l, '患者', 'Patient'), value: patientName },
  { key: t(l, '健康档案基本信息', 'Health-record basics'), value: basicsList(l, basics) },
])}
<form method="post" action="/referrals/new" novalidate>
<input type="hidden" name="step" value="slot">
${hidden(values, patientFields)}
${offer.length === 0 ? html`<div class="notice">${t(l, '该科室两周内没有可用的转诊预留号源，请选择其他医院或科室。', 'No referral-reserved tickets in this department in the next two weeks; choose another.')}</div>` : ''}
${radios({
  id: 'slotId',
  legend: t(l, `转诊预留号源：3日内 ${within.length} 个时段在前，其后 ${later.length} 个`, `Referral tickets: ${within.length} periods within 3 days first, then ${later.length} later`),
  options: [...within, ...later].map((o) => ({ value: String(o.slotId), label: label(o) })),
  value: values.slotId,
  error: errorFor(errors, 'slotId'),
})}
${textArea({ id: 'exceptionReason', label: t(l, '超过3日就诊的原因', 'Why a visit after 3 days'), value: values.exceptionReason, error: errorFor(errors, 'exceptionReason'), rows: 2, hint: t(l, '转诊患者原则上3日内安排就诊；选择3日以后的号源时必须填写（第二十条）。', 'Referred patients are in principle seen within 3 days; required when choosing a later ticket (第二十条).') })}
${button(t(l, '继续', 'Continue'))}
</form>
<form method="post" action="/referrals/new">${hidden({ ...values, step: 'edit' }, [...patientFields, 'step'])}<button class="link-button" type="submit">${t(l, '修改患者与病情', 'Change patient or condition')}</button></form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '社区转诊：选择号源', 'Referral: choose a ticket'), body, back: { href: '/referrals', label: t(l, '返回', 'Back') } }), errors.length ? 422 : 200);
  };

  const checkStep = async (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[], o: { patientName: string; slot: OfferRow; target: string; criterion: string; within: boolean }) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const body = html`${errorSummary(l, errors)}
${summaryList([
  { key: t(l, '患者', 'Patient'), value: o.patientName },
  { key: t(l, '医院科室', 'Hospital and department'), value: o.target },
  { key: t(l, '就诊时段', 'Visit'), value: `${formatCivilDate(o.slot.visitDate as CivilDate, l)} ${o.slot.period} · ${o.slot.title}` },
  { key: t(l, '3日内就诊', 'Within 3 days'), value: o.within ? t(l, '是', 'Yes') : `${t(l, '否，原因：', 'No; reason: ')}${values.exceptionReason ?? ''}` },
  { key: t(l, '转诊依据', 'Condition'), value: o.criterion },
  { key: t(l, '相关疾病信息', 'Disease information'), value: values.diseaseInfo ?? '' },
])}
<p>${t(l, '提交后将占用一个转诊预留号，并向患者发送转诊短信；患者凭预约证件到“西城区预约转诊取号专用窗口”或自助机取号。', 'Submitting takes one referral-reserved ticket and texts the patient the slip; they take the ticket at the referral window or kiosk with the ID used.')} ${lawLink(referralArt.slip)} · ${lawLink(referralArt.referralWindow)}</p>
<form method="post" action="/referrals/new" novalidate>
<input type="hidden" name="step" value="confirm">
${hidden({ ...values, submission: values.submission || randomUUID() }, [...patientFields, 'slotId', 'exceptionReason', 'submission'])}
${button(t(l, '确认转诊', 'Confirm referral'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '核对转诊信息', 'Check the referral'), body, back: { href: '/referrals/new', label: t(l, '重新开始', 'Start again') } }), errors.length ? 422 : 200);
  };

  app.get('/referrals/new', { schema: { hide: true } }, async (req, reply) => {
    if (!(await staffOnly(req, reply, ['family_doctor']))) return reply;
    return patientStep(req, reply, {}, []);
  });

  app.post('/referrals/new', { schema: { hide: true } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['family_doctor']);
    if (!viewer) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, allFields);
    if (v.step === 'edit' || !['patient', 'slot', 'confirm'].includes(v.step ?? '')) return patientStep(req, reply, v, []);

    // Step 1 again on every submit: the hidden values are the client's and are checked afresh.
    const errors: FieldError[] = [];
    const [instId, deptId] = (v.target ?? '').split(':').map(Number);
    if (!Number.isInteger(instId) || !Number.isInteger(deptId) || !(instId! > 0) || !(deptId! > 0)) errors.push({ field: 'target', message: t(l, '请选择转诊医院和科室', 'Choose a hospital and department') });
    const criterion = v.criterionCode ? await deps.k.selectFrom('appt_referral_criteria').selectAll().where('code', '=', v.criterionCode).executeTakeFirst() : undefined;
    const info = checkDiseaseInfo(v.diseaseInfo ?? '', criterion ? Number(criterion.active) === 1 : undefined);
    if (!info.allowed) errors.push(...fieldErrors(l, info.reasons, referralField));
    const person = await personByDocument(deps, v.docType ?? '', v.docNumber ?? '');
    let eligibility: Awaited<ReturnType<typeof checkEligibility>> | undefined;
    if (!person.allowed) errors.unshift(...fieldErrors(l, person.reasons, () => 'docNumber'));
    else {
      eligibility = await checkEligibility(deps.k, deps.clock, deps.ports.healthRecords, viewer.id, person.value.personId);
      if (!eligibility.allowed) errors.unshift(...fieldErrors(l, eligibility.reasons, () => 'docNumber'));
    }
    if (errors.length || !eligibility?.allowed || !criterion) return patientStep(req, reply, v, errors);
    const facts = eligibility.value;
    const offer = await referralOffer(deps.k, deps.clock, instId!, deptId!);
    const basics = facts.basics as Record<string, unknown>;
    if (v.step === 'patient') return slotStep(req, reply, v, [], offer, facts.person.name, basics);
    const key = /^[0-9a-f-]{36}$/.test(v.submission ?? '') ? v.submission : undefined;
    if (v.step === 'confirm' && key) {
      // A second click on "confirm": the first one's slip, not a second booking.
      const prior = await priorReferral(deps.k, facts.person.id, key);
      if (prior !== undefined) return reply.redirect(`/referrals/${prior}/slip?new=1`, 303);
    }

    const slot = offer.find((o) => String(o.slotId) === v.slotId);
    if (!slot) return slotStep(req, reply, v, [{ field: 'slotId', message: t(l, '请选择一个转诊预留号源', 'Choose a referral ticket') }], offer, facts.person.name, basics);
    const timing = checkVisitWithinThreeDays(civilDateOf(deps.clock.now()), slot.visitDate as CivilDate, v.exceptionReason);
    if (!timing.allowed) return slotStep(req, reply, v, fieldErrors(l, timing.reasons, referralField), offer, facts.person.name, basics);
    const targetLabel = (await hospitalOptions()).find((o) => o.value === v.target);
    const checkInfo = { patientName: facts.person.name, slot, target: targetLabel ? `${targetLabel.group} ${targetLabel.label}` : '', criterion: `${criterion.name_zh}（${criterion.code}）`, within: timing.value.withinThreeDays };
    if (v.step === 'slot') return checkStep(req, reply, v, [], checkInfo);

    const d = await referUpward(deps, req, viewer.id, {
      patient: { docType: v.docType ?? '', docNumber: v.docNumber ?? '' },
      slotId: slot.slotId,
      criterionCode: criterion.code,
      diseaseInfo: v.diseaseInfo ?? '',
      exceptionReason: timing.value.withinThreeDays ? undefined : v.exceptionReason,
      // One key per check-answers page: a double click on "confirm" returns the same referral.
      idempotencyKey: key,
    });
    if (!d.allowed) return slotStep(req, reply, v, fieldErrors(l, d.reasons, referralField), await referralOffer(deps.k, deps.clock, instId!, deptId!), facts.person.name, basics);
    return reply.redirect(`/referrals/${d.value.referralId}/slip?new=1`, 303);
  });

  // ---- The referral slip (第十八条 预约转诊单), printable ----------------------------------------

  app.get<{ Params: { id: string }; Querystring: { new?: string } }>('/referrals/:id/slip', { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['family_doctor', 'institution_admin', 'doctor', 'platform_operator', 'resident']);
    if (!viewer) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const scope = await referralScope(deps, viewer);
    const r = await getReferral(deps.k, Number(req.params.id), { fullName: seesFullName(scope) });
    if (!r || !inScope(scope, r) || r.direction !== 'up') return sendHtml(reply, page(ctx, { title: t(l, '未找到', 'Not found'), body: html`<p><a href="/referrals">${t(l, '返回', 'Back')}</a></p>` }), 404);
    if (viewer.role !== 'resident') await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'referral.read', entityType: 'appt_referral', entityId: r.referralId, purpose: 'referral' }));
    const body = html`${req.query.new ? html`<div class="panel" role="status">${t(l, `转诊成功，转诊单号 ${r.slipNo}。已向患者发送转诊短信。`, `Referred. Slip ${r.slipNo}; the patient has been texted.`)}</div>` : ''}
${summaryList([
  { key: t(l, '转诊单号', 'Slip number'), value: r.slipNo },
  { key: t(l, '患者', 'Patient'), value: `${r.patient.name}（${r.patient.docNumber}）` },
  { key: t(l, '转诊机构', 'Referred by'), value: `${r.from.name} · ${r.requester.name}` },
  { key: t(l, '接诊医院科室', 'Hospital and department'), value: `${r.to.name} ${r.to.department ?? ''}` },
  { key: t(l, '就诊时段', 'Visit'), value: r.booking ? `${formatCivilDate(r.booking.visitDate as CivilDate, l)} ${r.booking.period}` : '' },
  { key: t(l, '医师职称', 'Doctor title'), value: r.booking?.title ?? '' },
  { key: t(l, '就诊序号', 'Ticket number'), value: String(r.booking?.ticketNo ?? '') },
  { key: t(l, '取号', 'Taking the ticket'), value: t(l, '就诊时段内凭预约时使用的证件到“西城区预约转诊取号专用窗口”或自助服务设备取号（第八条 (六)、第二十六条）', 'During the period, with the ID used to book, at the referral window or kiosk (第八条 (六), 第二十六条)') },
  { key: t(l, '优先', 'Priority'), value: priorityTags(l, r) },
  { key: t(l, '取消方式', 'How to cancel'), value: t(l, '就诊前一日24时前联系家庭医生在平台取消（第二十五条）', 'Ask the family doctor to cancel by midnight before the visit (第二十五条)') },
  { key: t(l, '违约', 'Missed visits'), value: t(l, '未按时就诊又未取消视为违约；3个月内违约3次列入违约名单，3个月内不能预约诊疗和预约转诊（第三十二条）', 'A missed visit not cancelled is a violation; 3 in 3 months list you for 3 months (第三十二条)') },
  { key: t(l, '转诊依据', 'Condition'), value: r.criterion ? `${r.criterion.name}${r.chronicFocus ? t(l, '（重点慢病）', ' (chronic focus)') : ''}` : '' },
  { key: t(l, '相关疾病信息', 'Disease information'), value: r.diseaseInfo },
  { key: t(l, '健康档案基本信息', 'Health-record basics'), value: basicsList(l, r.recordBasics) },
  { key: t(l, '状态', 'Status'), value: statusLabel(l, r.status) },
])}
<p><small>${t(l, '依据', 'Under')} ${lawLink(referralArt.slip)} · ${lawLink(referralArt.referralData)} · ${lawLink(referralArt.priority)}</small></p>`;
    return sendHtml(reply, page(ctx, { title: t(l, '预约转诊单', 'Referral slip'), body, back: { href: viewer.role === 'family_doctor' ? '/referrals' : '/referrals/queue', label: t(l, '返回', 'Back') } }));
  });

  // ---- Hospital: the referral work queue (第二十三条) -----------------------------------------

  app.get<{ Querystring: { done?: string; q?: string } }>('/referrals/queue', { schema: { hide: true } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['institution_admin', 'doctor']);
    if (!viewer) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const scope = await referralScope(deps, viewer);
    if (scope.kind !== 'institution') return sendHtml(reply, page(ctx, { title: t(l, '无权访问', 'Not allowed'), body: html`<p>${t(l, '您不属于接入平台的医疗机构。', 'You belong to no institution on the platform.')}</p>` }), 403);
    const handler = await isNamedHandler(deps.k, scope.institutionId, viewer.id);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 40) : '';
    const incoming = (await listReferrals(deps.k, { direction: 'up', toOrganisations: [scope.organisationId], limit: 200 }, { fullName: true })).filter((r) => matchesSearch(r, q));
    const back = (await listReferrals(deps.k, { direction: 'down', fromOrganisations: [scope.organisationId], limit: 100 }, { fullName: true })).filter((r) => matchesSearch(r, q));
    await auditList(req, [...incoming, ...back]);
    const open = incoming.filter((r) => ['booked', 'accepted', 'arrived'].includes(r.status));
    const body = html`${req.query.done ? html`<div class="notice" role="status">${t(l, '已办理。', 'Done.')}</div>` : ''}
${handler ? '' : html`<div class="notice">${t(l, '您不是本机构指定的转诊负责人员，只能查看和转回社区；受理和窗口取号由指定人员办理。', 'You are not one of the named referral staff: you can view and hand back, not accept or check in.')} ${lawLink(referralArt.handlers)}</div>`}
<p>${t(l, '社区转诊患者优先就诊、优先检查、优先住院。', 'Referred patients have priority for visits, exams and admission.')} ${lawLink(referralArt.priority)}</p>
${searchForm(l, '/referrals/queue', q)}
<h2>${t(l, `转诊工作队列（${open.length}）`, `Referral work queue (${open.length})`)}</h2>
${table(
  [t(l, '转诊单号', 'Slip'), t(l, '患者', 'Patient'), t(l, '科室', 'Department'), t(l, '就诊时段', 'Visit'), t(l, '转诊机构', 'From'), t(l, '病情', 'Condition'), t(l, '优先', 'Priority'), t(l, '状态', 'Status'), ''],
  open.map((r) => [
    html`<a href="/referrals/${r.referralId}/slip">${r.slipNo}</a>`,
    r.patient.name,
    r.to.department ?? '',
    r.booking ? `${r.booking.visitDate} ${r.booking.period}` : '',
    r.from.name,
    `${r.criterion?.name ?? ''}：${r.diseaseInfo}`,
    priorityTags(l, r),
    statusLabel(l, r.status),
    html`${handler && r.status === 'booked' ? html`<form method="post" action="/referrals/${r.referralId}/accept" class="inline"><button class="button secondary" type="submit">${t(l, '受理', 'Accept')}</button></form> ` : ''}${handler && r.booking?.status === 'booked' ? html`<a href="/referrals/${r.referralId}/check-in">${t(l, '窗口取号', 'Check in')}</a> ` : ''}${r.booking?.status === 'checked_in' && r.handedBackAs === null ? html`<a href="/referrals/${r.referralId}/hand-back">${t(l, '转回社区', 'Hand back')}</a>` : ''}`,
  ]),
)}
<h2>${t(l, '已转回社区', 'Handed back')}</h2>
${table(
  [t(l, '转诊单号', 'Slip'), t(l, '患者', 'Patient'), t(l, '转回机构', 'To'), t(l, '诊断', 'Diagnosis'), t(l, '社区', 'Centre'), t(l, '健康档案', 'Health record')],
  back.map((r) => [
    r.slipNo,
    r.patient.name,
    r.to.name,
    r.handBack?.diagnosis ?? '',
    statusLabel(l, r.status),
    r.delivery?.deliveredAt ? t(l, '已送达', 'Delivered') : html`${t(l, '未送达', 'Not yet')}${r.delivery?.error ? html` <small>${r.delivery.error}</small>` : ''}`,
  ]),
)}`;
    return sendHtml(reply, page(ctx, { title: t(l, '转诊接诊', 'Incoming referrals'), body }));
  });

  const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } as const;

  app.post<{ Params: { id: string } }>('/referrals/:id/accept', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['institution_admin', 'doctor']);
    if (!viewer) return reply;
    const d = await inTransaction(deps.adb, (trx) => acceptReferral(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.id));
    if (!d.allowed) return refusalPage(req, reply, d.reasons, '/referrals/queue');
    return reply.redirect('/referrals/queue?done=1', 303);
  });

  const checkInForm = (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, values: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const body = html`${errorSummary(l, errors)}
<p>${t(l, '请核对患者出示的证件与预约时使用的证件一致。', 'Check that the document shown is the one used to book.')} ${lawLink(referralArt.checkIn)} · ${lawLink(referralArt.referralWindow)}</p>
<form method="post" action="/referrals/${req.params.id}/check-in" novalidate>
${select({ id: 'docType', label: t(l, '证件类型', 'ID document'), options: documentTypes.map((d) => ({ value: d, label: pick(l, documentTypeLabels[d]) })), value: values.docType || 'resident_id' })}
${textInput({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: values.docNumber, error: errorFor(errors, 'docNumber') })}
${button(t(l, '取号', 'Check in'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '转诊专用窗口取号', 'Referral window check-in'), body, back: { href: '/referrals/queue', label: t(l, '返回', 'Back') } }), errors.length ? 422 : 200);
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/check-in', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    if (!(await staffOnly(req, reply, ['institution_admin', 'doctor']))) return reply;
    return checkInForm(req, reply, {}, []);
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/check-in', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['institution_admin', 'doctor']);
    if (!viewer) return reply;
    const v = formOf(req.body, ['docType', 'docNumber']);
    const d = await inTransaction(deps.adb, (trx) => checkInAtReferralWindow(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.id, { docType: v.docType ?? '', docNumber: v.docNumber ?? '' }));
    if (!d.allowed) return checkInForm(req, reply, v, fieldErrors(pageContext(req, deps.clock).locale, d.reasons, () => 'docNumber'));
    return reply.redirect('/referrals/queue?done=1', 303);
  });

  // ---- Hospital: hand back to the community (第二十八条) --------------------------------------

  const handBackForm = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, values: Form, errors: FieldError[], check: boolean) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const r = await getReferral(deps.k, Number(req.params.id), { fullName: true });
    const scope = req.viewer ? await referralScope(deps, req.viewer) : { kind: 'none' as const };
    if (!r || !inScope(scope, r) || r.direction !== 'up') return sendHtml(reply, page(ctx, { title: t(l, '未找到', 'Not found'), body: html`<p><a href="/referrals/queue">${t(l, '返回', 'Back')}</a></p>` }), 404);
    const head = summaryList([
      { key: t(l, '患者', 'Patient'), value: r.patient.name },
      { key: t(l, '转回机构', 'Back to'), value: r.from.name },
      { key: t(l, '原转诊病情', 'Referred for'), value: `${r.criterion?.name ?? ''}：${r.diseaseInfo}` },
    ]);
    const body = check
      ? html`${errorSummary(l, errors)}${head}
${summaryList([
  { key: t(l, '诊断', 'Diagnosis'), value: values.diagnosis ?? '' },
  { key: t(l, '诊疗经过', 'Treatment given'), value: values.treatment ?? '' },
  { key: t(l, '后续治疗和康复方案', 'Follow-up or rehabilitation plan'), value: values.plan ?? '' },
])}
<p>${t(l, '提交后社区卫生服务机构将在其队列中看到该患者，诊疗信息送入患者健康档案，并短信告知患者。', 'The community centre will see the patient in its queue; the information goes into the patient’s health record and the patient is texted.')} ${lawLink(referralArt.handBack)}</p>
<form method="post" action="/referrals/${req.params.id}/hand-back" novalidate><input type="hidden" name="step" value="confirm">${hidden(values, ['diagnosis', 'treatment', 'plan'])}${button(t(l, '确认转回社区', 'Confirm hand-back'))}</form>
<form method="post" action="/referrals/${req.params.id}/hand-back"><input type="hidden" name="step" value="edit">${hidden(values, ['diagnosis', 'treatment', 'plan'])}<button class="link-button" type="submit">${t(l, '修改', 'Change')}</button></form>`
      : html`${errorSummary(l, errors)}${head}
<form method="post" action="/referrals/${req.params.id}/hand-back" novalidate>
<input type="hidden" name="step" value="check">
${textArea({ id: 'diagnosis', label: t(l, '诊断', 'Diagnosis'), value: values.diagnosis, error: errorFor(errors, 'diagnosis') })}
${textArea({ id: 'treatment', label: t(l, '诊疗经过', 'Treatment given'), value: values.treatment, error: errorFor(errors, 'treatment') })}
${textArea({ id: 'plan', label: t(l, '后续治疗和康复方案', 'Follow-up or rehabilitation plan'), value: values.plan, error: errorFor(errors, 'plan') })}
${button(t(l, '继续', 'Continue'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: check ? t(l, '核对转回信息', 'Check the hand-back') : t(l, '转回社区', 'Hand back to the community'), body, back: { href: '/referrals/queue', label: t(l, '返回', 'Back') } }), errors.length ? 422 : 200);
  };

  const handBackField = (code: string) => (code.startsWith('hand_back_missing_') ? code.slice('hand_back_missing_'.length) : 'diagnosis');

  app.get<{ Params: { id: string } }>('/referrals/:id/hand-back', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    if (!(await staffOnly(req, reply, ['institution_admin', 'doctor']))) return reply;
    return handBackForm(req, reply, {}, [], false);
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/hand-back', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const viewer = await staffOnly(req, reply, ['institution_admin', 'doctor']);
    if (!viewer) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, ['diagnosis', 'treatment', 'plan', 'step']);
    if (v.step === 'edit') return handBackForm(req, reply, v, [], false);
    const content = checkHandBack({ diagnosis: v.diagnosis ?? '', treatment: v.treatment ?? '', plan: v.plan ?? '' });
    if (!content.allowed) return handBackForm(req, reply, v, fieldErrors(l, content.reasons, handBackField), false);
    if (v.step !== 'confirm') return handBackForm(req, reply, v, [], true);
    const d = await inTransaction(deps.adb, (trx) => handBack(trx, deps.clock, actorOf(req), Number(req.params.id), { id: viewer.id, role: viewer.role, organisationId: viewer.organisationId }, { diagnosis: v.diagnosis ?? '', treatment: v.treatment ?? '', plan: v.plan ?? '' }));
    if (!d.allowed) return handBackForm(req, reply, v, fieldErrors(l, d.reasons, handBackField), true);
    await deliverHandBack(deps.adb, deps.clock, deps.ports.healthRecords, d.value.referralId);
    return reply.redirect('/referrals/queue?done=1', 303);
  });

  function refusalPage(req: FastifyRequest, reply: FastifyReply, reasons: readonly Reason[], backHref: string) {
    const ctx: PageContext = pageContext(req, deps.clock);
    const l = ctx.locale;
    const body = html`${errorSummary(l, fieldErrors(l, reasons, () => 'main'))}<p><a href="${backHref}">${t(l, '返回', 'Back')}</a></p>`;
    const code = reasons[0]?.code === 'referral_not_found' ? 404 : 422;
    return sendHtml(reply, page(ctx, { title: t(l, '无法办理', 'Cannot do that'), body }), code);
  }
}
