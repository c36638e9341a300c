import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../../platform/http/auth.ts';
import { institutionOfOrganisation } from '../store/registries.ts';
import { staffActivity } from './staff-activity.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { addDays, civilDateOf, daysBetween, isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { toCsv } from '../../../platform/web/csv.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { referralArt } from '../referrals/citations.ts';
import { appointmentStatistics, granularities, statisticsColumns, type Granularity, type Statistics } from './statistics.ts';
import { appointmentDisclosure, type Disclosure } from './disclosure.ts';

export const maxRangeDays = 400;

export interface StatisticsQuery {
  granularity?: Granularity;
  institutionId?: string;
  from?: string;
  to?: string;
  format?: 'json' | 'csv';
  table?: 'summary' | 'institutions';
}

/** Default range: the last four weeks and the two weeks ahead that are open for booking. */
export function statisticsRange(clock: Clock, q: Omit<StatisticsQuery, 'institutionId'>): Decision<{ from: CivilDate; to: CivilDate; granularity: Granularity }> {
  const today = civilDateOf(clock.now());
  const from = q.from ?? addDays(today, -28);
  const to = q.to ?? addDays(today, 14);
  if (!isCivilDate(from) || !isCivilDate(to) || from > to || daysBetween(from, to) > maxRangeDays) {
    return refuse(reason('invalid_range', `请给出有效的起止日期（不超过${maxRangeDays}天）`, `Give a valid date range of at most ${maxRangeDays} days`, referralArt.evaluation));
  }
  return allow({ from, to, granularity: q.granularity ?? 'day' });
}

export function statisticsCsv(s: Statistics, table: 'summary' | 'institutions'): string {
  if (table === 'institutions') {
    return toCsv(['bucket', 'institution_id', 'institution', 'tickets_total', 'tickets_offered', 'offered_share'], s.institutions.map((i) => [i.bucket, i.institutionId, i.institution, i.ticketsTotal, i.ticketsOffered, i.offeredShare]));
  }
  return toCsv(statisticsColumns.map((c) => c.replace(/[A-Z0-9]/g, (m) => `_${m.toLowerCase()}`)), s.rows.map((r) => statisticsColumns.map((c) => r[c])));
}

export function disclosureCsv(d: Disclosure): string {
  return toCsv(
    ['institution', 'level', 'sessions', 'offered_share', 'sessions_below_80', 'meets_80', 'required_slot_minutes', 'slots', 'slots_of_required_length', 'meets_slot_rule', 'stopped', 'special_stops', 'stop_rate'],
    d.rows.map((r) => [r.institution, r.level, r.sessions, r.offeredShare, r.sessionsBelow80, r.meets80, r.requiredSlotMinutes, r.slots, r.slotsOfRequiredLength, r.meetsSlotRule, r.stopped, r.specialStops, r.stopRate]),
  );
}

export function registerSupervisionRoutes(app: FastifyInstance, deps: AppointmentsDeps): void {
  const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
  app.get<{ Querystring: StatisticsQuery }>(
    '/api/supervision/appointments',
    {
      schema: {
        tags: ['supervision'],
        summary: '预约诊疗监管统计（按日、周、月） / Booking supervision statistics by day, week or month (第六条 (三), 第七条, 第十三条)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { granularity: { type: 'string', enum: [...granularities] }, from: date, to: date, institutionId: { type: 'string', pattern: '^[1-9]\\d{0,8}$' }, format: { type: 'string', enum: ['json', 'csv'] }, table: { type: 'string', enum: ['summary', 'institutions'] }, lang: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const viewer = requireRole(req, reply, ['platform_operator', 'institution_admin']);
      if (!viewer) return reply;
      // 第二十九条: an institution sees its own assessment figures; the operator sees any institution's and the whole platform's.
      let institutionId = req.query.institutionId ? Number(req.query.institutionId) : undefined;
      if (viewer.role === 'institution_admin') {
        const own = await institutionOfOrganisation(deps.k, viewer.organisationId);
        if (own === null || (institutionId !== undefined && institutionId !== own)) return sendRefusal(req, reply, [reason('forbidden', '只能查看本机构的统计', 'You may only see your own institution’s figures')]);
        institutionId = own;
      }
      const range = statisticsRange(deps.clock, req.query);
      if (!range.allowed) return sendRefusal(req, reply, range.reasons);
      const s = await appointmentStatistics(deps.k, deps.clock, { ...range.value, institutionId });
      if (req.query.format === 'csv') {
        const table = req.query.table ?? 'summary';
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="appointments-${table}-${s.granularity}-${s.from}-${s.to}.csv"`).send(statisticsCsv(s, table));
      }
      return s;
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; format?: 'json' | 'csv' } }>(
    '/api/supervision/staff-activity',
    {
      schema: {
        tags: ['supervision'],
        summary: '工作人员预约、取消与超出规则操作 / Bookings, cancellations and overrides per staff account, with flags (第三十一条)',
        security: [{ bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { from: date, to: date, format: { type: 'string', enum: ['json', 'csv'] }, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      const range = statisticsRange(deps.clock, { ...req.query, from: req.query.from ?? addDays(civilDateOf(deps.clock.now()), -7), to: req.query.to ?? civilDateOf(deps.clock.now()) });
      if (!range.allowed) return sendRefusal(req, reply, range.reasons);
      const rows = await staffActivity(deps.k, range.value.from, range.value.to);
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="staff-activity.csv"')
          .send(toCsv(['staff_id', 'name', 'role', 'organisation', 'bookings', 'distinct_people', 'busiest_day_people', 'cancellations', 'overrides', 'clinic_without_visit', 'flags'], rows.map((r) => [r.staffId, r.name, r.role, r.organisation, r.bookings, r.distinctPeople, r.busiestDayPeople, r.cancellations, r.overrides, r.clinicWithoutVisit, r.flags.join(' ')])));
      }
      return { from: range.value.from, to: range.value.to, staff: rows };
    },
  );

  app.get<{ Querystring: { format?: 'json' | 'csv' } }>(
    '/api/disclosure/appointments',
    {
      schema: {
        tags: ['supervision'],
        summary: '预约诊疗社会公示：80%号源、分时段与停诊率 / Public disclosure: the 80% rule, slot lengths and stop rates (第六条 (三), 第十条, 第二十七条)',
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] }, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const d = await appointmentDisclosure(deps.k, deps.clock);
      if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="appointments-disclosure.csv"').send(disclosureCsv(d));
      return d;
    },
  );
}
