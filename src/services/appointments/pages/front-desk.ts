import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page, type PageContext } from '../../../platform/web/layout.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, table, type FieldError } from '../../../platform/web/components.ts';
import { reason, type Reason } from '../../../platform/law/decision.ts';
import { validateDocument } from '../../../platform/identity/documents.ts';
import type { Role } from '../../../platform/identity/roles.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { civilDateOf, civilTimeOf } from '../../../platform/time/civil.ts';
import { art } from '../rules/citations.ts';
import { bookTicket, type BookingReceipt } from '../store/book-ticket.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import { checkInBooking } from '../store/cancel-and-check-in.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { errorFor, fieldErrors, formOf, hidden, lawLink, sendHtml, t, type Form } from '../referrals/page-kit.ts';
import { assetLinks, auditRead, choice, documentTypeLabel, documentTypeOptions, field, staffGuard } from './desk-kit.ts';
import { bookingsToday, windowSlotsToday, type DeskBooking, type WindowSlot } from './front-desk-query.ts';

/**
 * The hospital's front desk, in two layouts over the same tasks and the same store functions:
 * 'window' (挂号窗口, keyboard first, with today's list) and 'kiosk' (自助服务设备, touch first).
 * Check-in follows 第二十六条 (booked period, same document); walk-in registration gives out the
 * window pool (第十条 (三)) and the tickets the 15:00 cutoff returned (第十七条) through channel 'window'.
 * The window is worked by the institution's staff; the kiosk stands in the public hall, so it signs
 * in with its own 'kiosk' account of the institution, which can use these pages and nothing else.
 */
export type DeskVariant = 'window' | 'kiosk';

export const deskRoles: Readonly<Record<DeskVariant, readonly Role[]>> = {
  window: ['institution_admin'],
  kiosk: ['kiosk'],
};

const statusText: Record<string, { zh: string; en: string }> = {
  booked: { zh: '待取号', en: 'Booked' },
  checked_in: { zh: '已取号', en: 'Checked in' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  no_show: { zh: '未就诊（违约）', en: 'Missed' },
  stop_pending: { zh: '停诊待处理', en: 'Stopped' },
};

const walkInFields = ['departmentId', 'slotId', 'docType', 'docNumber', 'name', 'phone'] as const;

/** Which field a refusal is about, so the error summary links to it. */
export function deskField(code: string): string {
  if (['slot_full', 'slot_not_found', 'outside_booking_window', 'booking_closed'].includes(code)) return 'slotId';
  if (code === 'missing_required_data') return 'phone';
  if (code === 'identity_mismatch' || code === 'invalid_id_number' || code === 'invalid_document_type' || code === 'booking_not_found') return 'docNumber';
  return 'docNumber';
}

function kioskShell(ctx: PageContext, title: string, body: SafeHtml, back?: { href: string; label: string }): string {
  const l = ctx.locale;
  const other: Locale = l === 'en' ? 'zh-CN' : 'en';
  return `<!doctype html>${html`<html lang="${l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - ${t(l, '自助服务机', 'Kiosk')}</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/appointments/assets/appointments.css">
</head>
<body class="kiosk">
<header class="kiosk-header"><a class="brand" href="/appointments/kiosk">${t(l, '西城区一网通办 · 自助取号挂号', 'Xicheng Yiwang · self-service')}</a> <a class="kiosk-lang" lang="${other}" href="/lang/${other}?back=${encodeURIComponent(ctx.path)}">${l === 'en' ? '中文' : 'English'}</a></header>
<main id="main" class="wrap" tabindex="-1">
<h1>${title}</h1>
${body}
${back ? html`<p class="kiosk-actions"><a class="button secondary big" href="${back.href}">${back.label}</a></p>` : ''}
</main>
</body>
</html>`}`;
}

export function registerFrontDesk(app: FastifyInstance, deps: AppointmentsDeps, variant: DeskVariant): void {
  const base = `/appointments/${variant}`;
  const kiosk = variant === 'kiosk';
  const allowed = deskRoles[variant];

  const render = (ctx: PageContext, title: string, body: SafeHtml, back?: { href: string; label: string }) =>
    kiosk ? kioskShell(ctx, title, body, back) : page(ctx, { title, body: html`${assetLinks()}${body}`, ...(back ? { back } : {}) });

  const deskTitle = (l: Locale) => (kiosk ? t(l, '自助取号', 'Self-service check-in') : t(l, '挂号窗口', 'Registration window'));

  const receiptList = (l: Locale, r: BookingReceipt) =>
    summaryList([
      { key: t(l, '就诊序号', 'Ticket number'), value: html`<strong class="ticket-no">${String(r.ticketNo)}</strong>` },
      { key: t(l, '机构科室', 'Where'), value: `${r.institution} ${r.department}` },
      { key: t(l, '医师职称', 'Doctor title'), value: r.title },
      { key: t(l, '就诊时段', 'Period'), value: `${r.visitDate} ${r.period}` },
    ]);

  const docTypeInput = (l: Locale, value: string | undefined, error?: string) =>
    kiosk
      ? radios({ id: 'docType', legend: t(l, '证件类型', 'ID document'), options: documentTypeOptions(l), value: value || 'resident_id', error })
      : choice({ id: 'docType', label: t(l, '证件类型', 'ID document'), options: documentTypeOptions(l), value: value || 'resident_id', error, blank: false, accesskey: 't' });

  // ---- Check-in (第二十六条) ---------------------------------------------------------------

  const home = async (req: FastifyRequest, reply: FastifyReply, institutionId: number, values: Form, errors: FieldError[], done?: BookingReceipt) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 40) : '';
    const chosenId = values.booking || (typeof query.booking === 'string' && /^\d{1,9}$/.test(query.booking) ? query.booking : '');
    const today = civilDateOf(deps.clock.now());
    const all = kiosk ? [] : await bookingsToday(deps.k, institutionId, today);
    const chosen = chosenId ? all.find((b) => String(b.bookingId) === chosenId) : undefined;
    const listed = all.filter((b) => matchesDesk(b, q));
    if (listed.length) await auditRead(deps, req, 'booking.list', 'appt_booking', { desk: variant, date: today, count: listed.length });
    const rule = html`<p>${t(l, '请在预约就诊时段内，凭预约时使用的身份证件取号。', 'Check in during the booked period, with the ID document used to book.')} ${lawLink(art.checkIn, t(l, '依据 西卫〔2019〕5号 第二十六条', 'Under 西卫〔2019〕5号 第二十六条'))}</p>`;
    const success = done
      ? html`<div class="panel" role="status"><h2>${t(l, '取号成功', 'Checked in')}</h2>${t(l, '请到诊区候诊。', 'Please go to the waiting area.')}</div>${receiptList(l, done)}`
      : '';
    const form = html`<form method="post" action="${base}/check-in" novalidate class="desk-form">
${chosen ? html`<input type="hidden" name="booking" value="${String(chosen.bookingId)}">${summaryList([
  { key: t(l, '预约', 'Booking'), value: `${chosen.patient} · ${chosen.department} ${chosen.title} · ${chosen.period} · ${t(l, `序号${chosen.ticketNo}`, `No. ${chosen.ticketNo}`)}` },
  { key: t(l, '预约证件', 'Booked with'), value: `${documentTypeLabel(l, chosen.docType)} ${maskDocumentNumber(chosen.docNumber)}` },
])}<p><a href="${base}">${t(l, '改为按证件查找', 'Look up by document instead')}</a></p>` : ''}
${docTypeInput(l, values.docType, errorFor(errors, 'docType'))}
${field({ id: 'docNumber', label: kiosk ? t(l, '证件号码（请刷证件或输入）', 'Document number (scan or type)') : t(l, '就诊者出示的证件号码', 'Number on the document shown'), value: values.docNumber, error: errorFor(errors, 'docNumber'), autofocus: !done || kiosk, accesskey: kiosk ? undefined : 'n' })}
${button(t(l, '取号', 'Check in'))}
</form>`;
    const body = kiosk
      ? html`${errorSummary(l, errors)}${success}${rule}${form}
<p class="kiosk-actions"><a class="button secondary big" href="${base}/walk-in">${t(l, '没有预约？当日挂号', 'No booking? Register for today')}</a></p>`
      : html`${errorSummary(l, errors)}${success}${rule}
<h2>${t(l, '取号', 'Check in')}</h2>
${form}
<ul class="desk-links">
<li><a href="${base}/walk-in" accesskey="w">${t(l, '当日挂号（窗口号）', 'Walk-in registration (window tickets)')}</a> <kbd class="accesskey">W</kbd></li>
<li><a href="/referrals/queue" accesskey="r">${t(l, '西城区预约转诊取号专用窗口队列', 'Referral window queue')}</a> <kbd class="accesskey">R</kbd></li>
</ul>
<p class="hint">${t(l, '键盘：Alt+N 证件号码，Alt+T 证件类型，Alt+W 当日挂号，Alt+R 转诊窗口，Alt+S 查找。', 'Keyboard: Alt+N document number, Alt+T document type, Alt+W walk-in, Alt+R referral window, Alt+S search.')}</p>
<h2>${t(l, `今日预约（${all.length}）`, `Today's bookings (${all.length})`)}</h2>
<form method="get" action="${base}" class="search-form" role="search">${field({ id: 'q', label: t(l, '按姓名、序号或证件号后四位查找', 'Find by name, ticket number or last 4 of the document'), value: q, accesskey: 's' })}${button(t(l, '查找', 'Search'))}</form>
${table(
  [t(l, '时段', 'Period'), t(l, '序号', 'No.'), t(l, '科室', 'Department'), t(l, '就诊者', 'Patient'), t(l, '证件', 'Document'), t(l, '状态', 'Status'), ''],
  listed.map((b) => [
    b.period,
    String(b.ticketNo),
    `${b.department} ${b.title}`,
    b.patient,
    `${documentTypeLabel(l, b.docType)} ${maskDocumentNumber(b.docNumber)}`,
    t(l, statusText[b.status]?.zh ?? b.status, statusText[b.status]?.en ?? b.status),
    b.status === 'booked' ? html`<a href="${base}?booking=${String(b.bookingId)}#docNumber">${t(l, '取号', 'Check in')}<span class="visually-hidden"> ${b.patient}</span></a>` : '',
  ]),
  t(l, `${today} 本院预约`, `Bookings at this institution on ${today}`),
)}`;
    return sendHtml(reply, render(ctx, deskTitle(l), body), errors.length ? 422 : 200);
  };

  app.get(base, { schema: { hide: true } }, async (req, reply) => {
    const g = await staffGuard(deps, req, reply, allowed, true);
    if (!g || g.institutionId === null) return reply;
    return home(req, reply, g.institutionId, {}, []);
  });

  app.post(`${base}/check-in`, { schema: { hide: true } }, async (req, reply) => {
    const g = await staffGuard(deps, req, reply, allowed, true);
    if (!g || g.institutionId === null) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, ['booking', 'docType', 'docNumber']);
    const errors: FieldError[] = [];
    if (!v.docType) errors.push({ field: 'docType', message: t(l, '请选择证件类型', 'Choose the document type') });
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请输入证件号码', 'Enter the document number') });
    if (errors.length) return home(req, reply, g.institutionId, v, errors);
    const now = deps.clock.now();
    // The kiosk lists no bookings, so it finds one by the document only: no probing by booking number.
    let bookingId = !kiosk && /^\d{1,9}$/.test(v.booking ?? '') ? Number(v.booking) : undefined;
    if (bookingId === undefined) {
      const doc = validateDocument(v.docType ?? '', v.docNumber ?? '', civilDateOf(now));
      if (!doc.allowed) return home(req, reply, g.institutionId, v, fieldErrors(l, doc.reasons, () => 'docNumber'));
      const found = (await bookingsToday(deps.k, g.institutionId, civilDateOf(now), { docType: doc.value.type, docNumber: doc.value.number })).filter((b) => b.status === 'booked');
      if (found.length === 0) {
        // The booking is found by the document it was made with; another document finds nothing (第二十六条).
        const notFound: Reason = reason(
          'booking_not_found',
          '未找到凭该证件在本院今日的待取号预约。取号须使用预约时使用的身份证件',
          'No booking today at this institution for this document. Check in with the document used to book',
          art.checkIn,
        );
        return home(req, reply, g.institutionId, v, fieldErrors(l, [notFound], () => 'docNumber'));
      }
      const time = civilTimeOf(now);
      bookingId = (found.find((b) => b.periodStart <= time && time < (b.period.split('–')[1] ?? '')) ?? found[0])!.bookingId;
    }
    const id = bookingId;
    const d = await deps.committer.run((trx) => checkInBooking(trx, deps.clock, actorOf(req), id, { docType: v.docType ?? '', docNumber: v.docNumber ?? '' }, g.institutionId));
    if (!d.allowed) return home(req, reply, g.institutionId, v, fieldErrors(l, d.reasons, deskField));
    return home(req, reply, g.institutionId, {}, [], d.value);
  });

  // ---- Walk-in registration for today (第十条 (三), 第十七条, 第三十三条 现场) ----------------------

  const walkIn = async (req: FastifyRequest, reply: FastifyReply, institutionId: number, values: Form, errors: FieldError[], check = false, done?: BookingReceipt) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const slots = await windowSlotsToday(deps.k, deps.clock, institutionId);
    const departments = [...new Map(slots.map((s) => [s.departmentId, s.department])).entries()].map(([id, name]) => ({ id, name, free: slots.filter((s) => s.departmentId === id).reduce((a, s) => a + s.free, 0) }));
    const deptId = values.departmentId ?? '';
    const deptSlots = slots.filter((s) => String(s.departmentId) === deptId && s.free > 0);
    const chosen = slots.find((s) => String(s.slotId) === values.slotId);
    const title = t(l, '当日挂号', 'Register for today');
    if (done) {
      const body = html`<div class="panel" role="status"><h2>${t(l, '挂号成功', 'Registered')}</h2></div>${receiptList(l, done)}
<p class="kiosk-actions"><a class="button big" href="${base}/walk-in" autofocus>${t(l, '为下一位挂号', 'Next patient')}</a> <a class="button secondary big" href="${base}">${t(l, '返回取号', 'Back to check-in')}</a></p>`;
      return sendHtml(reply, render(ctx, title, body), 201);
    }
    if (check && chosen) {
      const body = html`${summaryList([
        { key: t(l, '科室', 'Department'), value: chosen.department },
        { key: t(l, '医师职称', 'Doctor title'), value: chosen.title },
        { key: t(l, '时段', 'Period'), value: chosen.period },
        { key: t(l, '就诊者', 'Patient'), value: values.name ?? '' },
        { key: t(l, '证件', 'ID document'), value: `${documentTypeLabel(l, values.docType ?? '')} ${kiosk ? maskDocumentNumber(values.docNumber ?? '') : values.docNumber ?? ''}` },
        { key: t(l, '联系电话', 'Phone'), value: values.phone ?? '' },
      ])}
<p>${t(l, '请凭此证件就诊。', 'Bring this document to the visit.')} ${lawLink(art.checkIn, t(l, '第二十六条', '第二十六条'))}</p>
<form method="post" action="${base}/walk-in" novalidate><input type="hidden" name="step" value="confirm"><input type="hidden" name="key" value="${randomUUID()}">${hidden(values, walkInFields)}<button class="button big" type="submit" autofocus accesskey="c">${t(l, '确认挂号', 'Confirm')}</button></form>
<form method="post" action="${base}/walk-in" novalidate><input type="hidden" name="step" value="edit">${hidden(values, walkInFields)}<button class="link-button" type="submit">${t(l, '修改', 'Change')}</button></form>`;
      return sendHtml(reply, render(ctx, t(l, '核对挂号信息', 'Check the registration'), body, { href: `${base}/walk-in`, label: t(l, '重新开始', 'Start again') }));
    }
    const deptPicker = kiosk
      ? html`<ul class="kiosk-choices">${departments.map((d) => html`<li><a class="kiosk-choice${String(d.id) === deptId ? ' selected' : ''}" href="${base}/walk-in?departmentId=${String(d.id)}"${String(d.id) === deptId ? html` aria-current="true"` : ''}>${d.name}<small>${t(l, `余号 ${d.free}`, `${d.free} left`)}</small></a></li>`)}</ul>`
      : html`<form method="get" action="${base}/walk-in" class="search-form">${choice({ id: 'departmentId', label: t(l, '科室', 'Department'), options: departments.map((d) => ({ value: String(d.id), label: `${d.name}（${t(l, `余${d.free}`, `${d.free} left`)}）` })), value: deptId, autofocus: !deptId, accesskey: 'k' })}<button class="button secondary" type="submit">${t(l, '查看时段', 'Show periods')}</button></form>`;
    const slotOptions = (list: readonly WindowSlot[]) => list.map((s) => ({ value: String(s.slotId), label: `${s.period} · ${s.title} · ${t(l, `余${s.free}`, `${s.free} left`)}` }));
    const body = html`${errorSummary(l, errors)}
<p>${t(l, '当日挂号使用窗口号源，以及就诊前一日15时后退回的预约号源。', 'Today’s registration uses window tickets and the platform tickets returned after the 15:00 cutoff.')} ${lawLink(art.windowAndLimits, t(l, '依据 西卫〔2019〕5号 第十七条', 'Under 西卫〔2019〕5号 第十七条'))}</p>
${kiosk ? '' : html`<p class="hint">${t(l, '键盘：Alt+K 科室，Alt+N 证件号码，Alt+M 姓名，Alt+P 电话；核对页 Alt+C 确认。', 'Keyboard: Alt+K department, Alt+N document number, Alt+M name, Alt+P phone; Alt+C confirms on the check page.')}</p>`}
${departments.length === 0 ? html`<div class="notice">${t(l, '今日已无可挂号源。', 'No tickets left today.')}</div>` : deptPicker}
${deptId
  ? html`<form method="post" action="${base}/walk-in" novalidate class="desk-form">
<input type="hidden" name="step" value="check"><input type="hidden" name="departmentId" value="${deptId}">
${deptSlots.length === 0 ? html`<div class="notice">${t(l, '该科室今日已无号源。', 'No tickets left today in this department.')}</div>` : radios({ id: 'slotId', legend: t(l, '时段', 'Period'), options: slotOptions(deptSlots), value: values.slotId || (deptSlots.length === 1 ? String(deptSlots[0]?.slotId) : ''), error: errorFor(errors, 'slotId') })}
${docTypeInput(l, values.docType, errorFor(errors, 'docType'))}
${field({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: values.docNumber, error: errorFor(errors, 'docNumber'), autofocus: Boolean(deptId) && errors.length === 0, accesskey: kiosk ? undefined : 'n' })}
${field({ id: 'name', label: t(l, '就诊者姓名', 'Patient name'), value: values.name, error: errorFor(errors, 'name'), autocomplete: 'off', accesskey: kiosk ? undefined : 'm' })}
${field({ id: 'phone', label: t(l, '联系电话', 'Phone'), value: values.phone, error: errorFor(errors, 'phone'), inputmode: 'tel', accesskey: kiosk ? undefined : 'p' })}
${button(t(l, '继续', 'Continue'))}
</form>`
  : ''}`;
    return sendHtml(reply, render(ctx, title, body, { href: base, label: deskTitle(l) }), errors.length ? 422 : 200);
  };

  app.get<{ Querystring: { departmentId?: string } }>(`${base}/walk-in`, { schema: { hide: true } }, async (req, reply) => {
    const g = await staffGuard(deps, req, reply, allowed, true);
    if (!g || g.institutionId === null) return reply;
    const dept = typeof req.query.departmentId === 'string' && /^\d{1,9}$/.test(req.query.departmentId) ? req.query.departmentId : '';
    return walkIn(req, reply, g.institutionId, { departmentId: dept }, []);
  });

  app.post(`${base}/walk-in`, { schema: { hide: true } }, async (req, reply) => {
    const g = await staffGuard(deps, req, reply, allowed, true);
    if (!g || g.institutionId === null) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = formOf(req.body, [...walkInFields, 'step', 'key']);
    if (v.step === 'edit') return walkIn(req, reply, g.institutionId, v, []);
    const errors: FieldError[] = [];
    // Only this institution's slots of today are offered, so a slot from elsewhere is "not offered".
    const offered = (await windowSlotsToday(deps.k, deps.clock, g.institutionId)).find((s) => String(s.slotId) === v.slotId);
    if (!offered) errors.push({ field: 'slotId', message: t(l, '请选择时段', 'Choose a period') });
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请输入证件号码', 'Enter the document number') });
    if (!v.name) errors.push({ field: 'name', message: t(l, '请输入就诊者姓名', 'Enter the patient’s name') });
    if (!v.phone) errors.push({ field: 'phone', message: t(l, '请输入联系电话', 'Enter a phone number') });
    if (errors.length || !offered) return walkIn(req, reply, g.institutionId, v, errors);
    if (v.step !== 'confirm') return walkIn(req, reply, g.institutionId, v, [], true);
    const d = await bookWithoutTrace(deps, (trx) =>
      bookTicket(trx, deps.clock, actorOf(req), {
        slotId: offered.slotId,
        channel: 'window',
        patient: { docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '', name: v.name ?? '', phone: v.phone ?? '' },
        idempotencyKey: v.key ? v.key.slice(0, 100) : undefined,
      }),
    );
    if (!d.allowed) return walkIn(req, reply, g.institutionId, v, fieldErrors(l, d.reasons, deskField));
    return walkIn(req, reply, g.institutionId, v, [], false, d.value);
  });
}

function matchesDesk(b: DeskBooking, q: string): boolean {
  if (!q) return true;
  return b.patient.includes(q) || String(b.ticketNo) === q || (q.length >= 4 && b.docNumber.toUpperCase().endsWith(q.toUpperCase()));
}
