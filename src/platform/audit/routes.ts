import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../http/server.ts';
import { pageContext } from '../http/server.ts';
import { requireRole } from '../http/auth.ts';
import { formatInstant } from '../time/civil.ts';
import { page } from '../web/layout.ts';
import { html } from '../web/html.ts';
import { button, table, textInput } from '../web/components.ts';
import { searchAudit, type AuditQuery } from './search.ts';
import { toCsv } from '../web/csv.ts';
import { actionLabel, actorRoleLabel } from './labels.ts';

const auditRoles = ['auditor', 'platform_operator'] as const;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actorName: { type: 'string', maxLength: 40 },
    actorRole: { type: 'string', maxLength: 40 },
    action: { type: 'string', maxLength: 60 },
    entityType: { type: 'string', maxLength: 40 },
    entityId: { type: 'string', maxLength: 40 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    beforeSeq: { type: 'string', pattern: '^\\d{1,9}$' },
    limit: { type: 'string', pattern: '^\\d{1,3}$' },
    lang: { type: 'string' },
    format: { type: 'string', enum: ['json', 'csv'] },
  },
} as const;

type Q = Record<string, string | undefined>;

function toQuery(q: Q): AuditQuery {
  return {
    actorName: q.actorName || undefined,
    actorRole: q.actorRole || undefined,
    action: q.action || undefined,
    entityType: q.entityType || undefined,
    entityId: q.entityId || undefined,
    from: q.from || undefined,
    to: q.to || undefined,
    beforeSeq: q.beforeSeq ? Number(q.beforeSeq) : undefined,
    limit: q.limit ? Number(q.limit) : undefined,
  };
}


/** 西卫〔2019〕4号 第十八条: auditors can search the trail (and export it). */
export function registerAuditRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  app.get<{ Querystring: Q }>(
    '/api/audit',
    { schema: { tags: ['audit'], summary: '检索审计日志 / Search the audit trail', security: [{ bearer: [] }], querystring: querySchema } },
    async (req, reply) => {
      if (!requireRole(req, reply, auditRoles)) return reply;
      const rows = await searchAudit(deps.db.kysely, toQuery(req.query));
      if (req.query.format === 'csv') {
        const cols = ['seq', 'at', 'actor_name', 'actor_role', 'action', 'entity_type', 'entity_id', 'purpose', 'grant_ref', 'source_ip', 'hash'] as const;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(toCsv(cols, rows.map((r) => cols.map((c) => r[c]))));
      }
      return { rows };
    },
  );

  app.get<{ Querystring: Q }>('/audit', { schema: { hide: true, querystring: querySchema } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer) return reply.redirect('/staff/sign-in', 303);
    if (!requireRole(req, reply, auditRoles)) return reply;
    const rows = await searchAudit(deps.db.kysely, toQuery(req.query));
    const qs = new URLSearchParams(Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v !== '') as [string, string][]);
    qs.set('format', 'csv');
    const body = html`<form method="get" action="/audit" class="search-form">
${textInput({ id: 'actorName', label: en ? 'Who' : '操作人', value: req.query.actorName })}
${textInput({ id: 'action', label: en ? 'Action (prefix)' : '操作（前缀）', value: req.query.action })}
${textInput({ id: 'entityId', label: en ? 'Record id' : '记录编号', value: req.query.entityId })}
${button(en ? 'Search' : '检索')}
</form>
<p><a href="/api/audit?${qs.toString()}">${en ? 'Export CSV' : '导出 CSV'}</a></p>
${table(
  ['#', en ? 'Time' : '时间', en ? 'Who' : '操作人', en ? 'Role' : '角色', en ? 'Action' : '操作', en ? 'Record' : '对象', 'IP'],
  rows.map((r) => {
    // Words for people; the code stays beside it for the prefix search and the CSV (which keeps codes).
    const action = actionLabel(ctx.locale, r.action);
    return [String(r.seq), formatInstant(new Date(r.at), ctx.locale), r.actor_name, actorRoleLabel(ctx.locale, r.actor_role), action === r.action ? r.action : html`${action}<br><small><code>${r.action}</code></small>`, `${r.entity_type} ${r.entity_id}`, r.source_ip ?? ''];
  }),
  en ? 'Newest first' : '最新在前',
)}`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Audit trail' : '审计日志', body }));
  });
}
