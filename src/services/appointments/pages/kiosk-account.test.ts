import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { roleSeesPersonalNumbers } from '../../../platform/identity/roles.ts';
import { demoPassword, demoStaff } from '../../../seed/demo.ts';
import { patient } from '../store/world.test-support.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

/**
 * The self-service machine in the hospital hall signs in as its own 'kiosk' account, not as an
 * institution administrator: whoever stands at it may check in (第二十六条) and take a window ticket
 * for today (第十七条) at that hospital, and reach nothing else.
 */
const tuesday = '2026-03-03';
const tuesdayTen = new Date('2026-03-03T00:10:00Z'); // 08:10 Beijing, inside the 08:00–08:30 period

/** Staff pages of every service: the kiosk may open none of them. */
const staffPages = [
  '/appointments/admin',
  '/appointments/window',
  '/appointments/window/walk-in',
  '/appointments/phone',
  '/appointments/violations',
  '/appointments/clinic',
  '/appointments/clinic/today',
  '/appointments/supervision',
  '/appointments/supervision/report',
  '/health-records/admin',
  '/health-records/admin/grants',
  '/health-records/admin/duplicates',
  '/referrals',
  '/referrals/new',
  '/referrals/queue',
  '/audit',
];

/** API endpoints that hand out personal data or change schedules: all refused. */
const apiCalls = [
  { method: 'GET', url: '/api/appointments/violations' },
  { method: 'GET', url: '/api/referrals' },
  { method: 'GET', url: '/api/referrals/handlers' },
  { method: 'GET', url: '/api/supervision/appointments' },
  { method: 'GET', url: '/api/audit' },
] as const;

describe.each(testEngines)('the hall kiosk account on %s', (engine) => {
  let w: PagesWorld;
  let bookingId = 0;
  let personId = 0;
  const statusOf = async (id: number) => (await w.k.selectFrom('appt_bookings').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    w = await openPagesWorld(engine);
    const cookie = await w.residentCookie(61);
    const { slotId } = await slotAt(w.k, { dept: '儿科', date: tuesday, start: '08:00', title: '主任医师' });
    const res = await w.app.inject({ method: 'POST', url: `/appointments/book/${slotId}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(303);
    bookingId = Number(/booked=(\d+)/.exec(String(res.headers.location))![1]);
    personId = Number((await w.k.selectFrom('persons').select('id').where('doc_number', '=', patient(61).docNumber).executeTakeFirstOrThrow()).id);
    w.clock.set(tuesdayTen);
  });
  afterAll(async () => {
    w.clock.set(mondayNine);
    await w.close();
  });

  it('is a demo account of 人民医院 with the kiosk role, which never sees full numbers', () => {
    const admin = demoStaff.find((s) => s.username === 'admin.rmyy');
    expect(demoStaff.find((s) => s.username === 'kiosk.rmyy')).toMatchObject({ role: 'kiosk', org: admin?.org });
    expect(roleSeesPersonalNumbers('kiosk')).toBe(false);
  });

  it('checks a booked patient in by document and gives a walk-in window ticket', async () => {
    const cookie = await w.staffCookie('kiosk.rmyy');
    const home = await w.app.inject({ url: '/appointments/kiosk', headers: { cookie } });
    expect(home.statusCode, home.body).toBe(200);
    expect(home.body).toContain('<body class="kiosk">');
    expect(home.body).not.toContain('患者61');

    // A booking number alone gets nobody in: the kiosk finds the booking by the document (第二十六条).
    const probe = await w.form('/appointments/kiosk/check-in', cookie, { booking: String(bookingId), docType: 'resident_id', docNumber: patient(62).docNumber });
    expect(probe.statusCode).toBe(422);
    expect(probe.body).toContain('依据 西卫〔2019〕5号 第二十六条');
    expect(await statusOf(bookingId)).toBe('booked');

    const ok = await w.form('/appointments/kiosk/check-in', cookie, { docType: 'resident_id', docNumber: patient(61).docNumber });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('取号成功');
    expect(await statusOf(bookingId)).toBe('checked_in');

    const { slotId, departmentId } = await slotAt(w.k, { dept: '内分泌科', date: tuesday, start: '09:00', title: '主任医师' });
    const p = patient(63);
    const fields = { departmentId: String(departmentId), slotId: String(slotId), docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone };
    const check = await w.form('/appointments/kiosk/walk-in', cookie, { ...fields, step: 'check' });
    expect(check.statusCode, check.body).toBe(200);
    // The hall screen shows the number masked (the form carries what the patient typed, unseen).
    expect(textOf(check.body)).not.toContain(p.docNumber);
    const key = /name="key" value="([^"]+)"/.exec(check.body)![1]!;
    const done = await w.form('/appointments/kiosk/walk-in', cookie, { ...fields, step: 'confirm', key });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.body).toContain('挂号成功');
    const row = await w.k.selectFrom('appt_bookings').select(['slot_id', 'channel']).where('patient_doc_number', '=', p.docNumber).executeTakeFirstOrThrow();
    expect({ slotId: Number(row.slot_id), channel: row.channel }).toEqual({ slotId, channel: 'window' });
    const audit = await w.k.selectFrom('audit_log').select(['actor_role', 'action']).where('action', '=', 'booking.check_in').execute();
    expect(audit.map((a) => a.actor_role)).toContain('kiosk');
  });

  it('is refused at every other staff page and at the staff APIs', async () => {
    const cookie = await w.staffCookie('kiosk.rmyy');
    for (const url of staffPages) {
      const res = await w.app.inject({ url, headers: { cookie } });
      expect([303, 403], `${url}: ${res.statusCode}`).toContain(res.statusCode);
      if (res.statusCode === 303) expect(String(res.headers.location), url).toMatch(/sign-in/);
      expect(textOf(res.body)).not.toContain('患者61');
    }
    for (const call of [...apiCalls, { method: 'GET' as const, url: `/api/persons/${personId}` }]) {
      const res = await w.app.inject({ ...call, headers: { cookie } });
      expect(res.statusCode, `${call.method} ${call.url}: ${res.body}`).toBe(403);
      expect((res.json() as { error: { code: string } }).error.code).toBe('forbidden');
    }
    // Writes too: publishing or stopping a session is an institution admin's.
    const stop = await w.app.inject({ method: 'POST', url: '/api/appointments/sessions/1/stop', headers: { cookie }, payload: { reason: '外出会诊' } });
    expect(stop.statusCode, stop.body).toBe(403);
  });

  it('shows the kiosk link in the kiosk account’s navigation, not the administrator’s', async () => {
    const kiosk = await w.app.inject({ url: '/', headers: { cookie: await w.staffCookie('kiosk.rmyy') } });
    expect(kiosk.body).toContain('href="/appointments/kiosk"');
    expect(kiosk.body).not.toContain('href="/appointments/admin"');
    const admin = await w.app.inject({ url: '/', headers: { cookie: await w.staffCookie('admin.rmyy') } });
    expect(admin.body).toContain('href="/appointments/window"');
    expect(admin.body).not.toContain('href="/appointments/kiosk"');
  });

  it('opens on the kiosk screen after signing in at /staff/sign-in; other staff land on the home page', async () => {
    const signIn = (username: string) => w.form('/staff/sign-in', '', { username, password: demoPassword });
    const kiosk = await signIn('kiosk.rmyy');
    expect(kiosk.statusCode).toBe(303);
    expect(kiosk.headers.location).toBe('/appointments/kiosk');
    expect((await signIn('admin.rmyy')).headers.location).toBe('/');
  });

  it('is no longer open to the institution administrator, nor any other role', async () => {
    for (const username of ['admin.rmyy', 'doctor.rmyy', 'operator']) {
      const cookie = await w.staffCookie(username);
      expect((await w.app.inject({ url: '/appointments/kiosk', headers: { cookie } })).statusCode, username).toBe(403);
      expect((await w.app.inject({ url: '/appointments/kiosk/walk-in', headers: { cookie } })).statusCode, username).toBe(403);
      expect((await w.form('/appointments/kiosk/check-in', cookie, { docType: 'resident_id', docNumber: patient(61).docNumber })).statusCode, username).toBe(403);
    }
    // The window stays the administrator's.
    expect((await w.app.inject({ url: '/appointments/window', headers: { cookie: await w.staffCookie('admin.rmyy') } })).statusCode).toBe(200);
  });
});
