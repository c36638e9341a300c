import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeCheck, expectNoHorizontalOverflow, freshResident, launchBrowser, viewports } from './harness.ts';
import { validateDocument } from '../../src/platform/identity/documents.ts';
import { parseCivilDate } from '../../src/platform/time/civil.ts';

/** The harness's own checks must be able to fail, or the browser tests prove nothing. */
describe('the browser-test harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says clearly when Chromium is missing instead of skipping', async () => {
    await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(/Chromium is not installed at \/nonexistent\/chromium/);
  });

  it('axeCheck fails on serious and critical violations and names them', async () => {
    const page = await browser.newPage({ viewport: viewports.mobile });
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><h1>x</h1><input type="text"><img src="data:," ></main></body></html>');
    const failure = await axeCheck(page, 'bad page').then(() => undefined, (e: unknown) => String(e));
    expect(failure).toMatch(/\[critical\] (label|image-alt)/);
    expect(failure).toMatch(/\[serious\] html-has-lang/);
    await page.setContent('<!doctype html><html lang="zh-CN"><head><title>好</title></head><body><main><h1>好</h1><label for="a">名</label><input id="a" type="text"></main></body></html>');
    await axeCheck(page, 'good page');
    await page.close();
  });

  it('the overflow check fails on a page wider than the phone', async () => {
    const page = await browser.newPage({ viewport: viewports.mobile });
    await page.setContent('<!doctype html><html lang="en"><body><div id="wide" style="width:600px">wide</div></body></html>');
    await expect(expectNoHorizontalOverflow(page)).rejects.toThrow(/overflows horizontally at 375 px; widest: div#wide/);
    await page.setContent('<!doctype html><html lang="en"><body><div style="overflow-x:auto"><div style="width:600px">scrolls inside</div></div></body></html>');
    await expectNoHorizontalOverflow(page);
    await page.close();
  });

  it('fresh residents have valid, distinct 居民身份证 numbers', () => {
    const today = parseCivilDate('2026-03-09');
    const numbers = Array.from({ length: 60 }, (_, i) => freshResident(i + 1).docNumber);
    for (const n of numbers) expect(validateDocument('resident_id', n, today).allowed, n).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
