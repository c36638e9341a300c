import type { FastifyInstance } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { pick } from '../../../platform/http/locale.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, table, textInput } from '../../../platform/web/components.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { referralArt } from '../referrals/citations.ts';
import { lawLink, pct, sendHtml, t } from '../referrals/page-kit.ts';
import { barChart } from './chart.ts';
import { appointmentDisclosure } from './disclosure.ts';
import { statisticsRange, type StatisticsQuery } from './routes.ts';
import { appointmentStatistics, granularities } from './statistics.ts';

const granularityLabels = { day: { zh: '按日', en: 'By day' }, week: { zh: '按周', en: 'By week' }, month: { zh: '按月', en: 'By month' } } as const;

/** Operator statistics with charts (第六条 (三), 第七条, 第十三条) and the public disclosure page. */
export function registerSupervisionPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/appointments/supervision', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    if (!req.viewer) return reply.redirect('/staff/sign-in', 303);
    if (req.viewer.role !== 'platform_operator') return sendHtml(reply, page(ctx, { title: t(l, '无权访问', 'Not allowed'), body: html`<p>${t(l, '只有平台运营人员可以查看监管统计。', 'Only platform operators see the supervision statistics.')}</p>` }), 403);
    const q: StatisticsQuery = {
      ...((granularities as readonly string[]).includes(req.query.granularity ?? '') ? { granularity: req.query.granularity as StatisticsQuery['granularity'] } : {}),
      ...(req.query.from ? { from: req.query.from } : {}),
      ...(req.query.to ? { to: req.query.to } : {}),
    };
    const range = statisticsRange(deps.clock, q);
    const form = (error?: string) => html`<form method="get" action="/appointments/supervision" novalidate>
${radios({ id: 'granularity', legend: t(l, '统计周期', 'Period'), options: granularities.map((g) => ({ value: g, label: pick(l, granularityLabels[g]) })), value: q.granularity ?? 'day' })}
${textInput({ id: 'from', label: t(l, '开始日期', 'From'), value: req.query.from ?? (range.allowed ? range.value.from : ''), error })}
${textInput({ id: 'to', label: t(l, '结束日期', 'To'), value: req.query.to ?? (range.allowed ? range.value.to : '') })}
${button(t(l, '统计', 'Show'))}
</form>`;
    if (!range.allowed) {
      const errors = range.reasons.map((r) => ({ field: 'from', message: pick(l, r.message), citation: r.citation }));
      return sendHtml(reply, page(ctx, { title: t(l, '预约诊疗监管统计', 'Booking supervision'), body: html`${errorSummary(l, errors)}${form(errors[0]?.message)}` }), 422);
    }
    const s = await appointmentStatistics(deps.k, deps.clock, range.value);
    const labels = s.rows.map((r) => (s.granularity === 'day' ? r.bucket.slice(5) : r.bucket));
    const qs = `granularity=${s.granularity}&from=${s.from}&to=${s.to}`;
    const byInstitution = new Map<number, { name: string; total: number; offered: number }>();
    for (const i of s.institutions) {
      const e = byInstitution.get(i.institutionId) ?? { name: i.institution, total: 0, offered: 0 };
      e.total += i.ticketsTotal;
      e.offered += i.ticketsOffered;
      byInstitution.set(i.institutionId, e);
    }
    const body = html`<p>${t(l, '号源与预约按就诊日统计，转诊按转诊日统计。', 'Tickets and bookings count by visit day; referrals by the day they were made.')} ${lawLink(referralArt.supervision)} · ${lawLink(referralArt.operation)} · ${lawLink(referralArt.evaluation)}</p>
${form()}
<p><a href="/api/supervision/appointments?${qs}&format=csv">${t(l, '下载统计 CSV', 'Download statistics (CSV)')}</a> · <a href="/api/supervision/appointments?${qs}&format=csv&table=institutions">${t(l, '下载各机构号源 CSV', 'Download per-institution tickets (CSV)')}</a></p>
<h2>${t(l, '号源投放与预约', 'Tickets offered and booked')}</h2>
${barChart({ id: 'c1', title: t(l, '预约号源占比与预约率', 'Share of tickets offered for booking, and booking rate'), description: t(l, '每个统计周期两根柱：号源用于预约的比例（不得低于80%）和预约率。', 'Two bars per period: share of tickets offered for booking (at least 80%) and booking rate.'), labels, series: [{ name: t(l, '预约号源占比', 'Offered share'), values: s.rows.map((r) => r.offeredShare) }, { name: t(l, '预约率', 'Booking rate'), values: s.rows.map((r) => r.bookingRate) }], percent: true })}
<h2>${t(l, '爽约与取消', 'No-shows and cancellations')}</h2>
${barChart({ id: 'c2', title: t(l, '爽约率与取消率', 'No-show and cancellation rates'), description: t(l, '爽约率为已结束就诊中未就诊的比例；取消率为取消的预约比例。', 'No-show rate among settled visits; cancellation rate among bookings.'), labels, series: [{ name: t(l, '爽约率', 'No-show rate'), values: s.rows.map((r) => r.noShowRate) }, { name: t(l, '取消率', 'Cancellation rate'), values: s.rows.map((r) => r.cancellationRate) }], percent: true })}
<h2>${t(l, '双向转诊', 'Referrals up and down')}</h2>
${barChart({ id: 'c3', title: t(l, '上转与下转数量', 'Referrals up and down'), description: t(l, '每个周期的上转、3日内就诊的上转和下转（转回社区）数量。', 'Upward referrals, those seen within 3 days, and hand-backs per period.'), labels, series: [{ name: t(l, '上转', 'Up'), values: s.rows.map((r) => r.referralsUp) }, { name: t(l, '3日内就诊', 'Seen within 3 days'), values: s.rows.map((r) => r.referralsSeenWithin3Days) }, { name: t(l, '转回社区', 'Down'), values: s.rows.map((r) => r.referralsDown) }] })}
<h2>${t(l, '截止返还窗口与违约名单', 'Returned at the cutoff, and the violation list')}</h2>
${barChart({ id: 'c4', title: t(l, '15时截止返还窗口的号源与违约名单人数', 'Tickets returned to the window at 15:00, and people on the violation list'), description: t(l, '第十七条截止后返还窗口的平台号源数，以及周期末违约名单人数。', 'Platform tickets returned at the 第十七条 cutoff, and the violation list size at the end of each period.'), labels, series: [{ name: t(l, '返还窗口', 'Returned'), values: s.rows.map((r) => r.cutoffReturned) }, { name: t(l, '违约名单', 'Violation list'), values: s.rows.map((r) => r.violationListSize) }] })}
<h2>${t(l, '统计表', 'Table')}</h2>
${table(
  [t(l, '周期', 'Period'), t(l, '号源', 'Tickets'), t(l, '预约占比', 'Offered'), t(l, '预约', 'Bookings'), t(l, '预约率', 'Booking rate'), t(l, '爽约率', 'No-show'), t(l, '取消率', 'Cancelled'), t(l, '上转', 'Up'), t(l, '重点慢病', 'Chronic'), t(l, '3日内就诊', 'Seen ≤3 days'), t(l, '下转', 'Down'), t(l, '返还窗口', 'Returned'), t(l, '违约名单', 'Violation list')],
  s.rows.map((r) => [r.bucket, String(r.ticketsTotal), pct(r.offeredShare), String(r.bookings), pct(r.bookingRate), pct(r.noShowRate), pct(r.cancellationRate), String(r.referralsUp), String(r.chronicFocusReferrals), pct(r.seenWithin3DaysShare), String(r.referralsDown), String(r.cutoffReturned), String(r.violationListSize)]),
)}
<h2>${t(l, '各机构预约号源占比', 'Share of tickets offered per institution')}</h2>
${table(
  [t(l, '机构', 'Institution'), t(l, '号源', 'Tickets'), t(l, '用于预约', 'Offered'), t(l, '占比', 'Share')],
  [...byInstitution.values()].map((i) => [i.name, String(i.total), String(i.offered), pct(i.total ? i.offered / i.total : null)]),
)}`;
    return sendHtml(reply, page(ctx, { title: t(l, '预约诊疗监管统计', 'Booking supervision'), body }));
  });

  app.get('/appointments/disclosure', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const d = await appointmentDisclosure(deps.k, deps.clock);
    const yes = t(l, '符合', 'Yes');
    const no = t(l, '不符合', 'No');
    const na = '—';
    const body = html`<p>${t(l, `统计期间：${d.from} 至 ${d.to}（含已发布的未来两周出诊）。各医疗机构须将至少80%的号源用于预约；三级医院分时段精确到30分钟，二级综合医院精确到1小时。本页不含任何个人信息。`, `Period ${d.from} to ${d.to} (including the published next two weeks). Institutions must offer at least 80% of tickets for booking; 三级 hospitals use 30-minute slots, 二级 general hospitals 1-hour slots. No personal data is shown.`)} ${lawLink(referralArt.ticketSupply)} · ${lawLink(referralArt.supervision)}</p>
<p><a href="/api/disclosure/appointments?format=csv">${t(l, '下载 CSV', 'Download CSV')}</a></p>
${barChart({ id: 'd1', title: t(l, '各机构预约号源占比', 'Share of tickets offered for booking per institution'), description: t(l, '每个机构一根柱，80%为最低要求。', 'One bar per institution; 80% is the minimum.'), labels: d.rows.map((r) => r.institution.replace(/^北京市西城区|^北京/, '').slice(0, 6)), series: [{ name: t(l, '预约号源占比', 'Offered share'), values: d.rows.map((r) => r.offeredShare) }, { name: t(l, '停诊率', 'Stop rate'), values: d.rows.map((r) => r.stopRate) }], percent: true })}
${table(
  [t(l, '医疗机构', 'Institution'), t(l, '等级', 'Level'), t(l, '出诊', 'Sessions'), t(l, '预约号源占比', 'Offered share'), t(l, '80%规则', '80% rule'), t(l, '分时段要求', 'Slot rule'), t(l, '分时段合规', 'Slots compliant'), t(l, '停诊率', 'Stop rate'), t(l, '特殊停诊', 'Short-notice stops')],
  d.rows.map((r) => [
    r.institution,
    r.level,
    String(r.sessions),
    pct(r.offeredShare),
    r.meets80 === null ? na : r.meets80 ? yes : `${no}（${r.sessionsBelow80}）`,
    r.requiredSlotMinutes === null ? t(l, '机构自定', 'Institution’s choice') : t(l, `${r.requiredSlotMinutes}分钟`, `${r.requiredSlotMinutes} min`),
    r.meetsSlotRule === null ? na : `${r.meetsSlotRule ? yes : no}（${pct(r.slotRuleShare)}）`,
    pct(r.stopRate),
    String(r.specialStops),
  ]),
  t(l, '预约诊疗服务社会公示', 'Public disclosure of booking services'),
)}`;
    return sendHtml(reply, page(ctx, { title: t(l, '预约诊疗服务公示', 'Booking services: public disclosure'), body }));
  });
}
