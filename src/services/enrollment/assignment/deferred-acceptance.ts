/**
 * Student-proposing deferred acceptance (Gale–Shapley) with capacities, in the sequential
 * McVitie–Wilson form: students propose one at a time and a rejected student proposes again at
 * once. The result is the student-optimal stable matching whatever the order, which is why it is
 * strategy-proof for families: listing schools in true order of preference is always best.
 *
 * Performance (bench/lottery.ts): each program keeps its tentatively admitted students in a
 * max-heap on priority key (worst on top), students and keys side by side in one shared typed
 * array each, so comparisons stay inside the program's own block of memory. Keys are computed
 * inline from the class, care bit and number (the same formula as listingKeys) instead of being
 * read from a per-listing array: at a million children that array alone is 96 MB of cache misses.
 * The heap holds students, not listings: a placed student's listing is always next[s] − 1,
 * because a student stops proposing once held.
 */
import type { Market } from './market.ts';

export interface Matching {
  /** Program of each student, -1 when unplaced. */
  readonly program: Int32Array;
  /** The listing through which each student is placed (its rank is listing − prefStart[s]), -1 when unplaced. */
  readonly listing: Int32Array;
  /** Total proposals made, a measure of work. */
  readonly proposals: number;
}

export function deferredAcceptance(m: Market): Matching {
  const S = m.studentCount;
  const P = m.programCount;
  const { capacity, prefStart, prefProgram, lottery } = m;
  const cls = m.prefClass ?? new Uint8Array(prefProgram.length);
  const care = m.care ?? new Uint8Array(S);
  let maxLottery = 0;
  for (let s = 0; s < S; s++) if ((lottery[s] as number) > maxLottery) maxLottery = lottery[s] as number;
  const M = maxLottery + 1;

  const next = new Int32Array(S);
  for (let s = 0; s < S; s++) next[s] = prefStart[s] as number;
  const offset = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) offset[p + 1] = (offset[p] as number) + Math.max(0, capacity[p] as number);
  const heapStudent = new Int32Array(offset[P] as number);
  const heapKey = new Float64Array(offset[P] as number);
  const size = new Int32Array(P);
  let proposals = 0;

  for (let first = 0; first < S; first++) {
    let s = first;
    while (s >= 0) {
      const end = prefStart[s + 1] as number;
      const careBit = care[s] === 1 ? 0 : 1;
      const lot = lottery[s] as number;
      let l = next[s] as number;
      let evicted = -1;
      for (; l < end; l++) {
        const p = prefProgram[l] as number;
        const cap = capacity[p] as number;
        if (cap <= 0) continue;
        proposals++;
        const base = offset[p] as number;
        const n = size[p] as number;
        const k = ((cls[l] as number) * 2 + careBit) * M + lot;
        if (n < cap) {
          // Sift up: parents hold larger (worse) keys.
          let i = n;
          while (i > 0) {
            const parent = (i - 1) >> 1;
            const pk = heapKey[base + parent] as number;
            if (pk >= k) break;
            heapStudent[base + i] = heapStudent[base + parent] as number;
            heapKey[base + i] = pk;
            i = parent;
          }
          heapStudent[base + i] = s;
          heapKey[base + i] = k;
          size[p] = n + 1;
          break;
        }
        if (k < (heapKey[base] as number)) {
          evicted = heapStudent[base] as number;
          // Replace the top and sift down.
          let i = 0;
          for (;;) {
            const left = 2 * i + 1;
            if (left >= n) break;
            let child = left;
            let ck = heapKey[base + left] as number;
            const right = left + 1;
            if (right < n) {
              const rk = heapKey[base + right] as number;
              if (rk > ck) {
                child = right;
                ck = rk;
              }
            }
            if (ck <= k) break;
            heapStudent[base + i] = heapStudent[base + child] as number;
            heapKey[base + i] = ck;
            i = child;
          }
          heapStudent[base + i] = s;
          heapKey[base + i] = k;
          break;
        }
      }
      // l is the listing that was accepted, or end when the list ran out.
      next[s] = l < end ? l + 1 : end;
      s = evicted;
    }
  }

  const program = new Int32Array(S).fill(-1);
  const listing = new Int32Array(S).fill(-1);
  for (let p = 0; p < P; p++) {
    const base = offset[p] as number;
    const n = size[p] as number;
    for (let i = 0; i < n; i++) {
      const s = heapStudent[base + i] as number;
      program[s] = p;
      listing[s] = (next[s] as number) - 1;
    }
  }
  return { program, listing, proposals };
}
