/**
 * Dated parameters of one enrollment year. Rules take an EnrollmentYear; they never compute a
 * date from the year number, because each year's dates come from that year's documents
 * (OpenFisca style: a parameter carries its value and its legal source).
 * Only 2019 is in force here: 西教发〔2019〕10号 and 11号.
 */
import { cite, type Citation, type LocalizedText } from '../../../platform/law/decision.ts';
import { parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';

export interface Param<T> {
  readonly value: T;
  readonly citation: Citation;
}

export type Stage = 'primary' | 'middle';

/** One row of 附件1/附件2 (or a dated step of 11号), as written and as a civil-date window. */
export interface TimetableEntry {
  readonly step: TimetableStep;
  readonly stage: Stage | 'non_local';
  readonly label: LocalizedText;
  /** The 时间 column exactly as the gazette prints it. */
  readonly gazetteText: string;
  /** Undefined for "X日前" rows, which only have an end. */
  readonly from?: CivilDate;
  readonly to: CivilDate;
  readonly citation: Citation;
  /** Set where a date had to be interpreted (上旬, 下旬, 前), in both languages. */
  readonly interpretation?: LocalizedText;
}

export type TimetableStep =
  // 附件1 小学
  | 'primary.info_collection'
  | 'primary.boarding_and_private_notices'
  | 'primary.private_admission'
  | 'primary.registration_notice'
  | 'primary.district_lottery'
  | 'primary.boarding_admission'
  | 'primary.registration'
  | 'primary.special_education_registration'
  | 'primary.admission_letters'
  // 附件2 初中
  | 'middle.graduate_check'
  | 'middle.private_notices'
  | 'middle.return_review'
  | 'middle.return_application'
  | 'middle.nine_year'
  | 'middle.district_wide_lottery'
  | 'middle.paired_registration'
  | 'middle.featured_local'
  | 'middle.paired_admission'
  | 'middle.private_and_featured_cross'
  | 'middle.zone_registration'
  | 'middle.zone_lottery'
  | 'middle.admission_letters'
  // 西教发〔2019〕11号 二 审核程序
  | 'non_local.application'
  | 'non_local.joint_review'
  | 'non_local.onsite_review'
  | 'non_local.confirmation';

export interface EnrollmentYear {
  readonly year: number;
  /** 10号 三(一)1: 年满六周岁（…8月31日以前出生）. "以前" is read as "on or before". */
  readonly primaryBornOnOrBefore: Param<CivilDate>;
  /** The school-age cohort 当年入学规定 (11号 三(三)1); older Beijing-hukou children are 超龄 (10号 五(五)). */
  readonly cohortBornFrom: Param<CivilDate>;
  /** 11号 一 / 三(三)1: non-local children must be born in this window. */
  readonly nonLocalBirthWindow: Param<{ readonly from: CivilDate; readonly to: CivilDate }>;
  /** 11号 三(一)1: social insurance paid in Xicheng for these months ('YYYY-MM'). */
  readonly socialInsuranceMonths: Param<readonly string[]>;
  /** 11号 三(二)2(3): rental tax paid for over a year up to this day. */
  readonly rentalTaxUpTo: Param<CivilDate>;
  readonly timetable: readonly TimetableEntry[];
}

const d = parseCivilDate;

function row(
  step: TimetableStep,
  stage: TimetableEntry['stage'],
  gazetteText: string,
  from: string | undefined,
  to: string,
  zh: string,
  en: string,
  citation: Citation,
  interpretation?: LocalizedText,
): TimetableEntry {
  return {
    step,
    stage,
    gazetteText,
    ...(from ? { from: d(from) } : {}),
    to: d(to),
    label: { zh, en },
    citation,
    ...(interpretation ? { interpretation } : {}),
  };
}

const byDay: LocalizedText = { zh: '“X日前”按含当日理解', en: '"before day X" is read as "on or before day X"' };
const earlyMonth: LocalizedText = { zh: '“上旬”按1日至10日理解', en: '上旬 (first third of the month) is read as days 1–10' };
const lateMonth: LocalizedText = { zh: '“下旬”按21日至月末理解', en: '下旬 (last third of the month) is read as day 21 to month end' };

/** 附件1 西城区 2019 年小学入学工作时间安排, row by row. */
const primary2019: readonly TimetableEntry[] = [
  row('primary.boarding_and_private_notices', 'primary', '5 月 1-5 日', '2019-05-01', '2019-05-05', '寄宿制小学发布入学通告 民办学校发布招生简章', 'Boarding schools publish admission notices; private schools publish prospectuses', cite('西教发〔2019〕10号', '附件1')),
  row('primary.info_collection', 'primary', '5 月 6-31 日', '2019-05-06', '2019-05-31', '小学入学信息采集', 'Primary school-age information collection', cite('西教发〔2019〕10号', '附件1')),
  row('primary.private_admission', 'primary', '5 月 25-6 月 7 日', '2019-05-25', '2019-06-07', '民办学校组织、完成招生工作', 'Private schools admit pupils', cite('西教发〔2019〕10号', '附件1')),
  row('primary.registration_notice', 'primary', '5 月 31 日', '2019-05-31', '2019-05-31', '各小学公布新生登记入学通告', 'Each primary school publishes its registration notice', cite('西教发〔2019〕10号', '附件1')),
  row('primary.district_lottery', 'primary', '6 月 1-7 日', '2019-06-01', '2019-06-07', '完成学区派位入学工作', 'School-district lottery (学区派位)', cite('西教发〔2019〕10号', '附件1')),
  row('primary.boarding_admission', 'primary', '6 月 3 日', '2019-06-03', '2019-06-03', '寄宿制小学完成招生', 'Boarding schools complete admission', cite('西教发〔2019〕10号', '附件1')),
  row('primary.registration', 'primary', '6 月 15-16 日', '2019-06-15', '2019-06-16', '小学登记入学报名', 'Registration at the catchment primary school (登记入学报名)', cite('西教发〔2019〕10号', '附件1')),
  row('primary.special_education_registration', 'primary', '6 月 22-23 日', '2019-06-22', '2019-06-23', '小学特殊教育学校入学登记', 'Special-education school registration', cite('西教发〔2019〕10号', '附件1')),
  row('primary.admission_letters', 'primary', '7 月 12 前', undefined, '2019-07-12', '各小学发放新生入学通知书', 'Primary schools send admission letters', cite('西教发〔2019〕10号', '附件1'), byDay),
];

/** 附件2 西城区 2019 年初中入学工作时间安排, row by row. */
const middle2019: readonly TimetableEntry[] = [
  row('middle.graduate_check', 'middle', '4 月 27 日前', undefined, '2019-04-27', '完成本区小学毕业生信息核对工作', 'Check of Xicheng primary graduates\' records', cite('西教发〔2019〕10号', '附件2'), byDay),
  row('middle.private_notices', 'middle', '5 月 1-5 日', '2019-05-01', '2019-05-05', '民办学校发布招生简章', 'Private schools publish prospectuses', cite('西教发〔2019〕10号', '附件2')),
  row('middle.return_review', 'middle', '5 月 6-8 日', '2019-05-06', '2019-05-08', '审核“回户籍或居住地升学”申请', 'Review of applications to return to the hukou or residence district', cite('西教发〔2019〕10号', '附件2')),
  row('middle.return_application', 'middle', '5 月 9-10 日', '2019-05-09', '2019-05-10', '受理回西城区升学申请、审核、登记', 'Applications to return to Xicheng (回区升学)', cite('西教发〔2019〕10号', '附件2')),
  row('middle.nine_year', 'middle', '5 月 14 日', '2019-05-14', '2019-05-14', '九年一贯制入学', 'Nine-year school progression', cite('西教发〔2019〕10号', '附件2')),
  row('middle.district_wide_lottery', 'middle', '5 月 16 日', '2019-05-16', '2019-05-16', '全区派位入学', 'District-wide lottery (全区派位)', cite('西教发〔2019〕10号', '附件2')),
  row('middle.paired_registration', 'middle', '5 月下旬', '2019-05-21', '2019-05-31', '对口直升资格认定及报名', 'Paired-progression eligibility and sign-up (对口直升)', cite('西教发〔2019〕10号', '附件2'), lateMonth),
  row('middle.featured_local', 'middle', '6 月 1 日前', undefined, '2019-06-01', '特色校完成本区招生', 'Featured schools complete local admission', cite('西教发〔2019〕10号', '附件2'), byDay),
  row('middle.paired_admission', 'middle', '6 月上旬', '2019-06-01', '2019-06-10', '对口直升入学录取', 'Paired-progression lottery and admission', cite('西教发〔2019〕10号', '附件2'), earlyMonth),
  row('middle.private_and_featured_cross', 'middle', '6 月 7 日前', undefined, '2019-06-07', '民办学校完成招生 特色学校完成跨区招生', 'Private schools complete admission; featured schools complete cross-district admission', cite('西教发〔2019〕10号', '附件2'), byDay),
  row('middle.zone_registration', 'middle', '6 月 18 日', '2019-06-18', '2019-06-18', '学区登记入学录取', 'School-zone registration admission (学区登记入学)', cite('西教发〔2019〕10号', '附件2')),
  row('middle.zone_lottery', 'middle', '7 月上旬', '2019-07-01', '2019-07-10', '学区派位入学录取', 'School-zone lottery (学区派位)', cite('西教发〔2019〕10号', '附件2'), earlyMonth),
  row('middle.admission_letters', 'middle', '7 月 12 日前', undefined, '2019-07-12', '各中学发放新生入学通知书', 'Middle schools send admission letters', cite('西教发〔2019〕10号', '附件2'), byDay),
];

/** 西教发〔2019〕11号 二 审核程序: the four dated steps of the non-local document review. */
const nonLocal2019: readonly TimetableEntry[] = [
  row('non_local.application', 'non_local', '2019 年 5 月 6-14 日', '2019-05-06', '2019-05-14', '申请人网上提交申请', 'Online application', cite('西教发〔2019〕11号', '二(一)')),
  row('non_local.joint_review', 'non_local', '2019 年 5 月 15-17 日', '2019-05-15', '2019-05-17', '网上联合审核', 'Joint online review by four departments', cite('西教发〔2019〕11号', '二(二)')),
  row('non_local.onsite_review', 'non_local', '2019 年 5 月 20-24 日', '2019-05-20', '2019-05-24', '街道办事处纸质材料现场审核', 'On-site paper review at the street office', cite('西教发〔2019〕11号', '二(三)')),
  row('non_local.confirmation', 'non_local', '2019 年 5 月 31 日前', undefined, '2019-05-31', '打印《学龄人口信息采集表》确认在西城区入学', 'Confirm enrollment in Xicheng', cite('西教发〔2019〕11号', '二(四)'), byDay),
];

export const enrollment2019: EnrollmentYear = {
  year: 2019,
  primaryBornOnOrBefore: { value: d('2013-08-31'), citation: cite('西教发〔2019〕10号', '三(一)1') },
  cohortBornFrom: { value: d('2012-09-01'), citation: cite('西教发〔2019〕11号', '三(三)1') },
  nonLocalBirthWindow: { value: { from: d('2012-09-01'), to: d('2013-08-31') }, citation: cite('西教发〔2019〕11号', '一') },
  socialInsuranceMonths: { value: ['2019-01', '2019-02', '2019-03'], citation: cite('西教发〔2019〕11号', '三(一)1') },
  rentalTaxUpTo: { value: d('2019-04-30'), citation: cite('西教发〔2019〕11号', '三(二)2(3)') },
  timetable: [...primary2019, ...middle2019, ...nonLocal2019],
};

const years = new Map<number, EnrollmentYear>([[2019, enrollment2019]]);

/** The parameters in force for a year, or undefined when no document for that year is loaded. */
export function enrollmentYear(year: number): EnrollmentYear | undefined {
  return years.get(year);
}

export function knownYears(): number[] {
  return [...years.keys()].sort();
}
