import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { errorSummary, summaryList, table } from '../../../platform/web/components.ts';
import { pick } from '../../../platform/http/locale.ts';
import type { Reason } from '../../../platform/law/decision.ts';
import { formatCivilDate, parseCivilDate } from '../../../platform/time/civil.ts';
import { moveAfterStop, moveOptions, type MoveOption } from '../store/move-after-stop.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import type { AppointmentsDeps } from '../routes/context.ts';

const send = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').send(body);
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } as const;
const law = (article: string) => html`<a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#${article}">西卫〔2019〕5号 ${article}</a>`;
/** "New time" rows shown at most: the earliest, which is what a patient who lost a slot wants. */
const newTimeRows = 40;

/**
 * 第二十七条 for the resident: a booking whose session was stopped waits for the patient's choice
 * of a same-or-higher-title substitute, another time in the department, or cancellation without
 * penalty (the existing cancel form, which does not apply 第二十五条's deadline to a stop).
 */
export function registerAfterStopPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  const choicePage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, errors: readonly Reason[]) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer || req.viewer.personId === null) return reply.redirect('/sign-in', 303);
    const id = Number(req.params.id);
    const back = { href: '/appointments/mine', label: en ? 'My bookings' : '我的预约' };
    const d = await moveOptions(deps.k, deps.clock, id, req.viewer.personId);
    if (!d.allowed) {
      const body = html`${errorSummary(ctx.locale, d.reasons.map((r) => ({ field: 'main', message: pick(ctx.locale, r.message), citation: r.citation })))}`;
      return send(reply, page(ctx, { title: en ? 'Nothing to choose' : '无需处理', body, back }), d.reasons[0]?.code === 'booking_not_found' ? 404 : 422);
    }
    const { booking, options } = d.value;
    const moveButton = (o: MoveOption) =>
      html`<form method="post" action="/appointments/mine/${id}/move" class="inline"><input type="hidden" name="slotId" value="${String(o.slotId)}"><button class="button" type="submit">${en ? 'Move here' : '改约到此'}</button></form>`;
    const rows = (list: readonly MoveOption[]) => list.map((o) => [`${formatCivilDate(parseCivilDate(o.visitDate), ctx.locale)} ${o.period}`, o.title, String(o.free), moveButton(o)]);
    const head = [en ? 'Date and period' : '就诊时段', en ? 'Doctor title' : '医师职称', en ? 'Free' : '余号', ''];
    const substitutes = options.filter((o) => o.substitute);
    const later = options.filter((o) => !o.substitute).slice(0, newTimeRows);
    const body = html`${errorSummary(ctx.locale, errors.map((r) => ({ field: 'main', message: pick(ctx.locale, r.message), citation: r.citation })))}
<div class="notice">${en ? 'The doctor of this booking stopped the session. Choose one of the options below; none of them counts against you.' : '您预约的医师已停诊。请在下列方式中选择其一，均不计违约。'} (${law('第二十七条')})</div>
${summaryList([
  { key: en ? 'Where' : '机构科室', value: `${booking.institution} ${booking.department}` },
  { key: en ? 'Was' : '原预约', value: `${formatCivilDate(parseCivilDate(booking.visitDate), ctx.locale)} ${booking.period} · ${booking.title}` },
])}
<h2>${en ? 'A substitute the same day' : '当日同级或更高级别医师替诊'}</h2>
${substitutes.length ? table(head, rows(substitutes)) : html`<p>${en ? 'No doctor of the same or a higher title has tickets that day: please choose a new time.' : '当日没有同级或更高级别医师的余号，请选择其他时间。'}</p>`}
<h2>${en ? 'Another time in this department' : '本科室其他时间'}</h2>
${later.length ? table(head, rows(later)) : html`<p>${en ? 'No other time has tickets in the next two weeks.' : '未来两周没有其他余号。'}</p>`}
<h2>${en ? 'Cancel without penalty' : '免责取消'}</h2>
<form method="post" action="/appointments/mine/${id}/cancel"><button class="button secondary" type="submit">${en ? 'Cancel this booking' : '取消该预约'}</button></form>`;
    return send(reply, page(ctx, { title: en ? 'Your doctor stopped the session' : '医师停诊，请选择', body, back }), errors.length ? 422 : 200);
  };

  app.get<{ Params: { id: string } }>('/appointments/mine/:id/after-stop', { schema: { hide: true, params: idParams } }, async (req, reply) => choicePage(req, reply, []));

  app.post<{ Params: { id: string } }>('/appointments/mine/:id/move', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    if (!req.viewer || req.viewer.personId === null) return reply.redirect('/sign-in', 303);
    const personId = req.viewer.personId;
    const raw = (req.body as Record<string, unknown> | undefined)?.slotId;
    const slotId = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    const d = await bookWithoutTrace(deps, (trx) => moveAfterStop(trx, deps.clock, actorOf(req), Number(req.params.id), personId, slotId));
    if (!d.allowed) return choicePage(req, reply, d.reasons);
    return reply.redirect(`/appointments/mine?booked=${d.value.bookingId}`, 303);
  });
}
