import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import { actorOf, requireRole } from '../../platform/http/auth.ts';
import { sendRefusal } from '../../platform/http/refusal.ts';
import { localeOf } from '../../platform/http/locale.ts';
import type { Db } from '../../platform/db/connect.ts';
import { reason } from '../../platform/law/decision.ts';
import { validateDocument } from '../../platform/identity/documents.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { readOwnRecord, readRecordAsStaff } from './access.ts';
import { accessHistory, documentHistory } from './record.ts';
import { recordToFhirBundle } from './fhir.ts';
import { findCjkFont, renderRecordPdf } from './pdf.ts';
import { isPersonalDataItem, personalDataItems, purposes, type PersonalDataItem } from './data-items.ts';
import { residentCopyCitation } from './citations.ts';
import { errRef, sendDecision, staffRef } from './http-helpers.ts';
import { k } from './person-index.ts';

const readerRoles = ['doctor', 'family_doctor', 'institution_admin'] as const;

function parseItems(raw: string | undefined): PersonalDataItem[] | undefined {
  if (!raw) return [...personalDataItems];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.every(isPersonalDataItem) ? (items as PersonalDataItem[]) : undefined;
}

const purposeQuery = { type: 'string', enum: [...purposes] } as const;
const itemsQuery = { type: 'string', pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200 } as const;

/** Reads of records: by authorised staff (第十四条) and by the resident themselves (第十五条), all audited (第十八条). */
export function registerRecordRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;

  app.get<{ Params: { personId: string }; Querystring: { purpose: string; items?: string } }>(
    '/api/health-records/persons/:personId',
    {
      schema: {
        tags: ['health-records'],
        summary: '查阅居民健康档案（按授权，记入审计） / Read a person\'s record (checked against your grant, audited)',
        description: 'purpose is required and must be a purpose of your unit\'s grant; items (comma-separated: basics, encounter, diagnosis, prescription, lab_result, family_doctor_contract) must be within it. Use beyond the grant is refused (403, 西卫〔2019〕4号 第十四条) and audited.',
        security: [{ bearer: [] }],
        params: { type: 'object', additionalProperties: false, required: ['personId'], properties: { personId: { type: 'string', pattern: '^[1-9]\\d{0,9}$' } } },
        querystring: { type: 'object', additionalProperties: false, required: ['purpose'], properties: { purpose: purposeQuery, items: itemsQuery, lang: { type: 'string' } } },
        response: { 401: errRef, 403: errRef, 404: errRef },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, readerRoles);
      if (!v) return reply;
      const items = parseItems(req.query.items);
      if (!items) return sendRefusal(req, reply, [reason('invalid_request', '数据项不正确', 'Unknown data item')]);
      const d = await readRecordAsStaff(db, deps.clock, staffRef(req), { personId: Number(req.params.personId), items, purpose: req.query.purpose });
      return sendDecision(req, reply, d);
    },
  );

  app.post<{ Body: { docType: string; docNumber: string; purpose: string } }>(
    '/api/health-records/lookup',
    {
      schema: {
        tags: ['health-records'],
        summary: '按证件查找居民档案编号（按授权，记入审计） / Find a person by ID document (checked against your grant, audited)',
        security: [{ bearer: [] }],
        body: { type: 'object', additionalProperties: false, required: ['docType', 'docNumber', 'purpose'], properties: { docType: { type: 'string', maxLength: 20 }, docNumber: { type: 'string', maxLength: 40 }, purpose: purposeQuery } },
        response: { 200: { type: 'object', properties: { personId: { type: 'integer' }, name: { type: 'string' } } }, 401: errRef, 403: errRef, 404: errRef },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, readerRoles);
      if (!v) return reply;
      const doc = validateDocument(req.body.docType, req.body.docNumber, civilDateOf(deps.clock.now()));
      if (!doc.allowed) return sendRefusal(req, reply, doc.reasons);
      const person = await db.kysely.selectFrom('persons').select('id').where('doc_type', '=', doc.value.type).where('doc_number', '=', doc.value.number).executeTakeFirst();
      if (!person) return sendRefusal(req, reply, [reason('no_record', '档案中心没有该人员的健康档案', 'The centre holds no record for this person')]);
      const d = await readRecordAsStaff(db, deps.clock, staffRef(req), { personId: Number(person.id), items: ['basics'], purpose: req.body.purpose, action: 'health_record.lookup' });
      return d.allowed ? { personId: d.value.personId, name: d.value.name } : sendDecision(req, reply, d);
    },
  );

  app.get<{ Params: { documentId: string }; Querystring: { purpose: string } }>(
    '/api/health-records/documents/:documentId/versions',
    {
      schema: {
        tags: ['health-records'],
        summary: '文档版本历史（按授权，记入审计） / A document\'s version history (checked against your grant, audited)',
        security: [{ bearer: [] }],
        params: { type: 'object', additionalProperties: false, required: ['documentId'], properties: { documentId: { type: 'string', pattern: '^[1-9]\\d{0,9}$' } } },
        querystring: { type: 'object', additionalProperties: false, required: ['purpose'], properties: { purpose: purposeQuery, lang: { type: 'string' } } },
        response: { 401: errRef, 403: errRef, 404: errRef },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, readerRoles);
      if (!v) return reply;
      const docRow = await db.kysely.selectFrom('hr_documents').select(['person_id', 'kind', 'source_organisation_id', 'source_document_id']).where('id', '=', Number(req.params.documentId)).executeTakeFirst();
      if (!docRow) return sendRefusal(req, reply, [reason('not_found', '未找到该文档', 'No such document')]);
      const kind = docRow.kind as PersonalDataItem;
      const d = await readRecordAsStaff(db, deps.clock, staffRef(req), { personId: Number(docRow.person_id), items: [kind], purpose: req.query.purpose });
      if (!d.allowed) return sendDecision(req, reply, d);
      return { documentId: Number(req.params.documentId), kind, sourceOrganisationId: Number(docRow.source_organisation_id), sourceDocumentId: docRow.source_document_id, versions: await documentHistory(k(db.kysely), Number(req.params.documentId)) };
    },
  );

  // --- the resident's own record (第十五条). No route takes a person id: it is always the signed-in person's.
  const residentOnly = { tags: ['health-records'], security: [{ bearer: [] }], querystring: { type: 'object', additionalProperties: false, properties: { lang: { type: 'string' } } } } as const;

  app.get('/api/health-records/me', { schema: { ...residentOnly, summary: '我的健康档案（记入访问记录） / My health record (logged)', response: { 401: errRef, 403: errRef, 404: errRef } } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident']);
    if (!v?.personId) return reply;
    return sendDecision(req, reply, await readOwnRecord(db, deps.clock, actorOf(req), v.personId, 'health_record.read'));
  });

  app.get('/api/health-records/me/access', { schema: { ...residentOnly, summary: '谁在何时访问了我的档案 / Who accessed my record and when', response: { 401: errRef, 403: errRef } } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident']);
    if (!v?.personId) return reply;
    return { entries: await accessHistory(k(db.kysely), v.personId) };
  });

  app.get('/api/health-records/me/copy.json', { schema: { ...residentOnly, summary: '下载我的档案（FHIR R4 JSON） / Download my record as FHIR R4 JSON', response: { 401: errRef, 403: errRef, 404: errRef } } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident']);
    if (!v?.personId) return reply;
    const d = await readOwnRecord(db, deps.clock, actorOf(req), v.personId, 'health_record.copy', 'fhir');
    if (!d.allowed) return sendDecision(req, reply, d);
    const p = await db.kysely.selectFrom('persons').select(['doc_type', 'doc_number']).where('id', '=', d.value.personId).executeTakeFirstOrThrow();
    const bundle = recordToFhirBundle(d.value, { docType: p.doc_type, docNumber: p.doc_number }, deps.clock.now().toISOString());
    return reply.type('application/fhir+json; charset=utf-8').header('content-disposition', 'attachment; filename="health-record.fhir.json"').header('cache-control', 'no-store').send(JSON.stringify(bundle, null, 2));
  });

  app.get('/api/health-records/me/copy.pdf', { schema: { ...residentOnly, summary: '下载我的档案（PDF） / Download my record as PDF', response: { 401: errRef, 403: errRef, 404: errRef, 503: errRef } } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident']);
    if (!v?.personId) return reply;
    const font = findCjkFont();
    if (!font) return sendRefusal(req, reply, [reason('pdf_font_unavailable', 'PDF副本暂不可用（服务器未安装中文字体），请下载 FHIR JSON 副本', 'The PDF copy is unavailable (no Chinese font on the server); download the FHIR JSON copy', residentCopyCitation)]);
    const d = await readOwnRecord(db, deps.clock, actorOf(req), v.personId, 'health_record.copy', 'pdf');
    if (!d.allowed) return sendDecision(req, reply, d);
    const p = await db.kysely.selectFrom('persons').select(['doc_type', 'doc_number']).where('id', '=', d.value.personId).executeTakeFirstOrThrow();
    const pdf = await renderRecordPdf(d.value, { docType: p.doc_type, docNumber: p.doc_number }, await accessHistory(k(db.kysely), v.personId, 30), deps.clock.now(), localeOf(req), font);
    return reply.type('application/pdf').header('content-disposition', 'attachment; filename="health-record.pdf"').header('cache-control', 'no-store').send(pdf);
  });
}
