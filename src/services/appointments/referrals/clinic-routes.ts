import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import type { BookingRequest } from '../store/book-ticket.ts';
import { bookInClinic, clinicOptions, notARegisteredDoctor, treatingDoctor } from './clinic.ts';
import { clinicKinds, type ClinicKind } from './clinic-rules.ts';
import type { ReferralDeps } from './context.ts';
import { personSchema } from '../../../platform/identity/schemas.ts';

const patientSchema = personSchema;

/** 第二十四条 诊间预约 from the doctor's workstation. */
export function registerClinicRoutes(app: FastifyInstance, deps: ReferralDeps): void {
  const tags = ['clinic'];

  app.get<{ Querystring: { kind: ClinicKind; departmentId?: string } }>(
    '/api/clinic/options',
    {
      schema: {
        tags,
        summary: '诊间预约可选号源 / Tickets the treating doctor may book (第二十四条)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { type: 'string', enum: [...clinicKinds] }, departmentId: { type: 'string', pattern: '^[1-9]\\d{0,8}$' }, lang: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['doctor']);
      if (!viewer) return reply;
      const me = await treatingDoctor(deps.k, viewer.id, viewer.organisationId);
      if (!me) return sendRefusal(req, reply, [notARegisteredDoctor()]);
      return { options: await clinicOptions(deps.k, deps.clock, me, req.query.kind, req.query.departmentId ? Number(req.query.departmentId) : undefined) };
    },
  );

  app.post<{ Body: { kind: ClinicKind; slotId: number; patient: BookingRequest['patient']; overrideReason?: string }; Headers: { 'idempotency-key'?: string } }>(
    '/api/clinic/bookings',
    {
      schema: {
        tags,
        summary: '诊间预约 / Book from the doctor’s workstation: follow-up, senior doctor, another department, consultation (第二十四条)',
        description: 'After the 15:00 cutoff (第十七条) a doctor may still book a later day by giving overrideReason; it is kept with the booking and audited.',
        security: [{ bearer: [] }],
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 100 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'slotId', 'patient'],
          properties: { kind: { type: 'string', enum: [...clinicKinds] }, slotId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, patient: patientSchema, overrideReason: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['doctor']);
      if (!viewer) return reply;
      const me = await treatingDoctor(deps.k, viewer.id, viewer.organisationId);
      if (!me) return sendRefusal(req, reply, [notARegisteredDoctor()]);
      const d = await inTransaction(deps.adb, (trx) =>
        bookInClinic(trx, deps.clock, actorOf(req), viewer.id, me, { ...req.body, idempotencyKey: req.headers['idempotency-key'] }),
      );
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      return reply.code(d.value.replayed ? 200 : 201).send(d.value);
    },
  );
}
