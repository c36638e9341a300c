import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { addDays, civilDateOf, parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { reason } from '../../../platform/law/decision.ts';
import { art } from '../rules/citations.ts';
import { bookingHorizonDays, type Pool } from '../rules/booking.ts';
import { publishSession, withdrawSession } from '../store/schedule.ts';
import { previewStop, stopSession } from '../store/stops.ts';
import { availability, summariseByTitle } from '../store/availability.ts';
import { civilDateSchema, hhmm, idParam, intId, requireInstitutionStaff, type AppointmentsDeps } from './context.ts';

function safeDate(s: string | undefined, fallback: CivilDate): CivilDate | null {
  if (s === undefined) return fallback;
  try {
    return parseCivilDate(s);
  } catch {
    return null;
  }
}

export function registerScheduleRoutes(app: FastifyInstance, deps: AppointmentsDeps): void {
  app.post<{ Body: { departmentId: number; doctorId?: number; resourceId?: number; visitDate: string; slots: { start: string; end: string; referral: number; appointment: number; window: number }[] } }>(
    '/api/appointments/sessions',
    {
      schema: {
        tags: ['appointments'],
        summary: '发布出诊安排 / Publish a session (第十条, 第十一条)',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['departmentId', 'visitDate', 'slots'],
          properties: {
            departmentId: intId,
            doctorId: intId,
            resourceId: intId,
            visitDate: civilDateSchema,
            slots: {
              type: 'array',
              minItems: 1,
              maxItems: 48,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['start', 'end', 'referral', 'appointment', 'window'],
                properties: { start: hhmm, end: hhmm, referral: { type: 'integer', minimum: 0, maximum: 500 }, appointment: { type: 'integer', minimum: 0, maximum: 500 }, window: { type: 'integer', minimum: 0, maximum: 500 } },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      const visitDate = safeDate(req.body.visitDate, civilDateOf(deps.clock.now()));
      if (!visitDate) return sendRefusal(req, reply, [reason('invalid_request', '日期无效', 'Invalid date')]);
      const d = await inTransaction(deps.adb, (trx) =>
        publishSession(trx, deps.clock, actorOf(req), { institutionId: staff.institutionId, departmentId: req.body.departmentId, doctorId: req.body.doctorId, resourceId: req.body.resourceId, visitDate, slots: req.body.slots }),
      );
      return d.allowed ? reply.code(201).send(d.value) : sendRefusal(req, reply, d.reasons);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/appointments/sessions/:id',
    { schema: { tags: ['appointments'], summary: '撤回未被预约的出诊安排（一周以外） / Withdraw an unbooked session more than a week ahead (第二十七条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      if (!(await ownsSession(deps, Number(req.params.id), staff.institutionId))) return sendRefusal(req, reply, [reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops)]);
      const d = await inTransaction(deps.adb, (trx) => withdrawSession(trx, deps.clock, actorOf(req), Number(req.params.id)));
      return d.allowed ? { withdrawn: true } : sendRefusal(req, reply, d.reasons);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/appointments/sessions/:id/stop-preview',
    { schema: { tags: ['appointments'], summary: '停诊预览：受影响的患者与替诊医师 / Stop preview (第二十七条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      if (!(await ownsSession(deps, Number(req.params.id), staff.institutionId))) return sendRefusal(req, reply, [reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops)]);
      const d = await previewStop(deps.k, deps.clock, Number(req.params.id));
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/api/appointments/sessions/:id/stop',
    {
      schema: {
        tags: ['appointments'],
        summary: '停诊 / Stop a session (第二十七条)',
        security: [{ bearer: [] }],
        params: idParam,
        body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      if (!(await ownsSession(deps, Number(req.params.id), staff.institutionId))) return sendRefusal(req, reply, [reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops)]);
      const d = await inTransaction(deps.adb, (trx) => stopSession(trx, deps.clock, actorOf(req), Number(req.params.id), req.body?.reason));
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.get<{ Querystring: { institutionId: string; departmentId: string; from?: string; to?: string; pool?: Pool } }>(
    '/api/appointments/availability',
    {
      schema: {
        tags: ['appointments'],
        summary: '号源公示：按日期、职称、时段（不显示医师姓名） / Availability by date, title and period, never names (第九条)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['institutionId', 'departmentId'],
          properties: { institutionId: { type: 'string', pattern: '^\\d{1,9}$' }, departmentId: { type: 'string', pattern: '^\\d{1,9}$' }, from: civilDateSchema, to: civilDateSchema, pool: { type: 'string', enum: ['appointment', 'referral', 'window'] }, lang: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const today = civilDateOf(deps.clock.now());
      const from = safeDate(req.query.from, addDays(today, 1));
      const to = safeDate(req.query.to, addDays(today, bookingHorizonDays));
      if (!from || !to) return sendRefusal(req, reply, [reason('invalid_request', '日期无效', 'Invalid date')]);
      const pool = req.query.pool ?? 'appointment';
      if (pool === 'referral') {
        const v = requireRole(req, reply, ['family_doctor']);
        if (!v) return reply;
        // 第二十一条 (一): the reserved pool is for doctors a 社区卫生服务中心 authorised to refer.
        if (!v.referralAuthorised) return sendRefusal(req, reply, [reason('forbidden', '只有经授权的家庭医生可以查看转诊预留号源', 'Only authorised family doctors see the referral-reserved pool', art.channelDefinitions)]);
      }
      const rows = await availability(deps.k, deps.clock, { institutionId: Number(req.query.institutionId), departmentId: Number(req.query.departmentId), from, to, pool });
      return { from, to, pool, slots: rows, byTitle: summariseByTitle(rows) };
    },
  );
}

async function ownsSession(deps: AppointmentsDeps, sessionId: number, institutionId: number): Promise<boolean> {
  const s = await deps.k.selectFrom('appt_sessions').select('institution_id').where('id', '=', sessionId).executeTakeFirst();
  return s !== undefined && Number(s.institution_id) === institutionId;
}
