import { html, type SafeHtml } from '../../../platform/web/html.ts';
import type { Locale } from '../../../platform/http/locale.ts';
import { addDays, dayOfWeek, type CivilDate } from '../../../platform/time/civil.ts';
import { art } from '../rules/citations.ts';
import { ticketShares, type SlotPlan } from '../rules/schedule.ts';
import { lawLink, t } from '../referrals/page-kit.ts';

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The slots a form describes: `count` slots of the institution's length from `start`; undefined if malformed. */
export function plannedSlots(values: { start?: string | undefined; count?: string | undefined; referral?: string | undefined; appointment?: string | undefined; window?: string | undefined }, slotMinutes: number): SlotPlan[] | undefined {
  const nums = [values.count, values.referral, values.appointment, values.window].map((v) => Number(v ?? ''));
  const m = /^(\d{1,2}):(\d{2})$/.exec(values.start ?? '');
  if (!m || nums.some((n) => !Number.isInteger(n) || n < 0 || n > 200) || (nums[0] ?? 0) < 1 || (nums[0] ?? 0) > 48) return undefined;
  const first = Number(m[1]) * 60 + Number(m[2]);
  return Array.from({ length: nums[0] ?? 0 }, (_, i) => ({ start: hhmm(first + i * slotMinutes), end: hhmm(first + (i + 1) * slotMinutes), referral: nums[1] ?? 0, appointment: nums[2] ?? 0, window: nums[3] ?? 0 }));
}

/**
 * The live check beside the session form: the share of tickets in the appointment pools against
 * 第十条 (一)'s 80%, and the slot times at 第十条 (四)'s length. Rendered by the server (so it is right
 * without script and after a refused submit); schedule-editor.js recomputes it as the admin types.
 * The share is computed by the same ticketShares the publishing rule uses.
 */
export function schedulePreview(l: Locale, slotMinutes: number | null, levelLabel: string, slots: SlotPlan[] | undefined): SafeHtml {
  const shares = slots ? ticketShares(slots) : undefined;
  const ok = shares !== undefined && shares.total > 0 && shares.appointmentPools * 5 >= shares.total * 4;
  const pct = shares && shares.total > 0 ? shares.share * 100 : 0;
  return html`<div id="schedule-check" class="schedule-check" aria-live="polite">
<p>${t(l, '用于预约的号源（转诊预留＋平台预约）占比', 'Share of tickets for booking (referral + appointment)')}：<strong data-share>${shares && shares.total > 0 ? `${pct.toFixed(1)}%` : '—'}</strong>
<meter min="0" max="100" low="80" optimum="100" value="${pct.toFixed(1)}" aria-hidden="true"></meter>
<span data-share-verdict class="${ok ? 'ok' : 'bad'}">${!shares ? t(l, '请填写整数', 'Enter whole numbers') : ok ? t(l, '符合不低于80%的要求', 'meets the 80% rule') : t(l, '低于80%，不能发布', 'below 80%: cannot be published')}</span>
${lawLink(art.ticketSupply, t(l, '第十条（一）', '第十条 (一)'))}</p>
<p>${slotMinutes === null
    ? // 第十条 (四) sets a length only for 三级 and 二级综合; elsewhere it is the institution's to set.
      t(l, `分时段：本机构尚未设定时段长度，暂按每个时段60分钟（${levelLabel}）`, `Slots: this institution has not set a slot length; 60 minutes for now (${levelLabel})`)
    : html`${t(l, `分时段：每个时段${slotMinutes}分钟（${levelLabel}）`, `Slots of ${slotMinutes} minutes (${levelLabel})`)} ${lawLink(art.ticketSupply, t(l, '第十条（四）', '第十条 (四)'))}`}：<span data-slots>${slots ? slots.map((s) => `${s.start}–${s.end}`).join('、') : '—'}</span></p>
</div>`;
}

/** The week (Monday to Sunday) a date falls in, for publishing one plan on several days. */
export function weekOf(date: CivilDate): CivilDate[] {
  const monday = addDays(date, 1 - dayOfWeek(date));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}
