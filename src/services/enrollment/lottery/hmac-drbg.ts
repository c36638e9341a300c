/**
 * HMAC_DRBG with SHA-256, as specified in NIST SP 800-90A Rev. 1 §10.1.2 (no prediction
 * resistance, no reseed: a lottery is a deterministic function of its published seed).
 * Checked against the NIST CAVP HMAC_DRBG.rsp vectors in hmac-drbg.test.ts.
 * HMAC comes from hmac-sha256.ts: the key is fixed across a Generate call, so its pad states are
 * computed once per key and each V = HMAC(K, V) costs two compressions.
 */
import { HmacSha256Key } from './hmac-sha256.ts';

const OUTLEN = 32;
/** SP 800-90A Table 2: at most 2^19 bits per Generate request. */
export const MAX_BYTES_PER_REQUEST = 65536;

export class HmacDrbg {
  private key: HmacSha256Key;
  private readonly v = new Uint8Array(OUTLEN);
  private reseedCounter: number;

  /** HMAC_DRBG_Instantiate_algorithm: seed_material = entropy_input || nonce || personalization_string. */
  constructor(entropyInput: Uint8Array, nonce: Uint8Array, personalization: Uint8Array = new Uint8Array(0)) {
    // Key = 0x00…00, V = 0x01…01.
    this.key = new HmacSha256Key(new Uint8Array(OUTLEN));
    this.v.fill(0x01);
    const seed = new Uint8Array(entropyInput.length + nonce.length + personalization.length);
    seed.set(entropyInput, 0);
    seed.set(nonce, entropyInput.length);
    seed.set(personalization, entropyInput.length + nonce.length);
    this.update(seed);
    this.reseedCounter = 1;
  }

  /** HMAC_DRBG_Update_process: K = HMAC(K, V || 0x00 || data); V = HMAC(K, V); again with 0x01 if data is non-empty. */
  private update(provided: Uint8Array | null): void {
    const data = provided ?? new Uint8Array(0);
    for (const round of data.length > 0 ? [0x00, 0x01] : [0x00]) {
      const msg = new Uint8Array(OUTLEN + 1 + data.length);
      msg.set(this.v, 0);
      msg[OUTLEN] = round;
      msg.set(data, OUTLEN + 1);
      this.key = new HmacSha256Key(this.key.mac(msg));
      this.key.mac32(this.v, 0, this.v, 0);
    }
  }

  /** HMAC_DRBG_Generate_algorithm for `bytes` bytes (≤ 65536), with optional additional input. */
  generate(bytes: number, additionalInput?: Uint8Array): Buffer {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BYTES_PER_REQUEST) throw new RangeError(`HMAC_DRBG request of ${bytes} bytes is outside 0..${MAX_BYTES_PER_REQUEST}`);
    const additional = additionalInput && additionalInput.length > 0 ? additionalInput : null;
    if (additional) this.update(additional);
    const out = Buffer.allocUnsafe(Math.ceil(bytes / OUTLEN) * OUTLEN);
    for (let off = 0; off < bytes; off += OUTLEN) {
      this.key.mac32(this.v, 0, this.v, 0);
      out.set(this.v, off);
    }
    this.update(additional);
    this.reseedCounter++;
    return out.subarray(0, bytes);
  }

  get requests(): number {
    return this.reseedCounter - 1;
  }
}
