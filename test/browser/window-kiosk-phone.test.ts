import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Db } from '../../src/platform/db/connect.ts';
import type { AppointmentDb } from '../../src/services/appointments/schema.ts';
import { sweepNoShows } from '../../src/services/appointments/index.ts';
import { browserTestTimeout, checkPage, freshResident, signInResident, signInStaff, submitAndWait, text, useBrowserHarness, type Resident, type TestServer } from './harness.ts';

/** Tuesday 2026-03-10, 08:10 Beijing: inside the first morning period of the day after defaultNow. */
const tuesdayMorning = new Date('2026-03-10T08:10:00+08:00');

function cookieOf(headers: Record<string, unknown>): string {
  const raw = headers['set-cookie'];
  return (Array.isArray(raw) ? raw : [String(raw)]).map((c: string) => c.split(';')[0]).join('; ');
}

/** Setup through HTTP (not what is under test): a resident books a Tuesday slot at 人民医院. */
async function bookTuesday(server: TestServer, r: Resident, dept: string, start: string, title = '主任医师'): Promise<number> {
  const k = (server.db as unknown as Db<AppointmentDb>).kysely;
  const slot = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select('sl.id')
    .where('o.code', '=', 'H001')
    .where('d.name', '=', dept)
    .where('sl.visit_date', '=', '2026-03-10')
    .where('sl.period_start', '=', start)
    .where('se.title', '=', title)
    .executeTakeFirstOrThrow();
  const start1 = await server.app.inject({ method: 'POST', url: '/api/auth/resident/start', payload: { docType: r.docType, docNumber: r.docNumber, name: r.name, phone: r.phone } });
  const { challengeId, demoCode } = start1.json() as { challengeId: string; demoCode: string };
  const verify = await server.app.inject({ method: 'POST', url: '/api/auth/resident/verify', payload: { challengeId, code: demoCode } });
  const booked = await server.app.inject({ method: 'POST', url: `/appointments/book/${Number(slot.id)}`, headers: { cookie: cookieOf(verify.headers) } });
  expect(booked.statusCode, booked.body).toBe(303);
  return Number(/booked=(\d+)/.exec(String(booked.headers.location))![1]);
}

async function minTargetHeight(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluateAll((els) => Math.min(...els.map((e) => e.getBoundingClientRect().height)));
}

describe('window, kiosk, phone, search, violations and schedule pages in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('window clerk: a different document is refused with 第二十六条, the booking document checks the patient in', async () => {
    const patient = freshResident(201);
    await bookTuesday(h.server, patient, '儿科', '08:00');
    h.server.clock.set(tuesdayMorning);
    const page = await h.page('desktop');
    await signInStaff(page, 'admin.rmyy');
    await page.goto('/appointments/window');
    expect(await text(page.locator('h1'))).toBe('挂号窗口');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('docNumber');
    await checkPage(page, 'window-home');
    await page.locator('#q').fill(patient.name);
    await submitAndWait(page, page.getByRole('button', { name: '查找' }));
    await submitAndWait(page, page.getByRole('link', { name: `取号 ${patient.name}` }));
    expect(await text(page.locator('.summary-list'))).toContain(patient.name);

    await page.locator('#docType').selectOption('passport');
    await page.locator('#docNumber').fill('E12345678');
    await submitAndWait(page, page.getByRole('button', { name: '取号', exact: true }));
    const summary = page.locator('.error-summary');
    expect(await text(summary)).toContain('请使用预约时使用的身份证件取号');
    const citation = summary.getByRole('link', { name: '依据 西卫〔2019〕5号 第二十六条' });
    expect(decodeURIComponent((await citation.getAttribute('href')) ?? '')).toBe('/law/西卫〔2019〕5号#第二十六条');
    await checkPage(page, 'window-refused');

    await page.locator('#docType').selectOption('resident_id');
    await page.locator('#docNumber').fill(patient.docNumber);
    await submitAndWait(page, page.getByRole('button', { name: '取号', exact: true }));
    expect(await text(page.locator('.panel'))).toContain('取号成功');
    expect(await text(page.locator('.summary-list'))).toContain('儿科');
    await checkPage(page, 'window-checked-in');
  });

  it('kiosk at 375 px: large touch targets, no site navigation, check-in by document', async () => {
    const patient = freshResident(202);
    await bookTuesday(h.server, patient, '眼科', '08:00');
    h.server.clock.set(tuesdayMorning);
    const page = await h.page('mobile');
    await signInStaff(page, 'kiosk.rmyy'); // the hall machine's own account, not an administrator's
    // Signing in opens the kiosk screen directly.
    expect(new URL(page.url()).pathname).toBe('/appointments/kiosk');
    expect(await page.locator('nav[aria-label="主导航"]').count()).toBe(0);
    expect(await minTargetHeight(page, 'main .button, main input[type="radio"] + label, main .input')).toBeGreaterThanOrEqual(48);
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(20);
    await checkPage(page, 'kiosk-home', { desktop: false });
    await page.locator('#docNumber').fill(patient.docNumber);
    await submitAndWait(page, page.getByRole('button', { name: '取号', exact: true }));
    expect(await text(page.locator('.panel'))).toContain('取号成功');
    await submitAndWait(page, page.getByRole('link', { name: '没有预约？当日挂号' }));
    expect(await minTargetHeight(page, '.kiosk-choice')).toBeGreaterThanOrEqual(48);
    await checkPage(page, 'kiosk-walk-in', { desktop: false });
  });

  it('phone operator books for a caller on one keyboard-first screen', async () => {
    const patient = freshResident(203);
    const page = await h.page('desktop');
    await signInStaff(page, 'operator');
    await page.goto('/appointments/phone');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('docNumber');
    await page.keyboard.type(patient.docNumber);
    await page.keyboard.press('Tab');
    await page.keyboard.type(patient.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(patient.phone);
    await page.locator('#caller-1').check();
    await page.locator('#bookerName').fill('张来电');
    await page.locator('#bookerPhone').fill('13911112222');
    const deptValue = await page.locator('#departmentId optgroup[label="北京大学人民医院"] option', { hasText: '口腔科' }).getAttribute('value');
    await page.locator('#departmentId').selectOption(deptValue!);
    await page.locator('#date').selectOption('2026-03-10');
    await page.locator('#period').selectOption('am');
    await submitAndWait(page, page.getByRole('button', { name: '查找号源' }));
    await checkPage(page, 'phone-slots');
    await page.locator('#slotId input[type="radio"]').first().check();
    await submitAndWait(page, page.getByRole('button', { name: '核对预约信息' }));
    expect(await text(page.locator('.summary-list'))).toContain('张来电 · 13911112222');
    await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
    expect(await text(page.locator('.panel'))).toContain('预约成功');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('docNumber');
    const row = await (h.server.db as unknown as Db<AppointmentDb>).kysely.selectFrom('appt_bookings').select(['channel', 'booker_name']).where('patient_doc_number', '=', patient.docNumber).executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'phone', booker_name: '张来电' });
    await checkPage(page, 'phone-booked');
  });

  it('finds 儿科 by typing "ek": live without reloading, and by the GET form', async () => {
    const page = await h.page('mobile');
    await page.goto('/appointments');
    await page.locator('#q').fill('ek');
    await page.waitForFunction(() => document.querySelectorAll('#dept-results li[data-keys]:not([hidden])').length < 20);
    const live = await page.locator('#dept-results li[data-keys]:not([hidden]) a').allInnerTexts();
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(live)).toEqual(new Set(['儿科']));
    await submitAndWait(page, page.getByRole('button', { name: '查找' }));
    expect(new URL(page.url()).search).toBe('?q=ek');
    expect(new Set(await page.locator('#dept-results li[data-keys]:visible a').allInnerTexts())).toEqual(new Set(['儿科']));
    expect(await text(page.locator('#dept-count'))).toMatch(/^共 \d+ 个科室$/);
    await checkPage(page, 'appointments-search-ek', { desktop: false });
  });

  it('platform operator sees the violation list, masked, with the ban end', async () => {
    const patient = freshResident(204);
    await bookTuesday(h.server, patient, '口腔科', '08:00');
    h.server.clock.set(new Date('2026-03-10T12:00:00+08:00'));
    expect(await sweepNoShows(h.server.db as unknown as Db<AppointmentDb>, h.server.clock)).toBeGreaterThan(0);
    const page = await h.page('desktop');
    await signInStaff(page, 'operator');
    await page.goto('/appointments/violations');
    const main = await text(page, 'main');
    expect(main).toContain('依据 西卫〔2019〕5号 第三十二条');
    expect(main).not.toContain(patient.docNumber);
    await page.locator('#q').fill(patient.docNumber);
    await submitAndWait(page, page.getByRole('button', { name: '查找' }));
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await text(rows.first())).toContain('预约未就诊且未取消');
    expect(await text(rows.first())).toContain(`${patient.docNumber.slice(0, 3)}***********${patient.docNumber.slice(-4)}`);
    expect(await page.getByRole('link', { name: '下载 CSV' }).getAttribute('href')).toBe(`/appointments/violations.csv?q=${patient.docNumber}`);
    await checkPage(page, 'violations');
  });

  it('schedule editor shows the share of appointment tickets live as the admin types', async () => {
    const page = await h.page('desktop');
    await signInStaff(page, 'admin.rmyy');
    await page.goto('/appointments/admin');
    const share = page.locator('#schedule-check [data-share]');
    expect(await text(share)).toBe('80.0%');
    await page.locator('#window').fill('3');
    expect(await text(share)).toBe('72.7%');
    expect(await text(page.locator('#schedule-check [data-share-verdict]'))).toBe('低于80%，不能发布');
    await page.locator('#count').fill('3');
    expect(await text(page.locator('#schedule-check [data-slots]'))).toBe('08:00–08:30、08:30–09:00、09:00–09:30');
    await checkPage(page, 'admin-schedule-below-80');
    await page.locator('#window').fill('1');
    expect(await text(share)).toBe('88.9%');
    expect(await text(page.locator('#schedule-check [data-share-verdict]'))).toBe('符合不低于80%的要求');
    await checkPage(page, 'admin-schedule-ok');
  });

  it('window walk-in: department, period, patient, check answers, ticket', async () => {
    h.server.clock.set(tuesdayMorning);
    const patient = freshResident(205);
    const page = await h.page('desktop');
    await signInStaff(page, 'admin.rmyy');
    await page.goto('/appointments/window');
    await submitAndWait(page, page.getByRole('link', { name: '当日挂号（窗口号）' }));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('departmentId');
    const dept = await page.locator('#departmentId option', { hasText: '内分泌科' }).getAttribute('value');
    await page.locator('#departmentId').selectOption(dept!);
    await submitAndWait(page, page.getByRole('button', { name: '查看时段' }));
    await page.locator('#slotId input[type="radio"]').first().check();
    await page.locator('#docNumber').fill(patient.docNumber);
    await page.locator('#name').fill(patient.name);
    await page.locator('#phone').fill(patient.phone);
    await checkPage(page, 'window-walk-in');
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page.locator('h1'))).toBe('核对挂号信息');
    await submitAndWait(page, page.getByRole('button', { name: '确认挂号' }));
    expect(await text(page.locator('.panel'))).toContain('挂号成功');
    await checkPage(page, 'window-walk-in-done');
  });

  it('resident books for a family member; the doctor sees today’s patients with in-clinic booking', async () => {
    const parent = freshResident(206);
    const child = freshResident(207);
    const k = (h.server.db as unknown as Db<AppointmentDb>).kysely;
    const slot = await k
      .selectFrom('appt_slots as sl')
      .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
      .innerJoin('appt_doctors as d', 'd.id', 'se.doctor_id')
      .innerJoin('staff as s', 's.id', 'd.staff_id')
      .select('sl.id')
      .where('s.username', '=', 'doctor.rmyy')
      .where('sl.visit_date', '=', '2026-03-10')
      .where('sl.period_start', '=', '08:00')
      .executeTakeFirstOrThrow();
    const page = await h.page('mobile');
    await signInResident(page, parent);
    await page.goto(`/appointments/book/${Number(slot.id)}`);
    await submitAndWait(page, page.getByRole('link', { name: '为家人或他人预约' }));
    await page.locator('#name').fill(child.name);
    await page.locator('#docNumber').fill(child.docNumber);
    await page.locator('#phone').fill(child.phone);
    await checkPage(page, 'family-booking-form', { desktop: false });
    await submitAndWait(page, page.getByRole('button', { name: '继续' }));
    expect(await text(page.locator('h1'))).toBe('核对为家人预约的信息');
    expect(await text(page.locator('main'))).toContain(parent.name);
    await checkPage(page, 'family-booking-check', { desktop: false });
    await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
    expect(await text(page.locator('main'))).toContain('我为家人或他人的预约');
    expect(await text(page.locator('main'))).toContain(child.name);
    await checkPage(page, 'family-booking-mine', { desktop: false });

    h.server.clock.set(tuesdayMorning);
    const doctor = await h.page('desktop');
    await signInStaff(doctor, 'doctor.rmyy');
    await doctor.goto('/appointments/clinic/today');
    expect(await text(doctor.locator('main'))).toContain(child.name);
    await checkPage(doctor, 'clinic-today');
    await submitAndWait(doctor, doctor.getByRole('link', { name: `诊间预约 ${child.name}` }));
    expect(await doctor.locator('#name').inputValue()).toBe(child.name);
  });
});
