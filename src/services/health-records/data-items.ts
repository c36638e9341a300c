import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import { disclosureCitation } from './citations.ts';

/**
 * 西卫〔2019〕4号 第十三条: use is managed by class. Personal items are confidential (个人隐私信息,
 * 不得对外提供和公开); operating figures are internal; only aggregates may be published.
 */
export type DisclosureClass = 'public' | 'internal' | 'confidential';

export const recordKinds = ['encounter', 'diagnosis', 'prescription', 'lab_result', 'family_doctor_contract', 'referral_hand_back'] as const;
export type RecordKind = (typeof recordKinds)[number];

/**
 * What institutions upload themselves. A referral hand-back (西卫〔2019〕5号 第二十八条) arrives only
 * from the referral platform (hand-back.ts), never through the upload format.
 */
export const uploadKinds = ['encounter', 'diagnosis', 'prescription', 'lab_result', 'family_doctor_contract'] as const satisfies readonly RecordKind[];
export type UploadKind = (typeof uploadKinds)[number];

/** Personal data items a grant can name: the basic items plus each kind of record. */
export const personalDataItems = ['basics', ...recordKinds] as const;
export type PersonalDataItem = (typeof personalDataItems)[number];

export const dataItemLabels: Record<PersonalDataItem, { zh: string; en: string }> = {
  basics: { zh: '基本信息', en: 'Basic data items' },
  encounter: { zh: '就诊摘要', en: 'Encounter summaries' },
  diagnosis: { zh: '诊断', en: 'Diagnoses' },
  prescription: { zh: '处方', en: 'Prescriptions' },
  lab_result: { zh: '检验结果', en: 'Lab results' },
  family_doctor_contract: { zh: '家庭医生签约', en: 'Family-doctor contracts' },
  referral_hand_back: { zh: '转诊回转（下转）', en: 'Referral hand-backs' },
};

export const disclosureClasses: Record<string, DisclosureClass> = {
  ...Object.fromEntries(personalDataItems.map((i) => [i, 'confidential' as const])),
  upload_log: 'internal',
  grant_register: 'internal',
  institution_register: 'internal',
  statistics: 'public',
};

export function disclosureClassOf(item: string): DisclosureClass {
  // Unknown items are treated as the most protected class.
  return disclosureClasses[item] ?? 'confidential';
}

/** 第十三条: only public-class data may be published; personal data never. */
export function mayPublish(item: string): Decision {
  return disclosureClassOf(item) === 'public'
    ? allow()
    : refuse(reason('not_publishable', '保密信息和个人隐私信息不得对外提供和公开', 'Confidential and personal data may not be published', disclosureCitation));
}

/**
 * Purposes a grant may name and a request must state (第十三条: 医学研究、科学决策和便民服务;
 * direct grants cover the institutions' own services).
 */
export const purposes = ['treatment', 'referral', 'family_doctor', 'public_health', 'research', 'decision_support'] as const;
export type Purpose = (typeof purposes)[number];

export const purposeLabels: Record<Purpose, { zh: string; en: string }> = {
  treatment: { zh: '诊疗服务', en: 'Treatment' },
  referral: { zh: '转诊', en: 'Referral' },
  family_doctor: { zh: '家庭医生签约服务', en: 'Family-doctor service' },
  public_health: { zh: '公共卫生管理', en: 'Public-health management' },
  research: { zh: '医学研究', en: 'Medical research' },
  decision_support: { zh: '科学决策', en: 'Decision support' },
};

export function isPurpose(s: string): s is Purpose {
  return (purposes as readonly string[]).includes(s);
}

export function isPersonalDataItem(s: string): s is PersonalDataItem {
  return (personalDataItems as readonly string[]).includes(s);
}

/** The scope of a direct grant to an integrated institution (第十四条 默认为直接授权). */
export const directGrantItems: readonly PersonalDataItem[] = personalDataItems;
export const directGrantPurposes: readonly Purpose[] = ['treatment', 'referral', 'family_doctor', 'public_health'];
