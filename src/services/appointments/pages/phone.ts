import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { errorSummary, radios, summaryList, type FieldError } from '../../../platform/web/components.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { addDays, civilDateOf, formatCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from '../rules/citations.ts';
import { bookingCutoff, bookingHorizonDays } from '../rules/booking.ts';
import { doctorTitles } from '../rules/stops.ts';
import { availability, type AvailabilityRow } from '../store/availability.ts';
import { bookTicket, type BookingReceipt } from '../store/book-ticket.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { sharedBookingThrottle } from '../routes/anti-scalping.ts';
import { errorFor, fieldErrors, formOf, lawLink, sendHtml, t, type Form } from '../referrals/page-kit.ts';
import { assetLinks, choice, documentTypeLabel, documentTypeOptions, field, staffGuard, withAutofocus } from './desk-kit.ts';

/**
 * 电话预约 (第三十三条): the platform's call-centre operator books on a caller's behalf on one
 * keyboard-first screen, through channel 'phone' and the same store function as every channel.
 * When the caller is not the patient, the caller's name and number are recorded (第十六条).
 */
export const phoneRoles = ['platform_operator'] as const;

const fields = ['docType', 'docNumber', 'name', 'phone', 'caller', 'bookerName', 'bookerPhone', 'departmentId', 'date', 'title', 'period', 'slotId'] as const;

export function phoneField(code: string, message: string): string {
  if (code === 'rate_limited') return 'main';
  if (['slot_full', 'slot_not_found', 'booking_closed', 'outside_booking_window', 'daily_limit_exceeded', 'department_daily_limit_exceeded', 'department_weekly_limit_exceeded'].includes(code)) return 'slotId';
  if (code === 'missing_required_data') return message.includes('booker') ? 'bookerName' : 'phone';
  if (code === 'identity_mismatch') return 'name';
  return 'docNumber';
}

/** Morning and afternoon as a caller says them; periods are filtered by their start time. */
function inPeriod(start: string, period: string): boolean {
  if (period === 'am') return start < '12:00';
  if (period === 'pm') return start >= '12:00';
  return true;
}

export function registerPhonePages(app: FastifyInstance, deps: AppointmentsDeps): void {
  // 第十三条: the API's per-person and per-phone attempt limit, counted together with the API.
  const throttle = sharedBookingThrottle(deps);
  const departmentOptions = async () =>
    (
      await deps.k
        .selectFrom('appt_departments as d')
        .innerJoin('appt_institutions as i', 'i.id', 'd.institution_id')
        .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
        .select(['d.id', 'd.name', 'd.institution_id', 'o.name as institution', 'o.short_name'])
        .orderBy('d.institution_id')
        .orderBy('d.id')
        .execute()
    ).map((d) => ({ value: String(d.id), label: `${d.name}（${d.short_name || d.institution}）`, name: d.name, group: d.institution, institutionId: Number(d.institution_id) }));

  const screen = async (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[], opts: { slots?: AvailabilityRow[]; check?: boolean; done?: BookingReceipt } = {}) => {
    const ctx = pageContext(req, deps.clock);
    const l: Locale = ctx.locale;
    const today = civilDateOf(deps.clock.now());
    const depts = await departmentOptions();
    // 第十七条: a day whose 15:00-the-day-before cutoff has passed is not offered (its tickets are at the window).
    const now = deps.clock.now();
    const dates = Array.from({ length: bookingHorizonDays }, (_, i) => addDays(today, i + 1))
      .filter((d) => now.getTime() < bookingCutoff(d).getTime())
      .map((d) => ({ value: d, label: formatCivilDate(d, l) }));
    const slots = opts.slots;
    const chosen = slots?.find((s) => String(s.slotId) === values.slotId);
    const dept = depts.find((d) => d.value === values.departmentId);
    const done = opts.done;
    const body = html`${assetLinks()}${errorSummary(l, errors)}
${done ? html`<div class="panel" role="status"><h2>${t(l, '预约成功', 'Booked')}</h2>${t(l, `就诊序号 ${done.ticketNo}，确认短信已发送。请告知来电人凭预约证件在就诊时段取号。`, `Ticket ${done.ticketNo}; the confirmation text has been sent. Tell the caller to check in during the period with the same document.`)}</div>
${summaryList([
  { key: t(l, '机构科室', 'Where'), value: `${done.institution} ${done.department}` },
  { key: t(l, '医师职称', 'Doctor title'), value: done.title },
  { key: t(l, '就诊时段', 'Period'), value: `${done.visitDate} ${done.period}` },
])}
<h2>${t(l, '下一位来电', 'Next caller')}</h2>` : ''}
<p>${t(l, '按来电人提供的信息实名预约；代他人预约时须登记来电人姓名和联系方式。', 'Book in the patient’s real name; when the caller is someone else, record the caller’s name and number.')} ${lawLink(art.requiredData, t(l, '依据 西卫〔2019〕5号 第十六条', 'Under 西卫〔2019〕5号 第十六条'))} · ${lawLink(art.windowAndLimits, t(l, '预约规则 第十七条', 'Rules 第十七条'))}</p>
<p class="hint">${t(l, '键盘：Tab 依次填写；Alt+N 证件号码，Alt+K 科室，Alt+J 号源。', 'Keyboard: Tab through the fields; Alt+N document number, Alt+K department, Alt+J tickets.')}</p>
<form method="post" action="/appointments/phone" novalidate id="phone-form">
${opts.check && chosen ? html`<input type="hidden" name="key" value="${randomUUID()}">` : ''}
<div class="phone-grid">
<fieldset><legend>${t(l, '就诊者', 'Patient')}</legend>
${choice({ id: 'docType', label: t(l, '证件类型', 'ID document'), options: documentTypeOptions(l), value: values.docType || 'resident_id', blank: false, accesskey: 't' })}
${field({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: values.docNumber, error: errorFor(errors, 'docNumber'), autofocus: errors.length === 0 && !slots, accesskey: 'n' })}
${field({ id: 'name', label: t(l, '姓名', 'Name'), value: values.name, error: errorFor(errors, 'name') })}
${field({ id: 'phone', label: t(l, '联系电话', 'Phone'), value: values.phone, error: errorFor(errors, 'phone'), inputmode: 'tel' })}
</fieldset>
<fieldset><legend>${t(l, '来电人', 'Caller')}</legend>
${radios({ id: 'caller', legend: t(l, '来电人是否为就诊者本人', 'Is the caller the patient?'), options: [{ value: 'self', label: t(l, '是，本人来电', 'Yes, the patient') }, { value: 'other', label: t(l, '否，代他人预约', 'No, someone else') }], value: values.caller || 'self' })}
${field({ id: 'bookerName', label: t(l, '来电人姓名', 'Caller’s name'), value: values.bookerName, error: errorFor(errors, 'bookerName'), hint: t(l, '代他人预约时必填', 'Required when booking for someone else') })}
${field({ id: 'bookerPhone', label: t(l, '来电人电话', 'Caller’s phone'), value: values.bookerPhone, error: errorFor(errors, 'bookerPhone'), inputmode: 'tel' })}
</fieldset>
<fieldset><legend>${t(l, '号源', 'Ticket')}</legend>
${choice({ id: 'departmentId', label: t(l, '医疗机构和科室', 'Hospital and department'), options: depts, value: values.departmentId, error: errorFor(errors, 'departmentId'), accesskey: 'k' })}
${choice({ id: 'date', label: t(l, '就诊日期', 'Date'), options: dates, value: values.date || dates[0]?.value, blank: false, error: errorFor(errors, 'date') })}
${choice({ id: 'title', label: t(l, '医师职称', 'Doctor title'), options: doctorTitles.map((x) => ({ value: x, label: x })), value: values.title, hint: t(l, '不限请留空', 'Leave blank for any') })}
${choice({ id: 'period', label: t(l, '时段', 'Time of day'), options: [{ value: 'am', label: t(l, '上午', 'Morning') }, { value: 'pm', label: t(l, '下午', 'Afternoon') }], value: values.period })}
<button class="button secondary" type="submit" name="step" value="find">${t(l, '查找号源', 'Find tickets')}</button>
</fieldset>
</div>
${slots
  ? html`<div id="slots">${slots.length === 0
      ? html`<div class="notice">${t(l, '该日期没有符合条件的号源，请换一天或其他职称。', 'No tickets match on that day; try another day or title.')}</div>`
      : html`${withAutofocus(errors.length === 0 && !opts.check, radios({ id: 'slotId', legend: t(l, `${dept?.group ?? ''} ${dept?.name ?? ''} · ${values.date ?? ''}：选择号源`, `${dept?.group ?? ''} ${dept?.name ?? ''} · ${values.date ?? ''}: choose a ticket`), options: slots.map((s) => ({ value: String(s.slotId), label: `${s.period} · ${s.title} · ${t(l, `余${s.free}`, `${s.free} left`)}` })), value: values.slotId, error: errorFor(errors, 'slotId') }))}
<button class="button secondary" type="submit" name="step" value="check" accesskey="j">${t(l, '核对预约信息', 'Check the booking')}</button>`}</div>`
  : ''}
${opts.check && chosen
  ? html`<h2 id="check">${t(l, '核对预约信息', 'Check the booking')}</h2>
${summaryList([
  { key: t(l, '就诊者', 'Patient'), value: `${values.name ?? ''} · ${documentTypeLabel(l, values.docType ?? '')} ${maskDocumentNumber(values.docNumber ?? '')} · ${values.phone ?? ''}` },
  { key: t(l, '来电人', 'Caller'), value: values.caller === 'other' ? `${values.bookerName ?? ''} · ${values.bookerPhone ?? ''}` : t(l, '就诊者本人', 'The patient') },
  { key: t(l, '号源', 'Ticket'), value: `${dept?.group ?? ''} ${dept?.name ?? ''} · ${values.date ?? ''} ${chosen.period} · ${chosen.title}` },
])}
<p>${t(l, '请向来电人复述以上信息（第十八条），并告知：最晚在就诊日前一天24时前取消（第二十五条）；未取消又未就诊视为违约（第三十二条）。', 'Read this back to the caller (第十八条), and say: cancel by midnight at the end of the day before the visit (第二十五条); a missed visit without cancelling is a violation (第三十二条).')} ${lawLink(art.cancellation, t(l, '依据 西卫〔2019〕5号 第二十五条', 'Under 西卫〔2019〕5号 第二十五条'))}</p>
<button class="button" type="submit" name="step" value="confirm" autofocus>${t(l, '确认预约', 'Confirm booking')}</button>`
  : ''}
</form>`;
    return sendHtml(reply, page(ctx, { title: t(l, '电话预约', 'Phone booking'), body }), errors.length ? 422 : done ? 201 : 200);
  };

  app.get('/appointments/phone', { schema: { hide: true } }, async (req, reply) => {
    if (!(await staffGuard(deps, req, reply, phoneRoles, false))) return reply;
    return screen(req, reply, {}, []);
  });

  app.post('/appointments/phone', { schema: { hide: true } }, async (req, reply) => {
    if (!(await staffGuard(deps, req, reply, phoneRoles, false))) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, [...fields, 'step', 'key']);
    const step = v.step || 'find';
    const errors: FieldError[] = [];
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请输入就诊者证件号码', 'Enter the patient’s document number') });
    if (!v.name) errors.push({ field: 'name', message: t(l, '请输入就诊者姓名', 'Enter the patient’s name') });
    if (!v.phone) errors.push({ field: 'phone', message: t(l, '请输入就诊者联系电话', 'Enter the patient’s phone') });
    const dept = v.departmentId && /^\d{1,9}$/.test(v.departmentId)
      ? await deps.k.selectFrom('appt_departments').select(['id', 'institution_id']).where('id', '=', Number(v.departmentId)).executeTakeFirst()
      : undefined;
    if (!dept) errors.push({ field: 'departmentId', message: t(l, '请选择医疗机构和科室', 'Choose a hospital and department') });
    const today = civilDateOf(deps.clock.now());
    const date = /^\d{4}-\d{2}-\d{2}$/.test(v.date ?? '') ? (v.date as CivilDate) : undefined;
    if (!date || date <= today || date > addDays(today, bookingHorizonDays)) errors.push({ field: 'date', message: t(l, '请选择两周以内的就诊日期', 'Choose a date within two weeks') });
    if (!dept || !date) return screen(req, reply, v, errors);
    const slots = (await availability(deps.k, deps.clock, { institutionId: Number(dept.institution_id), departmentId: Number(dept.id), from: date, to: date, pool: 'appointment' }))
      .filter((s) => s.free > 0 && (!v.title || s.title === v.title) && inPeriod(s.period, v.period ?? ''));
    if (step === 'find') return screen(req, reply, v, errors, { slots });
    const chosen = slots.find((s) => String(s.slotId) === v.slotId);
    if (!chosen) errors.push({ field: 'slotId', message: t(l, '请选择号源', 'Choose a ticket') });
    if (errors.length || !chosen) return screen(req, reply, v, errors, { slots });
    if (step !== 'confirm') return screen(req, reply, v, [], { slots, check: true });
    const booker = v.caller === 'other' ? { name: v.bookerName ?? '', phone: v.bookerPhone ?? '' } : undefined;
    const over = await throttle.check(v.docType || 'resident_id', v.docNumber ?? '', v.phone ?? '');
    if (over) return screen(req, reply, v, fieldErrors(l, [over], () => 'main'), { slots });
    const d = await bookWithoutTrace(deps, (trx) =>
      bookTicket(trx, deps.clock, actorOf(req), {
        slotId: chosen.slotId,
        channel: 'phone',
        patient: { docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '', name: v.name ?? '', phone: v.phone ?? '' },
        booker,
        idempotencyKey: v.key ? v.key.slice(0, 100) : undefined,
      }),
    );
    if (!d.allowed) return screen(req, reply, v, fieldErrors(l, d.reasons, (code) => phoneField(code, d.reasons.find((r) => r.code === code)?.message.en ?? '')), { slots });
    return screen(req, reply, {}, [], { done: d.value });
  });
}
