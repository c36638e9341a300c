import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { button } from '../../../platform/web/components.ts';
import type { PageContext } from '../../../platform/web/layout.ts';
import { t } from '../referrals/page-kit.ts';
import type { AppointmentsDeps } from '../routes/context.ts';
import { areasOf, searchDepartments, searchKeys, symptomAreas, type SearchableDepartment } from './department-search.ts';
import { assetLinks, field } from './desk-kit.ts';

const keyCache = new Map<string, string[]>();
function keysOf(text: string): string[] {
  let k = keyCache.get(text);
  if (!k) {
    k = searchKeys(text);
    if (keyCache.size < 5000) keyCache.set(text, k);
  }
  return k;
}

export function parseArea(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,2}$/.test(v)) return undefined;
  const n = Number(v);
  return n < symptomAreas.length ? n : undefined;
}

/**
 * The department directory on /appointments: every institution's departments, with a GET search
 * (?q= in characters, pinyin or initials; ?area= a symptom area). Departments that do not match are
 * rendered with the hidden attribute, so the page is right without script and the optional live
 * filter can show them again as the query changes.
 */
export async function departmentDirectory(deps: AppointmentsDeps, ctx: PageContext, query: { q?: unknown; area?: unknown }): Promise<SafeHtml> {
  const l = ctx.locale;
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 40) : '';
  const area = parseArea(query.area);
  const insts = await deps.k
    .selectFrom('appt_institutions as i')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select(['i.id', 'o.name', 'i.level', 'o.address'])
    .orderBy('i.id')
    .execute();
  const rows = await deps.k.selectFrom('appt_departments').select(['id', 'institution_id', 'name', 'category', 'base_department']).orderBy('id').execute();
  const instName = new Map(insts.map((i) => [Number(i.id), i.name]));
  const list: SearchableDepartment[] = rows.map((d) => ({ id: Number(d.id), institutionId: Number(d.institution_id), name: d.name, institution: instName.get(Number(d.institution_id)) ?? '', category: d.category, baseDepartment: d.base_department }));
  const searching = q !== '' || area !== undefined;
  const matches = new Map(searchDepartments(list, q, area).map((m) => [m.department.id, m]));
  const keys = (d: SearchableDepartment) =>
    [...keysOf(d.name), ...keysOf(d.institution), ...keysOf(d.category), ...keysOf(d.baseDepartment), ...areasOf(d).flatMap((i) => (symptomAreas[i]?.terms ?? []).flatMap(keysOf))].join('|');
  const note = (d: SearchableDepartment) => {
    const m = matches.get(d.id);
    if (!searching || !m) return '';
    if (m.via === 'symptom') return html` <small>${t(l, `（症状：${m.symptom ?? ''}）`, ` (symptom: ${m.symptom ?? ''})`)}</small>`;
    if (m.via === 'category') return html` <small>${t(l, `（${d.category}）`, ` (${d.category})`)}</small>`;
    return '';
  };
  const shownInstitutions = new Set([...matches.values()].map((m) => m.department.institutionId));
  return html`${assetLinks('department-filter.js')}
<form method="get" action="/appointments" class="search-form" role="search">
${field({ id: 'q', label: t(l, '查找科室、医院或症状', 'Find a department, hospital or symptom'), hint: t(l, '可输入汉字、拼音或拼音首字母，例如“ek”或“erke”查找儿科。', 'Characters, pinyin or initials: “ek” or “erke” finds 儿科 (paediatrics).'), value: q, autocomplete: 'off' })}
${area !== undefined ? html`<input type="hidden" name="area" value="${String(area)}">` : ''}
${button(t(l, '查找', 'Search'))}
</form>
<nav aria-label="${t(l, '按症状部位查找', 'By symptom area')}"><p>${t(l, '按症状部位：', 'By symptom area:')}</p><ul class="area-links">${symptomAreas.map((a, i) => html`<li><a href="/appointments?area=${String(i)}${q ? `&q=${encodeURIComponent(q)}` : ''}"${area === i ? html` aria-current="true"` : ''}>${t(l, a.zh, a.en)}</a></li>`)}${searching ? html`<li><a href="/appointments">${t(l, '全部科室', 'All departments')}</a></li>` : ''}</ul></nav>
<p class="hint">${t(l, '症状部位仅供选择科室参考，不能代替医生诊断。', 'Symptom areas only help choose a department; they are not a diagnosis.')}</p>
<p id="dept-count" role="status" aria-live="polite">${searching ? (matches.size ? t(l, `共 ${matches.size} 个科室`, `${matches.size} departments`) : t(l, '没有找到相符的科室，请换个说法或查看全部科室。', 'No department matches; try other words or see all departments.')) : ''}</p>
<div id="dept-results">
${insts.map((i) => {
  const depts = list.filter((d) => d.institutionId === Number(i.id));
  const visible = !searching || shownInstitutions.has(Number(i.id));
  return html`<section data-group${visible ? '' : ' hidden'}><h2>${i.name} <span class="tag grey">${i.level}</span></h2><p><small>${i.address}</small></p><ul>${depts.map(
    (d) => html`<li data-keys="${keys(d)}"${!searching || matches.has(d.id) ? '' : ' hidden'}><a href="/appointments/${String(d.institutionId)}/${String(d.id)}">${d.name}</a>${note(d)}</li>`,
  )}</ul></section>`;
})}
</div>`;
}
