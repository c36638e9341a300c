import { describe, expect, it } from 'vitest';
import { bookingThrottle } from './anti-scalping.ts';

describe('anti-scalping throttle (西卫〔2019〕5号 第十三条)', () => {
  it('refuses a person over the per-minute limit, whatever the phone', async () => {
    const t = bookingThrottle({ perPersonPerMinute: 3, perPhonePerMinute: 100 });
    for (let i = 0; i < 3; i++) expect(await t.check('resident_id', '11010519491231002X', `1380000000${i}`)).toBeUndefined();
    const r = await t.check('resident_id', '11010519491231002x', '13800000009');
    expect(r).toMatchObject({ code: 'rate_limited', citation: { doc: '西卫〔2019〕5号', article: '第十三条' } });
  });
  it('refuses one phone booking for many people', async () => {
    const t = bookingThrottle({ perPersonPerMinute: 100, perPhonePerMinute: 2 });
    expect(await t.check('passport', 'E1', '13900000000')).toBeUndefined();
    expect(await t.check('passport', 'E2', '13900000000')).toBeUndefined();
    expect((await t.check('passport', 'E3', '13900000000'))?.code).toBe('rate_limited');
  });
});
