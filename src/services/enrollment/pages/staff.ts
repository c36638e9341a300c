/**
 * Staff screens: the lottery desk (commit, run once, publish), rosters with search and CSV,
 * admissions by plan, and the department reviewers' queue with their own part only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, table, textInput, type FieldError } from '../../../platform/web/components.ts';
import { toCsv } from '../../../platform/web/csv.ts';
import { partiesOfStaff, pendingReviewsFor } from '../../../platform/cases/store.ts';
import type { Decision } from '../../../platform/law/decision.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { routes, routeDefinition, routeNeedsDraw } from '../rules/routes.ts';
import { departmentInfo, isDepartment } from '../rules/departments.ts';
import { commitDraw, findDraw, listDraws, publishDraw, revealDraw, rosterOf } from '../store/draws.ts';
import { placeByPlan } from '../store/placements.ts';
import { programsOf } from '../store/schools.ts';
import { decideReview, reviewPart } from '../store/non-local.ts';
import { nonLocalWorkflowKey } from '../workflow.ts';
import type { EnrollmentDeps } from '../http/context.ts';
import { checkboxes, cited, field, fields, needsStaff, pickText, select, sendPage, t, tag, textarea } from './components.ts';

const operatorRoles = ['platform_operator'] as const;

function errorsOf<V>(l: Locale, d: Decision<V>): FieldError[] {
  return d.allowed ? [] : d.reasons.map((r) => ({ field: 'main', message: pickText(l, r.message), citation: r.citation }));
}

function partyLabel(l: Locale, party: string): string {
  return isDepartment(party) ? pickText(l, departmentInfo[party].label) : t(l, `街道办事处（${party.slice(7)}）`, `Street office (${party.slice(7)})`);
}

/** A part of an application as definition-list rows; nested objects become JSON lines a reviewer can read. */
function partRows(part: Record<string, unknown>): { key: string; value: string | SafeHtml }[] {
  return Object.entries(part).map(([key, value]) => ({ key, value: html`<pre class="body">${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>` }));
}

export function registerStaffPages(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;

  const desk = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[], done?: string) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const draws = await listDraws(k, 2019);
    const byRoute = new Map(draws.map((d) => [d.route, d]));
    const planPrograms = (await programsOf(k, 2019)).filter((p) => routeDefinition(p.route)?.mechanism === 'plan');
    const rows = routes.filter(routeNeedsDraw).map((r) => {
      const d = byRoute.get(r.key);
      const action: SafeHtml = !d
        ? html`<form method="post" action="/enrollment/staff/draws" class="stacked"><input type="hidden" name="route" value="${r.key}">${textInput({ id: `commitment-${r.key}`, label: t(l, '秘密值的承诺值（SHA-256）', 'Commitment to the secret (SHA-256)'), hint: t(l, '离线运行 yiwang lottery secret 生成', 'Generate offline with yiwang lottery secret') })}${textInput({ id: `round-${r.key}`, label: t(l, 'drand quicknet 未来轮次', 'Future drand quicknet round'), inputmode: 'numeric' })}${button(t(l, '锁定名单并公布承诺', 'Freeze roster and publish the commitment'))}</form>`
        : d.status === 'committed'
          ? html`<form method="post" action="/enrollment/staff/draws/${d.id}/reveal">${textInput({ id: `secret-${d.id}`, label: t(l, '秘密值', 'Secret') })}${textInput({ id: `public-${d.id}`, label: t(l, `drand 第${d.publicSource.round ?? ''}轮随机数`, `drand round ${d.publicSource.round ?? ''} value`) })}${button(t(l, '进行派位（只能一次）', 'Run the draw (once only)'))}</form>`
          : d.status === 'drawn'
            ? html`<form method="post" action="/enrollment/staff/draws/${d.id}/publish">${button(t(l, '公布结果', 'Publish'))}</form>`
            : html`<a href="/enrollment/results/${d.id}">${t(l, '已公布', 'Published')}</a>`;
      return [html`${pickText(l, r.label)} ${cited(l, r.citation)}`, d ? html`${tag(d.status)} <a href="/enrollment/staff/draws/${d.id}">${t(l, `名单（${d.rosterSize}人）`, `Roster (${d.rosterSize})`)}</a>` : t(l, '未建立', 'Not created'), action];
    });
    const body = html`${errorSummary(l, errors)}${done ? html`<div class="panel" role="status">${done}</div>` : ''}
<p>${t(l, '派位分三步：①锁定并公布名单哈希、承诺值和将要使用的 drand 轮次；②在附件规定的日期录入秘密值和 drand 随机数进行派位，每个入学方式每年只能派位一次；③公布结果。每一步都记入审计日志。', 'Three steps: (1) freeze and publish the roster hash, the commitment and the drand round; (2) on the day the attachment gives, enter the secret and the drand value to run the draw, once per route and year; (3) publish. Every step is audited.')}</p>
${table([t(l, '入学方式', 'Route'), t(l, '派位', 'Draw'), t(l, '操作', 'Action')], rows, t(l, '2019年计算机派位', '2019 lotteries'))}
<h2>${t(l, '按计划录取（寄宿、民办、特色校、九年一贯制）', 'Admission by plan (boarding, private, featured, nine-year)')}</h2>
<form method="post" action="/enrollment/staff/placements">
${textInput({ id: 'ref', label: t(l, '申请编号', 'Application reference') })}
${select('programId', t(l, '招生计划', 'Plan'), planPrograms.map((p) => ({ value: String(p.id), label: `${l === 'en' ? p.schoolNameEn : p.schoolNameZh} · ${pickText(l, routeDefinition(p.route)?.label ?? { zh: p.route, en: p.route })} · ${p.capacity}` })), undefined)}
${button(t(l, '录取', 'Admit'))}
</form>`;
    return sendPage(reply, ctx, t(l, '入学派位工作台', 'Enrollment lottery desk'), body, errors.length ? 422 : 200, { href: '/enrollment', label: t(l, '义务教育入学', 'School enrollment') });
  };

  app.get<{ Querystring: { done?: string; lang?: string } }>('/enrollment/staff', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, operatorRoles)) return reply;
    return desk(req, reply, [], req.query.done);
  });

  app.post('/enrollment/staff/draws', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, operatorRoles)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const route = field(req.body, 'route');
    const round = Number(field(req.body, `round-${route}`));
    const d = await commitDraw(deps.edb, deps.clock, actorOf(req), { year: 2019, route, commitment: field(req.body, `commitment-${route}`).toLowerCase(), publicSource: { kind: 'drand', chain: 'quicknet', round: Number.isInteger(round) ? round : 0 } });
    return d.allowed ? reply.redirect(`/enrollment/staff?done=${encodeURIComponent(t(l, `已锁定名单（${d.value.rosterSize}人）并公布承诺值`, `Roster of ${d.value.rosterSize} frozen; commitment published`))}`, 303) : desk(req, reply, errorsOf(l, d));
  });

  app.post<{ Params: { id: string } }>('/enrollment/staff/draws/:id/reveal', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, operatorRoles)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const id = Number(req.params.id);
    const d = await revealDraw(deps.edb, deps.clock, actorOf(req), id, { secret: field(req.body, `secret-${id}`).toLowerCase(), publicValue: field(req.body, `public-${id}`).toLowerCase() });
    return d.allowed ? reply.redirect(`/enrollment/staff?done=${encodeURIComponent(t(l, `派位完成：录取${d.value.outcome.children.filter((c) => c.placedAt).length}人，结果稳定`, `Draw run: ${d.value.outcome.children.filter((c) => c.placedAt).length} placed, stable`))}`, 303) : desk(req, reply, errorsOf(l, d));
  });

  app.post<{ Params: { id: string } }>('/enrollment/staff/draws/:id/publish', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, operatorRoles)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const d = await publishDraw(deps.edb, deps.clock, actorOf(req), Number(req.params.id));
    return d.allowed ? reply.redirect(`/enrollment/staff?done=${encodeURIComponent(t(l, '结果已公布', 'Published'))}`, 303) : desk(req, reply, errorsOf(l, d));
  });

  app.post('/enrollment/staff/placements', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, operatorRoles)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const d = await placeByPlan(deps.edb, deps.clock, actorOf(req), field(req.body, 'ref'), Number(field(req.body, 'programId')));
    return d.allowed ? reply.redirect(`/enrollment/staff?done=${encodeURIComponent(t(l, '已录取', 'Admitted'))}`, 303) : desk(req, reply, errorsOf(l, d));
  });

  app.get<{ Params: { id: string }; Querystring: { ref?: string; format?: string; lang?: string } }>('/enrollment/staff/draws/:id', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, ['platform_operator', 'auditor'])) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const d = /^\d{1,9}$/.test(req.params.id) ? await findDraw(k, Number(req.params.id)) : undefined;
    if (!d) return sendPage(reply, ctx, t(l, '未找到', 'Not found'), html`<p>${t(l, '没有该派位。', 'No such draw.')}</p>`, 404);
    const search = (req.query.ref ?? '').replace(/[^A-Za-z0-9-]/g, '');
    const entries = (await rosterOf(k, d.id)).filter((e) => !search || e.ref.startsWith(search));
    if (req.query.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="roster-${d.id}.csv"`).send(toCsv(['position', 'ref', 'number'], entries.map((e) => [e.position + 1, e.ref, e.number])));
    }
    const body = html`${summaryList([
      { key: t(l, '状态', 'Status'), value: d.status },
      { key: t(l, '名单哈希', 'Roster hash'), value: html`<code>${d.rosterHash}</code>` },
      { key: t(l, '承诺值', 'Commitment'), value: html`<code>${d.commitment}</code>` },
      { key: t(l, '公开随机数', 'Public value'), value: d.publicSource.kind === 'drand' ? `drand ${d.publicSource.chain ?? ''} #${d.publicSource.round ?? ''}` : (d.publicSource.description ?? '') },
    ])}
<form method="get" action="/enrollment/staff/draws/${d.id}" class="search-form">${textInput({ id: 'ref', label: t(l, '按申请编号查找', 'Find a reference'), value: search })}${button(t(l, '查找', 'Find'))}</form>
<p><a href="/enrollment/staff/draws/${d.id}?${new URLSearchParams({ ...(search ? { ref: search } : {}), format: 'csv' }).toString()}">${t(l, '导出 CSV', 'Export CSV')}</a></p>
${table(['#', t(l, '申请编号', 'Reference'), t(l, '派位号', 'Number')], entries.slice(0, 1000).map((e) => [String(e.position + 1), e.ref, e.number === null ? '' : String(e.number)]), t(l, `共${entries.length}人（名单按编号排序，即名单哈希的顺序）`, `${entries.length} children (in reference order, as hashed)`))}`;
    return sendPage(reply, ctx, d.label, body, 200, { href: '/enrollment/staff', label: t(l, '工作台', 'Desk') });
  });

  // Department reviewers (11号 二(二)) and street offices (二(三)).
  app.get('/enrollment/review', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, ['department_reviewer'])) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const parties = await partiesOfStaff(k, req.viewer?.id ?? 0);
    const pending = await pendingReviewsFor(k, nonLocalWorkflowKey(2019), parties);
    const body = html`<p>${t(l, '您所在的审核部门：', 'You review for: ')}${parties.map((p) => partyLabel(l, p)).join('、') || t(l, '（未指定）', '(none assigned)')}</p>
${table([t(l, '办件编号', 'Case'), t(l, '审核部门', 'For'), t(l, '环节', 'Step'), ''], pending.map((p) => [p.reference, partyLabel(l, p.party), p.step, html`<a href="/enrollment/review/${p.caseId}/${encodeURIComponent(p.party)}">${t(l, '审核', 'Review')}</a>`]), t(l, `待审核 ${pending.length} 件`, `${pending.length} waiting`))}`;
    return sendPage(reply, ctx, t(l, '非本市户籍入学材料审核', 'Non-local document review'), body);
  });

  const reviewForm = async (req: FastifyRequest<{ Params: { id: string; party: string } }>, reply: FastifyReply, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const party = req.params.party;
    const view = await reviewPart(deps.edb, deps.clock, actorOf(req), Number(req.params.id), party);
    if (!view.allowed) return sendPage(reply, ctx, t(l, '无法查看', 'Not available'), errorSummary(l, errorsOf(l, view)) || html``, 403);
    const v = view.value;
    const mine = v.reviews.find((r) => r.party === party);
    const failed = v.checks.filter((c) => !c.passed);
    const body = html`${errorSummary(l, errors)}
${summaryList([{ key: t(l, '办件', 'Case'), value: v.ref }, { key: t(l, '审核部门', 'Reviewing for'), value: partyLabel(l, party) }, { key: t(l, '本部门意见', 'This party\'s decision'), value: mine?.verdict ?? '' }])}
<h2>${t(l, '本部门负责的材料', 'The part you review')}</h2>
${summaryList(partRows(v.part))}
<h2>${t(l, '审核标准核对', 'Standard checks')}</h2>
<ul>${v.checks.map((c) => html`<li>${c.passed ? '✓' : '✗'} ${pickText(l, c.reason.message)} ${cited(l, c.reason.citation)}</li>`)}</ul>
${mine?.verdict === 'pending' ? html`<form method="post" action="/enrollment/review/${v.caseId}/${encodeURIComponent(party)}">
${radios({ id: 'verdict', legend: t(l, '审核意见', 'Decision'), options: [{ value: 'approved', label: t(l, '通过', 'Approve') }, { value: 'refused', label: t(l, '不通过', 'Refuse') }, ...(isDepartment(party) ? [{ value: 'referred', label: t(l, '无法网上审核，转街道现场审核', 'Cannot check online: refer to the on-site review') }] : [])] })}
${checkboxes('reasonCodes', t(l, '不通过所依据的审核标准', 'Standards the refusal rests on'), v.checks.map((c) => ({ value: c.id, label: html`${pickText(l, c.reason.message)} ${cited(l, c.reason.citation)}` })), failed.map((c) => c.id))}
${textarea('note', t(l, '审核意见说明（将告知申请人）', 'Finding (shown to the applicant)'))}
${button(t(l, '提交', 'Submit'))}
</form>` : ''}`;
    return sendPage(reply, ctx, t(l, `审核 ${v.ref}`, `Review ${v.ref}`), body, errors.length ? 422 : 200, { href: '/enrollment/review', label: t(l, '待审核', 'Queue') });
  };

  app.get<{ Params: { id: string; party: string } }>('/enrollment/review/:id/:party', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, ['department_reviewer'])) return reply;
    return reviewForm(req, reply, []);
  });

  app.post<{ Params: { id: string; party: string } }>('/enrollment/review/:id/:party', { schema: { hide: true } }, async (req, reply) => {
    if (!needsStaff(req, reply, ['department_reviewer'])) return reply;
    const l = pageContext(req, deps.clock).locale;
    const verdict = field(req.body, 'verdict');
    if (verdict !== 'approved' && verdict !== 'refused' && verdict !== 'referred') return reviewForm(req, reply, [{ field: 'verdict', message: t(l, '请选择审核意见', 'Choose a decision') }]);
    const d = await decideReview(deps.edb, deps.clock, actorOf(req), Number(req.params.id), { party: req.params.party, verdict, reasonCodes: fields(req.body, 'reasonCodes'), note: field(req.body, 'note') || undefined });
    return d.allowed ? reply.redirect('/enrollment/review', 303) : reviewForm(req, reply, errorsOf(l, d));
  });
}
