/**
 * The documented deterministic shuffle: Fisher–Yates (Durstenfeld) fed by an HMAC_DRBG byte
 * stream, with rejection sampling so that every index is exactly equally likely (no modulo bias).
 *
 * Byte stream: successive HMAC_DRBG Generate requests of STREAM_BLOCK bytes, no additional input,
 * concatenated. Uniform integer below m (1 ≤ m ≤ 2^32): read 4 bytes big-endian as x; if
 * x ≥ 2^32 − (2^32 mod m) discard them and read 4 more; else the result is x mod m.
 * Shuffle of positions 0..n−1: for i = n−1 down to 1, j = uniform(i+1), swap a[i] and a[j].
 */
import { HmacDrbg } from './hmac-drbg.ts';

/** Bytes per Generate request of the stream (a protocol constant: changing it changes every draw). */
export const STREAM_BLOCK = 1024;

export class ByteStream {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  constructor(private readonly drbg: HmacDrbg) {}

  /** The next 4 bytes as a big-endian unsigned integer. */
  nextUint32(): number {
    if (this.pos + 4 > this.buf.length) {
      // STREAM_BLOCK is a multiple of 4, so a word never straddles two requests.
      this.buf = this.drbg.generate(STREAM_BLOCK);
      this.pos = 0;
    }
    const x = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return x;
  }
}

export interface UniformSource {
  nextUint32(): number;
}

const TWO32 = 4294967296;

/** Uniform in [0, m) by rejection sampling; counts rejected words in `rejections` when given. */
export function uniformBelow(src: UniformSource, m: number, rejections?: { count: number }): number {
  if (!Number.isInteger(m) || m < 1 || m > TWO32) throw new RangeError(`uniformBelow needs 1 ≤ m ≤ 2^32, got ${m}`);
  const limit = TWO32 - (TWO32 % m);
  for (;;) {
    const x = src.nextUint32();
    if (x < limit) return x % m;
    if (rejections) rejections.count++;
  }
}

/** A uniformly random permutation of 0..n−1: perm[k] is the roster position that gets number k+1. */
export function fisherYates(n: number, src: UniformSource): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > TWO32) throw new RangeError(`cannot shuffle ${n} items`);
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(src, i + 1);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return a;
}
