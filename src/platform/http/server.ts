import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { Clock } from '../time/clock.ts';
import type { Db } from '../db/connect.ts';
import type { PlatformTables } from '../db/schema.ts';
import type { SmsAdapter } from '../notify/sms-adapter.ts';
import type { IdentityVerifier } from '../identity/sign-in.ts';
import { installErrorHandling } from './error-handler.ts';
import { sendRefusal } from './refusal.ts';
import { reason } from '../law/decision.ts';
import { installAuth } from './auth.ts';
import { localeOf, type Locale } from './locale.ts';
import type { PageContext } from '../web/layout.ts';

export interface ServerOptions {
  /** Requests per minute per client IP across the API; per-person limits live in services. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  logger: boolean;
}

export interface PlatformDeps {
  readonly db: Db<PlatformTables>;
  readonly clock: Clock;
  readonly sms: SmsAdapter;
  readonly verifier: IdentityVerifier;
  readonly options: ServerOptions;
}

export const defaultServerOptions: ServerOptions = { rateLimitPerMinute: 600, bodyLimitBytes: 64 * 1024, logger: false };

const css = readFileSync(new URL('../web/site.css', import.meta.url), 'utf8');

export async function buildServer(deps: PlatformDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.options.logger ? { level: 'info' } : false,
    bodyLimit: deps.options.bodyLimitBytes,
    // Unknown fields and wrong types are errors, not silently dropped or coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
    trustProxy: false,
  });
  installErrorHandling(app);
  await app.register(cookie);
  await app.register(formbody);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"] },
    },
  });
  await app.register(rateLimit, {
    global: true,
    max: deps.options.rateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (req) => req.url === '/healthz',
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error('rate limited'), { statusCode: ctx.statusCode }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Yiwang 西城区一网通办 API', version: '0.1.0', description: 'Every refusal is {"error":{"code","message","citation"?}}; zh-CN by default, English with Accept-Language: en.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  installAuth(app, deps.db.kysely, deps.clock);
  refuseControlCharacters(app);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/assets/site.css', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );
  app.get<{ Params: { locale: string }; Querystring: { back?: string } }>('/lang/:locale', { schema: { hide: true } }, async (req, reply) => {
    const locale: Locale = req.params.locale === 'en' ? 'en' : 'zh-CN';
    // Only a same-site path: no '//host', no backslashes or white space browsers would read as one.
    const back = typeof req.query.back === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(req.query.back) ? req.query.back : '/';
    return reply.setCookie('lang', locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 }).redirect(back.replace(/([?&])lang=[^&]*&?/, '$1'), 303);
  });
  return app;
}

/** C0 controls other than tab and newlines (and DEL) in any input string; PostgreSQL cannot store NUL. */
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function hasControlCharacters(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return controlCharacters.test(v);
  if (depth > 20 || v === null || typeof v !== 'object') return false;
  return Object.entries(v as Record<string, unknown>).some(([k, x]) => controlCharacters.test(k) || hasControlCharacters(x, depth + 1));
}

function refuseControlCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (req, reply) => {
    if (hasControlCharacters(req.body) || hasControlCharacters(req.query) || hasControlCharacters(req.params)) {
      return sendRefusal(req, reply, [reason('invalid_request', '请求含有不允许的控制字符', 'The request contains control characters')]);
    }
    return undefined;
  });
}

export function pageContext(req: import('fastify').FastifyRequest, clock: Clock): PageContext {
  return { locale: localeOf(req), viewer: req.viewer, clock, path: req.url };
}
