import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { mondayNine, openPagesWorld, slotAt, textOf, type PagesWorld } from './pages.test-support.ts';

/** The dates the availability table shows (its caption) and the rows' book links. */
function shown(body: string): { caption: string; rows: number; current: string | undefined; days: string[] } {
  const caption = /<caption>([^<]*)<\/caption>/.exec(body)?.[1] ?? '';
  const rows = (body.split('<tbody>')[1] ?? '').split('</tbody>')[0]!.split('<tr').length - 1;
  const current = /<a href="[^"]*\?date=([\d-]+)" aria-current="date">/.exec(body)?.[1];
  const days = [...body.matchAll(/<a href="\/appointments\/\d+\/\d+\?date=([\d-]+)"/g)].map((m) => m[1]!);
  return { caption, rows, current, days };
}

describe.each(testEngines)('department availability one day at a time on %s', (engine) => {
  let w: PagesWorld;
  let url: string;
  beforeAll(async () => {
    w = await openPagesWorld(engine, 3); // sessions Tue 3, Wed 4, Thu 5 March
    const s = await slotAt(w.k, { dept: '眼科', date: '2026-03-03', start: '09:00' });
    url = `/appointments/${s.institutionId}/${s.departmentId}`;
  });
  afterAll(async () => {
    await w.close();
  });

  it('shows the first day with free tickets by default, lists every day with its free count, and ?date= picks one (no script)', async () => {
    const res = await w.app.inject({ url });
    expect(res.statusCode).toBe(200);
    const d = shown(res.body);
    expect(d.days).toEqual(['2026-03-03', '2026-03-04', '2026-03-05']);
    expect(d.current).toBe('2026-03-03');
    expect(d.caption).toContain('2026年3月3日');
    expect(d.caption).not.toContain('3月4日');
    expect(textOf(res.body)).toMatch(/3月4日 周三 余\d+/);
    const oneDay = d.rows;
    expect(oneDay).toBeGreaterThan(0);

    const wed = await w.app.inject({ url: `${url}?date=2026-03-04` });
    const e = shown(wed.body);
    expect(e.current).toBe('2026-03-04');
    expect(e.caption).toContain('2026年3月4日');
    expect(e.rows).toBe(oneDay);
    // Every book link on Wednesday's page is a Wednesday slot.
    const slotIds = [...wed.body.matchAll(/href="\/appointments\/book\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(slotIds.length).toBeGreaterThan(0);
    const dates = await w.k.selectFrom('appt_slots').select('visit_date').distinct().where('id', 'in', slotIds).execute();
    expect(dates.map((r) => r.visit_date)).toEqual(['2026-03-04']);

    // A date outside the list (or not a date) falls back to the default day.
    for (const q of ['2026-03-20', 'nope']) expect(shown((await w.app.inject({ url: `${url}?date=${q}` })).body).current).toBe('2026-03-03');

    // 第九条: still no doctor's name on any day.
    const names = await w.k.selectFrom('appt_doctors').select('name').execute();
    for (const body of [res.body, wed.body]) for (const n of names) expect(body).not.toContain(n.name);
  });

  it('after the 15:00 cutoff starts at the next day with tickets; tomorrow is listed as closed, its tickets at the window (第十七条)', async () => {
    w.clock.set(new Date('2026-03-02T07:30:00Z')); // Monday 15:30 Beijing
    try {
      const res = await w.app.inject({ url });
      const d = shown(res.body);
      expect(d.current).toBe('2026-03-04');
      expect(textOf(res.body)).toContain('3月3日 周二 已截止');
      const tue = await w.app.inject({ url: `${url}?date=2026-03-03` });
      expect(tue.body).not.toContain('href="/appointments/book/');
      expect(textOf(tue.body)).toContain('已截止，可到医院窗口挂号');
      expect(textOf(tue.body)).not.toContain('约满');
    } finally {
      w.clock.set(mondayNine);
    }
  });

  it('English: the day list and caption in English', async () => {
    const res = await w.app.inject({ url, headers: { 'accept-language': 'en' } });
    expect(textOf(res.body)).toMatch(/Wed 4 Mar \d+ free/);
    expect(shown(res.body).caption).toContain('March 3, 2026');
  });
});
