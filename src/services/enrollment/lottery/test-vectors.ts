/**
 * The published test vectors of 'yiwang-lottery/v1': inputs and every intermediate value, for
 * anyone re-implementing the draw. `npx tsx src/services/enrollment/lottery/test-vectors.ts --write`
 * regenerates test-vectors.json; protocol.test.ts checks that the code still reproduces the file,
 * so a change to the protocol cannot slip through unnoticed.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commitmentOf, drbgForSeed, LOTTERY_FORMAT, runDraw } from './protocol.ts';
import { STREAM_BLOCK } from './shuffle.ts';

export interface TestVector {
  readonly name: string;
  readonly roster: readonly string[];
  readonly secret: string;
  readonly publicValue: string;
  readonly expected: {
    readonly rosterHash: string;
    readonly commitment: string;
    readonly seed: string;
    /** The first 128 bytes of the HMAC_DRBG byte stream. */
    readonly streamStart: string;
    readonly numbers: readonly number[];
    readonly resultHash: string;
  };
}

const h = (s: string) => createHash('sha256').update(s).digest('hex');
const refs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(6, '0')}`);

export const vectorInputs: readonly Omit<TestVector, 'expected'>[] = [
  { name: 'empty roster', roster: [], secret: h('yiwang test secret 0'), publicValue: h('public value 0') },
  { name: 'one child', roster: ['P2019-000001'], secret: h('yiwang test secret 1'), publicValue: h('public value 1') },
  { name: 'five children', roster: refs('P2019', 5), secret: h('yiwang test secret 2'), publicValue: h('public value 2') },
  { name: 'twenty children, 16-byte public value', roster: refs('M2019', 20), secret: h('yiwang test secret 3'), publicValue: h('public value 3').slice(0, 32) },
  { name: 'mixed references', roster: ['A-1', 'A-10', 'A-2', 'B.7', 'b_3', 'z9'], secret: '00'.repeat(31) + '01', publicValue: 'ff'.repeat(32) },
];

export function computeVector(v: Omit<TestVector, 'expected'>): TestVector {
  const r = runDraw(v.roster, v.secret, v.publicValue);
  const stream = drbgForSeed(Buffer.from(r.seed, 'hex'), r.rosterHash).generate(STREAM_BLOCK).subarray(0, 128);
  return {
    ...v,
    expected: {
      rosterHash: r.rosterHash,
      commitment: commitmentOf(v.secret),
      seed: r.seed,
      streamStart: stream.toString('hex'),
      numbers: [...r.numbers],
      resultHash: r.resultHash,
    },
  };
}

export const vectorsFile = new URL('./test-vectors.json', import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const doc = { format: LOTTERY_FORMAT, streamBlockBytes: STREAM_BLOCK, vectors: vectorInputs.map(computeVector) };
  writeFileSync(vectorsFile, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${doc.vectors.length} vectors to ${fileURLToPath(vectorsFile)}`);
}
