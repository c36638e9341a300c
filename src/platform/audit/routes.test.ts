import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { allMigrations, createApp } from '../../app.ts';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import type { PlatformTables } from '../db/schema.ts';
import { manualClock } from '../time/clock.ts';
import { demoPassword, seedPlatformDemo } from '../../seed/demo.ts';
import { actionLabel, actorRoleLabel } from './labels.ts';

/** The cells of the audit page's table, as text: [#, time, who, role, action, record, IP] per row. */
function rows(body: string): string[][] {
  const tbody = body.split('<tbody>')[1]?.split('</tbody>')[0] ?? '';
  return tbody.split('<tr>').slice(1).map((tr) => tr.split(/<t[dh][^>]*>/).slice(1).map((c) => c.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()));
}

describe('audit labels (西卫〔2019〕4号 第十八条)', () => {
  it('names actions and roles in both languages and falls back to the code', () => {
    expect(actionLabel('zh-CN', 'session.sign_in')).toBe('登录');
    expect(actionLabel('zh-CN', 'booking.cancel')).toBe('预约挂号：取消');
    expect(actionLabel('en', 'booking.cancel')).toBe('Booking cancelled');
    expect(actionLabel('zh-CN', 'grant.approve.clinic')).toBe('档案查阅授权：审批');
    expect(actionLabel('zh-CN', 'nobody.knows')).toBe('nobody.knows');
    expect(actionLabel('en', 'booking.teleport')).toBe('booking.teleport');
    expect(actorRoleLabel('zh-CN', 'auditor')).toBe('审计人员');
    expect(actorRoleLabel('en', 'platform_operator')).toBe('Platform operator');
    expect(actorRoleLabel('zh-CN', 'system')).toBe('系统');
    expect(actorRoleLabel('zh-CN', 'robot')).toBe('robot');
  });
});

describe.each(testEngines)('audit page on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let app: FastifyInstance;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    await seedPlatformDemo(t.db, clock, 3);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('shows roles and actions in words, the action code beside them for the prefix search, and codes in the CSV', async () => {
    const staff = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username: 'auditor', password: demoPassword } });
    const token = (staff.json() as { token: string }).token;
    const zh = await app.inject({ url: '/audit?action=session.sign_in', cookies: { yiwang_session: token } });
    expect(zh.statusCode).toBe(200);
    const signIn = rows(zh.body).find((r) => r[3] === '审计人员');
    expect(signIn, JSON.stringify(rows(zh.body).slice(0, 3))).toBeDefined();
    expect(signIn![3]).toBe('审计人员');
    expect(signIn![4]).toBe('登录 session.sign_in');
    for (const r of rows(zh.body)) expect(r[3]).not.toMatch(/^(auditor|platform_operator|doctor|resident|system)$/);

    const en = await app.inject({ url: '/audit?action=session.sign_in', cookies: { yiwang_session: token, lang: 'en' } });
    const enRow = rows(en.body).find((r) => r[3] === 'Auditor');
    expect(enRow?.[4]).toBe('Signed in session.sign_in');

    const csv = await app.inject({ url: '/api/audit?action=session.sign_in&format=csv', headers: { authorization: `Bearer ${token}` } });
    expect(csv.body).toContain(',auditor,session.sign_in,');
  });
});
