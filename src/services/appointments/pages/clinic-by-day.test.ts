import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { openPagesWorld, textOf, type PagesWorld } from './pages.test-support.ts';

/** The in-clinic booking's ticket choice (referrals/clinic-pages.ts), one visit day at a time. */
describe.each(testEngines)('in-clinic ticket choice by day on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 3); // sessions Tue 3, Wed 4, Thu 5 March
  });
  afterAll(async () => {
    await w.close();
  });

  const slotDates = async (body: string) => {
    const ids = [...body.matchAll(/name="slotId" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    return (await w.k.selectFrom('appt_slots').select('visit_date').distinct().where('id', 'in', ids).execute()).map((r) => r.visit_date);
  };

  it('offers one day’s tickets, with day buttons that re-post the patient’s details (第二十四条)', async () => {
    const cookie = await w.staffCookie('doctor.rmyy');
    const p = patient(90);
    const values = { docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone, kind: 'follow_up', departmentId: '' };
    const first = await w.form('/appointments/clinic', cookie, { ...values, step: 'options' });
    expect(first.statusCode, first.body).toBe(200);
    expect(await slotDates(first.body)).toEqual(['2026-03-03']);
    const dayButtons = [...first.body.matchAll(/<button class="link-button" type="submit" name="date" value="([\d-]+)"( aria-current="date")?>/g)];
    expect(dayButtons.map((m) => m[1])).toEqual(['2026-03-03', '2026-03-04', '2026-03-05']);
    expect(dayButtons.map((m) => Boolean(m[2]))).toEqual([true, false, false]);
    expect(textOf(first.body)).toMatch(/3月4日 周三 余\d+/);
    // The day form carries the patient's details hidden, so a day button needs no script.
    const dayForm = first.body.split('name="step" value="options"')[1]!.split('</form>')[0]!;
    expect(dayForm).toContain(`name="docNumber" value="${p.docNumber}"`);

    const thu = await w.form('/appointments/clinic', cookie, { ...values, step: 'options', date: '2026-03-05' });
    expect(await slotDates(thu.body)).toEqual(['2026-03-05']);
    expect(thu.body).toContain('<input type="hidden" name="date" value="2026-03-05">');
    // Choosing nothing keeps the chosen day.
    const none = await w.form('/appointments/clinic', cookie, { ...values, step: 'check', date: '2026-03-05' });
    expect(none.statusCode).toBe(422);
    expect(await slotDates(none.body)).toEqual(['2026-03-05']);

    const slotId = /name="slotId" value="(\d+)"/.exec(thu.body)![1]!;
    const check = await w.form('/appointments/clinic', cookie, { ...values, step: 'check', date: '2026-03-05', slotId });
    expect(check.body).toContain('核对诊间预约');
    expect(textOf(check.body)).toContain('2026年3月5日');
  });
});
