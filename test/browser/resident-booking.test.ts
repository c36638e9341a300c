import { describe, expect, it } from 'vitest';
import { checkPage, freshResident, signInResident, submitAndWait, browserTestTimeout, useBrowserHarness, axeCheck, expectNoHorizontalOverflow, screenshot, text } from './harness.ts';

describe('residents booking in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('signs in by real name, finds a department, checks answers, books, reads the SMS and cancels with the countdown', async () => {
    const page = await h.page('mobile');
    const me = freshResident(1);
    await signInResident(page, me);
    await checkPage(page, 'resident-messages-empty', { otherWidth: false });

    // Find a department: the list of hospitals and departments.
    await page.goto('/appointments');
    expect(await text(page.locator('h1'))).toBe('预约挂号');
    await checkPage(page, 'appointments-departments');
    const dept = page.getByRole('link', { name: '心血管内科' }).first();
    await submitAndWait(page, dept);
    expect(new URL(page.url()).pathname).toMatch(/^\/appointments\/\d+\/\d+$/);
    // 第九条: availability by title and period; doctors are not named.
    expect(await text(page.locator('table'))).toContain('主任医师');
    const doctorNames = (await h.server.appointments.selectFrom('appt_doctors').select('name').execute());
    const tableText = await page.locator('main').innerText();
    for (const d of doctorNames) expect(tableText).not.toContain(d.name);
    // One visit day at a time (?date=): the first day with free tickets, the other days as links with their free counts.
    const days = page.getByRole('navigation', { name: '就诊日期' }).getByRole('link');
    expect(await days.count()).toBeGreaterThan(5);
    expect(await text(page.locator('main [aria-current="date"]'))).toMatch(/^3月10日 周二 余\d+$/);
    expect(await text(page.locator('caption'))).toContain('2026年3月10日');
    expect(await page.locator('tbody tr').count()).toBeLessThan(30);
    await checkPage(page, 'appointments-availability');
    await submitAndWait(page, days.nth(1));
    expect(new URL(page.url()).search).toBe('?date=2026-03-11');
    expect(await text(page.locator('caption'))).toContain('2026年3月11日');
    await page.goBack();

    // Check your answers, then confirm.
    await submitAndWait(page, page.getByRole('link', { name: '预约', exact: true }).first());
    expect(await text(page.locator('h1'))).toBe('核对预约信息');
    expect(await text(page.locator('.summary-list'))).toContain(me.name);
    expect(await text(page.locator('.summary-list'))).toContain('心血管内科');
    const title = await text(page.locator('.summary-row', { hasText: '医师职称' }).locator('dd'));
    const period = /(\d{2}:\d{2})–/.exec(await text(page.locator('.summary-row', { hasText: '就诊时段' }).locator('dd')))?.[1];
    expect(title).toMatch(/医师$/);
    await checkPage(page, 'appointments-check-answers');
    await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
    expect(new URL(page.url()).pathname).toBe('/appointments/mine');
    expect(await text(page.locator('.panel'))).toContain('预约成功');
    const row = page.locator('tbody tr').first();
    expect(await text(row)).toContain('已预约');
    // 第二十五条: cancel by midnight before the visit; the page counts the hours down.
    expect(await text(row)).toMatch(/距取消截止还有\d+小时/);
    await checkPage(page, 'appointments-mine-booked');

    // 第十八条: the confirmation text is in "my messages".
    await page.goto('/me/messages');
    const sms = page.locator('tbody tr').first();
    const smsText = await text(sms);
    // 第十八条: period, department, title, how to cancel and the no-show rule.
    for (const part of ['预约成功', `北京大学人民医院心血管内科（${title}）`, `2026-03-10 ${period}`, '就诊前一日24时前', '“我的预约”取消', '违约', '待发送']) expect(smsText).toContain(part);
    // The outbox worker (serve's delivery loop) sends it; the page then says so.
    expect(await h.server.deliverSms()).toBeGreaterThan(0);
    await page.reload();
    expect(await text(page.locator('tbody tr').first())).toContain('已发送');
    await checkPage(page, 'resident-messages');

    await page.goto('/appointments/mine');
    await submitAndWait(page, page.getByRole('button', { name: '取消预约' }).first());
    expect(await text(page.locator('main [role="status"]'))).toContain('已取消');
    expect(await text(page.locator('tbody tr').first())).toContain('已取消');
    await axeCheck(page);
    await expectNoHorizontalOverflow(page);
    await screenshot(page, 'appointments-mine-cancelled');
  });

  it('refuses a booking for the next day confirmed after 15:00 and shows the reason with a link to 西卫〔2019〕5号 第十七条', async () => {
    h.server.clock.set(new Date('2026-03-09T14:50:00+08:00'));
    const page = await h.page('mobile');
    const me = freshResident(2);
    await signInResident(page, me);
    await page.goto('/appointments');
    await submitAndWait(page, page.getByRole('link', { name: '眼科' }).first());
    // Before the cutoff tomorrow (2026-03-10) is offered, and shown first.
    const firstRow = page.locator('tbody tr').first();
    expect(await text(page.locator('caption'))).toContain('2026年3月10日');
    await submitAndWait(page, firstRow.getByRole('link', { name: '预约', exact: true }));
    expect(await text(page.locator('.summary-list'))).toContain('2026年3月10日');

    // The resident lingers on the check-answers page past 15:00, then confirms.
    h.server.clock.set(new Date('2026-03-09T15:05:00+08:00'));
    await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/appointments\/book\/\d+$/);
    const summary = await text(page.locator('.error-summary'));
    expect(summary).toContain('预约截止时间为就诊前一日15时');
    const citation = page.locator('.error-summary a.citation');
    expect(await text(citation)).toBe('依据 西卫〔2019〕5号 第十七条');
    expect(await citation.getAttribute('href')).toBe(`/law/${encodeURIComponent('西卫〔2019〕5号')}#${encodeURIComponent('第十七条')}`);
    // The way on: other times in the same department.
    const otherTimes = await page.getByRole('link', { name: '选择本科室其他时段' }).getAttribute('href');
    expect(otherTimes).toMatch(/^\/appointments\/\d+\/\d+$/);
    // The refusal is final for this slot: no "confirm" to press again.
    expect(await page.getByRole('button', { name: '确认预约' }).count()).toBe(0);
    await checkPage(page, 'booking-closed-refusal');
    const person = await h.server.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', me.docNumber).executeTakeFirstOrThrow();
    const bookings = await h.server.appointments.selectFrom('appt_bookings').select('id').where('person_id', '=', person.id).execute();
    expect(bookings).toHaveLength(0);

    // The citation leads to the article in the gazette.
    await submitAndWait(page, citation);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#第十七条');
    const article = page.locator(':target');
    expect(await text(article)).toContain('15');
    await checkPage(page, 'law-article-17');

    // After the cutoff the department page offers nothing for tomorrow: those tickets went to the window.
    await page.goto(otherTimes ?? '');
    expect(await text(page, 'h1')).toContain('眼科');
    // The first day with free tickets is now the day after; tomorrow's link says booking has closed.
    expect(await text(page.locator('caption'))).not.toContain('2026年3月10日');
    const tomorrowLink = page.getByRole('link', { name: /^3月10日 周二 已截止$/ });
    await submitAndWait(page, tomorrowLink);
    expect(await text(page.locator('caption'))).toContain('2026年3月10日');
    const tomorrow = page.locator('tbody tr');
    expect(await tomorrow.count()).toBeGreaterThan(0);
    for (const r of await tomorrow.all()) expect(await text(r)).toContain('已截止，可到医院窗口挂号');
    await screenshot(page, 'availability-after-cutoff');
  });

  it('the sign-in, home and public pages are accessible, errors included', async () => {
    const page = await h.page('mobile');
    await page.goto('/');
    expect(await text(page, 'h1')).toBe('西城区政务服务一网通办');
    expect(await page.locator('main .cards li').count()).toBeGreaterThan(3);
    // Keyboard: the first Tab reaches the skip link, which leads to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await checkPage(page, 'home');

    // GOV.UK error summary: each problem links to its field.
    await page.goto('/sign-in');
    await checkPage(page, 'sign-in');
    await page.locator('#docNumber').fill('110102199001011234');
    await submitAndWait(page, page.locator('main form button[type="submit"]'));
    const summary = page.locator('.error-summary');
    expect(await text(summary)).toContain('请输入姓名');
    expect(await summary.locator('a[href="#name"]').count()).toBe(1);
    expect(await page.locator('#name').getAttribute('aria-invalid')).toBe('true');
    // The summary takes the focus, so screen-reader and keyboard users start there.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await summary.locator('a[href="#name"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('name');
    await checkPage(page, 'sign-in-errors', { otherWidth: false });

    const me = freshResident(5);
    await page.locator('#docNumber').fill(me.docNumber);
    await page.locator('#name').fill(me.name);
    await page.locator('#phone').fill(me.phone);
    await submitAndWait(page, page.locator('main form button[type="submit"]'));
    expect(await text(page, 'h1')).toBe('输入验证码');
    expect(await text(page, 'main')).toContain(`${me.phone.slice(0, 3)}****${me.phone.slice(-4)}`);
    await checkPage(page, 'sign-in-code', { otherWidth: false });
    await page.locator('#code').fill('000000');
    await submitAndWait(page, page.locator('main form button[type="submit"]'));
    expect(await text(page.locator('.error-summary'))).toContain('验证码错误或已过期');
    await checkPage(page, 'sign-in-code-wrong', { otherWidth: false });

    await page.goto('/staff/sign-in');
    await checkPage(page, 'staff-sign-in');
    await page.locator('#username').fill('operator');
    await page.locator('#password').fill('not-the-password');
    await submitAndWait(page, page.locator('main form button[type="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
    await checkPage(page, 'staff-sign-in-wrong', { otherWidth: false });

    // Public disclosure pages (西卫〔2019〕5号 第七条, 西卫〔2019〕4号 第十三条): charts and tables, no sign-in.
    await page.goto('/appointments/disclosure');
    expect(await page.locator('main svg[role="img"]').count()).toBeGreaterThan(0);
    await checkPage(page, 'appointments-disclosure');
    await page.goto('/health-records/statistics');
    expect(await page.locator('main svg[role="img"]').count()).toBeGreaterThan(0);
    await checkPage(page, 'health-records-statistics');
  });

  it('switches a page to English and back', async () => {
    const page = await h.page('mobile');
    await page.goto('/appointments');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await text(page, 'h1')).toBe('预约挂号');
    await submitAndWait(page, page.getByRole('link', { name: 'English' }));
    expect(new URL(page.url()).pathname).toBe('/appointments');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe('Book an appointment');
    expect(await text(page, 'main')).toContain('Bookings open two weeks ahead');
    await checkPage(page, 'appointments-english', { otherWidth: false });
    // The choice sticks across pages (a cookie), and the switch leads back.
    await page.goto('/sign-in');
    expect(await text(page, 'h1')).toBe('Real-name sign-in');
    await checkPage(page, 'sign-in-english', { otherWidth: false });
    await submitAndWait(page, page.getByRole('link', { name: '中文' }));
    expect(await text(page, 'h1')).toBe('实名登录');
    await screenshot(page, 'sign-in-chinese');
    // The harness's English pages start out in English.
    const en = await h.page('desktop', { locale: 'en' });
    await en.goto('/appointments');
    expect(await text(en, 'h1')).toBe('Book an appointment');
    await screenshot(en, 'appointments-english-desktop');
  });
});
