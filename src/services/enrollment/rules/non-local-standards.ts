/**
 * The audit standards of 西教发〔2019〕11号 三(一)–(四) as rule checks. Each check names its clause;
 * the applicant sees failures when applying, each department sees the checks of its own part.
 */
import { cite, reason, type Citation, type Reason } from '../../../platform/law/decision.ts';
import { addDays, civilDate, formatCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { EnrollmentYear } from './parameters.ts';

export const employmentKinds = ['contract', 'individual_business', 'legal_representative', 'shareholder'] as const;
export type EmploymentKind = (typeof employmentKinds)[number];

export interface Employment {
  readonly kind: EmploymentKind;
  readonly employer: string;
  /** 在西城区务工就业. */
  readonly inXicheng: boolean;
  /** 三(一)1: 聘用合同或劳动合同, 法人代码证书或营业执照复印件, 单位工作证明. */
  readonly contractProvided?: boolean;
  readonly employerLicenceProvided?: boolean;
  readonly workCertificateProvided?: boolean;
  /** 三(一)1: months ('YYYY-MM') of social insurance paid in Xicheng. */
  readonly socialInsuranceMonthsInXicheng?: readonly string[];
  /** 三(一)2/3: 营业执照 or 法人代码证书. */
  readonly businessLicenceProvided?: boolean;
  /** 三(一)4: 相关部门备案文件. */
  readonly filingDocumentsProvided?: boolean;
}

export interface ResidencePermit {
  readonly number: string;
  /** 在西城区街道辖区内. */
  readonly inXicheng: boolean;
  readonly address: string;
  readonly validUntil: CivilDate;
}

export interface Guardian {
  readonly name: string;
  readonly relation: 'father' | 'mother' | 'other';
  readonly employment?: Employment | undefined;
  readonly residencePermit?: ResidencePermit | undefined;
}

export const residenceKinds = ['owned', 'rented', 'employer_public_housing'] as const;
export type ResidenceKind = (typeof residenceKinds)[number];

/** Dwellings that can never support the residence proof (三(二)2–4). */
export const dwellingIssues = ['basement', 'shared_rental', 'illegal_building', 'demolished', 'office_premises', 'non_sublettable_public_rental', 'military_housing'] as const;
export type DwellingIssue = (typeof dwellingIssues)[number];

export interface ResidenceProof {
  readonly kind: ResidenceKind;
  readonly address: string;
  /** Street office code (platform streets), which decides who does the on-site review. */
  readonly streetCode: string;
  /** 《房屋所有权证》或《不动产权证书》 (the owner's, when renting) provided. */
  readonly certificateProvided: boolean;
  /** 用途为住宅. */
  readonly residentialUse: boolean;
  readonly issues: readonly DwellingIssue[];
  /** 三(二)2(1): the contract is the 网上可查询 standard text. */
  readonly contractRegistered?: boolean;
  /** 三(二)2(2): 房主身份证. */
  readonly landlordIdProvided?: boolean;
  /** 三(二)2(3): rental tax paid over [from, to]. */
  readonly rentalTaxPaidFrom?: CivilDate;
  readonly rentalTaxPaidTo?: CivilDate;
  readonly livedSince?: CivilDate;
  /** 三(二)3: 单位房管部门开具的住房证明. */
  readonly employerHousingProofProvided?: boolean;
}

export interface Household {
  readonly childBirthDateOnHukou: CivilDate;
  readonly childBirthDateOnCertificate: CivilDate;
  readonly singleParent: boolean;
  readonly custodyDocumentProvided?: boolean;
  readonly parentsOnSameHukouBook: boolean;
  readonly marriageCertificateProvided?: boolean;
  /** 三(三)4: the child holds a 港澳 document and needs no 户口簿. */
  readonly childHkMacau: boolean;
  readonly childPermitNumber?: string;
  readonly childPermitValidUntil?: CivilDate;
}

export interface NonLocalApplicationFacts {
  readonly childName: string;
  readonly guardians: readonly Guardian[];
  readonly residence: ResidenceProof;
  readonly household: Household;
}

/** Which department's part a check belongs to (二(二) assigns the parts; 户口簿 and the rest go on site). */
export type StandardPart = 'employment_contract' | 'employment_business' | 'employment_other' | 'residence' | 'residence_permit' | 'household';

export interface StandardCheck {
  readonly id: string;
  readonly part: StandardPart;
  readonly passed: boolean;
  readonly reason: Reason;
}


function check(id: string, part: StandardPart, passed: boolean, code: string, zh: string, en: string, citation: Citation): StandardCheck {
  return { id, part, passed, reason: reason(passed ? `${code}_met` : code, passed ? `符合：${zh}` : zh, passed ? `Met: ${en}` : en, citation) };
}

/** NFKC, no spaces or dashes: "三里河一区 5号楼－3单元" and "三里河一区5号楼-3单元" are one address. */
export function normaliseAddress(a: string): string {
  return a.normalize('NFKC').replace(/[\s\-‐‑‒–—―－·,，。.]/g, '');
}

function guardianLabel(g: Guardian, i: number): { zh: string; en: string } {
  const rel = g.relation === 'father' ? { zh: '父亲', en: 'father' } : g.relation === 'mother' ? { zh: '母亲', en: 'mother' } : { zh: '监护人', en: 'guardian' };
  return { zh: `${rel.zh}（${g.name || i + 1}）`, en: `${rel.en} (${g.name || i + 1})` };
}

/** 三(一): both parents prove work in Beijing, one of them in Xicheng under one of 1–4. */
export function employmentChecks(facts: NonLocalApplicationFacts, year: EnrollmentYear): StandardCheck[] {
  const out: StandardCheck[] = [];
  const needed = facts.household.singleParent ? 1 : 2;
  const employed = facts.guardians.filter((g) => g.employment);
  out.push(
    check(
      'employment.both_parents',
      'employment_other',
      employed.length >= needed,
      'employment_proof_missing',
      needed === 2 ? '申请人及其配偶均需提供在京务工就业证明' : '单亲家庭由抚养方提供在京务工就业证明',
      needed === 2 ? 'Both parents must prove work in Beijing' : 'The custodial parent must prove work in Beijing',
      cite('西教发〔2019〕11号', '三(一)'),
    ),
  );
  const inXicheng = facts.guardians.filter((g) => g.employment?.inXicheng);
  out.push(check('employment.one_in_xicheng', 'employment_other', inXicheng.length >= 1, 'employment_not_in_xicheng', '父母至少一方须在西城区务工就业', 'At least one parent must work in Xicheng', cite('西教发〔2019〕11号', '三(一)')));
  const months = year.socialInsuranceMonths.value;
  facts.guardians.forEach((g, i) => {
    const e = g.employment;
    if (!e || !e.inXicheng) return;
    const who = guardianLabel(g, i);
    switch (e.kind) {
      case 'contract': {
        const docs = e.contractProvided === true && e.employerLicenceProvided === true && e.workCertificateProvided === true;
        out.push(check(`employment.${i}.contract_documents`, 'employment_contract', docs, 'employment_contract_documents', `${who.zh}：须提供劳动（聘用）合同、单位营业执照或法人代码证书复印件及单位工作证明`, `${who.en}: needs the labour contract, the employer's licence and a work certificate`, cite('西教发〔2019〕11号', '三(一)1')));
        const paid = new Set(e.socialInsuranceMonthsInXicheng ?? []);
        const missing = months.filter((m) => !paid.has(m));
        out.push(check(`employment.${i}.social_insurance`, 'employment_contract', missing.length === 0, 'social_insurance_missing', `${who.zh}：须在西城区缴纳社保（${months[0]}至${months[months.length - 1]}）${missing.length ? `，缺少${missing.join('、')}` : ''}`, `${who.en}: social insurance must be paid in Xicheng for ${months.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}`, cite('西教发〔2019〕11号', '三(一)1')));
        break;
      }
      case 'individual_business':
        out.push(check(`employment.${i}.business_licence`, 'employment_business', e.businessLicenceProvided === true, 'business_licence_missing', `${who.zh}：个体工商户须提供本人或配偶的营业执照`, `${who.en}: a self-employed applicant needs the business licence`, cite('西教发〔2019〕11号', '三(一)2')));
        break;
      case 'legal_representative':
        out.push(check(`employment.${i}.legal_rep_licence`, 'employment_business', e.businessLicenceProvided === true, 'legal_rep_licence_missing', `${who.zh}：法定代表人须提供法人代码证书或营业执照`, `${who.en}: a legal representative needs the organisation code certificate or business licence`, cite('西教发〔2019〕11号', '三(一)3')));
        break;
      case 'shareholder':
        out.push(check(`employment.${i}.shareholder_filing`, 'employment_other', e.filingDocumentsProvided === true, 'shareholder_filing_missing', `${who.zh}：股东或合伙人须提供相关部门备案文件`, `${who.en}: a shareholder or partner needs the filing documents`, cite('西教发〔2019〕11号', '三(一)4')));
        break;
    }
  });
  return out;
}

const issueText: Record<DwellingIssue, { zh: string; en: string; citation: Citation }> = {
  // The sentence excluding these closes 三(二)2; the parser keeps it with its last item, 三(二)2(3).
  basement: { zh: '地下室', en: 'a basement', citation: cite('西教发〔2019〕11号', '三(二)2(3)') },
  shared_rental: { zh: '多人合租房', en: 'a flat shared by several tenants', citation: cite('西教发〔2019〕11号', '三(二)2(3)') },
  illegal_building: { zh: '非法私建房', en: 'an illegally built dwelling', citation: cite('西教发〔2019〕11号', '三(二)2(3)') },
  demolished: { zh: '已拆迁房', en: 'a dwelling already cleared for demolition', citation: cite('西教发〔2019〕11号', '三(二)2(3)') },
  office_premises: { zh: '单位办公用房', en: 'office premises', citation: cite('西教发〔2019〕11号', '三(二)3') },
  non_sublettable_public_rental: { zh: '不得转租的公租房', en: 'public rental housing that may not be sublet', citation: cite('西教发〔2019〕11号', '三(二)4') },
  military_housing: { zh: '军产房', en: 'military property', citation: cite('西教发〔2019〕11号', '三(二)4') },
};

/** "一年以上": 以上 includes the number itself, so a year ending on the cut-off day starts the day after the same date a year earlier. */
export function oneYearBefore(cutoff: CivilDate): CivilDate {
  const y = Number(cutoff.slice(0, 4));
  const m = Number(cutoff.slice(5, 7));
  const day = Number(cutoff.slice(8, 10));
  // 29 February has no twin a year earlier: use 28 February.
  const twin = m === 2 && day === 29 ? civilDate(y - 1, 2, 28) : civilDate(y - 1, m, day);
  return addDays(twin, 1);
}

/** 三(二): the residence proof. */
export function residenceChecks(facts: NonLocalApplicationFacts, year: EnrollmentYear): StandardCheck[] {
  const r = facts.residence;
  const out: StandardCheck[] = [];
  for (const issue of dwellingIssues) {
    if (!r.issues.includes(issue)) continue;
    const t = issueText[issue];
    out.push(check(`residence.excluded.${issue}`, 'residence', false, 'residence_excluded', `${t.zh}不能作为开具居住证明的依据`, `${t.en} cannot support the residence proof`, t.citation));
  }
  const certificate = r.certificateProvided && r.residentialUse;
  switch (r.kind) {
    case 'owned':
      out.push(check('residence.owned_certificate', 'residence', certificate, 'residence_certificate_missing', '自有住房须提供用途为住宅的《房屋所有权证》或《不动产权证书》', 'An owned home needs a property certificate for residential use', cite('西教发〔2019〕11号', '三(二)1')));
      break;
    case 'rented': {
      out.push(check('residence.rental_contract', 'residence', r.contractRegistered === true, 'rental_contract_not_standard', '须提供规范有效、网上可查询的房屋租赁合同', 'The lease must be the standard text that can be looked up online', cite('西教发〔2019〕11号', '三(二)2(1)')));
      out.push(check('residence.landlord_certificate', 'residence', certificate && r.landlordIdProvided === true, 'landlord_certificate_missing', '须提供房主用途为住宅的《房屋所有权证》或《不动产权证书》及房主身份证', "The landlord's residential property certificate and ID card are needed", cite('西教发〔2019〕11号', '三(二)2(2)')));
      const cutoff = year.rentalTaxUpTo.value;
      const start = oneYearBefore(cutoff);
      const taxOk = r.rentalTaxPaidFrom !== undefined && r.rentalTaxPaidTo !== undefined && r.rentalTaxPaidFrom <= start && r.rentalTaxPaidTo >= cutoff;
      out.push(
        check(
          'residence.rental_tax',
          'residence',
          taxOk,
          'rental_tax_too_short',
          `租房完税证明须覆盖截至${formatCivilDate(cutoff)}满一年以上（${formatCivilDate(start)}起）${r.rentalTaxPaidFrom && r.rentalTaxPaidTo ? `，所报为${formatCivilDate(r.rentalTaxPaidFrom)}至${formatCivilDate(r.rentalTaxPaidTo)}` : ''}`,
          `The rental tax record must cover at least a year up to ${formatCivilDate(cutoff, 'en')} (from ${formatCivilDate(start, 'en')})${r.rentalTaxPaidFrom && r.rentalTaxPaidTo ? `; given ${formatCivilDate(r.rentalTaxPaidFrom, 'en')} to ${formatCivilDate(r.rentalTaxPaidTo, 'en')}` : ''}`,
          year.rentalTaxUpTo.citation,
        ),
      );
      const livedOk = r.livedSince !== undefined && r.livedSince <= start;
      out.push(check('residence.lived_one_year', 'residence', livedOk, 'residence_too_short', `须已在该住所居住一年以上（${formatCivilDate(start)}以前入住）`, `The family must have lived there for at least a year (since ${formatCivilDate(start, 'en')} or earlier)`, year.rentalTaxUpTo.citation));
      break;
    }
    case 'employer_public_housing':
      out.push(check('residence.employer_housing', 'residence', r.employerHousingProofProvided === true && certificate, 'employer_housing_proof_missing', '租住本单位公房须提供单位房管部门住房证明（加盖公章）和用途为住宅的产权证书复印件', "Employer housing needs the employer's housing certificate and a residential property certificate", cite('西教发〔2019〕11号', '三(二)3')));
      break;
  }
  return out;
}

/** 三(三): the household register and the child's age. */
export function householdChecks(facts: NonLocalApplicationFacts, year: EnrollmentYear, today: CivilDate): StandardCheck[] {
  const h = facts.household;
  const w = year.nonLocalBirthWindow.value;
  const out: StandardCheck[] = [];
  const born = h.childBirthDateOnCertificate;
  out.push(check('household.child_age', 'household', born >= w.from && born <= w.to, 'child_age_out_of_range', `儿童须出生于${formatCivilDate(w.from)}至${formatCivilDate(w.to)}`, `The child must be born between ${formatCivilDate(w.from, 'en')} and ${formatCivilDate(w.to, 'en')}`, cite('西教发〔2019〕11号', '三(三)1')));
  if (!h.childHkMacau) {
    out.push(check('household.birth_dates_match', 'household', h.childBirthDateOnHukou === h.childBirthDateOnCertificate, 'birth_dates_differ', '户口簿上的出生日期须与《出生医学证明》一致', 'The birth date on the household register must match the birth certificate', cite('西教发〔2019〕11号', '三(三)1')));
    if (!h.parentsOnSameHukouBook) {
      out.push(check('household.marriage_certificate', 'household', h.marriageCertificateProvided === true, 'marriage_certificate_missing', '父母户籍不在同一户口簿上的，须提供《结婚证》、父母双方户口簿及《出生医学证明》', 'Parents on different household registers must provide the marriage certificate, both registers and the birth certificate', cite('西教发〔2019〕11号', '三(三)3')));
    }
  } else {
    const n = h.childPermitNumber ?? '';
    const valid = /^[HM]\d{8}$/.test(n) && h.childPermitValidUntil !== undefined && h.childPermitValidUntil >= today;
    out.push(check('household.hk_macau_permit', 'household', valid, 'hk_macau_permit_invalid', '持港澳身份证件的儿童须提供有效期内、H或M开头9位号码的《港澳居民来往内地通行证》', 'A Hong Kong or Macao child needs a valid Mainland travel permit numbered H or M plus 8 digits', cite('西教发〔2019〕11号', '三(三)4')));
  }
  if (h.singleParent) {
    out.push(check('household.custody_document', 'household', h.custodyDocumentProvided === true, 'custody_document_missing', '单亲家庭须提供抚养方相关有效的法律文书', 'A single-parent family must provide the custody order', cite('西教发〔2019〕11号', '三(三)2')));
  }
  return out;
}

/** 三(四): Beijing residence permits. */
export function permitChecks(facts: NonLocalApplicationFacts, today: CivilDate): StandardCheck[] {
  const out: StandardCheck[] = [];
  const needed = facts.household.singleParent ? 1 : 2;
  const permits = facts.guardians.flatMap((g, i) => (g.residencePermit ? [{ g, i, p: g.residencePermit }] : []));
  out.push(check('permit.held', 'residence_permit', permits.length >= needed, 'residence_permit_missing', needed === 2 ? '父母双方均须持有北京市居住证' : '单亲家庭由抚养方提供北京市居住证', needed === 2 ? 'Both parents must hold a Beijing residence permit' : 'The custodial parent must hold a Beijing residence permit', cite('西教发〔2019〕11号', '三(四)1')));
  const inXicheng = permits.filter((x) => x.p.inXicheng);
  out.push(check('permit.one_in_xicheng', 'residence_permit', inXicheng.length >= 1, 'residence_permit_not_in_xicheng', '至少一方的居住证须在西城区街道辖区内', 'At least one residence permit must be registered in a Xicheng street', cite('西教发〔2019〕11号', '三(四)1')));
  const home = normaliseAddress(facts.residence.address);
  for (const x of inXicheng) {
    const who = guardianLabel(x.g, x.i);
    out.push(check(`permit.${x.i}.address_matches`, 'residence_permit', normaliseAddress(x.p.address) === home, 'residence_permit_address_mismatch', `${who.zh}：居住证地址须与在西城区实际住所居住证明地址一致`, `${who.en}: the residence-permit address must match the residence proof`, cite('西教发〔2019〕11号', '三(四)2')));
  }
  for (const x of permits) {
    const who = guardianLabel(x.g, x.i);
    out.push(check(`permit.${x.i}.valid`, 'residence_permit', x.p.validUntil >= today, 'residence_permit_expired', `${who.zh}：居住证须在有效期内（有效期至${formatCivilDate(x.p.validUntil)}）`, `${who.en}: the residence permit must be valid (it runs to ${formatCivilDate(x.p.validUntil, 'en')})`, cite('西教发〔2019〕11号', '三(四)3')));
  }
  return out;
}

export function allStandardChecks(facts: NonLocalApplicationFacts, year: EnrollmentYear, today: CivilDate): StandardCheck[] {
  return [...employmentChecks(facts, year), ...residenceChecks(facts, year), ...householdChecks(facts, year, today), ...permitChecks(facts, today)];
}

export function failedReasons(checks: readonly StandardCheck[]): Reason[] {
  return checks.filter((x) => !x.passed).map((x) => x.reason);
}
