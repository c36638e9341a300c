import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { errorCode, openAppointmentsWorld, type AppointmentsWorld } from '../test-fixture.ts';

describe.each(testEngines)('第十二条 registries are maintained by their own institution on %s', (engine) => {
  let w: AppointmentsWorld;
  beforeAll(async () => {
    w = await openAppointmentsWorld(engine);
  });
  afterAll(async () => w?.close());

  const put = (url: string, payload: Record<string, unknown>) => w.inject('institution_admin', { method: 'PUT', url, payload });

  it('updates the institution: name, short name, address and phone (第十二条 (一)) with the appointment profile', async () => {
    const res = await put(`/api/appointments/institutions/${w.institutionId}`, { name: '西城区人民医院（本部）', shortName: '人民医院', address: '西城区西直门南大街11号', phone: '010-88325000', directions: '地铁4号线西直门站' });
    expect(res.statusCode, res.body).toBe(200);
    const list = (await w.inject('anonymous', { method: 'GET', url: '/api/appointments/institutions' })).json() as { institutions: { id: number; name: string; shortName: string; address: string; phone: string; directions: string }[] };
    expect(list.institutions.find((i) => i.id === w.institutionId)).toMatchObject({ name: '西城区人民医院（本部）', shortName: '人民医院', address: '西城区西直门南大街11号', phone: '010-88325000', directions: '地铁4号线西直门站' });
  });

  it('registers a day surgery with its expert team, conditions and precautions (第十二条 (五)) and edits it', async () => {
    const created = await w.inject('institution_admin', {
      method: 'POST',
      url: `/api/appointments/institutions/${w.institutionId}/resources`,
      payload: { kind: 'day_surgery', name: '腹腔镜胆囊切除术', code: 'RS-DS-1', feeCents: 800000, quantity: 6, expertTeam: '普外科微创团队', introduction: '日间完成的微创手术。', conditions: '胆囊结石，无急性炎症', precautions: '术前8小时禁食' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const edited = await put(`/api/appointments/institutions/${w.institutionId}/resources/${id}`, { precautions: '术前8小时禁食禁水', quantity: 8 });
    expect(edited.statusCode, edited.body).toBe(200);
    const rows = (await w.inject('anonymous', { method: 'GET', url: `/api/appointments/institutions/${w.institutionId}/resources` })).json() as { resources: Record<string, unknown>[] };
    expect(rows.resources.find((r) => Number(r.id) === id)).toMatchObject({ kind: 'day_surgery', expert_team: '普外科微创团队', conditions: '胆囊结石，无急性炎症', precautions: '术前8小时禁食禁水', quantity: 8 });
  });

  it("refuses another institution's row, a department of another institution, and a taken code, writing nothing", async () => {
    const foreign = await w.k.selectFrom('appt_departments').select('id').where('institution_id', '=', w.otherInstitutionId).executeTakeFirstOrThrow();
    const before = await w.counts();
    const other = await put(`/api/appointments/institutions/${w.institutionId}/departments/${Number(foreign.id)}`, { name: '改名' });
    expect(other.statusCode).toBe(404);
    expect(errorCode(other)).toBe('registry_row_not_found');
    const move = await put(`/api/appointments/institutions/${w.institutionId}/doctors/${w.doctorId}`, { departmentId: Number(foreign.id) });
    expect(errorCode(move)).toBe('department_not_found');
    const depts = await w.k.selectFrom('appt_departments').select(['id', 'code']).where('institution_id', '=', w.institutionId).orderBy('id').limit(2).execute();
    const taken = await put(`/api/appointments/institutions/${w.institutionId}/departments/${Number(depts[1]!.id)}`, { code: depts[0]!.code });
    expect(errorCode(taken)).toBe('duplicate_code');
    expect(await w.counts()).toEqual(before);
    expect((await w.k.selectFrom('appt_departments').select('name').where('id', '=', foreign.id).executeTakeFirstOrThrow()).name).not.toBe('改名');
  });
});
