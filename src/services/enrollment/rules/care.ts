/**
 * "同等条件下给予照顾" (10号 五(一)), extended to the categories of 五(二) and 五(三) as the issue
 * asks: a verified category moves a child ahead of others with the same priority class, before the
 * random number decides. It never overrides a higher priority class.
 */
import { cite, type Citation, type LocalizedText } from '../../../platform/law/decision.ts';

export const careCategories = [
  'martyr_child',
  'taiwan_student',
  'overseas_chinese_child',
  'military_child',
  'model_worker_child',
  'talent_child',
  'homeless_beijing_family',
] as const;
export type CareCategory = (typeof careCategories)[number];


export const careCategoryInfo: Record<CareCategory, { readonly label: LocalizedText; readonly citation: Citation }> = {
  martyr_child: { label: { zh: '烈士子女', en: 'Child of a martyr' }, citation: cite('西教发〔2019〕10号', '五(一)') },
  taiwan_student: { label: { zh: '台籍学生', en: 'Taiwan student' }, citation: cite('西教发〔2019〕10号', '五(一)') },
  overseas_chinese_child: { label: { zh: '华侨子女', en: 'Child of overseas Chinese' }, citation: cite('西教发〔2019〕10号', '五(一)') },
  military_child: { label: { zh: '现役军人子女', en: 'Child of serving military personnel' }, citation: cite('西教发〔2019〕10号', '五(一)') },
  model_worker_child: { label: { zh: '全国劳动模范子女', en: 'Child of a national model worker' }, citation: cite('西教发〔2019〕10号', '五(一)') },
  talent_child: { label: { zh: '区及以上人民政府引进人才及有突出贡献人员子女', en: 'Child of recruited talent or of a person of outstanding contribution' }, citation: cite('西教发〔2019〕10号', '五(二)') },
  homeless_beijing_family: { label: { zh: '本市户籍无房家庭适龄子女', en: 'Child of a Beijing-hukou family without housing' }, citation: cite('西教发〔2019〕10号', '五(三)') },
};

export function isCareCategory(s: unknown): s is CareCategory {
  return typeof s === 'string' && (careCategories as readonly string[]).includes(s);
}
