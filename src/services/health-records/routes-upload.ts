import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import { requireRole } from '../../platform/http/auth.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { HealthRecordsTables } from './schema.ts';
import { receiveFhirBundle, receiveUpload } from './upload.ts';
import { errRef, sendDecision, staffRef } from './http-helpers.ts';
import { maxItemsPerUpload } from './upload-format.ts';

const uploaderRoles = ['doctor', 'family_doctor', 'institution_admin'] as const;
const uploadBodyLimit = 8 * 1024 * 1024;

const receiptSchema = {
  type: 'object',
  properties: {
    uploadId: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' }, conflictsFlagged: { type: 'integer' },
    documents: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, kind: { type: 'string' }, id: { type: 'string' }, documentId: { type: 'integer' }, personId: { type: 'integer' }, version: { type: 'integer' }, status: { type: 'string' } } } },
  },
} as const;

/**
 * 西卫〔2019〕4号 第九条、第十条: institutions push their records to the centre; 第十九条: also as FHIR.
 * Callers are the institution's real-name staff accounts (第十八条), signed in with a Bearer token.
 */
export function registerUploadRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  const db = deps.db as unknown as Db<HealthRecordsTables>;
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string', bodyLimit: uploadBodyLimit }, app.getDefaultJsonParser('error', 'error'));

  app.post<{ Body: unknown }>(
    '/api/health-records/uploads',
    {
      bodyLimit: uploadBodyLimit,
      schema: {
        tags: ['health-records'],
        summary: '机构上传健康档案（就诊摘要、诊断、处方、检验结果、家庭医生签约） / Upload records from an institution',
        description: `Native format, documented in src/services/health-records/UPLOAD-FORMAT.md. Up to ${maxItemsPerUpload} items; the same document (institution, kind, id) sent again with the same content is one record, with different content a new version. One bad field refuses the whole upload (422 with error.fields[] per field). 西卫〔2019〕4号 第九条、第十条.`,
        security: [{ bearer: [] }],
        body: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: maxItemsPerUpload, items: { type: 'object' } } } },
        response: { 201: receiptSchema, 401: errRef, 403: errRef, 409: errRef, 422: errRef },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, uploaderRoles);
      if (!v) return reply;
      const who = staffRef(req);
      const d = await receiveUpload(db, deps.clock, who.actor, { staffId: who.staffId, organisationId: v.organisationId ?? -1 }, req.body, 'native');
      return sendDecision(req, reply, d, 201);
    },
  );

  app.post<{ Body: unknown }>(
    '/api/health-records/fhir',
    {
      bodyLimit: uploadBodyLimit,
      schema: {
        tags: ['health-records'],
        summary: '以 FHIR R4 Bundle 上传（Patient、Encounter、Condition、MedicationRequest、Observation） / Upload a FHIR R4 Bundle',
        description: 'Content-Type application/fhir+json or application/json. Patient.id is the local patient id; Patient.identifier carries the ID document (system urn:oid:2.16.156.10011.1.1 for 居民身份证, urn:yiwang:sid:passport|officer_id|hk_macau_permit). Mapping in UPLOAD-FORMAT.md. 西卫〔2019〕4号 第十九条.',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['resourceType', 'type', 'entry'],
          properties: { resourceType: { type: 'string', enum: ['Bundle'] }, id: { type: 'string' }, meta: { type: 'object' }, implicitRules: { type: 'string' }, language: { type: 'string' }, identifier: { type: 'object' }, type: { type: 'string' }, timestamp: { type: 'string' }, total: { type: 'integer' }, link: { type: 'array' }, entry: { type: 'array', items: { type: 'object' } }, signature: { type: 'object' } },
        },
        response: { 201: receiptSchema, 401: errRef, 403: errRef, 409: errRef, 422: errRef },
      },
    },
    async (req, reply) => {
      const v = requireRole(req, reply, uploaderRoles);
      if (!v) return reply;
      const who = staffRef(req);
      const d = await receiveFhirBundle(db, deps.clock, who.actor, { staffId: who.staffId, organisationId: v.organisationId ?? -1 }, req.body);
      return sendDecision(req, reply, d, 201);
    },
  );
}
