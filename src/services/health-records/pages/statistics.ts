import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { pageContext } from '../../../platform/http/server.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { table, citationText } from '../../../platform/web/components.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import type { Db } from '../../../platform/db/connect.ts';
import type { HealthRecordsTables } from '../schema.ts';
import { minimumCell, publicStatistics } from '../statistics.ts';
import { dataItemLabels } from '../data-items.ts';
import { disclosureCitation } from '../citations.ts';
import { k } from '../person-index.ts';
import { barChart } from './chart.ts';

/** 第十三条: the public statistics page — aggregates only, small cells suppressed, with charts. */
export function registerStatisticsPage(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;
  app.get('/health-records/statistics', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const s = await publicStatistics(k(db.kysely), civilDateOf(deps.clock.now()));
    const show = (c: { value: number | null }) => (c.value === null ? `<${minimumCell}` : String(c.value));
    const body = html`<p>${en ? `Figures from the district health-record centre. Only totals are published; any group of fewer than ${minimumCell} people is shown as "<${minimumCell}" so that no one can be picked out. Personal data is never published.` : `以下为西城区居民健康档案中心的汇总数据。仅公布汇总数，少于${minimumCell}人的分组显示为“<${minimumCell}”，以免识别到个人；个人信息一律不公开。`} <a class="citation" href="/law/${encodeURIComponent(disclosureCitation.doc)}#${encodeURIComponent(disclosureCitation.article)}">${citationText(ctx.locale, disclosureCitation)}</a></p>
<p><strong>${en ? 'People with a record' : '建档人数'}：${show(s.people)}</strong> · <a href="/api/health-records/statistics?format=csv">${en ? 'Download CSV' : '下载 CSV'}</a></p>
${barChart(en ? 'Records by kind' : '各类记录数', s.documentsByKind.map((d) => ({ label: en ? dataItemLabels[d.kind].en : dataItemLabels[d.kind].zh, value: d.count.value })))}
${barChart(en ? 'Most common diagnoses (people)' : '常见诊断（人数）', s.topDiagnoses.map((d) => ({ label: `${d.code} ${d.display}`, value: d.people.value })))}
${barChart(en ? 'People by age band' : '年龄分布（人数）', s.peopleByAgeBand.map((d) => ({ label: d.band, value: d.people.value })))}
${table([en ? 'Diagnosis (ICD-10)' : '诊断（ICD-10）', en ? 'People' : '人数'], s.topDiagnoses.map((d) => [`${d.code} ${d.display}`, show(d.people)]))}
${table([en ? 'Sex' : '性别', en ? 'People' : '人数'], s.peopleBySex.map((d) => [d.sex === 'female' ? (en ? 'Female' : '女') : en ? 'Male' : '男', show(d.people)]))}`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Health-record statistics' : '居民健康档案统计', body }));
  });
}
