import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HmacDrbg } from './hmac-drbg.ts';

interface NistVector {
  name: string;
  entropyInput: string;
  nonce: string;
  additionalInput: [string, string];
  returnedBits: string;
}

const nist = JSON.parse(readFileSync(new URL('./nist-hmac-drbg-sha256.json', import.meta.url), 'utf8')) as { vectors: NistVector[] };

describe('HMAC_DRBG SHA-256 (NIST SP 800-90A) against the NIST CAVP vectors', () => {
  it.each(nist.vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const drbg = new HmacDrbg(Buffer.from(v.entropyInput, 'hex'), Buffer.from(v.nonce, 'hex'));
    drbg.generate(128, Buffer.from(v.additionalInput[0], 'hex'));
    expect(drbg.generate(128, Buffer.from(v.additionalInput[1], 'hex')).toString('hex')).toBe(v.returnedBits);
  });

  it('splitting a request changes the stream (each Generate updates the state), as the spec says', () => {
    const v = nist.vectors[0] as NistVector;
    const whole = new HmacDrbg(Buffer.from(v.entropyInput, 'hex'), Buffer.from(v.nonce, 'hex')).generate(64);
    const split = new HmacDrbg(Buffer.from(v.entropyInput, 'hex'), Buffer.from(v.nonce, 'hex'));
    const halves = Buffer.concat([split.generate(32), split.generate(32)]);
    expect(halves.subarray(0, 32)).toEqual(whole.subarray(0, 32));
    expect(halves.subarray(32)).not.toEqual(whole.subarray(32));
  });

  it('refuses requests over 2^19 bits', () => {
    const drbg = new HmacDrbg(Buffer.alloc(32), Buffer.alloc(16));
    expect(() => drbg.generate(65537)).toThrow(RangeError);
    expect(drbg.generate(65536)).toHaveLength(65536);
  });
});
