import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { maskDocumentNumber, maskPhone } from '../../../platform/identity/masking.ts';
import { reason } from '../../../platform/law/decision.ts';
import { civilDateOf, parseCivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import type { Channel } from '../rules/booking.ts';
import { bookTicket, type BookingRequest } from '../store/book-ticket.ts';
import { cancelBooking, checkInBooking } from '../store/cancel-and-check-in.ts';
import { activeBanEnd } from '../store/violations.ts';
import { bookingsOfPerson } from '../store/person-bookings.ts';
import { idParam, requireInstitutionStaff, type AppointmentsDeps } from './context.ts';
import { sharedBookingThrottle } from './anti-scalping.ts';
import { bookWithoutTrace } from '../store/book-atomically.ts';
import { personProperties, personSchema } from '../../../platform/identity/schemas.ts';

const patientSchema = personSchema;

const bookingBody = {
  type: 'object',
  additionalProperties: false,
  required: ['slotId', 'channel', 'patient'],
  properties: {
    slotId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    channel: { type: 'string', enum: ['web', 'phone', 'onsite', 'clinic', 'referral', 'window'] },
    patient: patientSchema,
    booker: { type: 'object', additionalProperties: false, required: ['name', 'phone'], properties: { name: { type: 'string', minLength: 1, maxLength: 40 }, phone: { type: 'string', minLength: 1, maxLength: 20 } } },
  },
} as const;

interface BookingBody {
  slotId: number;
  channel: Channel;
  patient: BookingRequest['patient'];
  booker?: { name: string; phone: string };
}

/** Which role books through which channel (第三十三条 defines the channels). */
const channelRoles: Record<Channel, readonly string[]> = {
  web: ['resident'],
  phone: ['platform_operator'],
  onsite: ['institution_admin'],
  window: ['institution_admin'],
  clinic: ['doctor'],
  referral: ['family_doctor'],
};

export function registerBookingRoutes(app: FastifyInstance, deps: AppointmentsDeps): void {
  const throttle = sharedBookingThrottle(deps);
  app.post<{ Body: BookingBody; Headers: { 'idempotency-key'?: string } }>(
    '/api/appointments/bookings',
    {
      schema: {
        tags: ['appointments'],
        summary: '实名预约一个号源 / Book a ticket by real name (西卫〔2019〕5号 第十五条–第十九条)',
        description: 'Send Idempotency-Key to make retries safe: the same key returns the same booking.',
        security: [{ bearer: [] }],
        body: bookingBody,
        // Keys starting "yiwang:" are the platform's own (internalKeyPrefix): a client cannot forge them.
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 100, pattern: '^(?!yiwang:)' } } },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['resident', 'platform_operator', 'institution_admin', 'doctor', 'family_doctor']);
      if (!viewer) return reply;
      const body = req.body;
      if (!channelRoles[body.channel].includes(viewer.role)) {
        return sendRefusal(req, reply, [reason('forbidden', '您的角色不能通过该渠道预约', 'Your role cannot book through this channel', art.channelDefinitions)]);
      }
      if (body.channel === 'referral' && !viewer.referralAuthorised) {
        return sendRefusal(req, reply, [reason('forbidden', '只有经社区卫生服务机构授权的医师可以预约转诊', 'Only doctors authorised by a community health centre may refer', art.channelDefinitions)]);
      }
      if (body.channel === 'referral') {
        // 第二十二条: a referral needs the family-doctor contract and health-record checks and carries
        // the disease information (第十六条 (四)); only the referral service does that.
        return sendRefusal(req, reply, [reason('use_referral_service', '社区转诊预约请通过转诊服务（POST /api/referrals）办理，以核验家庭医生签约和健康档案', 'Book referrals through the referral service (POST /api/referrals), which checks the family-doctor contract and health record', art.referralEligibility)]);
      }
      if (body.channel === 'clinic') {
        // 第二十四条: in-clinic booking is one of four kinds (follow-up, senior doctor, other department,
        // consultation), each with its own checks and audited overrides; only the clinic service applies them.
        return sendRefusal(req, reply, [reason('use_clinic_service', '诊间预约请通过医生工作站（POST /api/clinic/bookings）办理，以核验预约类型', 'Book in-clinic through the doctor’s workstation (POST /api/clinic/bookings), which checks the kind of booking', art.clinicBooking)]);
      }
      // A signed-in resident books for themself or, as the booker, for a family member (第十六条):
      // bookTicket compares the patient with the resident inside the transaction, so a self-booking
      // (the common case) reads no extra row.
      const resident = viewer.role === 'resident' && viewer.personId !== null ? viewer.personId : undefined;
      const booker = resident === undefined ? body.booker : undefined;
      if (['onsite', 'window', 'clinic'].includes(body.channel)) {
        const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin', 'doctor']);
        if (!staff) return reply;
        const slot = await deps.k.selectFrom('appt_slots as sl').innerJoin('appt_sessions as se', 'se.id', 'sl.session_id').select('se.institution_id').where('sl.id', '=', body.slotId).executeTakeFirst();
        if (slot && Number(slot.institution_id) !== staff.institutionId) {
          return sendRefusal(req, reply, [reason('forbidden', '只能为本机构的号源办理现场预约', 'On-site booking is for your own institution’s tickets')]);
        }
      }
      const over = await throttle.check(body.patient.docType, body.patient.docNumber, body.patient.phone);
      if (over) return sendRefusal(req, reply, [over]);
      const key = req.headers['idempotency-key'];
      const d = await bookWithoutTrace(deps, (trx) => bookTicket(trx, deps.clock, actorOf(req), { slotId: body.slotId, channel: body.channel, patient: body.patient, booker, bookerPersonId: resident, idempotencyKey: key }));
      if (!d.allowed) return sendRefusal(req, reply, d.reasons);
      return reply.code(d.value.replayed ? 200 : 201).send(d.value);
    },
  );

  app.get('/api/appointments/me/bookings', { schema: { tags: ['appointments'], summary: '我的预约 / My bookings', security: [{ bearer: [] }] } }, async (req, reply) => {
    const viewer = requireRole(req, reply, ['resident']);
    if (!viewer || viewer.personId === null) return reply;
    const rows = await bookingsOfPerson(deps.k, viewer.personId, 100);
    const today = civilDateOf(deps.clock.now());
    const violations = await deps.k.selectFrom('appt_violations').select(['kind', 'occurred_on']).where('person_id', '=', viewer.personId).orderBy('occurred_on', 'desc').limit(50).execute();
    return {
      banEndsOn: await activeBanEnd(deps.k, viewer.personId, today),
      violations: violations.map((v) => ({ kind: v.kind, occurredOn: v.occurred_on })),
      bookings: rows.map((r) => ({
        bookingId: Number(r.id),
        ticketNo: Number(r.ticket_no),
        visitDate: r.visit_date,
        period: `${r.period_start}–${r.period_end}`,
        status: r.status,
        channel: r.channel,
        institution: r.institution,
        department: r.department,
        title: r.title,
        cancelBefore: `${r.visit_date}T00:00:00+08:00`,
      })),
    };
  });

  app.post<{ Params: { id: string } }>(
    '/api/appointments/bookings/:id/cancel',
    { schema: { tags: ['appointments'], summary: '取消预约 / Cancel a booking (第二十五条)', security: [{ bearer: [] }], params: idParam } },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['resident', 'platform_operator']);
      if (!viewer) return reply;
      const byPerson = viewer.role === 'resident' ? viewer.personId : null;
      const d = await deps.committer.run((trx) => cancelBooking(trx, deps.clock, actorOf(req), Number(req.params.id), byPerson));
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.post<{ Params: { id: string }; Body: { docType: string; docNumber: string } }>(
    '/api/appointments/bookings/:id/check-in',
    {
      schema: {
        tags: ['appointments'],
        summary: '窗口或自助机取号 / Check in at the window or kiosk (第二十六条)',
        security: [{ bearer: [] }],
        params: idParam,
        body: { type: 'object', additionalProperties: false, required: ['docType', 'docNumber'], properties: { docType: personProperties.docType, docNumber: personProperties.docNumber } },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin']);
      if (!staff) return reply;
      const d = await deps.committer.run((trx) => checkInBooking(trx, deps.clock, actorOf(req), Number(req.params.id), req.body, staff.institutionId));
      return d.allowed ? d.value : sendRefusal(req, reply, d.reasons);
    },
  );

  app.get<{ Querystring: { date?: string; q?: string } }>(
    '/api/appointments/institution/bookings',
    {
      schema: {
        tags: ['appointments'],
        summary: '本机构预约列表 / Bookings at my institution (第十九条)',
        security: [{ bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, q: { type: 'string', maxLength: 40 }, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin', 'doctor']);
      if (!staff) return reply;
      let date: string = civilDateOf(deps.clock.now());
      if (req.query.date !== undefined) {
        try {
          date = parseCivilDate(req.query.date);
        } catch {
          return sendRefusal(req, reply, [reason('invalid_request', '日期无效', 'Invalid date')]);
        }
      }
      const rows = await (deps.k as Kysely<AppointmentDb>)
        .selectFrom('appt_bookings as b')
        .innerJoin('persons as p', 'p.id', 'b.person_id')
        .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
        .select(['b.id', 'b.ticket_no', 'b.period_start', 'b.period_end', 'b.status', 'b.channel', 'p.name', 'b.patient_doc_type', 'b.patient_doc_number', 'b.patient_phone', 'd.name as department'])
        .where('b.institution_id', '=', staff.institutionId)
        .where('b.visit_date', '=', date)
        .orderBy('b.period_start')
        .orderBy('b.ticket_no')
        .execute();
      // Window staff verify documents, so they see numbers unmasked; doctors see them masked.
      const unmasked = staff.viewer.role === 'institution_admin';
      return {
        date,
        bookings: rows
          .filter((r) => !req.query.q || r.name.includes(req.query.q) || r.patient_doc_number.endsWith(req.query.q))
          .map((r) => ({
            bookingId: Number(r.id),
            ticketNo: Number(r.ticket_no),
            period: `${r.period_start}–${r.period_end}`,
            status: r.status,
            channel: r.channel,
            department: r.department,
            patient: r.name,
            docType: r.patient_doc_type,
            docNumber: unmasked ? r.patient_doc_number : maskDocumentNumber(r.patient_doc_number),
            phone: unmasked ? r.patient_phone : maskPhone(r.patient_phone),
          })),
      };
    },
  );
}
