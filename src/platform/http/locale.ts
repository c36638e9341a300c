import type { FastifyRequest } from 'fastify';

export type Locale = 'zh-CN' | 'en';

/** zh-CN unless the person chose English: ?lang=en, the lang cookie, or Accept-Language starting with en. */
export function localeOf(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.lang === 'string' ? query.lang : undefined;
  const fromCookie = request.cookies?.lang;
  const chosen = fromQuery ?? fromCookie;
  if (chosen === 'en' || chosen === 'zh-CN') return chosen;
  const accept = request.headers['accept-language'];
  if (typeof accept === 'string' && /^\s*en\b/i.test(accept)) return 'en';
  return 'zh-CN';
}

export function pick(locale: Locale, text: { zh: string; en: string }): string {
  return locale === 'en' ? text.en : text.zh;
}
