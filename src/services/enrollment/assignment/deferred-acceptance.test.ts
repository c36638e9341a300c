import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferredAcceptance, type Matching } from './deferred-acceptance.ts';
import { listingKeys, validateMarket, type Market } from './market.ts';
import { listingRanks } from './ranks.ts';
import { checkStability } from './stability.ts';
import { runRoute, runRoutesInOrder } from './route-run.ts';

interface Spec {
  capacity: number[];
  prefs: number[][];
  classes: number[][];
  care: number[];
  lottery: number[];
}

function toMarket(s: Spec): Market {
  const prefStart = new Int32Array(s.prefs.length + 1);
  s.prefs.forEach((p, i) => (prefStart[i + 1] = (prefStart[i] as number) + p.length));
  return {
    studentCount: s.prefs.length,
    programCount: s.capacity.length,
    capacity: Int32Array.from(s.capacity),
    prefStart,
    prefProgram: Int32Array.from(s.prefs.flat()),
    prefClass: Uint8Array.from(s.classes.flat()),
    care: Uint8Array.from(s.care),
    lottery: Uint32Array.from(s.lottery),
  };
}

/** Random markets: up to 25 students, 7 programs, capacities 0–4, lists of distinct programs, classes 0–2. */
const specArb: fc.Arbitrary<Spec> = fc
  .record({ students: fc.integer({ min: 1, max: 25 }), programs: fc.integer({ min: 1, max: 7 }) })
  .chain(({ students, programs }) =>
    fc.record({
      capacity: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: programs, maxLength: programs }),
      prefs: fc.array(fc.shuffledSubarray([...Array(programs).keys()]), { minLength: students, maxLength: students }),
      care: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: students, maxLength: students }),
      lottery: fc.shuffledSubarray([...Array(students).keys()].map((i) => i + 1), { minLength: students, maxLength: students }),
      classSeed: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: students * programs, maxLength: students * programs }),
    }),
  )
  .map((r) => ({ capacity: r.capacity, prefs: r.prefs, care: r.care, lottery: r.lottery, classes: r.prefs.map((p, s) => p.map((_, i) => r.classSeed[s * 7 + i] ?? 0)) }));

/**
 * A deliberately different implementation for comparison: simultaneous rounds, plain objects,
 * each program re-sorting its holders every round (the textbook Gale–Shapley).
 */
function referenceDA(m: Market): number[] {
  const keys = listingKeys(m);
  const held: { student: number; key: number }[][] = Array.from({ length: m.programCount }, () => []);
  const nextChoice = Array.from({ length: m.studentCount }, () => 0);
  const placed = Array.from({ length: m.studentCount }, () => -1);
  for (;;) {
    const proposers = placed.map((p, s) => (p === -1 && nextChoice[s]! < m.prefStart[s + 1]! - m.prefStart[s]! ? s : -1)).filter((s) => s >= 0);
    if (proposers.length === 0) break;
    for (const s of proposers) {
      const l = m.prefStart[s]! + nextChoice[s]!;
      nextChoice[s]!++;
      held[m.prefProgram[l]!]!.push({ student: s, key: keys[l]! });
    }
    held.forEach((h, p) => {
      h.sort((a, b) => a.key - b.key);
      const rejected = h.splice(Math.max(0, m.capacity[p]!));
      for (const r of rejected) placed[r.student] = -1;
      for (const a of h) placed[a.student] = p;
    });
  }
  return placed;
}

/** Every matching of a tiny market, for brute-force comparison. */
function allMatchings(m: Market): Int32Array[] {
  const out: Int32Array[] = [];
  const cur = new Int32Array(m.studentCount).fill(-1);
  const used = new Int32Array(m.programCount);
  const go = (s: number): void => {
    if (s === m.studentCount) {
      out.push(cur.slice());
      return;
    }
    cur[s] = -1;
    go(s + 1);
    for (let l = m.prefStart[s]!; l < m.prefStart[s + 1]!; l++) {
      const p = m.prefProgram[l]!;
      if (used[p]! < m.capacity[p]!) {
        used[p]!++;
        cur[s] = p;
        go(s + 1);
        used[p]!--;
        cur[s] = -1;
      }
    }
  };
  go(0);
  return out;
}

function asMatching(m: Market, program: Int32Array): Pick<Matching, 'program' | 'listing'> {
  const listing = new Int32Array(m.studentCount).fill(-1);
  for (let s = 0; s < m.studentCount; s++) {
    for (let l = m.prefStart[s]!; l < m.prefStart[s + 1]!; l++) if (m.prefProgram[l] === program[s]) listing[s] = l;
  }
  return { program, listing };
}

/** Position of program p in s's list (lower is better); unplaced is worst. */
function choiceIndex(m: Market, s: number, p: number): number {
  if (p < 0) return Number.MAX_SAFE_INTEGER;
  for (let l = m.prefStart[s]!; l < m.prefStart[s + 1]!; l++) if (m.prefProgram[l] === p) return l - m.prefStart[s]!;
  return Number.MAX_SAFE_INTEGER;
}

describe('deferred acceptance (property-based)', () => {
  it('generates valid markets', () => {
    fc.assert(fc.property(specArb, (s) => validateMarket(toMarket(s)).length === 0), { numRuns: 200 });
  });

  it('is stable: no blocking pair, and capacity is never exceeded', () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const m = toMarket(s);
        const r = checkStability(m, deferredAcceptance(m));
        expect(r.capacityKept).toBe(true);
        expect(r.placementsValid).toBe(true);
        expect(r.blockingPairs).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with a textbook simultaneous-round implementation', () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const m = toMarket(s);
        expect([...deferredAcceptance(m).program]).toEqual(referenceDA(m));
      }),
      { numRuns: 500 },
    );
  });

  it('is the student-optimal stable matching (brute force over every matching of small markets)', () => {
    const small = specArb.filter((s) => s.prefs.length <= 5 && s.capacity.length <= 4);
    fc.assert(
      fc.property(small, (s) => {
        const m = toMarket(s);
        const da = deferredAcceptance(m).program;
        for (const other of allMatchings(m)) {
          if (!checkStability(m, asMatching(m, other)).stable) continue;
          for (let st = 0; st < m.studentCount; st++) expect(choiceIndex(m, st, da[st]!)).toBeLessThanOrEqual(choiceIndex(m, st, other[st]!));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic, and independent of the order in which students are processed', () => {
    fc.assert(
      fc.property(specArb, fc.integer(), (s, salt) => {
        const m = toMarket(s);
        const a = deferredAcceptance(m);
        expect([...deferredAcceptance(m).program]).toEqual([...a.program]);
        // Relabel students by a permutation and map the result back.
        const n = s.prefs.length;
        const perm = [...Array(n).keys()].sort((x, y) => ((x * 7919 + salt) % 101) - ((y * 7919 + salt) % 101) || x - y);
        const relabelled = toMarket({ capacity: s.capacity, prefs: perm.map((i) => s.prefs[i]!), classes: perm.map((i) => s.classes[i]!), care: perm.map((i) => s.care[i]!), lottery: perm.map((i) => s.lottery[i]!) });
        const b = deferredAcceptance(relabelled).program;
        perm.forEach((orig, k) => expect(b[k]).toBe(a.program[orig]));
      }),
      { numRuns: 300 },
    );
  });

  it('is strategy-proof: no student gains by misreporting (spot checks over every alternative list of up to 3 programs)', () => {
    const small = specArb.filter((s) => s.capacity.length <= 4 && s.prefs.length <= 12);
    fc.assert(
      fc.property(small, fc.nat(), (s, pick) => {
        const m = toMarket(s);
        const liar = pick % s.prefs.length;
        const truth = s.prefs[liar]!;
        if (truth.length === 0) return;
        const truthful = deferredAcceptance(m).program[liar]!;
        const programs = [...Array(s.capacity.length).keys()];
        const lists: number[][] = [[]];
        for (const a of programs) {
          lists.push([a]);
          for (const b of programs) if (b !== a) {
            lists.push([a, b]);
            for (const c of programs) if (c !== a && c !== b) lists.push([a, b, c]);
          }
        }
        for (const lie of lists) {
          const prefs = s.prefs.map((p, i) => (i === liar ? lie : p));
          const classes = s.classes.map((c, i) => (i === liar ? lie.map((p) => s.classes[liar]![truth.indexOf(p)] ?? 2) : c));
          const got = deferredAcceptance(toMarket({ ...s, prefs, classes })).program[liar]!;
          // Judged by the true list: the lie never lands a school the child truly prefers.
          const rankOf = (p: number) => (p < 0 || !truth.includes(p) ? Number.MAX_SAFE_INTEGER : truth.indexOf(p));
          expect(rankOf(got)).toBeGreaterThanOrEqual(rankOf(truthful));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('ranks each listing among the applicants of its program', () => {
    fc.assert(
      fc.property(specArb, (s) => {
        const m = toMarket(s);
        const keys = listingKeys(m);
        const { rank, applicants } = listingRanks(m);
        for (let l = 0; l < keys.length; l++) {
          const p = m.prefProgram[l]!;
          let better = 0;
          for (let o = 0; o < keys.length; o++) if (m.prefProgram[o] === p && keys[o]! < keys[l]!) better++;
          expect(rank[l]).toBe(better + 1);
        }
        expect([...applicants].reduce((a, b) => a + b, 0)).toBe(keys.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('priorities, care and the lottery', () => {
  it('priority class beats care, care beats the number, the number decides the rest', () => {
    const outcome = runRoute(
      [{ id: 'A', capacity: 2 }],
      [
        { id: 'low-number', lottery: 1, choices: [{ program: 'A', priorityClass: 1 }] },
        { id: 'cared', lottery: 4, care: true, choices: [{ program: 'A', priorityClass: 1 }] },
        { id: 'class0', lottery: 3, choices: [{ program: 'A', priorityClass: 0 }] },
        { id: 'high-number', lottery: 2, choices: [{ program: 'A', priorityClass: 1 }] },
      ],
    );
    const placed = outcome.children.filter((c) => c.placedAt === 'A').map((c) => c.id);
    expect(placed.sort()).toEqual(['cared', 'class0']);
    const ranks = Object.fromEntries(outcome.children.map((c) => [c.id, c.listed[0]?.rank]));
    expect(ranks).toEqual({ class0: 1, cared: 2, 'low-number': 3, 'high-number': 4 });
    expect(outcome.programs[0]).toMatchObject({ applicants: 4, admitted: 2, lastAdmittedRank: 2 });
    expect(outcome.stability.stable).toBe(true);
  });

  it('a reserved block (对口直升) is its own program: only its children compete for it', () => {
    const outcome = runRoute(
      [{ id: 'M#P1', capacity: 1 }, { id: 'M', capacity: 1 }],
      [
        { id: 'p1-child', lottery: 3, choices: [{ program: 'M#P1' }] },
        { id: 'other-a', lottery: 1, choices: [{ program: 'M' }] },
        { id: 'other-b', lottery: 2, choices: [{ program: 'M' }] },
      ],
    );
    expect(Object.fromEntries(outcome.children.map((c) => [c.id, c.placedAt]))).toEqual({ 'p1-child': 'M#P1', 'other-a': 'M', 'other-b': null });
  });

  it('routes run in order and a placed child leaves the later routes', () => {
    const [first, second] = runRoutesInOrder([
      { key: 'district_wide', programs: [{ id: 'X', capacity: 1 }], applicants: [{ id: 'a', lottery: 1, choices: [{ program: 'X' }] }, { id: 'b', lottery: 2, choices: [{ program: 'X' }] }] },
      { key: 'zone', programs: [{ id: 'Y', capacity: 5 }], applicants: [{ id: 'a', lottery: 2, choices: [{ program: 'Y' }] }, { id: 'b', lottery: 1, choices: [{ program: 'Y' }] }] },
    ]);
    expect(first?.outcome.children.find((c) => c.id === 'a')?.placedAt).toBe('X');
    expect(second?.left).toEqual(['a']);
    expect(second?.outcome.children.map((c) => [c.id, c.placedAt])).toEqual([['b', 'Y']]);
  });

  it('rejects a lottery number given twice and a program listed twice', () => {
    expect(() => runRoute([{ id: 'A', capacity: 1 }], [{ id: 'a', lottery: 1, choices: [] }, { id: 'b', lottery: 1, choices: [] }])).toThrow(/two children/);
    expect(() => runRoute([{ id: 'A', capacity: 1 }], [{ id: 'a', lottery: 1, choices: [{ program: 'A' }, { program: 'A' }] }])).toThrow(/listed twice/);
  });

  it('the stability check finds a planted blocking pair and a capacity breach', () => {
    const m = toMarket({ capacity: [1, 1], prefs: [[0, 1], [0]], classes: [[0, 0], [0]], care: [0, 0], lottery: [1, 2] });
    // Student 0 (better number) is sent to its second choice while 1 holds its first: (0, program 0) blocks.
    const r = checkStability(m, { program: Int32Array.from([1, 0]), listing: Int32Array.from([1, 2]) });
    expect(r.stable).toBe(false);
    expect(r.blockingPairs).toEqual([{ student: 0, program: 0 }]);
    const over = checkStability(m, { program: Int32Array.from([0, 0]), listing: Int32Array.from([0, 2]) });
    expect(over.capacityKept).toBe(false);
  });
});
