import { pick, type Locale } from '../../../platform/http/locale.ts';

/** A session's status as staff read it (appt_sessions.status); an unknown code shows as itself. */
const labels: Record<string, { zh: string; en: string }> = {
  published: { zh: '已发布', en: 'Published' },
  stopped: { zh: '已停诊', en: 'Stopped' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};

export function sessionStatusLabel(l: Locale, status: string): string {
  const label = Object.hasOwn(labels, status) ? labels[status] : undefined;
  return label ? pick(l, label) : status;
}
