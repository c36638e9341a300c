import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import type { Db } from '../../../platform/db/connect.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import type { AppointmentDb } from '../schema.ts';
import { sweepNoShows } from '../store/violations.ts';
import { patient } from '../store/world.test-support.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

const tuesday = '2026-03-03';

describe.each(testEngines)('phone booking and violation list pages on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine);
  });
  afterAll(async () => {
    w.clock.set(mondayNine);
    await w.close();
  });

  const phoneFields = (i: number, departmentId: number, extra: Record<string, string> = {}) => {
    const p = patient(i);
    return { docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone, caller: 'other', bookerName: '张来电', bookerPhone: '13911112222', departmentId: String(departmentId), date: tuesday, title: '', period: 'am', ...extra };
  };

  it('lets the phone operator book for a caller on one keyboard-first screen, recording the caller (第十六条)', async () => {
    const cookie = await w.staffCookie('operator');
    const first = await w.app.inject({ url: '/appointments/phone', headers: { cookie } });
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatch(/id="docNumber"[^>]*autofocus[^>]*accesskey="n"/);
    expect(first.body).toContain('accesskey="k"');
    expect(first.body).toContain(`<option value="${tuesday}"`);
    // 第十七条: after 15:00 the next day is no longer offered on the phone screen.
    w.clock.set(new Date('2026-03-02T07:05:00Z'));
    try {
      const late = await w.app.inject({ url: '/appointments/phone', headers: { cookie } });
      expect(late.body).not.toContain(`<option value="${tuesday}"`);
      expect(late.body).toContain('<option value="2026-03-04"');
    } finally {
      w.clock.set(mondayNine);
    }
    const { slotId, departmentId } = await slotAt(w.k, { dept: '儿科', date: tuesday, start: '08:30', title: '主治医师' });
    const found = await w.form('/appointments/phone', cookie, { ...phoneFields(50, departmentId), step: 'find' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`value="${slotId}"`);
    expect(found.body).toContain('08:30–09:00 · 主治医师 · 余7');
    const check = await w.form('/appointments/phone', cookie, { ...phoneFields(50, departmentId), slotId: String(slotId), step: 'check' });
    expect(check.statusCode).toBe(200);
    expect(textOf(check.body)).toContain('张来电 · 13911112222');
    expect(await w.k.selectFrom('appt_bookings').select('id').where('channel', '=', 'phone').execute()).toHaveLength(0);
    const key = /name="key" value="([^"]+)"/.exec(check.body)![1]!;
    const done = await w.form('/appointments/phone', cookie, { ...phoneFields(50, departmentId), slotId: String(slotId), step: 'confirm', key });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.body).toContain('预约成功');
    const row = await w.k.selectFrom('appt_bookings').select(['slot_id', 'booker_name', 'booker_phone', 'patient_doc_number']).where('channel', '=', 'phone').executeTakeFirstOrThrow();
    expect(row).toEqual({ slot_id: slotId, booker_name: '张来电', booker_phone: '13911112222', patient_doc_number: patient(50).docNumber });
    // The confirmation goes to the caller who booked (第十八条).
    const sms = await w.k.selectFrom('outbox').select('phone').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(sms.phone).toBe('13911112222');
  });

  it('refuses a booking for someone else without the caller’s contact (第十六条) and a second booking in the department that day (第十七条)', async () => {
    const cookie = await w.staffCookie('operator');
    const { slotId, departmentId } = await slotAt(w.k, { dept: '儿科', date: tuesday, start: '09:00', title: '主治医师' });
    const noCaller = await w.form('/appointments/phone', cookie, { ...phoneFields(51, departmentId, { bookerPhone: '' }), slotId: String(slotId), step: 'confirm' });
    expect(noCaller.statusCode).toBe(422);
    expect(noCaller.body).toContain('依据 西卫〔2019〕5号 第十六条');
    expect(noCaller.body).toContain('href="#bookerName"');
    const twice = await w.form('/appointments/phone', cookie, { ...phoneFields(50, departmentId), slotId: String(slotId), step: 'confirm' });
    expect(twice.statusCode).toBe(422);
    expect(textOf(twice.body)).toContain('同一就诊日在同一医疗机构的同一科室只能预约1次');
    expect(twice.body).toContain('依据 西卫〔2019〕5号 第十七条');
    expect(twice.body).toContain('href="#slotId"');
    const resident = await w.residentCookie(52);
    expect((await w.app.inject({ url: '/appointments/phone', headers: { cookie: resident } })).statusCode).toBe(403);
    expect((await w.app.inject({ url: '/appointments/phone', headers: { cookie: await w.staffCookie('admin.rmyy') } })).statusCode).toBe(403);
  });

  it('lists violations for the platform operator, masked, searchable and exportable; the resident sees their own and the ban end', async () => {
    // Patient 53 misses a Tuesday booking; so does patient 50 (booked by phone above), whose
    // duplicate attempt had already listed them.
    const resident53 = await w.residentCookie(53);
    const { slotId } = await slotAt(w.k, { dept: '眼科', date: tuesday, start: '08:00', title: '主任医师' });
    expect((await w.app.inject({ method: 'POST', url: `/appointments/book/${slotId}`, headers: { cookie: resident53 } })).statusCode).toBe(303);
    w.clock.set(new Date('2026-03-03T04:00:00Z'));
    expect(await sweepNoShows(w.t.db as unknown as Db<AppointmentDb>, w.clock)).toBeGreaterThanOrEqual(1);
    w.forgetSessions();

    const cookie = await w.staffCookie('operator');
    const page = await w.app.inject({ url: '/appointments/violations', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('依据 西卫〔2019〕5号 第三十二条');
    expect(text).toContain('患***');
    expect(text).toContain(maskDocumentNumber(patient(53).docNumber));
    expect(page.body).not.toContain(patient(53).docNumber);
    expect(page.body).not.toContain(patient(50).phone);
    expect(text).toContain('重复预约');
    expect(text).toContain('预约未就诊且未取消');
    expect(text).toContain('至 2026-06-02');
    expect(text).toContain('共 3 条违约记录，其中 1 人目前在违约名单中');

    const search = await w.app.inject({ url: `/appointments/violations?q=${patient(53).docNumber}`, headers: { cookie } });
    expect(textOf(search.body)).toContain('共 1 条违约记录，其中 0 人');
    const listed = await w.app.inject({ url: '/appointments/violations?listed=1', headers: { cookie } });
    expect(textOf(listed.body)).toContain('共 2 条违约记录，其中 1 人');
    // Name and last-four search run in the database; LIKE wildcards typed by the operator are literal.
    const byName = await w.app.inject({ url: `/appointments/violations?q=${encodeURIComponent('患者53')}`, headers: { cookie } });
    expect(textOf(byName.body)).toContain('共 1 条违约记录，其中 0 人');
    const byLastFour = await w.app.inject({ url: `/appointments/violations?q=${patient(50).docNumber.slice(-4)}&listed=1`, headers: { cookie } });
    expect(textOf(byLastFour.body)).toContain('共 2 条违约记录，其中 1 人');
    for (const wildcard of ['%', '_', '患者%']) {
      const res = await w.app.inject({ url: `/appointments/violations?q=${encodeURIComponent(wildcard)}`, headers: { cookie } });
      expect(textOf(res.body), wildcard).toContain('共 0 条违约记录');
    }

    const csv = await w.app.inject({ url: '/appointments/violations.csv', headers: { cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF日期,姓名,证件号码')).toBe(true);
    expect(csv.body.trim().split('\r\n')).toHaveLength(4);
    expect(csv.body).toContain(maskDocumentNumber(patient(50).docNumber));
    expect(csv.body).not.toContain(patient(50).docNumber);
    const audit = await w.k.selectFrom('audit_log').select('action').where('action', 'in', ['violation.list', 'violation.export']).execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['violation.list', 'violation.export']));

    const mine50 = await w.app.inject({ url: '/appointments/mine', headers: { cookie: await w.residentCookie(50) } });
    expect(textOf(mine50.body)).toContain('我的违约记录');
    expect(textOf(mine50.body)).toContain('重复预约');
    expect(textOf(mine50.body)).toContain('2026-06-02前无法预约');
    const again53 = await w.residentCookie(53);
    const mine53 = await w.app.inject({ url: '/appointments/mine', headers: { cookie: again53 } });
    expect(textOf(mine53.body)).toContain('预约后未就诊，也未提前取消');
    expect(textOf(mine53.body)).not.toContain('您已被列入违约名单');

    expect((await w.app.inject({ url: '/appointments/violations', headers: { cookie: again53 } })).statusCode).toBe(403);
    expect((await w.app.inject({ url: '/appointments/violations.csv', headers: { cookie: await w.staffCookie('admin.rmyy') } })).statusCode).toBe(403);
  });
});
