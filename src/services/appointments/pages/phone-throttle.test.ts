import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { defaultAttemptLimits } from '../routes/anti-scalping.ts';
import { openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

const limit = defaultAttemptLimits.perPersonPerMinute;

/** 第十三条 anti-scalping: the phone page and the booking API share one per-person attempt count. */
describe.each(testEngines)('phone page attempt limit shared with the API on %s', (engine) => {
  let w: PagesWorld;
  let departmentId: number;
  let slotId: number;
  beforeAll(async () => {
    w = await openPagesWorld(engine);
    ({ departmentId, slotId } = await slotAt(w.k, { dept: '眼科', date: '2026-03-03', start: '09:00' }));
  });
  afterAll(async () => {
    await w.close();
  });

  const fields = (i: number) => {
    const p = patient(i);
    return { docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone, caller: 'self', bookerName: '', bookerPhone: '', departmentId: String(departmentId), date: '2026-03-03', title: '', period: 'am', slotId: String(slotId), step: 'confirm', key: `phone-${i}` };
  };
  const api = (cookie: string, i: number) => {
    const p = patient(i);
    // A slot that does not exist: the attempt is counted before the booking is tried, as for bots.
    return w.app.inject({ method: 'POST', url: '/api/appointments/bookings', headers: { cookie }, payload: { slotId: 999_999, channel: 'phone', patient: p } });
  };

  it('refuses the page’s attempt over the limit after API attempts, with the citation', async () => {
    const cookie = await w.staffCookie('operator');
    for (let n = 1; n < limit; n++) expect((await api(cookie, 90)).statusCode).toBe(404);
    const last = await w.form('/appointments/phone', cookie, fields(90));
    expect(last.statusCode, textOf(last.body).slice(0, 400)).toBe(201);
    const over = await w.form('/appointments/phone', cookie, fields(90));
    expect(over.statusCode).toBe(422);
    expect(textOf(over.body)).toContain('预约请求过于频繁，请稍后再试');
    expect(over.body).toContain('依据 西卫〔2019〕5号 第十三条');
    // Another person is not affected.
    expect((await w.form('/appointments/phone', cookie, fields(91))).statusCode).toBe(201);
  });

  it('a resident booking for others through the family page is counted too, refused with the citation and nothing written', async () => {
    const cookie = await w.residentCookie(80);
    const other = patient(93);
    const operator = await w.staffCookie('operator');
    for (let n = 1; n <= limit; n++) expect((await api(operator, 93)).statusCode).toBe(404);
    const before = (await w.k.selectFrom('appt_bookings').select('id').execute()).length;
    const res = await w.form(`/appointments/book/${slotId}/family`, cookie, { name: other.name, docType: 'resident_id', docNumber: other.docNumber, phone: other.phone, step: 'confirm', key: 'family-93' });
    expect(res.statusCode).toBe(422);
    expect(textOf(res.body)).toContain('预约请求过于频繁，请稍后再试');
    expect(res.body).toContain('依据 西卫〔2019〕5号 第十三条');
    expect((await w.k.selectFrom('appt_bookings').select('id').execute()).length).toBe(before);
  });

  it('refuses the API’s attempt over the limit after page attempts', async () => {
    const cookie = await w.staffCookie('operator');
    for (let n = 1; n <= limit; n++) expect((await w.form('/appointments/phone', cookie, fields(92))).statusCode, `attempt ${n}`).toBe(201); // the same key: replays
    const over = await api(cookie, 92);
    expect(over.json()).toMatchObject({ error: { code: 'rate_limited', citation: { article: '第十三条' } } });
  });
});
