import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

/** Departments a person sees: list items without the hidden attribute. */
function visibleDepartments(body: string): string[] {
  return [...body.matchAll(/<li data-keys="[^"]*"( hidden)?><a href="\/appointments\/\d+\/\d+">([^<]+)<\/a>/g)].filter((m) => !m[1]).map((m) => m[2]!);
}

describe.each(testEngines)('resident department search and family booking on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 1);
  });
  afterAll(async () => {
    await w.close();
  });

  it('finds 儿科 by pinyin initials, full pinyin and a character, without script (GET ?q=)', async () => {
    const all = visibleDepartments((await w.app.inject({ url: '/appointments' })).body);
    expect(all.length).toBeGreaterThan(6);
    for (const q of ['ek', 'erke', 'EK']) {
      const res = await w.app.inject({ url: `/appointments?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      const shown = visibleDepartments(res.body);
      expect(shown.length, q).toBeGreaterThan(0);
      expect(new Set(shown), q).toEqual(new Set(['儿科']));
    }
    // "儿" also finds every department of a hospital with 儿 in its name (a children's hospital).
    const char = await w.app.inject({ url: `/appointments?q=${encodeURIComponent('儿')}` });
    expect(visibleDepartments(char.body)).toContain('儿科');
    const sections = char.body.split('<section data-group').slice(1).filter((c) => !c.startsWith(' hidden'));
    expect(sections.some((c) => /<h2>[^<]*儿童医院/.test(c))).toBe(true);
    for (const c of sections) if (!/<h2>[^<]*儿/.test(c)) expect(visibleDepartments(c)).toEqual(['儿科']);
    const none = await w.app.inject({ url: '/appointments?q=zzzz' });
    expect(visibleDepartments(none.body)).toEqual([]);
    expect(textOf(none.body)).toContain('没有找到相符的科室');
  });

  it('finds departments by institution and by symptom area, and ships the live filter as a same-origin script', async () => {
    const byHospital = visibleDepartments((await w.app.inject({ url: `/appointments?q=${encodeURIComponent('人民医院')}` })).body);
    expect(new Set(byHospital)).toEqual(new Set(['心血管内科', '内分泌科', '普通外科', '儿科', '眼科', '口腔科']));
    const teeth = await w.app.inject({ url: '/appointments?q=yatong' });
    expect(new Set(visibleDepartments(teeth.body))).toEqual(new Set(['口腔科']));
    expect(textOf(teeth.body)).toContain('（症状：牙痛）');
    const eyesLink = /href="\/appointments\?area=(\d+)"[^>]*>眼睛</.exec((await w.app.inject({ url: '/appointments' })).body);
    const eyes = await w.app.inject({ url: `/appointments?area=${eyesLink![1]}` });
    expect(new Set(visibleDepartments(eyes.body))).toEqual(new Set(['眼科']));
    expect(eyes.body).toContain('<script src="/appointments/assets/department-filter.js" defer></script>');
    expect(eyes.body).toMatch(/data-keys="儿科\|er ke\|ek\|/);
    const js = await w.app.inject({ url: '/appointments/assets/department-filter.js' });
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain("getAttribute('data-keys')");
    expect((await w.app.inject({ url: '/appointments/assets/nope.js' })).statusCode).toBe(404);
  });

  it('books for a family member: patient’s details plus the booker recorded, check answers first (第十六条)', async () => {
    const cookie = await w.residentCookie(70);
    const { slotId } = await slotAt(w.k, { dept: '儿科', date: '2026-03-03', start: '09:30', title: '主任医师' });
    const confirm = await w.app.inject({ url: `/appointments/book/${slotId}`, headers: { cookie } });
    expect(confirm.body).toContain(`href="/appointments/book/${slotId}/family"`);
    const form = await w.app.inject({ url: `/appointments/book/${slotId}/family`, headers: { cookie } });
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('预约人（您） 患者70');

    const child = patient(71);
    const fields = { name: child.name, docType: 'resident_id', docNumber: child.docNumber, phone: child.phone };
    const missing = await w.form(`/appointments/book/${slotId}/family`, cookie, { ...fields, phone: '', step: 'check' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('依据 西卫〔2019〕5号 第十六条');
    expect(missing.body).toContain('href="#phone"');
    const own = await w.form(`/appointments/book/${slotId}/family`, cookie, { ...fields, docNumber: patient(70).docNumber, step: 'check' });
    expect(own.statusCode).toBe(422);
    const check = await w.form(`/appointments/book/${slotId}/family`, cookie, { ...fields, step: 'check' });
    expect(check.statusCode).toBe(200);
    expect(textOf(check.body)).toContain('核对为家人预约的信息');
    expect(await w.k.selectFrom('appt_bookings').select('id').execute()).toHaveLength(0);
    const key = /name="key" value="([^"]+)"/.exec(check.body)![1]!;
    const done = await w.form(`/appointments/book/${slotId}/family`, cookie, { ...fields, step: 'confirm', key });
    expect(done.statusCode, done.body).toBe(303);

    const row = await w.k
      .selectFrom('appt_bookings as b')
      .innerJoin('persons as p', 'p.id', 'b.person_id')
      .select(['b.id', 'p.name', 'b.patient_doc_number', 'b.patient_phone', 'b.booker_name', 'b.booker_phone', 'b.channel'])
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: child.name, patient_doc_number: child.docNumber, patient_phone: child.phone, booker_name: '患者70', booker_phone: patient(70).phone, channel: 'web' });

    const mine = await w.app.inject({ url: '/appointments/mine', headers: { cookie } });
    expect(textOf(mine.body)).toContain('我为家人或他人的预约');
    expect(textOf(mine.body)).toContain(child.name);
    const stranger = await w.residentCookie(72);
    // Someone else with the booker's very name and phone is still not the booker.
    await w.k.updateTable('persons').set({ name: '患者70', phone: patient(70).phone }).where('doc_number', '=', patient(72).docNumber).execute();
    expect(textOf((await w.app.inject({ url: '/appointments/mine', headers: { cookie: stranger } })).body)).not.toContain(child.name);
    const notTheirs = await w.app.inject({ method: 'POST', url: `/appointments/mine/family/${Number(row.id)}/cancel`, headers: { cookie: stranger } });
    expect(notTheirs.statusCode).toBe(404);
    const cancelled = await w.app.inject({ method: 'POST', url: `/appointments/mine/family/${Number(row.id)}/cancel`, headers: { cookie } });
    expect(cancelled.statusCode).toBe(303);
    expect((await w.k.selectFrom('appt_bookings').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
  });
});
