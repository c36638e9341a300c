/**
 * Mainland-China public holidays and 调休 make-up workdays, 2019–2026, one entry per
 * yearly arrangement of the General Office of the State Council (国务院办公厅).
 *
 * Provenance: dates copied from the npm package chinese-days@1.5.7
 * (dist/chinese-days.json, built from src/holidays/generate.ts) and cross-checked
 * against holiday-calendar@1.3.3 (data/CN/2019.json … 2026.json). The two agree on
 * every date except 2020-02-02 (see the 2020 entry). Each year was also read against
 * the notice text as republished by government portals and news outlets (首都之窗, 新华社).
 * The packages are devDependencies kept only for the cross-check test; runtime code
 * must read this table, never them.
 *
 * Conventions:
 * - restDays: every day off inside the notice's 放假 spans, weekends inside a span
 *   included as the packages list them. Listing a weekend changes nothing for working-day
 *   arithmetic; only make-up workdays override weekends.
 * - An arrangement can reach into the previous December (the 2019 New Year break starts
 *   2018-12-30; the 2023 one starts 2022-12-31); those days stay with the notice that
 *   set them. Days before 2019-01-01 are carried for fidelity but the calendar does not
 *   answer for them (2018 as a whole is not covered).
 * - Amendments are applied to the dates and cited after the main notice.
 * - 2027 is not here: no notice was in either package. Its New Year break could in
 *   principle reach into late December 2026 (as 2019's and 2023's did); 2027-01-01 is
 *   a Friday, so that is unlikely, but re-check December 2026 when adding 2027.
 */

export interface NoticeCitation {
  /** Full title as issued, e.g. 国务院办公厅关于2019年部分节假日安排的通知 */
  readonly title: string;
  /** Document number (发文字号), e.g. 国办发明电〔2018〕15号 */
  readonly docNumber: string;
  /** Date signed, as printed at the foot of the notice. */
  readonly issued: string;
  /** gov.cn address as recorded in chinese-days' source comments. */
  readonly url: string;
  /** For amendments: what changed. */
  readonly amends?: string;
}

export interface YearArrangement {
  readonly year: number;
  /** The yearly notice first, then any amendments in order of issue. */
  readonly notices: readonly NoticeCitation[];
  /** 'YYYY-MM-DD' days off (法定节假日 and the bridging 调休 rest days). */
  readonly restDays: readonly string[];
  /** 'YYYY-MM-DD' weekend days that are working days (调休上班). */
  readonly makeUpWorkdays: readonly string[];
}

export const WORKDAY_DATA_SOURCE = {
  copiedFrom: 'chinese-days@1.5.7',
  crossCheckedWith: 'holiday-calendar@1.3.3',
} as const;

export const FIRST_COVERED_YEAR = 2019;
export const LAST_COVERED_YEAR = 2026;

export const ARRANGEMENTS: readonly YearArrangement[] = [
  {
    year: 2019,
    notices: [
      {
        title: '国务院办公厅关于2019年部分节假日安排的通知',
        docNumber: '国办发明电〔2018〕15号',
        issued: '2018-12-04',
        url: 'http://www.gov.cn/xinwen/2018-12/06/content_5346287.htm',
      },
      {
        title: '国务院办公厅关于调整2019年劳动节假期安排的通知',
        // Beijing's portal (首都之窗) records 发文字号 国办发明电〔2019〕3号; "2号" seen elsewhere is wrong.
        docNumber: '国办发明电〔2019〕3号',
        issued: '2019-03-22',
        url: 'http://www.gov.cn/zhengce/content/2019-03/22/content_5375877.htm',
        amends: 'Labour Day becomes 5月1日–4日 (was 5月1日 only); 4月28日 and 5月5日 (Sundays) become workdays.',
      },
    ],
    restDays: [
      '2018-12-30', '2018-12-31', '2019-01-01', // 元旦
      '2019-02-04', '2019-02-05', '2019-02-06', '2019-02-07', '2019-02-08', '2019-02-09', '2019-02-10', // 春节
      '2019-04-05', '2019-04-06', '2019-04-07', // 清明节
      '2019-05-01', '2019-05-02', '2019-05-03', '2019-05-04', // 劳动节 (as amended)
      '2019-06-07', '2019-06-08', '2019-06-09', // 端午节
      '2019-09-13', '2019-09-14', '2019-09-15', // 中秋节
      '2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04', '2019-10-05', '2019-10-06', '2019-10-07', // 国庆节
    ],
    makeUpWorkdays: [
      '2018-12-29', // 元旦
      '2019-02-02', '2019-02-03', // 春节
      '2019-04-28', '2019-05-05', // 劳动节 (added by the amendment)
      '2019-09-29', '2019-10-12', // 国庆节
    ],
  },
  {
    year: 2020,
    notices: [
      {
        title: '国务院办公厅关于2020年部分节假日安排的通知',
        docNumber: '国办发明电〔2019〕16号',
        issued: '2019-11-21',
        url: 'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm',
      },
      {
        title: '国务院办公厅关于延长2020年春节假期的通知',
        docNumber: '国办发明电〔2020〕1号',
        issued: '2020-01-26',
        url: 'http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm',
        amends:
          'Spring Festival extended to 2月2日 (COVID-19), work resumes 2月3日; ' +
          'so 1月31日 and Saturday 2月1日, a make-up workday in the original notice, became days off.',
      },
    ],
    restDays: [
      '2020-01-01', // 元旦
      // 春节 as extended. holiday-calendar@1.3.3 stops at 2020-02-01 and omits Sunday 2020-02-02;
      // the extension notice runs the holiday "至2月2日", as chinese-days has it. A Sunday either way.
      '2020-01-24', '2020-01-25', '2020-01-26', '2020-01-27', '2020-01-28', '2020-01-29', '2020-01-30',
      '2020-01-31', '2020-02-01', '2020-02-02',
      '2020-04-04', '2020-04-05', '2020-04-06', // 清明节
      '2020-05-01', '2020-05-02', '2020-05-03', '2020-05-04', '2020-05-05', // 劳动节
      '2020-06-25', '2020-06-26', '2020-06-27', // 端午节
      '2020-10-01', '2020-10-02', '2020-10-03', '2020-10-04', '2020-10-05', '2020-10-06', '2020-10-07', '2020-10-08', // 国庆节、中秋节
    ],
    makeUpWorkdays: [
      '2020-01-19', // 春节 (2020-02-01 cancelled by the extension)
      '2020-04-26', '2020-05-09', // 劳动节
      '2020-06-28', // 端午节
      '2020-09-27', '2020-10-10', // 国庆节、中秋节
    ],
  },
  {
    year: 2021,
    notices: [
      {
        title: '国务院办公厅关于2021年部分节假日安排的通知',
        docNumber: '国办发明电〔2020〕27号',
        issued: '2020-11-25',
        url: 'http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm',
      },
    ],
    restDays: [
      '2021-01-01', '2021-01-02', '2021-01-03', // 元旦
      '2021-02-11', '2021-02-12', '2021-02-13', '2021-02-14', '2021-02-15', '2021-02-16', '2021-02-17', // 春节
      '2021-04-03', '2021-04-04', '2021-04-05', // 清明节
      '2021-05-01', '2021-05-02', '2021-05-03', '2021-05-04', '2021-05-05', // 劳动节
      '2021-06-12', '2021-06-13', '2021-06-14', // 端午节
      '2021-09-19', '2021-09-20', '2021-09-21', // 中秋节
      '2021-10-01', '2021-10-02', '2021-10-03', '2021-10-04', '2021-10-05', '2021-10-06', '2021-10-07', // 国庆节
    ],
    makeUpWorkdays: [
      '2021-02-07', '2021-02-20', // 春节
      '2021-04-25', '2021-05-08', // 劳动节
      '2021-09-18', // 中秋节
      '2021-09-26', '2021-10-09', // 国庆节
    ],
  },
  {
    year: 2022,
    notices: [
      {
        title: '国务院办公厅关于2022年部分节假日安排的通知',
        docNumber: '国办发明电〔2021〕11号',
        issued: '2021-10-25',
        url: 'http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm',
      },
    ],
    restDays: [
      '2022-01-01', '2022-01-02', '2022-01-03', // 元旦
      '2022-01-31', '2022-02-01', '2022-02-02', '2022-02-03', '2022-02-04', '2022-02-05', '2022-02-06', // 春节
      '2022-04-03', '2022-04-04', '2022-04-05', // 清明节
      '2022-04-30', '2022-05-01', '2022-05-02', '2022-05-03', '2022-05-04', // 劳动节
      '2022-06-03', '2022-06-04', '2022-06-05', // 端午节
      '2022-09-10', '2022-09-11', '2022-09-12', // 中秋节
      '2022-10-01', '2022-10-02', '2022-10-03', '2022-10-04', '2022-10-05', '2022-10-06', '2022-10-07', // 国庆节
    ],
    makeUpWorkdays: [
      '2022-01-29', '2022-01-30', // 春节
      '2022-04-02', // 清明节
      '2022-04-24', '2022-05-07', // 劳动节
      '2022-10-08', '2022-10-09', // 国庆节
    ],
  },
  {
    year: 2023,
    notices: [
      {
        title: '国务院办公厅关于2023年部分节假日安排的通知',
        docNumber: '国办发明电〔2022〕16号',
        issued: '2022-12-08',
        url: 'http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm',
      },
    ],
    restDays: [
      '2022-12-31', '2023-01-01', '2023-01-02', // 元旦 (from 2022-12-31)
      '2023-01-21', '2023-01-22', '2023-01-23', '2023-01-24', '2023-01-25', '2023-01-26', '2023-01-27', // 春节
      '2023-04-05', // 清明节
      '2023-04-29', '2023-04-30', '2023-05-01', '2023-05-02', '2023-05-03', // 劳动节
      '2023-06-22', '2023-06-23', '2023-06-24', // 端午节
      '2023-09-29', '2023-09-30', '2023-10-01', '2023-10-02', '2023-10-03', '2023-10-04', '2023-10-05', '2023-10-06', // 中秋节、国庆节
    ],
    makeUpWorkdays: [
      '2023-01-28', '2023-01-29', // 春节
      '2023-04-23', '2023-05-06', // 劳动节
      '2023-06-25', // 端午节
      '2023-10-07', '2023-10-08', // 中秋节、国庆节
    ],
  },
  {
    year: 2024,
    notices: [
      {
        title: '国务院办公厅关于2024年部分节假日安排的通知',
        docNumber: '国办发明电〔2023〕7号',
        issued: '2023-10-25',
        url: 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm',
      },
    ],
    restDays: [
      '2024-01-01', // 元旦
      // 春节. 除夕 2024-02-09 is only "encouraged" as leave in the notice: it stays a workday.
      '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16', '2024-02-17',
      '2024-04-04', '2024-04-05', '2024-04-06', // 清明节
      '2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05', // 劳动节
      '2024-06-10', // 端午节
      '2024-09-15', '2024-09-16', '2024-09-17', // 中秋节
      '2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07', // 国庆节
    ],
    makeUpWorkdays: [
      '2024-02-04', '2024-02-18', // 春节
      '2024-04-07', // 清明节
      '2024-04-28', '2024-05-11', // 劳动节
      '2024-09-14', // 中秋节
      '2024-09-29', '2024-10-12', // 国庆节
    ],
  },
  {
    // First year under the revised 全国年节及纪念日放假办法 (Nov 2024): Spring Festival and Labour Day +1 day each.
    year: 2025,
    notices: [
      {
        title: '国务院办公厅关于2025年部分节假日安排的通知',
        docNumber: '国办发明电〔2024〕12号',
        issued: '2024-11-12',
        url: 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm',
      },
    ],
    restDays: [
      '2025-01-01', // 元旦
      '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04', // 春节
      '2025-04-04', '2025-04-05', '2025-04-06', // 清明节
      '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05', // 劳动节
      '2025-05-31', '2025-06-01', '2025-06-02', // 端午节
      '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08', // 国庆节、中秋节
    ],
    makeUpWorkdays: [
      '2025-01-26', '2025-02-08', // 春节
      '2025-04-27', // 劳动节
      '2025-09-28', '2025-10-11', // 国庆节、中秋节
    ],
  },
  {
    year: 2026,
    notices: [
      {
        title: '国务院办公厅关于2026年部分节假日安排的通知',
        docNumber: '国办发明电〔2025〕7号',
        issued: '2025-11-04',
        url: 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm',
      },
    ],
    restDays: [
      '2026-01-01', '2026-01-02', '2026-01-03', // 元旦
      '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21',
      '2026-02-22', '2026-02-23', // 春节
      '2026-04-04', '2026-04-05', '2026-04-06', // 清明节
      '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', // 劳动节
      '2026-06-19', '2026-06-20', '2026-06-21', // 端午节
      '2026-09-25', '2026-09-26', '2026-09-27', // 中秋节
      '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', // 国庆节
    ],
    makeUpWorkdays: [
      '2026-01-04', // 元旦
      '2026-02-14', '2026-02-28', // 春节
      '2026-05-09', // 劳动节
      '2026-09-20', '2026-10-10', // 国庆节
    ],
  },
];

export function arrangementForYear(year: number): YearArrangement | undefined {
  return ARRANGEMENTS.find((a) => a.year === year);
}
