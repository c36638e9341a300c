import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { verifyAuditChain } from '../../../platform/audit/verify.ts';
import { addDays, type CivilDate } from '../../../platform/time/civil.ts';
import { accounts, openReferralWorld, worldNow, type Account, type ReferralWorld, type TestPerson } from './world.test-support.ts';
import { initialCriteria } from './criteria.ts';
import type { OfferRow } from './upward.ts';

/** The refusal's code and article, from the platform's error body. */
function refusal(res: LightMyRequestResponse): { status: number; code: string; article: string | undefined } {
  const body = res.json() as { error?: { code: string; citation?: { article: string } } };
  return { status: res.statusCode, code: body.error?.code ?? '', article: body.error?.citation?.article };
}

describe.each(testEngines)('community referrals on %s (西卫〔2019〕5号 第二十条–第二十三条, 第二十八条)', (engine) => {
  let w: ReferralWorld;
  let tomorrow: CivilDate;
  beforeAll(async () => {
    w = await openReferralWorld(engine);
    tomorrow = addDays(w.today, 1);
  });
  afterAll(async () => w?.close());

  const offer = async (account: Account = 'family_doctor', departmentId = w.departmentId): Promise<OfferRow[]> => {
    const res = await w.inject(account, { method: 'GET', url: `/api/referrals/offer?institutionId=${w.institutionId}&departmentId=${departmentId}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { offer: OfferRow[] }).offer;
  };
  const refer = (account: Account, p: TestPerson, slotId: number, extra: Record<string, string> = {}) =>
    w.inject(account, { method: 'POST', url: '/api/referrals', payload: { patient: { docType: p.docType, docNumber: p.docNumber }, slotId, criterionCode: 'HTN', diseaseInfo: '高血压，规范治疗下血压仍控制不佳，头晕两周', ...extra } });
  /** A free referral slot on a date and period, from the offer. */
  const slotAt = async (date: string, period = '08:00–08:30') => {
    const row = (await offer()).find((o) => o.visitDate === date && o.period === period);
    if (!row) throw new Error(`no referral ticket on ${date} ${period}`);
    return row.slotId;
  };
  const withClock = async <T>(at: string, f: () => Promise<T>): Promise<T> => {
    w.clock.set(new Date(at));
    await w.refreshTokens();
    try {
      return await f();
    } finally {
      w.clock.set(worldNow);
      await w.refreshTokens();
    }
  };
  const unchanged = async (f: () => Promise<void>) => {
    const before = await w.rowCounts();
    await f();
    expect(await w.rowCounts()).toEqual(before);
  };

  let firstReferral: { referralId: number; bookingId: number; person: TestPerson };

  it('offers the referral-reserved tickets, earliest within 3 days first (第二十条, 第十一条)', async () => {
    const rows = await offer();
    expect(rows.length).toBeGreaterThan(10);
    const within = rows.filter((r) => r.withinThreeDays);
    expect(rows.slice(0, within.length)).toEqual(within);
    expect(rows[0]!.visitDate).toBe(tomorrow);
    for (const r of within) expect(r.visitDate <= addDays(w.today, 3)).toBe(true);
    for (const r of rows.slice(within.length)) expect(r.visitDate > addDays(w.today, 3)).toBe(true);
    const dates = within.map((r) => `${r.visitDate} ${r.period}`);
    expect([...dates].sort()).toEqual(dates);
    // Only family doctors see the referral pool.
    expect((await w.inject('doctor', { method: 'GET', url: `/api/referrals/offer?institutionId=${w.institutionId}&departmentId=${w.departmentId}` })).statusCode).toBe(403);
  });

  it('refers upward: the booking and the referral commit together, with disease information, record basics and the slip SMS (第十六条 (四), 第十八条, 第二十一条 (三))', async () => {
    const p = await w.eligiblePerson();
    const slotId = await slotAt(tomorrow);
    const res = await refer('family_doctor', p, slotId);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { referralId: number; slipNo: string; withinThreeDays: boolean; chronicFocus: boolean; priority: boolean; booking: { bookingId: number; channel: string; visitDate: string } };
    expect(body).toMatchObject({ withinThreeDays: true, chronicFocus: true, priority: true, booking: { channel: 'referral', visitDate: tomorrow } });
    firstReferral = { referralId: body.referralId, bookingId: body.booking.bookingId, person: p };
    const row = await w.k.selectFrom('appt_referrals').selectAll().where('id', '=', body.referralId).executeTakeFirstOrThrow();
    expect(Number(row.booking_id)).toBe(body.booking.bookingId);
    expect(row).toMatchObject({ direction: 'up', status: 'booked', criterion_code: 'HTN', chronic_category: 'hypertension', disease_info: '高血压，规范治疗下血压仍控制不佳，头晕两周' });
    expect(Number(row.from_organisation_id)).toBe(w.centreOrgId);
    expect(Number(row.responsible_centre_id)).toBe(w.centreOrgId);
    expect(Number(row.to_organisation_id)).toBe(w.hospitalOrgId);
    expect(JSON.parse(row.record_basics ?? '{}')).toMatchObject({ name: `档案${p.id}`, birthDate: '1950-01-01' });
    expect(JSON.parse(row.contract ?? '{}')).toMatchObject({ organisationId: w.centreOrgId });
    const ticket = await w.k.selectFrom('appt_tickets as t').innerJoin('appt_bookings as b', 'b.ticket_id', 't.id').select(['t.pool', 'b.channel', 'b.person_id']).where('b.id', '=', body.booking.bookingId).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ pool: 'referral', channel: 'referral' });
    expect(Number(ticket.person_id)).toBe(p.id);
    // One text, the slip (第十八条): period, department, title, how to cancel, the no-show rule, the referral window.
    const sms = await w.k.selectFrom('outbox').select(['template', 'body', 'phone']).where('person_id', '=', p.id).execute();
    expect(sms.map((m) => m.template)).toEqual(['appointments.referral_booked']);
    for (const part of [body.slipNo, '08:00–08:30', '心血管内科', '取消', '违约', '预约转诊取号专用窗口', '优先检查']) expect(sms[0]!.body).toContain(part);
    expect(sms[0]!.phone).toBe(p.phone);
    expect(w.port.calls).toEqual(expect.arrayContaining([`contract:${p.id}`, `record:${p.id}`, `basics:${p.id}`]));
    const audit = await w.k.selectFrom('audit_log').select(['action', 'detail']).where('entity_type', '=', 'appt_referral').where('entity_id', '=', String(body.referralId)).execute();
    expect(audit.map((a) => a.action)).toEqual(['referral.create']);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ withinThreeDays: true, chronicFocus: true, criterion: 'HTN' });
    expect((await verifyAuditChain(w.k)).ok).toBe(true);
  });

  it('returns the same referral for a retried Idempotency-Key, instead of a 重复预约', async () => {
    const p = await w.eligiblePerson();
    const slotId = await slotAt(addDays(w.today, 2), '08:30–09:00');
    const send = () => w.inject('family_doctor', { method: 'POST', url: '/api/referrals', headers: { 'idempotency-key': `retry-${p.id}-abcdef` }, payload: { patient: { docType: p.docType, docNumber: p.docNumber }, slotId, criterionCode: 'HTN', diseaseInfo: '血压控制不佳' } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    const before = await w.rowCounts();
    const again = await send();
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ referralId: (first.json() as { referralId: number }).referralId, replayed: true, booking: { bookingId: (first.json() as { booking: { bookingId: number } }).booking.bookingId } });
    const after = await w.rowCounts();
    for (const table of ['appt_referrals', 'appt_bookings', 'appt_bans', 'appt_violations', 'outbox', 'claimed'] as const) expect(after[table], table).toBe(before[table]);
  });

  it('refuses a doctor no centre authorised, and any other role (第二十一条 (一))', async () => {
    const p = await w.eligiblePerson();
    const slotId = await slotAt(tomorrow, '08:30–09:00');
    await unchanged(async () => {
      const res = await refer('unauthorised_family_doctor', p, slotId);
      expect(refusal(res)).toEqual({ status: 403, code: 'referral_not_authorised', article: '第二十一条' });
      expect(res.json().error.message).toContain('授权');
      expect(refusal(await refer('doctor', p, slotId))).toMatchObject({ status: 403, code: 'forbidden' });
      expect(refusal(await refer('anonymous', p, slotId))).toMatchObject({ status: 401, code: 'unauthenticated' });
    });
  });

  it('lets a station refer under its centre, and refuses a station no centre answers for (第二十一条)', async () => {
    const p = await w.eligiblePerson();
    const res = await refer('station_doctor', p, await slotAt(addDays(w.today, 2)));
    expect(res.statusCode, res.body).toBe(201);
    const row = await w.k.selectFrom('appt_referrals').select(['from_organisation_id', 'responsible_centre_id']).where('id', '=', (res.json() as { referralId: number }).referralId).executeTakeFirstOrThrow();
    expect([Number(row.from_organisation_id), Number(row.responsible_centre_id)]).toEqual([w.stationOrgId, w.centreOrgId]);
    await w.k.deleteFrom('appt_community_stations').where('station_organisation_id', '=', w.stationOrgId).execute();
    try {
      const q = await w.eligiblePerson();
      await unchanged(async () => {
        expect(refusal(await refer('station_doctor', q, await slotAt(addDays(w.today, 2))))).toEqual({ status: 403, code: 'referral_not_authorised', article: '第二十一条' });
      });
    } finally {
      await w.k.insertInto('appt_community_stations').values({ station_organisation_id: w.stationOrgId, centre_organisation_id: w.centreOrgId }).execute();
    }
  });

  it('refuses a patient without a family-doctor contract or a health record, or contracted elsewhere (第二十二条)', async () => {
    const slotId = await slotAt(tomorrow, '08:30–09:00');
    const none = await w.person();
    const noRecord = await w.person();
    w.port.enrol(noRecord.id, w.centreOrgId, { record: false });
    const elsewhere = await w.person();
    w.port.enrol(elsewhere.id, w.otherCentreOrgId);
    const expired = await w.person();
    w.port.enrol(expired.id, w.centreOrgId, { validUntil: '2026-01-31' });
    await unchanged(async () => {
      const a = await refer('family_doctor', none, slotId);
      expect(refusal(a)).toEqual({ status: 422, code: 'no_family_doctor_contract', article: '第二十二条' });
      expect((a.json() as { error: { reasons: { code: string }[] } }).error.reasons.map((r) => r.code)).toEqual(['no_family_doctor_contract', 'no_health_record']);
      expect(refusal(await refer('family_doctor', noRecord, slotId))).toEqual({ status: 422, code: 'no_health_record', article: '第二十二条' });
      expect(refusal(await refer('family_doctor', elsewhere, slotId))).toMatchObject({ status: 422, code: 'contract_with_other_institution' });
      expect(refusal(await refer('family_doctor', expired, slotId))).toMatchObject({ status: 422, code: 'no_family_doctor_contract' });
      const stranger = { ...none, docNumber: '110102192501010012' };
      expect(refusal(await refer('family_doctor', stranger, slotId)).status).toBeGreaterThanOrEqual(400);
    });
    // English with Accept-Language: en.
    const en = await w.inject('family_doctor', { method: 'POST', url: '/api/referrals', headers: { 'accept-language': 'en' }, payload: { patient: { docType: none.docType, docNumber: none.docNumber }, slotId, criterionCode: 'HTN', diseaseInfo: '血压控制不佳' } });
    expect(en.json().error.message).toContain('family-doctor contract');
  });

  it('refuses a banned patient (第三十二条), and a duplicate referral lists the person and leaves no referral behind', async () => {
    const p = await w.eligiblePerson();
    await w.k.insertInto('appt_bans').values({ person_id: p.id, listed_on: w.today, ends_on: addDays(w.today, 90), reason: 'no_show' }).execute();
    await unchanged(async () => {
      expect(refusal(await refer('family_doctor', p, await slotAt(tomorrow, '08:30–09:00')))).toEqual({ status: 403, code: 'patient_banned', article: '第三十二条' });
    });
    const q = await w.eligiblePerson();
    const first = await refer('family_doctor', q, await slotAt(tomorrow, '08:30–09:00'));
    expect(first.statusCode, first.body).toBe(201);
    const referrals = await w.rowCounts();
    const again = await refer('family_doctor', q, await slotAt(tomorrow, '09:00–09:30'));
    expect(refusal(again)).toMatchObject({ status: 409, code: 'department_daily_limit_exceeded', article: '第十七条' });
    const after = await w.rowCounts();
    expect(after.appt_referrals).toBe(referrals.appt_referrals);
    expect(after.claimed).toBe(referrals.claimed);
    // 第三十二条 重复预约: the refusal still recorded the violation and the listing.
    expect(after.appt_bans).toBe((referrals.appt_bans ?? 0) + 1);
    expect(refusal(await refer('family_doctor', q, await slotAt(addDays(w.today, 2))))).toMatchObject({ status: 403, code: 'patient_banned' });
  });

  it('needs a recorded reason for a visit after 3 days, and keeps it (第二十条)', async () => {
    const p = await w.eligiblePerson();
    const later = await slotAt(addDays(w.today, 7));
    await unchanged(async () => {
      const res = await refer('family_doctor', p, later);
      expect(refusal(res)).toEqual({ status: 422, code: 'referral_after_three_days_needs_reason', article: '第二十条' });
      expect(refusal(await refer('family_doctor', p, later, { exceptionReason: ' ' })).code).toBe('referral_after_three_days_needs_reason');
    });
    const ok = await refer('family_doctor', p, later, { exceptionReason: '患者本周住院陪护家属，要求下周一就诊' });
    expect(ok.statusCode, ok.body).toBe(201);
    const row = await w.k.selectFrom('appt_referrals').select(['within_three_days', 'exception_reason', 'earlier_available']).where('id', '=', (ok.json() as { referralId: number }).referralId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ exception_reason: '患者本周住院陪护家属，要求下周一就诊' });
    expect([Number(row.within_three_days), Number(row.earlier_available)]).toEqual([0, 1]);
    // The database holds the rule too.
    const base = await w.k.selectFrom('appt_referrals').selectAll().where('id', '=', (ok.json() as { referralId: number }).referralId).executeTakeFirstOrThrow();
    const { id: _id, ...copy } = base;
    await expect(w.k.insertInto('appt_referrals').values({ ...copy, booking_id: null, exception_reason: null }).execute()).rejects.toThrow();
  });

  it('refuses, and says why, when the health-records service is not connected (第二十二条)', async () => {
    const app = await w.appWithoutPort();
    const p = await w.eligiblePerson();
    await unchanged(async () => {
      const res = await app.inject({ method: 'POST', url: '/api/referrals', headers: { authorization: `Bearer ${w.tokens.family_doctor}` }, payload: { patient: { docType: p.docType, docNumber: p.docNumber }, slotId: await slotAt(tomorrow, '09:00–09:30'), criterionCode: 'HTN', diseaseInfo: '血压控制不佳' } });
      expect(refusal(res)).toEqual({ status: 503, code: 'health_records_unavailable', article: '第二十二条' });
    });
  });

  it('the receiving institution works its queue: named staff, priority flags, the referral window, then the hand-back (第二十三条, 第十一条, 第八条 (六), 第二十六条, 第二十八条)', async () => {
    const p = await w.eligiblePerson();
    const made = await refer('family_doctor', p, await slotAt(tomorrow));
    expect(made.statusCode, made.body).toBe(201);
    const { referralId } = made.json() as { referralId: number };
    const queue = await w.inject('institution_admin', { method: 'GET', url: '/api/referrals?direction=up&status=booked' });
    const mine = (queue.json() as { referrals: { referralId: number; patient: { name: string }; priority: { exams: boolean; admission: boolean }; diseaseInfo: string; recordBasics: Record<string, unknown> }[] }).referrals.find((r) => r.referralId === referralId);
    expect(mine).toMatchObject({ patient: { name: p.name }, priority: { exams: true, admission: true }, recordBasics: { birthDate: '1950-01-01' } });
    expect((await w.inject('other_admin', { method: 'GET', url: '/api/referrals' })).json().referrals.some((r: { referralId: number }) => r.referralId === referralId)).toBe(false);

    // 第二十三条: only named staff handle it.
    const unname = await w.inject('institution_admin', { method: 'PUT', url: `/api/referrals/handlers/${w.staffIds.doctor}`, payload: { active: false } });
    expect(unname.statusCode, unname.body).toBe(200);
    await unchanged(async () => {
      expect(refusal(await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/accept` }))).toEqual({ status: 403, code: 'not_referral_handler', article: '第二十三条' });
    });
    expect((await w.inject('institution_admin', { method: 'PUT', url: `/api/referrals/handlers/${w.staffIds.doctor}`, payload: { active: true } })).statusCode).toBe(200);
    const accepted = await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/accept` });
    expect(accepted.json()).toEqual({ status: 'accepted' });
    expect(refusal(await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/accept` })).code).toBe('referral_not_open');

    // 第二十八条: not before the patient was seen.
    const early = await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: '原发性高血压3级', treatment: '调整降压方案', plan: '社区随访' } });
    expect(refusal(early)).toMatchObject({ status: 409, code: 'referral_not_seen', article: '第二十八条' });

    await withClock('2026-03-03T00:10:00Z', async () => {
      const wrong = await w.inject('institution_admin', { method: 'POST', url: `/api/referrals/${referralId}/check-in`, payload: { docType: 'passport', docNumber: 'E12345678' } });
      expect(refusal(wrong)).toMatchObject({ status: 422, code: 'identity_mismatch', article: '第二十六条' });
      const arrived = await w.inject('institution_admin', { method: 'POST', url: `/api/referrals/${referralId}/check-in`, payload: { docType: p.docType, docNumber: p.docNumber } });
      expect(arrived.statusCode, arrived.body).toBe(200);
      expect(arrived.json()).toMatchObject({ status: 'checked_in' });

      const incomplete = await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: '原发性高血压3级', treatment: '调整降压方案', plan: '' } });
      expect(refusal(incomplete)).toEqual({ status: 422, code: 'hand_back_missing_plan', article: '第二十八条' });

      // The port is called after the commit: from inside it, another look at the database sees the hand-back.
      let committedWhenDelivered: boolean | undefined;
      w.port.onHandBack = async () => {
        committedWhenDelivered = (await w.t.reopen().kysely.selectFrom('appt_referrals' as never).select('id' as never).where('based_on_referral_id' as never, '=', referralId as never).executeTakeFirst()) !== undefined;
      };
      const handed = await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: '原发性高血压3级', treatment: '住院调整为氨氯地平联合缬沙坦', plan: '社区每2周随访血压，3个月后复查肾功能' } });
      w.port.onHandBack = undefined;
      expect(handed.statusCode, handed.body).toBe(200);
      const hb = handed.json() as { referralId: number; delivery: string };
      expect(hb.delivery).toBe('delivered');
      expect(committedWhenDelivered).toBe(true);
      expect(w.port.received.at(-1)).toEqual({
        personId: p.id,
        handBack: { fromOrganisationId: w.hospitalOrgId, toOrganisationId: w.centreOrgId, byStaffId: w.staffIds.doctor, diagnosis: '原发性高血压3级', treatment: '住院调整为氨氯地平联合缬沙坦', plan: '社区每2周随访血压，3个月后复查肾功能', at: '2026-03-03T00:10:00.000Z', reference: `appointments/referral/${hb.referralId}` },
      });
      const down = await w.k.selectFrom('appt_referrals').selectAll().where('id', '=', hb.referralId).executeTakeFirstOrThrow();
      expect(down).toMatchObject({ direction: 'down', status: 'sent', delivered_at: '2026-03-03T00:10:00.000Z' });
      expect(Number(down.based_on_referral_id)).toBe(referralId);
      expect(refusal(await w.inject('doctor', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: 'x', treatment: 'y', plan: 'z' } })).code).toBe('already_handed_back');
      const sms = await w.k.selectFrom('outbox').select('template').where('person_id', '=', p.id).orderBy('id').execute();
      expect(sms.map((s) => s.template)).toEqual(['appointments.referral_booked', 'appointments.referral_hand_back']);

      // The community centre sees it in its queue and acknowledges it.
      const community = await w.inject('family_doctor', { method: 'GET', url: '/api/referrals?direction=down' });
      const received = (community.json() as { referrals: { referralId: number; handBack: { plan: string }; status: string }[] }).referrals.find((r) => r.referralId === hb.referralId);
      expect(received).toMatchObject({ status: 'sent', handBack: { plan: '社区每2周随访血压，3个月后复查肾功能' } });
      expect((await w.inject('family_doctor', { method: 'POST', url: `/api/referrals/${hb.referralId}/acknowledge` })).json()).toEqual({ status: 'acknowledged' });
      expect(refusal(await w.inject('family_doctor', { method: 'POST', url: `/api/referrals/${hb.referralId}/acknowledge` })).code).toBe('referral_not_open');
      expect(refusal(await w.inject('station_doctor', { method: 'POST', url: `/api/referrals/${hb.referralId}/acknowledge` })).code).toBe('referral_not_found');
    });
    const up = await w.k.selectFrom('appt_referrals').select('status').where('id', '=', referralId).executeTakeFirstOrThrow();
    expect(up.status).toBe('handed_back');
  });

  it('records a hand-back the health record did not take, and delivers it later (第二十八条)', async () => {
    const p = await w.eligiblePerson();
    const made = await refer('family_doctor', p, await slotAt(tomorrow));
    expect(made.statusCode, made.body).toBe(201);
    const { referralId } = made.json() as { referralId: number };
    await withClock('2026-03-03T00:12:00Z', async () => {
      expect((await w.inject('institution_admin', { method: 'POST', url: `/api/referrals/${referralId}/check-in`, payload: { docType: p.docType, docNumber: p.docNumber } })).statusCode).toBe(200);
      w.port.failHandBacks = 1;
      const handed = await w.inject('institution_admin', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: '2型糖尿病', treatment: '胰岛素方案调整', plan: '社区监测血糖' } });
      expect(handed.statusCode, handed.body).toBe(200);
      const hb = handed.json() as { referralId: number; delivery: string };
      expect(hb.delivery).toBe('failed');
      const row = await w.k.selectFrom('appt_referrals').select(['delivered_at', 'delivery_attempts', 'delivery_error']).where('id', '=', hb.referralId).executeTakeFirstOrThrow();
      expect(row.delivered_at).toBeNull();
      expect(Number(row.delivery_attempts)).toBe(1);
      expect(row.delivery_error).toContain('unavailable');
      expect((await w.inject('family_doctor', { method: 'POST', url: '/api/referrals/hand-backs/redeliver' })).statusCode).toBe(403);
      const again = await w.inject('platform_operator', { method: 'POST', url: '/api/referrals/hand-backs/redeliver' });
      expect(again.json()).toMatchObject({ delivered: 1, failed: 0 });
      expect(w.port.received.filter((r) => r.personId === p.id)).toHaveLength(1);
      expect((await w.inject('platform_operator', { method: 'POST', url: '/api/referrals/hand-backs/redeliver' })).json()).toMatchObject({ delivered: 0 });
    });
  });

  it('keeps referral criteria as data operators change (第二十一条 (三))', async () => {
    const list = await w.inject('anonymous', { method: 'GET', url: '/api/referrals/criteria' });
    const codes = (list.json() as { criteria: { code: string; chronicFocus: boolean }[] }).criteria;
    expect(codes.filter((c) => c.chronicFocus).map((c) => c.code)).toEqual(['HTN', 'DM', 'CHD', 'CVD']);
    const add = await w.inject('platform_operator', { method: 'POST', url: '/api/referrals/criteria', payload: { code: 'COPD', nameZh: '慢阻肺', nameEn: 'COPD', criteria: '急性加重或需肺功能评估' } });
    expect(add.statusCode, add.body).toBe(201);
    expect(refusal(await w.inject('platform_operator', { method: 'POST', url: '/api/referrals/criteria', payload: { code: 'COPD', nameZh: '慢阻肺', nameEn: 'COPD', criteria: 'x' } })).code).toBe('criterion_exists');
    expect((await w.inject('family_doctor', { method: 'POST', url: '/api/referrals/criteria', payload: { code: 'X1', nameZh: 'x', nameEn: 'x', criteria: 'x' } })).statusCode).toBe(403);
    const retire = await w.inject('platform_operator', { method: 'PUT', url: '/api/referrals/criteria/GEN', payload: { active: false } });
    expect(retire.json()).toMatchObject({ code: 'GEN', active: false });
    const p = await w.eligiblePerson();
    await unchanged(async () => {
      expect(refusal(await refer('family_doctor', p, await slotAt(addDays(w.today, 3)), { criterionCode: 'GEN' }))).toEqual({ status: 422, code: 'unknown_referral_criterion', article: '第二十一条' });
    });
    const copd = await refer('family_doctor', p, await slotAt(addDays(w.today, 3)), { criterionCode: 'COPD' });
    expect(copd.json()).toMatchObject({ chronicFocus: false });
    await w.inject('platform_operator', { method: 'PUT', url: '/api/referrals/criteria/GEN', payload: { active: true } });
  });

  it('the referring centre cancels a referral until the day before (第二十五条)', async () => {
    const p = await w.eligiblePerson();
    const made = await refer('family_doctor', p, await slotAt(addDays(w.today, 3), '08:30–09:00'));
    const { referralId, booking } = made.json() as { referralId: number; booking: { bookingId: number } };
    expect(refusal(await w.inject('station_doctor', { method: 'POST', url: `/api/referrals/${referralId}/cancel` })).code).toBe('referral_not_found');
    expect((await w.inject('family_doctor', { method: 'POST', url: `/api/referrals/${referralId}/cancel` })).json()).toEqual({ status: 'cancelled' });
    const b = await w.k.selectFrom('appt_bookings').select('status').where('id', '=', booking.bookingId).executeTakeFirstOrThrow();
    expect(b.status).toBe('cancelled');
  });

  describe('FHIR (ServiceRequest + Task + Appointment.basedOn)', () => {
    it('exports the referral as a ServiceRequest and a Task, and its booking as an Appointment based on it', async () => {
      const { referralId, bookingId, person } = firstReferral;
      const appt = await w.inject('family_doctor', { method: 'GET', url: `/api/fhir/Appointment/${bookingId}` });
      expect(appt.statusCode, appt.body).toBe(200);
      expect(appt.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(appt.json()).toMatchObject({
        resourceType: 'Appointment',
        id: String(bookingId),
        status: 'booked',
        basedOn: [{ reference: `ServiceRequest/${referralId}` }],
        start: `${tomorrow}T08:00:00+08:00`,
        end: `${tomorrow}T08:30:00+08:00`,
        participant: [{ actor: { reference: `Patient/${person.id}` }, status: 'accepted' }, { status: 'accepted' }],
      });
      expect(appt.body).not.toContain(person.name);
      const sr = await w.inject('institution_admin', { method: 'GET', url: `/api/fhir/ServiceRequest/${referralId}` });
      expect(sr.json()).toMatchObject({
        resourceType: 'ServiceRequest',
        id: String(referralId),
        status: 'active',
        intent: 'order',
        priority: 'urgent',
        category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
        code: { coding: [{ code: 'HTN' }] },
        subject: { reference: `Patient/${person.id}` },
        performer: [{ reference: `Organization/${w.hospitalOrgId}` }],
        reasonCode: [{ text: '高血压，规范治疗下血压仍控制不佳，头晕两周' }],
      });
      const task = await w.inject('family_doctor', { method: 'GET', url: `/api/fhir/Task/${referralId}` });
      expect(task.json()).toMatchObject({ resourceType: 'Task', status: 'requested', intent: 'order', focus: { reference: `ServiceRequest/${referralId}` }, for: { reference: `Patient/${person.id}` }, owner: { reference: `Organization/${w.hospitalOrgId}` }, output: [{ valueReference: { reference: `Appointment/${bookingId}` } }] });
      const reads = await w.k.selectFrom('audit_log').select('action').where('action', '=', 'fhir.service_request.read').where('entity_id', '=', String(referralId)).execute();
      expect(reads).toHaveLength(1);
    });

    it('maps a hand-back to a ServiceRequest based on the upward one, and the Task to completed', async () => {
      const down = await w.k.selectFrom('appt_referrals').select(['id', 'based_on_referral_id']).where('direction', '=', 'down').where('status', '=', 'acknowledged').executeTakeFirstOrThrow();
      const sr = await w.inject('family_doctor', { method: 'GET', url: `/api/fhir/ServiceRequest/${down.id}` });
      expect(sr.json()).toMatchObject({ status: 'completed', priority: 'routine', basedOn: [{ reference: `ServiceRequest/${down.based_on_referral_id}` }], performer: [{ reference: `Organization/${w.centreOrgId}` }], reasonCode: [{ text: '原发性高血压3级' }] });
      expect((await w.inject('institution_admin', { method: 'GET', url: `/api/fhir/Task/${down.based_on_referral_id}` })).json()).toMatchObject({ status: 'completed' });
      const appt = await w.k.selectFrom('appt_referrals').select('booking_id').where('id', '=', Number(down.based_on_referral_id)).executeTakeFirstOrThrow();
      expect((await w.inject('doctor', { method: 'GET', url: `/api/fhir/Appointment/${appt.booking_id}` })).json()).toMatchObject({ status: 'checked-in' });
    });

    it('searches Slots by date and institution, with free tickets per pool and no doctor names', async () => {
      const res = await w.inject('doctor', { method: 'GET', url: `/api/fhir/Slot?start=${addDays(w.today, 2)}&organization=${w.institutionId}` });
      expect(res.statusCode, res.body).toBe(200);
      const bundle = res.json() as { resourceType: string; type: string; total: number; entry: { resource: { resourceType: string; status: string; start: string; schedule: { reference: string }; extension: { url: string; valueInteger: number }[] } }[] };
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(bundle.total).toBe(2);
      for (const e of bundle.entry) {
        expect(e.resource).toMatchObject({ resourceType: 'Slot', status: 'free' });
        expect(e.resource.schedule.reference).toMatch(/^Schedule\/\d+$/);
        expect(e.resource.start).toMatch(/\+08:00$/);
        expect(e.resource.extension.map((x) => x.url.split('#')[1])).toEqual(['referral', 'appointment', 'window']);
      }
      const names = (await w.k.selectFrom('appt_doctors').select('name').execute()).map((d) => d.name);
      for (const n of names) expect(res.body).not.toContain(n);
      expect((await w.inject('anonymous', { method: 'GET', url: '/api/fhir/Slot' })).statusCode).toBe(401);
      expect((await w.inject('auditor', { method: 'GET', url: '/api/fhir/Slot' })).statusCode).toBe(403);
    });

    it('shows a resource only to those concerned', async () => {
      const { referralId, bookingId } = firstReferral;
      for (const [account, status] of [['other_admin', 404], ['station_doctor', 404], ['resident', 404], ['auditor', 403], ['anonymous', 401], ['platform_operator', 200], ['unauthorised_family_doctor', 200]] as const) {
        expect((await w.inject(account, { method: 'GET', url: `/api/fhir/ServiceRequest/${referralId}` })).statusCode, `${account} ServiceRequest`).toBe(status);
        expect((await w.inject(account, { method: 'GET', url: `/api/fhir/Appointment/${bookingId}` })).statusCode, `${account} Appointment`).toBe(status);
      }
    });
  });
  describe('authorisation table: every endpoint of referrals, in-clinic booking, supervision and FHIR against every account', () => {
    type Outcome = { status: number; code?: string };
    interface Row {
      endpoint: string;
      request(account: Account): Promise<import('fastify').InjectOptions>;
      may: Partial<Record<Account, Outcome>>;
    }
    const ok = { status: 200 };
    const all: Account[] = [...accounts, 'anonymous'];
    const everyone = Object.fromEntries(all.map((a) => [a, ok])) as Record<Account, Outcome>;
    const familyDoctors = { family_doctor: ok, unauthorised_family_doctor: ok, station_doctor: ok };
    const concerned = { family_doctor: ok, unauthorised_family_doctor: ok, station_doctor: { status: 404 }, doctor: ok, institution_admin: ok, other_admin: { status: 404 }, platform_operator: ok, resident: { status: 404 } };
    const seen: TestPerson[] = [];
    const fresh = async (account: Account, allowed: readonly Account[]) => {
      if (!allowed.includes(account)) return firstReferral.referralId;
      const p = await w.eligiblePerson();
      seen.push(p);
      const within = (await offer()).find((o) => o.withinThreeDays);
      const res = await refer('family_doctor', p, within!.slotId);
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { referralId: number }).referralId;
    };
    let criterionSerial = 0;
    const rows: Row[] = [
      { endpoint: 'GET /api/referrals/offer', request: async () => ({ method: 'GET', url: `/api/referrals/offer?institutionId=${w.institutionId}&departmentId=${w.departmentId}` }), may: familyDoctors },
      {
        endpoint: 'POST /api/referrals',
        request: async () => {
          const p = await w.eligiblePerson();
          seen.push(p);
          const within = (await offer()).find((o) => o.withinThreeDays);
          return { method: 'POST', url: '/api/referrals', payload: { patient: { docType: p.docType, docNumber: p.docNumber }, slotId: within!.slotId, criterionCode: 'CVD', diseaseInfo: '短暂性脑缺血发作' } };
        },
        may: { family_doctor: { status: 201 }, station_doctor: { status: 201 }, unauthorised_family_doctor: { status: 403, code: 'referral_not_authorised' } },
      },
      { endpoint: 'GET /api/referrals', request: async () => ({ method: 'GET', url: '/api/referrals' }), may: { ...familyDoctors, doctor: ok, institution_admin: ok, other_admin: ok, platform_operator: ok, resident: ok } },
      { endpoint: 'GET /api/referrals/{id}', request: async () => ({ method: 'GET', url: `/api/referrals/${firstReferral.referralId}` }), may: concerned },
      {
        endpoint: 'POST /api/referrals/{id}/accept',
        request: async (a) => ({ method: 'POST', url: `/api/referrals/${await fresh(a, ['institution_admin', 'doctor'])}/accept` }),
        may: { institution_admin: ok, doctor: ok, other_admin: { status: 403, code: 'not_referral_handler' } },
      },
      {
        endpoint: 'POST /api/referrals/{id}/check-in',
        request: async () => ({ method: 'POST', url: `/api/referrals/${firstReferral.referralId}/check-in`, payload: { docType: firstReferral.person.docType, docNumber: firstReferral.person.docNumber } }),
        may: { institution_admin: { status: 422, code: 'not_in_period' }, doctor: { status: 422, code: 'not_in_period' }, other_admin: { status: 403, code: 'not_referral_handler' } },
      },
      {
        endpoint: 'POST /api/referrals/{id}/hand-back',
        request: async () => ({ method: 'POST', url: `/api/referrals/${firstReferral.referralId}/hand-back`, payload: { diagnosis: '诊断', treatment: '治疗', plan: '方案' } }),
        may: { institution_admin: { status: 409, code: 'referral_not_seen' }, doctor: { status: 409, code: 'referral_not_seen' }, other_admin: { status: 403, code: 'not_referral_handler' } },
      },
      {
        endpoint: 'POST /api/referrals/{id}/acknowledge',
        request: async () => ({ method: 'POST', url: `/api/referrals/${Number((await w.k.selectFrom('appt_referrals').select('id').where('direction', '=', 'down').where('status', '=', 'acknowledged').executeTakeFirstOrThrow()).id)}/acknowledge` }),
        may: { family_doctor: { status: 409, code: 'referral_not_open' }, unauthorised_family_doctor: { status: 409, code: 'referral_not_open' }, station_doctor: { status: 404, code: 'referral_not_found' } },
      },
      {
        endpoint: 'POST /api/referrals/{id}/cancel',
        request: async (a) => ({ method: 'POST', url: `/api/referrals/${await fresh(a, ['family_doctor', 'unauthorised_family_doctor'])}/cancel` }),
        may: { family_doctor: ok, unauthorised_family_doctor: ok, station_doctor: { status: 404, code: 'referral_not_found' } },
      },
      { endpoint: 'POST /api/referrals/hand-backs/redeliver', request: async () => ({ method: 'POST', url: '/api/referrals/hand-backs/redeliver' }), may: { platform_operator: ok } },
      { endpoint: 'GET /api/referrals/handlers', request: async () => ({ method: 'GET', url: '/api/referrals/handlers' }), may: { institution_admin: ok, other_admin: ok } },
      {
        endpoint: 'PUT /api/referrals/handlers/{id}',
        request: async () => ({ method: 'PUT', url: `/api/referrals/handlers/${w.staffIds.doctor}`, payload: { active: true } }),
        may: { institution_admin: ok, other_admin: { status: 404, code: 'staff_not_found' } },
      },
      { endpoint: 'GET /api/referrals/criteria', request: async () => ({ method: 'GET', url: '/api/referrals/criteria' }), may: everyone },
      { endpoint: 'POST /api/referrals/criteria', request: async () => ({ method: 'POST', url: '/api/referrals/criteria', payload: { code: `T${criterionSerial++}`, nameZh: '测试', nameEn: 'Test', criteria: '测试标准' } }), may: { platform_operator: { status: 201 } } },
      { endpoint: 'PUT /api/referrals/criteria/{code}', request: async () => ({ method: 'PUT', url: '/api/referrals/criteria/HTN', payload: { criteria: initialCriteria[0]!.criteria } }), may: { platform_operator: ok } },
      { endpoint: 'GET /api/referrals/stations', request: async () => ({ method: 'GET', url: '/api/referrals/stations' }), may: { ...familyDoctors, institution_admin: ok, other_admin: ok, platform_operator: ok } },
      { endpoint: 'PUT /api/referrals/stations/{id}', request: async () => ({ method: 'PUT', url: `/api/referrals/stations/${w.stationOrgId}`, payload: { centreOrganisationId: w.centreOrgId } }), may: { platform_operator: ok } },
      { endpoint: 'GET /api/clinic/options', request: async () => ({ method: 'GET', url: '/api/clinic/options?kind=follow_up' }), may: { doctor: ok } },
      {
        endpoint: 'POST /api/clinic/bookings',
        request: async () => {
          const p = await w.person();
          seen.push(p);
          const slot = await w.k.selectFrom('appt_slots as sl').innerJoin('appt_sessions as se', 'se.id', 'sl.session_id').select('sl.id').where('se.doctor_id', '=', w.treatingDoctorId).where('sl.visit_date', '=', tomorrow).orderBy('sl.period_start', 'desc').executeTakeFirstOrThrow();
          return { method: 'POST', url: '/api/clinic/bookings', payload: { kind: 'follow_up', slotId: Number(slot.id), patient: { docType: p.docType, docNumber: p.docNumber, name: p.name, phone: p.phone } } };
        },
        may: { doctor: { status: 201 } },
      },
      { endpoint: 'GET /api/supervision/appointments', request: async () => ({ method: 'GET', url: '/api/supervision/appointments' }), may: { platform_operator: ok, institution_admin: ok, other_admin: ok } },
      { endpoint: 'GET /api/supervision/staff-activity', request: async () => ({ method: 'GET', url: '/api/supervision/staff-activity' }), may: { platform_operator: ok } },
      { endpoint: 'GET /api/disclosure/appointments', request: async () => ({ method: 'GET', url: '/api/disclosure/appointments' }), may: everyone },
      { endpoint: 'GET /api/fhir/Slot', request: async () => ({ method: 'GET', url: `/api/fhir/Slot?start=${tomorrow}` }), may: { ...familyDoctors, doctor: ok, institution_admin: ok, other_admin: ok, platform_operator: ok } },
      { endpoint: 'GET /api/fhir/Appointment/{id}', request: async () => ({ method: 'GET', url: `/api/fhir/Appointment/${firstReferral.bookingId}` }), may: concerned },
      { endpoint: 'GET /api/fhir/ServiceRequest/{id}', request: async () => ({ method: 'GET', url: `/api/fhir/ServiceRequest/${firstReferral.referralId}` }), may: concerned },
      { endpoint: 'GET /api/fhir/Task/{id}', request: async () => ({ method: 'GET', url: `/api/fhir/Task/${firstReferral.referralId}` }), may: concerned },
    ];

    it('covers every endpoint', () => {
      const paths = (w.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
      const served = Object.entries(paths)
        .filter(([p]) => /^\/api\/(referrals|clinic|supervision|disclosure|fhir)\b/.test(p))
        .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`))
        .sort();
      expect(rows.map((r) => r.endpoint).sort()).toEqual(served);
    });

    it('answers each account as the table says; a denial writes nothing; no full ID number or doctor name leaks', async () => {
      const doctorNames = (await w.k.selectFrom('appt_doctors').select('name').execute()).map((d) => d.name);
      for (const row of rows) {
        for (const account of all) {
          const want = row.may[account] ?? (account === 'anonymous' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' });
          const req = await row.request(account);
          const before = await w.rowCounts();
          const res = await w.inject(account, req);
          expect(res.statusCode, `${row.endpoint} as ${account}: ${res.body}`).toBe(want.status);
          if (want.code) expect(refusal(res).code, `${row.endpoint} as ${account}`).toBe(want.code);
          if (want.status === 401 || want.status === 403) expect(await w.rowCounts(), `${row.endpoint} as ${account} wrote`).toEqual(before);
          for (const p of seen) expect(res.body.includes(p.docNumber), `${row.endpoint} as ${account} shows an ID number`).toBe(false);
          for (const n of doctorNames) expect(res.body.includes(n), `${row.endpoint} as ${account} names a doctor`).toBe(false);
        }
      }
    });
  });
});
