import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { PlatformTables } from '../db/schema.ts';
import { viewerForToken, type Viewer } from '../identity/sessions.ts';
import type { Role } from '../identity/roles.ts';
import type { Actor } from '../audit/trail.ts';
import { reason } from '../law/decision.ts';
import { sendRefusal } from './refusal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

export const sessionCookie = 'yiwang_session';

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[sessionCookie];
}

/** Resolves the signed-in viewer (cookie for pages, Bearer token for scripts) once per request. */
export function installAuth(app: FastifyInstance, db: Kysely<PlatformTables>, clock: Clock): void {
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request) => {
    const token = sessionToken(request);
    request.viewer = token ? ((await viewerForToken(db, clock, token)) ?? null) : null;
  });
}

/** The viewer if signed in with one of the roles; otherwise a 401/403 is sent and undefined returned. */
export function requireRole(request: FastifyRequest, reply: FastifyReply, allowed: readonly Role[]): Viewer | undefined {
  const v = request.viewer;
  if (!v) {
    void sendRefusal(request, reply, [reason('unauthenticated', '请先登录', 'Please sign in first')]);
    return undefined;
  }
  if (!allowed.includes(v.role)) {
    void sendRefusal(request, reply, [reason('forbidden', '您的角色无权进行此操作', 'Your role may not do this')]);
    return undefined;
  }
  return v;
}

export function actorOf(request: FastifyRequest): Actor {
  const v = request.viewer;
  return v
    ? { kind: v.kind, id: v.id, name: v.name, role: v.role, ip: request.ip }
    : { kind: 'system', id: null, name: 'anonymous', role: 'anonymous', ip: request.ip };
}
