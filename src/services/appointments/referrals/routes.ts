import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { documentTypes, validateDocument } from '../../../platform/identity/documents.ts';
import { findPersonByDocument } from '../../../platform/identity/persons.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import type { Kysely } from 'kysely';
import { civilDateOf } from '../../../platform/time/civil.ts';
import { idParam, requireInstitutionStaff } from '../routes/context.ts';
import { referralArt } from './citations.ts';
import { chronicCategories } from './criteria.ts';
import { checkReferringDoctor } from './eligibility.ts';
import { acknowledgeHandBack, acceptReferral, cancelReferral, checkInAtReferralWindow, nameHandler } from './handling.ts';
import { deliverHandBack, handBack, redeliverHandBacks } from './handback.ts';
import { getReferral, listReferrals, matchesSearch, type ReferralFilter, type ReferralView } from './queries.ts';
import { checkEligibility, createUpwardReferral, referralOffer, staffFacts } from './upward.ts';
import { inScope, referralScope, seesFullName, type ReferralDeps } from './context.ts';

const positiveInt = { type: 'string', pattern: '^[1-9]\\d{0,8}$' } as const;
const text = (max: number, min = 0) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const docSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['docType', 'docNumber'],
  properties: { docType: { type: 'string', enum: [...documentTypes] }, docNumber: text(40, 1) },
} as const;

export interface ReferralBody {
  patient: { docType: string; docNumber: string };
  slotId: number;
  criterionCode: string;
  diseaseInfo: string;
  exceptionReason?: string;
  idempotencyKey?: string | undefined;
}

/** The person a document names (第十五条 real name); refusals cite 第二十二条 like the rest of eligibility. */
export async function personByDocument(deps: ReferralDeps, docType: string, docNumber: string): Promise<Decision<{ personId: number }>> {
  const doc = validateDocument(docType, docNumber, civilDateOf(deps.clock.now()));
  if (!doc.allowed) return doc;
  const p = await findPersonByDocument(deps.k as unknown as Kysely<PlatformTables>, doc.value.type, doc.value.number);
  return p ? allow({ personId: p.id }) : refuse(reason('patient_not_found', '平台上没有该证件的居民，请先为其建立个人健康档案', 'No resident with this document is registered; a personal health record comes first', referralArt.eligibility));
}

/** The whole upward referral as the API and the pages make it: who refers, eligibility via the port, then the booking. */
export async function referUpward(deps: ReferralDeps, req: FastifyRequest, staffId: number, body: ReferralBody) {
  const staff = await staffFacts(deps.k, staffId);
  const doctor = staff ? checkReferringDoctor(staff) : refuse(reason('referral_not_authorised', '未找到您的工作人员账号', 'Your staff account was not found', referralArt.authority));
  if (!doctor.allowed) return doctor;
  const person = await personByDocument(deps, body.patient.docType, body.patient.docNumber);
  if (!person.allowed) return person;
  const facts = await checkEligibility(deps.k, deps.clock, deps.ports.healthRecords, staffId, person.value.personId);
  if (!facts.allowed) return facts;
  return createUpwardReferral(deps.adb, deps.clock, actorOf(req), facts.value, {
    personId: person.value.personId,
    slotId: body.slotId,
    criterionCode: body.criterionCode,
    diseaseInfo: body.diseaseInfo,
    exceptionReason: body.exceptionReason,
    idempotencyKey: body.idempotencyKey,
  });
}

export function registerReferralRoutes(app: FastifyInstance, deps: ReferralDeps): void {
  const tags = ['referrals'];

  app.get<{ Querystring: { institutionId: string; departmentId: string } }>(
    '/api/referrals/offer',
    {
      schema: {
        tags,
        summary: '转诊预留号源，3日内最早的在前 / Referral-reserved tickets, earliest within 3 days first (第十一条, 第二十条)',
        security: [{ bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, required: ['institutionId', 'departmentId'], properties: { institutionId: positiveInt, departmentId: positiveInt, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['family_doctor'])) return reply;
      return { offer: await referralOffer(deps.k, deps.clock, Number(req.query.institutionId), Number(req.query.departmentId)) };
    },
  );

  app.post<{ Body: Omit<ReferralBody, 'idempotencyKey'>; Headers: { 'idempotency-key'?: string } }>(
    '/api/referrals',
    {
      schema: {
        tags,
        summary: '家庭医生预约转诊 / A family doctor refers a patient upward (第二十条–第二十二条, 第十六条 (四), 第十八条)',
        description: 'Send Idempotency-Key to make retries safe: the same key returns the same referral (a second booking would count as 重复预约, 第三十二条).',
        security: [{ bearer: [] }],
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 100 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['patient', 'slotId', 'criterionCode', 'diseaseInfo'],
          properties: { patient: docSchema, slotId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, criterionCode: text(20, 1), diseaseInfo: text(2000, 1), exceptionReason: text(500) },
        },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['family_doctor']);
      if (!viewer) return reply;
      const d = await referUpward(deps, req, viewer.id, { ...req.body, idempotencyKey: req.headers['idempotency-key'] });
      return d.allowed ? reply.code(d.value.replayed ? 200 : 201).send(d.value) : sendRefusal(req, reply, d.reasons);
    },
  );

  app.get<{ Querystring: { direction?: 'up' | 'down'; status?: string; q?: string } }>(
    '/api/referrals',
    {
      schema: {
        tags,
        summary: '转诊工作队列 / Referral work queue (第二十三条, 第二十八条)',
        security: [{ bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { direction: { type: 'string', enum: ['up', 'down'] }, status: { type: 'string', pattern: '^[a-z_]{1,20}$' }, q: { type: 'string', maxLength: 40 }, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['family_doctor', 'institution_admin', 'doctor', 'platform_operator', 'resident']);
      if (!viewer) return reply;
      const scope = await referralScope(deps, viewer);
      const filter: ReferralFilter = {
        ...(req.query.direction ? { direction: req.query.direction } : {}),
        ...(req.query.status ? { statuses: [req.query.status] } : {}),
        ...(scope.kind === 'community' ? { involvingOrganisations: scope.organisations } : {}),
        ...(scope.kind === 'institution' ? { involvingOrganisations: [scope.organisationId] } : {}),
        ...(scope.kind === 'person' ? { personId: scope.personId } : {}),
      };
      if (scope.kind === 'none') return sendRefusal(req, reply, [reason('forbidden', '您不属于任何医疗机构', 'You belong to no institution')]);
      const rows = (await listReferrals(deps.k, filter, { fullName: seesFullName(scope) })).filter((r) => inScope(scope, r) && matchesSearch(r, req.query.q));
      if (rows.length && scope.kind !== 'person') {
        // 第三十条: a list with disease information is a read of health data, traced like a single one.
        await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'referral.list', entityType: 'appt_referral', entityId: 'list', purpose: 'referral', detail: { count: rows.length, ids: rows.slice(0, 50).map((r) => r.referralId) } }));
      }
      return { referrals: rows };
    },
  );

  const withReferral = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, roles: Parameters<typeof requireRole>[2]): Promise<{ view: ReferralView; viewerId: number } | undefined> => {
    const viewer = requireRole(req, reply, roles);
    if (!viewer) return undefined;
    const scope = await referralScope(deps, viewer);
    const view = await getReferral(deps.k, Number(req.params.id), { fullName: seesFullName(scope) });
    if (!view || !inScope(scope, view)) {
      void sendRefusal(req, reply, [reason('referral_not_found', '未找到该转诊', 'No such referral', referralArt.handlers)]);
      return undefined;
    }
    return { view, viewerId: viewer.id };
  };

  app.get<{ Params: { id: string } }>(
    '/api/referrals/:id',
    { schema: { tags, summary: '转诊详情（转诊单） / A referral and its slip (第十六条 (四), 第十八条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const r = await withReferral(req, reply, ['family_doctor', 'institution_admin', 'doctor', 'platform_operator', 'resident']);
      if (!r) return reply;
      if (req.viewer?.role !== 'resident') {
        // 第三十条: a look at a referral's health-record basics is traced.
        await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'referral.read', entityType: 'appt_referral', entityId: r.view.referralId, purpose: 'referral' }));
      }
      return r.view;
    },
  );

  const action = <B>(path: string, summary: string, roles: Parameters<typeof requireRole>[2], body: object | undefined, run: (req: FastifyRequest<{ Params: { id: string }; Body: B }>, viewer: NonNullable<FastifyRequest['viewer']>) => Promise<Decision<unknown>>, after?: (id: number, value: unknown) => Promise<unknown>) =>
    app.post<{ Params: { id: string }; Body: B }>(path, { schema: { tags, summary, security: [{ bearer: [] }], params: idParam, ...(body ? { body } : {}) } }, async (req, reply) => {
      const viewer = requireRole(req, reply, roles);
      if (!viewer) return reply;
      const d = await run(req, viewer);
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      const extra = after ? await after(Number(req.params.id), d.value) : undefined;
      return extra === undefined ? d.value : { ...(d.value as object), ...(extra as object) };
    });

  action('/api/referrals/:id/accept', '受理转诊 / Accept a referral (第二十三条)', ['institution_admin', 'doctor'], undefined, (req, viewer) =>
    inTransaction(deps.adb, (trx) => acceptReferral(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.id)),
  );

  action<{ docType: string; docNumber: string }>('/api/referrals/:id/check-in', '转诊专用窗口取号 / Check in at the referral window (第八条 (六), 第二十六条)', ['institution_admin', 'doctor'], docSchema, (req, viewer) =>
    inTransaction(deps.adb, (trx) => checkInAtReferralWindow(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.id, req.body)),
  );

  action<{ diagnosis: string; treatment: string; plan: string }>(
    '/api/referrals/:id/hand-back',
    '转回社区 / Hand a stable patient back to the community (第二十八条)',
    ['institution_admin', 'doctor'],
    { type: 'object', additionalProperties: false, required: ['diagnosis', 'treatment', 'plan'], properties: { diagnosis: text(2000), treatment: text(4000), plan: text(4000) } },
    (req, viewer) => inTransaction(deps.adb, (trx) => handBack(trx, deps.clock, actorOf(req), Number(req.params.id), { id: viewer.id, role: viewer.role, organisationId: viewer.organisationId }, req.body)),
    // After the commit: into the patient's health record through the port (see deliverHandBack).
    async (_id, value) => ({ delivery: await deliverHandBack(deps.adb, deps.clock, deps.ports.healthRecords, (value as { referralId: number }).referralId) }),
  );

  action('/api/referrals/:id/acknowledge', '社区确认接收转回患者 / The community centre acknowledges a hand-back (第二十八条)', ['family_doctor'], undefined, (req, viewer) =>
    inTransaction(deps.adb, (trx) => acknowledgeHandBack(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.organisationId)),
  );

  action('/api/referrals/:id/cancel', '取消转诊预约 / Cancel a referral’s booking (第二十五条)', ['family_doctor'], undefined, (req, viewer) =>
    inTransaction(deps.adb, (trx) => cancelReferral(trx, deps.clock, actorOf(req), Number(req.params.id), viewer.organisationId)),
  );

  app.post(
    '/api/referrals/hand-backs/redeliver',
    { schema: { tags, summary: '重新将转回信息送入健康档案 / Redeliver hand-backs to health records (第二十八条)', security: [{ bearer: [] }] } },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      return redeliverHandBacks(deps.adb, deps.clock, deps.ports.healthRecords);
    },
  );

  // 第二十三条: the institution names its referral staff.
  app.get('/api/referrals/handlers', { schema: { tags, summary: '本机构转诊负责人员 / My institution’s referral staff (第二十三条)', security: [{ bearer: [] }] } }, async (req, reply) => {
    const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
    if (!staff) return reply;
    const rows = await deps.k
      .selectFrom('appt_referral_handlers as h')
      .innerJoin('staff as s', 's.id', 'h.staff_id')
      .select(['h.staff_id', 's.display_name', 's.role', 'h.active', 'h.named_at'])
      .where('h.institution_id', '=', staff.institutionId)
      .orderBy('h.id')
      .execute();
    return { handlers: rows.map((r) => ({ staffId: Number(r.staff_id), name: r.display_name, role: r.role, active: Number(r.active) === 1, namedAt: r.named_at })) };
  });

  app.put<{ Params: { id: string }; Body: { active: boolean } }>(
    '/api/referrals/handlers/:id',
    {
      schema: {
        tags,
        summary: '指定或撤销转诊负责人员 / Name or remove a referral handler (第二十三条)',
        security: [{ bearer: [] }],
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['active'], properties: { active: { type: 'boolean' } } },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      const d = await inTransaction(deps.adb, (trx) => nameHandler(trx, deps.clock, actorOf(req), staff.institutionId, Number(req.params.id), req.body.active));
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  // 第二十一条 (三): referral criteria as data.
  app.get('/api/referrals/criteria', { schema: { tags, summary: '转诊标准 / Referral criteria (第二十一条 (三))' } }, async () => {
    const rows = await deps.k.selectFrom('appt_referral_criteria').selectAll().orderBy('id').execute();
    return { criteria: rows.map(criterionView) };
  });

  const criterionBody = {
    code: { type: 'string', pattern: '^[A-Z0-9_]{1,20}$' },
    nameZh: text(40, 1),
    nameEn: text(80, 1),
    chronicCategory: { type: ['string', 'null'], enum: [...chronicCategories, null] },
    criteria: text(2000, 1),
    active: { type: 'boolean' },
  } as const;

  app.post<{ Body: { code: string; nameZh: string; nameEn: string; chronicCategory?: string | null; criteria: string } }>(
    '/api/referrals/criteria',
    {
      schema: {
        tags,
        summary: '新增转诊标准 / Add a referral criterion (第二十一条 (三))',
        security: [{ bearer: [] }],
        body: { type: 'object', additionalProperties: false, required: ['code', 'nameZh', 'nameEn', 'criteria'], properties: { code: criterionBody.code, nameZh: criterionBody.nameZh, nameEn: criterionBody.nameEn, chronicCategory: criterionBody.chronicCategory, criteria: criterionBody.criteria } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      const b = req.body;
      const d = await inTransaction(deps.adb, async (trx) => {
        const exists = await trx.selectFrom('appt_referral_criteria').select('id').where('code', '=', b.code).executeTakeFirst();
        if (exists) return refuse(reason('criterion_exists', '该转诊标准编码已存在', 'A criterion with this code exists', referralArt.authority));
        await trx
          .insertInto('appt_referral_criteria')
          .values({ code: b.code, name_zh: b.nameZh, name_en: b.nameEn, chronic_category: b.chronicCategory ?? null, criteria: b.criteria, active: 1, updated_at: deps.clock.now().toISOString(), updated_by: `staff:${req.viewer?.id ?? ''}` })
          .execute();
        await appendAudit(trx, deps.clock, actorOf(req), { action: 'referral_criterion.create', entityType: 'appt_referral_criterion', entityId: b.code });
        return allow(b.code);
      });
      return d.allowed ? reply.code(201).send({ code: d.value }) : sendRefusal(req, reply, d.reasons);
    },
  );

  app.put<{ Params: { code: string }; Body: { nameZh?: string; nameEn?: string; chronicCategory?: string | null; criteria?: string; active?: boolean } }>(
    '/api/referrals/criteria/:code',
    {
      schema: {
        tags,
        summary: '修改或停用转诊标准 / Change or retire a referral criterion (第二十一条 (三))',
        security: [{ bearer: [] }],
        params: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: criterionBody.code } },
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { nameZh: criterionBody.nameZh, nameEn: criterionBody.nameEn, chronicCategory: criterionBody.chronicCategory, criteria: criterionBody.criteria, active: criterionBody.active } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      const b = req.body;
      const d = await inTransaction(deps.adb, async (trx) => {
        const set = {
          ...(b.nameZh !== undefined ? { name_zh: b.nameZh } : {}),
          ...(b.nameEn !== undefined ? { name_en: b.nameEn } : {}),
          ...(b.chronicCategory !== undefined ? { chronic_category: b.chronicCategory } : {}),
          ...(b.criteria !== undefined ? { criteria: b.criteria } : {}),
          ...(b.active !== undefined ? { active: b.active ? 1 : 0 } : {}),
          updated_at: deps.clock.now().toISOString(),
          updated_by: `staff:${req.viewer?.id ?? ''}`,
        };
        const changed = await trx.updateTable('appt_referral_criteria').set(set).where('code', '=', req.params.code).executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) return refuse(reason('criterion_not_found', '没有该转诊标准', 'No such criterion', referralArt.authority));
        await appendAudit(trx, deps.clock, actorOf(req), { action: 'referral_criterion.update', entityType: 'appt_referral_criterion', entityId: req.params.code, detail: { fields: Object.keys(b) } });
        return allow((await trx.selectFrom('appt_referral_criteria').selectAll().where('code', '=', req.params.code).executeTakeFirstOrThrow()));
      });
      return d.allowed ? criterionView(d.value) : sendRefusal(req, reply, d.reasons);
    },
  );

  // 第二十一条: a 中心 answers for the referrals of its 站.
  app.get('/api/referrals/stations', { schema: { tags, summary: '社区卫生服务站所属中心 / Which centre each station belongs to (第二十一条)', security: [{ bearer: [] }] } }, async (req, reply) => {
    if (!requireRole(req, reply, ['platform_operator', 'family_doctor', 'institution_admin'])) return reply;
    const rows = await deps.k
      .selectFrom('appt_community_stations as s')
      .innerJoin('organisations as so', 'so.id', 's.station_organisation_id')
      .innerJoin('organisations as co', 'co.id', 's.centre_organisation_id')
      .select(['s.station_organisation_id', 'so.name as station', 's.centre_organisation_id', 'co.name as centre'])
      .orderBy('s.id')
      .execute();
    return { stations: rows.map((r) => ({ stationOrganisationId: Number(r.station_organisation_id), station: r.station, centreOrganisationId: Number(r.centre_organisation_id), centre: r.centre })) };
  });

  app.put<{ Params: { id: string }; Body: { centreOrganisationId: number } }>(
    '/api/referrals/stations/:id',
    {
      schema: {
        tags,
        summary: '登记社区卫生服务站所属中心 / Record the centre a station belongs to (第二十一条)',
        security: [{ bearer: [] }],
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['centreOrganisationId'], properties: { centreOrganisationId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      const stationId = Number(req.params.id);
      const d = await inTransaction(deps.adb, async (trx) => {
        const orgs = await trx.selectFrom('organisations').select(['id', 'kind']).where('id', 'in', [stationId, req.body.centreOrganisationId]).execute();
        const station = orgs.find((o) => Number(o.id) === stationId);
        const centre = orgs.find((o) => Number(o.id) === req.body.centreOrganisationId);
        if (!station || !centre || centre.kind !== 'community_health_centre' || station.kind === 'community_health_centre' || station.kind === 'hospital') {
          return refuse(reason('organisation_not_found', '须为社区卫生服务站指定一个社区卫生服务中心', 'Name a community health station and the community health centre it belongs to', referralArt.authority));
        }
        await trx.deleteFrom('appt_community_stations').where('station_organisation_id', '=', stationId).execute();
        await trx.insertInto('appt_community_stations').values({ station_organisation_id: stationId, centre_organisation_id: req.body.centreOrganisationId }).execute();
        await appendAudit(trx, deps.clock, actorOf(req), { action: 'community_station.assign', entityType: 'organisation', entityId: stationId, detail: { centre: req.body.centreOrganisationId } });
        return allow({ stationOrganisationId: stationId, centreOrganisationId: req.body.centreOrganisationId });
      });
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );
}

function criterionView(r: { code: string; name_zh: string; name_en: string; chronic_category: string | null; criteria: string; active: number; updated_at: string }) {
  return { code: r.code, nameZh: r.name_zh, nameEn: r.name_en, chronicCategory: r.chronic_category, chronicFocus: r.chronic_category !== null, criteria: r.criteria, active: Number(r.active) === 1, updatedAt: r.updated_at };
}
