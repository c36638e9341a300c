import { describe, expect, it } from 'vitest';
import { checkPage, freshResident, screenshot, signInResident, signInStaff, submitAndWait, text, browserTestTimeout, useBrowserHarness } from './harness.ts';

describe('the institution administrator in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('publishes a schedule (the 80% rule refuses first) and stops a session after previewing who is affected', async () => {
    // A resident books tomorrow at 人民医院 so that the stop has someone to preview and text.
    const resident = await h.page('mobile');
    const me = freshResident(4);
    await signInResident(resident, me);
    await resident.goto('/appointments');
    await submitAndWait(resident, resident.getByRole('link', { name: '口腔科' }).first());
    await submitAndWait(resident, resident.getByRole('link', { name: '预约', exact: true }).first());
    await submitAndWait(resident, resident.getByRole('button', { name: '确认预约' }));
    expect(await text(resident.locator('main .panel'))).toContain('预约成功');
    const person = await h.server.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', me.docNumber).executeTakeFirstOrThrow();
    const booking = await h.server.appointments.selectFrom('appt_bookings').select(['session_id', 'visit_date']).where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(booking.visit_date).toBe('2026-03-10');

    const page = await h.page('desktop');
    await signInStaff(page, 'admin.rmyy');
    await page.goto('/appointments/admin');
    expect(await text(page, 'h1')).toBe('机构管理');
    await checkPage(page, 'admin-dashboard');

    // 第十条 (一): at least 80% of tickets in the referral and appointment pools.
    const visitDate = '2026-03-21';
    await page.locator('#doctorId').selectOption({ index: 0 });
    await page.locator('#visitDate').fill(visitDate);
    await page.locator('#start').fill('08:00');
    await page.locator('#count').fill('4');
    await page.locator('#referral').fill('1');
    await page.locator('#appointment').fill('5');
    await page.locator('#window').fill('4');
    await submitAndWait(page, page.getByRole('button', { name: '发布' }));
    const refusal = await text(page.locator('.error-summary'));
    expect(refusal).toContain('80%');
    expect(refusal).toContain('西卫〔2019〕5号 第十条');
    await checkPage(page, 'admin-publish-refused', { otherWidth: false });
    expect(await page.locator('#visitDate').inputValue()).toBe(visitDate);

    await page.locator('#appointment').fill('7');
    await page.locator('#window').fill('2');
    await submitAndWait(page, page.getByRole('button', { name: '发布' }));
    expect(await page.locator('.error-summary').count(), await text(page)).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/appointments/admin');
    const published = page.locator('h2:has-text("未来14天出诊") + .table-wrap tbody tr', { hasText: visitDate });
    expect(await published.count()).toBe(1);
    // Published (not a draft): it can be stopped.
    expect(await published.getByRole('link', { name: '停诊…' }).count()).toBe(1);

    // 第二十七条: a stop for tomorrow is a special stop; the preview names the affected bookings first.
    await submitAndWait(page, page.locator(`a[href="/appointments/admin/sessions/${booking.session_id}/stop"]`));
    expect(await text(page, 'h1')).toBe('停诊');
    const preview = await text(page);
    expect(preview).toContain('特殊停诊');
    expect(preview).toContain('受影响患者 1 人');
    await checkPage(page, 'admin-stop-preview');
    await submitAndWait(page, page.getByRole('button', { name: '确认停诊' }));
    expect(await text(page.locator('.error-summary'))).toContain('第二十七条');
    await page.locator('#reason').fill('医师临时外出会诊');
    await submitAndWait(page, page.getByRole('button', { name: '确认停诊' }));
    expect(new URL(page.url()).pathname, await text(page)).toBe('/appointments/admin');
    const stopped = await h.server.appointments.selectFrom('appt_sessions').select(['status', 'stop_reason']).where('id', '=', booking.session_id).executeTakeFirstOrThrow();
    expect(stopped).toMatchObject({ status: 'stopped', stop_reason: '医师临时外出会诊' });
    // Statuses read as words, not codes.
    const sessionsTable = await text(page.locator('h2:has-text("未来14天出诊") + .table-wrap tbody'));
    expect(sessionsTable).toContain('已停诊');
    expect(sessionsTable).toContain('已发布');
    expect(sessionsTable).not.toMatch(/published|stopped/);
    await screenshot(page, 'admin-after-stop');

    // The patient sees the stop on "my bookings" and gets a text.
    await resident.goto('/appointments/mine');
    expect(await text(resident.locator('tbody tr').first())).toContain('医师停诊');
    await resident.goto('/me/messages');
    expect(await text(resident, 'main')).toContain('停诊');
    await checkPage(resident, 'resident-messages-after-stop', { otherWidth: false });
  });
});
