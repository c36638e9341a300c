import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { table } from '../../../platform/web/components.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { art } from '../rules/citations.ts';
import { lawLink, t } from '../referrals/page-kit.ts';
import type { AppointmentsDeps } from '../routes/context.ts';

const kindText: Record<string, { zh: string; en: string }> = {
  no_show: { zh: '预约后未就诊，也未提前取消', en: 'Missed a booking without cancelling' },
  duplicate: { zh: '重复预约', en: 'Duplicate booking' },
};

/** A resident's own violations (第三十二条), on /appointments/mine: what, when, and how listing works. */
export async function myViolationsSection(deps: AppointmentsDeps, l: Locale, personId: number): Promise<SafeHtml | ''> {
  const rows = await deps.k.selectFrom('appt_violations').select(['kind', 'occurred_on']).where('person_id', '=', personId).orderBy('occurred_on', 'desc').limit(50).execute();
  if (rows.length === 0) return '';
  return html`<h2>${t(l, '我的违约记录', 'My violations')}</h2>
<p>${t(l, '3个月内累计违约3次，或重复预约，将被列入违约名单，此后3个月内无法预约。', '3 violations within 3 months, or a duplicate booking, put you on the violation list for the next 3 months.')} ${lawLink(art.violations, t(l, '依据 西卫〔2019〕5号 第三十二条', 'Under 西卫〔2019〕5号 第三十二条'))}</p>
${table([t(l, '日期', 'Date'), t(l, '违约情形', 'What happened')], rows.map((r) => [r.occurred_on, t(l, kindText[r.kind]?.zh ?? r.kind, kindText[r.kind]?.en ?? r.kind)]), t(l, `共 ${rows.length} 次`, `${rows.length} in total`))}`;
}
