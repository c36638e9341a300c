/**
 * The verifiable lottery (the idea of RFC 3797, "Publicly Verifiable Nominations Committee Random
 * Selection"), version 'yiwang-lottery/v1'. Every byte that enters a draw is published, so anyone
 * can recompute it. PROTOCOL.md beside this file is the specification; this is the reference code.
 *
 * 1. Before the draw: publish the roster hash, a commitment to a 32-byte secret, and the future
 *    public random value to be used (a drand round number, whose value nobody knows yet).
 * 2. Seed = SHA-256(domain || 0x00 || secret || u16(len public) || public || roster hash).
 * 3. HMAC_DRBG(SHA-256) instantiated with entropy = seed, nonce = first 16 bytes of the roster hash,
 *    personalization = "yiwang-lottery/v1"; its byte stream drives an unbiased Fisher–Yates shuffle.
 *    The roster entry shuffled to position k gets number k + 1.
 *
 * Neither side can steer the result: the operator fixed the secret before the public value existed,
 * and the public value's source cannot know the secret or the roster.
 */
import { createHash } from 'node:crypto';
import { HmacDrbg } from './hmac-drbg.ts';
import { ByteStream, fisherYates } from './shuffle.ts';

export const LOTTERY_FORMAT = 'yiwang-lottery/v1';
const ROSTER_DOMAIN = 'yiwang-lottery/v1 roster';
const COMMIT_DOMAIN = 'yiwang-lottery/v1 commitment';
const SEED_DOMAIN = 'yiwang-lottery/v1 seed';
const RESULT_DOMAIN = 'yiwang-lottery/v1 result';

/** Application references are public and pseudonymous: letters, digits, '.', '_' and '-'. */
export const REF_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const HEX32 = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2}){16,128}$/;

export class LotteryInputError extends Error {
  override readonly name = 'LotteryInputError';
}

function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Sorted by code unit (for these ASCII refs, byte order), duplicates refused. */
export function canonicalRoster(refs: readonly string[]): string[] {
  let sorted = true;
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i] as string;
    if (!isRef(r)) throw new LotteryInputError(`roster entry ${JSON.stringify(r)} is not a valid reference`);
    if (i > 0 && !((refs[i - 1] as string) < r)) sorted = false;
  }
  const out = sorted ? [...refs] : [...refs].sort();
  for (let i = 1; i < out.length; i++) if (out[i] === out[i - 1]) throw new LotteryInputError(`roster entry ${out[i]} appears twice`);
  return out;
}

/** REF_PATTERN without the regex engine: this runs over every entry of a million-child roster. */
function isRef(r: string): boolean {
  const n = r.length;
  if (n < 1 || n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = r.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
    if (!ok) return false;
  }
  return true;
}

export function isCanonicalRoster(refs: readonly string[]): boolean {
  for (let i = 0; i < refs.length; i++) {
    if (!isRef(refs[i] as string)) return false;
    if (i > 0 && !((refs[i - 1] as string) < (refs[i] as string))) return false;
  }
  return true;
}

/** SHA-256 of "yiwang-lottery/v1 roster\n" followed by each reference and "\n", hex. */
export function rosterHash(canonical: readonly string[]): string {
  const body = canonical.length ? `${canonical.join('\n')}\n` : '';
  return sha256(`${ROSTER_DOMAIN}\n`, body).toString('hex');
}

export function assertSecret(secretHex: string): void {
  if (!HEX32.test(secretHex)) throw new LotteryInputError('the secret is 32 bytes written as 64 lower-case hex digits');
}

export function assertPublicValue(publicHex: string): void {
  if (!HEX.test(publicHex)) throw new LotteryInputError('the public random value is 16 to 128 bytes written as lower-case hex');
}

/** SHA-256(domain || 0x00 || secret), hex: published before the draw. */
export function commitmentOf(secretHex: string): string {
  assertSecret(secretHex);
  return sha256(COMMIT_DOMAIN, Buffer.from([0]), Buffer.from(secretHex, 'hex')).toString('hex');
}

export function deriveSeed(secretHex: string, publicHex: string, rosterHashHex: string): Buffer {
  assertSecret(secretHex);
  assertPublicValue(publicHex);
  if (!HEX32.test(rosterHashHex)) throw new LotteryInputError('the roster hash is 64 lower-case hex digits');
  const pub = Buffer.from(publicHex, 'hex');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(pub.length);
  return sha256(SEED_DOMAIN, Buffer.from([0]), Buffer.from(secretHex, 'hex'), len, pub, Buffer.from(rosterHashHex, 'hex'));
}

export function drbgForSeed(seed: Uint8Array, rosterHashHex: string): HmacDrbg {
  return new HmacDrbg(seed, Buffer.from(rosterHashHex, 'hex').subarray(0, 16), Buffer.from(LOTTERY_FORMAT, 'ascii'));
}

/** SHA-256 of "yiwang-lottery/v1 result\n" then "<ref>\t<number>\n" in roster order, hex. */
export function resultHash(canonical: readonly string[], numbers: ArrayLike<number>): string {
  const h = createHash('sha256');
  h.update(`${RESULT_DOMAIN}\n`);
  // Chunked so a million-line roster does not build one huge string.
  let chunk = '';
  for (let i = 0; i < canonical.length; i++) {
    chunk += `${canonical[i]}\t${numbers[i]}\n`;
    if (chunk.length > 65536) {
      h.update(chunk);
      chunk = '';
    }
  }
  h.update(chunk);
  return h.digest('hex');
}

export interface DrawResult {
  readonly rosterHash: string;
  readonly seed: string;
  /** numbers[i] is the lottery number of roster entry i (1..n, each once). */
  readonly numbers: Uint32Array;
  readonly resultHash: string;
}

/** The whole draw from its published inputs; `canonical` must already be canonical. */
export function runDraw(canonical: readonly string[], secretHex: string, publicHex: string): DrawResult {
  if (!isCanonicalRoster(canonical)) throw new LotteryInputError('the roster is not in canonical order (sorted, unique, valid references)');
  const hash = rosterHash(canonical);
  const seed = deriveSeed(secretHex, publicHex, hash);
  const perm = fisherYates(canonical.length, new ByteStream(drbgForSeed(seed, hash)));
  const numbers = new Uint32Array(canonical.length);
  for (let k = 0; k < perm.length; k++) numbers[perm[k] as number] = k + 1;
  return { rosterHash: hash, seed: seed.toString('hex'), numbers, resultHash: resultHash(canonical, numbers) };
}
