import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { checkScheduleChange, checkSessionPlan, requiredSlotMinutes, type SlotPlan } from './schedule.ts';

const tertiary = { level: '三级' as const, type: '综合', configuredSlotMinutes: null };
const secondaryGeneral = { level: '二级' as const, type: '综合', configuredSlotMinutes: null };
const centre = { level: '社区卫生服务中心' as const, type: '社区', configuredSlotMinutes: 20 };
const d = parseCivilDate('2026-03-10');

function slot(start: string, end: string, referral = 1, appointment = 7, window = 2): SlotPlan {
  return { start, end, referral, appointment, window };
}

describe('西卫〔2019〕5号 第十条 (四) slot length', () => {
  it('is 30 minutes at 三级, 1 hour at 二级综合, configured elsewhere', () => {
    expect(requiredSlotMinutes(tertiary)).toBe(30);
    expect(requiredSlotMinutes(secondaryGeneral)).toBe(60);
    expect(requiredSlotMinutes({ level: '二级', type: '专科', configuredSlotMinutes: 45 })).toBe(45);
    expect(requiredSlotMinutes(centre)).toBe(20);
  });

  it('refuses a 1-hour slot at a 三级 hospital, citing 第十条', () => {
    const r = checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '09:00')] });
    expect(r.allowed).toBe(false);
    if (!r.allowed) {
      expect(r.reasons[0]).toMatchObject({ code: 'slot_length_mismatch', citation: { doc: '西卫〔2019〕5号', article: '第十条' } });
    }
    expect(checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '08:30'), slot('08:30', '09:00')] }).allowed).toBe(true);
    expect(checkSessionPlan(secondaryGeneral, { visitDate: d, slots: [slot('08:00', '08:30')] }).allowed).toBe(false);
  });

  it('refuses overlapping slots', () => {
    const r = checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '08:30'), slot('08:15', '08:45')] });
    expect(r.allowed).toBe(false);
  });
});

describe('西卫〔2019〕5号 第十条 (一) 80% of tickets bookable', () => {
  it('accepts exactly 80% and refuses 79% with quota_below_80_percent', () => {
    expect(checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '08:30', 2, 6, 2)] }).allowed).toBe(true);
    const r = checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '08:30', 0, 79, 21)] });
    expect(r.allowed).toBe(false);
    if (!r.allowed) expect(r.reasons.map((x) => x.code)).toContain('quota_below_80_percent');
  });

  it('agrees with the exact fraction for any split (property)', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.nat(60), fc.nat(60), (referral, appointment, window) => {
        fc.pre(referral + appointment + window > 0);
        const r = checkSessionPlan(tertiary, { visitDate: d, slots: [slot('08:00', '08:30', referral, appointment, window)] });
        const ok = (referral + appointment) / (referral + appointment + window) >= 0.8;
        expect(r.allowed).toBe(ok);
      }),
    );
  });
});

describe('西卫〔2019〕5号 第二十七条 schedule freeze', () => {
  it('refuses changes within 7 days with schedule_frozen', () => {
    const today = parseCivilDate('2026-03-02');
    const r = checkScheduleChange(today, parseCivilDate('2026-03-08'));
    expect(r.allowed).toBe(false);
    if (!r.allowed) expect(r.reasons[0]).toMatchObject({ code: 'schedule_frozen', citation: { article: '第二十七条' } });
    expect(checkScheduleChange(today, parseCivilDate('2026-03-09')).allowed).toBe(true);
  });
});

describe('西卫〔2019〕5号 第十一条 referral reserve', () => {
  const withShare = (referralSharePct: number) => ({ ...tertiary, referralSharePct });

  it('refuses a session that reserves less than the institution share, with the citation', () => {
    expect(checkSessionPlan(withShare(10), { visitDate: d, slots: [slot('08:00', '08:30', 1, 9, 2)] }).allowed).toBe(true);
    const r = checkSessionPlan(withShare(20), { visitDate: d, slots: [slot('08:00', '08:30', 1, 9, 2)] });
    expect(r.allowed ? null : r.reasons[0]).toMatchObject({ code: 'referral_reserve_below_share', citation: { doc: '西卫〔2019〕5号', article: '第十一条' } });
  });

  it('rounds the reserve down and counts the whole session (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.array(fc.tuple(fc.nat(8), fc.nat(12)), { minLength: 1, maxLength: 6 }), (pct, pools) => {
        const slots = pools.map(([referral, appointment], i) => slot(`${String(8 + i).padStart(2, '0')}:00`, `${String(8 + i).padStart(2, '0')}:30`, referral, appointment + 1, 0));
        const referral = slots.reduce((a, s) => a + s.referral, 0);
        const bookable = slots.reduce((a, s) => a + s.referral + s.appointment, 0);
        const r = checkSessionPlan(withShare(pct), { visitDate: d, slots });
        // Rounded down: short of the exact share by less than one whole ticket is enough.
        expect(r.allowed).toBe((referral + 1) * 100 > bookable * pct);
      }),
    );
  });
});
