import { describe, expect, it } from 'vitest';
import { areasOf, normaliseQuery, searchDepartments, searchKeys, symptomAreas, textMatches, type SearchableDepartment } from './department-search.ts';

const rows: SearchableDepartment[] = [
  { id: 1, institutionId: 1, name: '心血管内科', institution: '北京大学人民医院', category: '内科', baseDepartment: '内科' },
  { id: 2, institutionId: 1, name: '儿科', institution: '北京大学人民医院', category: '儿科', baseDepartment: '儿科' },
  { id: 3, institutionId: 1, name: '口腔科', institution: '北京大学人民医院', category: '口腔科', baseDepartment: '口腔科' },
  { id: 4, institutionId: 2, name: '全科医疗科', institution: '月坛社区卫生服务中心', category: '全科', baseDepartment: '全科医疗科' },
  { id: 5, institutionId: 3, name: '眼科', institution: '宣武医院', category: '五官科', baseDepartment: '眼科' },
];
const names = (q: string, area?: number) => searchDepartments(rows, q, area).map((m) => m.department.name);

describe('department search with pinyin', () => {
  it('finds 儿科 by initials, full pinyin, part of the pinyin and a character', () => {
    expect(names('ek')).toEqual(['儿科']);
    expect(names('erke')).toEqual(['儿科']);
    expect(names('ErKe')).toEqual(['儿科']);
    expect(names('er ke')).toEqual(['儿科']);
    expect(names('erk')).toEqual(['儿科']);
    expect(names('儿')).toEqual(['儿科']);
  });

  it('matches contiguously: initials that are not next to each other do not match', () => {
    expect(textMatches('心血管内科', 'xk')).toBe(false);
    expect(textMatches('心血管内科', 'xxg')).toBe(true);
    expect(textMatches('心血管内科', 'neike')).toBe(true);
    expect(names('xk')).toEqual([]);
  });

  it('finds every department of an institution by its name or initials, after own-name matches', () => {
    expect(names('rmyy')).toEqual(['心血管内科', '儿科', '口腔科']);
    expect(searchDepartments(rows, '人民医院').every((m) => m.via === 'institution')).toBe(true);
    expect(names('ytsq')).toEqual(['全科医疗科']);
  });

  it('finds a department by symptom, in characters or pinyin, and says which symptom matched', () => {
    const tooth = searchDepartments(rows, '牙痛');
    expect(tooth.map((m) => [m.department.name, m.via, m.symptom])).toEqual([['口腔科', 'symptom', '牙痛']]);
    expect(names('yatong')).toEqual(['口腔科']);
    expect(names('咳嗽')).toEqual(['全科医疗科']);
  });

  it('narrows by symptom area, alone or with a query', () => {
    const eyes = symptomAreas.findIndex((a) => a.zh === '眼睛');
    expect(names('', eyes)).toEqual(['眼科']);
    expect(names('rmyy', eyes)).toEqual([]);
    expect(areasOf(rows[1]!)).toEqual([symptomAreas.findIndex((a) => a.zh === '儿童')]);
  });

  it('returns everything for an empty query and nothing for one that matches nothing', () => {
    expect(names('')).toHaveLength(rows.length);
    expect(names('zzzz')).toEqual([]);
    expect(names('<script>')).toEqual([]);
  });

  it('gives the browser plain keys for live filtering', () => {
    expect(searchKeys('儿科')).toEqual(['儿科', 'er ke', 'ek']);
    expect(searchKeys('医科大学')).toEqual(['医科大学', 'yi ke da xue', 'ykdx']);
    expect(normaliseQuery(' Lü ')).toBe('lv');
  });
});
