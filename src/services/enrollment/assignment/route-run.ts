/**
 * One admission route run on named programs and children: builds the typed market, runs deferred
 * acceptance, checks stability and reports, per child, the lottery number and the rank at every
 * school listed. runRoutesInOrder chains routes: a child placed by a route leaves the later ones.
 */
import { deferredAcceptance } from './deferred-acceptance.ts';
import { listingKeys, validateMarket, type Market } from './market.ts';
import { listingRanks } from './ranks.ts';
import { checkStability } from './stability.ts';

export interface ProgramSpec {
  readonly id: string;
  readonly capacity: number;
}

export interface Choice {
  readonly program: string;
  /** Lower is admitted first; 0 when the route has no priority classes. */
  readonly priorityClass?: number | undefined;
}

export interface ApplicantSpec {
  readonly id: string;
  /** The child's number from the route's draw. */
  readonly lottery: number;
  readonly care?: boolean | undefined;
  readonly choices: readonly Choice[];
}

export interface ListedOutcome {
  readonly program: string;
  /** 1 = the child's first choice. */
  readonly choiceRank: number;
  readonly priorityClass: number;
  /** The child's place in the program's priority order (1 = first). */
  readonly rank: number;
  readonly applicants: number;
  readonly admitted: boolean;
}

export interface ChildOutcome {
  readonly id: string;
  readonly lottery: number;
  readonly care: boolean;
  readonly placedAt: string | null;
  readonly choiceRank: number | null;
  readonly listed: readonly ListedOutcome[];
}

export interface ProgramOutcome {
  readonly id: string;
  readonly capacity: number;
  readonly applicants: number;
  readonly admitted: number;
  /** The rank of the last child admitted: the cut-off a family can compare with. */
  readonly lastAdmittedRank: number | null;
}

export interface RouteStability {
  readonly stable: boolean;
  readonly capacityKept: boolean;
  readonly blockingPairs: readonly { readonly child: string; readonly program: string }[];
  readonly blockingPairCount: number;
}

export interface RouteOutcome {
  readonly children: readonly ChildOutcome[];
  readonly programs: readonly ProgramOutcome[];
  readonly stability: RouteStability;
}

export interface BuiltMarket {
  readonly market: Market;
  readonly programIds: readonly string[];
}

export function buildMarket(programs: readonly ProgramSpec[], applicants: readonly ApplicantSpec[]): BuiltMarket {
  const index = new Map<string, number>();
  programs.forEach((p, i) => {
    if (index.has(p.id)) throw new Error(`program ${p.id} defined twice`);
    index.set(p.id, i);
  });
  const prefStart = new Int32Array(applicants.length + 1);
  let total = 0;
  applicants.forEach((a, i) => {
    total += a.choices.length;
    prefStart[i + 1] = total;
  });
  const prefProgram = new Int32Array(total);
  const prefClass = new Uint8Array(total);
  let l = 0;
  for (const a of applicants) {
    for (const c of a.choices) {
      const p = index.get(c.program);
      if (p === undefined) throw new Error(`child ${a.id} lists unknown program ${c.program}`);
      const cls = c.priorityClass ?? 0;
      if (!Number.isInteger(cls) || cls < 0 || cls > 255) throw new Error(`child ${a.id}: priority class ${cls} is not 0..255`);
      prefProgram[l] = p;
      prefClass[l] = cls;
      l++;
    }
  }
  // Only the order of the numbers matters; a dense 1..n renumbering keeps it and lets the market check uniqueness.
  const order = applicants.map((a, i) => [a.lottery, i] as const).sort((x, y) => x[0] - y[0]);
  const lottery = new Uint32Array(applicants.length);
  order.forEach(([, i], k) => {
    lottery[i] = k + 1;
  });
  for (let k = 1; k < order.length; k++) {
    if (order[k]?.[0] === order[k - 1]?.[0]) throw new Error(`lottery number ${order[k]?.[0]} given to two children`);
  }
  const market: Market = {
    studentCount: applicants.length,
    programCount: programs.length,
    capacity: Int32Array.from(programs.map((p) => p.capacity)),
    prefStart,
    prefProgram,
    prefClass,
    care: Uint8Array.from(applicants.map((a) => (a.care ? 1 : 0))),
    lottery,
  };
  const problems = validateMarket(market);
  if (problems.length) throw new Error(`invalid market: ${problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  return { market, programIds: programs.map((p) => p.id) };
}

export function runRoute(programs: readonly ProgramSpec[], applicants: readonly ApplicantSpec[]): RouteOutcome {
  const { market } = buildMarket(programs, applicants);
  const keys = listingKeys(market);
  const matching = deferredAcceptance(market);
  const stability = checkStability(market, matching, keys);
  const ranks = listingRanks(market);
  const admittedCount = new Int32Array(programs.length);
  const lastRank = new Int32Array(programs.length);
  const children: ChildOutcome[] = applicants.map((a, s) => {
    const start = market.prefStart[s] as number;
    const placedProgram = matching.program[s] as number;
    const listed = a.choices.map((c, i): ListedOutcome => {
      const l = start + i;
      const p = market.prefProgram[l] as number;
      const admitted = matching.listing[s] === l;
      const rank = ranks.rank[l] as number;
      if (admitted) {
        admittedCount[p] = (admittedCount[p] as number) + 1;
        if (rank > (lastRank[p] as number)) lastRank[p] = rank;
      }
      return { program: c.program, choiceRank: i + 1, priorityClass: c.priorityClass ?? 0, rank, applicants: ranks.applicants[p] as number, admitted };
    });
    return {
      id: a.id,
      lottery: a.lottery,
      care: a.care === true,
      placedAt: placedProgram >= 0 ? (programs[placedProgram]?.id ?? null) : null,
      choiceRank: placedProgram >= 0 ? (matching.listing[s] as number) - start + 1 : null,
      listed,
    };
  });
  return {
    children,
    programs: programs.map((p, i) => ({
      id: p.id,
      capacity: p.capacity,
      applicants: ranks.applicants[i] as number,
      admitted: admittedCount[i] as number,
      lastAdmittedRank: (admittedCount[i] as number) > 0 ? (lastRank[i] as number) : null,
    })),
    stability: {
      stable: stability.stable,
      capacityKept: stability.capacityKept,
      blockingPairCount: stability.blockingPairCount,
      blockingPairs: stability.blockingPairs.map((b) => ({ child: applicants[b.student]?.id ?? '', program: programs[b.program]?.id ?? '' })),
    },
  };
}

export interface RouteInput {
  readonly key: string;
  readonly programs: readonly ProgramSpec[];
  readonly applicants: readonly ApplicantSpec[];
}

export interface ChainedOutcome {
  readonly key: string;
  readonly outcome: RouteOutcome;
  /** Children who had applied but were already placed by an earlier route. */
  readonly left: readonly string[];
}

/** Routes in policy order; a child placed by an earlier route does not take part in later ones. */
export function runRoutesInOrder(inputs: readonly RouteInput[]): ChainedOutcome[] {
  const placed = new Set<string>();
  return inputs.map((r) => {
    const left = r.applicants.filter((a) => placed.has(a.id)).map((a) => a.id);
    const outcome = runRoute(r.programs, r.applicants.filter((a) => !placed.has(a.id)));
    for (const c of outcome.children) if (c.placedAt !== null) placed.add(c.id);
    return { key: r.key, outcome, left };
  });
}
