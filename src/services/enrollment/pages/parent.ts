/** Guardian screens: application, route choices, status (with refusal reasons), non-local application. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../../platform/http/server.ts';
import { actorOf } from '../../../platform/http/auth.ts';
import { html } from '../../../platform/web/html.ts';
import { button, errorSummary, radios, summaryList, textInput, type FieldError } from '../../../platform/web/components.ts';
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import { isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import type { Reason } from '../../../platform/law/decision.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { careCategories, careCategoryInfo, type CareCategory } from '../rules/care.ts';
import { routeDefinition, routesOf } from '../rules/routes.ts';
import { departmentInfo, isDepartment } from '../rules/departments.ts';
import { dwellingIssues, type DwellingIssue, type Employment, type EmploymentKind, type Guardian, type NonLocalApplicationFacts } from '../rules/non-local-standards.ts';
import { applicationsOfGuardian, choicesOf, findApplication, setChoices, submitApplication } from '../store/applications.ts';
import { placementOf } from '../store/placements.ts';
import { numbersOf } from '../store/results.ts';
import { programsOf, listSchools } from '../store/schools.ts';
import { confirmNonLocal, nonLocalCasesOf, submitNonLocal } from '../store/non-local.ts';
import { demoZones } from '../seed.ts';
import type { EnrollmentDeps } from '../http/context.ts';
import { checkboxes, cited, field, fields, needsResident, pickText, reasonItem, select, sendPage, t, tag, yesNo } from './components.ts';
import { eligibilityKeys, middleQuestions, parsePrimary, primaryQuestions, valuesOf } from './public.ts';

const asErrors = (l: Locale, reasons: readonly Reason[], fieldOf: (code: string) => string = () => 'main'): FieldError[] => reasons.map((r) => ({ field: fieldOf(r.code), message: pickText(l, r.message), citation: r.citation }));

const caseStatusText = (l: Locale, s: string) =>
  ({ open: t(l, '办理中', 'In progress'), completed: t(l, '已确认', 'Confirmed'), refused: t(l, '审核未通过', 'Not approved'), lapsed: t(l, '逾期未确认', 'Lapsed: not confirmed in time'), withdrawn: t(l, '已撤回', 'Withdrawn') })[s] ?? s;

const stepText = (l: Locale, s: string) =>
  ({ application: t(l, '网上申请', 'Online application'), joint_review: t(l, '网上联合审核', 'Joint online review'), onsite_review: t(l, '街道现场审核', 'On-site review at the street office'), confirmation: t(l, '待确认入学', 'Awaiting your confirmation') })[s] ?? s;

export function registerParentPages(app: FastifyInstance, deps: EnrollmentDeps): void {
  const k = deps.edb.kysely;

  const applyForm = async (req: FastifyRequest, reply: FastifyReply, v: Record<string, string>, errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const stage = v.stage === 'middle' ? 'middle' : 'primary';
    const primarySchools = await listSchools(k, 'primary');
    const body = html`${errorSummary(l, errors)}
<form method="get" action="/enrollment/apply" class="search-form"><input type="hidden" name="stage" value="${stage === 'primary' ? 'middle' : 'primary'}"><button class="button secondary" type="submit">${stage === 'primary' ? t(l, '改为初中入学申请', 'Apply for middle school instead') : t(l, '改为小学入学申请', 'Apply for primary school instead')}</button></form>
<form method="post" action="/enrollment/apply" novalidate>
<input type="hidden" name="stage" value="${stage}">
<h2>${t(l, '儿童信息', 'The child')}</h2>
${textInput({ id: 'childName', label: t(l, '儿童姓名', "Child's name"), value: v.childName })}
${radios({ id: 'docType', legend: t(l, '证件类型', 'Document'), value: v.docType || 'resident_id', options: [{ value: 'resident_id', label: t(l, '居民身份证', 'Resident ID') }, { value: 'hk_macau_permit', label: t(l, '港澳居民来往内地通行证', 'Mainland travel permit (HK/Macao)') }, { value: 'passport', label: t(l, '护照', 'Passport') }] })}
${textInput({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: v.docNumber, autocomplete: 'off' })}
${select('zone', t(l, '所在学区', 'School zone'), demoZones.map((z) => ({ value: z.code, label: l === 'en' ? z.en : z.zh })), v.zone)}
${select('careCategory', t(l, '照顾类别（10号 五，须经核验）', 'Care category (10号 五, verified by staff)'), [{ value: '', label: t(l, '无', 'None') }, ...careCategories.map((c) => ({ value: c, label: pickText(l, careCategoryInfo[c].label) }))], v.careCategory)}
<h2>${t(l, '入学条件', 'Conditions')}</h2>
${stage === 'primary' ? primaryQuestions(l, v, false, errors) : html`${middleQuestions(l, v)}${select('graduatingSchoolCode', t(l, '毕业小学（对口直升）', 'Primary school (for paired progression)'), [{ value: '', label: t(l, '非西城区小学', 'Outside Xicheng') }, ...primarySchools.map((s) => ({ value: s.code, label: l === 'en' ? s.nameEn : s.nameZh }))], v.graduatingSchoolCode)}`}
${button(t(l, '提交申请', 'Submit'))}
</form>`;
    return sendPage(reply, ctx, t(l, stage === 'primary' ? '小学入学申请' : '初中入学申请', stage === 'primary' ? 'Apply for primary school' : 'Apply for middle school'), body, errors.length ? 422 : 200, { href: '/enrollment', label: t(l, '返回', 'Back') });
  };

  const applyKeys = [...eligibilityKeys, 'childName', 'docType', 'docNumber', 'zone', 'careCategory', 'graduatingSchoolCode'];

  app.get<{ Querystring: { stage?: string; lang?: string } }>('/enrollment/apply', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    return applyForm(req, reply, { stage: req.query.stage === 'middle' ? 'middle' : 'primary' }, []);
  });

  app.post('/enrollment/apply', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = valuesOf(req.body, applyKeys);
    const errors: FieldError[] = [];
    if (!v.childName) errors.push({ field: 'childName', message: t(l, '请填写儿童姓名', "Enter the child's name") });
    if (!v.docNumber) errors.push({ field: 'docNumber', message: t(l, '请填写证件号码', 'Enter the document number') });
    const stage = v.stage === 'middle' ? 'middle' : 'primary';
    const parsed = stage === 'primary' ? parsePrimary(l, v, false) : { errors: [] as FieldError[], facts: undefined };
    errors.push(...parsed.errors);
    if (errors.length) return applyForm(req, reply, v, errors);
    const care = (careCategories as readonly string[]).includes(v.careCategory ?? '') ? (v.careCategory as CareCategory) : null;
    const { birthDate, holdsNonLocalApprovalLetter: _ignored, ...declared } = parsed.facts ?? { birthDate: undefined, holdsNonLocalApprovalLetter: false };
    const d = await submitApplication(deps.edb, deps.clock, actorOf(req), {
      year: 2019,
      stage,
      child: { name: v.childName ?? '', docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '', birthDate: birthDate as CivilDate | undefined },
      primary: stage === 'primary' && parsed.facts ? (declared as Parameters<typeof submitApplication>[3]['primary']) : undefined,
      middle: stage === 'middle' ? { graduationYear: Number(v.graduationYear) || 0, primarySchoolInXicheng: v.primarySchoolInXicheng === 'yes', returnApproved: v.returnApproved === 'yes' } : undefined,
      careCategory: care,
      zone: v.zone || 'xinjiekou',
      graduatingSchoolCode: v.graduatingSchoolCode || null,
    });
    if (!d.allowed) return applyForm(req, reply, v, asErrors(l, d.reasons, (c) => (c === 'invalid_id_number' ? 'docNumber' : 'main')));
    return reply.redirect(`/enrollment/status?created=${encodeURIComponent(d.value.ref)}`, 303);
  });

  app.get<{ Querystring: { created?: string; lang?: string } }>('/enrollment/status', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const viewer = req.viewer;
    if (!viewer) return reply;
    const apps = await applicationsOfGuardian(k, viewer.id);
    const cases = await nonLocalCasesOf(k, deps.clock, viewer.id, 2019);
    const appBlocks = [];
    for (const a of apps) {
      const choices = await choicesOf(k, a.id);
      const placement = await placementOf(k, a.id);
      const numbers = await numbersOf(k, a.id);
      const byRoute = new Map<string, string[]>();
      for (const c of choices) byRoute.set(c.route, [...(byRoute.get(c.route) ?? []), l === 'en' ? c.program.schoolNameEn : c.program.schoolNameZh]);
      appBlocks.push(html`<section class="application"><h2>${a.childName}（${a.ref}）</h2>
${summaryList([
  { key: t(l, '证件', 'Document'), value: maskDocumentNumber(a.childDocNumber) },
  { key: t(l, '学段', 'Stage'), value: a.stage === 'primary' ? t(l, '小学', 'Primary') : t(l, '初中', 'Middle') },
  { key: t(l, '入学条件', 'Conditions met'), value: html`${a.eligibility.satisfiedBy.join('、')} ${cited(l, a.eligibility.conditions[0]?.reason.citation)}` },
  ...(a.careCategory ? [{ key: t(l, '照顾类别', 'Care category'), value: `${pickText(l, careCategoryInfo[a.careCategory].label)}${a.careVerified ? '' : t(l, '（待核验）', ' (not yet verified)')}` }] : []),
  ...[...byRoute].map(([route, schools]) => ({ key: pickText(l, routeDefinition(route)?.label ?? { zh: route, en: route }), value: schools.map((s, i) => `${i + 1}. ${s}`).join('  ') })),
  ...numbers.filter((n) => n.number !== null).map((n) => ({ key: t(l, '派位号', 'Lottery number'), value: html`${String(n.number)} · ${pickText(l, routeDefinition(n.route)?.label ?? { zh: n.route, en: n.route })}${n.published ? html` · <a href="/enrollment/results/${n.drawId}?ref=${a.ref}">${t(l, '查看排位', 'See ranks')}</a> · <a href="/enrollment/draws/${n.drawId}/verify">${t(l, '核验派位', 'Verify the draw')}</a>` : ''}` })),
  { key: t(l, '录取结果', 'Placement'), value: placement ? html`${tag(t(l, '已录取', 'Placed'))} ${l === 'en' ? placement.program.schoolNameEn : placement.program.schoolNameZh}（${pickText(l, routeDefinition(placement.route)?.label ?? { zh: placement.route, en: placement.route })}）` : t(l, '尚未录取', 'Not yet placed') },
])}
${!placement && numbers.some((n) => n.route === 'primary_registration' && n.number !== null) ? html`<div class="notice">${t(l, '登记学校学位不足，将在学区或相邻学区协调入学。', 'The registration school is full: a place will be coordinated within the school zone or a neighbouring one.')} ${cited(l, routeDefinition('primary_registration')?.citation)}</div>` : ''}
${placement ? '' : html`<p><a href="/enrollment/applications/${a.ref}/choices">${t(l, '填报或修改志愿', 'File or change school lists')}</a></p>`}</section>`);
    }
    const caseBlocks = cases.map((c) => {
      const refusals = c.reviews.flatMap((r) => r.reasons);
      return html`<section><h2>${t(l, '非本市户籍入学材料审核', 'Non-local review')} ${c.ref}：${c.childName}</h2>
${summaryList([
  { key: t(l, '状态', 'Status'), value: tag(caseStatusText(l, c.status), c.status !== 'completed' && c.status !== 'open') },
  { key: t(l, '当前环节', 'Current step'), value: stepText(l, c.step) },
  ...c.reviews.map((r) => ({ key: isDepartment(r.party) ? pickText(l, departmentInfo[r.party].label) : t(l, '街道办事处', 'Street office'), value: r.verdict === 'pending' ? t(l, '待审核', 'Pending') : r.verdict === 'approved' ? t(l, '通过', 'Approved') : r.verdict === 'referred' ? t(l, '转街道现场审核', 'Referred to the on-site review') : t(l, '不通过', 'Not approved') })),
  ...(c.letterNo ? [{ key: t(l, '批准书编号', 'Approval letter'), value: c.letterNo }] : []),
])}
${refusals.length ? html`<div class="notice"><h3>${t(l, '不通过原因', 'Reasons')}</h3><ul>${refusals.map((r) => reasonItem(l, r))}</ul></div>` : ''}
${c.status === 'open' && c.step === 'confirmation' ? html`<form method="post" action="/enrollment/non-local/${c.ref}/confirm">${button(t(l, '确认2019年在西城区入学', 'Confirm enrollment in Xicheng for 2019'))}</form>` : ''}</section>`;
    });
    const created = req.query.created ? html`<div class="panel" role="status">${t(l, `申请已提交，申请编号 ${req.query.created}`, `Application submitted: ${req.query.created}`)}</div>` : '';
    const body = html`${created}${appBlocks.length || caseBlocks.length ? html`${appBlocks}${caseBlocks}` : html`<p>${t(l, '您还没有入学申请。', 'You have no applications yet.')} <a href="/enrollment/apply">${t(l, '开始申请', 'Apply')}</a></p>`}`;
    return sendPage(reply, ctx, t(l, '我的入学申请', 'My applications'), body, 200, { href: '/enrollment', label: t(l, '返回', 'Back') });
  });

  const choicesForm = async (req: FastifyRequest, reply: FastifyReply, ref: string, v: Record<string, string>, picked: string[], errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const a = await findApplication(k, ref);
    if (!a || a.guardianPersonId !== req.viewer?.id) return sendPage(reply, ctx, t(l, '未找到', 'Not found'), html`<p>${t(l, '未找到该申请。', 'No such application.')}</p>`, 404);
    const options = routesOf(a.stage).filter((r) => r.mechanism !== 'plan');
    const route = routeDefinition(v.route ?? '') ?? options[0];
    if (!route) return reply;
    const programs = (await programsOf(k, a.year, route.key)).filter((p) => (!route.zoneLimited || p.zone === a.zone) && (!route.reservedBlocks || p.block === a.graduatingSchoolCode));
    const programOptions = [{ value: '', label: t(l, '（不填）', '(none)') }, ...programs.map((p) => ({ value: String(p.id), label: `${l === 'en' ? p.schoolNameEn : p.schoolNameZh}${p.block ? t(l, `（${p.block}对口名额）`, ` (block for ${p.block})`) : ''} · ${t(l, `计划${p.capacity}人`, `${p.capacity} seats`)}` }))];
    const body = html`${errorSummary(l, errors)}
<form method="get" action="/enrollment/applications/${a.ref}/choices" class="search-form">${select('route', t(l, '入学方式', 'Route'), options.map((r) => ({ value: r.key, label: pickText(l, r.label) })), route.key)}${button(t(l, '选择', 'Choose'))}</form>
<p>${pickText(l, route.label)} ${cited(l, route.citation)}。${route.maxChoices === 1 ? t(l, '只能选择一所学校。', 'One school only.') : t(l, `可按意愿顺序填报至多${route.maxChoices}所学校；派位时每名儿童只有一个派位号，在所有学校通用，如实按意愿排序对您最有利。`, `List up to ${route.maxChoices} schools in your true order of preference: one number per child is used at every school, so honesty is always best.`)}</p>
<form method="post" action="/enrollment/applications/${a.ref}/choices" novalidate>
<input type="hidden" name="route" value="${route.key}">
${Array.from({ length: Math.min(route.maxChoices, Math.max(1, programs.length)) }, (_, i) => select(`program${i + 1}`, t(l, `第${i + 1}志愿`, `Choice ${i + 1}`), programOptions, picked[i]))}
${route.usesPriorityClasses ? html`${yesNo(l, 'hukouInServiceArea', t(l, '户籍是否在该校招生服务范围内？', "Is the child's hukou in the school's service area?"), v.hukouInServiceArea)}${yesNo(l, 'propertyInServiceArea', t(l, '监护人是否在该校招生服务范围内有房产？', 'Does a guardian own the home in the service area?'), v.propertyInServiceArea)}${textInput({ id: 'yearsAtAddress', label: t(l, '在该地址居住年限（整年）', 'Whole years at the address'), value: v.yearsAtAddress, inputmode: 'numeric' })}` : ''}
${button(t(l, '保存志愿', 'Save'))}
</form>`;
    return sendPage(reply, ctx, t(l, `填报志愿：${a.childName}`, `School list: ${a.childName}`), body, errors.length ? 422 : 200, { href: '/enrollment/status', label: t(l, '我的申请', 'My applications') });
  };

  app.get<{ Params: { ref: string }; Querystring: { route?: string; lang?: string } }>('/enrollment/applications/:ref/choices', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const a = await findApplication(k, req.params.ref);
    const current = a ? (await choicesOf(k, a.id)).filter((c) => c.route === req.query.route).map((c) => String(c.program.id)) : [];
    return choicesForm(req, reply, req.params.ref, { route: req.query.route ?? '' }, current, []);
  });

  app.post<{ Params: { ref: string } }>('/enrollment/applications/:ref/choices', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = valuesOf(req.body, ['route', 'hukouInServiceArea', 'propertyInServiceArea', 'yearsAtAddress']);
    const picked = Array.from({ length: 12 }, (_, i) => field(req.body, `program${i + 1}`));
    const programIds = picked.filter((p) => /^\d+$/.test(p)).map(Number);
    const route = routeDefinition(v.route ?? '');
    const registration = route?.usesPriorityClasses
      ? { hukouInServiceArea: v.hukouInServiceArea === 'yes', propertyInServiceArea: v.propertyInServiceArea === 'yes', yearsAtAddress: Math.max(0, Math.min(30, Number(v.yearsAtAddress) || 0)) }
      : undefined;
    if (programIds.length === 0) return choicesForm(req, reply, req.params.ref, v, picked, [{ field: 'program1', message: t(l, '请至少选择一所学校', 'Choose at least one school') }]);
    const d = await setChoices(deps.edb, deps.clock, actorOf(req), req.params.ref, { route: v.route ?? '', programIds, registration });
    if (!d.allowed) return choicesForm(req, reply, req.params.ref, v, picked, asErrors(l, d.reasons, () => 'program1'));
    return reply.redirect('/enrollment/status', 303);
  });

  // The non-local application: one page with a fieldset per part (11号 三(一)–(四)).
  const nlKeys = ['childName', 'docType', 'docNumber', 'birthOnCertificate', 'birthOnHukou', 'singleParent', 'custodyDocument', 'sameHukouBook', 'marriageCertificate', 'childHkMacau', 'childPermitNumber', 'childPermitValidUntil', 'residenceKind', 'address', 'streetCode', 'certificateProvided', 'residentialUse', 'contractRegistered', 'landlordIdProvided', 'taxFrom', 'taxTo', 'livedSince', 'employerHousingProof', ...[1, 2].flatMap((g) => [`g${g}name`, `g${g}relation`, `g${g}kind`, `g${g}employer`, `g${g}inXicheng`, `g${g}docs`, `g${g}insurance`, `g${g}permit`, `g${g}permitInXicheng`, `g${g}permitAddress`, `g${g}permitValid`])];

  const nonLocalForm = async (req: FastifyRequest, reply: FastifyReply, v: Record<string, string>, issues: string[], errors: FieldError[]) => {
    const ctx = pageContext(req, deps.clock);
    const l = ctx.locale;
    const streets = await k.selectFrom('streets').select(['code', 'name_zh', 'name_en']).orderBy('code').execute();
    const guardian = (g: 1 | 2) => html`<fieldset class="form-group"><legend>${g === 1 ? t(l, '申请人（父亲或母亲）', 'Applicant (father or mother)') : t(l, '配偶（单亲家庭可不填）', 'Spouse (leave empty for a single-parent family)')}</legend>
${textInput({ id: `g${g}name`, label: t(l, '姓名', 'Name'), value: v[`g${g}name`] })}
${select(`g${g}relation`, t(l, '关系', 'Relation'), [{ value: 'father', label: t(l, '父亲', 'Father') }, { value: 'mother', label: t(l, '母亲', 'Mother') }, { value: 'other', label: t(l, '其他法定监护人', 'Other guardian') }], v[`g${g}relation`] ?? (g === 1 ? 'father' : 'mother'))}
${select(`g${g}kind`, t(l, '在京务工就业方式（三(一)）', 'Work in Beijing (三(一))'), [{ value: '', label: t(l, '无', 'None') }, { value: 'contract', label: t(l, '签订劳动合同', 'Labour contract') }, { value: 'individual_business', label: t(l, '个体工商户', 'Self-employed') }, { value: 'legal_representative', label: t(l, '法定代表人', 'Legal representative') }, { value: 'shareholder', label: t(l, '股东或合伙人', 'Shareholder or partner') }], v[`g${g}kind`])}
${textInput({ id: `g${g}employer`, label: t(l, '单位或字号', 'Employer or business'), value: v[`g${g}employer`] })}
${yesNo(l, `g${g}inXicheng`, t(l, '是否在西城区务工就业？', 'Working in Xicheng?'), v[`g${g}inXicheng`])}
${yesNo(l, `g${g}docs`, t(l, '是否具备该就业方式所需的全部证明材料（合同、营业执照、工作证明或备案文件）？', 'Are all the documents for this kind of work available (contract, licence, work certificate or filings)?'), v[`g${g}docs`])}
${yesNo(l, `g${g}insurance`, t(l, '（签订劳动合同的）2019年1–3月是否在西城区缴纳社保？', '(Contract) Social insurance paid in Xicheng January–March 2019?'), v[`g${g}insurance`])}
${textInput({ id: `g${g}permit`, label: t(l, '北京市居住证号码（三(四)）', 'Beijing residence permit number (三(四))'), value: v[`g${g}permit`] })}
${yesNo(l, `g${g}permitInXicheng`, t(l, '居住证是否在西城区街道辖区内？', 'Is the permit registered in a Xicheng street?'), v[`g${g}permitInXicheng`])}
${textInput({ id: `g${g}permitAddress`, label: t(l, '居住证地址', 'Permit address'), value: v[`g${g}permitAddress`] })}
${textInput({ id: `g${g}permitValid`, label: t(l, '居住证有效期至', 'Permit valid until'), hint: '2020-03-01', value: v[`g${g}permitValid`] })}
</fieldset>`;
    const body = html`${errorSummary(l, errors)}
<p>${t(l, '2019年5月6日至14日网上提交（西教发〔2019〕11号 二(一)）。提交时即按审核标准逐项核对，并分送人力社保、市场监管、规划自然资源、公安四个部门同时审核，每个部门只看到自己负责的材料。', 'Apply online May 6–14, 2019 (西教发〔2019〕11号 二(一)). The standards are checked as you submit; four departments then review in parallel, each seeing only its own part.')}</p>
<form method="post" action="/enrollment/non-local/apply" novalidate>
<h2>${t(l, '儿童与户口簿（三(三)）', 'Child and household register (三(三))')}</h2>
${textInput({ id: 'childName', label: t(l, '儿童姓名', "Child's name"), value: v.childName })}
${radios({ id: 'docType', legend: t(l, '证件类型', 'Document'), value: v.docType || 'resident_id', options: [{ value: 'resident_id', label: t(l, '居民身份证', 'Resident ID') }, { value: 'hk_macau_permit', label: t(l, '港澳居民来往内地通行证', 'Mainland travel permit (HK/Macao)') }] })}
${textInput({ id: 'docNumber', label: t(l, '证件号码', 'Document number'), value: v.docNumber })}
${textInput({ id: 'birthOnCertificate', label: t(l, '《出生医学证明》上的出生日期', 'Birth date on the birth certificate'), hint: '2013-02-02', value: v.birthOnCertificate })}
${textInput({ id: 'birthOnHukou', label: t(l, '户口簿上的出生日期', 'Birth date on the household register'), value: v.birthOnHukou })}
${yesNo(l, 'singleParent', t(l, '是否单亲家庭？', 'Single-parent family?'), v.singleParent)}
${yesNo(l, 'custodyDocument', t(l, '（单亲）是否有抚养方法律文书？', '(Single parent) Custody order available?'), v.custodyDocument)}
${yesNo(l, 'sameHukouBook', t(l, '父母是否在同一户口簿上？', 'Parents on one household register?'), v.sameHukouBook)}
${yesNo(l, 'marriageCertificate', t(l, '（不在同一户口簿）是否有结婚证等材料？', '(Different registers) Marriage certificate available?'), v.marriageCertificate)}
${yesNo(l, 'childHkMacau', t(l, '儿童是否持港澳身份证件？', 'Does the child hold a Hong Kong or Macao document?'), v.childHkMacau)}
${textInput({ id: 'childPermitNumber', label: t(l, '（港澳）通行证号码', '(HK/Macao) permit number'), value: v.childPermitNumber })}
${textInput({ id: 'childPermitValidUntil', label: t(l, '（港澳）通行证有效期至', '(HK/Macao) permit valid until'), value: v.childPermitValidUntil })}
<h2>${t(l, '在西城区务工就业与居住证（三(一)、三(四)）', 'Work in Xicheng and residence permits (三(一), 三(四))')}</h2>
${guardian(1)}${guardian(2)}
<h2>${t(l, '在西城区实际住所居住证明（三(二)）', 'Residence proof (三(二))')}</h2>
${radios({ id: 'residenceKind', legend: t(l, '住所类型', 'Kind of home'), value: v.residenceKind || 'rented', options: [{ value: 'owned', label: t(l, '自有住房', 'Owned') }, { value: 'rented', label: t(l, '租房', 'Rented') }, { value: 'employer_public_housing', label: t(l, '租住本单位公房', "Employer's public housing") }] })}
${textInput({ id: 'address', label: t(l, '住所地址', 'Address'), value: v.address })}
${select('streetCode', t(l, '所在街道（现场审核由该街道办事处办理）', 'Street (its office does the on-site review)'), streets.map((s) => ({ value: s.code, label: l === 'en' ? s.name_en : s.name_zh })), v.streetCode)}
${yesNo(l, 'certificateProvided', t(l, '是否有《房屋所有权证》或《不动产权证书》（租房为房主的）？', 'Property certificate available (the landlord\'s, when renting)?'), v.certificateProvided)}
${yesNo(l, 'residentialUse', t(l, '证书用途是否为住宅？', 'Is its use residential?'), v.residentialUse)}
${checkboxes('issues', t(l, '住所是否属于以下情况（均不能作为居住证明依据）', 'Does the home fall under any of these (none can support the proof)?'), dwellingIssues.map((i) => ({ value: i, label: { basement: t(l, '地下室', 'Basement'), shared_rental: t(l, '多人合租房', 'Flat shared by several tenants'), illegal_building: t(l, '非法私建房', 'Illegally built'), demolished: t(l, '已拆迁房', 'Cleared for demolition'), office_premises: t(l, '单位办公用房', 'Office premises'), non_sublettable_public_rental: t(l, '不得转租的公租房', 'Public rental that may not be sublet'), military_housing: t(l, '军产房', 'Military property') }[i] })), issues)}
${yesNo(l, 'contractRegistered', t(l, '（租房）租赁合同是否为网上可查询的规范文本？', '(Rented) Is the lease the standard text that can be looked up online?'), v.contractRegistered)}
${yesNo(l, 'landlordIdProvided', t(l, '（租房）是否有房主身份证？', "(Rented) Landlord's ID card available?"), v.landlordIdProvided)}
${textInput({ id: 'taxFrom', label: t(l, '（租房）租房完税证明起始日期', '(Rented) Rental tax paid from'), hint: '2018-03-01', value: v.taxFrom })}
${textInput({ id: 'taxTo', label: t(l, '（租房）租房完税证明截止日期', '(Rented) Rental tax paid to'), hint: '2019-04-30', value: v.taxTo })}
${textInput({ id: 'livedSince', label: t(l, '入住日期', 'Living there since'), value: v.livedSince })}
${yesNo(l, 'employerHousingProof', t(l, '（单位公房）是否有单位房管部门住房证明？', "(Employer housing) Employer's housing certificate available?"), v.employerHousingProof)}
${button(t(l, '提交审核申请', 'Submit for review'))}
</form>`;
    return sendPage(reply, ctx, t(l, '非本市户籍适龄儿童入学材料网上申请', 'Non-local children: online application'), body, errors.length ? 422 : 200, { href: '/enrollment', label: t(l, '返回', 'Back') });
  };

  app.get('/enrollment/non-local/apply', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    return nonLocalForm(req, reply, {}, [], []);
  });

  app.post('/enrollment/non-local/apply', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const l = pageContext(req, deps.clock).locale;
    const v = valuesOf(req.body, nlKeys);
    const issues = fields(req.body, 'issues').filter((i): i is DwellingIssue => (dwellingIssues as readonly string[]).includes(i));
    const errors: FieldError[] = [];
    const date = (key: string, required: boolean): CivilDate | undefined => {
      const s = v[key] ?? '';
      if (!s) {
        if (required) errors.push({ field: key, message: t(l, '请填写日期（如 2013-02-02）', 'Enter a date like 2013-02-02') });
        return undefined;
      }
      if (!isCivilDate(s)) {
        errors.push({ field: key, message: t(l, '日期格式应为 2013-02-02', 'Dates look like 2013-02-02') });
        return undefined;
      }
      return s;
    };
    if (!v.childName) errors.push({ field: 'childName', message: t(l, '请填写儿童姓名', "Enter the child's name") });
    if (!v.address) errors.push({ field: 'address', message: t(l, '请填写住所地址', 'Enter the address') });
    const birthCert = date('birthOnCertificate', true);
    const birthHukou = date('birthOnHukou', v.childHkMacau !== 'yes') ?? birthCert;
    const guardians: Guardian[] = [];
    for (const g of [1, 2]) {
      const name = v[`g${g}name`];
      if (!name) continue;
      const kind = v[`g${g}kind`] as EmploymentKind | '';
      const docs = v[`g${g}docs`] === 'yes';
      const employment: Employment | undefined = kind
        ? { kind, employer: v[`g${g}employer`] || name, inXicheng: v[`g${g}inXicheng`] === 'yes', contractProvided: docs, employerLicenceProvided: docs, workCertificateProvided: docs, businessLicenceProvided: docs, filingDocumentsProvided: docs, socialInsuranceMonthsInXicheng: v[`g${g}insurance`] === 'yes' ? ['2019-01', '2019-02', '2019-03'] : [] }
        : undefined;
      const permitValid = date(`g${g}permitValid`, Boolean(v[`g${g}permit`]));
      guardians.push({
        name,
        relation: (['father', 'mother', 'other'].includes(v[`g${g}relation`] ?? '') ? v[`g${g}relation`] : 'other') as Guardian['relation'],
        employment,
        residencePermit: v[`g${g}permit`] && permitValid ? { number: v[`g${g}permit`] ?? '', inXicheng: v[`g${g}permitInXicheng`] === 'yes', address: v[`g${g}permitAddress`] ?? '', validUntil: permitValid } : undefined,
      });
    }
    if (guardians.length === 0) errors.push({ field: 'g1name', message: t(l, '请填写申请人姓名', "Enter the applicant's name") });
    const taxFrom = date('taxFrom', false);
    const taxTo = date('taxTo', false);
    const livedSince = date('livedSince', false);
    const childPermitValidUntil = date('childPermitValidUntil', false);
    if (errors.length || !birthCert || !birthHukou) return nonLocalForm(req, reply, v, issues, errors);
    const yes = (key: string) => v[key] === 'yes';
    const kind = (['owned', 'rented', 'employer_public_housing'].includes(v.residenceKind ?? '') ? v.residenceKind : 'rented') as NonLocalApplicationFacts['residence']['kind'];
    const facts: NonLocalApplicationFacts = {
      childName: v.childName ?? '',
      guardians,
      residence: {
        kind,
        address: v.address ?? '',
        streetCode: v.streetCode ?? '',
        certificateProvided: yes('certificateProvided'),
        residentialUse: yes('residentialUse'),
        issues,
        contractRegistered: yes('contractRegistered'),
        landlordIdProvided: yes('landlordIdProvided'),
        ...(taxFrom ? { rentalTaxPaidFrom: taxFrom } : {}),
        ...(taxTo ? { rentalTaxPaidTo: taxTo } : {}),
        ...(livedSince ? { livedSince } : {}),
        employerHousingProofProvided: yes('employerHousingProof'),
      },
      household: {
        childBirthDateOnCertificate: birthCert,
        childBirthDateOnHukou: birthHukou,
        singleParent: yes('singleParent'),
        custodyDocumentProvided: yes('custodyDocument'),
        parentsOnSameHukouBook: yes('sameHukouBook'),
        marriageCertificateProvided: yes('marriageCertificate'),
        childHkMacau: yes('childHkMacau'),
        ...(v.childPermitNumber ? { childPermitNumber: v.childPermitNumber } : {}),
        ...(childPermitValidUntil ? { childPermitValidUntil } : {}),
      },
    };
    const d = await submitNonLocal(deps.edb, deps.clock, actorOf(req), { year: 2019, child: { name: v.childName ?? '', docType: v.docType || 'resident_id', docNumber: v.docNumber ?? '' }, facts });
    if (!d.allowed) return nonLocalForm(req, reply, v, issues, asErrors(l, d.reasons));
    return reply.redirect('/enrollment/status', 303);
  });

  app.post<{ Params: { ref: string } }>('/enrollment/non-local/:ref/confirm', { schema: { hide: true } }, async (req, reply) => {
    if (!needsResident(req, reply)) return reply;
    const ctx = pageContext(req, deps.clock);
    const d = await confirmNonLocal(deps.edb, deps.clock, actorOf(req), req.params.ref);
    if (!d.allowed) return sendPage(reply, ctx, t(ctx.locale, '无法确认', 'Cannot confirm'), html`${errorSummary(ctx.locale, asErrors(ctx.locale, d.reasons))}<p><a href="/enrollment/status">${t(ctx.locale, '返回我的申请', 'Back to my applications')}</a></p>`, 422);
    return reply.redirect('/enrollment/status', 303);
  });
}
