import { describe, expect, it } from 'vitest';
import { checkPage, screenshot, signInStaff, submitAndWait, text, browserTestTimeout, useBrowserHarness } from './harness.ts';

describe('the platform operator in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('reads the supervision dashboard with its charts, the audit trail, the gazette and the health-record grants', async () => {
    const page = await h.page('desktop');
    await signInStaff(page, 'operator');

    // 第六条 (三), 第七条: statistics with charts that have accessible names, plus CSV.
    await page.goto('/appointments/supervision');
    expect(await text(page, 'h1')).toBe('预约诊疗监管统计');
    const charts = page.locator('main figure.chart svg[role="img"]');
    expect(await charts.count()).toBeGreaterThanOrEqual(4);
    for (const c of await charts.all()) {
      const name = await c.evaluate((el) => el.getAttribute('aria-labelledby')?.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') ?? '');
      expect(name.trim().length).toBeGreaterThan(4);
    }
    // The seeded fortnight has tickets: the bars exist and the table has the numbers.
    expect(await page.locator('main figure.chart rect').count()).toBeGreaterThan(4);
    expect(await page.locator('main a[href*="format=csv"]').count()).toBeGreaterThanOrEqual(2);
    await checkPage(page, 'supervision-dashboard');
    await page.locator('input[name="granularity"][value="week"]').check();
    await submitAndWait(page, page.getByRole('button', { name: '统计' }));
    expect(new URL(page.url()).searchParams.get('granularity')).toBe('week');
    expect(await page.locator('main figure.chart svg[role="img"]').count()).toBeGreaterThanOrEqual(4);
    await submitAndWait(page, page.getByRole('link', { name: '考核报告' }).first());
    expect(await text(page, 'h1')).toBe('预约诊疗服务月度考核报告');
    await checkPage(page, 'supervision-monthly-report', { otherWidth: false });

    // 西卫〔2019〕4号 第十八条: the hash-chained audit trail, searchable.
    await page.goto('/audit');
    expect(await text(page, 'h1')).toBe('审计日志');
    expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
    await page.locator('#actorName').fill('周运营');
    await submitAndWait(page, page.getByRole('button', { name: '检索' }));
    const rows = page.locator('main tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const r of (await rows.all()).slice(0, 10)) expect(await text(r)).toContain('周运营');
    expect(await text(page, 'main')).toContain('session.sign_in');
    // Roles and actions in words (the code stays beside the action, for the prefix search).
    const first = await text(rows.first());
    expect(first).toContain('平台运营人员');
    expect(first).not.toContain('platform_operator');
    expect(await text(page, 'main')).toContain('登录');
    await checkPage(page, 'audit-trail');

    // The gazette: documents, search, an article.
    await page.goto('/law');
    expect(await page.locator('main li a[href^="/law/"]').count()).toBe(21);
    await checkPage(page, 'law-index');
    await page.locator('#q').fill('预约');
    await submitAndWait(page, page.getByRole('button', { name: '检索' }));
    expect(await text(page, 'main')).toMatch(/“预约”共找到 \d+ 处/);
    expect(await page.locator('main mark').count()).toBeGreaterThan(0);
    await checkPage(page, 'law-search');
    await submitAndWait(page, page.locator('main ol li a').first());
    expect(new URL(page.url()).pathname.startsWith('/law/')).toBe(true);
    await checkPage(page, 'law-document');

    // 西卫〔2019〕4号 第十四条: the health-record centre's institutions and the grants workflow.
    await page.goto('/health-records/admin');
    expect(await text(page, 'h1')).toBe('居民健康档案中心管理');
    expect(await text(page, 'main')).toContain('已接入（直接授权）');
    await checkPage(page, 'health-records-admin');
    await submitAndWait(page, page.getByRole('link', { name: '授权管理：申请、审批、办理、撤销' }));
    expect(await text(page, 'h1')).toBe('授权管理');
    const application = page.locator('main tbody tr', { hasText: '北京市西城区疾病预防控制中心' });
    expect(await application.count()).toBe(1);
    expect(await text(application)).toContain('待审批');
    await checkPage(page, 'health-records-grants');
    await page.locator('#status').selectOption('active');
    await submitAndWait(page, page.getByRole('button', { name: '检索' }));
    expect(await page.locator('main tbody tr', { hasText: '北京市西城区疾病预防控制中心' }).count()).toBe(0);
    expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'health-records-grants-active');
  });
});
