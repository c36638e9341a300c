import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, summaryList, table, type FieldError } from '../../../platform/web/components.ts';
import { pick } from '../../../platform/http/locale.ts';
import { findPersonById } from '../../../platform/identity/persons.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import { addDays, civilDateOf, formatCivilDate, parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { documentTypeLabels, type DocumentType } from '../../../platform/identity/documents.ts';
import { bookingCutoff, bookingHorizonDays } from '../rules/booking.ts';
import { availability, summariseByTitle } from '../store/availability.ts';
import { bookTicket } from '../store/book-ticket.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import { cancelBooking } from '../store/cancel-and-check-in.ts';
import { activeBanEnd } from '../store/violations.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { sharedBookingThrottle } from '../routes/anti-scalping.ts';
import { departmentDirectory } from './department-directory.ts';
import { chosenDay, dayLinks, freeByDay } from './date-filter.ts';
import { assetLinks } from './desk-kit.ts';
import { familySection } from './family-booking.ts';
import { finalRefusal, type FinalRefusal } from './final-refusals.ts';
import { myViolationsSection } from './my-violations.ts';
import { slotSummary } from './slot-summary.ts';
import { bookingsOfPerson } from '../store/person-bookings.ts';

const html200 = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').send(body);

const statusText: Record<string, { zh: string; en: string }> = {
  booked: { zh: '已预约', en: 'Booked' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  checked_in: { zh: '已取号', en: 'Checked in' },
  no_show: { zh: '违约（未就诊）', en: 'Missed (violation)' },
  stop_pending: { zh: '医师停诊，待处理', en: 'Doctor stopped: choose' },
};

/** Residents: find a department, see availability (no doctor names), book, see and cancel bookings. */
export function registerResidentPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  const throttle = sharedBookingThrottle(deps);
  app.get('/appointments', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const body = html`<p>${en ? 'Choose a hospital and department. Bookings open two weeks ahead and close at 15:00 the day before the visit.' : '请选择医疗机构和科室。可预约两周以内的号源，就诊前一日15时截止。'} <a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第十七条">${en ? 'Rules (第十七条)' : '预约规则（第十七条）'}</a></p>
${await departmentDirectory(deps, ctx, req.query as { q?: unknown; area?: unknown })}`;
    return html200(reply, page(ctx, { title: en ? 'Book an appointment' : '预约挂号', body }));
  });

  app.get<{ Params: { inst: string; dept: string } }>('/appointments/:inst/:dept', { schema: { hide: true, params: { type: 'object', properties: { inst: { type: 'string', pattern: '^\\d{1,9}$' }, dept: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const dept = await deps.k
      .selectFrom('appt_departments as d')
      .innerJoin('appt_institutions as i', 'i.id', 'd.institution_id')
      .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
      .select(['d.name', 'o.name as institution'])
      .where('d.id', '=', Number(req.params.dept))
      .where('d.institution_id', '=', Number(req.params.inst))
      .executeTakeFirst();
    if (!dept) return html200(reply, page(ctx, { title: en ? 'Not found' : '未找到', body: html`<p><a href="/appointments">${en ? 'Back to departments' : '返回科室列表'}</a></p>` }), 404);
    const today = civilDateOf(deps.clock.now());
    const all = await availability(deps.k, deps.clock, { institutionId: Number(req.params.inst), departmentId: Number(req.params.dept), from: addDays(today, 1), to: addDays(today, bookingHorizonDays), pool: 'appointment' });
    // One day at a time (?date=), the first day with free tickets by default: the days list links the rest.
    const now = deps.clock.now();
    // 第十七条: after 15:00 the day before, the day's unbooked tickets belong to the hospital window, not "full".
    const days = freeByDay(all).map((d) => ({ ...d, closed: now.getTime() >= bookingCutoff(d.date as CivilDate).getTime() }));
    const day = chosenDay((req.query as { date?: unknown }).date, days);
    const dayClosed = days.find((d) => d.date === day)?.closed === true;
    const rows = summariseByTitle(all.filter((r) => r.visitDate === day));
    const here = `/appointments/${Number(req.params.inst)}/${Number(req.params.dept)}`;
    // 第九条: counts by title and period, never a doctor's name.
    const body = html`${assetLinks()}<p>${en ? 'Tickets by date, doctor title and period. Doctors are not named (西卫〔2019〕5号 第九条).' : '按日期、医师职称和时段公示号源，不公示医师姓名（西卫〔2019〕5号 第九条）。'}</p>
${days.length === 0 ? html`<div class="notice">${en ? 'No tickets in the next two weeks.' : '两周内暂无号源。'}</div>` : html`<h2>${en ? 'Choose a date' : '选择就诊日期'}</h2>
${dayLinks(ctx.locale, days, day, (d) => `${here}?date=${d}`)}
${table(
  [en ? 'Title' : '职称', en ? 'Period' : '时段', en ? 'Free' : '余号', ''],
  rows.map((r) => [r.title, r.period, String(r.free), r.free > 0 && r.slotIds[0] ? html`<a href="/appointments/book/${firstFree(r)}">${en ? 'Book' : '预约'}</a>` : dayClosed ? (en ? 'Closed: ask at the hospital window' : '已截止，可到医院窗口挂号') : en ? 'Full' : '约满']),
  `${dept.institution} ${dept.name} · ${day ? formatCivilDate(parseCivilDate(day), ctx.locale) : ''}`,
)}`}`;
    return html200(reply, page(ctx, { title: `${dept.institution} · ${dept.name}`, body, back: { href: '/appointments', label: en ? 'All departments' : '全部科室' } }));
  });

  // `final`: the refusal cannot change on a retry of this slot, so no "confirm" is offered (第十七条).
  const confirmPage = async (req: FastifyRequest, reply: FastifyReply, slotId: number, errors: FieldError[], final: FinalRefusal = false) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer || req.viewer.personId === null) return reply.redirect(`/sign-in`, 303);
    const me = await findPersonById(deps.db.kysely, req.viewer.personId);
    const slot = await slotSummary(deps, slotId);
    if (!slot || !me) return html200(reply, page(ctx, { title: en ? 'Not found' : '未找到', body: html`<p><a href="/appointments">${en ? 'Back' : '返回'}</a></p>` }), 404);
    // GOV.UK "check your answers" before the booking is made.
    // A refusal (closed at 15:00, full, over a limit) leaves the resident a way on: other times in the department.
    const department = `/appointments/${Number(slot.institution_id)}/${Number(slot.department_id)}`;
    const body = html`${errorSummary(ctx.locale, errors)}
${errors.length && final !== 'listed' ? html`<p><a href="${department}">${en ? 'Choose another time in this department' : '选择本科室其他时段'}</a></p>` : ''}
${summaryList([
  { key: en ? 'Hospital' : '医疗机构', value: slot.institution },
  { key: en ? 'Department' : '科室', value: slot.department },
  { key: en ? 'Doctor title' : '医师职称', value: slot.title },
  { key: en ? 'Date and period' : '就诊时段', value: `${formatCivilDate(parseCivilDate(slot.visit_date), ctx.locale)} ${slot.period_start}–${slot.period_end}` },
  { key: en ? 'Patient' : '就诊者', value: me.name },
  { key: en ? 'ID document' : '证件', value: `${pick(ctx.locale, documentTypeLabels[me.docType as DocumentType] ?? { zh: me.docType, en: me.docType })} ${maskDocumentNumber(me.docNumber)}` },
])}
<p>${en ? 'Bring this ID document: check-in needs the document you booked with (第二十六条). Cancel by midnight before the visit (第二十五条).' : '请携带该证件在就诊时段取号（第二十六条）；如需取消，最晚在就诊日前一天24时前取消（第二十五条）。'}</p>
${final ? '' : html`<form method="post" action="/appointments/book/${slotId}"><input type="hidden" name="key" value="${randomUUID()}">${button(en ? 'Confirm booking' : '确认预约')}</form>`}
${final === 'slot' ? '' : html`<p><a href="/appointments/book/${slotId}/family">${en ? 'Book for a family member or someone else instead' : '为家人或他人预约'}</a></p>`}`;
    return html200(reply, page(ctx, { title: en ? 'Check your booking' : '核对预约信息', body, back: { href: '/appointments', label: en ? 'Back' : '返回' } }), errors.length ? 422 : 200);
  };

  app.get<{ Params: { slot: string } }>('/appointments/book/:slot', { schema: { hide: true, params: { type: 'object', properties: { slot: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => confirmPage(req, reply, Number(req.params.slot), []));

  app.post<{ Params: { slot: string } }>('/appointments/book/:slot', { schema: { hide: true, params: { type: 'object', properties: { slot: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    if (!req.viewer || req.viewer.personId === null || req.viewer.role !== 'resident') return reply.redirect('/sign-in', 303);
    const me = await findPersonById(deps.db.kysely, req.viewer.personId);
    if (!me) return reply.redirect('/sign-in', 303);
    // The form's one-time key makes a double submit a replay, never a duplicate booking (第三十二条).
    const key = typeof (req.body as Record<string, unknown> | undefined)?.key === 'string' ? String((req.body as Record<string, unknown>).key).slice(0, 100) : undefined;
    const locale = pageContext(req, deps.clock).locale;
    // 第十三条: the page and the API share one attempt allowance per document and phone.
    const over = await throttle.check(me.docType, me.docNumber, me.phone);
    if (over) return confirmPage(req, reply, Number(req.params.slot), [{ field: 'main', message: pick(locale, over.message), citation: over.citation }]);
    const d = await bookWithoutTrace(deps, (trx) => bookTicket(trx, deps.clock, actorOf(req), { slotId: Number(req.params.slot), channel: 'web', patient: { docType: me.docType, docNumber: me.docNumber, name: me.name, phone: me.phone }, idempotencyKey: key }));
    if (!d.allowed) return confirmPage(req, reply, Number(req.params.slot), d.reasons.map((r) => ({ field: 'main', message: pick(locale, r.message), citation: r.citation })), finalRefusal(d.reasons));
    return reply.redirect(`/appointments/mine?booked=${d.value.bookingId}`, 303);
  });

  app.get<{ Querystring: { booked?: string; cancelled?: string } }>('/appointments/mine', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer || req.viewer.personId === null) return reply.redirect('/sign-in', 303);
    const rows = await bookingsOfPerson(deps.k, req.viewer.personId, 50);
    const today = civilDateOf(deps.clock.now());
    const ban = await activeBanEnd(deps.k, req.viewer.personId, today);
    const me = await findPersonById(deps.db.kysely, req.viewer.personId);
    const now = deps.clock.now().getTime();
    const body = html`${req.query.booked ? html`<div class="panel" role="status">${en ? 'Booked. A confirmation text is in your messages.' : '预约成功，确认短信已发送，可在“我的消息”中查看。'}</div>` : ''}
${req.query.cancelled ? html`<div class="notice" role="status">${en ? 'Cancelled.' : '已取消。'}</div>` : ''}
${ban ? html`<div class="notice"><strong>${en ? `You are on the violation list until ${ban}.` : `您已被列入违约名单，${ban}前无法预约。`}</strong> <a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第三十二条">${en ? 'Under 西卫〔2019〕5号 第三十二条' : '依据 西卫〔2019〕5号 第三十二条'}</a></div>` : ''}
${table(
  [en ? 'Date' : '日期', en ? 'Where' : '机构科室', en ? 'Title' : '职称', en ? 'No.' : '序号', en ? 'Status' : '状态', ''],
  rows.map((r) => {
    const deadline = Date.parse(`${r.visit_date}T00:00:00+08:00`);
    const hours = Math.floor((deadline - now) / 3_600_000);
    const cancel = r.status === 'booked' && hours >= 0
      ? html`<form method="post" action="/appointments/mine/${Number(r.id)}/cancel" class="inline"><button class="button secondary" type="submit">${en ? 'Cancel' : '取消预约'}</button></form> <small>${en ? `${hours} h left to cancel` : `距取消截止还有${hours}小时`}</small>`
      : r.status === 'stop_pending'
        ? html`<a class="button" href="/appointments/mine/${Number(r.id)}/after-stop">${en ? 'Choose: substitute, new time or cancel' : '选择替诊、改约或取消'}</a>`
        : '';
    return [`${r.visit_date} ${r.period_start}–${r.period_end}`, `${r.institution} ${r.department}`, r.title, String(r.ticket_no), pick(ctx.locale, statusText[r.status] ?? { zh: r.status, en: r.status }), cancel];
  }),
)}
${me ? await familySection(deps, ctx.locale, me) : ''}
${await myViolationsSection(deps, ctx.locale, req.viewer.personId)}
<p><a href="/appointments">${en ? 'Book another' : '继续预约'}</a> · <a href="/me/messages">${en ? 'My messages' : '我的消息'}</a></p>`;
    return html200(reply, page(ctx, { title: en ? 'My bookings' : '我的预约', body }));
  });

  app.post<{ Params: { id: string } }>('/appointments/mine/:id/cancel', { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    if (!req.viewer || req.viewer.personId === null) return reply.redirect('/sign-in', 303);
    const personId = req.viewer.personId;
    const d = await deps.committer.run((trx) => cancelBooking(trx, deps.clock, actorOf(req), Number(req.params.id), personId));
    if (!d.allowed) {
      const r = d.reasons[0];
      const body = html`${errorSummary(ctx.locale, d.reasons.map((x) => ({ field: 'main', message: pick(ctx.locale, x.message), citation: x.citation })))}<p><a href="/appointments/mine">${ctx.locale === 'en' ? 'Back to my bookings' : '返回我的预约'}</a></p>`;
      return html200(reply, page(ctx, { title: ctx.locale === 'en' ? 'Cannot cancel' : '无法取消', body }), r?.code === 'booking_not_found' ? 404 : 422);
    }
    return reply.redirect('/appointments/mine?cancelled=1', 303);
  });
}

function firstFree(r: { slotIds: number[] }): number {
  return r.slotIds[0] ?? 0;
}
