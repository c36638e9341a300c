import { describe, expect, it } from 'vitest';
import { articleExists } from '../../../platform/law/index.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { checkMiddleEligibility, checkPrimaryEligibility, middleEligibility, primaryEligibility, type PrimaryFacts } from './eligibility.ts';
import { enrollment2019, type EnrollmentYear } from './parameters.ts';

const d = parseCivilDate;

/** A Xicheng child with a personal hukou, living in Xicheng: meets ② and nothing else. */
const base: PrimaryFacts = {
  birthDate: d('2013-03-01'),
  hukou: 'beijing_personal',
  hukouInXicheng: true,
  livesInXicheng: true,
  guardianHousingInXicheng: false,
  guardianInUnitCollectiveAndWorksThere: false,
  guardianWorksInXicheng: false,
  treatedAsBeijingHukou: false,
  holdsNonLocalApprovalLetter: false,
};

describe('primary eligibility (西教发〔2019〕10号 三(一)1)', () => {
  it('needs six years by 31 August: born 2013-08-31 is in, 2013-09-01 is out, citing 三(一)1', () => {
    expect(primaryEligibility({ ...base, birthDate: d('2013-08-31') }, enrollment2019).allowed).toBe(true);
    const late = primaryEligibility({ ...base, birthDate: d('2013-09-01') }, enrollment2019);
    expect(late.allowed).toBe(false);
    if (late.allowed) return;
    expect(late.reasons).toHaveLength(1);
    expect(late.reasons[0]).toMatchObject({ code: 'too_young', citation: { doc: '西教发〔2019〕10号', article: '三(一)1' } });
    expect(late.reasons[0]?.message.zh).toContain('2013年8月31日');
  });

  it('takes the cut-off date from the year parameters, not from code', () => {
    const y2020: EnrollmentYear = { ...enrollment2019, year: 2020, primaryBornOnOrBefore: { ...enrollment2019.primaryBornOnOrBefore, value: d('2014-08-31') }, cohortBornFrom: { ...enrollment2019.cohortBornFrom, value: d('2013-09-01') } };
    expect(primaryEligibility({ ...base, birthDate: d('2014-05-01') }, y2020).allowed).toBe(true);
    expect(primaryEligibility({ ...base, birthDate: d('2014-05-01') }, enrollment2019).allowed).toBe(false);
  });

  it('lists each of ①–⑤ with its own clause, holding or not', () => {
    const r = checkPrimaryEligibility(base, enrollment2019);
    expect(r.conditions.map((c) => c.id)).toEqual(['①', '②', '③', '④', '⑤']);
    expect(r.conditions.map((c) => c.reason.citation?.article)).toEqual(['三(一)1①', '三(一)1②', '三(一)1③', '三(一)1④', '三(一)1⑤']);
    expect(r.satisfiedBy).toEqual(['②']);
    for (const c of r.conditions) expect(articleExists(c.reason.citation ?? { doc: '', article: '' })).toBe(true);
    expect(r.conditions[0]?.reason.message.zh).toContain('独立产权房或租住公房');
  });

  it('① needs a Beijing personal hukou (any district) and guardian housing in Xicheng', () => {
    const otherDistrict: PrimaryFacts = { ...base, hukouInXicheng: false, livesInXicheng: false, guardianHousingInXicheng: true };
    expect(checkPrimaryEligibility(otherDistrict, enrollment2019).satisfiedBy).toEqual(['①']);
    expect(checkPrimaryEligibility({ ...otherDistrict, hukou: 'beijing_collective' }, enrollment2019).satisfiedBy).toEqual([]);
  });

  it('② fails for a Xicheng personal hukou not living in Xicheng, and says why', () => {
    const d2 = primaryEligibility({ ...base, livesInXicheng: false }, enrollment2019);
    expect(d2.allowed).toBe(false);
    if (d2.allowed) return;
    const two = d2.reasons.find((r) => r.citation?.article === '三(一)1②');
    expect(two?.message.zh).toContain('须实际居住在西城区');
    expect(d2.reasons.map((r) => r.citation?.article)).toEqual(['三(一)1①', '三(一)1②', '三(一)1③', '三(一)1④', '三(一)1⑤']);
  });

  it('③ needs a Xicheng unit collective hukou, residence, and a guardian in the unit', () => {
    const f: PrimaryFacts = { ...base, hukou: 'beijing_collective', guardianInUnitCollectiveAndWorksThere: true };
    expect(checkPrimaryEligibility(f, enrollment2019).satisfiedBy).toEqual(['③']);
    expect(checkPrimaryEligibility({ ...f, guardianInUnitCollectiveAndWorksThere: false }, enrollment2019).eligible).toBe(false);
  });

  it('④ needs residence, a guardian working in Xicheng and the treated-as-Beijing conditions', () => {
    const f: PrimaryFacts = { ...base, hukou: 'non_beijing', hukouInXicheng: false, guardianWorksInXicheng: true, treatedAsBeijingHukou: true };
    expect(checkPrimaryEligibility(f, enrollment2019).satisfiedBy).toEqual(['④']);
    expect(checkPrimaryEligibility({ ...f, treatedAsBeijingHukou: false }, enrollment2019).eligible).toBe(false);
  });

  it('⑤ is the approval letter', () => {
    const f: PrimaryFacts = { ...base, hukou: 'non_beijing', hukouInXicheng: false, livesInXicheng: false, holdsNonLocalApprovalLetter: true };
    expect(checkPrimaryEligibility(f, enrollment2019).satisfiedBy).toEqual(['⑤']);
  });

  it('an overage Beijing child needs the district approval of 五(五); a non-local one cannot', () => {
    const old: PrimaryFacts = { ...base, birthDate: d('2012-08-31') };
    const refused = primaryEligibility(old, enrollment2019);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.reasons[0]?.citation).toEqual({ doc: '西教发〔2019〕10号', article: '五(五)' });
    expect(primaryEligibility({ ...old, overageApproved: true }, enrollment2019).allowed).toBe(true);
    expect(primaryEligibility({ ...old, hukou: 'non_beijing', overageApproved: true, holdsNonLocalApprovalLetter: true }, enrollment2019).allowed).toBe(false);
    expect(primaryEligibility({ ...base, birthDate: d('2012-09-01') }, enrollment2019).allowed).toBe(true);
  });

  it('an allowed decision carries the held conditions as notes', () => {
    const ok = primaryEligibility(base, enrollment2019);
    expect(ok.allowed).toBe(true);
    if (ok.allowed) expect(ok.notes?.map((n) => n.code)).toEqual(['age_met', 'primary_condition_met']);
  });
});

describe('middle-school eligibility (西教发〔2019〕10号 三(二)1)', () => {
  it('① a current Xicheng year-6 graduate', () => {
    expect(middleEligibility({ graduationYear: 2019, primarySchoolInXicheng: true, returnApproved: false }, enrollment2019).allowed).toBe(true);
    const last = middleEligibility({ graduationYear: 2018, primarySchoolInXicheng: true, returnApproved: false }, enrollment2019);
    expect(last.allowed).toBe(false);
    if (!last.allowed) expect(last.reasons[0]?.message.zh).toContain('2019年应届毕业生');
  });

  it('② a graduate from elsewhere only with an approved return application', () => {
    const r = checkMiddleEligibility({ graduationYear: 2019, primarySchoolInXicheng: false, returnApproved: false }, enrollment2019);
    expect(r.eligible).toBe(false);
    expect(r.conditions.map((c) => c.reason.citation?.article)).toEqual(['三(二)1①', '三(二)1②']);
    expect(r.conditions[1]?.reason.message.zh).toContain('回区升学');
    expect(checkMiddleEligibility({ graduationYear: 2019, primarySchoolInXicheng: false, returnApproved: true }, enrollment2019).satisfiedBy).toEqual(['②']);
  });
});
