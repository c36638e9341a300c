/**
 * An independent check of a matching, using only the market and the result: capacities are kept,
 * every placement is on the student's own list, and no blocking pair exists: no student prefers
 * a program that either has a free seat or admitted someone it ranks below that student.
 */
import { listingKeys, type Market } from './market.ts';
import type { Matching } from './deferred-acceptance.ts';

export interface BlockingPair {
  readonly student: number;
  readonly program: number;
}

export interface StabilityReport {
  readonly stable: boolean;
  readonly capacityKept: boolean;
  readonly placementsValid: boolean;
  /** Up to `limit` blocking pairs, for the report. */
  readonly blockingPairs: readonly BlockingPair[];
  readonly blockingPairCount: number;
  readonly placed: number;
}

export function checkStability(m: Market, matching: Pick<Matching, 'program' | 'listing'>, keys: Float64Array = listingKeys(m), limit = 20): StabilityReport {
  const P = m.programCount;
  const S = m.studentCount;
  const count = new Int32Array(P);
  const cutoff = new Float64Array(P).fill(-Infinity);
  let placementsValid = true;
  let placed = 0;
  for (let s = 0; s < S; s++) {
    const p = matching.program[s] as number;
    if (p < 0) {
      if ((matching.listing[s] as number) !== -1) placementsValid = false;
      continue;
    }
    const l = matching.listing[s] as number;
    if (l < (m.prefStart[s] as number) || l >= (m.prefStart[s + 1] as number) || (m.prefProgram[l] as number) !== p) {
      placementsValid = false;
      continue;
    }
    placed++;
    count[p] = (count[p] as number) + 1;
    const k = keys[l] as number;
    if (k > (cutoff[p] as number)) cutoff[p] = k;
  }
  let capacityKept = true;
  for (let p = 0; p < P; p++) if ((count[p] as number) > (m.capacity[p] as number)) capacityKept = false;

  const blockingPairs: BlockingPair[] = [];
  let blockingPairCount = 0;
  for (let s = 0; s < S; s++) {
    const start = m.prefStart[s] as number;
    const own = matching.listing[s] as number;
    const stop = own >= 0 ? own : (m.prefStart[s + 1] as number);
    for (let l = start; l < stop; l++) {
      const p = m.prefProgram[l] as number;
      const cap = m.capacity[p] as number;
      if (cap <= 0) continue;
      // A free seat, or an admitted student ranked below s: (s, p) blocks.
      if ((count[p] as number) < cap || (keys[l] as number) < (cutoff[p] as number)) {
        blockingPairCount++;
        if (blockingPairs.length < limit) blockingPairs.push({ student: s, program: p });
      }
    }
  }
  return { stable: capacityKept && placementsValid && blockingPairCount === 0, capacityKept, placementsValid, blockingPairs, blockingPairCount, placed };
}
