import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { pageContext } from '../../../platform/http/server.ts';
import { page } from '../../../platform/web/layout.ts';
import { html } from '../../../platform/web/html.ts';
import { button, table } from '../../../platform/web/components.ts';
import { toCsv } from '../../../platform/web/csv.ts';
import { maskDocumentNumber, maskName, maskPhone } from '../../../platform/identity/masking.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { lawLink, sendHtml, t } from '../referrals/page-kit.ts';
import { auditRead, field, staffGuard } from './desk-kit.ts';

/**
 * 违约名单 (第六条 (三) 信用名单管理, 第三十二条) for the platform operator: every violation with the
 * person's listing, searchable and exportable, personal data masked (第三十条).
 */
export const violationRoles = ['platform_operator'] as const;

export interface ViolationRow {
  readonly violationId: number;
  readonly personId: number;
  readonly name: string;
  readonly docNumber: string;
  readonly phone: string;
  readonly kind: string;
  readonly occurredOn: string;
  readonly bookingId: number | null;
  /** The end of the person's active listing, if they are listed today. */
  readonly banEndsOn: string | null;
}

const kindText: Record<string, { zh: string; en: string }> = {
  no_show: { zh: '预约未就诊且未取消', en: 'Missed without cancelling' },
  duplicate: { zh: '重复预约', en: 'Duplicate booking' },
};

/**
 * Violations, newest first; q matches the name, the document number's end, or the exact number
 * (an operator answering a caller types the whole number; the page still shows it masked).
 */
export async function listViolations(k: Kysely<AppointmentDb>, today: string, q: string, listedOnly: boolean, limit = 1000): Promise<ViolationRow[]> {
  const upper = q.toUpperCase();
  // LIKE with an explicit ESCAPE behaves the same on SQLite and PostgreSQL.
  const escaped = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
  let query = k
    .selectFrom('appt_violations as v')
    .innerJoin('persons as p', 'p.id', 'v.person_id')
    .select(['v.id', 'v.person_id', 'v.kind', 'v.occurred_on', 'v.booking_id', 'p.name', 'p.doc_number', 'p.phone']);
  if (q) {
    query = query.where((e) =>
      e.or([
        sql<boolean>`${sql.ref('p.name')} like ${`%${escaped(q)}%`} escape '\\'`,
        e('p.doc_number', '=', upper),
        ...(upper.length >= 4 ? [sql<boolean>`${sql.ref('p.doc_number')} like ${`%${escaped(upper)}`} escape '\\'`] : []),
      ]),
    );
  }
  // Filtered and limited in the database, so the totals on the page are true however long the list grows.
  if (listedOnly) query = query.where((e) => e.exists(e.selectFrom('appt_bans as b').select('b.person_id').whereRef('b.person_id', '=', 'v.person_id').where('b.ends_on', '>', today)));
  const rows = await query.orderBy('v.occurred_on', 'desc').orderBy('v.id', 'desc').limit(limit).execute();
  const personIds = [...new Set(rows.map((r) => Number(r.person_id)))];
  const bans = personIds.length
    ? await k.selectFrom('appt_bans').select(['person_id', (e) => e.fn.max('ends_on').as('ends')]).where('person_id', 'in', personIds).where('ends_on', '>', today).groupBy('person_id').execute()
    : [];
  const banOf = new Map(bans.map((b) => [Number(b.person_id), String(b.ends)]));
  return rows
    .map((r) => ({
      violationId: Number(r.id),
      personId: Number(r.person_id),
      name: r.name,
      docNumber: r.doc_number,
      phone: r.phone,
      kind: r.kind,
      occurredOn: r.occurred_on,
      bookingId: r.booking_id === null ? null : Number(r.booking_id),
      banEndsOn: banOf.get(Number(r.person_id)) ?? null,
    }));
}

export function registerViolationPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  const read = async (req: FastifyRequest<{ Querystring: { q?: string; listed?: string } }>) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 40) : '';
    const listed = req.query.listed === '1';
    const today = civilDateOf(deps.clock.now());
    return { q, listed, today, rows: await listViolations(deps.k, today, q, listed) };
  };
  const querySchema = { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 40 }, listed: { type: 'string', enum: ['0', '1'] }, lang: { type: 'string' } } } as const;

  app.get<{ Querystring: { q?: string; listed?: string } }>('/appointments/violations', { schema: { hide: true, querystring: querySchema } }, async (req, reply: FastifyReply) => {
    if (!(await staffGuard(deps, req, reply, violationRoles, false))) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const { q, listed, today, rows } = await read(req);
    if (rows.length) await auditRead(deps, req, 'violation.list', 'person', { count: rows.length, q: q ? 'set' : '', listed });
    const listedPeople = new Set(rows.filter((r) => r.banEndsOn).map((r) => r.personId)).size;
    const qs = new URLSearchParams({ ...(q ? { q } : {}), ...(listed ? { listed: '1' } : {}) }).toString();
    const body = html`<p>${t(l, '预约成功后未按约就诊、又未提前取消的，视为违约；3个月内累计违约3次或重复预约的，列入违约名单，此后3个月内不能预约诊疗和预约转诊。', 'A booking neither kept nor cancelled in time is a violation; 3 in 3 months, or a duplicate booking, lists the person, who cannot book or be referred for the next 3 months.')} ${lawLink(art.violations, t(l, '依据 西卫〔2019〕5号 第三十二条', 'Under 西卫〔2019〕5号 第三十二条'))}</p>
<p>${t(l, '个人信息已脱敏显示。', 'Personal data is masked.')}</p>
<form method="get" action="/appointments/violations" class="search-form" role="search">
${field({ id: 'q', label: t(l, '按姓名或证件号码（完整号码或后四位）查找', 'Find by name or document number (whole, or the last 4)'), value: q, accesskey: 's' })}
<div class="form-group"><div class="radio"><input type="checkbox" id="listed" name="listed" value="1"${listed ? ' checked' : ''}><label for="listed">${t(l, '只看目前在违约名单中的', 'Only people listed today')}</label></div></div>
${button(t(l, '查找', 'Search'))}
</form>
<p>${t(l, `共 ${rows.length} 条违约记录，其中 ${listedPeople} 人目前在违约名单中（截至 ${today}）。`, `${rows.length} violations; ${listedPeople} people listed today (${today}).`)} <a href="/appointments/violations.csv${qs ? `?${qs}` : ''}" download>${t(l, '下载 CSV', 'Download CSV')}</a></p>
${table(
  [t(l, '日期', 'Date'), t(l, '姓名', 'Name'), t(l, '证件号码', 'Document'), t(l, '电话', 'Phone'), t(l, '违约类型', 'Kind'), t(l, '违约名单', 'Listed until')],
  rows.map((r) => [r.occurredOn, maskName(r.name), maskDocumentNumber(r.docNumber), maskPhone(r.phone), t(l, kindText[r.kind]?.zh ?? r.kind, kindText[r.kind]?.en ?? r.kind), r.banEndsOn ? html`<strong class="tag">${t(l, `至 ${r.banEndsOn}`, `until ${r.banEndsOn}`)}</strong>` : t(l, '未列入', 'Not listed')]),
  t(l, '违约记录', 'Violations'),
)}`;
    return sendHtml(reply, page(ctx, { title: t(l, '违约名单', 'Violation list'), body }));
  });

  app.get<{ Querystring: { q?: string; listed?: string } }>('/appointments/violations.csv', { schema: { hide: true, querystring: querySchema } }, async (req, reply) => {
    if (!(await staffGuard(deps, req, reply, violationRoles, false))) return reply;
    const l = pageContext(req, deps.clock).locale;
    const { q, listed, today, rows } = await read(req);
    await auditRead(deps, req, 'violation.export', 'person', { count: rows.length, q: q ? 'set' : '', listed });
    const csv = toCsv(
      [t(l, '日期', 'Date'), t(l, '姓名', 'Name'), t(l, '证件号码', 'Document'), t(l, '电话', 'Phone'), t(l, '违约类型', 'Kind'), t(l, '违约名单截止', 'Listed until')],
      rows.map((r) => [r.occurredOn, maskName(r.name), maskDocumentNumber(r.docNumber), maskPhone(r.phone), t(l, kindText[r.kind]?.zh ?? r.kind, kindText[r.kind]?.en ?? r.kind), r.banEndsOn ?? '']),
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="violations-${today}.csv"`)
      .send(csv);
  });
}
