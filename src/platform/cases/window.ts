/**
 * Date windows: "only on these days", as gazettes set them ("2019年5月6–14日", "5月31日前").
 * Both ends are inclusive civil dates in Beijing; a window without `from` is "on or before `to`".
 */
import { allow, reason, refuse, type Citation, type Decision, type LocalizedText, type Reason } from '../law/decision.ts';
import { formatCivilDate, type CivilDate } from '../time/civil.ts';

export interface DateWindow {
  readonly from?: CivilDate | undefined;
  readonly to: CivilDate;
  /** What is done in the window, for messages: '网上提交申请'. */
  readonly label: LocalizedText;
  readonly citation: Citation;
}

export type WindowPosition = 'before' | 'open' | 'after';

export function windowPosition(w: DateWindow, today: CivilDate): WindowPosition {
  if (w.from !== undefined && today < w.from) return 'before';
  if (today > w.to) return 'after';
  return 'open';
}

/** '2019年6月15日至6月16日' / 'June 15, 2019 to June 16, 2019' / '2019年7月12日前（含当日）'. */
export function describeWindow(w: DateWindow, locale: 'zh-CN' | 'en'): string {
  const to = formatCivilDate(w.to, locale);
  if (w.from === undefined) return locale === 'en' ? `on or before ${to}` : `${to}前（含当日）`;
  if (w.from === w.to) return to;
  const from = formatCivilDate(w.from, locale);
  if (locale === 'en') return `${from} to ${to}`;
  return w.from.slice(0, 4) === w.to.slice(0, 4) ? `${from}至${to.slice(5)}` : `${from}至${to}`;
}

export function windowReason(w: DateWindow, today: CivilDate): Reason {
  const zhToday = formatCivilDate(today, 'zh-CN');
  const enToday = formatCivilDate(today, 'en');
  return windowPosition(w, today) === 'before'
    ? reason('window_not_open', `“${w.label.zh}”的办理时间为${describeWindow(w, 'zh-CN')}，今天（${zhToday}）尚未开始`, `"${w.label.en}" runs ${describeWindow(w, 'en')}; today (${enToday}) it has not opened yet`, w.citation)
    : reason('window_closed', `“${w.label.zh}”的办理时间为${describeWindow(w, 'zh-CN')}，今天（${zhToday}）已经结束`, `"${w.label.en}" ran ${describeWindow(w, 'en')}; today (${enToday}) it is closed`, w.citation);
}

export function requireWithinWindow(w: DateWindow, today: CivilDate): Decision<undefined> {
  return windowPosition(w, today) === 'open' ? allow() : refuse(windowReason(w, today));
}
