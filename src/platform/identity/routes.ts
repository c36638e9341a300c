import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { PlatformDeps } from '../http/server.ts';
import { actorOf, requireRole, sessionCookie, sessionToken } from '../http/auth.ts';
import { sendRefusal } from '../http/refusal.ts';
import { inTransaction } from '../db/transaction.ts';
import type { PlatformTables } from '../db/schema.ts';
import { appendAudit } from '../audit/trail.ts';
import { reason } from '../law/decision.ts';
import { completeResidentSignIn, staffSignIn, startResidentSignIn } from './sign-in.ts';
import { closeSession, type Viewer } from './sessions.ts';
import { findPersonById, type Person } from './persons.ts';
import { maskDocumentNumber, maskPhone } from './masking.ts';
import { roleSeesPersonalNumbers } from './roles.ts';
import { personProperties } from './schemas.ts';

const err = { $ref: 'error#' } as const;

/** A person as a viewer may see them: full numbers only to the owner and to roles whose work needs them. */
export function personView(p: Person, viewer: Viewer | null) {
  const unmasked = viewer !== null && (viewer.personId === p.id || (viewer.kind === 'staff' && roleSeesPersonalNumbers(viewer.role)));
  return {
    id: p.id,
    name: p.name,
    docType: p.docType,
    docNumber: unmasked ? p.docNumber : maskDocumentNumber(p.docNumber),
    phone: unmasked ? p.phone : maskPhone(p.phone),
    locale: p.locale,
    masked: !unmasked,
  };
}

export function cookieOptions() {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, maxAge: 8 * 3600 };
}

export function registerIdentityRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  app.addSchema({ $id: 'error', type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, citation: { type: 'object', additionalProperties: true } }, required: ['code', 'message'] } } });

  app.post<{ Body: { docType: string; docNumber: string; name: string; phone: string; locale?: 'zh-CN' | 'en' } }>(
    '/api/auth/resident/start',
    {
      schema: {
        tags: ['identity'],
        summary: '实名登录第一步：核验证件并发送短信验证码 / Real-name sign-in step 1: check the document and text a code',
        description: 'With the default log SMS adapter (no gateway configured) the response carries demoCode so scripts can sign in.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['docType', 'docNumber', 'name', 'phone'],
          properties: { ...personProperties, locale: { type: 'string', enum: ['zh-CN', 'en'] } },
        },
        response: { 200: { type: 'object', properties: { challengeId: { type: 'string' }, maskedPhone: { type: 'string' }, expiresAt: { type: 'string' }, demoCode: { type: 'string' } } }, 401: err, 422: err },
      },
    },
    async (req, reply) => {
      const d = await startResidentSignIn(deps.db, deps.clock, deps.verifier, { ...req.body, name: req.body.name.trim() }, { revealCode: deps.sms.reachesNoPhones, ip: req.ip });
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.post<{ Body: { challengeId: string; code: string } }>(
    '/api/auth/resident/verify',
    {
      schema: {
        tags: ['identity'],
        summary: '实名登录第二步：提交验证码，获得会话令牌 / Step 2: submit the code, get a session token',
        body: { type: 'object', additionalProperties: false, required: ['challengeId', 'code'], properties: { challengeId: { type: 'string', maxLength: 64 }, code: { type: 'string', pattern: '^\\d{6}$' } } },
        response: { 200: { type: 'object', properties: { token: { type: 'string' }, personId: { type: 'integer' } } }, 401: err },
      },
    },
    async (req, reply) => {
      const d = await completeResidentSignIn(deps.db, deps.clock, req.body.challengeId, req.body.code, req.ip);
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      reply.setCookie(sessionCookie, d.value.token, cookieOptions());
      return d.value;
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/staff',
    {
      schema: {
        tags: ['identity'],
        summary: '工作人员登录 / Staff sign-in',
        body: { type: 'object', additionalProperties: false, required: ['username', 'password'], properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { token: { type: 'string' }, staffId: { type: 'integer' } } }, 401: err },
      },
    },
    async (req, reply) => {
      const d = await staffSignIn(deps.db, deps.clock, req.body.username, req.body.password, req.ip);
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      reply.setCookie(sessionCookie, d.value.token, cookieOptions());
      return d.value;
    },
  );

  app.post('/api/auth/sign-out', { schema: { tags: ['identity'], summary: '退出登录 / Sign out' } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await closeSession(deps.db.kysely, token);
    reply.clearCookie(sessionCookie, { path: '/' });
    return { signedOut: true };
  });

  app.get('/api/me', { schema: { tags: ['identity'], summary: '当前登录人 / Who am I', security: [{ bearer: [] }] } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident', 'doctor', 'family_doctor', 'institution_admin', 'platform_operator', 'department_reviewer', 'auditor']);
    if (!v) return reply;
    const person = v.personId ? await findPersonById(deps.db.kysely, v.personId) : undefined;
    return { kind: v.kind, role: v.role, name: v.name, organisationId: v.organisationId, person: person ? personView(person, v) : null };
  });

  app.get<{ Params: { id: string } }>(
    '/api/persons/:id',
    {
      schema: {
        tags: ['identity'],
        summary: '查看人员信息（记入审计） / Read a person (audited)',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9]\\d{0,8}$' } }, required: ['id'] },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, ['doctor', 'family_doctor', 'institution_admin', 'platform_operator', 'auditor']);
      if (!v) return reply;
      const person = await findPersonById(deps.db.kysely, Number(req.params.id));
      if (!person) return sendRefusal(req, reply, [reason('not_found', '未找到该人员', 'No such person')]);
      // 西卫〔2019〕4号 第十八条: reads of personal data leave a trace too.
      await inTransaction(deps.db, (trx) =>
        appendAudit(trx as Kysely<PlatformTables>, deps.clock, actorOf(req), { action: 'person.read', entityType: 'person', entityId: person.id }),
      );
      return personView(person, v);
    },
  );
}
