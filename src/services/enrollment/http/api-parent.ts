/** The guardian's API: applications, route choices, non-local review, status. Real-name sign-in required. */
import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { reason } from '../../../platform/law/decision.ts';
import { parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { careCategories, type CareCategory } from '../rules/care.ts';
import { hukouKinds, type MiddleFacts } from '../rules/eligibility.ts';
import { dwellingIssues, employmentKinds, residenceKinds, type NonLocalApplicationFacts } from '../rules/non-local-standards.ts';
import { routeKeys } from '../rules/routes.ts';
import { applicationsOfGuardian, childDocumentTypes, choicesOf, findApplication, setChoices, submitApplication, type DeclaredPrimaryFacts } from '../store/applications.ts';
import { placementOf } from '../store/placements.ts';
import { numbersOf } from '../store/results.ts';
import { confirmNonLocal, nonLocalCasesOf, submitNonLocal } from '../store/non-local.ts';
import { civilDateSchema, refParam, reply, yearSchema, type EnrollmentDeps } from './context.ts';
import { middleFactsSchema } from './api-public.ts';
import { applicationView } from './views.ts';

const tags = ['enrollment'];
const bool = { type: 'boolean' } as const;
const text = (max = 60) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

const childSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'docType', 'docNumber'],
  properties: { name: text(40), docType: { type: 'string', enum: [...childDocumentTypes] }, docNumber: text(30), birthDate: civilDateSchema },
} as const;

const declaredPrimarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hukou', 'hukouInXicheng', 'livesInXicheng', 'guardianHousingInXicheng', 'guardianInUnitCollectiveAndWorksThere', 'guardianWorksInXicheng', 'treatedAsBeijingHukou'],
  properties: {
    hukou: { type: 'string', enum: [...hukouKinds] },
    hukouInXicheng: bool,
    livesInXicheng: bool,
    guardianHousingInXicheng: bool,
    guardianInUnitCollectiveAndWorksThere: bool,
    guardianWorksInXicheng: bool,
    treatedAsBeijingHukou: bool,
    overageApproved: bool,
  },
} as const;

const employmentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'employer', 'inXicheng'],
  properties: {
    kind: { type: 'string', enum: [...employmentKinds] },
    employer: text(80),
    inXicheng: bool,
    contractProvided: bool,
    employerLicenceProvided: bool,
    workCertificateProvided: bool,
    socialInsuranceMonthsInXicheng: { type: 'array', maxItems: 24, items: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } },
    businessLicenceProvided: bool,
    filingDocumentsProvided: bool,
  },
} as const;

const permitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['number', 'inXicheng', 'address', 'validUntil'],
  properties: { number: text(30), inXicheng: bool, address: text(120), validUntil: civilDateSchema },
} as const;

export const nonLocalFactsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['childName', 'guardians', 'residence', 'household'],
  properties: {
    childName: text(40),
    guardians: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: { type: 'object', additionalProperties: false, required: ['name', 'relation'], properties: { name: text(40), relation: { type: 'string', enum: ['father', 'mother', 'other'] }, employment: employmentSchema, residencePermit: permitSchema } },
    },
    residence: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'address', 'streetCode', 'certificateProvided', 'residentialUse', 'issues'],
      properties: {
        kind: { type: 'string', enum: [...residenceKinds] },
        address: text(120),
        streetCode: { type: 'string', pattern: '^\\d{9}$' },
        certificateProvided: bool,
        residentialUse: bool,
        issues: { type: 'array', maxItems: 7, uniqueItems: true, items: { type: 'string', enum: [...dwellingIssues] } },
        contractRegistered: bool,
        landlordIdProvided: bool,
        rentalTaxPaidFrom: civilDateSchema,
        rentalTaxPaidTo: civilDateSchema,
        livedSince: civilDateSchema,
        employerHousingProofProvided: bool,
      },
    },
    household: {
      type: 'object',
      additionalProperties: false,
      required: ['childBirthDateOnHukou', 'childBirthDateOnCertificate', 'singleParent', 'parentsOnSameHukouBook', 'childHkMacau'],
      properties: {
        childBirthDateOnHukou: civilDateSchema,
        childBirthDateOnCertificate: civilDateSchema,
        singleParent: bool,
        custodyDocumentProvided: bool,
        parentsOnSameHukouBook: bool,
        marriageCertificateProvided: bool,
        childHkMacau: bool,
        childPermitNumber: text(12),
        childPermitValidUntil: civilDateSchema,
      },
    },
  },
} as const;

/** Every date field in the facts must be a real calendar day (the schema checks only the shape). */
function isRealDate(s: string): boolean {
  try {
    parseCivilDate(s);
    return true;
  } catch {
    return false;
  }
}

function datesValid(v: unknown): boolean {
  if (typeof v === 'string') return !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v);
  if (Array.isArray(v)) return v.every(datesValid);
  if (v && typeof v === 'object') return Object.values(v).every(datesValid);
  return true;
}

const badDate = reason('invalid_request', '日期无效', 'Invalid date');

interface ApplicationBody {
  year: number;
  stage: 'primary' | 'middle';
  child: { name: string; docType: string; docNumber: string; birthDate?: string };
  primary?: DeclaredPrimaryFacts;
  middle?: MiddleFacts;
  careCategory?: CareCategory;
  zone: string;
  graduatingSchoolCode?: string;
}

export function registerParentApi(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;
  const security = [{ bearer: [] }];

  app.post<{ Body: ApplicationBody }>(
    '/api/enrollment/applications',
    {
      schema: {
        tags,
        security,
        summary: '提交入学申请（学龄人口信息采集），按10号三(一)1/三(二)1判定资格 / Apply; eligibility decided under 10号 三(一)1 or 三(二)1',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['year', 'stage', 'child', 'zone'],
          properties: {
            year: yearSchema,
            stage: { type: 'string', enum: ['primary', 'middle'] },
            child: childSchema,
            primary: declaredPrimarySchema,
            middle: middleFactsSchema,
            careCategory: { type: 'string', enum: [...careCategories] },
            zone: { type: 'string', pattern: '^[a-z0-9_]{1,30}$' },
            graduatingSchoolCode: { type: 'string', pattern: '^[A-Z0-9]{1,12}$' },
          },
        },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, ['resident'])) return res;
      if (!datesValid(req.body)) return sendRefusal(req, res, [badDate]);
      const b = req.body;
      const d = await submitApplication(deps.edb, deps.clock, actorOf(req), {
        year: b.year,
        stage: b.stage,
        child: { name: b.child.name.trim(), docType: b.child.docType, docNumber: b.child.docNumber, birthDate: b.child.birthDate as CivilDate | undefined },
        primary: b.primary,
        middle: b.middle,
        careCategory: b.careCategory ?? null,
        zone: b.zone,
        graduatingSchoolCode: b.graduatingSchoolCode ?? null,
      });
      return reply(req, res, d, (a) => applicationView(a, [], undefined, []), 201);
    },
  );

  app.get('/api/enrollment/applications', { schema: { tags, security, summary: '我的入学申请、派位号与录取结果 / My applications, numbers and placements' } }, async (req, res) => {
    const viewer = requireRole(req, res, ['resident']);
    if (!viewer) return res;
    const apps = await applicationsOfGuardian(k, viewer.id);
    const out = [];
    for (const a of apps) out.push(applicationView(a, await choicesOf(k, a.id), await placementOf(k, a.id), await numbersOf(k, a.id)));
    return { applications: out };
  });

  app.get<{ Params: { ref: string } }>('/api/enrollment/applications/:ref', { schema: { tags, security, summary: '一份入学申请 / One application', params: refParam } }, async (req, res) => {
    const viewer = requireRole(req, res, ['resident', 'platform_operator', 'auditor']);
    if (!viewer) return res;
    const a = await findApplication(k, req.params.ref);
    if (!a || (viewer.role === 'resident' && a.guardianPersonId !== viewer.id)) return sendRefusal(req, res, [reason('application_not_found', '未找到该入学申请', 'No such application')]);
    return applicationView(a, await choicesOf(k, a.id), await placementOf(k, a.id), await numbersOf(k, a.id));
  });

  app.put<{ Params: { ref: string }; Body: { route: string; programIds: number[]; registration?: { hukouInServiceArea: boolean; propertyInServiceArea: boolean; yearsAtAddress: number } } }>(
    '/api/enrollment/applications/:ref/choices',
    {
      schema: {
        tags,
        security,
        summary: '填报（或修改）某一入学方式的志愿学校 / File or replace the school list for one route',
        params: refParam,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['route', 'programIds'],
          properties: {
            route: { type: 'string', enum: [...routeKeys] },
            programIds: { type: 'array', minItems: 1, maxItems: 12, items: { type: 'integer', minimum: 1 } },
            registration: { type: 'object', additionalProperties: false, required: ['hukouInServiceArea', 'propertyInServiceArea', 'yearsAtAddress'], properties: { hukouInServiceArea: bool, propertyInServiceArea: bool, yearsAtAddress: { type: 'integer', minimum: 0, maximum: 30 } } },
          },
        },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, ['resident'])) return res;
      const d = await setChoices(deps.edb, deps.clock, actorOf(req), req.params.ref, req.body);
      return reply(req, res, d, (choices) => ({ choices: choices.map((c) => ({ route: c.route, rank: c.rank, programId: c.program.id, school: c.program.schoolNameZh, priorityClass: c.priorityClass })) }));
    },
  );

  app.post<{ Body: { year: number; child: { name: string; docType: string; docNumber: string }; facts: NonLocalApplicationFacts } }>(
    '/api/enrollment/non-local',
    {
      schema: {
        tags,
        security,
        summary: '非本市户籍适龄儿童入学材料网上申请（11号 二(一)，5月6–14日） / Non-local document review: online application (May 6–14)',
        body: { type: 'object', additionalProperties: false, required: ['year', 'child', 'facts'], properties: { year: yearSchema, child: childSchema, facts: nonLocalFactsSchema } },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, ['resident'])) return res;
      if (!datesValid(req.body)) return sendRefusal(req, res, [badDate]);
      const d = await submitNonLocal(deps.edb, deps.clock, actorOf(req), { year: req.body.year, child: req.body.child, facts: req.body.facts });
      return reply(req, res, d, (v) => ({ ref: v.record.ref, status: v.case.status, step: v.case.step }), 201);
    },
  );

  app.get<{ Querystring: { year?: string } }>(
    '/api/enrollment/non-local',
    { schema: { tags, security, summary: '我的非本市户籍审核进度与不通过原因 / My non-local reviews: status and reasons', querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'string', pattern: '^\\d{4}$' } } } } },
    async (req, res) => {
      const viewer = requireRole(req, res, ['resident']);
      if (!viewer) return res;
      return { cases: await nonLocalCasesOf(k, deps.clock, viewer.id, Number(req.query.year ?? 2019)) };
    },
  );

  app.post<{ Params: { ref: string } }>(
    '/api/enrollment/non-local/:ref/confirm',
    { schema: { tags, security, summary: '确认在西城区入学（11号 二(四)，5月31日前） / Confirm enrollment in Xicheng (by May 31)', params: refParam } },
    async (req, res) => {
      if (!requireRole(req, res, ['resident'])) return res;
      const d = await confirmNonLocal(deps.edb, deps.clock, actorOf(req), req.params.ref);
      return reply(req, res, d, (c) => ({ ref: req.params.ref, status: c.status }));
    },
  );
}
