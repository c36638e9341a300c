/**
 * Test support for the appointments pages: the whole app on a test database with the platform and
 * appointments demo seeded (sessions on the next `days` days (default: Tuesday 2026-03-03 only), from Monday 2026-03-02 09:00 Beijing),
 * and signed-in cookies for residents and demo staff. Not loaded in production.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { manualClock, type ManualClock } from '../../../platform/time/clock.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Db, Engine } from '../../../platform/db/connect.ts';
import { allMigrations, createApp } from '../../../app.ts';
import { seedPlatformDemo, demoPassword } from '../../../seed/demo.ts';
import { seedAppointmentsDemo } from '../seed.ts';
import type { AppointmentDb } from '../schema.ts';
import { patient } from '../store/world.test-support.ts';

export const mondayNine = new Date('2026-03-02T01:00:00Z');

export interface PagesWorld {
  t: TestDatabase<PlatformTables>;
  app: FastifyInstance;
  clock: ManualClock;
  k: Db<AppointmentDb>['kysely'];
  residentCookie(i: number): Promise<string>;
  staffCookie(username: string): Promise<string>;
  /** Sessions expire: sign staff in again after moving the clock. */
  forgetSessions(): void;
  form(url: string, cookie: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : [String(raw)];
  return list.map((c: string) => c.split(';')[0]).join('; ');
}

export async function openPagesWorld(engine: Engine, days = 1): Promise<PagesWorld> {
  const clock = manualClock(mondayNine);
  const t = await openTestDatabase<PlatformTables>(engine, allMigrations);
  await seedPlatformDemo(t.db, clock, 5);
  await seedAppointmentsDemo(t.db as unknown as Db<AppointmentDb>, clock, days);
  const { app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } });
  await app.ready();
  const staff = new Map<string, string>();
  return {
    t,
    app,
    clock,
    k: (t.db as unknown as Db<AppointmentDb>).kysely,
    async residentCookie(i) {
      const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: patient(i) });
      expect(start.statusCode, start.body).toBe(200);
      const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
      return cookieOf(await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } }));
    },
    async staffCookie(username) {
      const cached = staff.get(username);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username, password: demoPassword } });
      expect(res.statusCode, res.body).toBe(200);
      const c = cookieOf(res);
      staff.set(username, c);
      return c;
    },
    forgetSessions() {
      staff.clear();
    },
    form(url, cookie, fields) {
      return app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    },
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}

/** Visible text of an HTML fragment, tags removed: for asserting what a person reads. */
export function textOf(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** A slot of the seeded demo: institution by organisation code, department by name, date and start. */
export async function slotAt(k: PagesWorld['k'], o: { org?: string; dept: string; date: string; start: string; title?: string }): Promise<{ slotId: number; institutionId: number; departmentId: number }> {
  let q = k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select(['sl.id', 'se.institution_id', 'se.department_id'])
    .where('o.code', '=', o.org ?? 'H001')
    .where('d.name', '=', o.dept)
    .where('sl.visit_date', '=', o.date)
    .where('sl.period_start', '=', o.start);
  if (o.title) q = q.where('se.title', '=', o.title);
  const r = await q.orderBy('sl.id').executeTakeFirstOrThrow();
  return { slotId: Number(r.id), institutionId: Number(r.institution_id), departmentId: Number(r.department_id) };
}
