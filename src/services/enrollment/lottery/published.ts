/**
 * The published form of a draw: everything needed to recompute it, and (optionally) the
 * route's assignment so that the placements can be recomputed from the numbers as well.
 * verifyPublishedDraw is what `yiwang lottery verify` and the "verify the draw" page run.
 */
import { isCanonicalRoster, LOTTERY_FORMAT, commitmentOf, deriveSeed, resultHash, rosterHash, runDraw, LotteryInputError } from './protocol.ts';
import { runRoute, type ApplicantSpec, type ProgramSpec } from '../assignment/route-run.ts';

export interface PublicSource {
  /** 'drand' names a round of a drand chain (e.g. quicknet); 'other' describes the source in words. */
  readonly kind: 'drand' | 'other';
  readonly chain?: string | undefined;
  readonly round?: number | undefined;
  readonly description?: string | undefined;
}

export interface PublishedAssignment {
  readonly programs: readonly ProgramSpec[];
  /** Every child on the roster, with their list as filed: [program, priority class]. */
  readonly children: readonly {
    readonly ref: string;
    readonly care: boolean;
    readonly choices: readonly (readonly [string, number])[];
    readonly placedAt: string | null;
  }[];
}

export interface PublishedDraw {
  readonly format: typeof LOTTERY_FORMAT;
  readonly draw: { readonly id: number | string; readonly year: number; readonly stage: string; readonly route: string; readonly label: string };
  readonly roster: readonly string[];
  readonly rosterHash: string;
  readonly commitment: string;
  readonly publicSource: PublicSource;
  readonly publicValue: string;
  readonly secret: string;
  readonly seed: string;
  readonly numbers: readonly number[];
  readonly resultHash: string;
  readonly assignment?: PublishedAssignment | undefined;
}

export interface VerificationStep {
  readonly key: string;
  readonly ok: boolean;
  readonly zh: string;
  readonly en: string;
}

export interface Verification {
  readonly ok: boolean;
  readonly steps: readonly VerificationStep[];
}

function step(key: string, ok: boolean, zh: string, en: string): VerificationStep {
  return { key, ok, zh, en };
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Recompute a published draw from its inputs and compare every output bit for bit. */
export function verifyPublishedDraw(d: PublishedDraw): Verification {
  const steps: VerificationStep[] = [];
  const done = () => ({ ok: steps.every((s) => s.ok), steps });
  steps.push(step('format', d.format === LOTTERY_FORMAT, `格式 ${d.format}`, `format ${d.format}`));
  const canonical = isCanonicalRoster(d.roster);
  steps.push(step('roster_canonical', canonical, `名单共${d.roster.length}人，已排序且无重复`, `roster of ${d.roster.length}, sorted and without duplicates`));
  if (!canonical) return done();
  const hash = rosterHash(d.roster);
  steps.push(step('roster_hash', hash === d.rosterHash, `名单哈希 ${hash}`, `roster hash ${hash}`));
  let commitment = '';
  let seed = '';
  try {
    commitment = commitmentOf(d.secret);
    seed = deriveSeed(d.secret, d.publicValue, hash).toString('hex');
  } catch (e) {
    const msg = e instanceof LotteryInputError ? e.message : String(e);
    steps.push(step('inputs', false, `输入无效：${msg}`, `invalid input: ${msg}`));
    return done();
  }
  steps.push(step('commitment', commitment === d.commitment, '公开的秘密值与事先公布的承诺一致', 'the revealed secret matches the commitment published before the draw'));
  steps.push(step('seed', seed === d.seed, `种子 ${seed}`, `seed ${seed}`));
  const r = runDraw(d.roster, d.secret, d.publicValue);
  const diff = firstDifference(r.numbers, d.numbers);
  steps.push(
    step(
      'numbers',
      diff === -1,
      diff === -1 ? `重新计算的${r.numbers.length}个派位号与公布的完全一致` : `第${diff + 1}个名单条目（${d.roster[diff] ?? ''}）的派位号不一致`,
      diff === -1 ? `all ${r.numbers.length} recomputed numbers equal the published ones` : `roster entry ${diff + 1} (${d.roster[diff] ?? ''}) has a different number`,
    ),
  );
  steps.push(step('result_hash', r.resultHash === d.resultHash && resultHash(d.roster, d.numbers) === d.resultHash, `结果哈希 ${r.resultHash}`, `result hash ${r.resultHash}`));
  if (d.assignment) steps.push(...verifyAssignment(d, r.numbers));
  return done();
}

function verifyAssignment(d: PublishedDraw, numbers: Uint32Array): VerificationStep[] {
  const a = d.assignment;
  if (!a) return [];
  const position = new Map(d.roster.map((ref, i) => [ref, i]));
  const missing = a.children.filter((c) => !position.has(c.ref));
  if (missing.length) return [step('assignment_roster', false, `${missing.length}名录取名单中的儿童不在派位名单上`, `${missing.length} children in the assignment are not on the roster`)];
  const applicants: ApplicantSpec[] = a.children.map((c) => ({
    id: c.ref,
    lottery: numbers[position.get(c.ref) as number] as number,
    care: c.care,
    choices: c.choices.map(([program, priorityClass]) => ({ program, priorityClass })),
  }));
  let outcome;
  try {
    outcome = runRoute(a.programs, applicants);
  } catch (e) {
    return [step('assignment', false, `录取数据无效：${String(e)}`, `invalid assignment data: ${String(e)}`)];
  }
  const mismatched = outcome.children.filter((c, i) => c.placedAt !== (a.children[i]?.placedAt ?? null));
  return [
    step(
      'assignment',
      mismatched.length === 0,
      mismatched.length === 0 ? `按派位号重新计算的${outcome.children.length}名儿童录取结果与公布的一致` : `${mismatched.length}名儿童的录取结果与按派位号计算的不一致（例如 ${mismatched[0]?.id}）`,
      mismatched.length === 0 ? `recomputing the placements of ${outcome.children.length} children from the numbers gives the published result` : `${mismatched.length} placements differ from the recomputation (e.g. ${mismatched[0]?.id})`,
    ),
    step('stability', outcome.stability.stable, outcome.stability.stable ? '录取结果稳定：不存在“更优先却被挤出”的儿童' : `存在${outcome.stability.blockingPairCount}个阻塞对`, outcome.stability.stable ? 'the placements are stable: no child was passed over for one ranked below them' : `${outcome.stability.blockingPairCount} blocking pairs`),
  ];
}
