import type { FastifyInstance } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { pick } from '../../../platform/http/locale.ts';
import { actorRoleLabel } from '../../../platform/audit/labels.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, table, textInput } from '../../../platform/web/components.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { referralArt } from '../referrals/citations.ts';
import { lawLink, pct, sendHtml, t } from '../referrals/page-kit.ts';
import { barChart } from './chart.ts';
import { appointmentDisclosure, complianceBetween } from './disclosure.ts';
import { staffActivity } from './staff-activity.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import { addDays, civilDateOf, isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { summaryList } from '../../../platform/web/components.ts';
import { statisticsRange, type StatisticsQuery } from './routes.ts';
import { appointmentStatistics, granularities } from './statistics.ts';

const flagLabels: Record<string, { zh: string; en: string }> = {
  clinic_booking_without_visit: { zh: '为未就诊者诊间预约', en: 'In-clinic bookings for people not seen' },
  many_people_one_day: { zh: '单日为多人预约', en: 'Many people in one day' },
};

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
    const activity = await staffActivity(deps.k, s.from, s.to < civilDateOf(deps.clock.now()) ? s.to : civilDateOf(deps.clock.now()));
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
  [t(l, '机构', 'Institution'), t(l, '号源', 'Tickets'), t(l, '用于预约', 'Offered'), t(l, '占比', 'Share'), t(l, '月度考核', 'Monthly report')],
  [...byInstitution.entries()].map(([id, i]) => [i.name, String(i.total), String(i.offered), pct(i.total ? i.offered / i.total : null), html`<a href="/appointments/supervision/report?institutionId=${id}&month=${s.to.slice(0, 7)}">${t(l, '考核报告', 'Report')}</a>`]),
)}
<h2>${t(l, '工作人员操作（第三十一条）', 'Staff activity (第三十一条)')}</h2>
<p>${t(l, '按工作人员账号统计预约、取消和超出规则操作；标记仅提示需人工核查。', 'Bookings, cancellations and overrides per staff account; flags are leads for a human check.')} ${lawLink(referralArt.staffMisuse)} · <a href="/api/supervision/staff-activity?from=${s.from}&to=${s.to}&format=csv">CSV</a> · <a href="/audit">${t(l, '审计日志', 'Audit log')}</a></p>
${table(
  [t(l, '账号', 'Account'), t(l, '机构', 'Organisation'), t(l, '预约', 'Bookings'), t(l, '涉及人数', 'People'), t(l, '单日最多', 'Most in a day'), t(l, '取消', 'Cancellations'), t(l, '超出规则', 'Overrides'), t(l, '未就诊即诊间预约', 'Clinic bookings without a visit'), t(l, '提示', 'Flags')],
  activity.map((a) => [`${a.name}（${actorRoleLabel(l, a.role)}）`, a.organisation ?? '', String(a.bookings), String(a.distinctPeople), String(a.busiestDayPeople), String(a.cancellations), String(a.overrides), String(a.clinicWithoutVisit), a.flags.length ? html`${a.flags.map((f) => html`<span class="tag grey">${pick(l, flagLabels[f] ?? { zh: f, en: f })}</span> `)}` : '']),
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
${barChart({ id: 'd1', title: t(l, '各机构预约号源占比', 'Share of tickets offered for booking per institution'), description: t(l, '每个机构一根柱，80%为最低要求。', 'One bar per institution; 80% is the minimum.'), labels: d.rows.map((r) => r.shortName), series: [{ name: t(l, '预约号源占比', 'Offered share'), values: d.rows.map((r) => r.offeredShare) }, { name: t(l, '停诊率', 'Stop rate'), values: d.rows.map((r) => r.stopRate) }], percent: true })}
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

  // 第二十九条: the monthly assessment report of one institution, printable.
  app.get<{ Querystring: { institutionId?: string; month?: string } }>('/appointments/supervision/report', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    if (!req.viewer) return reply.redirect('/staff/sign-in', 303);
    const own = req.viewer.role === 'institution_admin' ? await institutionOfOrganisation(deps.k, req.viewer.organisationId) : null;
    const requested = /^[1-9]\d{0,8}$/.test(req.query.institutionId ?? '') ? Number(req.query.institutionId) : own;
    const allowed = req.viewer.role === 'platform_operator' || (own !== null && requested === own);
    if (!allowed || requested === null) return sendHtml(reply, page(ctx, { title: t(l, '无权访问', 'Not allowed'), body: html`<p>${t(l, '只有平台运营人员和本机构管理员可以查看考核报告。', 'Only platform operators and the institution’s own administrator see this report.')}</p>` }), 403);
    const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(req.query.month ?? '') ? (req.query.month as string) : civilDateOf(deps.clock.now()).slice(0, 7);
    const from = `${month}-01` as CivilDate;
    if (!isCivilDate(from)) return sendHtml(reply, page(ctx, { title: t(l, '未找到', 'Not found'), body: html`` }), 404);
    const to = addDays((Number(month.slice(5)) === 12 ? `${Number(month.slice(0, 4)) + 1}-01-01` : `${month.slice(0, 5)}${String(Number(month.slice(5)) + 1).padStart(2, '0')}-01`) as CivilDate, -1);
    const [stats, compliance] = await Promise.all([appointmentStatistics(deps.k, deps.clock, { from, to, granularity: 'month', institutionId: requested }), complianceBetween(deps.k, from, to, requested)]);
    const c = compliance.rows[0];
    const r = stats.rows[0];
    if (!c || !r) return sendHtml(reply, page(ctx, { title: t(l, '未找到', 'Not found'), body: html`<p>${t(l, '没有该机构。', 'No such institution.')}</p>` }), 404);
    const body = html`<p>${t(l, `考核期间：${from} 至 ${to}`, `Period: ${from} to ${to}`)} · ${lawLink(referralArt.assessment)} · ${lawLink(referralArt.ticketSupply)} · ${lawLink(referralArt.withinThreeDays)}</p>
${summaryList([
  { key: t(l, '医疗机构', 'Institution'), value: `${c.institution}（${c.level}）` },
  { key: t(l, '出诊单元', 'Sessions'), value: String(c.sessions) },
  { key: t(l, '号源 / 用于预约', 'Tickets / offered'), value: `${r.ticketsTotal} / ${r.ticketsOffered}（${pct(r.offeredShare)}）` },
  { key: t(l, '80%规则（第十条 (一)）', '80% rule (第十条 (一))'), value: c.meets80 === null ? '—' : c.meets80 ? t(l, '符合', 'Met') : t(l, `不符合：${c.sessionsBelow80}个出诊单元低于80%`, `Not met: ${c.sessionsBelow80} sessions below 80%`) },
  { key: t(l, '分时段（第十条 (四)）', 'Slot length (第十条 (四))'), value: c.requiredSlotMinutes === null ? t(l, '机构自定', 'Institution’s choice') : `${c.requiredSlotMinutes}${t(l, '分钟', ' min')} · ${pct(c.slotRuleShare)}` },
  { key: t(l, '停诊率（第二十七条）', 'Stop rate (第二十七条)'), value: `${pct(c.stopRate)}（${t(l, '特殊停诊', 'short notice')} ${c.specialStops}）` },
  { key: t(l, '平台预约 / 预约率', 'Platform bookings / rate'), value: `${r.bookings} / ${pct(r.bookingRate)}` },
  { key: t(l, '爽约率 / 取消率', 'No-show / cancellation rate'), value: `${pct(r.noShowRate)} / ${pct(r.cancellationRate)}` },
  { key: t(l, '接收社区转诊 / 3日内就诊', 'Referrals received / seen within 3 days'), value: `${r.referralsUp} / ${pct(r.seenWithin3DaysShare)}` },
  { key: t(l, '重点慢病转诊', 'Chronic-focus referrals'), value: String(r.chronicFocusReferrals) },
  { key: t(l, '转回社区', 'Handed back'), value: String(r.referralsDown) },
  { key: t(l, '15时截止返还窗口号源', 'Returned to the window at 15:00'), value: String(r.cutoffReturned) },
])}
<p><a href="/api/supervision/appointments?institutionId=${requested}&granularity=month&from=${from}&to=${to}&format=csv">${t(l, '下载 CSV', 'Download CSV')}</a></p>`;
    return sendHtml(reply, page(ctx, { title: t(l, '预约诊疗服务月度考核报告', 'Monthly assessment of booking services'), body }));
  });
}
