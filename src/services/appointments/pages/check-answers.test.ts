import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

const confirmButton = /<button[^>]*>确认预约<\/button>/;

describe.each(testEngines)('check-answers page after a final refusal on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 1);
  });
  afterAll(async () => {
    await w.close();
  });

  it('after the 15:00 cutoff offers other times in the department, not "确认预约" (第十七条)', async () => {
    const { slotId, institutionId, departmentId } = await slotAt(w.k, { dept: '儿科', date: '2026-03-03', start: '09:30' });
    w.clock.set(new Date('2026-03-02T07:30:00Z')); // 15:30 Beijing, the day before the visit
    try {
      const cookie = await w.residentCookie(80);
      const before = await w.app.inject({ url: `/appointments/book/${slotId}`, headers: { cookie } });
      expect(before.body).toMatch(confirmButton);
      const res = await w.app.inject({ method: 'POST', url: `/appointments/book/${slotId}`, headers: { cookie } });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('依据 西卫〔2019〕5号 第十七条');
      expect(res.body).not.toMatch(confirmButton);
      expect(res.body).not.toContain(`action="/appointments/book/${slotId}"`);
      expect(res.body).toContain(`href="/appointments/${institutionId}/${departmentId}">选择本科室其他时段</a>`);
      // Nobody can book this slot now: booking for someone else is not offered either.
      expect(res.body).not.toContain(`/appointments/book/${slotId}/family`);

      const child = patient(81);
      const family = await w.form(`/appointments/book/${slotId}/family`, cookie, { name: child.name, docType: 'resident_id', docNumber: child.docNumber, phone: child.phone, step: 'confirm', key: 'k-81' });
      expect(family.statusCode).toBe(422);
      expect(family.body).toContain('依据 西卫〔2019〕5号 第十七条');
      expect(family.body).not.toMatch(confirmButton);
      expect(textOf(family.body)).toContain('选择本科室其他时段');
    } finally {
      w.clock.set(mondayNine);
    }
  });

  it('a second booking in the department that day (重复预约): refused, listed, no "确认预约" and no other times; booking for someone else still offered (第十七条, 第三十二条)', async () => {
    const cookie = await w.residentCookie(82);
    const first = await slotAt(w.k, { dept: '眼科', date: '2026-03-03', start: '09:00' });
    const second = await slotAt(w.k, { dept: '眼科', date: '2026-03-03', start: '10:00' });
    expect((await w.app.inject({ method: 'POST', url: `/appointments/book/${first.slotId}`, headers: { cookie } })).statusCode).toBe(303);
    const res = await w.app.inject({ method: 'POST', url: `/appointments/book/${second.slotId}`, headers: { cookie } });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('同一就诊日在同一医疗机构的同一科室只能预约1次');
    expect(res.body).not.toMatch(confirmButton);
    // The attempt itself listed the person (第三十二条): every other time would be refused too.
    expect(textOf(res.body)).toContain('重复预约已计入违约，您被列入违约名单');
    expect(res.body).toContain('依据 西卫〔2019〕5号 第三十二条');
    expect(textOf(res.body)).not.toContain('选择本科室其他时段');
    expect(res.body).toContain(`href="/appointments/book/${second.slotId}/family"`);
  });
});
