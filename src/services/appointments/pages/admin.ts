import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, table, textInput, type FieldError } from '../../../platform/web/components.ts';
import { pick } from '../../../platform/http/locale.ts';
import type { Reason } from '../../../platform/law/decision.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { addDays, civilDateOf, parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { requiredSlotMinutes, type InstitutionLevel } from '../rules/schedule.ts';
import { doctorTitles } from '../rules/stops.ts';
import { art } from '../rules/citations.ts';
import { publishSession } from '../store/schedule.ts';
import { previewStop, stopSession } from '../store/stops.ts';
import { upsertRegistryRow } from '../store/registries.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { plannedSlots, schedulePreview, weekOf } from './schedule-preview.ts';
import { sessionStatusLabel } from './session-status.ts';
import { assetLinks } from './desk-kit.ts';

type Form = Record<string, string | undefined>;
const field = (b: unknown, k: string) => {
  const v = (b as Form | undefined)?.[k];
  return typeof v === 'string' ? v.trim() : '';
};
const send = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').send(body);

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The signed-in institution admin's appointment institution, or a sign-in redirect or 403 page already sent. */
export async function ownInstitution(deps: AppointmentsDeps, req: FastifyRequest, reply: FastifyReply): Promise<number | undefined> {
  if (!req.viewer) {
    await reply.redirect('/staff/sign-in', 303);
    return undefined;
  }
  const inst = req.viewer.role === 'institution_admin' ? await institutionOfOrganisation(deps.k, req.viewer.organisationId) : null;
  if (inst === null) {
    const ctx = pageContext(req, deps.clock);
    await send(reply, page(ctx, { title: ctx.locale === 'en' ? 'Not allowed' : '无权访问', body: html`<p>${ctx.locale === 'en' ? 'Only an institution administrator can manage registries.' : '只有机构管理员可以维护本机构信息。'}</p>` }), 403);
    return undefined;
  }
  return inst;
}

/** Institution admins: their own registries, publishing sessions, and stops with a preview. */
export function registerAdminPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  const own = (req: FastifyRequest, reply: FastifyReply) => ownInstitution(deps, req, reply);

  const dashboard = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[], values: Form) => {
    const inst = await own(req, reply);
    if (inst === undefined) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const profile = await deps.k.selectFrom('appt_institutions as i').innerJoin('organisations as o', 'o.id', 'i.organisation_id').select(['o.name', 'i.level', 'i.type', 'i.slot_minutes', 'i.referral_share_pct']).where('i.id', '=', inst).executeTakeFirstOrThrow();
    const depts = await deps.k.selectFrom('appt_departments').selectAll().where('institution_id', '=', inst).orderBy('id').execute();
    const doctors = await deps.k.selectFrom('appt_doctors').selectAll().where('institution_id', '=', inst).orderBy('id').execute();
    const today = civilDateOf(deps.clock.now());
    const sessions = await deps.k
      .selectFrom('appt_sessions as s')
      .leftJoin('appt_doctors as d', 'd.id', 's.doctor_id')
      .select(['s.id', 's.visit_date', 's.title', 's.status', 'd.name as doctor'])
      .where('s.institution_id', '=', inst)
      .where('s.visit_date', '>=', today)
      .where('s.visit_date', '<=', addDays(today, 14))
      .orderBy('s.visit_date')
      .limit(200)
      .execute();
    const slotMinutes = requiredSlotMinutes({ level: profile.level as InstitutionLevel, type: profile.type, configuredSlotMinutes: profile.slot_minutes });
    const body = html`${assetLinks('schedule-editor.js')}${errorSummary(ctx.locale, errors)}
<p>${profile.name} · ${profile.level}${profile.type} · ${en ? 'slot length' : '分时段'} ${slotMinutes ?? '—'} ${en ? 'min' : '分钟'} (${html`<a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第十条">第十条</a>`}) · ${en ? 'referral reserve' : '转诊预留'} ${profile.referral_share_pct}% (${html`<a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第十一条">第十一条</a>`})</p>
<h2>${en ? 'Publish a session' : '发布出诊安排'}</h2>
<form method="post" action="/appointments/admin/sessions" novalidate id="session-form" data-slot-minutes="${String(slotMinutes ?? 60)}">
<div class="form-group"><label for="doctorId">${en ? 'Doctor' : '医生'}</label><select id="doctorId" name="doctorId">${doctors.map((d) => html`<option value="${Number(d.id)}"${values.doctorId === String(d.id) ? ' selected' : ''}>${d.name}（${d.title}）</option>`)}</select></div>
${textInput({ id: 'visitDate', label: en ? 'Date (YYYY-MM-DD)' : '出诊日期（年-月-日）', value: values.visitDate ?? addDays(today, 8), error: errors.find((e) => e.field === 'visitDate')?.message })}
${textInput({ id: 'start', label: en ? 'First slot starts (HH:mm)' : '首个时段开始（时:分）', value: values.start ?? '08:00' })}
${textInput({ id: 'count', label: en ? 'Number of slots' : '时段数', value: values.count ?? '6', inputmode: 'numeric' })}
${textInput({ id: 'referral', label: en ? 'Referral-reserved tickets per slot' : '每时段社区转诊预留号', value: values.referral ?? '1', inputmode: 'numeric' })}
${textInput({ id: 'appointment', label: en ? 'Platform appointment tickets per slot' : '每时段平台预约号', value: values.appointment ?? '7', inputmode: 'numeric' })}
${textInput({ id: 'window', label: en ? 'Window tickets per slot' : '每时段窗口号', value: values.window ?? '2', inputmode: 'numeric', hint: en ? 'At least 80% of all tickets must be referral plus appointment (第十条).' : '转诊预留号与平台预约号合计不得少于全部号源的80%（第十条）。' })}
${schedulePreview(ctx.locale, slotMinutes, `${profile.level}${profile.type}`, plannedSlots({ start: values.start ?? '08:00', count: values.count ?? '6', referral: values.referral ?? '1', appointment: values.appointment ?? '7', window: values.window ?? '2' }, slotMinutes ?? 60))}
<div class="form-group"><fieldset><legend>${en ? 'Also publish on these days of the same week' : '同一周内同时发布到'}</legend><div class="weekdays">${weekdayLabels.map((w, i) => html`<div class="radio"><input type="checkbox" id="days-${i + 1}" name="days" value="${String(i + 1)}"${repeatDays(values).includes(i + 1) ? ' checked' : ''}><label for="days-${i + 1}">${en ? w.en : w.zh}</label></div>`)}</div></fieldset></div>
${button(en ? 'Publish' : '发布')}
</form>
<h2>${en ? 'Sessions in the next 14 days' : '未来14天出诊'}</h2>
${table([en ? 'Date' : '日期', en ? 'Doctor' : '医生', en ? 'Title' : '职称', en ? 'Status' : '状态', ''], sessions.map((s) => [s.visit_date, s.doctor ?? '', s.title, sessionStatusLabel(ctx.locale, s.status), s.status === 'published' ? html`<a href="/appointments/admin/sessions/${Number(s.id)}/stop">${en ? 'Stop…' : '停诊…'}</a>` : '']))}
<h2>${en ? 'Departments' : '科室'}</h2>
${table([en ? 'Name' : '名称', en ? 'Category' : '大类', en ? 'Base department' : '基础科室', en ? 'Code' : '编码'], depts.map((d) => [d.name, d.category, d.base_department, d.code]))}
<form method="post" action="/appointments/admin/departments" novalidate>
${textInput({ id: 'name', label: en ? 'New department name' : '新科室名称', error: errors.find((e) => e.field === 'name')?.message })}
${textInput({ id: 'category', label: en ? 'Category' : '集成科室大类' })}
${textInput({ id: 'code', label: en ? 'Code' : '科室编码' })}
${button(en ? 'Add department' : '添加科室')}
</form>
<h2>${en ? 'Doctors' : '医生'}</h2>
${table([en ? 'Name' : '姓名', en ? 'Staff no.' : '工号', en ? 'Title' : '职称', en ? 'Department' : '科室'], doctors.map((d) => [d.name, d.staff_number, d.title, depts.find((x) => Number(x.id) === Number(d.department_id))?.name ?? '']))}
<p><small>${en ? 'Titles' : '职称'}: ${doctorTitles.join(' / ')}</small></p>
<p><a href="/appointments/admin/registry">${en ? 'Institution profile, doctors and bookable resources (第十二条)' : '维护机构信息、医生和医技资源（第十二条）'}</a></p>`;
    return send(reply, page(ctx, { title: en ? 'Institution administration' : '机构管理' , body }), errors.length ? 422 : 200);
  };

  app.get('/appointments/admin', { schema: { hide: true } }, async (req, reply) => dashboard(req, reply, [], {}));

  app.post('/appointments/admin/sessions', { schema: { hide: true } }, async (req, reply) => {
    const inst = await own(req, reply);
    if (inst === undefined) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const values: Form = Object.fromEntries(['doctorId', 'visitDate', 'start', 'count', 'referral', 'appointment', 'window'].map((k) => [k, field(req.body, k)]));
    values.days = daysOf(req.body).join(',');
    const nums = ['count', 'referral', 'appointment', 'window'].map((k) => Number(values[k]));
    let visitDate: CivilDate;
    try {
      visitDate = parseCivilDate(values.visitDate ?? '');
    } catch {
      return dashboard(req, reply, [{ field: 'visitDate', message: en ? 'Enter a real date, like 2026-03-10' : '请输入有效日期，例如 2026-03-10', citation: art.ticketSupply }], values);
    }
    const [h, m] = (values.start ?? '').split(':').map(Number);
    if (nums.some((n) => !Number.isInteger(n) || n < 0 || n > 200) || !Number.isInteger(h) || !Number.isInteger(m) || (nums[0] ?? 0) < 1) {
      return dashboard(req, reply, [{ field: 'count', message: en ? 'Enter whole numbers and a start time like 08:00' : '请填写整数和形如08:00的开始时间', citation: art.ticketSupply }], values);
    }
    const doctor = await deps.k.selectFrom('appt_doctors').select(['id', 'department_id']).where('id', '=', Number(values.doctorId)).where('institution_id', '=', inst).executeTakeFirst();
    if (!doctor) return dashboard(req, reply, [{ field: 'doctorId', message: en ? 'Choose a doctor' : '请选择医生', citation: art.registry }], values);
    const profile = await deps.k.selectFrom('appt_institutions').selectAll().where('id', '=', inst).executeTakeFirstOrThrow();
    const len = requiredSlotMinutes({ level: profile.level as InstitutionLevel, type: profile.type, configuredSlotMinutes: profile.slot_minutes }) ?? 60;
    const slots = Array.from({ length: nums[0] ?? 0 }, (_, i) => ({ start: hhmm((h ?? 8) * 60 + (m ?? 0) + i * len), end: hhmm((h ?? 8) * 60 + (m ?? 0) + (i + 1) * len), referral: nums[1] ?? 0, appointment: nums[2] ?? 0, window: nums[3] ?? 0 }));
    // The weekly editor: the same plan on the chosen days of the visit date's week, all or none.
    const dates = [...new Set([visitDate, ...weekOf(visitDate).filter((_, i) => repeatDays(values).includes(i + 1))])].sort();
    let d: Awaited<ReturnType<typeof publishSession>>;
    try {
      d = await inTransaction(deps.adb, async (trx) => {
        let last: Awaited<ReturnType<typeof publishSession>> | undefined;
        for (const date of dates) {
          last = await publishSession(trx, deps.clock, actorOf(req), { institutionId: inst, departmentId: Number(doctor.department_id), doctorId: Number(doctor.id), visitDate: date, slots });
          if (!last.allowed) throw new RefusedWeek(last.reasons.map((r) => ({ ...r, message: { zh: `${date}：${r.message.zh}`, en: `${date}: ${r.message.en}` } })));
        }
        return last!;
      });
    } catch (error) {
      if (!(error instanceof RefusedWeek)) throw error;
      d = { allowed: false, reasons: error.reasons };
    }
    if (!d.allowed) return dashboard(req, reply, d.reasons.map((r) => ({ field: 'window', message: pick(ctx.locale, r.message), citation: r.citation })), values);
    return reply.redirect('/appointments/admin', 303);
  });

  app.post('/appointments/admin/departments', { schema: { hide: true } }, async (req, reply) => {
    const inst = await own(req, reply);
    if (inst === undefined) return reply;
    const en = pageContext(req, deps.clock).locale === 'en';
    const name = field(req.body, 'name');
    const category = field(req.body, 'category') || name;
    const code = field(req.body, 'code');
    if (!name || !code || name.length > 40 || code.length > 20) return dashboard(req, reply, [{ field: 'name', message: en ? 'Enter a name and a code' : '请填写科室名称和编码', citation: art.registry }], {});
    const exists = await deps.k.selectFrom('appt_departments').select('id').where('institution_id', '=', inst).where('code', '=', code).executeTakeFirst();
    if (exists) return dashboard(req, reply, [{ field: 'name', message: en ? 'That code is taken' : '该科室编码已存在', citation: art.registry }], {});
    await inTransaction(deps.adb, (trx) => upsertRegistryRow(trx, deps.clock, actorOf(req), 'appt_departments', { institution_id: inst, name, introduction: '', category, base_department: category, code }));
    return reply.redirect('/appointments/admin', 303);
  });

  const stopForm = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, errors: FieldError[]) => {
    const inst = await own(req, reply);
    if (inst === undefined) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const s = await deps.k.selectFrom('appt_sessions').select(['institution_id']).where('id', '=', Number(req.params.id)).executeTakeFirst();
    if (!s || Number(s.institution_id) !== inst) return send(reply, page(ctx, { title: en ? 'Not found' : '未找到', body: html`<p><a href="/appointments/admin">${en ? 'Back' : '返回'}</a></p>` }), 404);
    const p = await previewStop(deps.k, deps.clock, Number(req.params.id));
    const preview = p.allowed ? p.value : { special: false, affected: [], substitutes: [] };
    const body = html`${errorSummary(ctx.locale, errors)}
<p>${preview.special ? (en ? 'This is a special stop (less than 2 days ahead): a reason is required and patients are told directly.' : '距出诊不足2天，属特殊停诊：须填写原因，并直接通知患者。') : en ? 'Patients will be texted and offered a substitute, a new time, or cancellation without penalty.' : '将短信通知患者，并提供替诊、改约或免责取消。'} <a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第二十七条">第二十七条</a></p>
${table([en ? 'Patient' : '患者', en ? 'Period' : '时段'], preview.affected.map((a) => [a.patient, a.period]), en ? `${preview.affected.length} patients affected` : `受影响患者 ${preview.affected.length} 人`)}
<p>${en ? 'Substitutes' : '可替诊'}: ${preview.substitutes.length ? preview.substitutes.map((x) => `${x.title}（${x.freeTickets}）`).join('、') : en ? 'none of the same or higher title' : '无同级或更高级别医师'}</p>
<form method="post" action="/appointments/admin/sessions/${req.params.id}/stop" novalidate>
${textInput({ id: 'reason', label: en ? 'Reason' : '停诊原因', error: errors.find((e) => e.field === 'reason')?.message })}
${button(en ? 'Stop the session' : '确认停诊')}
</form>`;
    return send(reply, page(ctx, { title: en ? 'Stop a session' : '停诊', body, back: { href: '/appointments/admin', label: en ? 'Back' : '返回' } }), errors.length ? 422 : 200);
  };

  const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^\\d{1,9}$' } } } as const;
  app.get<{ Params: { id: string } }>('/appointments/admin/sessions/:id/stop', { schema: { hide: true, params: idParams } }, async (req, reply) => stopForm(req, reply, []));
  app.post<{ Params: { id: string } }>('/appointments/admin/sessions/:id/stop', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const inst = await own(req, reply);
    if (inst === undefined) return reply;
    const s = await deps.k.selectFrom('appt_sessions').select(['institution_id']).where('id', '=', Number(req.params.id)).executeTakeFirst();
    if (!s || Number(s.institution_id) !== inst) return reply.redirect('/appointments/admin', 303);
    const locale = pageContext(req, deps.clock).locale;
    const d = await inTransaction(deps.adb, (trx) => stopSession(trx, deps.clock, actorOf(req), Number(req.params.id), field(req.body, 'reason') || undefined));
    if (!d.allowed) return stopForm(req, reply, d.reasons.map((r) => ({ field: 'reason', message: pick(locale, r.message), citation: r.citation })));
    return reply.redirect('/appointments/admin', 303);
  });
}

const weekdayLabels = [
  { zh: '周一', en: 'Mon' },
  { zh: '周二', en: 'Tue' },
  { zh: '周三', en: 'Wed' },
  { zh: '周四', en: 'Thu' },
  { zh: '周五', en: 'Fri' },
  { zh: '周六', en: 'Sat' },
  { zh: '周日', en: 'Sun' },
];

/** Checked weekdays (1 = Monday) from a form body: one value or several. */
function daysOf(body: unknown): number[] {
  const v = (body as Record<string, unknown> | undefined)?.days;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(list.map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= 7))].sort();
}

function repeatDays(values: Form): number[] {
  return (values.days ?? '').split(',').map(Number).filter((n) => n >= 1 && n <= 7);
}

/** Thrown out of the transaction so that a refusal on one day publishes no day. */
class RefusedWeek extends Error {
  constructor(readonly reasons: Reason[]) {
    super('refused');
  }
}
