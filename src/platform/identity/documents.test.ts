import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { documentCitation, documentTypes, hkMacauCitation, residentIdCheckChar, validateDocument, type ValidDocument } from './documents.ts';
import type { Decision } from '../law/decision.ts';

const today = '2026-03-02';

/** GB 11643-1999 check character by ISO 7064 MOD 11-2, written independently of the code under test. */
function oracleCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

function withCheck(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}

function accepted(d: Decision<ValidDocument>): ValidDocument {
  if (!d.allowed) throw new Error(`expected allowed, got ${JSON.stringify(d.reasons)}`);
  return d.value;
}

function refusal(d: Decision<ValidDocument>) {
  if (d.allowed) throw new Error(`expected a refusal, got ${JSON.stringify(d.value)}`);
  expect(d.reasons).toHaveLength(1);
  return d.reasons[0]!;
}

const residentId = (n: string) => validateDocument('resident_id', n, today);

describe('residentIdCheckChar (GB 11643-1999)', () => {
  it('gives X for the standard worked example 11010519491231002X', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
  });

  it('agrees with an independent ISO 7064 MOD 11-2 implementation', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        expect(residentIdCheckChar(first17)).toBe(oracleCheckChar(first17));
      }),
      { numRuns: 500 },
    );
  });

  it('produces every one of the 11 check characters', () => {
    const seen = new Set<string>();
    for (let serial = 0; serial < 200 && seen.size < 11; serial++) {
      seen.add(residentIdCheckChar(`11010219850615${String(serial).padStart(3, '0')}`));
    }
    expect([...seen].sort()).toEqual([...'0123456789X'].sort());
  });
});

describe('validateDocument: 居民身份证', () => {
  it('accepts known-valid numbers and reads birth date and sex', () => {
    expect(accepted(residentId('11010519491231002X'))).toEqual({ type: 'resident_id', number: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' });
    const male = withCheck('11010219850615013');
    expect(accepted(residentId(male))).toEqual({ type: 'resident_id', number: male, birthDate: '1985-06-15', sex: 'male' });
  });

  it('normalises a lowercase x, full-width characters and spaces', () => {
    expect(accepted(residentId('11010519491231002x')).number).toBe('11010519491231002X');
    expect(accepted(residentId('１１０１０５１９４９１２３１００２Ｘ')).number).toBe('11010519491231002X');
    expect(accepted(residentId('１１０１０５１９４９１２３１００２ｘ')).number).toBe('11010519491231002X');
    expect(accepted(residentId(' 110105 19491231 002X\t')).number).toBe('11010519491231002X');
  });

  it('refuses a wrong check digit, citing 西卫〔2019〕5号 第十六条', () => {
    const r = refusal(residentId('110105194912310021'));
    expect(r.code).toBe('invalid_id_number');
    expect(r.citation).toEqual(documentCitation);
    expect(r.citation).toEqual({ doc: '西卫〔2019〕5号', article: '第十六条' });
    expect(r.message.en).toMatch(/check digit/);
    expect(r.message.zh).toMatch(/校验码/);
  });

  it.each([
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X1'],
    ['the old 15-digit format', '110105491231002'],
    ['X not in last place', '1101051949123100X2'],
    ['letters', '11010519491231ABCX'],
    ['empty', ''],
  ])('refuses %s', (_what, n) => {
    const r = refusal(residentId(n));
    expect(r.code).toBe('invalid_id_number');
    expect(r.message.en).toMatch(/18 characters/);
  });

  it.each([
    ['00', withCheck('00010519491231002')],
    ['99', withCheck('99010519491231002')],
    ['10', withCheck('10010519491231002')],
    ['47', withCheck('47010519491231002')],
  ])('refuses region code %s even with a correct check character', (_code, n) => {
    const r = refusal(residentId(n));
    expect(r.code).toBe('invalid_id_number');
    expect(r.message.en).toMatch(/region code/);
  });

  it.each([
    ['30 February', '19900230'],
    ['29 February of a non-leap century', '19000229'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['31 April', '19900431'],
    ['before 1900', '18991231'],
    ['tomorrow relative to today', '20260303'],
    ['a future year', '20300101'],
  ])('refuses a birth date of %s even with a correct check character', (_what, birth) => {
    const r = refusal(residentId(withCheck(`110102${birth}013`)));
    expect(r.code).toBe('invalid_id_number');
    expect(r.message.en).toMatch(/birth date/);
  });

  it.each([
    ['29 February of a leap year', '20000229', '2000-02-29'],
    ['29 February 2024', '20240229', '2024-02-29'],
    ['1 January 1900', '19000101', '1900-01-01'],
    ['today (a newborn)', '20260302', '2026-03-02'],
  ])('accepts a birth date of %s', (_what, birth, iso) => {
    expect(accepted(residentId(withCheck(`110102${birth}013`))).birthDate).toBe(iso);
  });

  it('bounds the birth date by the given today, not by the real date', () => {
    const n = withCheck('11010220300101013');
    expect(validateDocument('resident_id', n, '2029-12-31').allowed).toBe(false);
    expect(validateDocument('resident_id', n, '2030-01-01').allowed).toBe(true);
  });
});

describe('validateDocument: properties of 居民身份证 numbers', () => {
  const provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91];
  const day0 = Date.UTC(1900, 0, 1) / 86_400_000;
  const dayToday = Date.UTC(2026, 2, 2) / 86_400_000;
  const validNumber = fc
    .record({
      province: fc.constantFrom(...provinces),
      region: fc.stringMatching(/^\d{4}$/),
      day: fc.integer({ min: day0, max: dayToday }),
      serial: fc.stringMatching(/^\d{3}$/),
    })
    .map(({ province, region, day, serial }) => {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      const first17 = `${province}${region}${iso.replace(/-/g, '')}${serial}`;
      return { number: first17 + oracleCheckChar(first17), iso, serial };
    });

  it('accepts every number built from a valid region, a real past date and a correct check character', () => {
    fc.assert(
      fc.property(validNumber, ({ number, iso, serial }) => {
        const v = accepted(residentId(number));
        expect(v.number).toBe(number);
        expect(v.birthDate).toBe(iso);
        expect(v.sex).toBe(Number(serial[2]) % 2 === 1 ? 'male' : 'female');
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a valid number with any single character replaced', () => {
    const replacement = fc.constantFrom(...'0123456789XAZ-#');
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 17 }), replacement, ({ number }, at, c) => {
        fc.pre(number[at] !== c);
        const changed = number.slice(0, at) + c + number.slice(at + 1);
        expect(residentId(changed).allowed).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a valid number whose check character is replaced by any other', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom(...'0123456789X'), ({ number }, c) => {
        fc.pre(number[17] !== c);
        const r = refusal(residentId(number.slice(0, 17) + c));
        expect(r.message.en).toMatch(/check digit/);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a valid number with two different adjacent digits swapped', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 15 }), ({ number }, at) => {
        fc.pre(number[at] !== number[at + 1]);
        const swapped = number.slice(0, at) + number[at + 1] + number[at] + number.slice(at + 2);
        expect(residentId(swapped).allowed).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts the same number typed with full-width digits', () => {
    fc.assert(
      fc.property(validNumber, ({ number }) => {
        const fullWidth = [...number].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');
        expect(accepted(residentId(fullWidth)).number).toBe(number);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validateDocument: 港澳居民来往内地通行证', () => {
  it.each(['H12345678', 'M87654321', 'h12345678', 'Ｈ１２３４５６７８', 'M 1234 5678'])('accepts %s', (n) => {
    const v = accepted(validateDocument('hk_macau_permit', n, today));
    expect(v.type).toBe('hk_macau_permit');
    expect(v.number).toMatch(/^[HM]\d{8}$/);
  });

  it.each(['H1234567', 'H123456789', 'A12345678', '12345678', 'HM1234567', 'H1234567X', ''])(
    'refuses %s citing 西教发〔2019〕11号',
    (n) => {
      const r = refusal(validateDocument('hk_macau_permit', n, today));
      expect(r.code).toBe('invalid_id_number');
      expect(r.citation).toEqual(hkMacauCitation);
      expect(r.citation?.doc).toBe('西教发〔2019〕11号');
      expect(r.message.zh).toMatch(/H或M/);
    },
  );
});

describe('validateDocument: 军官证 and 护照', () => {
  it.each(['南字第1234567号', '北字第123456号', '海字第1234567890号', 'ABC123', 'abc123456789'])('accepts 军官证 %s', (n) => {
    expect(accepted(validateDocument('officer_id', n, today)).type).toBe('officer_id');
  });

  it.each(['南字第12345号', '字第1234567号', '南字第1234567', 'ABC12', 'ABCDEFGHIJKLM', 'AB-1234', ''])('refuses 军官证 %s', (n) => {
    const r = refusal(validateDocument('officer_id', n, today));
    expect(r.code).toBe('invalid_id_number');
    expect(r.citation).toEqual(documentCitation);
  });

  it.each([
    ['E12345678', 'E12345678'],
    ['e12345678', 'E12345678'],
    ['G1234', 'G1234'],
    ['Ａ１２３４５６', 'A123456'],
    ['12345678901234567', '12345678901234567'],
  ])('accepts 护照 %s as %s', (n, normalised) => {
    expect(accepted(validateDocument('passport', n, today))).toEqual({ type: 'passport', number: normalised });
  });

  it.each(['E123', '123456789012345678', 'E1234-5678', 'E12345678!', ''])('refuses 护照 %s', (n) => {
    const r = refusal(validateDocument('passport', n, today));
    expect(r.code).toBe('invalid_id_number');
    expect(r.message.en).toMatch(/5 to 17/);
  });
});

describe('validateDocument: document types', () => {
  it('knows exactly the four types the gazette names', () => {
    expect([...documentTypes]).toEqual(['resident_id', 'officer_id', 'passport', 'hk_macau_permit']);
  });

  it.each(['driver_licence', '', 'RESIDENT_ID', 'resident_id ', '__proto__', 'toString'])('refuses type %j as invalid_document_type', (type) => {
    const r = refusal(validateDocument(type, '11010519491231002X', today));
    expect(r.code).toBe('invalid_document_type');
    expect(r.citation).toEqual({ doc: '西卫〔2019〕5号', article: '第十六条' });
  });
});
