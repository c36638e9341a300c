import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { page } from '../../../platform/web/layout.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button, errorSummary, table, textInput, type FieldError } from '../../../platform/web/components.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { art } from '../rules/citations.ts';
import { doctorTitles } from '../rules/stops.ts';
import { formValues, institutionProfile, registries } from '../routes/registry-input.ts';
import { updateInstitutionProfile, upsertRegistryRow } from '../store/registries.ts';
import { isUniqueViolation } from '../../../platform/db/errors.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { ownInstitution } from './admin.ts';

type Form = Record<string, string>;
type Section = 'institution' | 'doctors' | 'resources';
const send = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').send(body);
const formOf = (body: unknown): Form => Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Form;

const labels: Record<string, { zh: string; en: string }> = {
  name: { zh: '名称', en: 'Name' },
  shortName: { zh: '简称', en: 'Short name' },
  address: { zh: '地址', en: 'Address' },
  phone: { zh: '联系电话', en: 'Phone' },
  website: { zh: '网站链接', en: 'Website' },
  directions: { zh: '到院方式', en: 'How to get there' },
  introduction: { zh: '简介', en: 'Introduction' },
  referralSharePct: { zh: '社区转诊预留比例（%）', en: 'Referral reserve (%)' },
  departmentId: { zh: '所属科室', en: 'Department' },
  staffNumber: { zh: '工号', en: 'Staff number' },
  licenceNumber: { zh: '医师资格证号', en: 'Licence number' },
  specialty: { zh: '特长', en: 'Specialty' },
  title: { zh: '专业职称', en: 'Title' },
  kind: { zh: '类别', en: 'Kind' },
  code: { zh: '编码', en: 'Code' },
  items: { zh: '检查检验明细', en: 'Items' },
  feeCents: { zh: '费用（分）', en: 'Fee (fen)' },
  indications: { zh: '适应症', en: 'Indications' },
  quantity: { zh: '数量', en: 'Quantity' },
  expertTeam: { zh: '专家团队', en: 'Expert team' },
  conditions: { zh: '手术符合条件', en: 'Conditions' },
  precautions: { zh: '注意事项', en: 'Precautions' },
};
const kinds = [
  { value: 'exam', zh: '医技检查检验', en: 'Exam or lab' },
  { value: 'day_surgery', zh: '日间手术', en: 'Day surgery' },
  { value: 'inpatient', zh: '住院资源', en: 'Inpatient' },
];

/**
 * 第十二条 for institution admins, as pages: the institution profile (一), doctors (三) and
 * bookable resources (四)–(六). Fields are checked against the API's own schema (registry-input.ts).
 */
export function registerAdminRegistryPages(app: FastifyInstance, deps: AppointmentsDeps): void {
  const render = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[], section: Section | null, values: Form) => {
    const inst = await ownInstitution(deps, req, reply);
    if (inst === undefined) return reply;
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const label = (f: string) => (en ? labels[f]?.en : labels[f]?.zh) ?? f;
    const profile = await deps.k
      .selectFrom('appt_institutions as i')
      .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
      .select(['o.name', 'o.short_name', 'o.address', 'o.phone', 'i.website', 'i.directions', 'i.introduction', 'i.referral_share_pct'])
      .where('i.id', '=', inst)
      .executeTakeFirstOrThrow();
    const depts = await deps.k.selectFrom('appt_departments').select(['id', 'name']).where('institution_id', '=', inst).orderBy('id').execute();
    const doctors = await deps.k.selectFrom('appt_doctors').select(['name', 'staff_number', 'title', 'department_id', 'specialty']).where('institution_id', '=', inst).orderBy('id').execute();
    const resources = await deps.k.selectFrom('appt_resources').selectAll().where('institution_id', '=', inst).orderBy('id').execute();
    // A refused form keeps what was typed; the other forms show what is stored.
    const current: Record<Section, Form> = {
      institution: { name: profile.name, shortName: profile.short_name, address: profile.address, phone: profile.phone, website: profile.website, directions: profile.directions, introduction: profile.introduction, referralSharePct: String(profile.referral_share_pct) },
      doctors: {},
      resources: {},
    };
    if (section) current[section] = values;
    const error = (s: Section, f: string) => (section === s ? errors.find((e) => e.field === f)?.message : undefined);
    const input = (s: Section, f: string) => textInput({ id: f, label: label(f), value: current[s][f] ?? '', error: error(s, f) });
    const select = (s: Section, f: string, options: readonly { value: string; text: string }[]): SafeHtml =>
      html`<div class="form-group"><label for="${f}">${label(f)}</label><select id="${f}" name="${f}">${options.map((o) => html`<option value="${o.value}"${current[s][f] === o.value ? ' selected' : ''}>${o.text}</option>`)}</select></div>`;
    const body = html`${errorSummary(ctx.locale, errors)}
<h2>${en ? 'Institution' : '医疗机构信息'} (${html`<a href="/law/${encodeURIComponent('西卫〔2019〕5号')}#第十二条">第十二条 (一)</a>`})</h2>
<form method="post" action="/appointments/admin/registry/institution" novalidate>
${['name', 'shortName', 'address', 'phone', 'website', 'directions', 'introduction', 'referralSharePct'].map((f) => input('institution', f))}
${button(en ? 'Save' : '保存')}
</form>
<h2>${en ? 'Doctors' : '医生'} (第十二条 (三))</h2>
${table([label('name'), label('staffNumber'), label('title'), label('departmentId'), label('specialty')], doctors.map((d) => [d.name, d.staff_number, d.title, depts.find((x) => Number(x.id) === Number(d.department_id))?.name ?? '', d.specialty]))}
<form method="post" action="/appointments/admin/registry/doctors" novalidate>
${select('doctors', 'departmentId', depts.map((d) => ({ value: String(d.id), text: d.name })))}
${['name', 'staffNumber', 'licenceNumber', 'phone'].map((f) => input('doctors', f))}
${select('doctors', 'title', doctorTitles.map((t) => ({ value: t, text: t })))}
${input('doctors', 'specialty')}
${button(en ? 'Add doctor' : '添加医生')}
</form>
<h2>${en ? 'Bookable resources' : '医技、日间手术和住院资源'} (第十二条 (四)–(六))</h2>
${table([label('kind'), label('name'), label('code'), label('feeCents'), label('quantity'), label('expertTeam')], resources.map((r) => [kinds.find((x) => x.value === r.kind)?.[en ? 'en' : 'zh'] ?? r.kind, r.name, r.code, String(r.fee_cents), String(r.quantity), r.expert_team]))}
<form method="post" action="/appointments/admin/registry/resources" novalidate>
${select('resources', 'kind', kinds.map((x) => ({ value: x.value, text: en ? x.en : x.zh })))}
${['name', 'code', 'feeCents', 'quantity', 'items', 'indications', 'expertTeam', 'introduction', 'conditions', 'precautions'].map((f) => input('resources', f))}
${button(en ? 'Add resource' : '添加资源')}
</form>`;
    return send(reply, page(ctx, { title: en ? 'Registries' : '机构注册信息', body, back: { href: '/appointments/admin', label: en ? 'Back' : '返回' } }), errors.length ? 422 : 200);
  };

  /** Field errors for a refused form: each names the field and 第十二条. */
  const refusal = (req: FastifyRequest, fields: readonly string[]): FieldError[] => {
    const en = pageContext(req, deps.clock).locale === 'en';
    return fields.map((f) => ({ field: f, message: en ? `Check “${labels[f]?.en ?? f}”` : `请检查“${labels[f]?.zh ?? f}”`, citation: art.registry }));
  };
  const duplicate = (req: FastifyRequest, field: string): FieldError[] => [
    { field, message: pageContext(req, deps.clock).locale === 'en' ? 'That code or staff number is taken' : '该编码或工号已存在', citation: art.registry },
  ];
  
  app.get('/appointments/admin/registry', { schema: { hide: true } }, async (req, reply) => render(req, reply, [], null, {}));

  app.post('/appointments/admin/registry/institution', { schema: { hide: true } }, async (req, reply) => {
    const inst = await ownInstitution(deps, req, reply);
    if (inst === undefined) return reply;
    const form = formOf(req.body);
    // Every profile field is on the form, so the required ones must not be emptied.
    const { values, invalid } = formValues({ ...institutionProfile, required: ['name', 'shortName', 'address', 'phone'], columns: { ...institutionProfile.organisationColumns, ...institutionProfile.columns } }, form);
    if (invalid.length) return render(req, reply, refusal(req, invalid), 'institution', form);
    const organisation = Object.fromEntries(Object.entries(values).filter(([c]) => Object.values(institutionProfile.organisationColumns).includes(c as never)));
    const rest = Object.fromEntries(Object.entries(values).filter(([c]) => !(c in organisation)));
    await inTransaction(deps.adb, (trx) => updateInstitutionProfile(trx, deps.clock, actorOf(req), inst, rest, organisation));
    return reply.redirect('/appointments/admin/registry', 303);
  });

  for (const section of ['doctors', 'resources'] as const) {
    app.post(`/appointments/admin/registry/${section}`, { schema: { hide: true } }, async (req, reply) => {
      const inst = await ownInstitution(deps, req, reply);
      if (inst === undefined) return reply;
      const form = formOf(req.body);
      const { values, invalid } = formValues(registries[section], form);
      if (section === 'doctors' && !invalid.includes('departmentId')) {
        const dept = await deps.k.selectFrom('appt_departments').select('id').where('id', '=', Number(values.department_id)).where('institution_id', '=', inst).executeTakeFirst();
        if (!dept) invalid.push('departmentId');
      }
      if (invalid.length) return render(req, reply, refusal(req, invalid), section, form);
      try {
        await inTransaction(deps.adb, (trx) => upsertRegistryRow(trx, deps.clock, actorOf(req), registries[section].table, { ...values, institution_id: inst }));
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        return render(req, reply, duplicate(req, section === 'doctors' ? 'staffNumber' : 'code'), section, form);
      }
      return reply.redirect('/appointments/admin/registry', 303);
    });
  }
}
