/** Public API: timetables, the eligibility check, schools and plans, draws and their verification. */
import type { FastifyInstance } from 'fastify';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { reason } from '../../../platform/law/decision.ts';
import { parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { checkMiddleEligibility, checkPrimaryEligibility, hukouKinds, type PrimaryFacts } from '../rules/eligibility.ts';
import { enrollmentYear } from '../rules/parameters.ts';
import { routes } from '../rules/routes.ts';
import { describeWindow, windowPosition } from '../rules/timetable.ts';
import { civilDateOf } from '../../../platform/time/civil.ts';
import { programsOf } from '../store/schools.ts';
import { findDraw, listDraws, publishedDrawFile, rosterOf, verifyStoredDraw } from '../store/draws.ts';
import { drawResults } from '../store/results.ts';
import { civilDateSchema, idParam, yearSchema, type EnrollmentDeps } from './context.ts';
import { drawView, programView } from './views.ts';

const tags = ['enrollment'];
const unknownYear = (year: number) => reason('unknown_year', `尚未载入${year}年的入学政策文件`, `No enrollment documents are loaded for ${year}`);

export const primaryFactsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['birthDate', 'hukou', 'hukouInXicheng', 'livesInXicheng', 'guardianHousingInXicheng', 'guardianInUnitCollectiveAndWorksThere', 'guardianWorksInXicheng', 'treatedAsBeijingHukou'],
  properties: {
    birthDate: civilDateSchema,
    hukou: { type: 'string', enum: [...hukouKinds] },
    hukouInXicheng: { type: 'boolean' },
    livesInXicheng: { type: 'boolean' },
    guardianHousingInXicheng: { type: 'boolean' },
    guardianInUnitCollectiveAndWorksThere: { type: 'boolean' },
    guardianWorksInXicheng: { type: 'boolean' },
    treatedAsBeijingHukou: { type: 'boolean' },
    holdsNonLocalApprovalLetter: { type: 'boolean' },
    overageApproved: { type: 'boolean' },
  },
} as const;

export const middleFactsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['graduationYear', 'primarySchoolInXicheng', 'returnApproved'],
  properties: { graduationYear: yearSchema, primarySchoolInXicheng: { type: 'boolean' }, returnApproved: { type: 'boolean' } },
} as const;

export function registerPublicApi(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;

  app.get<{ Querystring: { year?: string } }>(
    '/api/enrollment/timetable',
    { schema: { tags, summary: '入学工作时间安排（附件1、附件2及非本市户籍审核） / Enrollment timetables', querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'string', pattern: '^\\d{4}$' } } } } },
    async (req, res) => {
      const yearNo = Number(req.query.year ?? 2019);
      const year = enrollmentYear(yearNo);
      if (!year) return sendRefusal(req, res, [unknownYear(yearNo)]);
      const today = civilDateOf(deps.clock.now());
      return {
        year: year.year,
        today,
        rows: year.timetable.map((e) => ({ step: e.step, stage: e.stage, gazetteText: e.gazetteText, from: e.from ?? null, to: e.to, label: e.label, window: { zh: describeWindow(e, 'zh-CN'), en: describeWindow(e, 'en') }, position: windowPosition(e, today), citation: e.citation, interpretation: e.interpretation ?? null })),
        routes: routes.map((r) => ({ key: r.key, stage: r.stage, order: r.order, label: r.label, mechanism: r.mechanism, maxChoices: r.maxChoices, zoneLimited: r.zoneLimited, citation: r.citation })),
      };
    },
  );

  app.post<{ Body: { year: number; stage: 'primary' | 'middle'; primary?: Omit<PrimaryFacts, 'birthDate'> & { birthDate: string }; middle?: { graduationYear: number; primarySchoolInXicheng: boolean; returnApproved: boolean } } }>(
    '/api/enrollment/eligibility',
    {
      schema: {
        tags,
        summary: '入学资格自查（10号 三(一)1、三(二)1），逐项列出符合与不符合的条件 / Eligibility check, condition by condition',
        body: { type: 'object', additionalProperties: false, required: ['year', 'stage'], properties: { year: yearSchema, stage: { type: 'string', enum: ['primary', 'middle'] }, primary: primaryFactsSchema, middle: middleFactsSchema } },
      },
    },
    async (req, res) => {
      const year = enrollmentYear(req.body.year);
      if (!year) return sendRefusal(req, res, [unknownYear(req.body.year)]);
      if (req.body.stage === 'primary') {
        if (!req.body.primary) return sendRefusal(req, res, [reason('missing_required_data', '请填写小学入学条件信息', 'Fill in the primary-school facts')]);
        let birthDate: CivilDate;
        try {
          birthDate = parseCivilDate(req.body.primary.birthDate);
        } catch {
          return sendRefusal(req, res, [reason('invalid_request', '出生日期无效', 'Invalid birth date')]);
        }
        // A what-if check: ⑤ may be declared here; an application looks the letter up instead.
        return checkPrimaryEligibility({ ...req.body.primary, birthDate, holdsNonLocalApprovalLetter: req.body.primary.holdsNonLocalApprovalLetter === true }, year);
      }
      if (!req.body.middle) return sendRefusal(req, res, [reason('missing_required_data', '请填写初中入学条件信息', 'Fill in the middle-school facts')]);
      return checkMiddleEligibility(req.body.middle, year);
    },
  );

  app.get<{ Querystring: { year?: string; route?: string } }>(
    '/api/enrollment/programs',
    { schema: { tags, summary: '各校各入学方式的招生计划 / Seat plans by school and route', querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'string', pattern: '^\\d{4}$' }, route: { type: 'string', maxLength: 40 } } } } },
    async (req) => ({ programs: (await programsOf(k, Number(req.query.year ?? 2019), req.query.route || undefined)).map(programView) }),
  );

  app.get<{ Querystring: { year?: string } }>(
    '/api/enrollment/draws',
    { schema: { tags, summary: '计算机派位：名单哈希、承诺值与公开随机数来源（派位前公布） / Draws: roster hash, commitment and named public value, published before the draw', querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'string', pattern: '^\\d{4}$' } } } } },
    async (req) => ({ draws: (await listDraws(k, req.query.year ? Number(req.query.year) : undefined)).map(drawView) }),
  );

  app.get<{ Params: { id: string } }>('/api/enrollment/draws/:id', { schema: { tags, summary: '一次派位的公开信息 / One draw', params: idParam } }, async (req, res) => {
    const d = await findDraw(k, Number(req.params.id));
    return d ? drawView(d) : sendRefusal(req, res, [reason('draw_not_found', '未找到该派位', 'No such draw')]);
  });

  app.get<{ Params: { id: string } }>(
    '/api/enrollment/draws/:id/roster',
    { schema: { tags, summary: '派位名单（申请编号，化名），派位前即公布 / The roster (pseudonymous references), public from the commitment on', params: idParam } },
    async (req, res) => {
      const d = await findDraw(k, Number(req.params.id));
      if (!d) return sendRefusal(req, res, [reason('draw_not_found', '未找到该派位', 'No such draw')]);
      const entries = await rosterOf(k, d.id);
      return { drawId: d.id, rosterHash: d.rosterHash, roster: entries.map((e) => e.ref) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { ref?: string; limit?: string; offset?: string } }>(
    '/api/enrollment/draws/:id/results',
    {
      schema: {
        tags,
        summary: '已公布的派位结果：派位号、录取学校及在每所填报学校的排位 / Published results: number, placement and rank at each listed school',
        params: idParam,
        querystring: { type: 'object', additionalProperties: false, properties: { ref: { type: 'string', maxLength: 20, pattern: '^[A-Za-z0-9-]*$' }, limit: { type: 'string', pattern: '^\\d{1,4}$' }, offset: { type: 'string', pattern: '^\\d{1,7}$' } } },
      },
    },
    async (req, res) => {
      const d = await findDraw(k, Number(req.params.id));
      if (!d || d.status !== 'published') return sendRefusal(req, res, [reason('draw_not_found', '该派位结果尚未公布', 'This draw is not published')]);
      return { draw: drawView(d), ...(await drawResults(k, d.id, req.query.ref || undefined, Math.min(Number(req.query.limit ?? 500), 5000), Number(req.query.offset ?? 0))) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/enrollment/draws/:id/published.json',
    { schema: { tags, summary: '派位公布文件：重新计算所需的全部输入与输出（yiwang-lottery/v1） / The draw file with every input and output', params: idParam } },
    async (req, res) => {
      const file = await publishedDrawFile(k, Number(req.params.id));
      if (!file) return sendRefusal(req, res, [reason('draw_not_found', '该派位结果尚未公布', 'This draw is not published')]);
      return res.header('content-disposition', `attachment; filename="draw-${file.draw.id}.json"`).send(file);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/enrollment/draws/:id/verify',
    { schema: { tags, summary: '重新计算并核验派位结果（逐位比对） / Recompute the draw and compare bit for bit', params: idParam } },
    async (req, res) => {
      const v = await verifyStoredDraw(k, Number(req.params.id));
      return v ?? sendRefusal(req, res, [reason('draw_not_found', '该派位结果尚未公布', 'This draw is not published')]);
    },
  );
}
