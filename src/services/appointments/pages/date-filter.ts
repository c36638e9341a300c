import type { Locale } from '../../../platform/http/locale.ts';
import { html, type SafeHtml } from '../../../platform/web/html.ts';
import { dayOfWeek, isCivilDate, type CivilDate } from '../../../platform/time/civil.ts';

/**
 * One visit day at a time: two weeks of tickets are ~180 rows on a phone. Pages take the day as
 * GET ?date=YYYY-MM-DD (or a submit button named `date` where the page is a POST form carrying a
 * patient's details), defaulting to the first day with free tickets, and list every day with its
 * free count. Plain links and buttons: no script needed.
 */
export interface DayCount {
  readonly date: string;
  readonly free: number;
  /** Booking for this day has closed (第十七条: 15:00 the day before); its tickets went to the window. */
  readonly closed?: boolean;
}

/** Free tickets per visit day, in date order. */
export function freeByDay(rows: readonly { visitDate: string; free: number }[]): DayCount[] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.visitDate, (m.get(r.visitDate) ?? 0) + r.free);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, free]) => ({ date, free }));
}

/** The requested day when it is one of `days`; otherwise the first with free tickets, else the first. */
export function chosenDay(requested: unknown, days: readonly DayCount[]): string | undefined {
  if (typeof requested === 'string' && isCivilDate(requested) && days.some((d) => d.date === requested)) return requested;
  return (days.find((d) => d.free > 0) ?? days[0])?.date;
}

const zhWeekdays = ['一', '二', '三', '四', '五', '六', '日'];
const enWeekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const enMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A short day label for the day list: 3月3日 周二 / Tue 3 Mar. */
export function shortDay(date: string, l: Locale): string {
  const wd = dayOfWeek(date as CivilDate) - 1;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return l === 'en' ? `${enWeekdays[wd] ?? ''} ${day} ${enMonths[month - 1] ?? ''}` : `${month}月${day}日 周${zhWeekdays[wd] ?? ''}`;
}

function dayText(d: DayCount, l: Locale): SafeHtml {
  const state = d.closed ? (l === 'en' ? 'closed' : '已截止') : d.free > 0 ? (l === 'en' ? `${d.free} free` : `余${d.free}`) : l === 'en' ? 'full' : '约满';
  return html`${shortDay(d.date, l)} <small>${state}</small>`;
}

/** The day list as links (GET pages). */
export function dayLinks(l: Locale, days: readonly DayCount[], chosen: string | undefined, href: (date: string) => string): SafeHtml | '' {
  if (days.length === 0) return '';
  return html`<nav aria-label="${l === 'en' ? 'Visit date' : '就诊日期'}"><ul class="area-links day-links">${days.map(
    (d) => html`<li><a href="${href(d.date)}"${d.date === chosen ? html` aria-current="date"` : ''}>${dayText(d, l)}</a></li>`,
  )}</ul></nav>`;
}

/** The day list as submit buttons named `date` (POST forms whose other fields travel hidden). */
export function dayButtons(l: Locale, days: readonly DayCount[], chosen: string | undefined): SafeHtml | '' {
  if (days.length === 0) return '';
  return html`<ul class="area-links day-links">${days.map(
    (d) => html`<li><button class="link-button" type="submit" name="date" value="${d.date}"${d.date === chosen ? html` aria-current="date"` : ''}>${dayText(d, l)}</button></li>`,
  )}</ul>`;
}
