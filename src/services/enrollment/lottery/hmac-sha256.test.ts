import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256Key } from './hmac-sha256.ts';

const reference = (key: Uint8Array, msg: Uint8Array) => createHmac('sha256', key).update(msg).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('HMAC-SHA256 with precomputed pads', () => {
  it('RFC 4231 test case 2 ("what do ya want for nothing?")', () => {
    const mac = new HmacSha256Key(Buffer.from('Jefe')).mac(Buffer.from('what do ya want for nothing?'));
    expect(hex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('equals node:crypto for random keys (0–100 bytes) and messages (0–300 bytes), across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 300 }), (key, msg) => {
        expect(hex(new HmacSha256Key(key).mac(msg))).toBe(reference(key, msg));
      }),
      { numRuns: 500 },
    );
    for (const len of [55, 56, 63, 64, 65, 119, 120, 128]) {
      const key = Buffer.alloc(32, 7);
      const msg = Buffer.alloc(len, 0xab);
      expect(hex(new HmacSha256Key(key).mac(msg)), `length ${len}`).toBe(reference(key, msg));
    }
  });

  it('the 32-byte fast path equals node:crypto and writes in place', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (key, msg) => {
        const out = new Uint8Array(40);
        const k = new HmacSha256Key(key);
        k.mac32(msg, 0, out, 8);
        expect(hex(out.subarray(8))).toBe(reference(key, msg));
        // In place (V = HMAC(K, V)), as HMAC_DRBG uses it.
        const v = Uint8Array.from(msg);
        k.mac32(v, 0, v, 0);
        expect(hex(v)).toBe(reference(key, msg));
      }),
      { numRuns: 300 },
    );
  });
});
