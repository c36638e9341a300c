import { describe, expect, it } from 'vitest';
import { HmacDrbg } from './hmac-drbg.ts';
import { ByteStream, fisherYates, uniformBelow, type UniformSource } from './shuffle.ts';

const scripted = (words: number[]): UniformSource => ({
  nextUint32: () => {
    const w = words.shift();
    if (w === undefined) throw new Error('script exhausted');
    return w;
  },
});

const stream = (label: string) => new ByteStream(new HmacDrbg(Buffer.from(label.padEnd(32, '.')), Buffer.alloc(16)));

describe('uniform integers by rejection sampling', () => {
  it('rejects words at or above the largest multiple of m, and reduces the rest modulo m', () => {
    const m = 3 * 2 ** 30;
    const rejections = { count: 0 };
    // 3·2^30 is the limit: 0xFFFFFFFF and 0xC0000000 are rejected, 0xBFFFFFFF is kept.
    expect(uniformBelow(scripted([0xffffffff, 0xc0000000, 0xbfffffff]), m, rejections)).toBe(0xbfffffff % m);
    expect(rejections.count).toBe(2);
    expect(uniformBelow(scripted([0xffffffff]), 2 ** 32)).toBe(0xffffffff);
    expect(uniformBelow(scripted([123456]), 1)).toBe(0);
    expect(uniformBelow(scripted([7]), 5)).toBe(2);
  });

  it('has no modulo bias: with m = 3·2^30 each third of the range is equally likely', () => {
    const m = 3 * 2 ** 30;
    const src = stream('bias');
    const thirds = [0, 0, 0];
    const N = 30000;
    for (let i = 0; i < N; i++) thirds[Math.floor(uniformBelow(src, m) / 2 ** 30)]!++;
    // Plain x % m would put about half the draws in the first third.
    for (const t of thirds) expect(Math.abs(t / N - 1 / 3)).toBeLessThan(0.015);
  });

  it('refuses m outside 1..2^32', () => {
    expect(() => uniformBelow(scripted([1]), 0)).toThrow(RangeError);
    expect(() => uniformBelow(scripted([1]), 2 ** 32 + 1)).toThrow(RangeError);
  });
});

describe('Fisher–Yates', () => {
  it('swaps a[i] with a[uniform(i+1)] from the end, as documented', () => {
    // n = 4: j = 3 % 4 = 3, then 5 % 3 = 2, then 1 % 2 = 1: identity; with 0s it rotates.
    expect([...fisherYates(4, scripted([3, 5, 1]))]).toEqual([0, 1, 2, 3]);
    expect([...fisherYates(4, scripted([0, 0, 0]))]).toEqual([1, 2, 3, 0]);
    expect([...fisherYates(1, scripted([]))]).toEqual([0]);
    expect([...fisherYates(0, scripted([]))]).toEqual([]);
  });

  it('is a permutation for every size', () => {
    for (const n of [2, 3, 10, 1000]) {
      const p = fisherYates(n, stream(`perm${n}`));
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
  });

  it('gives each of the 24 orders of 4 items equal chance (chi-square, 24,000 shuffles)', () => {
    const src = stream('uniformity');
    const counts = new Map<string, number>();
    const N = 24000;
    for (let i = 0; i < N; i++) {
      const key = [...fisherYates(4, src)].join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = N / 24;
    const chi2 = [...counts.values()].reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    // 23 degrees of freedom: the 0.1% critical value is 49.7.
    expect(chi2).toBeLessThan(49.7);
  });

  it('places every item at every position equally often (n = 10, 20,000 shuffles)', () => {
    const src = stream('positions');
    const n = 10;
    const N = 20000;
    const at = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < N; i++) fisherYates(n, src).forEach((item, pos) => at[item]![pos]!++);
    const expected = N / n;
    const chi2 = at.flat().reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    // 81 degrees of freedom: the 0.1% critical value is 124.8.
    expect(chi2).toBeLessThan(124.8);
  });
});
