import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

const tuesday = '2026-03-03';
const tuesdayTen = new Date('2026-03-03T00:10:00Z'); // 08:10 Beijing, inside the 08:00–08:30 period
const article26 = '依据 西卫〔2019〕5号 第二十六条';
const article26Href = `/law/${encodeURIComponent('西卫〔2019〕5号')}#${encodeURIComponent('第二十六条')}`;

describe.each(testEngines)('window and kiosk pages on %s', (engine) => {
  let w: PagesWorld;
  const booked: Record<string, number> = {};

  async function bookAsResident(i: number, dept: string, start: string): Promise<number> {
    const cookie = await w.residentCookie(i);
    const { slotId } = await slotAt(w.k, { dept, date: tuesday, start, title: '主任医师' });
    const res = await w.app.inject({ method: 'POST', url: `/appointments/book/${slotId}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(303);
    return Number(/booked=(\d+)/.exec(String(res.headers.location))![1]);
  }
  const statusOf = async (id: number) => (await w.k.selectFrom('appt_bookings').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    w = await openPagesWorld(engine);
    booked.a = await bookAsResident(42, '儿科', '08:00');
    booked.b = await bookAsResident(43, '眼科', '08:00');
    booked.c = await bookAsResident(44, '口腔科', '10:30');
    booked.d = await bookAsResident(45, '普通外科', '08:00');
    w.clock.set(tuesdayTen);
  });
  afterAll(async () => {
    w.clock.set(mondayNine);
    await w.close();
  });

  it('lets the window clerk pick a booking, refuses a different document with 第二十六条, then checks in with the booking document', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const list = await w.app.inject({ url: '/appointments/window', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('患者42');
    expect(list.body).toContain(`?booking=${booked.a}#docNumber`);
    expect(list.body).toContain('href="/referrals/queue"');
    expect(list.body).toMatch(/id="docNumber"[^>]*autofocus[^>]*accesskey="n"/);
    const picked = await w.app.inject({ url: `/appointments/window?booking=${booked.a}`, headers: { cookie } });
    expect(picked.body).toContain(`name="booking" value="${booked.a}"`);

    const wrong = await w.form('/appointments/window/check-in', cookie, { booking: String(booked.a), docType: 'passport', docNumber: 'E12345678' });
    expect(wrong.statusCode).toBe(422);
    expect(textOf(wrong.body)).toContain('请使用预约时使用的身份证件取号');
    expect(wrong.body).toContain(article26);
    expect(wrong.body).toContain(article26Href);
    expect(wrong.body).toContain('href="#docNumber"');
    expect(await statusOf(booked.a!)).toBe('booked');

    const right = await w.form('/appointments/window/check-in', cookie, { booking: String(booked.a), docType: 'resident_id', docNumber: patient(42).docNumber });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.body).toContain('取号成功');
    expect(await statusOf(booked.a!)).toBe('checked_in');
  });

  it('finds the booking by the document shown, and refuses another document or the wrong period with 第二十六条', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const other = await w.form('/appointments/window/check-in', cookie, { docType: 'resident_id', docNumber: patient(99).docNumber });
    expect(other.statusCode).toBe(422);
    expect(textOf(other.body)).toContain('取号须使用预约时使用的身份证件');
    expect(other.body).toContain(article26);

    const early = await w.form('/appointments/window/check-in', cookie, { docType: 'resident_id', docNumber: patient(44).docNumber });
    expect(early.statusCode).toBe(422);
    expect(textOf(early.body)).toContain('请在预约就诊时段（2026-03-03 10:30–11:00）内取号');
    expect(early.body).toContain(article26);
    expect(await statusOf(booked.c!)).toBe('booked');

    const ok = await w.form('/appointments/window/check-in', cookie, { docType: 'resident_id', docNumber: patient(43).docNumber.toLowerCase() });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await statusOf(booked.b!)).toBe('checked_in');
    const audited = await w.k.selectFrom('audit_log').select('action').where('action', 'in', ['booking.check_in', 'booking.check_in_refused', 'booking.list']).execute();
    expect(new Set(audited.map((a) => a.action))).toEqual(new Set(['booking.check_in', 'booking.check_in_refused', 'booking.list']));
  });

  it('gives out a walk-in window ticket, counting the tickets the cutoff returned, after a check-answers step', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const { slotId, departmentId } = await slotAt(w.k, { dept: '内分泌科', date: tuesday, start: '09:00', title: '主任医师' });
    const start = await w.app.inject({ url: '/appointments/window/walk-in', headers: { cookie } });
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('内分泌科');
    const dept = await w.app.inject({ url: `/appointments/window/walk-in?departmentId=${departmentId}`, headers: { cookie } });
    // All 10 tickets of an untouched slot: 2 window tickets plus 8 returned at yesterday's 15:00 cutoff.
    expect(dept.body).toMatch(new RegExp(`value="${slotId}"><label[^>]*>09:00–09:30 · 主任医师 · 余10<`));
    const p = patient(46);
    const fields = { departmentId: String(departmentId), slotId: String(slotId), docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone };
    const bad = await w.form('/appointments/window/walk-in', cookie, { ...fields, phone: '123', step: 'confirm' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('依据 西卫〔2019〕5号 第十六条');
    const check = await w.form('/appointments/window/walk-in', cookie, { ...fields, step: 'check' });
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('核对挂号信息');
    expect(await w.k.selectFrom('appt_bookings').select('id').where('channel', '=', 'window').execute()).toHaveLength(0);
    const key = /name="key" value="([^"]+)"/.exec(check.body)![1]!;
    const done = await w.form('/appointments/window/walk-in', cookie, { ...fields, step: 'confirm', key });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.body).toContain('挂号成功');
    const again = await w.form('/appointments/window/walk-in', cookie, { ...fields, step: 'confirm', key });
    expect(again.statusCode).toBe(201);
    const rows = await w.k.selectFrom('appt_bookings').select(['slot_id', 'channel']).where('channel', '=', 'window').execute();
    expect(rows.map((r) => Number(r.slot_id))).toEqual([slotId]);
    const after = await w.app.inject({ url: `/appointments/window/walk-in?departmentId=${departmentId}`, headers: { cookie } });
    expect(after.body).toContain('09:00–09:30 · 主任医师 · 余9');
  });

  it('runs the same check-in on the kiosk, in a minimal layout with large targets', async () => {
    const cookie = await w.staffCookie('kiosk.rmyy');
    const home = await w.app.inject({ url: '/appointments/kiosk', headers: { cookie } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<body class="kiosk">');
    expect(home.body).toContain('/appointments/assets/appointments.css');
    expect(home.body).not.toContain('aria-label="主导航"');
    expect(home.body).not.toContain('患者45'); // no list of other patients on a public screen
    const css = await w.app.inject({ url: '/appointments/assets/appointments.css' });
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toMatch(/body\.kiosk \.button\{min-height:64px/);
    const refused = await w.form('/appointments/kiosk/check-in', cookie, { docType: 'passport', docNumber: 'E12345678' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(article26);
    const ok = await w.form('/appointments/kiosk/check-in', cookie, { docType: 'resident_id', docNumber: patient(45).docNumber });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('class="ticket-no"');
    expect(await statusOf(booked.d!)).toBe('checked_in');
    const walk = await w.app.inject({ url: '/appointments/kiosk/walk-in', headers: { cookie } });
    expect(walk.body).toContain('class="kiosk-choice');
  });

  it('speaks English when asked, citations included', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const en = await w.app.inject({ url: '/appointments/window', headers: { cookie: `${cookie}; lang=en` } });
    expect(en.body).toContain('<html lang="en">');
    expect(textOf(en.body)).toContain('Registration window');
    const kiosk = await w.staffCookie('kiosk.rmyy');
    const refused = await w.form('/appointments/kiosk/check-in', `${kiosk}; lang=en`, { docType: 'passport', docNumber: 'E12345678' });
    expect(textOf(refused.body)).toContain('Check in with the document used to book');
    expect(refused.body).toContain('Under 西卫〔2019〕5号 第二十六条');
  });

  it('lets only the institution’s window staff use the window and only its kiosk account use the kiosk', async () => {
    expect((await w.app.inject({ url: '/appointments/window' })).statusCode).toBe(303);
    const resident = await w.residentCookie(47);
    expect((await w.app.inject({ url: '/appointments/window', headers: { cookie: resident } })).statusCode).toBe(403);
    expect((await w.app.inject({ url: '/appointments/kiosk', headers: { cookie: resident } })).statusCode).toBe(403);
    const doctor = await w.staffCookie('doctor.rmyy');
    expect((await w.form('/appointments/window/check-in', doctor, { docType: 'resident_id', docNumber: patient(44).docNumber })).statusCode).toBe(403);
    const operator = await w.staffCookie('operator');
    expect((await w.app.inject({ url: '/appointments/kiosk/walk-in', headers: { cookie: operator } })).statusCode).toBe(403);
    // The kiosk and the window are different accounts: the hall machine is no administrator, and the other way round.
    const kiosk = await w.staffCookie('kiosk.rmyy');
    expect((await w.app.inject({ url: '/appointments/window', headers: { cookie: kiosk } })).statusCode).toBe(403);
    const admin = await w.staffCookie('admin.rmyy');
    expect((await w.app.inject({ url: '/appointments/kiosk', headers: { cookie: admin } })).statusCode).toBe(403);
  });
});
