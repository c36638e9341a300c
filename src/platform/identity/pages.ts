import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformDeps } from '../http/server.ts';
import { pageContext } from '../http/server.ts';
import { sessionCookie, sessionToken } from '../http/auth.ts';
import { page, roleHome } from '../web/layout.ts';
import { html } from '../web/html.ts';
import { button, errorSummary, radios, textInput, type FieldError } from '../web/components.ts';
import type { Reason } from '../law/decision.ts';
import { localeOf, pick } from '../http/locale.ts';
import { documentTypeLabels, documentTypes } from './documents.ts';
import { completeResidentSignIn, staffSignIn, startResidentSignIn } from './sign-in.ts';
import { closeSession } from './sessions.ts';
import { cookieOptions } from './routes.ts';
import type { Role } from './roles.ts';

type Form = Record<string, string | undefined>;

const fieldOfCode: Record<string, string> = {
  invalid_id_number: 'docNumber',
  invalid_document_type: 'docType',
  invalid_phone: 'phone',
  identity_mismatch: 'name',
  invalid_sign_in_code: 'code',
  invalid_credentials: 'username',
};

function asErrors(req: FastifyRequest, reasons: readonly Reason[]): FieldError[] {
  const locale = localeOf(req);
  return reasons.map((r) => ({ field: fieldOfCode[r.code] ?? 'main', message: pick(locale, r.message), citation: r.citation }));
}

function str(body: unknown, key: string): string {
  const v = (body as Form | undefined)?.[key];
  return typeof v === 'string' ? v.trim() : '';
}

export function registerIdentityPages(app: FastifyInstance, deps: PlatformDeps): void {
  const signInForm = (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const errOf = (f: string) => errors.find((e) => e.field === f)?.message;
    const body = html`${errorSummary(ctx.locale, errors)}
<p>${en ? 'Sign in with your real name and ID document. We text a code to the mobile number on record.' : '请使用本人真实姓名和有效证件登录，我们将向登记的手机号发送验证码。'}</p>
<form method="post" action="/sign-in" novalidate>
${radios({ id: 'docType', legend: en ? 'Document type' : '证件类型', value: values.docType ?? 'resident_id', error: errOf('docType'), options: documentTypes.map((t) => ({ value: t, label: en ? documentTypeLabels[t].en : documentTypeLabels[t].zh })) })}
${textInput({ id: 'docNumber', label: en ? 'Document number' : '证件号码', value: values.docNumber, error: errOf('docNumber'), autocomplete: 'off', hint: en ? 'Resident ID: 18 characters' : '居民身份证为18位' })}
${textInput({ id: 'name', label: en ? 'Full name' : '姓名', value: values.name, error: errOf('name'), autocomplete: 'name' })}
${textInput({ id: 'phone', label: en ? 'Mobile number' : '手机号码', value: values.phone, error: errOf('phone'), type: 'tel', autocomplete: 'tel', inputmode: 'numeric' })}
${button(en ? 'Send code' : '获取验证码')}
</form>`;
    return reply.code(errors.length ? 422 : 200).type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Real-name sign-in' : '实名登录', body }));
  };

  app.get('/sign-in', { schema: { hide: true } }, async (req, reply) => signInForm(req, reply, {}, []));

  app.post('/sign-in', { schema: { hide: true } }, async (req, reply) => {
    const values: Form = { docType: str(req.body, 'docType'), docNumber: str(req.body, 'docNumber'), name: str(req.body, 'name'), phone: str(req.body, 'phone') };
    const en = pageContext(req, deps.clock).locale === 'en';
    const missing: FieldError[] = [];
    if (!values.docNumber) missing.push({ field: 'docNumber', message: en ? 'Enter your document number' : '请输入证件号码' });
    if (!values.name) missing.push({ field: 'name', message: en ? 'Enter your full name' : '请输入姓名' });
    if (!values.phone) missing.push({ field: 'phone', message: en ? 'Enter your mobile number' : '请输入手机号码' });
    if (missing.length) return signInForm(req, reply, values, missing);
    const d = await startResidentSignIn(
      deps.db,
      deps.clock,
      deps.verifier,
      { docType: values.docType ?? '', docNumber: values.docNumber ?? '', name: values.name ?? '', phone: values.phone ?? '', locale: en ? 'en' : 'zh-CN' },
      { revealCode: deps.sms.reachesNoPhones, ip: req.ip },
    );
    if (!d.allowed) return signInForm(req, reply, values, asErrors(req, d.reasons));
    const q = new URLSearchParams({ c: d.value.challengeId, p: d.value.maskedPhone, ...(d.value.demoCode ? { demo: d.value.demoCode } : {}) });
    return reply.redirect(`/sign-in/code?${q.toString()}`, 303);
  });

  const codeForm = (req: FastifyRequest, reply: FastifyReply, q: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const body = html`${errorSummary(ctx.locale, errors)}
<p>${en ? `We sent a 6-digit code to ${q.p ?? ''}.` : `验证码已发送至 ${q.p ?? ''}。`}</p>
${q.demo ? html`<div class="notice">${en ? 'Demo mode (no SMS gateway): the code is' : '演示模式（未接入短信网关）：验证码为'} <strong>${q.demo}</strong></div>` : ''}
<form method="post" action="/sign-in/code" novalidate>
<input type="hidden" name="c" value="${q.c ?? ''}">
${textInput({ id: 'code', label: en ? 'Code' : '验证码', error: errors[0]?.message, inputmode: 'numeric', autocomplete: 'one-time-code' })}
${button(en ? 'Sign in' : '登录')}
</form>`;
    return reply.code(errors.length ? 401 : 200).type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Enter the code' : '输入验证码', body, back: { href: '/sign-in', label: en ? 'Back' : '返回' } }));
  };

  app.get<{ Querystring: Form }>('/sign-in/code', { schema: { hide: true } }, async (req, reply) => codeForm(req, reply, req.query, []));

  app.post('/sign-in/code', { schema: { hide: true } }, async (req, reply) => {
    const c = str(req.body, 'c');
    const code = str(req.body, 'code');
    const d = /^\d{6}$/.test(code) ? await completeResidentSignIn(deps.db, deps.clock, c, code, req.ip) : undefined;
    if (!d || !d.allowed) {
      const en = pageContext(req, deps.clock).locale === 'en';
      return codeForm(req, reply, { c }, [{ field: 'code', message: en ? 'The code is wrong or has expired' : '验证码错误或已过期' }]);
    }
    reply.setCookie(sessionCookie, d.value.token, cookieOptions());
    return reply.redirect('/me/messages', 303);
  });

  const staffForm = (req: FastifyRequest, reply: FastifyReply, values: Form, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const body = html`${errorSummary(ctx.locale, errors)}
<form method="post" action="/staff/sign-in" novalidate>
${textInput({ id: 'username', label: en ? 'Username' : '用户名', value: values.username, error: errors.find((e) => e.field === 'username')?.message, autocomplete: 'username' })}
${textInput({ id: 'password', label: en ? 'Password' : '密码', type: 'password', autocomplete: 'current-password' })}
${button(en ? 'Sign in' : '登录')}
</form>`;
    return reply.code(errors.length ? 401 : 200).type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Staff sign-in' : '工作人员登录', body }));
  };

  app.get('/staff/sign-in', { schema: { hide: true } }, async (req, reply) => staffForm(req, reply, {}, []));
  app.post('/staff/sign-in', { schema: { hide: true } }, async (req, reply) => {
    const username = str(req.body, 'username');
    const d = await staffSignIn(deps.db, deps.clock, username, str(req.body, 'password'), req.ip);
    if (!d.allowed) return staffForm(req, reply, { username }, asErrors(req, d.reasons));
    reply.setCookie(sessionCookie, d.value.token, cookieOptions());
    const staff = await deps.db.kysely.selectFrom('staff').select('role').where('id', '=', d.value.staffId).executeTakeFirst();
    return reply.redirect(staff ? roleHome(staff.role as Role) : '/', 303);
  });

  app.post('/sign-out', { schema: { hide: true } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await closeSession(deps.db.kysely, token);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.redirect('/', 303);
  });
}
