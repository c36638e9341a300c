/**
 * The admission routes of 10号 三(一)2 and 三(二)2, in the order they run, and who may use each.
 *
 * Order: the text's order (①…), except that 民办 runs where the timetable puts it. 附件2 has
 * private schools finish by 6月7日, before 学区登记 (6月18日) and 学区派位 (7月上旬), and 三(二)2⑥
 * gives 学区派位 only to those "未被其他各种入学方式录取". For primary, 附件1 has boarding schools
 * finish on 6月3日, the 学区派位 on 6月1–7日 and private schools by 6月7日, all before
 * 登记入学 on 6月15–16日; ④ 派位入学 serves the children ③ does not (non-personal hukou), last.
 * A child placed by an earlier route leaves every later one.
 */
import { allow, cite, reason, refuse, type Citation, type Decision, type LocalizedText } from '../../../platform/law/decision.ts';
import type { Hukou } from './eligibility.ts';
import type { CareCategory } from './care.ts';
import type { Stage, TimetableStep } from './parameters.ts';

export type RouteKey =
  | 'primary_boarding'
  | 'primary_zone_lottery'
  | 'primary_private'
  | 'primary_registration'
  | 'primary_district_lottery'
  | 'middle_nine_year'
  | 'middle_district_wide_lottery'
  | 'middle_featured'
  | 'middle_paired_lottery'
  | 'middle_private'
  | 'middle_zone_registration'
  | 'middle_zone_lottery';

/**
 * How places are decided.
 * - plan: the school admits by its plan (寄宿, 民办, 特色校, 九年一贯制); staff record each admission.
 * - lottery: preference lists, deferred acceptance, one random number per child (计算机派位).
 * - single_choice: one school per child; priority classes first, then the random number when over capacity.
 */
export type Mechanism = 'plan' | 'lottery' | 'single_choice';

export interface RouteDefinition {
  readonly key: RouteKey;
  readonly stage: Stage;
  readonly order: number;
  readonly label: LocalizedText;
  readonly mechanism: Mechanism;
  /** Most schools a child may list (1 for registration routes). */
  readonly maxChoices: number;
  /** When programs are reserved seat blocks for one primary school's graduates (对口直升). */
  readonly reservedBlocks: boolean;
  /** Priority classes come from hukou, property and years of residence (三(一)2③). */
  readonly usesPriorityClasses: boolean;
  /** Schools only within the child's own 学区 (三(一)2②, 三(二)2⑤⑥). */
  readonly zoneLimited: boolean;
  /**
   * The timetable row in which the route's draw or admission happens. 附件1 gives ④ 派位入学 no
   * date of its own, so its only bound is the admission letters (7月12日前).
   */
  readonly runStep: TimetableStep;
  /** The row in which parents file for it, when the timetable names one. */
  readonly applyStep?: TimetableStep;
  readonly citation: Citation;
  /** Who may use it beyond general eligibility; undefined when every eligible child may. */
  readonly hukouAllowed?: readonly Hukou[];
}


export const routes: readonly RouteDefinition[] = [
  { key: 'primary_boarding', stage: 'primary', order: 1, mechanism: 'plan', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'primary.boarding_admission', label: { zh: '寄宿学校招生', en: 'Boarding schools' }, citation: cite('西教发〔2019〕10号', '三(一)2①'), hukouAllowed: ['beijing_personal', 'beijing_collective'] },
  { key: 'primary_zone_lottery', stage: 'primary', order: 2, mechanism: 'lottery', maxChoices: 12, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: true, runStep: 'primary.district_lottery', label: { zh: '学区派位入学', en: 'School-district lottery' }, citation: cite('西教发〔2019〕10号', '三(一)2②'), hukouAllowed: ['beijing_personal'] },
  { key: 'primary_private', stage: 'primary', order: 3, mechanism: 'plan', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'primary.private_admission', label: { zh: '民办学校招生', en: 'Private schools' }, citation: cite('西教发〔2019〕10号', '三(一)2⑤') },
  { key: 'primary_registration', stage: 'primary', order: 4, mechanism: 'single_choice', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: true, zoneLimited: false, runStep: 'primary.registration', applyStep: 'primary.registration', label: { zh: '片区内登记入学', en: 'Registration at the catchment school' }, citation: cite('西教发〔2019〕10号', '三(一)2③'), hukouAllowed: ['beijing_personal'] },
  { key: 'primary_district_lottery', stage: 'primary', order: 5, mechanism: 'lottery', maxChoices: 12, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'primary.admission_letters', label: { zh: '派位入学（全区范围）', en: 'District-wide lottery' }, citation: cite('西教发〔2019〕10号', '三(一)2④') },
  { key: 'middle_nine_year', stage: 'middle', order: 1, mechanism: 'plan', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'middle.nine_year', label: { zh: '九年一贯制直升入学', en: 'Nine-year school progression' }, citation: cite('西教发〔2019〕10号', '三(二)2①') },
  { key: 'middle_district_wide_lottery', stage: 'middle', order: 2, mechanism: 'lottery', maxChoices: 12, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'middle.district_wide_lottery', label: { zh: '全区派位入学', en: 'District-wide lottery' }, citation: cite('西教发〔2019〕10号', '三(二)2②') },
  { key: 'middle_featured', stage: 'middle', order: 3, mechanism: 'plan', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'middle.featured_local', label: { zh: '特色校招生', en: 'Featured schools' }, citation: cite('西教发〔2019〕10号', '三(二)2③') },
  { key: 'middle_paired_lottery', stage: 'middle', order: 4, mechanism: 'lottery', maxChoices: 1, reservedBlocks: true, usesPriorityClasses: false, zoneLimited: false, runStep: 'middle.paired_admission', applyStep: 'middle.paired_registration', label: { zh: '对口直升派位入学', en: 'Paired-progression lottery' }, citation: cite('西教发〔2019〕10号', '三(二)2④') },
  { key: 'middle_private', stage: 'middle', order: 5, mechanism: 'plan', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: false, runStep: 'middle.private_and_featured_cross', label: { zh: '民办学校招生', en: 'Private schools' }, citation: cite('西教发〔2019〕10号', '三(二)2⑦') },
  { key: 'middle_zone_registration', stage: 'middle', order: 6, mechanism: 'single_choice', maxChoices: 1, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: true, runStep: 'middle.zone_registration', label: { zh: '学区登记入学', en: 'School-zone registration' }, citation: cite('西教发〔2019〕10号', '三(二)2⑤') },
  { key: 'middle_zone_lottery', stage: 'middle', order: 7, mechanism: 'lottery', maxChoices: 12, reservedBlocks: false, usesPriorityClasses: false, zoneLimited: true, runStep: 'middle.zone_lottery', label: { zh: '学区派位入学', en: 'School-zone lottery' }, citation: cite('西教发〔2019〕10号', '三(二)2⑥') },
];

export const routeKeys = routes.map((r) => r.key);

export function routeDefinition(key: string): RouteDefinition | undefined {
  return routes.find((r) => r.key === key);
}

export function routesOf(stage: Stage): RouteDefinition[] {
  return routes.filter((r) => r.stage === stage).sort((a, b) => a.order - b.order);
}

/** Routes that use the random number, and so need a draw. */
export function routeNeedsDraw(r: RouteDefinition): boolean {
  return r.mechanism !== 'plan';
}

export interface RouteApplicant {
  /** Primary only. */
  readonly hukou?: Hukou | undefined;
  readonly careCategory?: CareCategory | null | undefined;
}

const hukouLabel: Record<Hukou, LocalizedText> = {
  beijing_personal: { zh: '本市个人居民户籍', en: 'Beijing personal hukou' },
  beijing_collective: { zh: '本市集体户籍', en: 'Beijing collective hukou' },
  non_beijing: { zh: '非本市户籍', en: 'non-Beijing hukou' },
};

/**
 * Whether an eligible child may use a route. ④ 派位入学 serves "集体户籍、非本市户籍、按本市户籍对待等
 * 其他适龄儿童", i.e. everyone ③ does not, plus Beijing-hukou families without housing, whom
 * 五(三) sends to the district-wide lottery.
 */
export function routeAccess(route: RouteDefinition, applicant: RouteApplicant): Decision<undefined> {
  if (route.key === 'primary_district_lottery') {
    const ok = applicant.hukou !== 'beijing_personal' || applicant.careCategory === 'homeless_beijing_family';
    return ok
      ? allow()
      : refuse(reason('route_not_open_to_child', '本市个人居民户籍适龄儿童通过片区内登记入学或学区派位入学；全区派位入学面向集体户籍、非本市户籍等其他适龄儿童及本市户籍无房家庭子女', 'Children with a Beijing personal hukou enter by catchment registration or the school-district lottery; the district-wide lottery is for collective and non-Beijing hukou and Beijing families without housing', route.citation));
  }
  if (route.hukouAllowed && (!applicant.hukou || !route.hukouAllowed.includes(applicant.hukou))) {
    const who = route.hukouAllowed.map((h) => hukouLabel[h]);
    return refuse(
      reason(
        'route_not_open_to_child',
        `“${route.label.zh}”只面向${who.map((w) => w.zh).join('或')}适龄儿童`,
        `"${route.label.en}" is only for children with a ${who.map((w) => w.en).join(' or ')}`,
        route.citation,
      ),
    );
  }
  return allow();
}

export interface RegistrationFacts {
  /** The child's hukou is at an address in the school's service area (招生服务范围). */
  readonly hukouInServiceArea: boolean;
  /** A guardian owns the home in the service area. */
  readonly propertyInServiceArea: boolean;
  /** Whole years the family has lived there. */
  readonly yearsAtAddress: number;
}

/**
 * Priority class for 片区内登记入学 (三(一)2③ "学校依据户籍、房产、居住年限等条件录取"), lower first:
 * hukou and property both in the service area, then one of them, then neither; within each,
 * longer residence first (7 years and more count alike). The gazette names the criteria but not
 * their weights; this ordering is a modelling choice each school's 《新生登记入学通告》 would fix.
 */
export function registrationPriorityClass(f: RegistrationFacts): number {
  const tier = f.hukouInServiceArea && f.propertyInServiceArea ? 0 : f.hukouInServiceArea || f.propertyInServiceArea ? 1 : 2;
  const years = Math.max(0, Math.min(7, Math.floor(f.yearsAtAddress)));
  return tier * 8 + (7 - years);
}
