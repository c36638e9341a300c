import { describe, expect, it } from 'vitest';
import { cite } from './decision.ts';
import { parseGazette } from './gazette.ts';
import { articleExists, findArticle, findDocument, loadGazette } from './index.ts';

/** Read off the gazette by hand: TOC titles, signature dates and disclosure notes. */
const EXPECTED = [
  ['西行规发〔2019〕1号', '区政府文件', '2019-01-31', '此件公开发布', '北京市西城区人民政府关于促进文物建筑合理利用和开放管理的若干意见（试行）'],
  ['西政发〔2019〕1号', '区政府文件', '2019-02-02', '此件公开发布', '北京市西城区人民政府关于西城区2018年度政府绩效管理年终考评情况的通报'],
  ['西政发〔2019〕2号', '区政府文件', '2019-02-15', '此件公开发布', '北京市西城区人民政府关于公布北京市西城区第四批区级文物保护单位的通知'],
  ['西政发〔2019〕3号', '区政府文件', '2019-03-14', '此件公开发布', '北京市西城区人民政府关于开展西城区第三次全国国土调查的通知'],
  ['西政发〔2019〕4号', '区政府文件', '2019-05-14', '此件公开发布', '北京市西城区人民政府关于印发《区政府重大决策出台前向区人大常委会报告工作办法》的通知'],
  ['西政发〔2019〕5号', '区政府文件', '2019-05-28', '此件公开发布', '北京市西城区人民政府关于落实向区人大常委会报告国有资产管理情况制度的实施意见'],
  ['西政发〔2019〕6号', '区政府文件', '2019-05-31', '此件公开发布', '北京市西城区人民政府关于印发北京市西城区声环境功能区划实施细则的通知'],
  ['西政办发〔2019〕1号', '区政府办文件', '2019-01-02', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区工程建设项目审批制度改革试点工作实施方案》的通知'],
  ['西政办发〔2019〕2号', '区政府办文件', '2019-03-05', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区2019年为群众拟办重要实事》的通知'],
  ['西政办发〔2019〕3号', '区政府办文件', '2019-03-21', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区全面推开“证照分离”改革工作实施方案》的通知'],
  ['西政办发〔2019〕4号', '区政府办文件', '2019-03-28', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区污染防治攻坚战2019年行动计划》的通知'],
  ['西政办发〔2019〕5号', '区政府办文件', '2019-04-04', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区政府性债务风险应急处置预案》的通知'],
  ['西政办发〔2019〕6号', '区政府办文件', '2019-05-27', '此件公开发布', '北京市西城区人民政府办公室关于印发《北京市西城区医耗联动综合改革实施方案》的通知'],
  ['京金服发〔2019〕1号', '部门文件', '2019-02-13', null, '西城区鼓励和支持企业上市发展专项资金申报指南'],
  ['西卫〔2019〕4号', '部门文件', '2019-01-21', '此件主动公开', '北京市西城区卫生和计划生育委员会关于印发《西城区全民健康信息管理办法（试行）》的通知'],
  ['西卫〔2019〕5号', '部门文件', '2019-01-21', '此件主动公开', '北京市西城区卫生和计划生育委员会关于印发《西城区医疗机构预约诊疗服务管理办法》的通知'],
  ['西管发〔2019〕9号', '部门文件', '2019-03-22', null, '北京市西城区城市管理委员会北京市西城区住房和城乡建设委员会北京市西城区环境保护局北京市西城区城市管理综合行政执法监察局关于印发《西城区中小工程固体废弃物管理办法》的通知'],
  ['西教发〔2019〕10号', '部门文件', '2019-04-29', null, '北京市西城区教育委员会关于西城区2019年义务教育阶段入学工作的意见'],
  ['西教发〔2019〕11号', '部门文件', '2019-04-29', null, '北京市西城区教育委员会关于西城区2019年非本市户籍适龄儿童入学证明证件材料审核办法'],
  ['西发改〔2019〕26号', '部门文件', '2019-02-26', null, '北京市西城区发展和改革委员会北京市西城区财政局关于印发北京市西城区用能单位能源审计暂行办法的通知'],
  ['西发改〔2019〕38号', '部门文件', '2019-04-03', null, '北京市西城区发展和改革委员会关于印发《西城区关于进一步支持民营企业发展的若干措施》的通知'],
] as const;

/** Independent of the code under test: 1..39 in the 第X条 form. */
function cn(n: number): string {
  const d = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  const tens = Math.floor(n / 10);
  const head = tens === 0 ? '' : tens === 1 ? '十' : `${d[tens]}十`;
  return head + d[n % 10];
}

function articleRun(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `第${cn(i + 1)}条`);
}

const gazette = loadGazette();
const doc = (docNumber: string) => {
  const found = findDocument(docNumber);
  if (!found) throw new Error(`missing ${docNumber}`);
  return found;
};
const ids = (docNumber: string) => doc(docNumber).articles.map((a) => a.id);
const text = (docNumber: string, id: string) => findArticle(docNumber, id)?.text ?? '';

describe('parseGazette: documents', () => {
  it('reads the gazette title and all 21 documents in TOC order', () => {
    expect(gazette.title).toBe('北京市西城区人民政府公报');
    expect(gazette.documents.map((d) => d.docNumber)).toEqual(EXPECTED.map((e) => e[0]));
    expect(gazette.documents.map((d) => d.order)).toEqual(EXPECTED.map((_, i) => i + 1));
  });

  it.each(EXPECTED)('%s: group, date, disclosure and title', (docNumber, group, date, disclosure, title) => {
    const d = doc(docNumber);
    expect({ group: d.group, date: d.date, disclosure: d.disclosure, title: d.title }).toEqual({
      group,
      date,
      disclosure,
      title,
    });
  });

  it('reads issuers from the signature block, joining names wrapped over two lines', () => {
    expect(doc('西行规发〔2019〕1号').issuers).toEqual(['北京市西城区人民政府']);
    expect(doc('西政办发〔2019〕5号').issuers).toEqual(['北京市西城区人民政府办公室']);
    expect(doc('京金服发〔2019〕1号').issuers).toEqual(['北京金融街服务局']);
    expect(doc('西卫〔2019〕5号').issuers).toEqual(['北京市西城区卫生和计划生育委员会']);
    expect(doc('西发改〔2019〕26号').issuers).toEqual(['北京市西城区发展和改革委员会', '北京市西城区财政局']);
    // The signature (not the TOC title) spells 住房和城市建设委员会.
    expect(doc('西管发〔2019〕9号').issuers).toEqual([
      '北京市西城区城市管理委员会',
      '北京市西城区住房和城市建设委员会',
      '北京市西城区环境保护局',
      '北京市西城区城市管理综合行政执法监察局',
    ]);
  });

  it('keeps the body text and TOC page of each document', () => {
    expect(doc('西卫〔2019〕5号').body).toContain('第三十五条 本办法自发布之日起实施');
    expect(doc('西卫〔2019〕5号').page).toBe(143);
    expect(doc('西行规发〔2019〕1号').body.startsWith('区政府各委、办、局')).toBe(true);
    expect(doc('西发改〔2019〕38号').body).toContain('16. 完善产业政策体系');
  });
});

describe('parseGazette: articles', () => {
  it('gives every document unique, ordered articles', () => {
    for (const d of gazette.documents) {
      expect(d.articles.length, d.docNumber).toBeGreaterThan(0);
      expect(new Set(d.articles.map((a) => a.id)).size, d.docNumber).toBe(d.articles.length);
      expect(d.articles.map((a) => a.order)).toEqual(d.articles.map((_, i) => i + 1));
    }
  });

  it('西卫〔2019〕5号: the attached 办法 has 第一条..第三十五条 under chapters', () => {
    expect(ids('西卫〔2019〕5号')).toEqual(['通知', ...articleRun(35)]);
    const a17 = findArticle('西卫〔2019〕5号', '第十七条');
    expect(a17?.heading).toBe('第三章 预约挂号');
    expect(a17?.text).toContain('区分级诊疗平台原则上提供两周以内的预约诊疗和预约转诊服务');
    expect(a17?.text).toContain('同一科室连续七日内的预约总量不得超过3次');
    expect(text('西卫〔2019〕5号', '第十八条').startsWith('第十八条 预约成功的')).toBe(true);
    expect(text('西卫〔2019〕5号', '通知')).toContain('西卫〔2017〕61号');
  });

  it('西卫〔2019〕4号: 25 articles under 一、总则-style chapters', () => {
    expect(ids('西卫〔2019〕4号')).toEqual(['通知', ...articleRun(25)]);
    expect(text('西卫〔2019〕4号', '第八条')).toContain('“一数一源、最少够用”');
    // 第十八条 continues over a page break.
    expect(text('西卫〔2019〕4号', '第十八条')).toMatch(/痕迹管理制度[\s\S]*可追溯/);
    expect(findArticle('西卫〔2019〕4号', '第一条')?.heading).toBe('一、总则');
    expect(findArticle('西卫〔2019〕4号', '第二十五条')?.heading).toBe('五、附则');
  });

  it('other 第X条 texts have the right number of articles', () => {
    expect(ids('西政发〔2019〕4号')).toEqual(['通知', ...articleRun(15)]);
    expect(ids('西发改〔2019〕26号')).toEqual(['通知', ...articleRun(21)]);
    expect(ids('西管发〔2019〕9号').filter((id) => /^第.+条$/.test(id))).toEqual(articleRun(19));
    expect(findArticle('西管发〔2019〕9号', '第十九条')?.heading).toBe('附则');
  });

  it('西教发〔2019〕10号: numbered sections become clause paths', () => {
    const clauseIds = ids('西教发〔2019〕10号');
    for (const id of ['一', '二(一)', '三', '三(一)', '三(一)1', '三(一)1⑤', '三(一)2②', '三(二)2⑦', '四(五)', '五(六)']) {
      expect(clauseIds).toContain(id);
    }
    expect(text('西教发〔2019〕10号', '三(一)2②')).toContain('学区派位入学');
    const item = findArticle('西教发〔2019〕10号', '三(一)1①');
    expect(item?.parentId).toBe('三(一)1');
    expect(item?.heading).toBe('入学办法 / 小学入学 / 入学条件');
    expect(clauseIds.slice(-3)).toEqual(['附件', '附件1', '附件2']);
    expect(text('西教发〔2019〕10号', '附件2')).toContain('全区派位入学');
  });

  it('keeps continuous item numbering across sections', () => {
    expect(ids('西行规发〔2019〕1号')).toEqual(expect.arrayContaining(['序言', '一(一)1', '一(二)2', '三11', '三15']));
    expect(ids('西发改〔2019〕38号')).toEqual(expect.arrayContaining(['通知', '一1', '二4', '五16']));
  });

  it('namespaces attachments and disambiguates restarted numbering', () => {
    const streets = ids('西政办发〔2019〕2号');
    expect(streets).toEqual(expect.arrayContaining(['五20', '附件', '附件/1', '附件/9', '附件/1~2', '附件/10~15']));
    expect(findArticle('西政办发〔2019〕2号', '附件/1~2')?.text).toContain('博雅健康服务中心');
    expect(findArticle('西政办发〔2019〕2号', '附件/1~2')?.heading).toContain('什刹海街道');
    expect(ids('西管发〔2019〕9号')).toEqual(
      expect.arrayContaining(['附件', '附件1', '附件2/六(一)1(9)', '附件3/三', '附件3/三~2(一)', '附件4']),
    );
    expect(ids('西政发〔2019〕6号').slice(-3)).toEqual(['附表1', '附表2', '附表3']);
    expect(ids('西政办发〔2019〕4号')).toEqual(expect.arrayContaining(['附件1/七', '附件2/三', '附件3/六']));
  });

  it('separates the cover notice of 印发 documents from the attached text', () => {
    expect(ids('西政办发〔2019〕5号').slice(0, 3)).toEqual(['通知', '一', '一(一)']);
    expect(text('西政办发〔2019〕5号', '通知')).toContain('现印发给你们');
    expect(text('西政办发〔2019〕5号', '六(一)1(1)①')).toContain('一般公共预算收入');
    expect(ids('京金服发〔2019〕1号')).toEqual(expect.arrayContaining(['序言', '二(一)1(4)', '二(二)(5)', '附件2']));
  });
});

describe('lookups', () => {
  it('loads the file once', () => {
    expect(loadGazette()).toBe(gazette);
  });

  it('checks citations against real articles', () => {
    expect(articleExists(cite('西卫〔2019〕5号', '第十七条'))).toBe(true);
    expect(articleExists(cite('西教发〔2019〕10号', '三(一)1'))).toBe(true);
    expect(articleExists(cite('西卫〔2019〕5号', '第三十六条'))).toBe(false);
    expect(articleExists(cite('西卫〔2019〕6号', '第一条'))).toBe(false);
    expect(articleExists(cite('西教发〔2019〕10号', '三(一)9'))).toBe(false);
  });

  it('tolerates spacing, bracket width and arabic article numbers', () => {
    expect(findDocument('西教发〔2019〕10 号')?.docNumber).toBe('西教发〔2019〕10号');
    expect(findDocument('西卫[2019]5号')?.docNumber).toBe('西卫〔2019〕5号');
    expect(findArticle('西卫〔2019〕5号', '第17条')?.id).toBe('第十七条');
    expect(findArticle('西教发〔2019〕10号', '三（一）1')?.id).toBe('三(一)1');
  });
});

describe('parseGazette: robustness', () => {
  const mini = [
    '北京市西城区人民政府公报',
    '目 录',
    '【部门文件】',
    '北京市西城区卫生和计划生育委员会关于印发《示例管理辦法》的通知西卫〔2019〕9 号....\t3',
    '西城区鼓励示例指南京金服发〔2019〕2号.....  5',
    '北京市西城区卫生和计划生育委员会关于印发《示例管理办法》的通知',
    '西卫〔2019〕9 号',
    '委属各单位:',
    '现印发给你们。',
    '北京市西城区卫生和计划生育委员会',
    '2019 年 1 月 2 日',
    '(此件主动公开)',
    '示例管理办法',
    '**第一章 总则**',
    '第一条 为规范示例，制定本办法。',
    '- (一) 第一项;',
    '第二条 本办法自发布之日起施行。',
    '',
    '西城区鼓励示例指南',
    '京金服发〔2019〕2号',
    '一、总体要求',
    '１．第一项。',
    '（２）不是条目，因为前面没有（１）。',
    '北京金融街服务局',
    '二〇一九年十二月三十一日',
  ].join('\r\n');

  it('handles CRLF, half-width punctuation, stray spaces, 辦 and Chinese-numeral dates', () => {
    const g = parseGazette(mini);
    expect(g.documents.map((d) => [d.docNumber, d.title, d.date, d.disclosure])).toEqual([
      ['西卫〔2019〕9号', '北京市西城区卫生和计划生育委员会关于印发《示例管理办法》的通知', '2019-01-02', '此件主动公开'],
      ['京金服发〔2019〕2号', '西城区鼓励示例指南', '2019-12-31', null],
    ]);
    expect(g.documents[0]?.articles.map((a) => [a.id, a.heading])).toEqual([
      ['通知', ''],
      ['第一条', '第一章 总则'],
      ['第二条', '第一章 总则'],
    ]);
    expect(g.documents[0]?.articles[1]?.text).toBe('第一条 为规范示例，制定本办法。\n(一) 第一项;');
    expect(g.documents[1]?.articles.map((a) => a.id)).toEqual(['一', '一1']);
    expect(g.documents[1]?.articles[1]?.text).toContain('（２）不是条目');
  });

  it('fails loudly when a TOC entry has no document', () => {
    expect(() => parseGazette(mini.replace('京金服发〔2019〕2号\r\n一、', '一、'))).toThrow(/京金服发〔2019〕2号/);
  });
});
