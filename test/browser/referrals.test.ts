import { describe, expect, it } from 'vitest';
import { checkPage, demoResident, freshResident, screenshot, signInStaff, signOut, submitAndWait, text, browserTestTimeout, useBrowserHarness } from './harness.ts';

describe('referrals and in-clinic booking in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('a family doctor refers a patient up; the hospital sees it in its queue, checks the patient in and hands back; the centre acknowledges', async () => {
    const page = await h.page('desktop');
    const patient = await demoResident(h.server, 2); // seeded with a family-doctor contract with doctor.yt and a record
    await signInStaff(page, 'doctor.yt');
    await page.goto('/referrals');
    expect(await text(page, 'h1')).toBe('社区转诊');
    await checkPage(page, 'referrals-dashboard');

    await submitAndWait(page, page.getByRole('link', { name: '开始转诊' }));
    expect(await text(page, 'h1')).toBe('社区转诊：患者与病情');
    await checkPage(page, 'referral-new-patient');
    await page.locator('#docNumber').fill(patient.docNumber);
    const target = await page.locator('#target optgroup[label="北京大学人民医院"] option', { hasText: '心血管内科' }).getAttribute('value');
    expect(target).toMatch(/^\d+:\d+$/);
    await page.locator('#target').selectOption(target ?? '');
    await page.locator('input[name="criterionCode"]').first().check();
    await page.locator('#diseaseInfo').fill('血压控制不佳，三种降压药联用两周仍高于160/100 mmHg，需专科评估。');
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page, 'h1'), await text(page)).toBe('社区转诊：选择号源');
    expect(await text(page.locator('.summary-list'))).toContain(patient.name);
    await checkPage(page, 'referral-new-slot');

    // The first offer is within 3 days (第二十条), so no reason is needed.
    await page.locator('input[name="slotId"]').first().check();
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page, 'h1'), await text(page)).toBe('核对转诊信息');
    expect(await text(page.locator('.summary-list'))).toContain('北京大学人民医院 心血管内科');
    await checkPage(page, 'referral-check', { otherWidth: false });
    await submitAndWait(page, page.getByRole('button', { name: '确认转诊' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/referrals\/\d+\/slip$/);
    const panel = await text(page.locator('main .panel'));
    const slipNo = /转诊单号 (\S+?)。/.exec(panel)?.[1];
    expect(slipNo, panel).toBeTruthy();
    expect(await text(page.locator('.summary-list'))).toContain(patient.name);
    await checkPage(page, 'referral-slip');
    await signOut(page);

    // The hospital's referral staff see it in the work queue.
    await signInStaff(page, 'admin.rmyy');
    await page.goto('/referrals/queue');
    expect(await text(page, 'h1')).toBe('转诊接诊');
    const row = page.locator('tbody tr', { hasText: slipNo ?? '' });
    expect(await row.count()).toBe(1);
    expect(await text(row)).toContain(patient.name);
    expect(await text(row)).toContain('已预约');
    expect(await text(row)).toContain('优先就诊');
    await checkPage(page, 'referral-queue');
    await submitAndWait(page, row.getByRole('button', { name: '受理' }));
    expect(await text(page.locator('main [role="status"]'))).toContain('已办理');
    expect(await text(row)).toContain('已受理');

    // 第二十六条: check-in at the referral window during the booked period, with the booking's document.
    const booking = await h.server.appointments
      .selectFrom('appt_bookings')
      .select(['visit_date', 'period_start'])
      .where('person_id', '=', patient.personId ?? -1)
      .where('status', '=', 'booked')
      .executeTakeFirstOrThrow();
    h.server.clock.set(new Date(`${booking.visit_date}T${booking.period_start}:05+08:00`));
    // A new working day: yesterday's staff session has expired, so the window clerk signs in again.
    await signInStaff(page, 'doctor.rmyy');
    await page.goto('/referrals/queue');
    await submitAndWait(page, row.getByRole('link', { name: '窗口取号' }));
    expect(await text(page, 'h1')).toBe('转诊专用窗口取号');
    await checkPage(page, 'referral-check-in', { otherWidth: false });
    await page.locator('#docNumber').fill(patient.docNumber);
    await submitAndWait(page, page.getByRole('button', { name: '取号' }));
    expect(new URL(page.url()).pathname, await text(page)).toBe('/referrals/queue');
    expect(await text(row)).toContain('已取号就诊');

    // 第二十八条: hand back to the community with diagnosis, treatment and plan, checked before sending.
    await submitAndWait(page, row.getByRole('link', { name: '转回社区' }));
    expect(await text(page, 'h1')).toBe('转回社区');
    await page.locator('#diagnosis').fill('原发性高血压3级');
    await page.locator('#treatment').fill('调整为氨氯地平联合缬沙坦，血压控制达标');
    await page.locator('#plan').fill('社区随访，每两周测量血压，一个月后复诊');
    await checkPage(page, 'referral-hand-back', { otherWidth: false });
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page, 'h1')).toBe('核对转回信息');
    expect(await text(page.locator('main'))).toContain('原发性高血压3级');
    await submitAndWait(page, page.getByRole('button', { name: '确认转回社区' }));
    expect(new URL(page.url()).pathname).toBe('/referrals/queue');
    const handedBack = page.locator('h2:has-text("已转回社区") + .table-wrap tbody tr', { hasText: patient.name });
    expect(await handedBack.count()).toBe(1);
    expect(await text(handedBack)).toContain('原发性高血压3级');
    await screenshot(page, 'referral-queue-handed-back');
    await signOut(page);

    // The family doctor sees the hand-back and acknowledges it.
    await signInStaff(page, 'doctor.yt');
    await page.goto('/referrals');
    const back = page.locator('tbody tr', { hasText: '原发性高血压3级' });
    expect(await back.count()).toBe(1);
    expect(await text(back)).toContain('待社区确认');
    expect(await text(back)).toContain('社区随访');
    await submitAndWait(page, back.getByRole('button', { name: '确认接收' }));
    expect(await text(page.locator('main [role="status"]'))).toContain('已确认接收');
    expect(await text(back)).toContain('社区已接收');
    await checkPage(page, 'referrals-dashboard-acknowledged', { otherWidth: false });
  });

  it('a hospital doctor books a follow-up in the clinic (第二十四条)', async () => {
    const page = await h.page('mobile');
    const patient = freshResident(3);
    await signInStaff(page, 'doctor.rmyy');
    await page.goto('/appointments/clinic');
    expect(await text(page, 'h1')).toBe('诊间预约');
    await checkPage(page, 'clinic-start');
    await page.locator('input[name="kind"][value="follow_up"]').check();
    await page.locator('#docNumber').fill(patient.docNumber);
    await page.locator('#name').fill(patient.name);
    await page.locator('#phone').fill(patient.phone);
    await submitAndWait(page, page.getByRole('button', { name: '查找号源' }));
    expect(await text(page, 'h1'), await text(page)).toBe('诊间预约：选择号源');
    const options = page.locator('input[name="slotId"]');
    expect(await options.count()).toBeGreaterThan(0);
    await checkPage(page, 'clinic-options');
    await options.first().check();
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page, 'h1'), await text(page)).toBe('核对诊间预约');
    expect(await text(page.locator('.summary-list'))).toContain(patient.name);
    await checkPage(page, 'clinic-check', { otherWidth: false });
    await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
    expect(await text(page, 'h1'), await text(page)).toBe('诊间预约成功');
    expect(await text(page.locator('main .panel'))).toContain('预约成功');
    expect(await text(page.locator('.summary-list'))).toContain('北京大学人民医院');
    const person = await h.server.db.kysely.selectFrom('persons').select('id').where('doc_number', '=', patient.docNumber).executeTakeFirstOrThrow();
    const rows = await h.server.appointments.selectFrom('appt_bookings').select(['status', 'channel']).where('person_id', '=', person.id).execute();
    expect(rows).toHaveLength(1);
    await checkPage(page, 'clinic-booked');
  });
});
