import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { moveAfterStop, moveOptions } from '../store/move-after-stop.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import { idParam, type AppointmentsDeps } from './context.ts';

/**
 * 第二十七条: a patient whose session was stopped takes the substitute or a new time (or cancels
 * without penalty through the cancel endpoint). Residents act on their own bookings, the platform
 * operator on anyone's (the phone channel, 第三十三条).
 */
export function registerMoveAfterStopRoutes(app: FastifyInstance, deps: AppointmentsDeps): void {
  app.get<{ Params: { id: string } }>(
    '/api/appointments/bookings/:id/move-options',
    { schema: { tags: ['appointments'], summary: '停诊后可改约的时段 / Where a stopped booking can move (第二十七条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['resident', 'platform_operator']);
      if (!viewer) return reply;
      const d = await moveOptions(deps.k, deps.clock, Number(req.params.id), viewer.role === 'resident' ? viewer.personId : null);
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.post<{ Params: { id: string }; Body: { slotId: number } }>(
    '/api/appointments/bookings/:id/move',
    {
      schema: {
        tags: ['appointments'],
        summary: '停诊后改约替诊或其他时间 / Move a stopped booking to a substitute or a new time (第二十七条)',
        description: 'Safe to retry: a booking already moved returns the booking it moved to, with replayed=true.',
        security: [{ bearer: [] }],
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['slotId'], properties: { slotId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } } },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['resident', 'platform_operator']);
      if (!viewer) return reply;
      const byPerson = viewer.role === 'resident' ? viewer.personId : null;
      const d = await bookWithoutTrace(deps, (trx) => moveAfterStop(trx, deps.clock, actorOf(req), Number(req.params.id), byPerson, req.body.slotId));
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      return reply.code(d.value.replayed ? 200 : 201).send(d.value);
    },
  );
}
