import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, summaryList, table, type FieldError } from '../../../platform/web/components.ts';
import { findPersonById, type Person } from '../../../platform/identity/persons.ts';
import { maskDocumentNumber, maskPhone } from '../../../platform/identity/masking.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { formatCivilDate, parseCivilDate } from '../../../platform/time/civil.ts';
import { art } from '../rules/citations.ts';
import { bookTicket } from '../store/book-ticket.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import { cancelBooking } from '../store/cancel-and-check-in.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { sharedBookingThrottle } from '../routes/anti-scalping.ts';
import { errorFor, fieldErrors, formOf, hidden, lawLink, sendHtml, t, type Form } from '../referrals/page-kit.ts';
import { choice, documentTypeLabel, documentTypeOptions, field } from './desk-kit.ts';
import { finalRefusal, type FinalRefusal } from './final-refusals.ts';
import { slotSummary } from './slot-summary.ts';

/**
 * Booking for a family member or anyone else (第十六条): the patient's name, document and contact,
 * and the signed-in resident recorded as the booker with their name and contact. The booker can see
 * and cancel the bookings they made (第二十五条); the confirmation goes to the booker's phone.
 */
const patientFields = ['name', 'docType', 'docNumber', 'phone'] as const;

function familyField(code: string, message: string): string {
  if (code === 'missing_required_data') return message.includes('patientName') ? 'name' : 'phone';
  if (['slot_full', 'slot_not_found', 'booking_closed', 'outside_booking_window'].includes(code)) return 'main';
  if (code.endsWith('_limit_exceeded') || code === 'patient_banned') return 'main';
  if (code === 'identity_mismatch') return 'name';
  return 'docNumber';
}

/** The bookings a resident made for others: those whose creator is this signed-in resident. */
export async function bookingsMadeFor(deps: AppointmentsDeps, me: Pick<Person, 'id' | 'name' | 'phone'>) {
  return deps.k
    .selectFrom('appt_bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .innerJoin('appt_institutions as i', 'i.id', 'b.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
    .select(['b.id', 'b.visit_date', 'b.period_start', 'b.period_end', 'b.status', 'b.ticket_no', 'p.name as patient', 'o.name as institution', 'd.name as department'])
    // The signed-in resident who made the booking (created_by is the booking's actor), never whoever shares a name and phone.
    .where('b.created_by', '=', `person:${me.id}`)
    .where('b.person_id', '<>', me.id)
    .orderBy('b.visit_date', 'desc')
    .limit(50)
    .execute();
}

const statusText: Record<string, { zh: string; en: string }> = {
  booked: { zh: '已预约', en: 'Booked' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  checked_in: { zh: '已取号', en: 'Checked in' },
  no_show: { zh: '违约（未就诊）', en: 'Missed (violation)' },
  stop_pending: { zh: '医师停诊，待处理', en: 'Doctor stopped' },
};

/** The "booked for others" section of /appointments/mine. */
export async function familySection(deps: AppointmentsDeps, l: Locale, me: Pick<Person, 'id' | 'name' | 'phone'>): Promise<SafeHtml | ''> {
  const rows = await bookingsMadeFor(deps, me);
  if (rows.length === 0) return '';
  return html`<h2>${t(l, '我为家人或他人的预约', 'Bookings I made for others')}</h2>
${table(
  [t(l, '日期', 'Date'), t(l, '就诊者', 'Patient'), t(l, '机构科室', 'Where'), t(l, '序号', 'No.'), t(l, '状态', 'Status'), ''],
  rows.map((r) => [
    `${r.visit_date} ${r.period_start}–${r.period_end}`,
    r.patient,
    `${r.institution} ${r.department}`,
    String(r.ticket_no),
    t(l, statusText[r.status]?.zh ?? r.status, statusText[r.status]?.en ?? r.status),
    r.status === 'booked' ? html`<form method="post" action="/appointments/mine/family/${String(r.id)}/cancel" class="inline"><button class="button secondary" type="submit">${t(l, '取消预约', 'Cancel')}<span class="visually-hidden"> ${r.patient}</span></button></form>` : '',
  ]),
)}`;
}

export function registerFamilyBooking(app: FastifyInstance, deps: AppointmentsDeps): void {
  const throttle = sharedBookingThrottle(deps);
  const slotParams = { type: 'object', properties: { slot: { type: 'string', pattern: '^\\d{1,9}$' } } } as const;

  const me = async (req: FastifyRequest): Promise<Person | undefined> =>
    req.viewer && req.viewer.role === 'resident' && req.viewer.personId !== null ? findPersonById(deps.db.kysely, req.viewer.personId) : undefined;

  const form = async (req: FastifyRequest<{ Params: { slot: string } }>, reply: FastifyReply, booker: Person, values: Form, errors: FieldError[], check: boolean, final: FinalRefusal = false) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const slotId = Number(req.params.slot);
    const slot = await slotSummary(deps, slotId);
    if (!slot) return sendHtml(reply, page(ctx, { title: t(l, '未找到', 'Not found'), body: html`<p><a href="/appointments">${t(l, '返回', 'Back')}</a></p>` }), 404);
    const where = summaryList([
      { key: t(l, '医疗机构', 'Hospital'), value: slot.institution },
      { key: t(l, '科室', 'Department'), value: slot.department },
      { key: t(l, '医师职称', 'Doctor title'), value: slot.title },
      { key: t(l, '就诊时段', 'Date and period'), value: `${formatCivilDate(parseCivilDate(slot.visit_date), l)} ${slot.period_start}–${slot.period_end}` },
    ]);
    const action = `/appointments/book/${String(slotId)}/family`;
    const department = `/appointments/${String(Number(slot.institution_id))}/${String(Number(slot.department_id))}`;
    // A final refusal (closed, full, this patient banned or over a limit: 第十七条, 第三十二条) offers other times, not "confirm".
    const body = check
      ? html`${errorSummary(l, errors)}${errors.length && final !== 'listed' ? html`<p><a href="${department}">${t(l, '选择本科室其他时段', 'Choose another time in this department')}</a></p>` : ''}${where}
${summaryList([
  { key: t(l, '就诊者', 'Patient'), value: values.name ?? '' },
  { key: t(l, '就诊者证件', 'Patient’s ID document'), value: `${documentTypeLabel(l, values.docType ?? '')} ${maskDocumentNumber((values.docNumber ?? '').toUpperCase())}` },
  { key: t(l, '就诊者联系电话', 'Patient’s phone'), value: values.phone ?? '' },
  { key: t(l, '预约人（您）', 'Booked by (you)'), value: `${booker.name} · ${maskPhone(booker.phone)}` },
])}
<p>${t(l, '就诊者须凭上述证件在就诊时段取号（第二十六条）；确认短信发到您的手机。如需取消，最晚在就诊日前一天24时前取消（第二十五条）。', 'The patient checks in with this document during the period (第二十六条); the confirmation text goes to your phone. Cancel by midnight at the end of the day before the visit (第二十五条).')} ${lawLink(art.requiredData, t(l, '依据 西卫〔2019〕5号 第十六条', 'Under 西卫〔2019〕5号 第十六条'))}</p>
${final ? '' : html`<form method="post" action="${action}" novalidate><input type="hidden" name="step" value="confirm"><input type="hidden" name="key" value="${randomUUID()}">${hidden(values, patientFields)}${button(t(l, '确认预约', 'Confirm booking'))}</form>`}
<form method="post" action="${action}" novalidate><input type="hidden" name="step" value="edit">${hidden(values, patientFields)}<button class="link-button" type="submit">${t(l, '修改就诊者信息', 'Change the patient’s details')}</button></form>`
      : html`${errorSummary(l, errors)}${where}
<p>${t(l, '为家人或他人预约时，须提供就诊者的姓名、有效证件号码和联系方式，并登记预约人的姓名和联系方式。', 'When you book for someone else, give the patient’s name, ID document and contact; you are recorded as the booker with your name and contact.')} ${lawLink(art.requiredData, t(l, '依据 西卫〔2019〕5号 第十六条', 'Under 西卫〔2019〕5号 第十六条'))}</p>
<form method="post" action="${action}" novalidate>
<input type="hidden" name="step" value="check">
${field({ id: 'name', label: t(l, '就诊者姓名', 'Patient’s name'), value: values.name, error: errorFor(errors, 'name'), autocomplete: 'off' })}
${choice({ id: 'docType', label: t(l, '就诊者证件类型', 'Patient’s ID document'), options: documentTypeOptions(l), value: values.docType || 'resident_id', blank: false, error: errorFor(errors, 'docType') })}
${field({ id: 'docNumber', label: t(l, '就诊者证件号码', 'Patient’s document number'), value: values.docNumber, error: errorFor(errors, 'docNumber') })}
${field({ id: 'phone', label: t(l, '就诊者联系电话', 'Patient’s phone'), value: values.phone, error: errorFor(errors, 'phone'), inputmode: 'tel', autocomplete: 'off' })}
${summaryList([{ key: t(l, '预约人（您）', 'Booker (you)'), value: `${booker.name} · ${maskPhone(booker.phone)}` }])}
${button(t(l, '继续', 'Continue'))}
</form>`;
    return sendHtml(reply, page(ctx, { title: check ? t(l, '核对为家人预约的信息', 'Check the booking for someone else') : t(l, '为家人或他人预约', 'Book for a family member or someone else'), body, back: { href: `/appointments/book/${String(slotId)}`, label: t(l, '为本人预约', 'Book for myself') } }), errors.length ? 422 : 200);
  };

  app.get<{ Params: { slot: string } }>('/appointments/book/:slot/family', { schema: { hide: true, params: slotParams } }, async (req, reply) => {
    const booker = await me(req);
    if (!booker) return reply.redirect('/sign-in', 303);
    return form(req, reply, booker, {}, [], false);
  });

  app.post<{ Params: { slot: string } }>('/appointments/book/:slot/family', { schema: { hide: true, params: slotParams } }, async (req, reply) => {
    const booker = await me(req);
    if (!booker) return reply.redirect('/sign-in', 303);
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, [...patientFields, 'step', 'key']);
    if (v.step === 'edit') return form(req, reply, booker, v, [], false);
    const errors: FieldError[] = [];
    if (!v.name) errors.push({ field: 'name', message: t(l, '请输入就诊者姓名', 'Enter the patient’s name'), citation: art.requiredData });
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请输入就诊者证件号码', 'Enter the patient’s document number'), citation: art.requiredData });
    if (!v.phone) errors.push({ field: 'phone', message: t(l, '请输入就诊者联系电话', 'Enter the patient’s phone'), citation: art.requiredData });
    if (!errors.length && (v.docType || 'resident_id') === booker.docType && (v.docNumber ?? '').toUpperCase() === booker.docNumber) {
      errors.push({ field: 'docNumber', message: t(l, '这是您本人的证件，请返回为本人预约', 'That is your own document: book for yourself instead') });
    }
    if (errors.length) return form(req, reply, booker, v, errors, false);
    if (v.step !== 'confirm') return form(req, reply, booker, v, [], true);
    // 第十三条: booking for others counts against the same per-document and per-phone allowance as the API.
    const over = await throttle.check(v.docType || 'resident_id', v.docNumber ?? '', v.phone ?? '');
    if (over) return form(req, reply, booker, v, fieldErrors(l, [over], () => 'main'), true);
    const d = await bookWithoutTrace(deps, (trx) =>
      bookTicket(trx, deps.clock, actorOf(req), {
        slotId: Number(req.params.slot),
        channel: 'web',
        patient: { docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '', name: v.name ?? '', phone: v.phone ?? '' },
        booker: { name: booker.name, phone: booker.phone },
        idempotencyKey: v.key ? v.key.slice(0, 100) : undefined,
      }),
    );
    if (!d.allowed) return form(req, reply, booker, v, fieldErrors(l, d.reasons, (code) => familyField(code, d.reasons.find((r) => r.code === code)?.message.en ?? '')), !d.reasons.some((r) => familyField(r.code, r.message.en) !== 'main'), finalRefusal(d.reasons));
    return reply.redirect(`/appointments/mine?booked=${d.value.bookingId}`, 303);
  });

  app.post<{ Params: { id: string } }>('/appointments/mine/family/:id/cancel', { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    const booker = await me(req);
    if (!booker) return reply.redirect('/sign-in', 303);
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const b = await deps.k.selectFrom('appt_bookings').select(['id', 'person_id', 'created_by']).where('id', '=', Number(req.params.id)).executeTakeFirst();
    // Only the resident who made a booking for someone else may cancel it here.
    const mine = b && b.created_by === `person:${booker.id}` && Number(b.person_id) !== booker.id;
    const d = mine ? await deps.committer.run((trx) => cancelBooking(trx, deps.clock, actorOf(req), Number(b.id), Number(b.person_id))) : undefined;
    if (!d || !d.allowed) {
      const reasons = d && !d.allowed ? d.reasons : [];
      const body = html`${errorSummary(l, reasons.length ? fieldErrors(l, reasons, () => 'main') : [{ field: 'main', message: t(l, '未找到该预约', 'No such booking') }])}<p><a href="/appointments/mine">${t(l, '返回我的预约', 'Back to my bookings')}</a></p>`;
      return sendHtml(reply, page(ctx, { title: t(l, '无法取消', 'Cannot cancel') , body }), d ? 422 : 404);
    }
    return reply.redirect('/appointments/mine?cancelled=1', 303);
  });
}
