import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { pick } from '../../../platform/http/locale.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, textInput, type FieldError } from '../../../platform/web/components.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit } from '../../../platform/audit/trail.ts';
import { documentTypeLabels, documentTypes } from '../../../platform/identity/documents.ts';
import { formatCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { referralArt } from './citations.ts';
import { bookInClinic, clinicOptions, treatingDoctor, type ClinicOption } from './clinic.ts';
import { clinicKindLabels, clinicKinds, type ClinicKind, type TreatingDoctor } from './clinic-rules.ts';
import type { ReferralDeps } from './context.ts';
import { errorFor, fieldErrors, formOf, hidden, lawLink, select, sendHtml, t, textArea, type Form } from './page-kit.ts';
import { chosenDay, dayButtons, freeByDay } from '../pages/date-filter.ts';
import { assetLinks } from '../pages/desk-kit.ts';

const patientFields = ['docType', 'docNumber', 'name', 'phone', 'kind', 'departmentId'] as const;

function clinicField(code: string): string {
  if (code === 'clinic_target_mismatch' || code === 'slot_full' || code === 'slot_not_found' || code === 'outside_booking_window') return 'slotId';
  if (code === 'booking_closed' || code === 'override_needs_reason') return 'overrideReason';
  if (code === 'missing_required_data' || code === 'identity_mismatch') return 'name';
  return 'docNumber';
}

/** 第二十四条: the doctor's workstation books the next visit for the patient in front of them. */
export function registerClinicPages(app: FastifyInstance, deps: ReferralDeps): void {
  async function doctorOnly(req: FastifyRequest, reply: FastifyReply): Promise<{ staffId: number; me: TreatingDoctor } | undefined> {
    const ctx = pageContext(req, deps.clock);
    if (!req.viewer) {
      await reply.redirect('/staff/sign-in', 303);
      return undefined;
    }
    const me = req.viewer.role === 'doctor' ? await treatingDoctor(deps.k, req.viewer.id, req.viewer.organisationId) : undefined;
    if (!me) {
      await sendHtml(reply, page(ctx, { title: t(ctx.locale, '无权访问', 'Not allowed'), body: html`<p>${t(ctx.locale, '只有关联了本院注册医师的医生账号可以办理诊间预约。', 'Only a doctor account linked to a registered doctor can book from the clinic.')} ${lawLink(referralArt.clinicBooking)}</p>` }), 403);
      return undefined;
    }
    return { staffId: req.viewer.id, me };
  }

  const departments = async (institutionId: number) =>
    (await deps.k.selectFrom('appt_departments').select(['id', 'name']).where('institution_id', '=', institutionId).orderBy('id').execute()).map((d) => ({ value: String(d.id), label: d.name }));

  const firstStep = async (req: FastifyRequest, reply: FastifyReply, me: TreatingDoctor, values: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const body = html`${errorSummary(l, errors)}
<p>${t(l, '为就诊者预约复诊、本科室上级医师、相关专业科室或会诊号源；同一就诊者的预约限制同样适用。', 'Book a follow-up, a senior doctor, another department or a consultation; the per-patient limits apply as always.')} ${lawLink(referralArt.clinicBooking)}</p>
<p><a href="/appointments/clinic/today">${t(l, '今日患者列表', 'Today’s patients')}</a></p>
<form method="post" action="/appointments/clinic" novalidate>
<input type="hidden" name="step" value="options">
${radios({ id: 'kind', legend: t(l, '预约类型', 'Kind of booking'), options: clinicKinds.map((k) => ({ value: k, label: pick(l, clinicKindLabels[k]) })), value: values.kind, error: errorFor(errors, 'kind') })}
${select({ id: 'departmentId', label: t(l, '科室（相关专业科室或会诊时选择）', 'Department (for another department or a consultation)'), options: await departments(me.institutionId), value: values.departmentId })}
${select({ id: 'docType', label: t(l, '证件类型', 'ID document'), options: documentTypes.map((d) => ({ value: d, label: pick(l, documentTypeLabels[d]) })), value: values.docType || 'resident_id' })}
${textInput({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: values.docNumber, error: errorFor(errors, 'docNumber') })}
${textInput({ id: 'name', label: t(l, '姓名', 'Name'), value: values.name, error: errorFor(errors, 'name') })}
${textInput({ id: 'phone', label: t(l, '联系电话', 'Phone'), value: values.phone, error: errorFor(errors, 'phone'), inputmode: 'tel' })}
${button(t(l, '查找号源', 'Find tickets'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '诊间预约', 'In-clinic booking'), body }), errors.length ? 422 : 200);
  };

  const optionLabel = (l: 'zh-CN' | 'en', o: ClinicOption) =>
    `${formatCivilDate(o.visitDate as CivilDate, l)} ${o.period} · ${o.department} · ${o.title} · ${t(l, `余${o.free}`, `${o.free} left`)}${o.needsOverride ? t(l, '（已过15时截止，须填写原因）', ' (past the 15:00 cutoff: reason required)') : ''}`;

  const optionsStep = async (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[], options: ClinicOption[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    // One visit day at a time (two weeks are ~100 tickets): day buttons re-post the patient's details with `date`.
    const days = freeByDay(options);
    const day = chosenDay(values.date, days);
    const shownOptions = options.filter((o) => o.visitDate === day);
    const body = html`${assetLinks()}${errorSummary(l, errors)}
${options.length === 0 ? html`<div class="notice">${t(l, '两周内没有符合条件的号源。', 'No matching tickets in the next two weeks.')}</div>` : html`<form method="post" action="/appointments/clinic" novalidate>
<input type="hidden" name="step" value="options">
${hidden(values, patientFields)}
<fieldset><legend>${t(l, '就诊日期', 'Visit date')}</legend>${dayButtons(l, days, day)}</fieldset>
</form>`}
<form method="post" action="/appointments/clinic" novalidate>
<input type="hidden" name="step" value="check">
${hidden({ ...values, date: day ?? '' }, [...patientFields, 'date'])}
${radios({ id: 'slotId', legend: day ? t(l, `号源：${formatCivilDate(day as CivilDate, l)}`, `Tickets on ${formatCivilDate(day as CivilDate, l)}`) : t(l, '号源', 'Ticket'), options: shownOptions.map((o) => ({ value: String(o.slotId), label: optionLabel(l, o) })), value: values.slotId, error: errorFor(errors, 'slotId') })}
${textArea({ id: 'overrideReason', label: t(l, '超出预约规则的原因', 'Reason for overriding a rule'), value: values.overrideReason, error: errorFor(errors, 'overrideReason'), rows: 2, hint: t(l, '仅在已过就诊前一日15时截止（第十七条）仍需预约时填写，原因将记录并审计。', 'Only when booking after the 15:00 cutoff of 第十七条; the reason is kept and audited.') })}
${button(t(l, '继续', 'Continue'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '诊间预约：选择号源', 'In-clinic booking: choose a ticket'), body, back: { href: '/appointments/clinic', label: t(l, '重新开始', 'Start again') } }), errors.length ? 422 : 200);
  };

  app.get<{ Querystring: { booking?: string } }>('/appointments/clinic', { schema: { hide: true } }, async (req, reply) => {
    const d = await doctorOnly(req, reply);
    if (!d) return reply;
    // From today's list: the patient in front of the doctor, taken from their booking with this doctor.
    const id = typeof req.query.booking === 'string' && /^\d{1,9}$/.test(req.query.booking) ? Number(req.query.booking) : undefined;
    const b = id === undefined ? undefined : await deps.k
      .selectFrom('appt_bookings as b')
      .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
      .innerJoin('persons as p', 'p.id', 'b.person_id')
      .select(['b.patient_doc_type', 'b.patient_doc_number', 'b.patient_phone', 'p.name'])
      .where('b.id', '=', id)
      .where('se.doctor_id', '=', d.me.doctorId)
      .executeTakeFirst();
    // The form shows the patient's full document number and phone: a read of personal data, traced (西卫〔2019〕5号 第三十一条).
    if (b && id !== undefined) await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'booking.read', entityType: 'appt_booking', entityId: id, purpose: 'clinic_booking', detail: { via: 'today_list' } }));
    return firstStep(req, reply, d.me, b ? { docType: b.patient_doc_type, docNumber: b.patient_doc_number, name: b.name, phone: b.patient_phone } : {}, []);
  });

  app.post('/appointments/clinic', { schema: { hide: true } }, async (req, reply) => {
    const d = await doctorOnly(req, reply);
    if (!d) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const v = formOf(req.body, [...patientFields, 'slotId', 'overrideReason', 'step', 'date']);
    const errors: FieldError[] = [];
    if (!(clinicKinds as readonly string[]).includes(v.kind ?? '')) errors.push({ field: 'kind', message: t(l, '请选择预约类型', 'Choose the kind of booking') });
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请填写证件号码', 'Enter the document number') });
    if (!v.name) errors.push({ field: 'name', message: t(l, '请填写姓名', 'Enter the name') });
    if (!v.phone) errors.push({ field: 'phone', message: t(l, '请填写联系电话', 'Enter a phone number') });
    if (errors.length) return firstStep(req, reply, d.me, v, errors);
    const kind = v.kind as ClinicKind;
    const options = await clinicOptions(deps.k, deps.clock, d.me, kind, v.departmentId ? Number(v.departmentId) : undefined);
    if (v.step === 'options') return optionsStep(req, reply, v, [], options);
    const option = options.find((o) => String(o.slotId) === v.slotId);
    if (!option) return optionsStep(req, reply, v, [{ field: 'slotId', message: t(l, '请选择号源', 'Choose a ticket') }], options);
    if (option.needsOverride && (v.overrideReason ?? '').length < 4) {
      return optionsStep(req, reply, v, [{ field: 'overrideReason', message: t(l, '已过15时截止，须填写超出规则预约的原因', 'Past the 15:00 cutoff: give the reason for overriding'), citation: referralArt.clinicBooking }], options);
    }
    if (v.step === 'check') {
      const body = html`${summaryList([
        { key: t(l, '预约类型', 'Kind'), value: pick(l, clinicKindLabels[kind]) },
        { key: t(l, '就诊者', 'Patient'), value: `${v.name ?? ''}（${pick(l, documentTypeLabels[(v.docType as (typeof documentTypes)[number]) ?? 'resident_id'] ?? documentTypeLabels.resident_id)}）` },
        { key: t(l, '号源', 'Ticket'), value: optionLabel(l, option) },
        ...(option.needsOverride ? [{ key: t(l, '超出规则原因', 'Override reason'), value: v.overrideReason ?? '' }] : []),
      ])}
<form method="post" action="/appointments/clinic" novalidate><input type="hidden" name="step" value="confirm">${hidden(v, [...patientFields, 'slotId', 'overrideReason'])}${button(t(l, '确认预约', 'Confirm booking'))}</form>`;
      return sendHtml(reply, page(ctx, { title: t(l, '核对诊间预约', 'Check the booking'), body, back: { href: '/appointments/clinic', label: t(l, '重新开始', 'Start again') } }));
    }
    const booked = await inTransaction(deps.adb, (trx) =>
      bookInClinic(trx, deps.clock, actorOf(req), d.staffId, d.me, {
        kind,
        slotId: option.slotId,
        patient: { docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '', name: v.name ?? '', phone: v.phone ?? '' },
        overrideReason: option.needsOverride ? v.overrideReason : undefined,
      }),
    );
    if (!booked.allowed) return optionsStep(req, reply, v, fieldErrors(l, booked.reasons, clinicField), options);
    const r = booked.value;
    const body = html`<div class="panel" role="status">${t(l, '预约成功，已短信通知就诊者。', 'Booked; the patient has been texted.')}</div>
${summaryList([
  { key: t(l, '机构科室', 'Where'), value: `${r.institution} ${r.department}` },
  { key: t(l, '就诊时段', 'Visit'), value: `${r.visitDate} ${r.period}` },
  { key: t(l, '医师职称', 'Doctor title'), value: r.title },
  { key: t(l, '就诊序号', 'Ticket'), value: String(r.ticketNo) },
  ...(r.override ? [{ key: t(l, '超出规则原因（已记录）', 'Override reason (recorded)'), value: r.override.reason }] : []),
])}
<p><a href="/appointments/clinic">${t(l, '为下一位就诊者预约', 'Book for the next patient')}</a></p>`;
    return sendHtml(reply, page(ctx, { title: t(l, '诊间预约成功', 'Booked from the clinic'), body }), 201);
  });
}
