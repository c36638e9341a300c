/**
 * Message templates are code: each has a zh-CN and an en rendering from typed params.
 * Services register theirs at start-up; the platform registers sign-in.
 */
export type Locale = 'zh-CN' | 'en';

export interface Template<P> {
  readonly name: string;
  readonly render: Record<Locale, (params: P) => string>;
}

const registry = new Map<string, Template<never>>();

export function defineTemplate<P>(name: string, render: Record<Locale, (params: P) => string>): Template<P> {
  const t: Template<P> = { name, render };
  const existing = registry.get(name);
  if (existing && existing !== (t as unknown)) {
    // Re-definition (module reloaded in tests) keeps the latest rendering.
  }
  registry.set(name, t as unknown as Template<never>);
  return t;
}

export function renderTemplate<P>(t: Template<P>, locale: string, params: P): string {
  const chosen: Locale = locale === 'en' ? 'en' : 'zh-CN';
  return t.render[chosen](params);
}

export function templateNames(): string[] {
  return [...registry.keys()].sort();
}

export const signInCodeTemplate = defineTemplate<{ code: string; minutes: number }>('identity.sign_in_code', {
  'zh-CN': (p) => `【西城一网通办】您的实名登录验证码为${p.code}，${p.minutes}分钟内有效。请勿告诉他人。`,
  en: (p) => `[Xicheng Yiwang] Your sign-in code is ${p.code}, valid for ${p.minutes} minutes. Do not share it.`,
});
