/**
 * Staff API (区教育考试中心, role platform_operator): draws (commit, reveal, publish), admissions by
 * plan, care verification, reviewer parties; department reviewers' queue and decisions.
 */
import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { reason } from '../../../platform/law/decision.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { addPartyMember, partiesOfStaff, pendingReviewsFor } from '../../../platform/cases/store.ts';
import { routeKeys } from '../rules/routes.ts';
import { departments, streetPartyPrefix } from '../rules/departments.ts';
import { commitDraw, publishDraw, revealDraw, rosterOf, findDraw } from '../store/draws.ts';
import { placeByPlan } from '../store/placements.ts';
import { verifyCareCategory } from '../store/applications.ts';
import { decideReview, reviewPart } from '../store/non-local.ts';
import { nonLocalWorkflowKey } from '../workflow.ts';
import { idParam, refParam, reply, staffRoles, staffReadRoles, yearSchema, type EnrollmentDeps } from './context.ts';
import { drawView, programView } from './views.ts';

const tags = ['enrollment-staff'];
const security = [{ bearer: [] }];
const hex = (bytes: number) => ({ type: 'string', pattern: `^[0-9a-f]{${bytes * 2}}$` }) as const;

export function registerStaffApi(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;

  app.post<{ Body: { year: number; route: string; label?: string; commitment: string; publicSource: { kind: 'drand' | 'other'; chain?: string; round?: number; description?: string } } }>(
    '/api/enrollment/draws',
    {
      schema: {
        tags,
        security,
        summary: '派位第一步：锁定名单并公布名单哈希、秘密承诺值和将使用的公开随机数 / Commit a draw: freeze the roster, publish its hash, the commitment and the named public value',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['year', 'route', 'commitment', 'publicSource'],
          properties: {
            year: yearSchema,
            route: { type: 'string', enum: [...routeKeys] },
            label: { type: 'string', maxLength: 80 },
            commitment: hex(32),
            publicSource: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', enum: ['drand', 'other'] }, chain: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' }, round: { type: 'integer', minimum: 1 }, description: { type: 'string', maxLength: 200 } } },
          },
        },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      return reply(req, res, await commitDraw(deps.edb, deps.clock, actorOf(req), req.body), drawView, 201);
    },
  );

  app.post<{ Params: { id: string }; Body: { secret: string; publicValue: string } }>(
    '/api/enrollment/draws/:id/reveal',
    {
      schema: {
        tags,
        security,
        summary: '派位第二步（只能一次）：公开秘密值、录入公开随机数，生成派位号并按志愿录取 / Run the draw once: reveal the secret, enter the public value, draw numbers and place children',
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['secret', 'publicValue'], properties: { secret: hex(32), publicValue: { type: 'string', pattern: '^([0-9a-f]{2}){16,128}$' } } },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      const d = await revealDraw(deps.edb, deps.clock, actorOf(req), Number(req.params.id), req.body);
      return reply(req, res, d, (r) => ({ draw: drawView(r.draw), placed: r.outcome.children.filter((c) => c.placedAt !== null).length, unplaced: r.outcome.children.filter((c) => c.placedAt === null).length, stability: r.outcome.stability }));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/enrollment/draws/:id/publish',
    { schema: { tags, security, summary: '派位第三步：公布结果（10号 四(四)） / Publish the results', params: idParam } },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      return reply(req, res, await publishDraw(deps.edb, deps.clock, actorOf(req), Number(req.params.id)), drawView);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/enrollment/staff/draws/:id/roster',
    { schema: { tags, security, summary: '派位名单与派位号（工作人员） / Roster with numbers (staff)', params: idParam } },
    async (req, res) => {
      if (!requireRole(req, res, staffReadRoles)) return res;
      const d = await findDraw(k, Number(req.params.id));
      if (!d) return sendRefusal(req, res, [reason('draw_not_found', '未找到该派位', 'No such draw')]);
      return { draw: drawView(d), entries: (await rosterOf(k, d.id)).map((e) => ({ ref: e.ref, position: e.position, number: e.number })) };
    },
  );

  app.post<{ Body: { ref: string; programId: number } }>(
    '/api/enrollment/placements',
    {
      schema: {
        tags,
        security,
        summary: '按计划录取（寄宿、民办、特色校、九年一贯制；不得超出招生计划） / Record an admission by plan (never beyond the plan)',
        body: { type: 'object', additionalProperties: false, required: ['ref', 'programId'], properties: { ref: refParam.properties.ref, programId: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      const d = await placeByPlan(deps.edb, deps.clock, actorOf(req), req.body.ref, req.body.programId);
      return reply(req, res, d, (p) => ({ ref: req.body.ref, route: p.route, program: programView(p.program) }), 201);
    },
  );

  app.post<{ Params: { ref: string }; Body: { verified: boolean } }>(
    '/api/enrollment/applications/:ref/care',
    { schema: { tags, security, summary: '核验照顾类别身份证明（10号 五） / Verify a declared care category', params: refParam, body: { type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: { type: 'boolean' } } } } },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      return reply(req, res, await verifyCareCategory(deps.edb, deps.clock, actorOf(req), req.params.ref, req.body.verified), (a) => ({ ref: a.ref, careCategory: a.careCategory, careVerified: a.careVerified }));
    },
  );

  app.post<{ Body: { staffId: number; party: string } }>(
    '/api/enrollment/reviewers',
    {
      schema: {
        tags,
        security,
        summary: '指定审核人员所属部门或街道（11号 二(二)、二(三)） / Assign a reviewer to a department or street office',
        body: { type: 'object', additionalProperties: false, required: ['staffId', 'party'], properties: { staffId: { type: 'integer', minimum: 1 }, party: { type: 'string', pattern: `^(${departments.join('|')}|street:\\d{9})$` } } },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, staffRoles)) return res;
      const staff = await k.selectFrom('staff').select(['id', 'role']).where('id', '=', req.body.staffId).executeTakeFirst();
      if (!staff || staff.role !== 'department_reviewer') return sendRefusal(req, res, [reason('invalid_request', '只能指定部门审核人员', 'Only department reviewers can be assigned')]);
      if (req.body.party.startsWith(streetPartyPrefix)) {
        const street = await k.selectFrom('streets').select('code').where('code', '=', req.body.party.slice(streetPartyPrefix.length)).executeTakeFirst();
        if (!street) return sendRefusal(req, res, [reason('unknown_street', '没有该街道', 'No such street')]);
      }
      await inTransaction(deps.edb, (trx) => addPartyMember(trx, deps.clock, actorOf(req), req.body.staffId, req.body.party));
      return res.code(201).send({ staffId: req.body.staffId, parties: await partiesOfStaff(k, req.body.staffId) });
    },
  );

  app.get<{ Querystring: { year?: string } }>(
    '/api/enrollment/reviews',
    { schema: { tags, security, summary: '本部门待审核的非本市户籍入学材料 / My department\'s review queue', querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'string', pattern: '^\\d{4}$' } } } } },
    async (req, res) => {
      const viewer = requireRole(req, res, ['department_reviewer']);
      if (!viewer) return res;
      const parties = await partiesOfStaff(k, viewer.id);
      return { parties, pending: await pendingReviewsFor(k, nonLocalWorkflowKey(Number(req.query.year ?? 2019)), parties) };
    },
  );

  const partyParams = { type: 'object', additionalProperties: false, required: ['id', 'party'], properties: { id: idParam.properties.id, party: { type: 'string', pattern: `^(${departments.join('|')}|street:\\d{9})$` } } } as const;

  app.get<{ Params: { id: string; party: string } }>(
    '/api/enrollment/reviews/:id/:party',
    { schema: { tags, security, summary: '本部门负责审核的那部分材料及审核标准核对结果（只见本部门部分） / The part this department reviews, with the standard checks', params: partyParams } },
    async (req, res) => {
      if (!requireRole(req, res, ['department_reviewer'])) return res;
      return reply(req, res, await reviewPart(deps.edb, deps.clock, actorOf(req), Number(req.params.id), req.params.party));
    },
  );

  app.post<{ Params: { id: string; party: string }; Body: { verdict: 'approved' | 'refused' | 'referred'; reasonCodes?: string[]; note?: string } }>(
    '/api/enrollment/reviews/:id/:party',
    {
      schema: {
        tags,
        security,
        summary: '部门审核意见：通过、不通过（须写明依据）或转街道现场审核 / A department decision: approve, refuse (with its standard) or refer to the on-site review',
        params: partyParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['verdict'],
          properties: { verdict: { type: 'string', enum: ['approved', 'refused', 'referred'] }, reasonCodes: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z0-9_.]{1,60}$' } }, note: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (req, res) => {
      if (!requireRole(req, res, ['department_reviewer'])) return res;
      const d = await decideReview(deps.edb, deps.clock, actorOf(req), Number(req.params.id), { party: req.params.party, verdict: req.body.verdict, reasonCodes: req.body.reasonCodes, note: req.body.note });
      return reply(req, res, d, (c) => ({ caseId: c.id, status: c.status, step: c.step }));
    },
  );
}
