import { describe, expect, it } from 'vitest';
import { articleExists } from '../../../platform/law/index.ts';
import { parseCivilDate } from '../../../platform/time/civil.ts';
import { enrollment2019, enrollmentYear } from './parameters.ts';
import { describeWindow, requireWindow, timetableEntry, windowPosition } from './timetable.ts';

const d = parseCivilDate;

describe('附件1/附件2 timetables as data', () => {
  it('has every row of 附件1 (9) and 附件2 (13), each citing its attachment', () => {
    const primary = enrollment2019.timetable.filter((e) => e.stage === 'primary');
    const middle = enrollment2019.timetable.filter((e) => e.stage === 'middle');
    expect(primary).toHaveLength(9);
    expect(middle).toHaveLength(13);
    for (const e of primary) expect(e.citation).toEqual({ doc: '西教发〔2019〕10号', article: '附件1' });
    for (const e of middle) expect(e.citation).toEqual({ doc: '西教发〔2019〕10号', article: '附件2' });
    for (const e of enrollment2019.timetable) expect(articleExists(e.citation)).toBe(true);
  });

  it('every row is printed in the gazette as stored (时间 column and 工作内容)', async () => {
    const { findArticle } = await import('../../../platform/law/index.ts');
    for (const e of enrollment2019.timetable) {
      const text = findArticle(e.citation.doc, e.citation.article)?.text ?? '';
      if (e.stage === 'non_local') continue;
      expect(text).toContain(`${e.gazetteText}\t${e.label.zh}`);
    }
  });

  it('only 2019 is loaded; other years have no parameters', () => {
    expect(enrollmentYear(2019)).toBe(enrollment2019);
    expect(enrollmentYear(2020)).toBeUndefined();
  });
});

describe('date-window enforcement', () => {
  it('registration (小学登记入学报名) only on 6月15–16日, refused before and after with 附件1', () => {
    expect(requireWindow(enrollment2019, 'primary.registration', d('2019-06-15')).allowed).toBe(true);
    expect(requireWindow(enrollment2019, 'primary.registration', d('2019-06-16')).allowed).toBe(true);
    const early = requireWindow(enrollment2019, 'primary.registration', d('2019-06-14'));
    const late = requireWindow(enrollment2019, 'primary.registration', d('2019-06-17'));
    expect(early.allowed || late.allowed).toBe(false);
    if (!early.allowed) {
      expect(early.reasons[0]).toMatchObject({ code: 'window_not_open', citation: { doc: '西教发〔2019〕10号', article: '附件1' } });
      expect(early.reasons[0]?.message.zh).toContain('2019年6月15日至6月16日');
      expect(early.reasons[0]?.message.en).toContain('June 15, 2019 to June 16, 2019');
    }
    if (!late.allowed) expect(late.reasons[0]?.code).toBe('window_closed');
  });

  it('"X日前" rows are open up to and including the day', () => {
    const letters = timetableEntry(enrollment2019, 'primary.admission_letters');
    expect(windowPosition(letters, d('2019-01-01'))).toBe('open');
    expect(windowPosition(letters, d('2019-07-12'))).toBe('open');
    expect(windowPosition(letters, d('2019-07-13'))).toBe('after');
    expect(describeWindow(letters, 'zh-CN')).toBe('2019年7月12日前（含当日）');
  });

  it('上旬/下旬 rows carry their interpretation', () => {
    expect(timetableEntry(enrollment2019, 'middle.zone_lottery')).toMatchObject({ from: '2019-07-01', to: '2019-07-10', gazetteText: '7 月上旬' });
    expect(timetableEntry(enrollment2019, 'middle.paired_registration').interpretation?.zh).toContain('下旬');
  });

  it('non-local application only 5月6–14日 (西教发〔2019〕11号 二(一))', () => {
    expect(requireWindow(enrollment2019, 'non_local.application', d('2019-05-14')).allowed).toBe(true);
    const r = requireWindow(enrollment2019, 'non_local.application', d('2019-05-15'));
    expect(r.allowed).toBe(false);
    if (!r.allowed) expect(r.reasons[0]?.citation).toEqual({ doc: '西教发〔2019〕11号', article: '二(一)' });
  });
});
