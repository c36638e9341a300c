/**
 * 第二十一条 (三): 高血压、糖尿病、冠心病、脑血管病等四类慢性疾病是预约转诊工作的重点; the detailed
 * criteria follow the standard attached to 《北京市分级诊疗制度建设2016-2017年度重点任务》. That
 * attachment is not in the gazette, so the wording below is a starting point that platform
 * operators replace through the criteria endpoints; only the four categories are fixed by the article.
 */
export const chronicCategories = ['hypertension', 'diabetes', 'coronary_heart_disease', 'cerebrovascular_disease'] as const;
export type ChronicCategory = (typeof chronicCategories)[number];

export const chronicCategoryLabels: Record<ChronicCategory, { zh: string; en: string }> = {
  hypertension: { zh: '高血压', en: 'Hypertension' },
  diabetes: { zh: '糖尿病', en: 'Diabetes' },
  coronary_heart_disease: { zh: '冠心病', en: 'Coronary heart disease' },
  cerebrovascular_disease: { zh: '脑血管病', en: 'Cerebrovascular disease' },
};

export function isChronicCategory(s: string | null | undefined): s is ChronicCategory {
  return typeof s === 'string' && (chronicCategories as readonly string[]).includes(s);
}

export interface CriterionSeed {
  code: string;
  name_zh: string;
  name_en: string;
  chronic_category: ChronicCategory | null;
  criteria: string;
}

export const initialCriteria: readonly CriterionSeed[] = [
  {
    code: 'HTN',
    name_zh: '高血压',
    name_en: 'Hypertension',
    chronic_category: 'hypertension',
    criteria: '规范治疗下血压仍控制不佳，或疑似继发性高血压，或出现靶器官损害、高血压急症。',
  },
  {
    code: 'DM',
    name_zh: '糖尿病',
    name_en: 'Diabetes',
    chronic_category: 'diabetes',
    criteria: '规范治疗下血糖控制不佳，或出现急性或慢性并发症，或需调整胰岛素方案。',
  },
  {
    code: 'CHD',
    name_zh: '冠心病',
    name_en: 'Coronary heart disease',
    chronic_category: 'coronary_heart_disease',
    criteria: '心绞痛发作频率或程度加重，需进一步检查评估或介入治疗。',
  },
  {
    code: 'CVD',
    name_zh: '脑血管病',
    name_en: 'Cerebrovascular disease',
    chronic_category: 'cerebrovascular_disease',
    criteria: '新发神经功能缺损或短暂性脑缺血发作，或卒中后需专科评估与康复方案。',
  },
  {
    code: 'GEN',
    name_zh: '其他需专科诊治',
    name_en: 'Other specialist care',
    chronic_category: null,
    criteria: '社区首诊后诊断不明确或超出社区诊疗能力，需上级医疗机构专科诊治。',
  },
];
