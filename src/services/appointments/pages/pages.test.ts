import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, testEngines, type TestDatabase } from '../../../platform/db/test-databases.ts';
import { manualClock } from '../../../platform/time/clock.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Db } from '../../../platform/db/connect.ts';
import { allMigrations, createApp } from '../../../app.ts';
import { seedPlatformDemo, demoPassword } from '../../../seed/demo.ts';
import { seedAppointmentsDemo } from '../seed.ts';
import type { AppointmentDb } from '../schema.ts';
import { patient } from '../store/world.test-support.ts';

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : [String(raw)];
  return list.map((c: string) => c.split(';')[0]).join('; ');
}

describe.each(testEngines)('appointment pages on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let app: FastifyInstance;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 Beijing

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    await seedPlatformDemo(t.db, clock, 5);
    await seedAppointmentsDemo(t.db as unknown as Db<AppointmentDb>, clock, 3);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  async function residentCookie(): Promise<string> {
    const p = patient(42);
    const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: p });
    const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
    const verify = await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } });
    return cookieOf(verify);
  }

  it('lets a resident find a department, see availability without doctor names, book, see the SMS and cancel', async () => {
    const cookie = await residentCookie();
    const list = await app.inject({ url: '/appointments', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('北京大学人民医院');
    const dept = await app.inject({ url: '/appointments/1/1', headers: { cookie } });
    expect(dept.body).toContain('主任医师');
    const doctorNames = await t.db.kysely.selectFrom('appt_doctors' as never).select('name' as never).execute();
    for (const d of doctorNames as { name: string }[]) expect(dept.body).not.toContain(d.name);
    const link = /href="\/appointments\/book\/(\d+)"/.exec(dept.body);
    expect(link).not.toBeNull();
    const confirm = await app.inject({ url: `/appointments/book/${link![1]}`, headers: { cookie } });
    expect(confirm.body).toContain('核对预约信息');
    const booked = await app.inject({ method: 'POST', url: `/appointments/book/${link![1]}`, headers: { cookie } });
    expect(booked.statusCode).toBe(303);
    const mine = await app.inject({ url: '/appointments/mine?booked=1', headers: { cookie } });
    expect(mine.body).toContain('已预约');
    expect(mine.body).toMatch(/距取消截止还有\d+小时/);
    const messages = await app.inject({ url: '/me/messages', headers: { cookie } });
    expect(messages.body).toContain('预约成功');
    const id = /action="\/appointments\/mine\/(\d+)\/cancel"/.exec(mine.body)![1];
    const cancelled = await app.inject({ method: 'POST', url: `/appointments/mine/${id}/cancel`, headers: { cookie } });
    expect(cancelled.statusCode).toBe(303);
    expect((await app.inject({ url: '/appointments/mine', headers: { cookie } })).body).toContain('已取消');
  });

  it('refuses a booking after the 15:00 cutoff with the article shown', async () => {
    const cookie = await residentCookie();
    const slot = await t.db.kysely.selectFrom('appt_slots' as never).select('id' as never).where('visit_date' as never, '=', '2026-03-03' as never).limit(1).executeTakeFirstOrThrow();
    clock.set(new Date('2026-03-02T07:30:00Z')); // 15:30 Beijing, the day before
    try {
      const res = await app.inject({ method: 'POST', url: `/appointments/book/${(slot as { id: number }).id}`, headers: { cookie } });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('依据 西卫〔2019〕5号 第十七条');
    } finally {
      clock.set(new Date('2026-03-02T01:00:00Z'));
    }
  });

  it('shows an institution admin the 80% rule refusal with its citation', async () => {
    const signIn = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username: 'admin.rmyy', password: demoPassword } });
    const cookie = cookieOf(signIn);
    const page = await app.inject({ url: '/appointments/admin', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const doctorId = /<option value="(\d+)"/.exec(page.body)![1];
    const res = await app.inject({
      method: 'POST',
      url: '/appointments/admin/sessions',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ doctorId: doctorId!, visitDate: '2026-03-12', start: '08:00', count: '2', referral: '0', appointment: '7', window: '3' }).toString(),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('不得低于全部号源的80%');
    expect(res.body).toContain('依据 西卫〔2019〕5号 第十条');
    const resident = await app.inject({ url: '/appointments/admin', headers: { cookie: await residentCookie() } });
    expect(resident.statusCode).toBe(403);
  });
});
