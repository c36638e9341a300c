import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  /**
   * Fault injection for crash tests, never set in production: every response waits this long
   * after its handler finished (its transaction committed) before it is sent.
   */
  faultReplyDelayMs?: number;
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
  setSecurityHeaders(app);
  const faultDelay = deps.options.faultReplyDelayMs ?? 0;
  if (faultDelay > 0) app.addHook('onSend', async () => new Promise((resolve) => setTimeout(resolve, faultDelay)));
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

/** Helmet's options: pages load only same-origin scripts, styles and forms. */
export const helmetOptions = {
  contentSecurityPolicy: {
    directives: { defaultSrc: ["'self'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"] },
  },
};

/**
 * The headers helmet sets with these options, computed once at start by running helmet's own
 * middleware against a recording response. @fastify/helmet rebuilt them on every request (~40 µs of
 * server CPU: half of a /healthz, ~10 % of a booking; booking benchmark, issue 3). Our options are
 * static (no per-request CSP nonces), so the headers are the same for every response.
 */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze(computeHelmetHeaders());

function computeHelmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  };
  let finished = false;
  helmet(helmetOptions)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // helmet's middleware is synchronous for static options; anything else would be a silent gap.
  if (!finished || !headers['content-security-policy']) throw new Error('helmet did not produce the security headers synchronously');
  return headers;
}

const securityHeaderEntries = Object.entries(securityHeaders);

function setSecurityHeaders(app: FastifyInstance): void {
  // On the raw response, as helmet does: they survive error replies and 404s.
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of securityHeaderEntries) reply.raw.setHeader(name, value);
    done();
  });
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
