import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalRoster, commitmentOf, deriveSeed, LotteryInputError, rosterHash, runDraw } from './protocol.ts';
import { computeVector, vectorInputs, vectorsFile, type TestVector } from './test-vectors.ts';
import { verifyPublishedDraw, type PublishedDraw } from './published.ts';

const file = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { format: string; streamBlockBytes: number; vectors: TestVector[] };

describe('published test vectors (test-vectors.json)', () => {
  it('cover the inputs the generator lists', () => {
    expect(file.format).toBe('yiwang-lottery/v1');
    expect(file.vectors.map((v) => v.name)).toEqual(vectorInputs.map((v) => v.name));
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s: reproduced bit for bit', (_n, v) => {
    expect(computeVector(v)).toEqual(v);
  });

  it('the numbers follow from the published stream bytes by the documented Fisher–Yates', () => {
    // Independent of shuffle.ts: read the words from streamStart and shuffle by hand.
    for (const v of file.vectors) {
      const n = v.roster.length;
      const bytes = Buffer.from(v.expected.streamStart, 'hex');
      if (n < 2 || (n - 1) * 4 > bytes.length) continue;
      const a = [...Array(n).keys()];
      let w = 0;
      for (let i = n - 1; i > 0; i--) {
        const x = bytes.readUInt32BE(4 * w++);
        // For m ≤ 20 a rejection needs x ≥ 2^32 − 16: the vectors contain none.
        expect(x).toBeLessThan(2 ** 32 - (2 ** 32 % (i + 1)));
        const j = x % (i + 1);
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      const numbers = new Array<number>(n);
      a.forEach((pos, k) => (numbers[pos] = k + 1));
      expect(numbers).toEqual(v.expected.numbers);
    }
  });
});

describe('draw protocol', () => {
  const secret = 'ab'.repeat(32);
  const pub = 'cd'.repeat(32);
  const roster = canonicalRoster(['P2019-000003', 'P2019-000001', 'P2019-000002']);

  it('canonicalises the roster and refuses duplicates and odd references', () => {
    expect(roster).toEqual(['P2019-000001', 'P2019-000002', 'P2019-000003']);
    expect(() => canonicalRoster(['A', 'A'])).toThrow(LotteryInputError);
    expect(() => canonicalRoster(['张三'])).toThrow(LotteryInputError);
  });

  it('each child gets exactly one number, 1..n', () => {
    const r = runDraw(canonicalRoster(Array.from({ length: 500 }, (_, i) => `R-${i}`)), secret, pub);
    expect([...r.numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('any change of secret, public value or roster changes the seed', () => {
    const h = rosterHash(roster);
    const base = deriveSeed(secret, pub, h).toString('hex');
    expect(deriveSeed('ac'.repeat(32), pub, h).toString('hex')).not.toBe(base);
    expect(deriveSeed(secret, 'ce'.repeat(32), h).toString('hex')).not.toBe(base);
    expect(deriveSeed(secret, pub, rosterHash(roster.slice(1))).toString('hex')).not.toBe(base);
  });

  it('refuses a secret or public value of the wrong shape', () => {
    expect(() => commitmentOf('AB'.repeat(32))).toThrow(LotteryInputError);
    expect(() => deriveSeed(secret, 'abc', rosterHash(roster))).toThrow(LotteryInputError);
  });

  function published(): PublishedDraw {
    const r = runDraw(roster, secret, pub);
    return {
      format: 'yiwang-lottery/v1',
      draw: { id: 1, year: 2019, stage: 'middle', route: 'middle_district_wide_lottery', label: 'test' },
      roster,
      rosterHash: r.rosterHash,
      commitment: commitmentOf(secret),
      publicSource: { kind: 'drand', chain: 'quicknet', round: 1 },
      publicValue: pub,
      secret,
      seed: r.seed,
      numbers: [...r.numbers],
      resultHash: r.resultHash,
      assignment: {
        programs: [{ id: 'S1', capacity: 1 }, { id: 'S2', capacity: 2 }],
        children: roster.map((ref) => ({ ref, care: false, choices: [['S1', 0], ['S2', 0]] as [string, number][], placedAt: null as string | null })),
      },
    };
  }

  function withPlacements(d: PublishedDraw): PublishedDraw {
    const best = roster[d.numbers.indexOf(1)];
    return { ...d, assignment: { programs: d.assignment!.programs, children: d.assignment!.children.map((c) => ({ ...c, placedAt: c.ref === best ? 'S1' : 'S2' })) } };
  }

  it('verifies an honest draw and its placements', () => {
    const v = verifyPublishedDraw(withPlacements(published()));
    expect(v.steps.filter((s) => !s.ok)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.steps.map((s) => s.key)).toEqual(['format', 'roster_canonical', 'roster_hash', 'commitment', 'seed', 'numbers', 'result_hash', 'assignment', 'stability']);
  });

  it('catches a swapped number, a secret that does not match the commitment, and an admission outside the lottery', () => {
    const d = withPlacements(published());
    const swapped = { ...d, numbers: [d.numbers[1]!, d.numbers[0]!, d.numbers[2]!] };
    expect(verifyPublishedDraw(swapped).steps.find((s) => s.key === 'numbers')?.ok).toBe(false);
    const otherSecret = 'ee'.repeat(32);
    const r2 = runDraw(roster, otherSecret, pub);
    const resecreted = { ...d, secret: otherSecret, seed: r2.seed, numbers: [...r2.numbers], resultHash: r2.resultHash };
    const v2 = verifyPublishedDraw(resecreted);
    expect(v2.ok).toBe(false);
    expect(v2.steps.find((s) => s.key === 'commitment')?.ok).toBe(false);
    const moved = { ...d, assignment: { ...d.assignment!, children: d.assignment!.children.map((c) => ({ ...c, placedAt: c.placedAt === 'S1' ? 'S2' : c.placedAt === 'S2' && c.ref === roster[d.numbers.indexOf(3)] ? 'S1' : c.placedAt })) } };
    const v3 = verifyPublishedDraw(moved);
    expect(v3.steps.find((s) => s.key === 'assignment')?.ok).toBe(false);
  });
});
