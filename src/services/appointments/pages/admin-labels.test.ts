import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { openPagesWorld, textOf, type PagesWorld } from './pages.test-support.ts';

/** The sessions table of /appointments/admin: bilingual status words, never the stored codes. */
function sessionsTable(body: string, heading: string): string {
  const after = body.split(`<h2>${heading}</h2>`)[1];
  expect(after).toBeDefined();
  return textOf(after!.split('</table>')[0]!);
}

describe.each(testEngines)('institution admin session statuses on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 3);
  });
  afterAll(async () => {
    await w.close();
  });

  it('shows 已发布 / 已停诊 (Published / Stopped in English) instead of the codes', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const before = await w.app.inject({ url: '/appointments/admin', headers: { cookie } });
    expect(before.statusCode).toBe(200);
    const stopLink = /href="\/appointments\/admin\/sessions\/(\d+)\/stop"/.exec(before.body);
    expect(stopLink).not.toBeNull();
    // Stop a session two days ahead (a normal stop, 第二十七条) through the page.
    const stop = await w.form(`/appointments/admin/sessions/${stopLink![1]}/stop`, cookie, { reason: '医师外出学习' });
    expect(stop.statusCode, stop.body).toBe(303);

    const zh = sessionsTable((await w.app.inject({ url: '/appointments/admin', headers: { cookie } })).body, '未来14天出诊');
    expect(zh).toContain('已发布');
    expect(zh).toContain('已停诊');
    expect(zh).not.toMatch(/\bpublished\b|\bstopped\b/);
    const en = sessionsTable((await w.app.inject({ url: '/appointments/admin', headers: { cookie, 'accept-language': 'en' } })).body, 'Sessions in the next 14 days');
    expect(en).toContain('Published');
    expect(en).toContain('Stopped');
    expect(en).not.toMatch(/\bpublished\b|\bstopped\b/);
  });
});
