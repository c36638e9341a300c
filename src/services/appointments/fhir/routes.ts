import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit } from '../../../platform/audit/trail.ts';
import { reason } from '../../../platform/law/decision.ts';
import { addDays, civilDateOf, isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { Role } from '../../../platform/identity/roles.ts';
import { effectivePool, type Pool } from '../rules/booking.ts';
import { idParam } from '../routes/context.ts';
import { referralArt } from '../referrals/citations.ts';
import { inScope, referralScope, type ReferralDeps } from '../referrals/context.ts';
import { getReferral } from '../referrals/queries.ts';
import { appointmentResource, searchBundle, serviceRequestResource, slotResource, taskResource, type FhirResource } from './resources.ts';

const fhirJson = 'application/fhir+json; charset=utf-8';
const staffRoles: readonly Role[] = ['doctor', 'family_doctor', 'institution_admin', 'platform_operator'];
const notFound = () => reason('not_found', '未找到该资源', 'No such resource', referralArt.operation);

function send(reply: FastifyReply, resource: FhirResource): FastifyReply {
  return reply.type(fhirJson).send(resource);
}

/**
 * FHIR R4 read and search for hospital systems (西卫〔2019〕5号 第十三条 数据交互机制): Slot search,
 * Appointment, ServiceRequest and Task reads. Staff of the institutions concerned, the operator, and a
 * resident for their own appointments and referrals; nobody else.
 */
export function registerFhirRoutes(app: FastifyInstance, deps: ReferralDeps): void {
  const tags = ['fhir'];

  app.get<{ Querystring: { start?: string; organization?: string; status?: 'free' | 'busy' | 'busy-unavailable'; _count?: string } }>(
    '/api/fhir/Slot',
    {
      schema: {
        tags,
        summary: 'FHIR Slot 检索（按日期、机构） / FHIR Slot search by date and institution (第十三条)',
        description: 'start=YYYY-MM-DD (default tomorrow); organization=appointment institution id. Free tickets per pool are extensions.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
            organization: { type: 'string', pattern: '^[1-9]\\d{0,8}$' },
            status: { type: 'string', enum: ['free', 'busy', 'busy-unavailable'] },
            _count: { type: 'string', pattern: '^[1-9]\\d{0,2}$' },
          },
        },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, staffRoles)) return reply;
      const now = deps.clock.now();
      const date = req.query.start ?? addDays(civilDateOf(now), 1);
      if (!isCivilDate(date)) return sendRefusal(req, reply, [reason('invalid_request', '日期无效', 'Invalid date')]);
      let q = deps.k
        .selectFrom('appt_slots as sl')
        .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
        .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
        .leftJoin('appt_tickets as t', (j) => j.onRef('t.slot_id', '=', 'sl.id').on('t.booking_id', 'is', null))
        .select([
          'sl.id', 'sl.session_id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.status', 'se.title', 'd.id as department_id', 'd.name as department',
          (e) => e.fn.sum<number>(e.case().when('t.pool', '=', 'referral').then(1).else(0).end()).as('referral'),
          (e) => e.fn.sum<number>(e.case().when('t.pool', '=', 'appointment').then(1).else(0).end()).as('appointment'),
          (e) => e.fn.sum<number>(e.case().when('t.pool', '=', 'window').then(1).else(0).end()).as('window'),
        ])
        .where('sl.visit_date', '=', date)
        .where('se.status', '<>', 'withdrawn');
      if (req.query.organization) q = q.where('se.institution_id', '=', Number(req.query.organization));
      const rows = await q
        .groupBy(['sl.id', 'sl.session_id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.status', 'se.title', 'd.id', 'd.name'])
        .orderBy('sl.period_start')
        .orderBy('sl.id')
        .limit(Number(req.query._count ?? 500))
        .execute();
      const resources = rows
        .map((r) => {
          // 第十七条: after the cutoff the platform's free tickets are the window's.
          const free = { referral: 0, appointment: 0, window: 0 };
          for (const pool of ['referral', 'appointment', 'window'] as const) free[effectivePool(pool as Pool, now, r.visit_date as CivilDate)] += Number(r[pool] ?? 0);
          return slotResource({ slotId: Number(r.id), sessionId: Number(r.session_id), visitDate: r.visit_date, periodStart: r.period_start, periodEnd: r.period_end, department: r.department, departmentId: Number(r.department_id), title: r.title, free, stopped: r.status !== 'published' });
        })
        .filter((s) => !req.query.status || s.status === req.query.status);
      return send(reply, searchBundle(resources, req.url));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/fhir/Appointment/:id',
    { schema: { tags, summary: 'FHIR Appointment（转诊预约带 basedOn） / FHIR Appointment, basedOn its referral (第十三条, 第十九条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const viewer = requireRole(req, reply, [...staffRoles, 'resident']);
      if (!viewer) return reply;
      const b = await deps.k
        .selectFrom('appt_bookings as b')
        .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
        .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
        .innerJoin('persons as p', 'p.id', 'b.person_id')
        .leftJoin('appt_referrals as r', 'r.booking_id', 'b.id')
        .select(['b.id', 'b.slot_id', 'b.ticket_no', 'b.status', 'b.channel', 'b.visit_date', 'b.period_start', 'b.period_end', 'b.created_at', 'b.person_id', 'p.name', 'b.department_id', 'd.name as department', 'se.title', 'b.institution_id', 'r.id as referral_id', 'r.from_organisation_id'])
        .where('b.id', '=', Number(req.params.id))
        .executeTakeFirst();
      if (!b) return sendRefusal(req, reply, [notFound()]);
      const scope = await referralScope(deps, viewer);
      const visible =
        scope.kind === 'all' ||
        (scope.kind === 'person' && Number(b.person_id) === scope.personId) ||
        (scope.kind === 'institution' && Number(b.institution_id) === scope.institutionId) ||
        (scope.kind === 'community' && b.from_organisation_id !== null && scope.organisations.includes(Number(b.from_organisation_id)));
      if (!visible) return sendRefusal(req, reply, [notFound()]);
      return send(
        reply,
        appointmentResource({
          bookingId: Number(b.id),
          slotId: Number(b.slot_id),
          ticketNo: Number(b.ticket_no),
          status: b.status,
          channel: b.channel,
          visitDate: b.visit_date,
          periodStart: b.period_start,
          periodEnd: b.period_end,
          createdAt: b.created_at,
          personId: Number(b.person_id),
          personName: b.name,
          departmentId: Number(b.department_id),
          department: b.department,
          title: b.title,
          referralId: b.referral_id === null ? null : Number(b.referral_id),
        }),
      );
    },
  );

  const referral = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const viewer = requireRole(req, reply, [...staffRoles, 'resident']);
    if (!viewer) return undefined;
    const scope = await referralScope(deps, viewer);
    const view = await getReferral(deps.k, Number(req.params.id), { fullName: false });
    if (!view || !inScope(scope, view)) {
      void sendRefusal(req, reply, [notFound()]);
      return undefined;
    }
    return view;
  };

  app.get<{ Params: { id: string } }>(
    '/api/fhir/ServiceRequest/:id',
    { schema: { tags, summary: 'FHIR ServiceRequest（转诊、转回） / FHIR ServiceRequest for a referral or hand-back (第十六条 (四), 第二十八条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const view = await referral(req, reply);
      if (!view) return reply;
      if (req.viewer?.role !== 'resident') {
        // 第三十条: the disease information is health data; a read by another system is traced.
        await inTransaction(deps.adb, (trx) => appendAudit(trx, deps.clock, actorOf(req), { action: 'fhir.service_request.read', entityType: 'appt_referral', entityId: view.referralId, purpose: 'referral' }));
      }
      return send(reply, serviceRequestResource(view));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/fhir/Task/:id',
    { schema: { tags, summary: 'FHIR Task（转诊办理状态） / FHIR Task: the handling of a referral (第二十三条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const view = await referral(req, reply);
      if (!view) return reply;
      return send(reply, taskResource(view, view.updatedAt));
    },
  );
}
