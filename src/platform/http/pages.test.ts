import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { allMigrations, createApp } from '../../app.ts';
import { serviceCatalog } from '../../catalog.ts';
import { openTestDatabase, testEngines, type TestDatabase } from '../db/test-databases.ts';
import type { PlatformTables } from '../db/schema.ts';
import { manualClock } from '../time/clock.ts';
import { demoPassword, seedPlatformDemo, syntheticResidentId } from '../../seed/demo.ts';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

function expectHtml(res: LightMyRequestResponse, status = 200): string {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.body.startsWith('<!doctype html><html lang="')).toBe(true);
  return res.body;
}

function sessionCookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'yiwang_session');
  if (!c) throw new Error('no session cookie');
  return c.value;
}

const wei5 = encodeURIComponent('西卫〔2019〕5号');

describe.each(testEngines)('pages on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let k: Kysely<PlatformTables>;
  let app: FastifyInstance;
  const clock = manualClock(new Date('2026-03-02T01:00:00Z'));
  let serial = 10;
  const freshId = () => syntheticResidentId('1978-11-03', serial++, true);
  const get = (url: string, cookies: Record<string, string> = {}) => app.inject({ method: 'GET', url, cookies });

  async function personCount(): Promise<number> {
    return Number((await k.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async function apiSignIn(name: string, docNumber = freshId()): Promise<string> {
    const start = await app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { docType: 'resident_id', docNumber, name, phone: '13800138000' } });
    expect(start.statusCode, start.body).toBe(200);
    const { challengeId, demoCode } = start.json() as { challengeId: string; demoCode: string };
    const verify = await app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } });
    return (verify.json() as { token: string }).token;
  }

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    k = t.db.kysely;
    await seedPlatformDemo(t.db, clock, 3);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  describe('home page', () => {
    const available = serviceCatalog.filter((s) => s.available);
    const coming = serviceCatalog.filter((s) => !s.available);

    it('lists every service with an available or coming tag', async () => {
      const page = expectHtml(await get('/'));
      expect(page).toContain('<html lang="zh-CN">');
      expect(available.length).toBeGreaterThan(0);
      expect(coming.length).toBeGreaterThan(0);
      for (const s of serviceCatalog) expect(page).toContain(s.name.zh);
      expect(page.split('<span class="tag">已开通</span>').length - 1).toBe(available.length);
      expect(page.split('<span class="tag grey">即将开通</span>').length - 1).toBe(coming.length);
      for (const s of available) expect(page).toContain(`<a href="${s.href}">${s.name.zh}</a>`);
      for (const s of coming) expect(page).not.toContain(`>${s.name.zh}</a>`);
    });

    it('is in English with the lang cookie', async () => {
      const page = expectHtml(await get('/', { lang: 'en' }));
      expect(page).toContain('<html lang="en">');
      for (const s of serviceCatalog) expect(page).toContain(s.name.en);
      expect(page.split('<span class="tag">Available</span>').length - 1).toBe(available.length);
      expect(page.split('<span class="tag grey">Coming</span>').length - 1).toBe(coming.length);
    });
  });

  describe('law pages', () => {
    it('/law groups the documents under 区政府文件, 区政府办文件 and 部门文件', async () => {
      const page = expectHtml(await get('/law'));
      const at = (s: string) => page.indexOf(s);
      const [g1, g2, g3] = ['<h2>【区政府文件】</h2>', '<h2>【区政府办文件】</h2>', '<h2>【部门文件】</h2>'].map(at) as [number, number, number];
      expect(g1).toBeGreaterThan(0);
      expect(g1).toBeLessThan(g2);
      expect(g2).toBeLessThan(g3);
      const link = (doc: string) => at(`<a href="/law/${encodeURIComponent(doc)}">`);
      expect(link('西政发〔2019〕6号')).toBeGreaterThan(g1);
      expect(link('西政发〔2019〕6号')).toBeLessThan(g2);
      expect(link('西政办发〔2019〕1号')).toBeGreaterThan(g2);
      expect(link('西政办发〔2019〕1号')).toBeLessThan(g3);
      expect(link('西卫〔2019〕5号')).toBeGreaterThan(g3);
      expect(page.match(/<li><a href="\/law\/%[^"]+">/g)).toHaveLength(21);
    });

    it('a document page has an anchor for each article', async () => {
      const page = expectHtml(await get(`/law/${wei5}`));
      expect(page).toContain('<section class="article" id="第十七条">');
      expect(page).toContain('<a class="label" href="#第十七条">第十七条</a>');
      expect(page).toContain('id="第十六条"');
      expect(page).toContain('<a class="back-link" href="/law">全部文件</a>');
    });

    it('an unknown document is a 404 page', async () => {
      const page = expectHtml(await get(`/law/${encodeURIComponent('西卫〔2019〕99号')}`), 404);
      expect(page).toContain('公报中没有这个文号的文件');
    });

    it('/law/search highlights the query with <mark>', async () => {
      const page = expectHtml(await get(`/law/search?q=${encodeURIComponent('预约')}`));
      expect(page).toContain('<mark>预约</mark>');
      expect(page).toMatch(/“预约”共找到 [1-9]\d* 处/);
      expect(page).toContain(`<a href="/law/${wei5}#`);
    });

    it('/law/search escapes the query it echoes', async () => {
      const page = expectHtml(await get(`/law/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`));
      expect(page).not.toContain('<script');
      expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });
  });

  describe('language switch', () => {
    it('/lang/en?back=/law sets the lang cookie and redirects back', async () => {
      const res = await get('/lang/en?back=/law');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/law');
      expect(res.cookies.find((c) => c.name === 'lang')).toMatchObject({ value: 'en', path: '/', httpOnly: true, sameSite: 'Lax' });
      const page = expectHtml(await get('/law', { lang: 'en' }));
      expect(page).toContain('<html lang="en">');
      expect(page).toContain('<title>Xicheng gazette 2019 - Xicheng Yiwang</title>');
      expect(page).toContain(`<a lang="zh-CN" href="/lang/zh-CN?back=${encodeURIComponent('/law')}">中文</a>`);
    });

    it('switches back to Chinese', async () => {
      const res = await get('/lang/zh-CN?back=/law', { lang: 'en' });
      expect(res.cookies.find((c) => c.name === 'lang')?.value).toBe('zh-CN');
      const page = expectHtml(await get('/law', { lang: 'zh-CN' }));
      expect(page).toContain('<html lang="zh-CN">');
      expect(page).toContain(`<a lang="en" href="/lang/en?back=${encodeURIComponent('/law')}">English</a>`);
    });

    it('drops a lang parameter from the way back', async () => {
      expect((await get(`/lang/en?back=${encodeURIComponent('/law/search?lang=zh-CN&q=x')}`)).headers.location).toBe('/law/search?q=x');
    });

    it.each(['//evil.example/x', 'https://evil.example/', 'evil.example', ''])('never redirects off-site (back=%s)', async (back) => {
      const res = await get(`/lang/en?back=${encodeURIComponent(back)}`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
    });

    it('?lang=en and Accept-Language: en also give English', async () => {
      expect(expectHtml(await get('/law?lang=en'))).toContain('<html lang="en">');
      const res = await app.inject({ method: 'GET', url: '/law', headers: { 'accept-language': 'en-US,en;q=0.8' } });
      expect(expectHtml(res)).toContain('<html lang="en">');
    });
  });

  describe('resident sign-in through forms', () => {
    it('shows the error summary, linking to the field and citing the law, for a bad ID number', async () => {
      const before = await personCount();
      const res = await app.inject({ method: 'POST', url: '/sign-in', ...form({ docType: 'resident_id', docNumber: '110105194912310021', name: '张三', phone: '13800138000' }) });
      const page = expectHtml(res, 422);
      expect(page).toContain('<div class="error-summary" role="alert"');
      expect(page).toContain('<a href="#docNumber">居民身份证号码校验码错误（GB 11643-1999）</a>');
      expect(page).toContain(`<a class="citation" href="/law/${wei5}#${encodeURIComponent('第十六条')}">依据 西卫〔2019〕5号 第十六条</a>`);
      expect(page).toContain('<p class="error-message" id="docNumber-error">');
      expect(page).toContain('aria-invalid="true"');
      // What was typed is kept.
      expect(page).toContain('value="110105194912310021"');
      expect(page).toContain('value="张三"');
      expect(await personCount()).toBe(before);
    });

    it('lists every missing field', async () => {
      const page = expectHtml(await app.inject({ method: 'POST', url: '/sign-in', ...form({ docType: 'resident_id', docNumber: ' ', name: '', phone: '' }) }), 422);
      for (const field of ['docNumber', 'name', 'phone']) expect(page).toContain(`<a href="#${field}">`);
    });

    it('shows errors in English', async () => {
      const res = await app.inject({ method: 'POST', url: '/sign-in', cookies: { lang: 'en' }, ...form({ docType: 'hk_macau_permit', docNumber: 'X1', name: 'Li', phone: '13800138000' }) });
      const page = expectHtml(res, 422);
      expect(page).toContain('There is a problem');
      expect(page).toContain('<a href="#docNumber">A Mainland travel permit number is H or M followed by 8 digits</a>');
      expect(page).toContain('Under 西教发〔2019〕11号');
    });

    it('goes from the form to the code page to a session that shows the SMS', async () => {
      const doc = freshId();
      const res = await app.inject({ method: 'POST', url: '/sign-in', ...form({ docType: 'resident_id', docNumber: doc, name: '卫八', phone: '13512345678' }) });
      expect(res.statusCode).toBe(303);
      const location = String(res.headers.location);
      expect(location.startsWith('/sign-in/code?')).toBe(true);
      const q = new URL(location, 'http://localhost').searchParams;
      expect(q.get('p')).toBe('135****5678');
      const challengeId = q.get('c')!;
      const code = q.get('demo')!;
      expect(code).toMatch(/^\d{6}$/);

      const codePage = expectHtml(await get(location));
      expect(codePage).toContain('验证码已发送至 135****5678。');
      expect(codePage).toContain(`<strong>${code}</strong>`);
      expect(codePage).toContain(`<input type="hidden" name="c" value="${challengeId}">`);

      const wrong = await app.inject({ method: 'POST', url: '/sign-in/code', ...form({ c: challengeId, code: code === '000000' ? '111111' : '000000' }) });
      expect(expectHtml(wrong, 401)).toContain('<a href="#code">验证码错误或已过期</a>');
      expect(wrong.cookies.find((c) => c.name === 'yiwang_session')).toBeUndefined();

      const done = await app.inject({ method: 'POST', url: '/sign-in/code', ...form({ c: challengeId, code }) });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe('/me/messages');
      const token = sessionCookieOf(done);
      expect(done.cookies.find((c) => c.name === 'yiwang_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

      const messages = expectHtml(await get('/me/messages', { yiwang_session: token }));
      expect(messages).toContain(`【西城一网通办】您的实名登录验证码为${code}，5分钟内有效。请勿告诉他人。`);
      expect(messages).toContain('卫八（居民）');
      expect(messages).toContain('<a href="/me/messages">我的消息</a>');

      const out = await app.inject({ method: 'POST', url: '/sign-out', cookies: { yiwang_session: token } });
      expect(out.statusCode).toBe(303);
      const after = await get('/me/messages', { yiwang_session: token });
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe('/sign-in');
    });

    it('sends anonymous visitors of /me/messages to sign in', async () => {
      const res = await get('/me/messages');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/sign-in');
    });
  });

  describe('staff pages', () => {
    it('refuse a wrong password and let an auditor reach the audit log', async () => {
      const bad = await app.inject({ method: 'POST', url: '/staff/sign-in', ...form({ username: 'auditor', password: 'nope' }) });
      const badPage = expectHtml(bad, 401);
      expect(badPage).toContain('<a href="#username">用户名或密码错误</a>');
      expect(badPage).toContain('value="auditor"');
      expect(badPage).not.toContain('nope');

      const good = await app.inject({ method: 'POST', url: '/staff/sign-in', ...form({ username: 'auditor', password: demoPassword }) });
      expect(good.statusCode).toBe(303);
      expect(good.headers.location).toBe('/');
      const token = sessionCookieOf(good);
      const audit = expectHtml(await get('/audit', { yiwang_session: token }));
      expect(audit).toContain('<h1>审计日志</h1>');
      expect(audit).toContain('session.sign_in');
      expect(audit).toContain('<a href="/audit">审计日志</a>');
    });

    it('send anonymous visitors of /audit to staff sign-in', async () => {
      const res = await get('/audit');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/sign-in');
    });
  });

  describe('training banner', () => {
    it('shows when the clock is simulated', async () => {
      const page = expectHtml(await get('/'));
      expect(page).toContain('<div class="demo-banner" role="status">培训演示模式：系统时间 2026年3月2日 09:00</div>');
      expect(expectHtml(await get('/', { lang: 'en' }))).toContain('Training/demo mode: system time March 2, 2026, 09:00 (UTC+8)');
    });

    it('is absent with a real clock', async () => {
      const realTime = { now: () => new Date('2026-03-02T01:00:00Z') };
      const { app: live } = await createApp({ db: t.db, clock: realTime, server: { rateLimitPerMinute: 1_000_000 } });
      try {
        const page = expectHtml(await live.inject({ method: 'GET', url: '/' }));
        expect(page).not.toContain('demo-banner');
      } finally {
        await live.close();
      }
    });
  });

  describe('HTML escaping', () => {
    const evil = '<script>alert("x")</script>';
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

    it('escapes a resident name in the page header', async () => {
      const token = await apiSignIn(evil);
      for (const url of ['/', '/law', '/me/messages']) {
        const page = expectHtml(await get(url, { yiwang_session: token }));
        expect(page).not.toContain('<script');
        expect(page).toContain(`${escaped}（居民）`);
      }
    });

    it('escapes the name in the audit log page', async () => {
      await apiSignIn(`${evil}2`);
      const staff = await app.inject({ method: 'POST', url: '/api/auth/staff', payload: { username: 'operator', password: demoPassword } });
      const page = expectHtml(await get('/audit', { yiwang_session: (staff.json() as { token: string }).token }));
      expect(page).not.toContain('<script');
      expect(page).toContain(`${escaped}2`);
    });

    it('escapes values echoed back into the sign-in form', async () => {
      const res = await app.inject({ method: 'POST', url: '/sign-in', ...form({ docType: 'resident_id', docNumber: '"><img src=x onerror=alert(1)>', name: evil, phone: '13800138000' }) });
      const page = expectHtml(res, 422);
      expect(page).not.toContain('<script');
      expect(page).not.toContain('<img');
      expect(page).toContain(`value="${escaped}"`);
      expect(page).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    });
  });

  it('serves the stylesheet', async () => {
    const res = await get('/assets/site.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.body.length).toBeGreaterThan(0);
  });
});
