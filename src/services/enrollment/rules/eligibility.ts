/**
 * Who may enter a Xicheng primary or middle school: 西教发〔2019〕10号 三(一)1 and 三(二)1.
 * The result lists every condition, held or not, each with its clause, so a parent can see
 * exactly why; the Decision refuses with the failed ones only.
 */
import { allow, cite, reason, refuse, type Citation, type Decision, type Reason } from '../../../platform/law/decision.ts';
import { formatCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { EnrollmentYear, Stage } from './parameters.ts';

/** 户籍 as 三(一)1 distinguishes it: 个人居民户籍 or 单位集体户籍, in Beijing (本市) or not. */
export type Hukou = 'beijing_personal' | 'beijing_collective' | 'non_beijing';
export const hukouKinds: readonly Hukou[] = ['beijing_personal', 'beijing_collective', 'non_beijing'];

export interface PrimaryFacts {
  readonly birthDate: CivilDate;
  readonly hukou: Hukou;
  /** 本区: the hukou is registered in Xicheng. Meaningless for non_beijing. */
  readonly hukouInXicheng: boolean;
  /** 实际居住在西城区. */
  readonly livesInXicheng: boolean;
  /** ①: a legal guardian has 独立产权房 or rents 公房 in Xicheng. */
  readonly guardianHousingInXicheng: boolean;
  /** ③: a guardian is in the same 单位集体户籍 and works at that unit. */
  readonly guardianInUnitCollectiveAndWorksThere: boolean;
  /** ④: a guardian works in Xicheng. */
  readonly guardianWorksInXicheng: boolean;
  /** ④: the child meets the 按本市户籍对待 conditions. */
  readonly treatedAsBeijingHukou: boolean;
  /** ⑤: holds the 《非本市户籍适龄儿童在西城区就读批准书》 (from the 11号 review, not self-declared). */
  readonly holdsNonLocalApprovalLetter: boolean;
  /** 五(五): a Beijing-hukou child older than the cohort whose papers the district approved. */
  readonly overageApproved?: boolean;
}

export interface MiddleFacts {
  /** The year the child finishes 六年级. */
  readonly graduationYear: number;
  readonly primarySchoolInXicheng: boolean;
  /** 回区升学 approved by the district (附件2: 5月9–10日). */
  readonly returnApproved: boolean;
}

export interface ConditionResult {
  /** 'age', '①'…'⑤'. */
  readonly id: string;
  readonly holds: boolean;
  /** Why it holds or fails, with the clause. */
  readonly reason: Reason;
}

export interface EligibilityReport {
  readonly stage: Stage;
  readonly year: number;
  readonly eligible: boolean;
  /** Absent for middle school, which has no age condition. */
  readonly age?: ConditionResult;
  readonly conditions: readonly ConditionResult[];
  /** Ids of the conditions that hold. */
  readonly satisfiedBy: readonly string[];
}

export const primaryConditionsCitation = cite('西教发〔2019〕10号', '三(一)1');
export const middleConditionsCitation = cite('西教发〔2019〕10号', '三(二)1');
const overageCitation = cite('西教发〔2019〕10号', '五(五)');

const conditionCitations: Record<string, Citation> = {
  '①': cite('西教发〔2019〕10号', '三(一)1①'),
  '②': cite('西教发〔2019〕10号', '三(一)1②'),
  '③': cite('西教发〔2019〕10号', '三(一)1③'),
  '④': cite('西教发〔2019〕10号', '三(一)1④'),
  '⑤': cite('西教发〔2019〕10号', '三(一)1⑤'),
};

interface Part {
  readonly ok: boolean;
  readonly zh: string;
  readonly en: string;
}

/** A condition holds when all its parts hold; the message names the failing parts (or all, when it holds). */
function condition(id: string, titleZh: string, titleEn: string, parts: readonly Part[], citation: Citation): ConditionResult {
  const failing = parts.filter((p) => !p.ok);
  const holds = failing.length === 0;
  const code = holds ? `primary_condition_met` : `primary_condition_not_met`;
  const zh = holds ? `符合条件${id}（${titleZh}）` : `不符合条件${id}（${titleZh}）：${failing.map((p) => p.zh).join('；')}`;
  const en = holds ? `Meets condition ${id} (${titleEn})` : `Does not meet condition ${id} (${titleEn}): ${failing.map((p) => p.en).join('; ')}`;
  return { id, holds, reason: reason(code, zh, en, citation) };
}

function ageCheck(facts: PrimaryFacts, year: EnrollmentYear): ConditionResult {
  const cutoff = year.primaryBornOnOrBefore;
  const cohortFrom = year.cohortBornFrom;
  if (facts.birthDate > cutoff.value) {
    return {
      id: 'age',
      holds: false,
      reason: reason(
        'too_young',
        `${year.year}年入小学须年满六周岁（${formatCivilDate(cutoff.value)}以前出生），该儿童生于${formatCivilDate(facts.birthDate)}`,
        `To start primary school in ${year.year} a child must be born on or before ${formatCivilDate(cutoff.value, 'en')}; this child was born on ${formatCivilDate(facts.birthDate, 'en')}`,
        cutoff.citation,
      ),
    };
  }
  if (facts.birthDate < cohortFrom.value) {
    // 五(五): only Beijing-hukou overage children, and only after the district approved their papers.
    const ok = facts.hukou !== 'non_beijing' && facts.overageApproved === true;
    return {
      id: 'age',
      holds: ok,
      reason: ok
        ? reason('overage_approved', '本市户籍超龄儿童，证明材料已经区教育行政部门审核通过', 'A Beijing-hukou child above the cohort age whose papers the district approved', overageCitation)
        : reason(
            'overage_not_approved',
            `超龄儿童（${formatCivilDate(cohortFrom.value)}以前出生）须为本市户籍，并经区教育行政部门审核通过`,
            `A child born before ${formatCivilDate(cohortFrom.value, 'en')} is above the cohort age: only Beijing-hukou children whose papers the district approved may apply`,
            overageCitation,
          ),
    };
  }
  return {
    id: 'age',
    holds: true,
    reason: reason('age_met', `年满六周岁（${formatCivilDate(cutoff.value)}以前出生）`, `Six years old in time (born on or before ${formatCivilDate(cutoff.value, 'en')})`, cutoff.citation),
  };
}

export function checkPrimaryEligibility(facts: PrimaryFacts, year: EnrollmentYear): EligibilityReport {
  const beijingPersonal: Part = { ok: facts.hukou === 'beijing_personal', zh: '须为本市个人居民户籍', en: 'needs a Beijing personal hukou' };
  const xichengPersonal: Part = { ok: facts.hukou === 'beijing_personal' && facts.hukouInXicheng, zh: '须为本区（西城区）个人居民户籍', en: 'needs a Xicheng personal hukou' };
  const xichengCollective: Part = { ok: facts.hukou === 'beijing_collective' && facts.hukouInXicheng, zh: '须为本区单位集体户籍', en: 'needs a Xicheng unit collective hukou' };
  const lives: Part = { ok: facts.livesInXicheng, zh: '须实际居住在西城区', en: 'must actually live in Xicheng' };
  const conditions: ConditionResult[] = [
    condition('①', '本市户籍且监护人在西城区有独立产权房或租住公房', 'Beijing hukou with a guardian owning or renting public housing in Xicheng', [
      beijingPersonal,
      { ok: facts.guardianHousingInXicheng, zh: '法定监护人须在西城区具有独立产权房或租住公房', en: 'a legal guardian must own a home or rent public housing in Xicheng' },
    ], conditionCitations['①'] as Citation),
    condition('②', '本区个人户籍且实际居住在西城区', 'Xicheng personal hukou, living in Xicheng', [xichengPersonal, lives], conditionCitations['②'] as Citation),
    condition('③', '本区单位集体户籍且实际居住在西城区', 'Xicheng unit collective hukou, living in Xicheng', [
      xichengCollective,
      lives,
      { ok: facts.guardianInUnitCollectiveAndWorksThere, zh: '法定监护人至少一方须为该单位集体户籍并在该单位工作', en: 'a guardian must be in that collective hukou and work at the unit' },
    ], conditionCitations['③'] as Citation),
    condition('④', '按本市户籍对待', 'Treated as Beijing hukou', [
      lives,
      { ok: facts.guardianWorksInXicheng, zh: '法定监护人须在西城区工作', en: 'a legal guardian must work in Xicheng' },
      { ok: facts.treatedAsBeijingHukou, zh: '须符合按本市户籍对待条件', en: 'must meet the conditions for being treated as Beijing hukou' },
    ], conditionCitations['④'] as Citation),
    condition('⑤', '持有《非本市户籍适龄儿童在西城区就读批准书》', 'Holds the non-local approval letter', [
      { ok: facts.holdsNonLocalApprovalLetter, zh: '须取得居住地街道办事处开具的批准书（西教发〔2019〕11号审核）', en: 'needs the approval letter from the street office (review under 西教发〔2019〕11号)' },
    ], conditionCitations['⑤'] as Citation),
  ];
  const age = ageCheck(facts, year);
  const satisfiedBy = conditions.filter((c) => c.holds).map((c) => c.id);
  return { stage: 'primary', year: year.year, eligible: age.holds && satisfiedBy.length > 0, age, conditions, satisfiedBy };
}

export function checkMiddleEligibility(facts: MiddleFacts, year: EnrollmentYear): EligibilityReport {
  const current = facts.graduationYear === year.year;
  const currentPart: Part = { ok: current, zh: `须为${year.year}年应届毕业生`, en: `must graduate in ${year.year}` };
  const parts1: Part[] = [{ ok: facts.primarySchoolInXicheng, zh: '须在西城区小学就读六年级', en: 'must be in year 6 at a Xicheng primary school' }, currentPart];
  const parts2: Part[] = [
    { ok: !facts.primarySchoolInXicheng, zh: '适用于非本区小学毕业生', en: 'applies to graduates of primary schools outside Xicheng' },
    currentPart,
    { ok: facts.returnApproved, zh: '须已办理回区升学手续并经区教育行政部门审核通过', en: 'the return application (回区升学) must have been approved' },
  ];
  const mk = (id: string, zh: string, en: string, parts: Part[], citation: Citation): ConditionResult => {
    const failing = parts.filter((p) => !p.ok);
    const holds = failing.length === 0;
    return {
      id,
      holds,
      reason: holds
        ? reason('middle_condition_met', `符合条件${id}（${zh}）`, `Meets condition ${id} (${en})`, citation)
        : reason('middle_condition_not_met', `不符合条件${id}（${zh}）：${failing.map((p) => p.zh).join('；')}`, `Does not meet condition ${id} (${en}): ${failing.map((p) => p.en).join('; ')}`, citation),
    };
  };
  const conditions = [
    mk('①', '西城区小学六年级应届毕业生', 'Xicheng year-6 graduate', parts1, cite('西教发〔2019〕10号', '三(二)1①')),
    mk('②', '已办理回区升学手续的非本区小学应届毕业生', 'Graduate from outside Xicheng with an approved return application', parts2, cite('西教发〔2019〕10号', '三(二)1②')),
  ];
  const satisfiedBy = conditions.filter((c) => c.holds).map((c) => c.id);
  return { stage: 'middle', year: year.year, eligible: satisfiedBy.length > 0, conditions, satisfiedBy };
}

/** The report as a Decision: allowed with the held conditions as notes, or refused with every failed one. */
export function eligibilityDecision(report: EligibilityReport): Decision<EligibilityReport> {
  const held = report.conditions.filter((c) => c.holds).map((c) => c.reason);
  if (report.eligible) return allow(report, report.age ? [report.age.reason, ...held] : held);
  const failed: Reason[] = [];
  if (report.age && !report.age.holds) failed.push(report.age.reason);
  // With the age condition failing, conditions that hold are still reported in the value; the refusal lists what failed.
  if (report.satisfiedBy.length === 0) failed.push(...report.conditions.map((c) => c.reason));
  return refuse(...failed);
}

export function primaryEligibility(facts: PrimaryFacts, year: EnrollmentYear): Decision<EligibilityReport> {
  return eligibilityDecision(checkPrimaryEligibility(facts, year));
}

export function middleEligibility(facts: MiddleFacts, year: EnrollmentYear): Decision<EligibilityReport> {
  return eligibilityDecision(checkMiddleEligibility(facts, year));
}
