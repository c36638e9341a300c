/**
 * Benchmark of the school lottery (issue 7): a synthetic district, one verifiable draw, student-
 * proposing deferred acceptance with capacities, priority classes and care, the stability check,
 * and a full re-verification of the draw and the placements from the published inputs.
 *
 *   npx tsx bench/lottery.ts [--students N] [--schools N] [--choices N]
 *
 * The last line is exactly:
 *   lottery: students=N schools=N seconds=S stable=true|false verified=true|false
 * `seconds` covers the draw, the assignment, the stability check and the verification; building
 * the synthetic district is reported separately.
 */
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { deferredAcceptance } from '../src/services/enrollment/assignment/deferred-acceptance.ts';
import { listingKeys, type Market } from '../src/services/enrollment/assignment/market.ts';
import { checkStability } from '../src/services/enrollment/assignment/stability.ts';
import { listingRanks } from '../src/services/enrollment/assignment/ranks.ts';
import { commitmentOf, runDraw } from '../src/services/enrollment/lottery/protocol.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const students = arg('students', 100_000);
const schools = arg('schools', 300);
const choices = Math.min(arg('choices', 12), schools);
const zones = 15;

/** SplitMix32-style generator for the synthetic data only (the draw itself uses HMAC_DRBG). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

interface District {
  market: Market;
  roster: string[];
  zoneOfSchool: Uint8Array;
}

/**
 * 300 schools in 15 school zones (学区); popularity falls off like Zipf, so the popular schools are
 * heavily oversubscribed. Seats total 1.05 × children. A child lists 12 distinct schools, about half
 * in the home zone. Priority class 0 at schools of the home zone, 1 elsewhere; 2% have a care category.
 */
function buildDistrict(): District {
  const rand = rng(20190516);
  const zoneOfSchool = new Uint8Array(schools);
  for (let p = 0; p < schools; p++) zoneOfSchool[p] = p % zones;
  const weight = new Float64Array(schools);
  let total = 0;
  for (let p = 0; p < schools; p++) {
    weight[p] = 1 / Math.pow(p + 1, 0.8);
    total += weight[p] as number;
  }
  const cumulative = new Float64Array(schools);
  let acc = 0;
  for (let p = 0; p < schools; p++) {
    acc += (weight[p] as number) / total;
    cumulative[p] = acc;
  }
  const capacity = new Int32Array(schools);
  const seats = Math.round(students * 1.05);
  for (let p = 0; p < schools; p++) capacity[p] = Math.max(1, Math.round((seats / schools) * (0.5 + rand())));
  const schoolsOfZone: number[][] = Array.from({ length: zones }, () => []);
  for (let p = 0; p < schools; p++) schoolsOfZone[zoneOfSchool[p] as number]?.push(p);

  const prefStart = new Int32Array(students + 1);
  const prefProgram = new Int32Array(students * choices);
  const prefClass = new Uint8Array(students * choices);
  const care = new Uint8Array(students);
  const roster: string[] = new Array<string>(students);
  const taken = new Int32Array(schools).fill(-1);
  let l = 0;
  for (let s = 0; s < students; s++) {
    const zone = Math.floor(rand() * zones);
    const local = schoolsOfZone[zone] as number[];
    care[s] = rand() < 0.02 ? 1 : 0;
    let n = 0;
    while (n < choices) {
      let p: number;
      if (rand() < 0.5) p = local[Math.floor(rand() * local.length)] as number;
      else {
        const u = rand();
        let lo = 0;
        let hi = schools - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((cumulative[mid] as number) < u) lo = mid + 1;
          else hi = mid;
        }
        p = lo;
      }
      if (taken[p] === s) continue;
      taken[p] = s;
      prefProgram[l] = p;
      prefClass[l] = zoneOfSchool[p] === zone ? 0 : 1;
      l++;
      n++;
    }
    prefStart[s + 1] = l;
    roster[s] = `M2019-${String(s + 1).padStart(7, '0')}`;
  }
  return { market: { studentCount: students, programCount: schools, capacity, prefStart, prefProgram, prefClass, care, lottery: new Uint32Array(students) }, roster, zoneOfSchool };
}

const t0 = performance.now();
const district = buildDistrict();
const tBuilt = performance.now();

// Fixed inputs keep the benchmark reproducible; a real draw gets its secret offline and its public value from drand.
const secret = createHash('sha256').update('bench secret').digest('hex');
const publicValue = createHash('sha256').update('drand quicknet round 0 (bench)').digest('hex');
const commitment = commitmentOf(secret);

const tStart = performance.now();
// 1. The draw.
const published = runDraw(district.roster, secret, publicValue);
const tDraw = performance.now();
// 2. Deferred acceptance with the numbers.
const market: Market = { ...district.market, lottery: published.numbers };
const keys = listingKeys(market);
const matching = deferredAcceptance(market);
const tDa = performance.now();
// 3. The stability check (independent of the DA code).
const stability = checkStability(market, matching, keys);
const tStable = performance.now();
// 4. Verification as a member of the public would run it: recompute the roster hash, the
//    commitment, the numbers and the placements from the published inputs, compare bit for bit.
// runDraw itself refuses a roster that is not canonical and recomputes its hash.
const redraw = runDraw(district.roster, secret, publicValue);
const rehash = redraw.rosterHash === published.rosterHash;
const recommit = commitmentOf(secret) === commitment;
let sameNumbers = redraw.resultHash === published.resultHash && redraw.numbers.length === published.numbers.length;
for (let i = 0; sameNumbers && i < redraw.numbers.length; i++) if (redraw.numbers[i] !== published.numbers[i]) sameNumbers = false;
const rematch = deferredAcceptance({ ...district.market, lottery: redraw.numbers });
let samePlacements = true;
for (let s = 0; samePlacements && s < students; s++) if (rematch.program[s] !== matching.program[s]) samePlacements = false;
const verified = rehash && recommit && sameNumbers && samePlacements;
const tVerify = performance.now();

// Not timed: per-listing ranks, published with the result.
const tRanks0 = performance.now();
listingRanks(market);
const tRanks = performance.now();

let placed = 0;
let firstChoice = 0;
for (let s = 0; s < students; s++) {
  if ((matching.program[s] as number) >= 0) placed++;
  if (matching.listing[s] === market.prefStart[s]) firstChoice++;
}
const ms = (a: number, b: number) => `${(b - a).toFixed(1)} ms`;
console.log(`district built in ${ms(t0, tBuilt)}: ${students} children, ${schools} schools, ${market.prefProgram.length} listings, ${district.market.capacity.reduce((a, b) => a + b, 0)} seats`);
console.log(`draw ${ms(tStart, tDraw)} | deferred acceptance ${ms(tDraw, tDa)} (${matching.proposals} proposals) | stability ${ms(tDa, tStable)} | verification ${ms(tStable, tVerify)} | ranks (untimed) ${ms(tRanks0, tRanks)}`);
console.log(`placed ${placed} (${((100 * placed) / students).toFixed(1)}%), first choice ${((100 * firstChoice) / students).toFixed(1)}%, blocking pairs ${stability.blockingPairCount}, result hash ${published.resultHash.slice(0, 16)}…`);
console.log(`lottery: students=${students} schools=${schools} seconds=${((tVerify - tStart) / 1000).toFixed(3)} stable=${stability.stable} verified=${verified}`);
