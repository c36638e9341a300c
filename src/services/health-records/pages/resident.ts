import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, summaryList, table, textInput, citationText } from '../../../platform/web/components.ts';
import { formatInstant } from '../../../platform/time/civil.ts';
import type { Db } from '../../../platform/db/connect.ts';
import type { HealthRecordsTables } from '../schema.ts';
import { readOwnRecord } from '../access.ts';
import { accessHistory } from '../record.ts';
import { dataItemLabels } from '../data-items.ts';
import { actionText as actionTextOf, purposeText as purposeTextOf, roleText as roleTextOf } from '../labels.ts';
import { residentCopyCitation } from '../citations.ts';
import { findCjkFont } from '../pdf.ts';
import { k } from '../person-index.ts';
import { csv } from '../http-helpers.ts';
import { describeHandBack } from '../hand-back-text.ts';

function describeData(kind: string, d: Record<string, unknown>, en: boolean): string {
  const s = (key: string) => (d[key] === undefined || d[key] === null ? '' : String(d[key]));
  switch (kind) {
    case 'encounter': return `${s('department')} ${s('doctorName')} ${s('summary')}`.trim();
    case 'diagnosis': return `${s('code')} ${s('display')}`;
    case 'prescription': return `${s('medication')} ${s('dose')} ${s('frequency')}`;
    case 'lab_result': return `${s('name')} ${s('value')}${s('unit')}${d.referenceRange ? `（${en ? 'ref' : '参考'} ${s('referenceRange')}）` : ''}`;
    case 'referral_hand_back': return describeHandBack(d, en);
    default: return `${en ? 'Family doctor' : '家庭医生'} ${s('doctorName')}${d.validUntil ? (en ? `, until ${s('validUntil')}` : `，有效至 ${s('validUntil')}`) : ''}`;
  }
}

/** 第十五条: the resident's own record, who accessed it, and the copies. */
export function registerResidentPages(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;

  app.get('/health-records', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const v = req.viewer;
    if (!v) return reply.redirect('/sign-in', 303);
    if (v.kind === 'staff') return reply.redirect('/health-records/admin', 303);
    const title = en ? 'My health record' : '我的健康档案';
    const d = await readOwnRecord(db, deps.clock, actorOf(req), v.personId ?? -1, 'health_record.read');
    if (!d.allowed) {
      const body = html`<div class="notice">${en ? d.reasons[0]?.message.en : d.reasons[0]?.message.zh}</div><p><a href="/health-records/access">${en ? 'Who accessed my record' : '谁访问了我的档案'}</a></p>`;
      return reply.type('text/html; charset=utf-8').send(page(ctx, { title, body }));
    }
    const r = d.value;
    const b = r.basics;
    const kinds = ['family_doctor_contract', 'referral_hand_back', 'diagnosis', 'encounter', 'prescription', 'lab_result'] as const;
    const body = html`<p>${en ? 'This is the record the district health-record centre holds about you, from the institutions that treated you.' : '以下是西城区居民健康档案中心根据为您服务的医疗卫生机构上传的信息为您建立的档案。'} <a class="citation" href="/law/${encodeURIComponent(residentCopyCitation.doc)}#${encodeURIComponent(residentCopyCitation.article)}">${citationText(ctx.locale, residentCopyCitation)}</a></p>
<p><a class="button secondary" href="/health-records/download">${en ? 'Download a copy' : '下载副本'}</a> <a href="/health-records/access">${en ? 'Who accessed my record, and when' : '谁在何时访问了我的档案'}</a></p>
<h2>${en ? 'About you' : '基本信息'}</h2>
${summaryList([
  { key: en ? 'Name' : '姓名', value: r.name },
  { key: en ? 'Sex' : '性别', value: b?.sex === 'female' ? (en ? 'Female' : '女') : b?.sex === 'male' ? (en ? 'Male' : '男') : '—' },
  { key: en ? 'Date of birth' : '出生日期', value: b?.birthDate ?? '—' },
  { key: en ? 'Address' : '住址', value: b?.address ?? '—' },
  { key: en ? 'Contact phone' : '联系电话', value: b?.contactPhone ?? '—' },
])}
${b && b.openConflicts > 0 ? html`<div class="notice">${en ? `${b.openConflicts} item(s) of your basic data differ between institutions and are being checked by the centre.` : `您的基本信息中有 ${b.openConflicts} 项在不同机构间不一致，档案中心正在复核。`}</div>` : ''}
${kinds.map((kind) => {
  const docs = r.documents.filter((x) => x.kind === kind);
  if (docs.length === 0) return '';
  const heading = en ? dataItemLabels[kind].en : dataItemLabels[kind].zh;
  return html`<h2>${heading}</h2>${table([en ? 'Date' : '日期', en ? 'Details' : '内容', en ? 'From' : '来源机构'], docs.map((x) => [x.occurredOn, describeData(kind, x.data, en), `${x.sourceOrganisationName}${x.version > 1 ? (en ? ` (version ${x.version})` : `（第${x.version}版）`) : ''}`]), undefined, heading)}`;
})}`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(ctx, { title, body }));
  });

  app.get<{ Querystring: { q?: string; format?: string; lang?: string } }>('/health-records/access', { schema: { hide: true, querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 40 }, format: { type: 'string', enum: ['csv'] }, lang: { type: 'string' } } } } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const v = req.viewer;
    if (!v) return reply.redirect('/sign-in', 303);
    if (v.kind !== 'person' || !v.personId) return reply.redirect('/health-records/admin', 303);
    const q = req.query.q?.trim() ?? '';
    const entries = (await accessHistory(k(db.kysely), v.personId, 500)).filter((e) => !q || e.actorName.includes(q) || (e.organisation ?? '').includes(q) || e.action.includes(q));
    const actionText = (a: string) => actionTextOf(a, en);
    const roleText = (r: string) => roleTextOf(r, en);
    const purposeText = (p: string | null) => purposeTextOf(p, en);
    if (req.query.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="my-record-access.csv"').send(csv(['time', 'who', 'role', 'institution', 'action', 'purpose', 'grant'], entries.map((e) => [formatInstant(new Date(e.at), ctx.locale), e.actorName, roleText(e.actorRole), e.organisation ?? '', actionText(e.action), purposeText(e.purpose), e.grantRef ?? ''])));
    }
    const body = html`<p>${en ? 'Everyone who created, changed, viewed or tried to view your record, from the platform\'s tamper-evident audit trail.' : '以下是所有建立、修改、查阅或试图查阅您档案的记录，来自平台防篡改的审计日志。'}</p>
<form method="get" action="/health-records/access" class="search-form">${textInput({ id: 'q', label: en ? 'Search by person or institution' : '按人员或机构检索', value: q })}${button(en ? 'Search' : '检索')}</form>
<p><a href="/health-records/access?${new URLSearchParams({ ...(q ? { q } : {}), format: 'csv' }).toString()}">${en ? 'Export CSV' : '导出 CSV'}</a></p>
${table([en ? 'Time' : '时间', en ? 'Who' : '人员', en ? 'Role' : '角色', en ? 'Institution' : '机构', en ? 'What' : '操作', en ? 'Purpose' : '用途'], entries.map((e) => [formatInstant(new Date(e.at), ctx.locale), e.actorName, roleText(e.actorRole), e.organisation ?? '—', actionText(e.action), purposeText(e.purpose)]), en ? 'Newest first' : '最新在前')}`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(ctx, { title: en ? 'Who accessed my record' : '我的档案访问记录', body, back: { href: '/health-records', label: en ? 'My health record' : '我的健康档案' } }));
  });

  app.get('/health-records/download', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer) return reply.redirect('/sign-in', 303);
    if (req.viewer.kind !== 'person') return reply.redirect('/health-records/admin', 303);
    const pdf = findCjkFont() !== undefined;
    const body = html`<p>${en ? 'You can download a copy of your own record. Each download is recorded in your access history.' : '您可以下载本人档案的副本。每次下载都会记入访问记录。'}</p>
<ul>
<li>${pdf ? html`<a href="/api/health-records/me/copy.pdf">${en ? 'PDF, for reading and printing' : 'PDF 文件（便于阅读和打印）'}</a>` : html`${en ? 'PDF copies are temporarily unavailable.' : 'PDF 副本暂不可用。'}`}</li>
<li><a href="/api/health-records/me/copy.json">${en ? 'FHIR R4 JSON, for another health system' : 'FHIR R4 JSON 文件（可导入其他医疗信息系统）'}</a></li>
</ul>
<p class="hint">${citationText(ctx.locale, residentCopyCitation)}</p>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Download a copy of my record' : '下载我的档案副本', body, back: { href: '/health-records', label: en ? 'My health record' : '我的健康档案' } }));
  });
}
