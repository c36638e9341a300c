import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { addDays, type CivilDate } from '../../../platform/time/civil.ts';
import type { Actor } from '../../../platform/audit/trail.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookTicket } from '../store/book-ticket.ts';
import { cancelBooking, checkInBooking } from '../store/cancel-and-check-in.ts';
import { sweepNoShows } from '../store/violations.ts';
import { openReferralWorld, worldNow, type Account, type ReferralWorld, type TestPerson } from '../referrals/world.test-support.ts';
import type { StatisticsRow } from './statistics.ts';
import type { DisclosureRow } from './disclosure.ts';

function refusal(res: LightMyRequestResponse): { status: number; code: string; article: string | undefined } {
  const body = res.json() as { error?: { code: string; citation?: { article: string } } };
  return { status: res.statusCode, code: body.error?.code ?? '', article: body.error?.citation?.article };
}

const form = (values: Record<string, string>) => ({ payload: new URLSearchParams(values).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const operator: Actor = { kind: 'staff', id: 1, name: '周运营', role: 'platform_operator' };

describe.each(testEngines)('in-clinic booking, pages, supervision and disclosure on %s (西卫〔2019〕5号)', (engine) => {
  let w: ReferralWorld;
  let tomorrow: CivilDate;
  /** Tomorrow's first slot of a doctor's session. */
  const slotOf = async (doctorId: number, date: string = tomorrow) =>
    Number(
      (
        await w.k
          .selectFrom('appt_slots as sl')
          .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
          .select('sl.id')
          .where('se.doctor_id', '=', doctorId)
          .where('sl.visit_date', '=', date)
          .orderBy('sl.period_start')
          .executeTakeFirstOrThrow()
      ).id,
    );
  const doctorIn = async (departmentId: number, title: string) => Number((await w.k.selectFrom('appt_doctors').select('id').where('department_id', '=', departmentId).where('title', '=', title).executeTakeFirstOrThrow()).id);
  const clinic = (p: TestPerson, kind: string, slotId: number, extra: Record<string, string> = {}, account: Account = 'doctor') =>
    w.inject(account, { method: 'POST', url: '/api/clinic/bookings', payload: { kind, slotId, patient: { docType: p.docType, docNumber: p.docNumber, name: p.name, phone: p.phone }, ...extra } });
  const at = async (iso: string) => {
    w.clock.set(new Date(iso));
    await w.refreshTokens();
  };
  const unchanged = async (f: () => Promise<void>) => {
    const before = await w.rowCounts();
    await f();
    expect(await w.rowCounts()).toEqual(before);
  };

  beforeAll(async () => {
    w = await openReferralWorld(engine);
    tomorrow = addDays(w.today, 1);
  });
  afterAll(async () => w?.close());

  describe('第二十四条 in-clinic booking', () => {
    it('books a follow-up with the treating doctor, a senior doctor, another department and a consultation', async () => {
      const follow = await w.inject('doctor', { method: 'GET', url: '/api/clinic/options?kind=follow_up' });
      const options = (follow.json() as { options: { slotId: number; needsOverride: boolean }[] }).options;
      expect(options.length).toBeGreaterThan(0);
      const own = await w.k.selectFrom('appt_slots as sl').innerJoin('appt_sessions as se', 'se.id', 'sl.session_id').select('sl.id').where('se.doctor_id', '=', w.treatingDoctorId).execute();
      expect(options.every((o) => own.some((s) => Number(s.id) === o.slotId) && !o.needsOverride)).toBe(true);
      const senior = (await w.inject('doctor', { method: 'GET', url: '/api/clinic/options?kind=senior' })).json() as { options: { title: string }[] };
      expect(new Set(senior.options.map((o) => o.title))).toEqual(new Set(['主任医师', '副主任医师']));

      const a = await w.person();
      const res = await clinic(a, 'follow_up', await slotOf(w.treatingDoctorId));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ kind: 'follow_up', channel: 'clinic', override: null, status: 'booked' });
      const bookingId = (res.json() as { bookingId: number }).bookingId;
      const row = await w.k.selectFrom('appt_clinic_bookings').selectAll().where('booking_id', '=', bookingId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'follow_up', override_code: null });
      expect(Number(row.treating_doctor_id)).toBe(w.treatingDoctorId);
      const audit = await w.k.selectFrom('audit_log').select('action').where('entity_type', '=', 'appt_booking').where('entity_id', '=', String(bookingId)).orderBy('seq').execute();
      expect(audit.map((x) => x.action)).toEqual(['booking.create', 'booking.clinic']);

      const b = await w.person();
      await unchanged(async () => {
        expect(refusal(await clinic(b, 'follow_up', await slotOf(w.seniorDoctorId)))).toEqual({ status: 422, code: 'clinic_target_mismatch', article: '第二十四条' });
        expect(refusal(await clinic(b, 'senior', await slotOf(w.treatingDoctorId))).code).toBe('clinic_target_mismatch');
        expect(refusal(await clinic(b, 'other_department', await slotOf(w.seniorDoctorId))).code).toBe('clinic_target_mismatch');
      });
      expect((await clinic(b, 'senior', await slotOf(w.seniorDoctorId))).statusCode).toBe(201);
      expect((await clinic(await w.person(), 'other_department', await slotOf(await doctorIn(w.otherDepartmentId, '主任医师')))).statusCode).toBe(201);
      expect((await clinic(await w.person(), 'consultation', await slotOf(await doctorIn(w.departmentId, '副主任医师')))).statusCode).toBe(201);
      // The same per-patient rules (第十七条): a second booking in the same department that day is refused.
      const again = await clinic(a, 'consultation', await slotOf(await doctorIn(w.departmentId, '副主任医师')));
      expect(refusal(again)).toMatchObject({ status: 409, code: 'department_daily_limit_exceeded', article: '第十七条' });
    });

    it('lets only a doctor linked to a registered doctor book from the clinic', async () => {
      const p = await w.person();
      const slotId = await slotOf(w.treatingDoctorId);
      await unchanged(async () => {
        expect(refusal(await clinic(p, 'follow_up', slotId, {}, 'institution_admin'))).toMatchObject({ status: 403, code: 'forbidden' });
        await w.k.updateTable('appt_doctors').set({ staff_id: null }).where('id', '=', w.treatingDoctorId).execute();
        try {
          expect(refusal(await clinic(p, 'follow_up', slotId))).toEqual({ status: 403, code: 'not_a_registered_doctor', article: '第二十四条' });
        } finally {
          await w.k.updateTable('appt_doctors').set({ staff_id: w.staffIds.doctor }).where('id', '=', w.treatingDoctorId).execute();
        }
      });
    });

    it('after the 15:00 cutoff, books a later day only with a recorded, audited reason', async () => {
      await at('2026-03-02T07:30:00Z');
      try {
        const options = ((await w.inject('doctor', { method: 'GET', url: '/api/clinic/options?kind=follow_up' })).json() as { options: { slotId: number; visitDate: string; needsOverride: boolean }[] }).options;
        expect(options.filter((o) => o.visitDate === tomorrow).every((o) => o.needsOverride)).toBe(true);
        const p = await w.person();
        const slotId = await slotOf(w.treatingDoctorId);
        await unchanged(async () => {
          expect(refusal(await clinic(p, 'follow_up', slotId))).toEqual({ status: 422, code: 'booking_closed', article: '第十七条' });
          expect(refusal(await clinic(p, 'follow_up', slotId, { overrideReason: '复查' }))).toEqual({ status: 422, code: 'override_needs_reason', article: '第二十四条' });
        });
        const res = await clinic(p, 'follow_up', slotId, { overrideReason: '术后第一天须复查伤口' });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({ override: { code: 'booking_closed', reason: '术后第一天须复查伤口' } });
        const bookingId = (res.json() as { bookingId: number }).bookingId;
        const row = await w.k.selectFrom('appt_clinic_bookings').select(['override_code', 'override_reason']).where('booking_id', '=', bookingId).executeTakeFirstOrThrow();
        expect(row).toEqual({ override_code: 'booking_closed', override_reason: '术后第一天须复查伤口' });
        const audit = await w.k.selectFrom('audit_log').select(['action', 'detail', 'actor_id']).where('entity_id', '=', String(bookingId)).where('entity_type', '=', 'appt_booking').orderBy('seq').execute();
        expect(audit.map((x) => x.action)).toEqual(['booking.create', 'booking.clinic_override']);
        expect(JSON.parse(audit[1]!.detail)).toMatchObject({ override: { code: 'booking_closed', reason: '术后第一天须复查伤口' } });
        expect(Number(audit[1]!.actor_id)).toBe(w.staffIds.doctor);
        // An override is for the cutoff only: the per-patient limits still hold.
        const again = await clinic(p, 'consultation', await slotOf(await doctorIn(w.departmentId, '主任医师')), { overrideReason: '术后第一天须复查伤口' });
        expect(refusal(again).code).toBe('department_daily_limit_exceeded');
      } finally {
        await at(worldNow.toISOString());
      }
    });
  });

  describe('pages', () => {
    let referralId = 0;
    let patient: TestPerson;

    it('walks a family doctor through a referral: patient, ticket (3 days first), check answers, slip', async () => {
      const start = await w.inject('family_doctor', { method: 'GET', url: '/referrals/new' });
      expect(start.statusCode).toBe(200);
      expect(start.body).toContain('href="/referrals"');
      const empty = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form({ step: 'patient' }) });
      expect(empty.statusCode).toBe(422);
      for (const field of ['docNumber', 'target', 'criterionCode', 'diseaseInfo']) expect(empty.body).toContain(`href="#${field}"`);
      patient = await w.eligiblePerson();
      const values = { docType: 'resident_id', docNumber: patient.docNumber, target: `${w.institutionId}:${w.departmentId}`, criterionCode: 'HTN', diseaseInfo: '高血压控制不佳，头晕' };
      const slots = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form({ ...values, step: 'patient' }) });
      expect(slots.statusCode, slots.body).toBe(200);
      const radioValues = [...slots.body.matchAll(/name="slotId" value="(\d+)"/g)].map((m) => Number(m[1]));
      expect(radioValues.length).toBeGreaterThan(5);
      const first = await w.k.selectFrom('appt_slots').select(['visit_date', 'period_start']).where('id', '=', radioValues[0]!).executeTakeFirstOrThrow();
      expect(first).toMatchObject({ visit_date: tomorrow, period_start: '08:00' });
      expect(slots.body.indexOf('超过3日，须填写原因')).toBeGreaterThan(slots.body.indexOf(`name="slotId" value="${radioValues[0]}"`));
      const later = (await w.k.selectFrom('appt_slots').select('id').where('id', 'in', radioValues).where('visit_date', '>', addDays(w.today, 3)).executeTakeFirstOrThrow()).id;
      const noReason = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form({ ...values, step: 'slot', slotId: String(later) }) });
      expect(noReason.statusCode).toBe(422);
      expect(noReason.body).toContain('href="#exceptionReason"');
      expect(noReason.body).toContain('依据 西卫〔2019〕5号 第二十条');
      const check = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form({ ...values, step: 'slot', slotId: String(radioValues[0]) }) });
      expect(check.statusCode).toBe(200);
      expect(check.body).toContain('核对转诊信息');
      expect(await w.k.selectFrom('appt_referrals').select('id').where('person_id', '=', patient.id).execute()).toHaveLength(0);
      const submission = /name="submission" value="([0-9a-f-]{36})"/.exec(check.body)?.[1];
      expect(submission).toBeDefined();
      const confirm = { ...values, step: 'confirm', slotId: String(radioValues[0]), exceptionReason: '', submission: submission! };
      const done = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form(confirm) });
      expect(done.statusCode, done.body).toBe(303);
      // A double click on "confirm" lands on the same slip and books nothing more.
      const twice = await w.inject('family_doctor', { method: 'POST', url: '/referrals/new', ...form(confirm) });
      expect(twice.headers.location).toBe(done.headers.location);
      expect(await w.k.selectFrom('appt_bookings').select('id').where('person_id', '=', patient.id).execute()).toHaveLength(1);
      const m = /^\/referrals\/(\d+)\/slip\?new=1$/.exec(String(done.headers.location));
      expect(m).not.toBeNull();
      referralId = Number(m![1]);
      const slip = await w.inject('family_doctor', { method: 'GET', url: String(done.headers.location) });
      expect(slip.statusCode).toBe(200);
      for (const part of ['ZZ20260302', '预约转诊取号专用窗口', '优先住院', patient.name, '第三十二条', '档案']) expect(slip.body).toContain(part);
      expect(slip.body).not.toContain(patient.docNumber);
      const home = await w.inject('family_doctor', { method: 'GET', url: '/referrals' });
      expect(home.body).toContain('ZZ20260302');
      // A second referral, after 3 days with a reason, for the statistics below.
      const other = await w.eligiblePerson();
      const late = await w.inject('family_doctor', { method: 'POST', url: '/api/referrals', payload: { patient: { docType: other.docType, docNumber: other.docNumber }, slotId: Number(later), criterionCode: 'DM', diseaseInfo: '血糖控制不佳', exceptionReason: '患者要求下周就诊' } });
      expect(late.statusCode, late.body).toBe(201);
    });

    it('shows the hospital its queue, checks in at the referral window and hands back, with error summaries', async () => {
      const queue = await w.inject('institution_admin', { method: 'GET', url: '/referrals/queue' });
      expect(queue.statusCode).toBe(200);
      for (const part of ['优先检查', '优先住院', patient.name, '窗口取号']) expect(queue.body).toContain(part);
      const found = await w.inject('institution_admin', { method: 'GET', url: `/referrals/queue?q=${encodeURIComponent(patient.name)}` });
      expect(found.body).toContain(patient.name);
      const missing = await w.inject('institution_admin', { method: 'GET', url: `/referrals/queue?q=${encodeURIComponent('无此人')}` });
      expect(missing.body).not.toContain(patient.name);
      const api = await w.inject('institution_admin', { method: 'GET', url: `/api/referrals?q=${encodeURIComponent(patient.name)}` });
      expect((api.json() as { referrals: unknown[] }).referrals).toHaveLength(1);
      expect((await w.k.selectFrom('audit_log').select('action').where('action', '=', 'referral.list').execute()).length).toBeGreaterThan(0);
      expect((await w.inject('family_doctor', { method: 'GET', url: '/referrals/queue' })).statusCode).toBe(403);
      expect((await w.inject('anonymous', { method: 'GET', url: '/referrals/queue' })).statusCode).toBe(303);
      await at('2026-03-03T00:10:00Z');
      try {
        const wrong = await w.inject('institution_admin', { method: 'POST', url: `/referrals/${referralId}/check-in`, ...form({ docType: 'resident_id', docNumber: '110102192501010000' }) });
        expect(wrong.statusCode).toBe(422);
        expect(wrong.body).toContain('href="#docNumber"');
        const ok = await w.inject('institution_admin', { method: 'POST', url: `/referrals/${referralId}/check-in`, ...form({ docType: 'resident_id', docNumber: patient.docNumber }) });
        expect(ok.statusCode).toBe(303);
        const blank = await w.inject('doctor', { method: 'POST', url: `/referrals/${referralId}/hand-back`, ...form({ step: 'check', diagnosis: '', treatment: '', plan: '' }) });
        expect(blank.statusCode).toBe(422);
        for (const field of ['diagnosis', 'treatment', 'plan']) expect(blank.body).toContain(`href="#${field}"`);
        const values = { diagnosis: '原发性高血压2级', treatment: '调整降压药物', plan: '社区每月随访' };
        const check = await w.inject('doctor', { method: 'POST', url: `/referrals/${referralId}/hand-back`, ...form({ ...values, step: 'check' }) });
        expect(check.statusCode).toBe(200);
        expect(check.body).toContain('核对转回信息');
        const done = await w.inject('doctor', { method: 'POST', url: `/referrals/${referralId}/hand-back`, ...form({ ...values, step: 'confirm' }) });
        expect(done.statusCode).toBe(303);
        expect(w.port.received.some((r) => r.personId === patient.id && r.handBack.plan === '社区每月随访')).toBe(true);
        const home = await w.inject('family_doctor', { method: 'GET', url: '/referrals' });
        expect(home.body).toContain('社区每月随访');
        const down = await w.k.selectFrom('appt_referrals').select('id').where('based_on_referral_id', '=', referralId).executeTakeFirstOrThrow();
        expect((await w.inject('family_doctor', { method: 'POST', url: `/referrals/${down.id}/acknowledge` })).statusCode).toBe(303);
      } finally {
        await at(worldNow.toISOString());
      }
    });

    it('books from the doctor’s workstation page', async () => {
      expect((await w.inject('institution_admin', { method: 'GET', url: '/appointments/clinic' })).statusCode).toBe(403);
      const p = await w.person();
      const values = { docType: 'resident_id', docNumber: p.docNumber, name: p.name, phone: p.phone, kind: 'follow_up', departmentId: '' };
      const options = await w.inject('doctor', { method: 'POST', url: '/appointments/clinic', ...form({ ...values, step: 'options' }) });
      expect(options.statusCode).toBe(200);
      const slotId = /name="slotId" value="(\d+)"/.exec(options.body)?.[1];
      expect(slotId).toBeDefined();
      const check = await w.inject('doctor', { method: 'POST', url: '/appointments/clinic', ...form({ ...values, step: 'check', slotId: slotId! }) });
      expect(check.body).toContain('核对诊间预约');
      const done = await w.inject('doctor', { method: 'POST', url: '/appointments/clinic', ...form({ ...values, step: 'confirm', slotId: slotId! }) });
      expect(done.statusCode).toBe(201);
      expect(done.body).toContain('诊间预约成功');
    });

    it('shows operators the statistics with charts, and everyone the disclosure page', async () => {
      const page = await w.inject('platform_operator', { method: 'GET', url: '/appointments/supervision?granularity=week' });
      expect(page.statusCode).toBe(200);
      expect(page.body.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
      expect(page.body).toContain('format=csv');
      expect(page.body).toContain('href="/appointments/supervision"');
      expect((await w.inject('doctor', { method: 'GET', url: '/appointments/supervision' })).statusCode).toBe(403);
      expect((await w.inject('anonymous', { method: 'GET', url: '/appointments/supervision' })).statusCode).toBe(303);
      const bad = await w.inject('platform_operator', { method: 'GET', url: '/appointments/supervision?from=2026-02-30' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('href="#from"');
      const disclosure = await w.inject('anonymous', { method: 'GET', url: '/appointments/disclosure' });
      expect(disclosure.statusCode).toBe(200);
      expect(disclosure.body).toContain('<svg ');
      expect(disclosure.body).toContain('北京大学人民医院');
      expect(disclosure.body).toContain('href="/appointments/disclosure"');
      expect(disclosure.body).not.toContain('href="/referrals"');
    });
  });

  describe('第六条 (三) public disclosure', () => {
    it('shows each institution’s 80% rule, slot rule and stop rate, and nothing personal', async () => {
      const h002 = Number((await w.k.selectFrom('appt_institutions as i').innerJoin('organisations as o', 'o.id', 'i.organisation_id').select('i.id').where('o.code', '=', 'H002').executeTakeFirstOrThrow()).id);
      const dept = Number((await w.k.selectFrom('appt_departments').select('id').where('institution_id', '=', h002).executeTakeFirstOrThrow()).id);
      await inTransaction(w.db, async (trx) => {
        const x = trx as Kysely<AppointmentDb>;
        // Written around the publishing rules, as a legacy import might: 50% bookable, a 1-hour slot at a 三级 hospital.
        const s = await x.insertInto('appt_sessions').values({ institution_id: h002, department_id: dept, doctor_id: null, resource_id: null, title: '主任医师', visit_date: addDays(w.today, 9), status: 'published', published_at: worldNow.toISOString(), stopped_at: null, stop_reason: null, special_stop: 0 }).returning('id').executeTakeFirstOrThrow();
        const slot = await x.insertInto('appt_slots').values({ session_id: s.id, visit_date: addDays(w.today, 9), period_start: '08:00', period_end: '09:00' }).returning('id').executeTakeFirstOrThrow();
        await x.insertInto('appt_tickets').values(Array.from({ length: 10 }, (_, i) => ({ slot_id: slot.id, ticket_no: i + 1, pool: i < 5 ? 'appointment' : 'window', booking_id: null }))).execute();
        await x.updateTable('appt_sessions').set({ status: 'stopped', special_stop: 1, stopped_at: worldNow.toISOString(), stop_reason: '医师突发疾病' }).where('institution_id', '=', h002).where('visit_date', '=', tomorrow).execute();
      });
      const res = await w.inject('anonymous', { method: 'GET', url: '/api/disclosure/appointments' });
      expect(res.statusCode).toBe(200);
      const rows = (res.json() as { rows: DisclosureRow[] }).rows;
      expect(rows.find((r) => r.institutionId === h002)).toMatchObject({ sessions: 2, sessionsBelow80: 1, meets80: false, requiredSlotMinutes: 30, slots: 7, slotsOfRequiredLength: 6, meetsSlotRule: false, stopped: 1, specialStops: 1, stopRate: 0.5 });
      expect(rows.find((r) => r.institutionId === w.institutionId)).toMatchObject({ meets80: true, meetsSlotRule: true, sessionsBelow80: 0, stopped: 0, stopRate: 0 });
      const persons = await w.k.selectFrom('persons').select(['name', 'doc_number', 'phone']).execute();
      const doctors = await w.k.selectFrom('appt_doctors').select('name').execute();
      for (const p of persons) for (const v of [p.name, p.doc_number, p.phone]) expect(res.body).not.toContain(v);
      for (const d of doctors) expect(res.body).not.toContain(d.name);
      const csv = await w.inject('anonymous', { method: 'GET', url: '/api/disclosure/appointments?format=csv' });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.body.split('\r\n')[0]).toBe('\uFEFFinstitution,level,sessions,offered_share,sessions_below_80,meets_80,required_slot_minutes,slots,slots_of_required_length,meets_slot_rule,stopped,special_stops,stop_rate');
    });
  });

  describe('第六条 (三), 第七条, 第十三条 operator statistics', () => {
    it('counts offered tickets, bookings, no-shows, cancellations, cutoff returns, referrals and the violation list', async () => {
      const visit = addDays(w.today, 8); // 2026-03-10: two 30-minute slots, 9 of 10 tickets bookable each.
      const slots = await w.k.selectFrom('appt_slots as sl').innerJoin('appt_sessions as se', 'se.id', 'sl.session_id').select(['sl.id', 'sl.period_start']).where('sl.visit_date', '=', visit).where('se.institution_id', '=', w.institutionId).orderBy('sl.period_start').execute();
      expect(slots).toHaveLength(2);
      const people = await Promise.all([w.person(), w.person(), w.person(), w.person()]);
      const book = (p: TestPerson) => inTransaction(w.db, (trx) => bookTicket(trx, w.clock, operator, { slotId: Number(slots[0]!.id), channel: 'phone', patient: { docType: p.docType, docNumber: p.docNumber, name: p.name, phone: p.phone } }));
      const ids: number[] = [];
      for (const p of people) {
        const d = await book(p);
        if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
        ids.push(d.value.bookingId);
      }
      const [a, b, c, d] = ids as [number, number, number, number];
      expect((await inTransaction(w.db, (trx) => cancelBooking(trx, w.clock, operator, b, null))).allowed).toBe(true);
      await at('2026-03-09T07:30:00Z'); // after the 15:00 cutoff for 03-10, before midnight
      try {
        expect((await inTransaction(w.db, (trx) => cancelBooking(trx, w.clock, operator, c, null))).allowed).toBe(true);
        await at('2026-03-10T00:10:00Z');
        expect((await inTransaction(w.db, (trx) => checkInBooking(trx, w.clock, operator, a, { docType: people[0]!.docType, docNumber: people[0]!.docNumber }, w.institutionId))).allowed).toBe(true);
        await at('2026-03-10T04:00:00Z');
        await sweepNoShows(w.db, w.clock);
        expect((await w.k.selectFrom('appt_bookings').select('status').where('id', '=', d).executeTakeFirstOrThrow()).status).toBe('no_show');

        const day = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?granularity=day&from=${w.today}&to=${visit}` });
        expect(day.statusCode, day.body).toBe(200);
        const rows = (day.json() as { rows: StatisticsRow[] }).rows;
        expect(rows.map((r) => r.bucket)).toEqual(Array.from({ length: 9 }, (_, i) => addDays(w.today, i)));
        expect(rows.at(-1)).toEqual({
          bucket: visit,
          ticketsTotal: 20,
          ticketsOffered: 18,
          offeredShare: 0.9,
          bookings: 4,
          bookingRate: 0.1111,
          attended: 1,
          noShows: 1,
          noShowRate: 0.5,
          cancellations: 2,
          cancellationRate: 0.5,
          referralsUp: 0,
          referralsDown: 0,
          chronicFocusReferrals: 0,
          referralsBookedWithin3Days: 0,
          referralsSeenWithin3Days: 0,
          seenWithin3DaysShare: null,
          // 18 platform tickets, of which A, C (cancelled after the cutoff) and D were held at 15:00 the day before.
          cutoffReturned: 15,
          violationListSize: rows.at(-1)!.violationListSize,
        });
        // Referrals count on the day they were made: two up on 03-02 (one seen within 3 days), one back on 03-03.
        expect(rows[0]).toMatchObject({ referralsUp: 2, chronicFocusReferrals: 2, referralsBookedWithin3Days: 1, referralsSeenWithin3Days: 1, seenWithin3DaysShare: 0.5, referralsDown: 0 });
        expect(rows[1]).toMatchObject({ referralsUp: 0, referralsDown: 1 });
        // The violation list: people listed on a day and not yet free of it.
        const bans = await w.k.selectFrom('appt_bans').select(['person_id', 'listed_on', 'ends_on']).execute();
        for (const r of rows) expect(r.violationListSize).toBe(new Set(bans.filter((x) => x.listed_on <= r.bucket && x.ends_on > r.bucket).map((x) => Number(x.person_id))).size);
        expect(rows[0]!.violationListSize).toBeGreaterThanOrEqual(1);
        // Tomorrow's platform tickets nobody held at the cutoff went back to the window.
        const tomorrowRow = rows[1]!;
        expect(tomorrowRow.cutoffReturned).toBeGreaterThan(0);
        expect(tomorrowRow.cutoffReturned).toBeLessThan(tomorrowRow.ticketsOffered);

        const week = (await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?granularity=week&from=${w.today}&to=${visit}` })).json() as { rows: StatisticsRow[] };
        expect(week.rows.map((r) => r.bucket)).toEqual(['2026-03-02', '2026-03-09']);
        for (const key of ['ticketsTotal', 'bookings', 'cancellations', 'noShows', 'referralsUp', 'referralsDown', 'cutoffReturned'] as const) {
          expect(week.rows.reduce((s, r) => s + r[key], 0), key).toBe(rows.reduce((s, r) => s + r[key], 0));
        }
        const month = (await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?granularity=month&from=${w.today}&to=${visit}` })).json() as { rows: StatisticsRow[]; institutions: { institutionId: number; offeredShare: number }[] };
        expect(month.rows.map((r) => r.bucket)).toEqual(['2026-03']);
        expect(month.institutions.map((i) => i.institutionId)).toContain(w.institutionId);

        const csv = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?granularity=day&from=${visit}&to=${visit}&format=csv` });
        expect(csv.headers['content-type']).toMatch(/^text\/csv/);
        const [header, line] = csv.body.replace('\uFEFF', '').split('\r\n');
        expect(header).toBe('bucket,tickets_total,tickets_offered,offered_share,bookings,booking_rate,attended,no_shows,no_show_rate,cancellations,cancellation_rate,referrals_up,referrals_down,chronic_focus_referrals,referrals_booked_within_3_days,referrals_seen_within_3_days,seen_within_3_days_share,cutoff_returned,violation_list_size');
        expect(line?.startsWith(`${visit},20,18,0.9,4,0.1111,1,1,0.5,2,0.5,`)).toBe(true);
        const inst = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?from=${visit}&to=${visit}&format=csv&table=institutions` });
        expect(inst.body).toContain('北京大学人民医院');

        expect(refusal(await w.inject('platform_operator', { method: 'GET', url: '/api/supervision/appointments?from=2026-03-10&to=2026-03-01' }))).toMatchObject({ status: 422, code: 'invalid_range', article: '第十三条' });
        expect(refusal(await w.inject('platform_operator', { method: 'GET', url: '/api/supervision/appointments?from=2026-02-30' })).code).toBe('invalid_range');
        expect((await w.inject('doctor', { method: 'GET', url: '/api/supervision/appointments' })).statusCode).toBe(403);
        expect((await w.inject('anonymous', { method: 'GET', url: '/api/supervision/appointments' })).statusCode).toBe(401);
      } finally {
        await at(worldNow.toISOString());
      }
    });
  });
  describe('第三十一条 staff activity and 第二十九条 the monthly assessment report', () => {
    it('flags in-clinic bookings for people not seen, and not the phone desk', async () => {
      const res = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/staff-activity?from=${w.today}&to=${addDays(w.today, 8)}` });
      expect(res.statusCode, res.body).toBe(200);
      const rows = (res.json() as { staff: { staffId: number; bookings: number; clinicWithoutVisit: number; overrides: number; cancellations: number; flags: string[] }[] }).staff;
      const doctor = rows.find((r) => r.staffId === w.staffIds.doctor);
      expect(doctor?.flags).toContain('clinic_booking_without_visit');
      expect(doctor?.overrides).toBe(1);
      expect(doctor!.clinicWithoutVisit).toBe(doctor!.bookings);
      const desk = rows.find((r) => r.staffId === operator.id);
      expect(desk).toMatchObject({ flags: [] });
      expect(desk!.cancellations).toBeGreaterThanOrEqual(2);
      expect((await w.inject('institution_admin', { method: 'GET', url: '/api/supervision/staff-activity' })).statusCode).toBe(403);
      const csv = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/staff-activity?from=${w.today}&to=${addDays(w.today, 1)}&format=csv` });
      expect(csv.body).toContain('clinic_booking_without_visit');
      // The page names roles in words, not codes.
      for (const [lang, doctorRole] of [['zh-CN', '医生'], ['en', 'Doctor']] as const) {
        const page = await w.inject('platform_operator', { method: 'GET', url: `/appointments/supervision?from=${w.today}&to=${addDays(w.today, 8)}&lang=${lang}`, headers: { 'accept-language': lang } });
        const staffTable = page.body.split(/工作人员操作（第三十一条）|Staff activity \(第三十一条\)/)[1]!.split('</table>')[0]!;
        expect(staffTable).toContain(`（${doctorRole}）`);
        expect(staffTable).not.toMatch(/（(doctor|platform_operator|institution_admin|family_doctor)）/);
      }
    });

    it('prints an institution’s monthly report for the operator and for its own administrator only', async () => {
      const report = await w.inject('platform_operator', { method: 'GET', url: `/appointments/supervision/report?institutionId=${w.institutionId}&month=2026-03` });
      expect(report.statusCode).toBe(200);
      for (const part of ['月度考核', '北京大学人民医院', '80%规则', '3日内就诊', '2026-03-01 至 2026-03-31']) expect(report.body).toContain(part);
      const own = await w.inject('institution_admin', { method: 'GET', url: '/appointments/supervision/report?month=2026-03' });
      expect(own.statusCode).toBe(200);
      expect(own.body).toContain('北京大学人民医院');
      expect((await w.inject('other_admin', { method: 'GET', url: `/appointments/supervision/report?institutionId=${w.institutionId}` })).statusCode).toBe(403);
      expect((await w.inject('doctor', { method: 'GET', url: '/appointments/supervision/report' })).statusCode).toBe(403);
      // Its own figures through the API, and nobody else's.
      const mine = await w.inject('institution_admin', { method: 'GET', url: `/api/supervision/appointments?granularity=month&from=2026-03-01&to=2026-03-31` });
      expect(mine.json()).toMatchObject({ institutionId: w.institutionId });
      const all = await w.inject('platform_operator', { method: 'GET', url: `/api/supervision/appointments?granularity=month&from=2026-03-01&to=2026-03-31` });
      const sum = (x: LightMyRequestResponse) => (x.json() as { rows: StatisticsRow[] }).rows[0]!.ticketsTotal;
      expect(sum(mine)).toBeLessThan(sum(all));
      expect(refusal(await w.inject('institution_admin', { method: 'GET', url: '/api/supervision/appointments?institutionId=999' }))).toMatchObject({ status: 403, code: 'forbidden' });
    });
  });
});
