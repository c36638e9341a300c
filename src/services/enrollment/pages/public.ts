/** Public screens: overview and timetables, the eligibility check, published results, "verify the draw". */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, table, textInput, type FieldError } from '../../../platform/web/components.ts';
import { toCsv } from '../../../platform/web/csv.ts';
import { civilDateOf, isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { checkMiddleEligibility, checkPrimaryEligibility, type EligibilityReport, type Hukou } from '../rules/eligibility.ts';
import { enrollment2019, type EnrollmentYear, type TimetableEntry } from '../rules/parameters.ts';
import { routeDefinition, routesOf } from '../rules/routes.ts';
import { describeWindow, windowPosition } from '../rules/timetable.ts';
import { findDraw, listDraws, publishedDrawFile } from '../store/draws.ts';
import { choiceHistogram, drawResults } from '../store/results.ts';
import { programsOf } from '../store/schools.ts';
import { verifyPublishedDraw } from '../lottery/published.ts';
import type { EnrollmentDeps } from '../http/context.ts';
import { barChart, cited, field, pickText, sendPage, t, tag, yesNo } from './components.ts';
import type { Locale } from '../../../platform/http/locale.ts';

const year: EnrollmentYear = enrollment2019;

function timetableTable(locale: Locale, rows: readonly TimetableEntry[], today: CivilDate, caption: string): SafeHtml {
  const state = (e: TimetableEntry) => {
    const p = windowPosition(e, today);
    return p === 'open' ? tag(t(locale, '进行中', 'Open')) : p === 'before' ? tag(t(locale, '未开始', 'Not yet'), true) : tag(t(locale, '已结束', 'Closed'), true);
  };
  return table(
    [t(locale, '时间（原文）', 'Date (as printed)'), t(locale, '工作内容', 'Step'), t(locale, '办理期间', 'Window'), t(locale, '状态', 'Status'), t(locale, '依据', 'Source')],
    rows.map((e) => [e.gazetteText, pickText(locale, e.label), html`${describeWindow(e, locale)}${e.interpretation ? html`<br><small>${pickText(locale, e.interpretation)}</small>` : ''}`, state(e), cited(locale, e.citation)]),
    caption,
  );
}

export function reportList(locale: Locale, r: EligibilityReport): SafeHtml {
  const items = [...(r.age ? [r.age] : []), ...r.conditions];
  return html`<ul class="conditions">${items.map((c) => html`<li>${c.holds ? '✓' : '✗'} ${pickText(locale, c.reason.message)} ${cited(locale, c.reason.citation)}</li>`)}</ul>`;
}

type Values = Record<string, string>;

const primaryKeys = ['livesInXicheng', 'hukouInXicheng', 'guardianHousingInXicheng', 'guardianInUnitCollectiveAndWorksThere', 'guardianWorksInXicheng', 'treatedAsBeijingHukou'] as const;

export function primaryQuestions(locale: Locale, v: Values, withLetter: boolean, errors: readonly FieldError[] = []): SafeHtml {
  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  return html`${textInput({ id: 'birthDate', label: t(locale, '儿童出生日期', "Child's date of birth"), hint: t(locale, '格式：2013-03-01', 'Format: 2013-03-01'), value: v.birthDate, error: err('birthDate') })}
${radios({ id: 'hukou', legend: t(locale, '儿童户籍', "Child's hukou"), value: v.hukou, error: err('hukou'), options: [
  { value: 'beijing_personal', label: t(locale, '本市个人居民户籍', 'Beijing personal hukou') },
  { value: 'beijing_collective', label: t(locale, '本市单位集体户籍', 'Beijing unit collective hukou') },
  { value: 'non_beijing', label: t(locale, '非本市户籍', 'Not a Beijing hukou') },
] })}
${yesNo(locale, 'hukouInXicheng', t(locale, '户籍是否在西城区？', 'Is the hukou registered in Xicheng?'), v.hukouInXicheng)}
${yesNo(locale, 'livesInXicheng', t(locale, '是否实际居住在西城区？', 'Does the child actually live in Xicheng?'), v.livesInXicheng)}
${yesNo(locale, 'guardianHousingInXicheng', t(locale, '法定监护人在西城区是否有独立产权房或租住公房？', 'Does a guardian own a home or rent public housing in Xicheng?'), v.guardianHousingInXicheng)}
${yesNo(locale, 'guardianInUnitCollectiveAndWorksThere', t(locale, '（集体户籍）监护人是否为该单位集体户籍并在该单位工作？', '(Collective hukou) Is a guardian in that collective hukou and working at the unit?'), v.guardianInUnitCollectiveAndWorksThere)}
${yesNo(locale, 'guardianWorksInXicheng', t(locale, '法定监护人是否在西城区工作？', 'Does a guardian work in Xicheng?'), v.guardianWorksInXicheng)}
${yesNo(locale, 'treatedAsBeijingHukou', t(locale, '是否符合按本市户籍对待条件？', 'Does the child meet the conditions for being treated as Beijing hukou?'), v.treatedAsBeijingHukou)}
${withLetter ? yesNo(locale, 'holdsNonLocalApprovalLetter', t(locale, '是否已取得《非本市户籍适龄儿童在西城区就读批准书》？', 'Does the child hold the non-local approval letter?'), v.holdsNonLocalApprovalLetter, t(locale, '正式申请时，系统按审核结果自动判断此项', 'When you apply, this is taken from the review, not from your answer')) : ''}`;
}

export function middleQuestions(locale: Locale, v: Values): SafeHtml {
  return html`${yesNo(locale, 'primarySchoolInXicheng', t(locale, '是否在西城区小学就读六年级？', 'Is the child in year 6 at a Xicheng primary school?'), v.primarySchoolInXicheng)}
${textInput({ id: 'graduationYear', label: t(locale, '小学毕业年份', 'Year of primary graduation'), value: v.graduationYear ?? '2019', inputmode: 'numeric' })}
${yesNo(locale, 'returnApproved', t(locale, '（非本区毕业生）回区升学手续是否已审核通过？', '(Graduates from elsewhere) Was the return application approved?'), v.returnApproved)}`;
}

export function valuesOf(body: unknown, keys: readonly string[]): Values {
  return Object.fromEntries(keys.map((k) => [k, field(body, k)]));
}

export const eligibilityKeys = ['stage', 'birthDate', 'hukou', ...primaryKeys, 'holdsNonLocalApprovalLetter', 'primarySchoolInXicheng', 'graduationYear', 'returnApproved'];

/** Form values to facts; missing answers become field errors rather than guesses. */
export function parsePrimary(locale: Locale, v: Values, withLetter: boolean): { facts?: { birthDate: CivilDate; hukou: Hukou; livesInXicheng: boolean; hukouInXicheng: boolean; guardianHousingInXicheng: boolean; guardianInUnitCollectiveAndWorksThere: boolean; guardianWorksInXicheng: boolean; treatedAsBeijingHukou: boolean; holdsNonLocalApprovalLetter: boolean }; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isCivilDate(v.birthDate)) errors.push({ field: 'birthDate', message: t(locale, '请按 2013-03-01 的格式填写出生日期', 'Enter the date of birth like 2013-03-01') });
  if (!['beijing_personal', 'beijing_collective', 'non_beijing'].includes(v.hukou ?? '')) errors.push({ field: 'hukou', message: t(locale, '请选择儿童户籍', "Choose the child's hukou") });
  for (const k of primaryKeys) if (v[k] !== 'yes' && v[k] !== 'no') errors.push({ field: k, message: t(locale, '请回答每个问题', 'Answer every question') });
  if (errors.length) return { errors };
  const yes = (k: string) => v[k] === 'yes';
  return {
    errors,
    facts: {
      birthDate: v.birthDate as CivilDate,
      hukou: v.hukou as Hukou,
      livesInXicheng: yes('livesInXicheng'),
      hukouInXicheng: yes('hukouInXicheng'),
      guardianHousingInXicheng: yes('guardianHousingInXicheng'),
      guardianInUnitCollectiveAndWorksThere: yes('guardianInUnitCollectiveAndWorksThere'),
      guardianWorksInXicheng: yes('guardianWorksInXicheng'),
      treatedAsBeijingHukou: yes('treatedAsBeijingHukou'),
      holdsNonLocalApprovalLetter: withLetter && yes('holdsNonLocalApprovalLetter'),
    },
  };
}

export function registerPublicPages(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;

  app.get('/enrollment', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const today = civilDateOf(deps.clock.now());
    const routeList = (stage: 'primary' | 'middle') => html`<ol>${routesOf(stage).map((r) => html`<li>${pickText(l, r.label)} ${cited(l, r.citation)}</li>`)}</ol>`;
    const body = html`<p>${t(l, '西城区2019年义务教育阶段入学：入学条件、入学方式、计算机派位（人人可核验）与非本市户籍适龄儿童入学材料审核。', 'Xicheng 2019 school enrollment: eligibility, admission routes, a lottery anyone can verify, and the review of non-local children\'s documents.')}</p>
<ul class="cards">
<li><h2><a href="/enrollment/eligibility">${t(l, '入学资格自查', 'Check eligibility')}</a></h2><p>${t(l, '逐项查看符合或不符合的入学条件及依据', 'See each condition, met or not, with its clause')}</p></li>
<li><h2><a href="/enrollment/apply">${t(l, '入学申请', 'Apply')}</a></h2><p>${t(l, '学龄人口信息采集与志愿填报（需实名登录）', 'Registration and school lists (sign-in needed)')}</p></li>
<li><h2><a href="/enrollment/status">${t(l, '我的申请', 'My applications')}</a></h2><p>${t(l, '审核进度、派位号与录取结果', 'Review status, numbers and placements')}</p></li>
<li><h2><a href="/enrollment/non-local/apply">${t(l, '非本市户籍入学材料审核', 'Non-local document review')}</a></h2><p>${t(l, '5月6–14日网上申请', 'Apply online May 6–14')}</p></li>
<li><h2><a href="/enrollment/results">${t(l, '派位结果与核验', 'Lottery results and verification')}</a></h2><p>${t(l, '派位前公布的承诺值、派位结果、逐位核验', 'Commitments published before the draw, results, bit-for-bit verification')}</p></li>
</ul>
<h2>${t(l, '入学方式（按政策顺序办理，已被录取的儿童不再参加后续方式）', 'Admission routes (in policy order; a placed child leaves later routes)')}</h2>
<h3>${t(l, '小学', 'Primary school')}</h3>${routeList('primary')}
<h3>${t(l, '初中', 'Middle school')}</h3>${routeList('middle')}
<h2>${t(l, '时间安排', 'Timetables')}</h2>
${timetableTable(l, year.timetable.filter((e) => e.stage === 'primary'), today, t(l, '附件1 西城区2019年小学入学工作时间安排', 'Attachment 1: primary school timetable 2019'))}
${timetableTable(l, year.timetable.filter((e) => e.stage === 'middle'), today, t(l, '附件2 西城区2019年初中入学工作时间安排', 'Attachment 2: middle school timetable 2019'))}
${timetableTable(l, year.timetable.filter((e) => e.stage === 'non_local'), today, t(l, '非本市户籍适龄儿童入学材料审核（西教发〔2019〕11号 二）', 'Non-local document review (西教发〔2019〕11号 二)'))}`;
    return sendPage(reply, ctx, t(l, '义务教育入学', 'School enrollment'), body);
  });

  const eligibilityForm = (req: FastifyRequest, reply: FastifyReply, v: Values, errors: FieldError[], result?: EligibilityReport) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const stage = v.stage === 'middle' ? 'middle' : 'primary';
    const outcome = result
      ? html`<div class="${result.eligible ? 'panel' : 'notice'}" role="status"><h2>${result.eligible ? t(l, '符合西城区入学条件', 'Eligible in Xicheng') : t(l, '暂不符合西城区入学条件', 'Not eligible in Xicheng')}</h2></div>${reportList(l, result)}`
      : '';
    const body = html`${errorSummary(l, errors)}${outcome}
<p>${t(l, '按西教发〔2019〕10号 三(一)1（小学）和 三(二)1（初中）逐项判断。自查不保存任何信息。', 'Checked against 西教发〔2019〕10号 三(一)1 (primary) and 三(二)1 (middle). Nothing is stored.')}</p>
<form method="get" action="/enrollment/eligibility" class="search-form"><input type="hidden" name="stage" value="${stage === 'primary' ? 'middle' : 'primary'}"><button class="button secondary" type="submit">${stage === 'primary' ? t(l, '改为初中入学自查', 'Check middle school instead') : t(l, '改为小学入学自查', 'Check primary school instead')}</button></form>
<form method="post" action="/enrollment/eligibility" novalidate>
<input type="hidden" name="stage" value="${stage}">
${stage === 'primary' ? primaryQuestions(l, v, true, errors) : middleQuestions(l, v)}
${button(t(l, '查看结果', 'Check'))}
</form>`;
    return sendPage(reply, ctx, t(l, stage === 'primary' ? '小学入学资格自查' : '初中入学资格自查', stage === 'primary' ? 'Primary school eligibility' : 'Middle school eligibility'), body, errors.length ? 422 : 200, { href: '/enrollment', label: t(l, '返回', 'Back') });
  };

  app.get<{ Querystring: { stage?: string; lang?: string } }>('/enrollment/eligibility', { schema: { hide: true } }, async (req, reply) => eligibilityForm(req, reply, { stage: req.query.stage === 'middle' ? 'middle' : 'primary' }, []));

  app.post('/enrollment/eligibility', { schema: { hide: true } }, async (req, reply) => {
    const l = pageContext(req, deps.clock).locale;
    const v = valuesOf(req.body, eligibilityKeys);
    if (v.stage === 'middle') {
      const gy = Number(v.graduationYear);
      return eligibilityForm(req, reply, v, [], checkMiddleEligibility({ graduationYear: Number.isInteger(gy) ? gy : 0, primarySchoolInXicheng: v.primarySchoolInXicheng === 'yes', returnApproved: v.returnApproved === 'yes' }, year));
    }
    const parsed = parsePrimary(l, v, true);
    if (!parsed.facts) return eligibilityForm(req, reply, v, parsed.errors);
    return eligibilityForm(req, reply, v, [], checkPrimaryEligibility(parsed.facts, year));
  });

  app.get('/enrollment/results', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const draws = await listDraws(k);
    const statusText = (s: string) => (s === 'published' ? tag(t(l, '已公布', 'Published')) : s === 'drawn' ? tag(t(l, '已派位，待公布', 'Drawn, not yet published'), true) : tag(t(l, '已锁定名单，待派位', 'Roster frozen, draw pending'), true));
    const body = html`<p>${t(l, '每次计算机派位前，先公布派位名单的哈希值、秘密值的承诺值，以及将要使用的未来公开随机数（drand 轮次）。派位后公布全部输入，任何人都可以重新计算并逐位核对。', 'Before each lottery we publish the roster hash, a commitment to a secret, and the future public random value (a drand round) it will use. Afterwards every input is published, so anyone can recompute the draw bit for bit.')}</p>
${table(
  [t(l, '派位', 'Draw'), t(l, '名单人数', 'Roster'), t(l, '名单哈希', 'Roster hash'), t(l, '承诺值', 'Commitment'), t(l, '公开随机数', 'Public value'), t(l, '状态', 'Status'), ''],
  draws.map((d) => [
    d.label,
    String(d.rosterSize),
    html`<code>${d.rosterHash.slice(0, 16)}…</code>`,
    html`<code>${d.commitment.slice(0, 16)}…</code>`,
    d.publicSource.kind === 'drand' ? `drand ${d.publicSource.chain ?? ''} #${d.publicSource.round ?? ''}` : (d.publicSource.description ?? ''),
    statusText(d.status),
    d.status === 'published' ? html`<a href="/enrollment/results/${d.id}">${t(l, '结果', 'Results')}</a> · <a href="/enrollment/draws/${d.id}/verify">${t(l, '核验', 'Verify')}</a>` : html`<a href="/api/enrollment/draws/${d.id}/roster">${t(l, '名单', 'Roster')}</a>`,
  ]),
  t(l, '计算机派位', 'Lotteries'),
)}`;
    return sendPage(reply, ctx, t(l, '派位结果与核验', 'Lottery results and verification'), body, 200, { href: '/enrollment', label: t(l, '返回', 'Back') });
  });

  app.get<{ Params: { id: string }; Querystring: { ref?: string; page?: string; format?: string; lang?: string } }>('/enrollment/results/:id', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const d = /^\d{1,9}$/.test(req.params.id) ? await findDraw(k, Number(req.params.id)) : undefined;
    if (!d || d.status !== 'published') return sendPage(reply, ctx, t(l, '未找到', 'Not found'), html`<p>${t(l, '该派位结果尚未公布。', 'This draw is not published.')}</p>`, 404);
    const search = (req.query.ref ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 20);
    const route = routeDefinition(d.route);
    if (req.query.format === 'csv') {
      const all = await drawResults(k, d.id, search || undefined, 1_000_000, 0);
      const csv = toCsv(['ref', 'number', 'school_code', 'school', 'choice_rank', 'ranks'], all.rows.map((r) => [r.ref, r.number, r.schoolCode, r.schoolName, r.choiceRank, r.ranks.map((x) => `${x.schoolCode}:${x.rank}/${x.applicants}`).join(' ')]));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="draw-${d.id}-results.csv"`).send(csv);
    }
    const pageNo = Math.max(1, Number(req.query.page ?? 1) || 1);
    const perPage = 100;
    const res = await drawResults(k, d.id, search || undefined, perPage, (pageNo - 1) * perPage);
    const hist = await choiceHistogram(k, d.id);
    const programs = await programsOf(k, d.year, d.route);
    const nameOf = new Map(programs.map((p) => [p.schoolCode, l === 'en' ? p.schoolNameEn : p.schoolNameZh]));
    const qs = new URLSearchParams({ ...(search ? { ref: search } : {}), format: 'csv' });
    const body = html`<p>${route ? html`${pickText(l, route.label)} ${cited(l, route.citation)}` : ''} · <a href="/enrollment/draws/${d.id}/verify">${t(l, '核验本次派位', 'Verify this draw')}</a></p>
${barChart(t(l, '按志愿顺序的录取人数（最后一栏为未录取）', 'Children placed by choice rank (last bar: not placed)'), hist.map((h) => ({ label: h.choiceRank === null ? t(l, '未录取', 'Not placed') : t(l, `第${h.choiceRank}志愿`, `Choice ${h.choiceRank}`), value: h.children })))}
<form method="get" action="/enrollment/results/${d.id}" class="search-form">
${textInput({ id: 'ref', label: t(l, '按申请编号查询', 'Search by application reference'), value: search })}
${button(t(l, '查询', 'Search'))}
</form>
<p><a href="/enrollment/results/${d.id}?${qs.toString()}">${t(l, '导出 CSV', 'Export CSV')}</a> · <a href="/api/enrollment/draws/${d.id}/published.json">${t(l, '下载派位公布文件（JSON）', 'Download the draw file (JSON)')}</a></p>
${table(
  [t(l, '申请编号', 'Reference'), t(l, '派位号', 'Number'), t(l, '录取学校', 'Placed at'), t(l, '志愿', 'Choice'), t(l, '在各志愿学校的排位', 'Rank at each listed school')],
  res.rows.map((r) => [r.ref, r.number === null ? '' : String(r.number), r.schoolCode ? (nameOf.get(r.schoolCode) ?? r.schoolCode) : t(l, '未录取', 'Not placed'), r.choiceRank === null ? '' : String(r.choiceRank), r.ranks.map((x) => `${nameOf.get(x.schoolCode) ?? x.schoolCode} ${x.rank}/${x.applicants}${x.admitted ? ' ✓' : ''}`).join('；')]),
  t(l, `共${res.total}人，第${pageNo}页`, `${res.total} children, page ${pageNo}`),
)}
${res.total > pageNo * perPage ? html`<p><a href="/enrollment/results/${d.id}?${new URLSearchParams({ ...(search ? { ref: search } : {}), page: String(pageNo + 1) }).toString()}">${t(l, '下一页', 'Next page')}</a></p>` : ''}`;
    return sendPage(reply, ctx, d.label, body, 200, { href: '/enrollment/results', label: t(l, '全部派位', 'All draws') });
  });

  app.get<{ Params: { id: string } }>('/enrollment/draws/:id/verify', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const file = /^\d{1,9}$/.test(req.params.id) ? await publishedDrawFile(k, Number(req.params.id)) : undefined;
    if (!file) return sendPage(reply, ctx, t(l, '未找到', 'Not found'), html`<p>${t(l, '该派位结果尚未公布。', 'This draw is not published.')}</p>`, 404);
    const v = verifyPublishedDraw(file);
    const src = file.publicSource;
    const body = html`<div class="${v.ok ? 'panel' : 'error-summary'}" role="status"><h2>${v.ok ? t(l, '核验通过：按公布的输入重新计算，结果逐位一致', 'Verified: recomputed from the published inputs, every bit matches') : t(l, '核验未通过', 'Verification failed')}</h2></div>
<ol>${v.steps.map((s) => html`<li>${s.ok ? '✓' : '✗'} ${l === 'en' ? s.en : s.zh}</li>`)}</ol>
<h2>${t(l, '派位输入', 'Inputs')}</h2>
${summaryList([
  { key: t(l, '名单人数', 'Roster size'), value: String(file.roster.length) },
  { key: t(l, '名单哈希（派位前公布）', 'Roster hash (published before)'), value: html`<code>${file.rosterHash}</code>` },
  { key: t(l, '承诺值（派位前公布）', 'Commitment (published before)'), value: html`<code>${file.commitment}</code>` },
  { key: t(l, '公开随机数来源（派位前指定）', 'Public value source (named before)'), value: src.kind === 'drand' ? `drand ${src.chain ?? ''} round ${src.round ?? ''}` : (src.description ?? '') },
  { key: t(l, '公开随机数', 'Public value'), value: html`<code>${file.publicValue}</code>` },
  { key: t(l, '秘密值（派位时公开）', 'Secret (revealed at the draw)'), value: html`<code>${file.secret}</code>` },
  { key: t(l, '种子', 'Seed'), value: html`<code>${file.seed}</code>` },
  { key: t(l, '结果哈希', 'Result hash'), value: html`<code>${file.resultHash}</code>` },
])}
<h2>${t(l, '自己核验', 'Check it yourself')}</h2>
<p>${t(l, '下载派位公布文件后，在任何电脑上运行：', 'Download the draw file and run, on any computer:')}</p>
<pre><code>npx yiwang lottery verify draw-${file.draw.id}.json</code></pre>
<p><a href="/api/enrollment/draws/${file.draw.id}/published.json">${t(l, '下载派位公布文件（JSON）', 'Download the draw file (JSON)')}</a></p>
<p>${t(l, '算法（yiwang-lottery/v1）：种子 = SHA-256(秘密值、公开随机数、名单哈希)；以种子实例化 HMAC-DRBG（SHA-256，NIST SP 800-90A）；用其字节流进行 Fisher–Yates 洗牌，超出范围的随机数舍弃重抽（无取模偏差）；洗牌后排在第 k 位的儿童得到派位号 k。录取按“学生提出、学校延迟接受”算法进行：同一儿童在所有学校使用同一派位号，如实填报志愿始终对自己最有利。', 'Algorithm (yiwang-lottery/v1): seed = SHA-256(secret, public value, roster hash); HMAC-DRBG (SHA-256, NIST SP 800-90A) instantiated with the seed; its byte stream drives a Fisher–Yates shuffle, rejecting out-of-range draws (no modulo bias); the child shuffled to position k gets number k. Places are assigned by student-proposing deferred acceptance with one number per child at every school: listing schools in true order of preference is always best for the family.')}</p>`;
    return sendPage(reply, ctx, t(l, `核验派位：${file.draw.label}`, `Verify the draw: ${file.draw.label}`), body, 200, { href: `/enrollment/results/${file.draw.id}`, label: t(l, '派位结果', 'Results') });
  });
}
