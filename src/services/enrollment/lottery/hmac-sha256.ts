/**
 * HMAC-SHA256 (FIPS 198-1 over FIPS 180-4) with the key's inner and outer pad states computed
 * once, for HMAC_DRBG, which applies one key to many 32-byte values. node:crypto's createHmac
 * re-derives the pads and allocates on every call (~2.5 µs); this does two compressions and no
 * allocation per 32-byte MAC. hmac-sha256.test.ts checks it against node:crypto on random inputs,
 * and the DRBG built on it against the NIST CAVP vectors.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `bytes[offset..]` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + 4 * i;
    W[i] = ((bytes[j] as number) << 24) | ((bytes[j + 1] as number) << 16) | ((bytes[j + 2] as number) << 8) | (bytes[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15] as number;
    const b = W[i - 2] as number;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[i] as number) + (W[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i] as number;
    out[offset + 4 * i] = v >>> 24;
    out[offset + 4 * i + 1] = (v >>> 16) & 0xff;
    out[offset + 4 * i + 2] = (v >>> 8) & 0xff;
    out[offset + 4 * i + 3] = v & 0xff;
  }
}

/** SHA-256 continued from `from` (after `prefixBytes` already hashed) over `msg`, into `out`. */
function finish(from: Int32Array, prefixBytes: number, msg: Uint8Array, out: Uint8Array, outOffset: number): void {
  const state = from.slice();
  let off = 0;
  for (; off + 64 <= msg.length; off += 64) compress(state, msg, off);
  const rest = msg.length - off;
  const tail = new Uint8Array(rest + 9 <= 64 ? 64 : 128);
  tail.set(msg.subarray(off));
  tail[rest] = 0x80;
  const bits = (prefixBytes + msg.length) * 8;
  const end = tail.length;
  // Lengths here stay far below 2^32 bits; the high word is written for completeness.
  tail[end - 8] = Math.floor(bits / 2 ** 56) & 0xff;
  tail[end - 7] = Math.floor(bits / 2 ** 48) & 0xff;
  tail[end - 6] = Math.floor(bits / 2 ** 40) & 0xff;
  tail[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  tail[end - 4] = (bits >>> 24) & 0xff;
  tail[end - 3] = (bits >>> 16) & 0xff;
  tail[end - 2] = (bits >>> 8) & 0xff;
  tail[end - 1] = bits & 0xff;
  for (let o = 0; o < end; o += 64) compress(state, tail, o);
  writeState(state, out, outOffset);
}

/** An HMAC-SHA256 key with its pad states precomputed. */
export class HmacSha256Key {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  // Scratch blocks for the 32-byte fast path: message + padding fits one block.
  private readonly block = new Uint8Array(64);
  private readonly state = new Int32Array(8);

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) {
      const digest = new Uint8Array(32);
      finish(H0, 0, k, digest, 0);
      k = digest;
    }
    const pad = new Uint8Array(64);
    pad.fill(0x36);
    for (let i = 0; i < k.length; i++) pad[i] = (pad[i] as number) ^ (k[i] as number);
    this.inner.set(H0);
    compress(this.inner, pad, 0);
    pad.fill(0x5c);
    for (let i = 0; i < k.length; i++) pad[i] = (pad[i] as number) ^ (k[i] as number);
    this.outer.set(H0);
    compress(this.outer, pad, 0);
    // Padding of a 32-byte message after the 64-byte pad block: 0x80, zeros, length 96 bytes = 768 bits.
    this.block.fill(0);
    this.block[32] = 0x80;
    this.block[62] = 0x03;
    this.block[63] = 0x00;
  }

  /** HMAC of exactly 32 bytes `msg[offset..offset+32)` into `out[outOffset..+32)`; two compressions, no allocation. */
  mac32(msg: Uint8Array, offset: number, out: Uint8Array, outOffset: number): void {
    const b = this.block;
    for (let i = 0; i < 32; i++) b[i] = msg[offset + i] as number;
    this.state.set(this.inner);
    compress(this.state, b, 0);
    writeState(this.state, b, 0);
    this.state.set(this.outer);
    compress(this.state, b, 0);
    writeState(this.state, out, outOffset);
  }

  /** HMAC of any message. */
  mac(msg: Uint8Array): Uint8Array {
    const innerHash = new Uint8Array(32);
    finish(this.inner, 64, msg, innerHash, 0);
    const out = new Uint8Array(32);
    finish(this.outer, 64, innerHash, out, 0);
    return out;
  }
}
