import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskDocumentNumber, maskName, maskPhone } from './masking.ts';

describe('maskDocumentNumber', () => {
  it.each([
    ['11010519491231002X', '110***********002X'],
    ['110105194912310021', '110***********0021'],
    ['南字第1234567号', '南字第****567号'],
    ['E12345678', 'E******78'],
    ['H12345678', 'H******78'],
    ['G1234', 'G**34'],
    ['ABCD', '****'],
    ['A', '*'],
    ['', ''],
  ])('%s → %s', (n, masked) => {
    expect(maskDocumentNumber(n)).toBe(masked);
  });

  it('keeps the length and hides at least two characters of any number longer than one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 40, unit: fc.constantFrom(...'0123456789ABCDEFGHX') }), (n) => {
        const m = maskDocumentNumber(n);
        expect(m).toHaveLength(n.length);
        expect([...m].filter((c) => c === '*').length).toBeGreaterThanOrEqual(2);
        // Whatever is shown is shown in place.
        [...m].forEach((c, i) => {
          if (c !== '*') expect(c).toBe(n[i]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('hides the birth date and serial of every 18-character resident ID number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (n) => {
        const m = maskDocumentNumber(n);
        expect(m.slice(0, 3)).toBe(n.slice(0, 3));
        expect(m.slice(3, 14)).toBe('*'.repeat(11));
        expect(m.slice(14)).toBe(n.slice(14));
      }),
      { numRuns: 300 },
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['19912345678', '199****5678'],
    ['123456', '******'],
    ['', ''],
  ])('%s → %s', (p, masked) => {
    expect(maskPhone(p)).toBe(masked);
  });

  it('shows only the first three and last four digits of an 11-digit mobile number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1\d{10}$/), (p) => {
        expect(maskPhone(p)).toBe(`${p.slice(0, 3)}****${p.slice(7)}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['王小明', '王**'],
    ['欧阳娜娜', '欧***'],
    ['李', '*'],
    ['', '*'],
    ['𠮷田', '𠮷*'],
    ['Zhang San', 'Z********'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('keeps only the first character (by code point) and one star per further character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 20, unit: 'grapheme' }), (name) => {
        const chars = [...name];
        fc.pre(chars.length >= 2);
        const m = maskName(name);
        expect([...m]).toHaveLength(chars.length);
        expect([...m][0]).toBe(chars[0]);
        expect(m.slice(chars[0]!.length)).toBe('*'.repeat(chars.length - 1));
      }),
      { numRuns: 300 },
    );
  });
});
