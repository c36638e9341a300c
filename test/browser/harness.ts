/**
 * Browser-test harness: the REAL server (createApp + app.listen on 127.0.0.1, a random port) on a
 * temporary, migrated and demo-seeded SQLite database, driven by Debian's Chromium through
 * playwright-core. Never `npx playwright install`: CI installs the `chromium` package and the tests
 * fail with a clear message when /usr/bin/chromium is missing (CHROMIUM_PATH overrides the path).
 *
 * Usage, one browser and one server per test file, a fresh browser context per test:
 *
 *   const h = useBrowserHarness({ now: '2026-03-09T09:00:00+08:00' }); // registers beforeAll/afterAll/afterEach
 *   it('books', async () => {
 *     const page = await h.page('mobile');              // 375×800; 'desktop' is 1280×800; { locale: 'en' }
 *     await signInResident(page, freshResident(1));      // or demoResident(h.server, 3) (seeded, has a record)
 *     await signInStaff(page, 'doctor.yt');              // demo password Yiwang-2019
 *     await page.goto('/appointments');                  // baseURL is the server
 *     await submitAndWait(page, page.getByRole('button', { name: '确认预约' }));
 *     await checkPage(page, 'booking-mine');             // axe, 375 px overflow, 1280 px layout rules, screenshot
 *     h.server.clock.set(new Date('2026-03-09T15:30:00+08:00')); // move the server's clock
 *   });
 *
 * API:
 * - describe('…', { timeout: browserTestTimeout }, () => { … }): whole flows take longer than unit tests.
 * - useBrowserHarness({ now? }) → { server, browser, page(viewport?, {locale?}) }: server and browser
 *   are getters valid inside tests; after each test the contexts are closed, the clock is set back to
 *   `now`, and the test fails if the server answered any page or asset with a 5xx. Moving the clock
 *   to another day expires sessions (as in real life): sign in again after a big jump.
 *   Tests in one file share the database: use a different freshResident(n) per test.
 * - startServer({ now? }) / launchBrowser() / newPage(browser, server, viewport, {locale?}) for custom setups.
 * - TestServer: url, clock (ManualClock), db (platform tables via db.kysely), appointments (Kysely typed
 *   with the appointment tables), app, deliverSms() (runs the outbox
 *   worker once, like `serve`'s delivery loop), close().
 * - demoResident(server, personId) (seeded person; ids 1–40 have health records, 1–15 a family-doctor
 *   contract with doctor.yt), freshResident(n) (a new valid 居民身份证 person, not in the seed).
 * - signInResident(page, resident), signInStaff(page, username), signOut(page).
 * - submitAndWait(page, locator): clicks and waits for the resulting navigation (POST → 303 → GET too).
 * - text(page, selector = 'main') / text(locator): visible text, whitespace collapsed (vitest's expect
 *   has no Playwright locator matchers: write expect(await text(page, 'h1')).toBe('…')).
 * - axeCheck(page, label?): fails on any serious or critical axe-core violation, listed readably.
 * - expectNoHorizontalOverflow(page): scrollWidth ≤ innerWidth (use at 375 px).
 * - screenshot(page, name) → test-results/<name>.png (full page).
 * - checkPage(page, name, { otherWidth? = true, screenshots? = 'own' }): the usual per-page check: full
 *   axe at the page's own width, the layout-dependent axe rules (layoutRules) and the overflow check at
 *   the other width (375 or 1280), no horizontal overflow at 375 px, full-page screenshot
 *   test-results/<name>.png. otherWidth: false checks only the own width: for another state (an error,
 *   a later step) of a page type already checked at both widths, to keep the suite fast.
 * - YIWANG_BROWSER_TRACE=1 prints the time of each navigation, axe run and screenshot.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApp, migrate } from '../../src/app.ts';
import { openSqlite, type Db } from '../../src/platform/db/connect.ts';
import type { PlatformTables } from '../../src/platform/db/schema.ts';
import { manualClock, type ManualClock } from '../../src/platform/time/clock.ts';
import { deliverDueMessages } from '../../src/platform/notify/worker.ts';
import type { SmsAdapter } from '../../src/platform/notify/sms-adapter.ts';
import { seedDemo } from '../../src/seed/index.ts';
import type { AppointmentDb } from '../../src/services/appointments/schema.ts';
import { demoPassword, syntheticResidentId } from '../../src/seed/demo.ts';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Per-test timeout for browser tests (a whole flow with axe on each page; the machine may be busy). */
export const browserTestTimeout = 180_000;

/** Monday 2026-03-09 09:00 in Beijing: a working day, with sessions published for the next two weeks. */
export const defaultNow = '2026-03-09T09:00:00+08:00';

export const viewports = { mobile: { width: 375, height: 800 }, desktop: { width: 1280, height: 800 } } as const;
export type ViewportName = keyof typeof viewports;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = path.join(repoRoot, 'test-results');

// ---- server ---------------------------------------------------------------------------------

export interface TestServer {
  readonly url: string;
  readonly clock: ManualClock;
  readonly db: Db<PlatformTables>;
  /** The same database typed with the appointment tables, for checking what a flow wrote. */
  readonly appointments: Kysely<AppointmentDb>;
  readonly app: FastifyInstance;
  /** One pass of the SMS outbox worker (the log adapter records deliveries; nothing leaves the machine). */
  deliverSms(): Promise<number>;
  close(): Promise<void>;
}

export async function startServer(o: { now?: string } = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-browser-'));
  const clock = manualClock(new Date(o.now ?? defaultNow));
  const db = openSqlite<PlatformTables>(path.join(dir, 'yiwang.sqlite'));
  try {
    await migrate(db);
    await seedDemo(db, clock);
    const { app, deps } = await createApp({ db, clock, server: { rateLimitPerMinute: 1_000_000 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address !== 'object') throw new Error('the server did not report a port');
    const sms: SmsAdapter = deps.sms;
    return {
      url: `http://127.0.0.1:${address.port}`,
      clock,
      db,
      appointments: db.kysely as unknown as Kysely<AppointmentDb>,
      app,
      async deliverSms() {
        return (await deliverDueMessages(db, clock, sms, { workerId: 'browser-test' })).sent;
      },
      async close() {
        await app.close();
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// ---- browser --------------------------------------------------------------------------------

export async function launchBrowser(executablePath = chromiumPath): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not installed at ${executablePath}. The browser tests drive Debian's Chromium: apt-get install chromium (or set CHROMIUM_PATH). Do not run "npx playwright install".`);
  }
  return chromium.launch({ executablePath, args: chromiumArgs });
}

const serverErrors = new WeakMap<BrowserContext, string[]>();

export async function newPage(browser: Browser, server: TestServer, viewport: ViewportName = 'mobile', o: { locale?: 'zh-CN' | 'en' } = {}): Promise<Page> {
  // bypassCSP: the site's CSP (script-src 'self') would block injecting axe-core; the pages themselves use no script.
  const context = await browser.newContext({ baseURL: server.url, viewport: viewports[viewport], bypassCSP: true, locale: o.locale ?? 'zh-CN' });
  const errors: string[] = [];
  serverErrors.set(context, errors);
  context.on('response', (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  context.setDefaultTimeout(15_000);
  if (o.locale === 'en') await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
  return context.newPage();
}

export interface BrowserHarness {
  readonly server: TestServer;
  readonly browser: Browser;
  page(viewport?: ViewportName, o?: { locale?: 'zh-CN' | 'en' }): Promise<Page>;
}

/** One server and one browser for the file, a fresh context per page; registers the vitest hooks. */
export function useBrowserHarness(o: { now?: string } = {}): BrowserHarness {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const open: Page[] = [];
  beforeAll(async () => {
    // Both at once; keep whichever started so that afterAll stops it even when the other failed.
    const [s, b] = await Promise.allSettled([startServer(o), launchBrowser()]);
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (b.status === 'rejected') throw b.reason;
    if (s.status === 'rejected') throw s.reason;
  }, 120_000);
  afterEach(async () => {
    const pages = open.splice(0);
    const errors = pages.flatMap((p) => serverErrors.get(p.context()) ?? []);
    await Promise.all(pages.map((p) => p.context().close()));
    if (server) server.clock.set(new Date(o.now ?? defaultNow));
    expect(errors, 'server errors (5xx) seen by the browser').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);
  return {
    get server() {
      if (!server) throw new Error('the test server is not started (use h.server inside a test)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (use h.browser inside a test)');
      return browser;
    },
    async page(viewport = 'mobile', po = {}) {
      const p = await newPage(this.browser, this.server, viewport, po);
      open.push(p);
      return p;
    },
  };
}

// ---- people and sign-in ---------------------------------------------------------------------

export interface Resident {
  readonly personId?: number;
  readonly docType: 'resident_id';
  readonly docNumber: string;
  readonly name: string;
  readonly phone: string;
}

/** A seeded person by id (1–40 have a health record; 1–15 a family-doctor contract with doctor.yt). */
export async function demoResident(server: TestServer, personId: number): Promise<Resident> {
  const r = await server.db.kysely.selectFrom('persons').select(['id', 'doc_type', 'doc_number', 'name', 'phone']).where('id', '=', personId).executeTakeFirstOrThrow();
  if (r.doc_type !== 'resident_id') throw new Error(`person ${personId} has no 居民身份证`);
  return { personId: Number(r.id), docType: 'resident_id', docNumber: r.doc_number, name: r.name, phone: r.phone };
}

/** A person not in the seed (serial 1–999), with a valid 居民身份证 number: no bookings, no record. */
export function freshResident(serial: number): Resident {
  const birth = `19${String(60 + (serial % 40)).padStart(2, '0')}-0${1 + (serial % 9)}-1${serial % 10}`;
  const docNumber = syntheticResidentId(birth, 500 + serial, serial % 2 === 0);
  return { docType: 'resident_id', docNumber, name: `测试${'甲乙丙丁戊己庚辛壬癸'[serial % 10] ?? '甲'}${serial}`, phone: `139${String(10_000_000 + serial * 7_919).slice(-8)}` };
}

/** Clicks and waits for the navigation it starts (a POST's 303 and the following GET included). */
export async function submitAndWait(page: Page, target: Locator): Promise<void> {
  const t0 = performance.now();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  trace(`navigate → ${new URL(page.url()).pathname}`, t0);
}

/** YIWANG_BROWSER_TRACE=1 prints how long each navigation and check took. */
function trace(what: string, t0: number): void {
  if (process.env.YIWANG_BROWSER_TRACE) console.log(`[browser] ${what}: ${Math.round(performance.now() - t0)} ms`);
}

/** Real-name sign-in through /sign-in and the code page (demo mode shows the texted code). */
export async function signInResident(page: Page, r: Resident): Promise<void> {
  await page.goto('/sign-in');
  await page.locator(`input[name="docType"][value="${r.docType}"]`).check();
  await page.locator('#docNumber').fill(r.docNumber);
  await page.locator('#name').fill(r.name);
  await page.locator('#phone').fill(r.phone);
  await submitAndWait(page, page.locator('main form button[type="submit"]'));
  expect(new URL(page.url()).pathname, await problems(page)).toBe('/sign-in/code');
  const code = (await page.locator('.notice strong').textContent())?.trim() ?? '';
  expect(code).toMatch(/^\d{6}$/);
  await page.locator('#code').fill(code);
  await submitAndWait(page, page.locator('main form button[type="submit"]'));
  expect(new URL(page.url()).pathname, await problems(page)).toBe('/me/messages');
}

/** Staff sign-in at /staff/sign-in with the demo password; lands on the home page. */
export async function signInStaff(page: Page, username: string, password = demoPassword): Promise<void> {
  await page.goto('/staff/sign-in');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await submitAndWait(page, page.locator('main form button[type="submit"]'));
  // Staff land on '/' except roles with one screen (a kiosk opens on the kiosk page).
  expect(new URL(page.url()).pathname, await problems(page)).not.toBe('/staff/sign-in');
}

/** The visible text of the first match, whitespace collapsed (vitest's expect has no locator matchers). */
export async function text(target: Locator | Page, selector?: string): Promise<string> {
  const loc = 'goto' in target ? target.locator(selector ?? 'main') : selector ? target.locator(selector) : target;
  return (await loc.first().innerText()).replace(/\s+/g, ' ').trim();
}

export async function signOut(page: Page): Promise<void> {
  await submitAndWait(page, page.locator('form[action="/sign-out"] button'));
}

/** The error summary's text, for assertion messages. */
async function problems(page: Page): Promise<string> {
  const summary = page.locator('.error-summary');
  return (await summary.count()) ? `error summary: ${(await summary.innerText()).replace(/\s+/g, ' ')}` : `at ${page.url()}`;
}

// ---- checks ---------------------------------------------------------------------------------

const axePath = createRequire(import.meta.url).resolve('axe-core');

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
  html: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** The rules whose outcome can change with the viewport width; the rest only read the DOM. */
export const layoutRules = ['color-contrast', 'scrollable-region-focusable', 'target-size', 'meta-viewport', 'link-in-text-block'];

/**
 * Runs axe-core on the page and fails on any serious or critical violation, listed readably.
 * o.rules limits the run to those rule ids (checkPage's second width runs only layoutRules).
 */
export async function axeCheck(page: Page, label = page.url(), o: { rules?: readonly string[] } = {}): Promise<void> {
  const t0 = performance.now();
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const options = { resultTypes: ['violations'], ...(o.rules ? { runOnly: { type: 'rule', values: [...o.rules] } } : {}) };
  const violations = await page.evaluate(async (opts) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, opts)).violations;
  }, options) as AxeViolation[];
  trace(`axe ${label}`, t0);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad
    .map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.slice(0, 5).map((n) => `    at ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}\n      ${n.html.slice(0, 200)}`).join('\n')}${v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : ''}`)
    .join('\n');
  expect(bad.length, `axe-core found serious/critical violations on ${label}:\n${text}`).toBe(0);
}

/** At a phone width nothing may stick out sideways: the document must not scroll horizontally. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const m = await page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      // What sticks out of a scrolling table wrapper is fine, unless it escapes it (absolute positioning).
      .filter((e) => !e.closest('.table-wrap') || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} (right ${Math.round(e.getBoundingClientRect().right)})`);
    return { scrollWidth: el.scrollWidth, innerWidth: window.innerWidth, wide };
  });
  expect(m.scrollWidth, `${page.url()} overflows horizontally at ${m.innerWidth} px; widest: ${m.wide.join(', ')}`).toBeLessThanOrEqual(m.innerWidth);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const t0 = performance.now();
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  trace(`screenshot ${name}`, t0);
  return file;
}

/**
 * The usual check of a page at both widths: the full axe run at the page's own width, the
 * layout-dependent axe rules at the other (otherWidth: false skips it, for another state of a page
 * type already checked), no horizontal overflow at 375 px, and a full-page screenshot <name>.png at
 * the page's own width (screenshots: 'both' adds <name>-375.png or <name>-1280.png). The page is
 * left at its own width.
 */
export async function checkPage(page: Page, name: string, o: { otherWidth?: boolean; /** Older name of otherWidth. */ desktop?: boolean; screenshots?: 'own' | 'both' } = {}): Promise<void> {
  const own = page.viewportSize() ?? viewports.mobile;
  const mobileFirst = own.width <= viewports.mobile.width;
  const other = mobileFirst ? viewports.desktop : viewports.mobile;
  await axeCheck(page, `${name} at ${own.width} px (${page.url()})`);
  if (mobileFirst) await expectNoHorizontalOverflow(page);
  if ((o.otherWidth ?? o.desktop) !== false) {
    await page.setViewportSize(other);
    await axeCheck(page, `${name} at ${other.width} px (${page.url()})`, { rules: layoutRules });
    if (!mobileFirst) await expectNoHorizontalOverflow(page);
    if (o.screenshots === 'both') await screenshot(page, `${name}-${other.width}`);
    await page.setViewportSize(own);
  }
  await screenshot(page, name);
}
