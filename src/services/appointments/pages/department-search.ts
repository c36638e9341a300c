import { match, pinyin } from 'pinyin-pro';

/**
 * Department search for residents (第六条 (一) one entry point for the whole district): by department,
 * institution, department category, or symptom area, in characters, full pinyin ("erke") or initials
 * ("ek"). Pure: the page passes the registry rows in.
 */
export interface SearchableDepartment {
  readonly id: number;
  readonly institutionId: number;
  readonly name: string;
  readonly institution: string;
  readonly category: string;
  readonly baseDepartment: string;
}

/**
 * Symptom areas in plain words, mapped to the base departments or categories that treat them. A
 * guide, not triage: the page says so and always shows the department name it matched.
 */
export const symptomAreas: readonly { readonly zh: string; readonly en: string; readonly terms: readonly string[]; readonly departments: readonly string[] }[] = [
  { zh: '心脏、血压', en: 'Heart and blood pressure', terms: ['心慌', '胸闷', '胸痛', '高血压', '心脏'], departments: ['心血管内科'] },
  { zh: '血糖、甲状腺', en: 'Blood sugar and thyroid', terms: ['糖尿病', '血糖', '甲状腺', '肥胖'], departments: ['内分泌科'] },
  { zh: '腹部、外伤', en: 'Abdomen and injuries', terms: ['腹痛', '阑尾', '疝气', '外伤', '肿块'], departments: ['普通外科', '外科'] },
  { zh: '儿童', en: 'Children', terms: ['小儿', '孩子', '儿童', '婴儿'], departments: ['儿科'] },
  { zh: '眼睛', en: 'Eyes', terms: ['眼睛', '视力', '近视', '眼红'], departments: ['眼科'] },
  { zh: '牙齿、口腔', en: 'Teeth and mouth', terms: ['牙痛', '牙齿', '口腔溃疡', '智齿'], departments: ['口腔科'] },
  { zh: '常见病、慢病随访', en: 'Common illness and chronic follow-up', terms: ['感冒', '发热', '咳嗽', '慢病', '开药'], departments: ['全科医疗科', '全科'] },
];

export interface DepartmentMatch<T extends SearchableDepartment> {
  readonly department: T;
  /** What matched, for the result line: the department itself, its institution, category or a symptom. */
  readonly via: 'department' | 'institution' | 'category' | 'symptom';
  /** The symptom term that matched, when via is 'symptom'. */
  readonly symptom?: string;
}

/** Lower case, no spaces, ü written v: how people type pinyin on a phone. */
export function normaliseQuery(q: string): string {
  return q.normalize('NFKC').toLowerCase().replace(/\s+/g, '').replace(/ü/g, 'v').slice(0, 40);
}

/** Characters, full pinyin or initials, contiguous ("ek" matches 儿科, not 儿童口腔科's 儿…科). */
export function textMatches(text: string, query: string): boolean {
  const q = normaliseQuery(query);
  if (!q) return false;
  if (text.toLowerCase().includes(q)) return true;
  if (!/^[a-z]+$/.test(q)) return false;
  return match(text, q, { continuous: true, insensitive: true, v: true }) !== null;
}

/**
 * Keys for the browser's live filter: the text and its initials (matched as substrings) and its
 * syllables separated by spaces (matched from a syllable's start, so "ek" does not hit 医科 "yike").
 */
export function searchKeys(text: string): string[] {
  const full = pinyin(text, { toneType: 'none', type: 'array', v: true }).join(' ').toLowerCase();
  const initials = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
  return [text.toLowerCase(), full, initials];
}

/** Which symptom areas a department treats. */
export function areasOf(d: SearchableDepartment): number[] {
  return symptomAreas.flatMap((a, i) => (a.departments.includes(d.name) || a.departments.includes(d.baseDepartment) ? [i] : []));
}

/**
 * Departments matching the query, best reasons first: the department's own name, then its
 * institution, its category, then a symptom term. `area` (an index into symptomAreas) narrows.
 */
export function searchDepartments<T extends SearchableDepartment>(list: readonly T[], query: string, area?: number): DepartmentMatch<T>[] {
  const inArea = (d: T) => area === undefined || areasOf(d).includes(area);
  const q = normaliseQuery(query);
  if (!q) return list.filter(inArea).map((department) => ({ department, via: 'department' as const }));
  const out: DepartmentMatch<T>[] = [];
  for (const d of list) {
    if (!inArea(d)) continue;
    if (textMatches(d.name, q) || textMatches(d.baseDepartment, q)) out.push({ department: d, via: 'department' });
    else if (textMatches(d.institution, q)) out.push({ department: d, via: 'institution' });
    else if (textMatches(d.category, q)) out.push({ department: d, via: 'category' });
    else {
      const symptom = areasOf(d)
        .flatMap((i) => symptomAreas[i]?.terms ?? [])
        .find((term) => textMatches(term, q));
      if (symptom) out.push({ department: d, via: 'symptom', symptom });
    }
  }
  const rank = { department: 0, institution: 1, category: 2, symptom: 3 } as const;
  return out.sort((a, b) => rank[a.via] - rank[b.via]);
}
