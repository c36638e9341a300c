import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPage, demoResident, signInResident, submitAndWait, text, browserTestTimeout, useBrowserHarness } from './harness.ts';

describe('a resident and their health record in a real browser', { timeout: browserTestTimeout }, () => {
  const h = useBrowserHarness();

  it('shows the own record and who accessed it, and downloads a copy that is then logged (西卫〔2019〕4号 第十五条)', async () => {
    const page = await h.page('mobile');
    const me = await demoResident(h.server, 3); // seeded: encounters, diagnosis, prescription, lab result
    await signInResident(page, me);

    await page.goto('/health-records');
    expect(await text(page, 'h1')).toBe('我的健康档案');
    expect(await text(page.locator('main .summary-list'))).toContain(me.name);
    const main = await text(page, 'main');
    expect(main).toContain('诊断');
    expect(main).toContain('北京大学人民医院');
    await checkPage(page, 'health-record-own');

    await submitAndWait(page, page.getByRole('link', { name: '谁在何时访问了我的档案' }));
    expect(await text(page, 'h1')).toBe('我的档案访问记录');
    const history = page.locator('main tbody tr');
    // The upload that created the record, and this resident's own reading of it just now.
    expect(await text(page, 'main')).toContain('建立档案记录');
    expect(await text(history.first())).toContain('查阅');
    expect(await text(history.first())).toContain(me.name);
    const before = await history.count();
    await checkPage(page, 'health-record-access');

    await page.goto('/health-records');
    await submitAndWait(page, page.getByRole('link', { name: '下载副本' }));
    expect(await text(page, 'h1')).toBe('下载我的档案副本');
    await checkPage(page, 'health-record-download');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /FHIR R4 JSON/ }).click()]);
    expect(json.suggestedFilename()).toBe('health-record.fhir.json');
    const bundle = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toContain('Condition');
    const pdfLink = page.getByRole('link', { name: /PDF/ });
    expect(await pdfLink.count(), 'the PDF copy needs a CJK font on the machine (fonts-wqy-microhei)').toBe(1);
    const [pdf] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    expect(pdf.suggestedFilename()).toBe('health-record.pdf');
    expect(readFileSync((await pdf.path()) ?? '').subarray(0, 5).toString()).toBe('%PDF-');

    // Each download is in the access history.
    await page.goto('/health-records/access');
    expect(await history.count()).toBeGreaterThanOrEqual(before + 2);
    expect(await text(history.first())).toContain('下载副本');
    await page.locator('#q').fill(me.name);
    await submitAndWait(page, page.getByRole('button', { name: '检索' }));
    for (const r of await history.all()) expect(await text(r)).toContain(me.name);
    await checkPage(page, 'health-record-access-after-download', { otherWidth: false });
  });
});
