import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole } from '../../../platform/http/auth.ts';
import { sendRefusal } from '../../../platform/http/refusal.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { reason } from '../../../platform/law/decision.ts';
import { maskName } from '../../../platform/identity/masking.ts';
import { art } from '../rules/citations.ts';
import { updateInstitutionProfile, upsertRegistryRow } from '../store/registries.ts';
import { isUniqueViolation } from '../../../platform/db/errors.ts';
import { toCsv } from '../../../platform/web/csv.ts';
import { idParam, requireInstitutionStaff, type AppointmentsDeps } from './context.ts';
import { institutionProfile, registries, type RegistryName } from './registry-input.ts';


const duplicateCode = reason('duplicate_code', '编码或工号已存在', 'That code or staff number already exists', art.registry);

export function registerRegistryRoutes(app: FastifyInstance, deps: AppointmentsDeps): void {
  app.get('/api/appointments/institutions', { schema: { tags: ['appointments'], summary: '医疗机构目录 / Institutions (第十二条 (一))' } }, async () => {
    const rows = await deps.k
      .selectFrom('appt_institutions as i')
      .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
      .select(['i.id', 'o.name', 'o.short_name', 'o.address', 'o.phone', 'i.level', 'i.type', 'i.website', 'i.introduction', 'i.directions', 'i.slot_minutes', 'i.referral_share_pct'])
      .orderBy('i.id')
      .execute();
    const depts = await deps.k.selectFrom('appt_departments').select(['id', 'institution_id', 'name', 'category', 'code']).orderBy('id').execute();
    return {
      institutions: rows.map((r) => ({
        id: Number(r.id),
        name: r.name,
        shortName: r.short_name,
        address: r.address,
        phone: r.phone,
        level: r.level,
        type: r.type,
        website: r.website,
        introduction: r.introduction,
        directions: r.directions,
        slotMinutes: r.slot_minutes,
        referralSharePct: Number(r.referral_share_pct),
        departments: depts.filter((d) => Number(d.institution_id) === Number(r.id)).map((d) => ({ id: Number(d.id), name: d.name, category: d.category, code: d.code })),
      })),
    };
  });

  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/api/appointments/institutions/:id',
    {
      schema: {
        tags: ['appointments'],
        summary: '维护本机构信息 / Update my institution (第十二条 (一), 第十一条 referral share)',
        security: [{ bearer: [] }],
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: institutionProfile.properties,
        },
      },
    },
    async (req, reply) => {
      const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin'], Number(req.params.id));
      if (!staff) return reply;
      // 第十二条 (一): name, short name, address and phone are the organisation's; the rest the appointment profile's.
      const pickColumns = (m: Record<string, string>) => Object.fromEntries(Object.entries(req.body).flatMap(([k, v]) => (m[k] ? [[m[k], v]] : [])));
      await inTransaction(deps.adb, (trx) => updateInstitutionProfile(trx, deps.clock, actorOf(req), staff.institutionId, pickColumns(institutionProfile.columns), pickColumns(institutionProfile.organisationColumns)));
      return { updated: true };
    },
  );

  for (const name of Object.keys(registries) as RegistryName[]) {
    const r = registries[name];
    const body = { type: 'object', additionalProperties: false, required: r.required, properties: r.properties };
    const toColumns = (b: Record<string, unknown>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [(r.columns as Record<string, string>)[k] ?? k, v]));

    app.get<{ Params: { id: string } }>(
      `/api/appointments/institutions/:id/${name}`,
      { schema: { tags: ['appointments'], summary: `${name} (第十二条)`, params: idParam } },
      async (req, reply) => {
        const institutionId = Number(req.params.id);
        if (name === 'doctors') {
          // Names and phones of doctors are for the institution's own staff only (第九条).
          const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin'], institutionId);
          if (!staff) return reply;
        }
        const rows = await deps.k.selectFrom(r.table).selectAll().where('institution_id', '=', institutionId).orderBy('id').execute();
        return { [name]: rows };
      },
    );

    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
      `/api/appointments/institutions/:id/${name}`,
      { schema: { tags: ['appointments'], summary: `add ${name} (第十二条)`, security: [{ bearer: [] }], params: idParam, body } },
      async (req, reply) => {
        const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin'], Number(req.params.id));
        if (!staff) return reply;
        if (name === 'doctors') {
          const dept = await deps.k.selectFrom('appt_departments').select('id').where('id', '=', Number(req.body.departmentId)).where('institution_id', '=', staff.institutionId).executeTakeFirst();
          if (!dept) return sendRefusal(req, reply, [reason('department_not_found', '本机构没有这个科室', 'No such department at your institution', art.registry)]);
        }
        try {
          const id = await inTransaction(deps.adb, (trx) => upsertRegistryRow(trx, deps.clock, actorOf(req), r.table, { ...toColumns(req.body), institution_id: staff.institutionId }));
          return reply.code(201).send({ id });
        } catch (e) {
          if (isUniqueViolation(e)) return sendRefusal(req, reply, [duplicateCode]);
          throw e;
        }
      },
    );

    app.put<{ Params: { id: string; rowId: string }; Body: Record<string, unknown> }>(
      `/api/appointments/institutions/:id/${name}/:rowId`,
      {
        schema: {
          tags: ['appointments'],
          summary: `update ${name} (第十二条)`,
          security: [{ bearer: [] }],
          params: { type: 'object', additionalProperties: false, required: ['id', 'rowId'], properties: { id: idParam.properties.id, rowId: idParam.properties.id } },
          body: { type: 'object', additionalProperties: false, minProperties: 1, properties: r.properties },
        },
      },
      async (req, reply) => {
        const staff = await requireInstitutionStaff(deps, req, reply, ['institution_admin'], Number(req.params.id));
        if (!staff) return reply;
        const rowId = Number(req.params.rowId);
        // Only the institution's own rows (第十二条: each institution registers its own resources).
        const own = await deps.k.selectFrom(r.table).select('id').where('id', '=', rowId).where('institution_id', '=', staff.institutionId).executeTakeFirst();
        if (!own) return sendRefusal(req, reply, [reason('registry_row_not_found', '本机构没有这条登记信息', 'No such record at your institution', art.registry)]);
        if (name === 'doctors' && req.body.departmentId !== undefined) {
          const dept = await deps.k.selectFrom('appt_departments').select('id').where('id', '=', Number(req.body.departmentId)).where('institution_id', '=', staff.institutionId).executeTakeFirst();
          if (!dept) return sendRefusal(req, reply, [reason('department_not_found', '本机构没有这个科室', 'No such department at your institution', art.registry)]);
        }
        try {
          await inTransaction(deps.adb, (trx) => upsertRegistryRow(trx, deps.clock, actorOf(req), r.table, toColumns(req.body), rowId));
          return { id: rowId, updated: true };
        } catch (e) {
          if (isUniqueViolation(e)) return sendRefusal(req, reply, [duplicateCode]);
          throw e;
        }
      },
    );
  }

  app.get<{ Querystring: { format?: string; q?: string } }>(
    '/api/appointments/violations',
    {
      schema: {
        tags: ['appointments'],
        summary: '违约名单 / The violation list (第三十二条, 第六条 (三))',
        security: [{ bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] }, q: { type: 'string', maxLength: 40 }, lang: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      if (!requireRole(req, reply, ['platform_operator'])) return reply;
      const rows = await deps.k
        .selectFrom('appt_bans as b')
        .innerJoin('persons as p', 'p.id', 'b.person_id')
        .select(['b.id', 'p.name', 'b.listed_on', 'b.ends_on', 'b.reason'])
        .orderBy('b.listed_on', 'desc')
        .limit(1000)
        .execute();
      const list = rows.filter((r) => !req.query.q || r.name.includes(req.query.q)).map((r) => ({ id: Number(r.id), person: maskName(r.name), listedOn: r.listed_on, endsOn: r.ends_on, reason: r.reason }));
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="violations.csv"')
          .send(toCsv(['id', 'person', 'listed_on', 'ends_on', 'reason'], list.map((l) => [l.id, l.person, l.listedOn, l.endsOn, l.reason])));
      }
      return { violations: list };
    },
  );
}
