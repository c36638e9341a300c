import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { patient } from '../store/world.test-support.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

describe.each(testEngines)('doctor workstation and weekly schedule editor on %s', (engine) => {
  let w: PagesWorld;
  beforeAll(async () => {
    w = await openPagesWorld(engine);
  });
  afterAll(async () => {
    w.clock.set(mondayNine);
    await w.close();
  });

  it('shows the doctor today’s patients of their sessions, with in-clinic booking and hand-back links', async () => {
    const mine = await w.k
      .selectFrom('appt_doctors as d')
      .innerJoin('staff as s', 's.id', 'd.staff_id')
      .innerJoin('appt_departments as dep', 'dep.id', 'd.department_id')
      .select(['d.id', 'dep.name as department'])
      .where('s.username', '=', 'doctor.rmyy')
      .executeTakeFirstOrThrow();
    const book = async (i: number, start: string, title: string, dept = mine.department) => {
      const cookie = await w.residentCookie(i);
      const { slotId } = await slotAt(w.k, { dept, date: '2026-03-03', start, title });
      const res = await w.app.inject({ method: 'POST', url: `/appointments/book/${slotId}`, headers: { cookie } });
      expect(res.statusCode, res.body).toBe(303);
      return Number(/booked=(\d+)/.exec(String(res.headers.location))![1]);
    };
    const walkIn = await book(80, '08:00', '主治医师');
    const referred = await book(81, '08:30', '主治医师');
    const elsewhere = await book(82, '08:00', '主任医师');
    // A referral from a community centre that arrived with the second booking (第二十条, 第二十八条).
    const centre = await w.k.selectFrom('organisations').select('id').where('kind', '=', 'community_health_centre').orderBy('id').executeTakeFirstOrThrow();
    const hospital = await w.k.selectFrom('organisations').select('id').where('code', '=', 'H001').executeTakeFirstOrThrow();
    const fd = await w.k.selectFrom('staff').select('id').where('username', '=', 'doctor.yt').executeTakeFirstOrThrow();
    const person = await w.k.selectFrom('appt_bookings').select('person_id').where('id', '=', referred).executeTakeFirstOrThrow();
    const now = mondayNine.toISOString();
    const ref = await w.k
      .insertInto('appt_referrals')
      .values({ direction: 'up', status: 'arrived', person_id: person.person_id, from_organisation_id: centre.id, responsible_centre_id: centre.id, requester_staff_id: fd.id, to_organisation_id: hospital.id, to_institution_id: null, to_department_id: null, booking_id: referred, based_on_referral_id: null, criterion_code: null, chronic_category: null, disease_info: '高血压', record_basics: null, contract: null, visit_date: '2026-03-03', within_three_days: 1, exception_reason: null, earlier_available: null, handler_staff_id: null, accepted_at: null, arrived_at: null, diagnosis: null, treatment: null, plan: null, acknowledged_at: null, acknowledged_by: null, delivered_at: null, delivery_error: null, created_by: 'test', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();

    w.clock.set(new Date('2026-03-03T00:40:00Z')); // 08:40 Beijing
    w.forgetSessions();
    const desk = await w.staffCookie('admin.rmyy');
    const checkedIn = await w.form('/appointments/window/check-in', desk, { booking: String(referred), docType: 'resident_id', docNumber: patient(81).docNumber });
    expect(checkedIn.statusCode, checkedIn.body).toBe(200);

    const cookie = await w.staffCookie('doctor.rmyy');
    const today = await w.app.inject({ url: '/appointments/clinic/today', headers: { cookie } });
    expect(today.statusCode).toBe(200);
    const text = textOf(today.body);
    expect(text).toContain('患者80');
    expect(text).toContain('患者81');
    expect(text).not.toContain('患者82'); // another doctor's session
    expect(text).toContain('共 2 位患者，已取号 1 位');
    expect(today.body).toContain(`href="/appointments/clinic?booking=${walkIn}"`);
    expect(today.body).toContain(`href="/referrals/${Number(ref.id)}/hand-back"`);
    expect(today.body).not.toContain(patient(80).docNumber);

    const prefilled = await w.app.inject({ url: `/appointments/clinic?booking=${walkIn}`, headers: { cookie } });
    expect(prefilled.body).toContain('value="患者80"');
    expect(prefilled.body).toContain(`value="${patient(80).docNumber}"`);
    // Showing the full number is a read of personal data, and it is traced.
    const reads = await w.k.selectFrom('audit_log').select(['actor_name', 'purpose']).where('action', '=', 'booking.read').where('entity_id', '=', String(walkIn)).execute();
    expect(reads).toHaveLength(1);
    expect(reads[0]!.purpose).toBe('clinic_booking');
    const notMine = await w.app.inject({ url: `/appointments/clinic?booking=${elsewhere}`, headers: { cookie } });
    expect(notMine.body).not.toContain('value="患者82"');

    const refused = await w.app.inject({ url: '/appointments/clinic/today', headers: { cookie: desk } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(`#${encodeURIComponent('第二十四条')}`);
    w.clock.set(mondayNine);
    w.forgetSessions();
  });

  it('shows the 80% share and the slot times for the entered tickets, and checks them again on submit', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const page = await w.app.inject({ url: '/appointments/admin', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-slot-minutes="30"');
    expect(page.body).toContain('<script src="/appointments/assets/schedule-editor.js" defer></script>');
    const check = textOf(/<div id="schedule-check"[\s\S]*?<\/div>/.exec(page.body)![0]);
    expect(check).toContain('80.0%');
    expect(check).toContain('符合不低于80%的要求');
    expect(check).toContain('08:00–08:30、08:30–09:00、09:00–09:30、09:30–10:00、10:00–10:30、10:30–11:00');
    const js = await w.app.inject({ url: '/appointments/assets/schedule-editor.js' });
    expect(js.body).toContain('(referral + appointment) * 5 >= total * 4');

    const doctorId = /<option value="(\d+)"/.exec(page.body)![1]!;
    const plan = { doctorId, visitDate: '2026-03-16', start: '08:00', count: '2', referral: '1', appointment: '6', window: '3' };
    const low = await w.form('/appointments/admin/sessions', cookie, plan);
    expect(low.statusCode).toBe(422);
    expect(low.body).toContain('依据 西卫〔2019〕5号 第十条');
    const lowCheck = textOf(/<div id="schedule-check"[\s\S]*?<\/div>/.exec(low.body)![0]);
    expect(lowCheck).toContain('70.0%');
    expect(lowCheck).toContain('低于80%，不能发布');
    expect(lowCheck).toContain('08:00–08:30、08:30–09:00');
  });

  it('publishes one plan on several days of a week, all or none', async () => {
    const cookie = await w.staffCookie('admin.rmyy');
    const page = await w.app.inject({ url: '/appointments/admin', headers: { cookie } });
    const doctorId = /<option value="(\d+)"/.exec(page.body)![1]!;
    const sessions = async () => (await w.k.selectFrom('appt_sessions').select('visit_date').where('doctor_id', '=', Number(doctorId)).where('visit_date', '>=', '2026-03-16').orderBy('visit_date').execute()).map((s) => s.visit_date);
    const body = (visitDate: string, days: string[]) =>
      new URLSearchParams([['doctorId', doctorId], ['visitDate', visitDate], ['start', '08:00'], ['count', '2'], ['referral', '1'], ['appointment', '7'], ['window', '2'], ...days.map((d) => ['days', d])]).toString();
    const post = (payload: string) => w.app.inject({ method: 'POST', url: '/appointments/admin/sessions', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload });
    const ok = await post(body('2026-03-16', ['3', '5']));
    expect(ok.statusCode, ok.body).toBe(303);
    expect(await sessions()).toEqual(['2026-03-16', '2026-03-18', '2026-03-20']);
    // Tuesday is new but Wednesday exists: nothing is published.
    const clash = await post(body('2026-03-17', ['3']));
    expect(clash.statusCode).toBe(422);
    expect(textOf(clash.body)).toContain('2026-03-18：');
    expect(await sessions()).toEqual(['2026-03-16', '2026-03-18', '2026-03-20']);
  });
});
