import { describe, expect, it } from 'vitest';
import { articleExists } from '../../../platform/law/index.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { enrollment2019 } from './parameters.ts';
import {
  allStandardChecks,
  employmentChecks,
  householdChecks,
  normaliseAddress,
  oneYearBefore,
  permitChecks,
  residenceChecks,
} from './non-local-standards.ts';
import { checksForDepartment, departmentPart, departmentsFor } from './departments.ts';
import { goodFacts } from './test-fixtures.ts';

const d = parseCivilDate;
const today = d('2019-05-10');

const failing = (checks: ReturnType<typeof allStandardChecks>) => checks.filter((c) => !c.passed).map((c) => c.reason);

describe('西教发〔2019〕11号 三 audit standards', () => {
  it('a complete application passes every check, and every check cites a real clause', () => {
    const checks = allStandardChecks(goodFacts, enrollment2019, today);
    expect(failing(checks)).toEqual([]);
    expect(checks.length).toBeGreaterThan(10);
    for (const c of checks) expect(articleExists(c.reason.citation ?? { doc: '', article: '' })).toBe(true);
  });

  it('三(一): one parent must work in Xicheng', () => {
    const f = { ...goodFacts, guardians: goodFacts.guardians.map((g) => ({ ...g, employment: g.employment ? { ...g.employment, inXicheng: false } : undefined })) };
    expect(failing(employmentChecks(f, enrollment2019))).toMatchObject([{ code: 'employment_not_in_xicheng', citation: { article: '三(一)' } }]);
  });

  it('三(一)1: a contract worker needs Xicheng social insurance for 2019-01 to 2019-03', () => {
    const [father, mother] = goodFacts.guardians;
    if (!father?.employment || !mother) throw new Error('fixture');
    const f = { ...goodFacts, guardians: [{ ...father, employment: { ...father.employment, socialInsuranceMonthsInXicheng: ['2019-01', '2019-03'] } }, mother] };
    const r = failing(employmentChecks(f, enrollment2019));
    expect(r).toMatchObject([{ code: 'social_insurance_missing', citation: { article: '三(一)1' } }]);
    expect(r[0]?.message.zh).toContain('缺少2019-02');
  });

  it('三(二): basement, shared rental and illegal buildings are excluded', () => {
    const f = { ...goodFacts, residence: { ...goodFacts.residence, issues: ['basement', 'shared_rental', 'illegal_building'] as const } };
    const r = failing(residenceChecks(f, enrollment2019));
    expect(r.map((x) => x.code)).toEqual(['residence_excluded', 'residence_excluded', 'residence_excluded']);
    expect(r.map((x) => x.message.zh).join()).toMatch(/地下室.*多人合租房.*非法私建房/);
    expect(r[0]?.citation).toEqual({ doc: '西教发〔2019〕11号', article: '三(二)2(3)' });
  });

  it('三(二)2(3): the rental tax record must cover a full year up to 2019-04-30', () => {
    expect(oneYearBefore(d('2019-04-30'))).toBe('2018-05-01');
    const at = (from: string, to: string) => failing(residenceChecks({ ...goodFacts, residence: { ...goodFacts.residence, rentalTaxPaidFrom: d(from), rentalTaxPaidTo: d(to) } }, enrollment2019)).map((x) => x.code);
    expect(at('2018-05-01', '2019-04-30')).toEqual([]);
    expect(at('2018-05-02', '2019-04-30')).toEqual(['rental_tax_too_short']);
    expect(at('2018-01-01', '2019-04-29')).toEqual(['rental_tax_too_short']);
  });

  it('三(二)3 and 4: office premises and military housing are excluded too', () => {
    const f = { ...goodFacts, residence: { ...goodFacts.residence, kind: 'employer_public_housing' as const, issues: ['office_premises', 'military_housing'] as const, employerHousingProofProvided: true } };
    expect(failing(residenceChecks(f, enrollment2019)).map((x) => x.citation?.article)).toEqual(['三(二)3', '三(二)4']);
  });

  it('三(三)1: the child must be born 2012-09-01 to 2013-08-31, with matching dates', () => {
    const h = (born: string, hukou = born) => failing(householdChecks({ ...goodFacts, household: { ...goodFacts.household, childBirthDateOnCertificate: d(born), childBirthDateOnHukou: d(hukou) } }, enrollment2019, today)).map((x) => x.code);
    expect(h('2012-09-01')).toEqual([]);
    expect(h('2013-08-31')).toEqual([]);
    expect(h('2012-08-31')).toEqual(['child_age_out_of_range']);
    expect(h('2013-09-01')).toEqual(['child_age_out_of_range']);
    expect(h('2013-01-01', '2013-01-02')).toEqual(['birth_dates_differ']);
  });

  it('三(三)2–4: custody order, marriage certificate, 港澳 permit format', () => {
    const single = failing(householdChecks({ ...goodFacts, household: { ...goodFacts.household, singleParent: true } }, enrollment2019, today));
    expect(single.map((x) => x.citation?.article)).toEqual(['三(三)2']);
    const apart = failing(householdChecks({ ...goodFacts, household: { ...goodFacts.household, parentsOnSameHukouBook: false } }, enrollment2019, today));
    expect(apart.map((x) => x.citation?.article)).toEqual(['三(三)3']);
    const hk = (n: string) => failing(householdChecks({ ...goodFacts, household: { ...goodFacts.household, childHkMacau: true, childPermitNumber: n, childPermitValidUntil: d('2022-01-01') } }, enrollment2019, today)).map((x) => x.code);
    expect(hk('H12345678')).toEqual([]);
    expect(hk('M12345678')).toEqual([]);
    expect(hk('X12345678')).toEqual(['hk_macau_permit_invalid']);
    expect(hk('H1234567')).toEqual(['hk_macau_permit_invalid']);
  });

  it('三(四)2: the residence-permit address must match the residence proof', () => {
    expect(normaliseAddress('西城区 月坛 5号楼－3单元')).toBe(normaliseAddress('西城区月坛5号楼-3单元'));
    const [father, mother] = goodFacts.guardians;
    if (!father?.residencePermit || !mother) throw new Error('fixture');
    const f = { ...goodFacts, guardians: [{ ...father, residencePermit: { ...father.residencePermit, address: '西城区金融街街道某胡同8号' } }, mother] };
    expect(failing(permitChecks(f, today))).toMatchObject([{ code: 'residence_permit_address_mismatch', citation: { article: '三(四)2' } }]);
  });

  it('三(四)1 and 3: both parents hold valid permits', () => {
    const [father, mother] = goodFacts.guardians;
    if (!father || !mother?.residencePermit) throw new Error('fixture');
    expect(failing(permitChecks({ ...goodFacts, guardians: [father, { ...mother, residencePermit: undefined }] }, today)).map((x) => x.citation?.article)).toEqual(['三(四)1']);
    expect(failing(permitChecks({ ...goodFacts, guardians: [father, { ...mother, residencePermit: { ...mother.residencePermit, validUntil: d('2019-05-09') } }] }, today)).map((x) => x.code)).toEqual(['residence_permit_expired']);
  });
});

describe('each department sees its own part (11号 二(二))', () => {
  it('routes parts to 人力社保 (contract), 市场监管 (个体/法人), 规划自然资源 (residence), 公安 (居住证)', () => {
    expect(departmentsFor(goodFacts)).toEqual(['hrss', 'market', 'planning', 'police']);
    const hrss = JSON.stringify(departmentPart(goodFacts, 'hrss'));
    expect(hrss).toContain('北京某科技有限公司');
    expect(hrss).not.toContain('王丽便利店');
    expect(hrss).not.toContain('三里河');
    const police = departmentPart(goodFacts, 'police');
    expect(JSON.stringify(police)).not.toContain('rentalTaxPaidFrom');
    expect(JSON.stringify(departmentPart(goodFacts, 'planning'))).not.toContain('110102000001');
    const checks = allStandardChecks(goodFacts, enrollment2019, today);
    expect(new Set(checksForDepartment(checks, 'police').map((c) => c.part))).toEqual(new Set(['residence_permit']));
  });
});
