/**
 * A school-choice market in flat typed arrays, so that 100,000 children with 12 choices each
 * (1.2 million listings) fit in a few megabytes and the proposal loop allocates nothing.
 *
 * Students are 0..studentCount-1 and programs 0..programCount-1. A program is a school's seat
 * block in one route: usually the school's plan, or a reserved block (对口直升) that only one
 * primary school's graduates may list. Preference lists are CSR: student s listed
 * prefProgram[prefStart[s] .. prefStart[s+1]-1], best first; each index there is a "listing".
 */
export interface Market {
  readonly studentCount: number;
  readonly programCount: number;
  /** Seats per program. */
  readonly capacity: Int32Array;
  /** Length studentCount + 1. */
  readonly prefStart: Int32Array;
  /** The program of each listing. */
  readonly prefProgram: Int32Array;
  /** Priority class of each listing: lower is admitted first (e.g. hukou and property in the catchment). */
  readonly prefClass?: Uint8Array | undefined;
  /** 1 when the student has a verified care category (10号 五): ahead of equals, before the number. */
  readonly care?: Uint8Array | undefined;
  /** The student's lottery number, 1..n, one per student and used at every program (single tie-breaking). */
  readonly lottery: Uint32Array;
}

/**
 * The strict priority of each listing at its program, smaller is better:
 * (priority class, no-care bit, lottery number) packed into one float64. Exact while
 * (2 × 256) × (max lottery + 1) < 2^53, i.e. for any lottery below 1.7 × 10^13.
 */
export function listingKeys(m: Market): Float64Array {
  const keys = new Float64Array(m.prefProgram.length);
  let maxLottery = 0;
  for (let s = 0; s < m.studentCount; s++) if ((m.lottery[s] as number) > maxLottery) maxLottery = m.lottery[s] as number;
  const M = maxLottery + 1;
  const cls = m.prefClass;
  const care = m.care;
  for (let s = 0; s < m.studentCount; s++) {
    const lot = m.lottery[s] as number;
    const careBit = care && care[s] === 1 ? 0 : 1;
    const end = m.prefStart[s + 1] as number;
    for (let l = m.prefStart[s] as number; l < end; l++) {
      const c = cls ? (cls[l] as number) : 0;
      keys[l] = (c * 2 + careBit) * M + lot;
    }
  }
  return keys;
}

/** The student of each listing. */
export function listingStudents(m: Market): Int32Array {
  const out = new Int32Array(m.prefProgram.length);
  for (let s = 0; s < m.studentCount; s++) out.fill(s, m.prefStart[s] as number, m.prefStart[s + 1] as number);
  return out;
}

export interface MarketProblem {
  readonly message: string;
}

/** Structural checks: CSR shape, program ids in range, no program listed twice, lottery numbers 1..n unique. */
export function validateMarket(m: Market): MarketProblem[] {
  const problems: MarketProblem[] = [];
  if (m.capacity.length !== m.programCount) problems.push({ message: 'capacity length differs from programCount' });
  if (m.prefStart.length !== m.studentCount + 1 || m.prefStart[0] !== 0 || m.prefStart[m.studentCount] !== m.prefProgram.length) {
    problems.push({ message: 'prefStart is not a CSR index over prefProgram' });
    return problems;
  }
  if (m.lottery.length !== m.studentCount) problems.push({ message: 'lottery length differs from studentCount' });
  if (m.prefClass && m.prefClass.length !== m.prefProgram.length) problems.push({ message: 'prefClass length differs from listings' });
  const seenNumber = new Uint8Array(m.studentCount + 1);
  const seenProgram = new Int32Array(m.programCount).fill(-1);
  for (let s = 0; s < m.studentCount; s++) {
    const n = m.lottery[s] as number;
    if (n < 1 || n > m.studentCount || seenNumber[n]) problems.push({ message: `student ${s}: lottery number ${n} is not a unique number in 1..${m.studentCount}` });
    else seenNumber[n] = 1;
    const a = m.prefStart[s] as number;
    const b = m.prefStart[s + 1] as number;
    if (b < a) problems.push({ message: `student ${s}: negative list length` });
    for (let l = a; l < b; l++) {
      const p = m.prefProgram[l] as number;
      if (p < 0 || p >= m.programCount) problems.push({ message: `student ${s}: program ${p} out of range` });
      else if (seenProgram[p] === s) problems.push({ message: `student ${s}: program ${p} listed twice` });
      else seenProgram[p] = s;
    }
  }
  for (let p = 0; p < m.programCount; p++) if ((m.capacity[p] as number) < 0) problems.push({ message: `program ${p}: negative capacity` });
  return problems;
}
