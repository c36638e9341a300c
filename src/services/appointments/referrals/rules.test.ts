import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, parseCivilDate } from '../../../platform/time/civil.ts';
import { articleExists } from '../../../platform/law/index.ts';
import { checkDiseaseInfo, checkHandBack, checkPatientEligibility, checkReferringDoctor, checkVisitWithinThreeDays, type ReferringStaff } from './eligibility.ts';
import { checkClinicTarget, mayOverride } from './clinic-rules.ts';
import { referralArt } from './citations.ts';
import { reason } from '../../../platform/law/decision.ts';

const today = parseCivilDate('2026-03-02');
const centre: ReferringStaff = { role: 'family_doctor', referralAuthorised: true, organisationId: 7, organisationKind: 'community_health_centre', centreOfStation: null };

describe('西卫〔2019〕5号 第二十一条 who may refer', () => {
  it('an authorised family doctor of a centre refers for the centre', () => {
    expect(checkReferringDoctor(centre)).toEqual({ allowed: true, value: { fromOrganisationId: 7, responsibleCentreId: 7 } });
  });

  it('refuses a doctor the centre has not authorised, a non-family doctor, and a hospital doctor', () => {
    for (const s of [{ ...centre, referralAuthorised: false }, { ...centre, role: 'doctor' }, { ...centre, organisationKind: 'hospital' }, { ...centre, organisationId: null }]) {
      const d = checkReferringDoctor(s);
      expect(d.allowed ? null : d.reasons[0]).toMatchObject({ code: 'referral_not_authorised', citation: { doc: '西卫〔2019〕5号', article: '第二十一条' } });
    }
  });

  it('a station refers under its centre, which answers for it', () => {
    const station = { ...centre, organisationId: 70, organisationKind: 'community_health_station', centreOfStation: 7 };
    expect(checkReferringDoctor(station)).toEqual({ allowed: true, value: { fromOrganisationId: 70, responsibleCentreId: 7 } });
    expect(checkReferringDoctor({ ...station, centreOfStation: null }).allowed).toBe(false);
  });
});

describe('西卫〔2019〕5号 第二十二条 and 第三十二条 who may be referred', () => {
  const contract = { organisationId: 7, doctorStaffId: null, signedOn: '2025-01-01', validUntil: '2026-12-31' };
  const ok = { today, banEndsOn: null, contract, hasRecord: true, referringOrganisations: [7, 70] };

  it('needs a contract with the referring centre and a health record', () => {
    expect(checkPatientEligibility(ok).allowed).toBe(true);
    const none = checkPatientEligibility({ ...ok, contract: null, hasRecord: false });
    expect(none.allowed ? [] : none.reasons.map((r) => [r.code, r.citation?.article])).toEqual([
      ['no_family_doctor_contract', '第二十二条'],
      ['no_health_record', '第二十二条'],
    ]);
    const expired = checkPatientEligibility({ ...ok, contract: { ...contract, validUntil: '2026-03-01' } });
    expect(expired.allowed ? null : expired.reasons[0]?.code).toBe('no_family_doctor_contract');
    const elsewhere = checkPatientEligibility({ ...ok, contract: { ...contract, organisationId: 9 } });
    expect(elsewhere.allowed ? null : elsewhere.reasons[0]?.code).toBe('contract_with_other_institution');
    expect(checkPatientEligibility({ ...ok, contract: { ...contract, organisationId: 70 } }).allowed).toBe(true);
  });

  it('refuses a person on the violation list until the ban ends', () => {
    const banned = checkPatientEligibility({ ...ok, banEndsOn: parseCivilDate('2026-06-01') });
    expect(banned.allowed ? null : banned.reasons[0]).toMatchObject({ code: 'patient_banned', citation: { article: '第三十二条' } });
    expect(checkPatientEligibility({ ...ok, today: parseCivilDate('2026-06-01'), banEndsOn: parseCivilDate('2026-06-01') }).allowed).toBe(true);
  });
});

describe('西卫〔2019〕5号 第二十条 a visit within 3 days, or a recorded reason', () => {
  it('accepts days 1 to 3 and needs a reason after', () => {
    for (const n of [1, 2, 3]) expect(checkVisitWithinThreeDays(today, addDays(today, n), undefined)).toEqual({ allowed: true, value: { withinThreeDays: true } });
    const later = checkVisitWithinThreeDays(today, addDays(today, 4), '  ');
    expect(later.allowed ? null : later.reasons[0]).toMatchObject({ code: 'referral_after_three_days_needs_reason', citation: { article: '第二十条' } });
    expect(checkVisitWithinThreeDays(today, addDays(today, 4), '患者本周出差，要求下周就诊')).toEqual({ allowed: true, value: { withinThreeDays: false } });
  });

  it('never lets a visit after 3 days through without a reason (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.string({ maxLength: 10 }), (days, why) => {
        const d = checkVisitWithinThreeDays(today, addDays(today, days), why);
        if (d.allowed && !d.value.withinThreeDays) expect(why.trim().length).toBeGreaterThanOrEqual(4);
        if (days <= 3) expect(d.allowed && d.value.withinThreeDays).toBe(true);
      }),
    );
  });
});

describe('西卫〔2019〕5号 第十六条 (四), 第二十一条 (三), 第二十八条 what a referral and a hand-back carry', () => {
  it('needs a current criterion and disease information', () => {
    expect(checkDiseaseInfo('血压控制不佳，头晕两周', true).allowed).toBe(true);
    const d = checkDiseaseInfo('', false);
    expect(d.allowed ? [] : d.reasons.map((r) => [r.code, r.citation?.article])).toEqual([
      ['unknown_referral_criterion', '第二十一条'],
      ['disease_info_required', '第十六条'],
    ]);
  });

  it('a hand-back needs the diagnosis, the treatment and the plan', () => {
    expect(checkHandBack({ diagnosis: '高血压3级', treatment: '调整降压方案', plan: '社区随访' }).allowed).toBe(true);
    const d = checkHandBack({ diagnosis: '高血压3级', treatment: ' ', plan: '' });
    expect(d.allowed ? [] : d.reasons.map((r) => [r.code, r.citation?.article])).toEqual([
      ['hand_back_missing_treatment', '第二十八条'],
      ['hand_back_missing_plan', '第二十八条'],
    ]);
  });
});

describe('西卫〔2019〕5号 第二十四条 in-clinic booking', () => {
  const me = { doctorId: 1, institutionId: 1, departmentId: 10, title: '主治医师' };
  const session = (doctorId: number | null, departmentId: number, title: string, institutionId = 1) => ({ doctorId, institutionId, departmentId, title });

  it('matches each kind to the sessions it may book', () => {
    expect(checkClinicTarget('follow_up', me, session(1, 10, '主治医师')).allowed).toBe(true);
    expect(checkClinicTarget('follow_up', me, session(2, 10, '主治医师')).allowed).toBe(false);
    expect(checkClinicTarget('senior', me, session(3, 10, '主任医师')).allowed).toBe(true);
    expect(checkClinicTarget('senior', me, session(4, 10, '主治医师')).allowed).toBe(false);
    expect(checkClinicTarget('senior', me, session(3, 11, '主任医师')).allowed).toBe(false);
    expect(checkClinicTarget('other_department', me, session(5, 11, '住院医师')).allowed).toBe(true);
    expect(checkClinicTarget('other_department', me, session(5, 10, '主任医师')).allowed).toBe(false);
    expect(checkClinicTarget('consultation', me, session(6, 10, '副主任医师')).allowed).toBe(true);
    expect(checkClinicTarget('consultation', me, session(1, 10, '主治医师')).allowed).toBe(false);
    const elsewhere = checkClinicTarget('other_department', me, session(7, 20, '主任医师', 2));
    expect(elsewhere.allowed ? null : elsewhere.reasons[0]).toMatchObject({ code: 'clinic_target_mismatch', citation: { article: '第二十四条' } });
    expect(checkClinicTarget('consultation', me, session(null, 11, '心脏彩超')).allowed).toBe(false);
  });

  it('lets a doctor override only the 15:00 cutoff, only for a later day, and only with a reason', () => {
    const closed = [reason('booking_closed', '已截止', 'closed')];
    const tomorrow = addDays(today, 1);
    expect(mayOverride(closed, { code: 'booking_closed', reason: '术后复查需明日就诊' }, today, tomorrow)).toEqual({ allowed: true, value: { code: 'booking_closed', reason: '术后复查需明日就诊' } });
    const noReason = mayOverride(closed, { code: 'booking_closed', reason: ' ' }, today, tomorrow);
    expect(noReason.allowed ? null : noReason.reasons[0]).toMatchObject({ code: 'override_needs_reason', citation: { article: '第二十四条' } });
    expect(mayOverride(closed, { code: 'booking_closed', reason: '术后复查需今日' }, today, today).allowed).toBe(false);
    const full = [reason('slot_full', '满', 'full')];
    expect(mayOverride(full, { code: 'slot_full', reason: '病情需要加号' }, today, tomorrow)).toEqual({ allowed: false, reasons: full });
    const limit = [reason('daily_limit_exceeded', '超限', 'limit')];
    expect(mayOverride(limit, { code: 'daily_limit_exceeded', reason: '病情需要' }, today, tomorrow).allowed).toBe(false);
  });
});

describe('the articles cited exist in the gazette', () => {
  it.each(Object.entries(referralArt))('%s', (_name, c) => {
    expect(articleExists(c)).toBe(true);
  });
});
