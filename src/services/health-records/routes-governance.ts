import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import { requireRole } from '../../platform/http/auth.ts';
import { sendRefusal } from '../../platform/http/refusal.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit } from '../../platform/audit/trail.ts';
import { reason } from '../../platform/law/decision.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { activateGrant, approveGrant, integrateInstitution, listGrants, rejectGrant, revokeGrant, submitApplication } from './grants.ts';
import { assignDuty, duties, operatorScopes, recordAgreement, requireOperatorScope, type OperatorScope } from './operators.ts';
import { findDuplicateCandidates, mergePersons, resolveConflict, undoMerge } from './duplicates.ts';
import { handOverInstitution } from './handover.ts';
import { internalStatistics, publicStatistics } from './statistics.ts';
import { disclosureClasses, disclosureClassOf, mayPublish, personalDataItems, purposes } from './data-items.ts';
import { authorisationCitation } from './citations.ts';
import { csv, errRef, sendDecision, sendProblems, staffRef } from './http-helpers.ts';
import { k } from './person-index.ts';

const idParam = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9]\\d{0,9}$' } } } as const;
const tags = ['health-records'];
const sec = [{ bearer: [] }];
const refusals = { 401: errRef, 403: errRef, 404: errRef, 409: errRef, 422: errRef } as const;

/** Grants (第十四条), outsourced operators (第十一条), institutions and handover (第十二条), the person index (第八条), statistics (第十三条). */
export function registerGovernanceRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;
  const operatorScope = async (req: FastifyRequest, reply: FastifyReply, scope: OperatorScope): Promise<boolean> => {
    const d = await requireOperatorScope(db, deps.clock, staffRef(req), scope);
    if (!d.allowed) sendRefusal(req, reply, d.reasons);
    return d.allowed;
  };

  // ---- grants
  app.get<{ Querystring: { status?: string; format?: string } }>(
    '/api/health-records/grants',
    { schema: { tags, security: sec, summary: '授权登记簿 / Grant register', querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['submitted', 'approved', 'active', 'rejected', 'revoked'] }, format: { type: 'string', enum: ['json', 'csv'] }, lang: { type: 'string' } } }, response: { 401: errRef, 403: errRef } } },
    async (req, reply) => {
      const v = requireRole(req, reply, ['platform_operator', 'department_reviewer', 'auditor', 'institution_admin']);
      if (!v) return reply;
      // An institution sees its own grants; the centre and the departments see all (内部 class).
      const rows = await listGrants(k(db.kysely), civilDateOf(deps.clock.now()), { ...(req.query.status ? { status: req.query.status } : {}), ...(v.role === 'institution_admin' ? { organisationId: v.organisationId ?? -1 } : {}) });
      if (req.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="grants.csv"').send(csv(['ref', 'kind', 'grantee', 'data_items', 'purposes', 'valid_from', 'valid_until', 'status', 'effective_status', 'legal_basis'], rows.map((g) => [g.ref, g.kind, g.granteeName, g.dataItems.join(' '), g.purposes.join(' '), g.validFrom, g.validUntil ?? '', g.status, g.effectiveStatus, g.legalBasis])));
      }
      return { grants: rows };
    },
  );

  app.post<{ Body: { granteeOrganisationId?: number; dataItems: string[]; purposes: string[]; purposeText: string; legalBasis: string; applicationText: string; validFrom: string; validUntil: string } }>(
    '/api/health-records/grants',
    {
      schema: {
        tags, security: sec,
        summary: '提交书面数据对接申请 / Submit a written data application',
        description: '西卫〔2019〕4号 第十四条: data items, purposes, period and legal basis; then the business and the information department approve and the 信息中心 activates.',
        body: {
          type: 'object', additionalProperties: false, required: ['dataItems', 'purposes', 'purposeText', 'legalBasis', 'applicationText', 'validFrom', 'validUntil'],
          properties: { granteeOrganisationId: { type: 'integer', minimum: 1 }, dataItems: { type: 'array', maxItems: 10, items: { type: 'string', enum: [...personalDataItems] } }, purposes: { type: 'array', maxItems: 10, items: { type: 'string', enum: [...purposes] } }, purposeText: { type: 'string', maxLength: 2000 }, legalBasis: { type: 'string', maxLength: 500 }, applicationText: { type: 'string', maxLength: 10000 }, validFrom: { type: 'string', maxLength: 10 }, validUntil: { type: 'string', maxLength: 10 } },
        },
        response: { 201: { type: 'object', properties: { grantRef: { type: 'string' }, id: { type: 'integer' } } }, ...refusals },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, ['institution_admin', 'platform_operator']);
      if (!v) return reply;
      const grantee = v.role === 'institution_admin' ? v.organisationId : req.body.granteeOrganisationId;
      if (!grantee) return sendRefusal(req, reply, [reason('invalid_request', '请指明申请单位', 'Name the applying unit', authorisationCitation)]);
      if (v.role === 'platform_operator' && !(await operatorScope(req, reply, 'grants'))) return reply;
      const d = await submitApplication(db, deps.clock, staffRef(req), grantee, req.body);
      if (!d.allowed && 'problems' in d) return sendProblems(req, reply, d.reasons, d.problems.map((p) => ({ path: p.field, code: p.code, message: p.message, citation: authorisationCitation })));
      return sendDecision(req, reply, d, 201);
    },
  );

  app.post<{ Params: { id: string }; Body: { department: 'business_department' | 'information_department' } }>(
    '/api/health-records/grants/:id/approve',
    { schema: { tags, security: sec, summary: '部门同意（主管业务部门 / 信息部门） / A department approves', params: idParam, body: { type: 'object', additionalProperties: false, required: ['department'], properties: { department: { type: 'string', enum: [...duties] } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['department_reviewer'])) return reply;
      return sendDecision(req, reply, await approveGrant(db, deps.clock, staffRef(req), Number(req.params.id), req.body.department));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/health-records/grants/:id/reject',
    { schema: { tags, security: sec, summary: '部门不同意 / A department rejects', params: idParam, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 2, maxLength: 500 } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['department_reviewer'])) return reply;
      return sendDecision(req, reply, await rejectGrant(db, deps.clock, staffRef(req), Number(req.params.id), req.body.reason));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/health-records/grants/:id/activate',
    { schema: { tags, security: sec, summary: '信息中心办理（授权生效） / The 信息中心 activates the grant', params: idParam, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await activateGrant(db, deps.clock, staffRef(req), Number(req.params.id)));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/health-records/grants/:id/revoke',
    { schema: { tags, security: sec, summary: '撤销授权（立即生效） / Revoke a grant (effective at once)', params: idParam, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 2, maxLength: 500 } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await revokeGrant(db, deps.clock, staffRef(req), Number(req.params.id), req.body.reason));
    },
  );

  // ---- institutions, reviewers' duties, outsourced operators
  app.post<{ Params: { id: string } }>(
    '/api/health-records/institutions/:id/integrate',
    { schema: { tags, security: sec, summary: '机构接入（默认为直接授权） / Integrate an institution (direct grant)', params: idParam, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await integrateInstitution(db, deps.clock, staffRef(req), Number(req.params.id)));
    },
  );

  app.post<{ Params: { id: string }; Body: { successorId: number; reason: 'closed' | 'merged' } }>(
    '/api/health-records/institutions/:id/handover',
    { schema: { tags, security: sec, summary: '机构变更移交（档案与授权整体移交承接机构） / Hand an institution\'s records and grants over to its successor', params: idParam, body: { type: 'object', additionalProperties: false, required: ['successorId', 'reason'], properties: { successorId: { type: 'integer', minimum: 1 }, reason: { type: 'string', enum: ['closed', 'merged'] } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await handOverInstitution(db, deps.clock, staffRef(req), { fromOrganisationId: Number(req.params.id), toOrganisationId: req.body.successorId, reason: req.body.reason }));
    },
  );

  app.post<{ Params: { id: string }; Body: { duty: 'business_department' | 'information_department' } }>(
    '/api/health-records/reviewers/:id/duties',
    { schema: { tags, security: sec, summary: '指定审批部门职责 / Name a reviewer\'s department', params: idParam, body: { type: 'object', additionalProperties: false, required: ['duty'], properties: { duty: { type: 'string', enum: [...duties] } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await assignDuty(db, deps.clock, staffRef(req), Number(req.params.id), req.body.duty));
    },
  );

  app.put<{ Params: { id: string }; Body: { contractor: string; agreementRef: string; scopes: OperatorScope[]; validFrom: string; validUntil: string } }>(
    '/api/health-records/operators/:id/agreement',
    { schema: { tags, security: sec, summary: '登记外包运维委托协议及其范围 / Record an outsourcing agreement and its scope', description: '西卫〔2019〕4号 第十一条.', params: idParam, body: { type: 'object', additionalProperties: false, required: ['contractor', 'agreementRef', 'scopes', 'validFrom', 'validUntil'], properties: { contractor: { type: 'string', minLength: 2, maxLength: 100 }, agreementRef: { type: 'string', minLength: 2, maxLength: 60 }, scopes: { type: 'array', maxItems: 10, items: { type: 'string', enum: [...operatorScopes] } }, validFrom: { type: 'string', maxLength: 10 }, validUntil: { type: 'string', maxLength: 10 } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return sendDecision(req, reply, await recordAgreement(db, deps.clock, staffRef(req), { staffId: Number(req.params.id), ...req.body }));
    },
  );

  // ---- master person index
  app.get<{ Querystring: { format?: string } }>(
    '/api/health-records/duplicates',
    { schema: { tags, security: sec, summary: '疑似重复人员（复核，记入审计） / Suspected duplicate people (review; audited)', querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] }, lang: { type: 'string' } } }, response: { 401: errRef, 403: errRef } } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      if (!(await operatorScope(req, reply, 'mpi'))) return reply;
      const list = await listDuplicatesAudited(db, deps, req);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="duplicates.csv"').send(csv(['a_id', 'a_name', 'a_doc_type', 'b_id', 'b_name', 'b_doc_type', 'reasons'], list.map((c) => [c.a.id, c.a.name, c.a.docType, c.b.id, c.b.name, c.b.docType, c.reasons.join(' ')])));
      return { candidates: list };
    },
  );

  app.post<{ Body: { survivorId: number; mergedId: number; reason: string } }>(
    '/api/health-records/merges',
    { schema: { tags, security: sec, summary: '合并重复人员（可撤销，记入审计） / Merge a duplicate person (undoable, audited)', body: { type: 'object', additionalProperties: false, required: ['survivorId', 'mergedId', 'reason'], properties: { survivorId: { type: 'integer', minimum: 1 }, mergedId: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 500 } } }, response: { 201: { type: 'object', properties: { mergeId: { type: 'integer' }, conflicts: { type: 'integer' } } }, ...refusals } } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      if (!(await operatorScope(req, reply, 'mpi'))) return reply;
      return sendDecision(req, reply, await mergePersons(db, deps.clock, staffRef(req), req.body), 201);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/health-records/merges/:id/undo',
    { schema: { tags, security: sec, summary: '撤销合并 / Undo a merge', params: idParam, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', maxLength: 500 } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      if (!(await operatorScope(req, reply, 'mpi'))) return reply;
      return sendDecision(req, reply, await undoMerge(db, deps.clock, staffRef(req), Number(req.params.id), req.body.reason));
    },
  );

  app.post<{ Params: { id: string }; Body: { decision: 'keep' | 'accept' } }>(
    '/api/health-records/conflicts/:id',
    { schema: { tags, security: sec, summary: '复核基本数据项差异 / Review a basic-item conflict', params: idParam, body: { type: 'object', additionalProperties: false, required: ['decision'], properties: { decision: { type: 'string', enum: ['keep', 'accept'] } } }, response: refusals } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      if (!(await operatorScope(req, reply, 'mpi'))) return reply;
      return sendDecision(req, reply, await resolveConflict(db, deps.clock, staffRef(req), Number(req.params.id), req.body.decision));
    },
  );

  // ---- statistics (第十三条)
  app.get<{ Querystring: { format?: string } }>(
    '/api/health-records/statistics',
    { schema: { tags, summary: '公开统计（汇总数据，小于5人的格子不公布） / Published statistics (aggregates; cells under 5 suppressed)', description: '西卫〔2019〕4号 第十三条: aggregates only; personal data is never published.', querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] }, lang: { type: 'string' } } } } },
    async (req, reply) => {
      const publishable = mayPublish('statistics');
      if (!publishable.allowed) return sendRefusal(req, reply, publishable.reasons);
      const s = await publicStatistics(k(db.kysely), civilDateOf(deps.clock.now()));
      if (req.query.format === 'csv') {
        const rows: unknown[][] = [
          ['people', 'all', s.people.value ?? '<5'],
          ...s.documentsByKind.map((d) => ['documents', d.kind, d.count.value ?? '<5']),
          ...s.topDiagnoses.map((d) => ['diagnosis_people', `${d.code} ${d.display}`, d.people.value ?? '<5']),
          ...s.peopleBySex.map((d) => ['sex', d.sex, d.people.value ?? '<5']),
          ...s.peopleByAgeBand.map((d) => ['age_band', d.band, d.people.value ?? '<5']),
        ];
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="health-record-statistics.csv"').send(csv(['measure', 'group', 'value'], rows));
      }
      return s;
    },
  );

  app.get('/api/health-records/data-classes', { schema: { tags, summary: '数据分类（公开 / 内部 / 保密与个人隐私） / Disclosure class of each data item', description: '西卫〔2019〕4号 第十三条: use is managed by class; only public-class data is published.' } }, async () => ({
    classes: Object.keys(disclosureClasses).map((item) => ({ item, class: disclosureClassOf(item), publishable: mayPublish(item).allowed })),
  }));

  app.get('/api/health-records/statistics/internal', { schema: { tags, security: sec, summary: '内部运行统计 / Internal operating figures', response: { 401: errRef, 403: errRef } } }, async (req, reply) => {
    const v = requireRole(req, reply, ['platform_operator', 'department_reviewer', 'auditor']);
    if (!v) return reply;
    if (v.role === 'platform_operator' && !(await operatorScope(req, reply, 'statistics'))) return reply;
    return internalStatistics(k(db.kysely));
  });
}

/** Each person an operator's review screen shows gets an audit row (第十八条: reads are traceable too). */
export async function auditIdentityReview(db: Db<HealthRecordsTables>, deps: PlatformDeps, req: FastifyRequest, personIds: readonly number[], view: string): Promise<void> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return;
  const who = staffRef(req);
  await inTransaction(db, async (trx) => {
    for (const id of ids) await appendAudit(k(trx), deps.clock, who.actor, { action: 'health_record.identity_review', entityType: 'health_record', entityId: id, purpose: 'identity_review', detail: { view } });
  });
}

/** The duplicate list shows names and documents, so each person shown is audited. */
export async function listDuplicatesAudited(db: Db<HealthRecordsTables>, deps: PlatformDeps, req: FastifyRequest) {
  const list = await findDuplicateCandidates(k(db.kysely), 50);
  await auditIdentityReview(db, deps, req, list.flatMap((c) => [c.a.id, c.b.id]), 'duplicates');
  return list;
}
