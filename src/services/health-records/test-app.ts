import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { createApp } from '../../app.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { openSession } from '../../platform/identity/sessions.ts';
import { registerHealthRecordsService } from './index.ts';
import type { World } from './test-support.ts';

/** The platform app with this service registered, driven in-process with inject (no ports). */
export async function buildTestApp(w: World): Promise<{ app: FastifyInstance; staffToken(username: string): Promise<string>; personToken(personId: number): Promise<string>; call(token: string | null, o: InjectOptions): Promise<LightMyRequestResponse> }> {
  const db = w.t.db as unknown as Db<PlatformTables>;
  const { app, deps } = await createApp({ db, clock: w.clock, server: { rateLimitPerMinute: 1_000_000 } });
  // app.ts may already wire this service (the composition root); register it only if not.
  if (!app.hasRoute({ method: 'GET', url: '/api/health-records/me' })) registerHealthRecordsService(app, deps);
  await app.ready();
  const k = db.kysely as Kysely<PlatformTables>;
  return {
    app,
    staffToken: async (username) => openSession(k, w.clock, 'staff', w.staff[username]!.id),
    personToken: async (personId) => openSession(k, w.clock, 'person', personId),
    call: (token, o) => app.inject({ ...o, headers: { ...(o.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
  };
}
