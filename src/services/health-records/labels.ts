import { roleLabels, type Role } from '../../platform/identity/roles.ts';
import { purposeLabels, type Purpose } from './data-items.ts';

/** Audit actions on a record, in words a resident understands (第十五条: who accessed it and when). */
export const actionLabels: Record<string, { zh: string; en: string }> = {
  'health_record.create': { zh: '建立档案记录', en: 'Created a record' },
  'health_record.update': { zh: '更新档案记录', en: 'Updated a record' },
  'health_record.read': { zh: '查阅', en: 'Viewed' },
  'health_record.lookup': { zh: '查询', en: 'Looked up' },
  'health_record.copy': { zh: '下载副本', en: 'Downloaded a copy' },
  'health_record.read_refused': { zh: '查阅被拒绝（无授权）', en: 'Refused (no grant)' },
  'health_record.identity_review': { zh: '身份复核', en: 'Identity review' },
  'person.merge': { zh: '合并重复身份', en: 'Merged duplicate identity' },
  'person.merge_undo': { zh: '撤销合并', en: 'Merge undone' },
  'person.basics_review': { zh: '基本信息复核', en: 'Basic data reviewed' },
};

const pick = (m: Record<string, { zh: string; en: string }>, key: string | null, en: boolean): string => (key === null ? '' : m[key] ? (en ? m[key].en : m[key].zh) : key);
const extraRoles: Record<string, { zh: string; en: string }> = { system: { zh: '系统', en: 'System' } };

export const actionText = (a: string, en: boolean): string => pick(actionLabels, a, en);
export const roleText = (r: string, en: boolean): string => (r in roleLabels ? pick(roleLabels as Record<Role, { zh: string; en: string }>, r, en) : pick(extraRoles, r, en));
export const purposeText = (p: string | null, en: boolean): string => {
  if (p === 'self_access') return en ? 'Own access' : '本人查询';
  if (p === 'upload') return en ? 'Upload' : '上传';
  if (p === 'identity_review') return en ? 'Identity review' : '身份复核';
  return p && p in purposeLabels ? pick(purposeLabels as Record<Purpose, { zh: string; en: string }>, p, en) : p ?? '';
};
