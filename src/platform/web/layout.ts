import type { Clock } from '../time/clock.ts';
import { formatInstant } from '../time/civil.ts';
import type { Viewer } from '../identity/sessions.ts';
import { roleLabels, type Role } from '../identity/roles.ts';
import type { Locale } from '../http/locale.ts';
import { html, type SafeHtml } from './html.ts';

export interface PageContext {
  readonly locale: Locale;
  readonly viewer: Viewer | null;
  readonly clock: Clock;
  /** Current path with query, for the language switch to come back to. */
  readonly path: string;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Breadcrumb-like back link. */
  back?: { href: string; label: string };
}

const t = (locale: Locale, zh: string, en: string): string => (locale === 'en' ? en : zh);

export interface NavItem {
  readonly href: string;
  readonly zh: string;
  readonly en: string;
  /** Shown only to these roles; all viewers (also anonymous) when absent. */
  readonly roles?: readonly Role[];
}

const serviceNav: NavItem[] = [];

/** Services add their entry points to the header; the platform does not know them. */
export function registerNavItem(item: NavItem): void {
  if (!serviceNav.some((n) => n.href === item.href)) serviceNav.push(item);
}

const roleHomes = new Map<Role, string>();

/** Where a role lands after staff sign-in when its work is one page (a kiosk device); '/' otherwise. */
export function registerRoleHome(role: Role, href: string): void {
  roleHomes.set(role, href);
}

export function roleHome(role: Role): string {
  return roleHomes.get(role) ?? '/';
}

export function page(ctx: PageContext, opts: PageOptions): string {
  const { locale, viewer } = ctx;
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  const siteName = t(locale, '西城区一网通办', 'Xicheng Yiwang');
  const nav: SafeHtml[] = [
    html`<li><a href="/">${t(locale, '首页', 'Home')}</a></li>`,
    html`<li><a href="/law">${t(locale, '政策法规', 'Law')}</a></li>`,
  ];
  for (const item of serviceNav) {
    if (!item.roles || (viewer && item.roles.includes(viewer.role))) nav.push(html`<li><a href="${item.href}">${t(locale, item.zh, item.en)}</a></li>`);
  }
  if (viewer?.role === 'resident') nav.push(html`<li><a href="/me/messages">${t(locale, '我的消息', 'My messages')}</a></li>`);
  if (viewer && (viewer.role === 'auditor' || viewer.role === 'platform_operator')) nav.push(html`<li><a href="/audit">${t(locale, '审计日志', 'Audit log')}</a></li>`);
  const account = viewer
    ? html`<form method="post" action="/sign-out" class="inline"><span class="who">${viewer.name}（${t(locale, roleLabels[viewer.role].zh, roleLabels[viewer.role].en)}）</span> <button class="link-button" type="submit">${t(locale, '退出', 'Sign out')}</button></form>`
    : html`<a href="/sign-in">${t(locale, '实名登录', 'Sign in')}</a> · <a href="/staff/sign-in">${t(locale, '工作人员登录', 'Staff sign-in')}</a>`;
  const demo = ctx.clock.simulated
    ? html`<div class="demo-banner" role="status">${t(locale, '培训演示模式：系统时间', 'Training/demo mode: system time')} ${formatInstant(ctx.clock.now(), locale)}</div>`
    : '';
  return `<!doctype html>${html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} - ${siteName}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">${t(locale, '跳到正文', 'Skip to main content')}</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/">${siteName}</a>
    <nav aria-label="${t(locale, '主导航', 'Main')}"><ul>${nav}</ul></nav>
    <div class="account">${account} · <a lang="${other}" href="/lang/${other}?back=${encodeURIComponent(ctx.path)}">${locale === 'en' ? '中文' : 'English'}</a></div>
  </div>
  ${demo}
</header>
<main id="main" class="wrap" tabindex="-1">
${opts.back ? html`<a class="back-link" href="${opts.back.href}">${opts.back.label}</a>` : ''}
<h1>${opts.title}</h1>
${opts.body}
</main>
<footer class="site-footer"><div class="wrap">${t(locale, '北京市西城区人民政府 · 依据《北京市西城区人民政府公报》2019年各期文件建设', 'Xicheng District People\'s Government · built on the 2019 Xicheng gazette')}</div></footer>
</body>
</html>`}`;
}
