import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { openPagesWorld, textOf, type PagesWorld } from './pages.test-support.ts';

describe.each(testEngines)('第十二条 registry pages for institution admins on %s', (engine) => {
  let w: PagesWorld;
  let cookie: string;
  let institutionId: number;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 1);
    cookie = await w.staffCookie('admin.rmyy');
    const org = await w.k.selectFrom('organisations').select('id').where('code', '=', 'H001').executeTakeFirstOrThrow();
    institutionId = Number((await w.k.selectFrom('appt_institutions').select('id').where('organisation_id', '=', org.id).executeTakeFirstOrThrow()).id);
  });
  afterAll(async () => w.close());

  it('edits the institution profile, adds a doctor and a day surgery', async () => {
    const shown = await w.app.inject({ url: '/appointments/admin/registry', headers: { cookie } });
    expect(shown.statusCode).toBe(200);
    expect(textOf(shown.body)).toContain('第十二条 (一)');
    const saved = await w.form('/appointments/admin/registry/institution', cookie, { name: '人民医院', shortName: '人民', address: '西城区西直门南大街11号', phone: '010-88326666', website: '', directions: '地铁4号线', introduction: '', referralSharePct: '15' });
    expect(saved.statusCode, saved.body).toBe(303);
    const profile = await w.k.selectFrom('appt_institutions as i').innerJoin('organisations as o', 'o.id', 'i.organisation_id').select(['o.phone', 'o.short_name', 'i.referral_share_pct', 'i.directions']).where('i.id', '=', institutionId).executeTakeFirstOrThrow();
    expect(profile).toMatchObject({ phone: '010-88326666', short_name: '人民', referral_share_pct: 15, directions: '地铁4号线' });

    const dept = await w.k.selectFrom('appt_departments').select('id').where('institution_id', '=', institutionId).orderBy('id').executeTakeFirstOrThrow();
    const doctor = await w.form('/appointments/admin/registry/doctors', cookie, { departmentId: String(dept.id), name: '新医生', staffNumber: 'PG-001', licenceNumber: '110100999', phone: '13912345678', title: '主治医师', specialty: '高血压' });
    expect(doctor.statusCode, doctor.body).toBe(303);
    const surgery = await w.form('/appointments/admin/registry/resources', cookie, { kind: 'day_surgery', name: '白内障超声乳化', code: 'DS-PG-1', feeCents: '600000', quantity: '5', expertTeam: '眼科专家组', conditions: '单眼白内障', precautions: '术前停用抗凝药' });
    expect(surgery.statusCode, surgery.body).toBe(303);
    const page = textOf((await w.app.inject({ url: '/appointments/admin/registry', headers: { cookie } })).body);
    for (const part of ['新医生', 'PG-001', '白内障超声乳化', '眼科专家组']) expect(page).toContain(part);
  });

  it('refuses bad fields with the article, keeps what was typed, and writes nothing', async () => {
    const count = async () => Number((await w.k.selectFrom('appt_doctors').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const res = await w.form('/appointments/admin/registry/doctors', cookie, { departmentId: '999999', name: '', staffNumber: 'PG-002', licenceNumber: '1', phone: '12345', title: '教授' });
    expect(res.statusCode).toBe(422);
    const text = textOf(res.body);
    for (const field of ['所属科室', '名称', '联系电话', '专业职称']) expect(text).toContain(`请检查“${field}”`);
    expect(text).toContain('第十二条');
    expect(res.body).toContain('value="PG-002"');
    const taken = await w.form('/appointments/admin/registry/doctors', cookie, { departmentId: String((await w.k.selectFrom('appt_departments').select('id').where('institution_id', '=', institutionId).executeTakeFirstOrThrow()).id), name: '重复', staffNumber: 'PG-001', licenceNumber: '1', phone: '13912345678', title: '主治医师' });
    expect(taken.statusCode).toBe(422);
    expect(textOf(taken.body)).toContain('该编码或工号已存在');
    expect(await count()).toBe(before);
  });

  it('cites the article in the older admin forms too, and writes nothing on a refusal', async () => {
    const sessions = async () => Number((await w.k.selectFrom('appt_sessions').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await sessions();
    const badDate = await w.form('/appointments/admin/sessions', cookie, { doctorId: '1', visitDate: '2026-02-30', start: '08:00', count: '2', referral: '1', appointment: '7', window: '2' });
    expect(badDate.statusCode).toBe(422);
    expect(textOf(badDate.body)).toContain('第十条');
    expect(await sessions()).toBe(before);
    const noName = await w.form('/appointments/admin/departments', cookie, { name: '', code: '' });
    expect(noName.statusCode).toBe(422);
    expect(textOf(noName.body)).toContain('请填写科室名称和编码');
    expect(textOf(noName.body)).toContain('第十二条');
  });

  it('is for institution admins only', async () => {
    const doctor = await w.staffCookie('doctor.rmyy');
    expect((await w.app.inject({ url: '/appointments/admin/registry', headers: { cookie: doctor } })).statusCode).toBe(403);
    expect((await w.form('/appointments/admin/registry/resources', doctor, { kind: 'exam', name: 'x', code: 'y' })).statusCode).toBe(403);
  });
});
