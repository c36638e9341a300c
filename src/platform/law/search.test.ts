import { describe, expect, it } from 'vitest';
import { loadGazette } from './index.ts';
import { queryTerms, searchLaw, type SearchHit } from './search.ts';
import { toHalfWidth } from './text.ts';

const gazette = loadGazette();
const search = (q: string, limit = 500) => searchLaw(gazette, q, limit);
const docsOf = (hits: readonly SearchHit[]) => [...new Set(hits.map((h) => h.docNumber))];
const fold = (s: string) => toHalfWidth(s).replace(/\s+/g, '').toLowerCase();

describe('searchLaw', () => {
  it('finds 预约 in the appointment rules, title first', () => {
    const hits = search('预约');
    expect(docsOf(hits)).toEqual(['西卫〔2019〕5号', '西行规发〔2019〕1号', '西政办发〔2019〕6号']);
    expect(hits[0]).toMatchObject({ docNumber: '西卫〔2019〕5号', articleId: null });
    expect(hits.map((h) => `${h.docNumber} ${h.articleId}`)).toContain('西卫〔2019〕5号 第十七条');
  });

  it('finds 计算机派位 only in the admission rules', () => {
    const hits = search('计算机派位');
    expect(docsOf(hits)).toEqual(['西教发〔2019〕10号']);
    expect(hits.map((h) => h.articleId)).toEqual(expect.arrayContaining(['三(一)2②', '三(二)2②']));
  });

  it('reads the everyday 电脑派位 as the gazette’s 计算机派位', () => {
    const hits = search('电脑派位');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.docNumber === '西教发〔2019〕10号')).toBe(true);
  });

  it('returns nothing for unknown or empty queries', () => {
    expect(search('不存在的词语组合')).toEqual([]);
    expect(search('')).toEqual([]);
    expect(search(' \u3000 ')).toEqual([]);
    expect(searchLaw(gazette, '预约', 0)).toEqual([]);
  });

  it('requires every space-separated term', () => {
    const hits = search('预约 违约');
    expect(hits.map((h) => [h.docNumber, h.articleId])).toEqual([['西卫〔2019〕5号', '第三十二条']]);
    // A full-width space separates terms too.
    expect(search('预约\u3000违约')).toEqual(hits);
  });

  it('lets one term match the document title and another the article', () => {
    const hits = search('医疗机构预约诊疗 违约名单');
    expect(hits.map((h) => [h.docNumber, h.articleId])).toEqual([['西卫〔2019〕5号', '第三十二条']]);
  });

  it('ignores width, spacing and the traditional 辦', () => {
    const ids = (q: string) => search(q).map((h) => `${h.docNumber} ${h.articleId}`);
    expect(ids('（一）至少')).toEqual(ids('(一)至少'));
    expect(ids('(一)至少')).toEqual(['西卫〔2019〕5号 第十条']);
    // The source spells '西城区 2019 年为群众' in the notice; spaces in the text never block a match.
    expect(ids('西城区2019年为群众')).toEqual(
      expect.arrayContaining(['西政办发〔2019〕2号 null', '西政办发〔2019〕2号 通知']),
    );
    expect(ids('PM2.5')).toEqual(ids('ｐｍ２．５'));
    expect(ids('全民健康信息管理辦法')).toEqual(ids('全民健康信息管理办法'));
    expect(ids('全民健康信息管理办法')[0]).toBe('西卫〔2019〕4号 null');
  });

  it('ranks title hits, then exact phrases, then scattered terms', () => {
    const hits = search('预约 转诊');
    const tiers = hits.map((h) => (h.articleId === null ? 0 : h.exactPhrase ? 1 : 2));
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    expect(tiers).toContain(1);
    expect(tiers).toContain(2);
  });

  it('reports match positions inside the snippet', () => {
    for (const q of ['预约', '计算机派位', '西城区 2019 年', '预约 转诊']) {
      const terms = queryTerms(q);
      for (const hit of search(q)) {
        expect(hit.matches.length, `${q} ${hit.articleId}`).toBeGreaterThan(0);
        for (const m of hit.matches) {
          const marked = fold(hit.snippet.slice(m.start, m.end));
          expect(terms.some((t) => marked.includes(t)), `${q}: ${marked}`).toBe(true);
        }
      }
    }
    const [first] = search('同一科室连续七日内');
    expect(first?.snippet.length).toBeLessThan(90);
    expect(first?.snippet.slice(first.matches[0]?.start, first.matches[0]?.end)).toBe('同一科室连续七日内');
  });

  it('highlights a phrase split by spaces in the source as one span', () => {
    const hit = search('西城区2019年初中入学').find((h) => h.articleId === '附件2');
    expect(hit?.snippet.slice(hit.matches[0]?.start, hit.matches[0]?.end)).toBe('西城区 2019 年初中入学');
  });

  it('honours the limit', () => {
    expect(searchLaw(gazette, '预约', 5)).toHaveLength(5);
    expect(searchLaw(gazette, '预约')).toHaveLength(20);
  });
});
