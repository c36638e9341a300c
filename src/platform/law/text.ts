/**
 * Low-level text helpers shared by the gazette parser, search and lookups.
 * The gazette is a PDF→text conversion: punctuation switches between full and
 * half width, lines carry markdown debris ("**", "- "), and spacing is random.
 */

/** Full-width ASCII forms and the ideographic space to ASCII; one char in, one char out, so indices stay aligned. */
export function toHalfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** Traditional forms that actually occur in the gazette (the TOC spells 辦法 once). */
const TRADITIONAL_TO_SIMPLIFIED: ReadonlyMap<string, string> = new Map([['辦', '办']]);

export function toSimplified(s: string): string {
  let out = '';
  for (const ch of s) out += TRADITIONAL_TO_SIMPLIFIED.get(ch) ?? ch;
  return out;
}

/** Strip conversion debris: markdown bold, leading list bullets, surrounding whitespace. */
export function cleanLine(raw: string): string {
  return raw.replace(/\*\*/g, '').trim().replace(/^[-*•]\s+/, '').trim();
}

/** Remove every whitespace character (Chinese text carries no meaning in spaces). */
export function compact(s: string): string {
  return s.replace(/\s+/g, '');
}

/** Drop spaces next to CJK characters and collapse the rest; titles in the body are split by stray spaces. */
export function tidyCjkSpacing(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/ (?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])/g, '')
    .replace(/(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) /g, '')
    .trim();
}

const DIGIT_VALUES: ReadonlyMap<string, number> = new Map([
  ['〇', 0], ['零', 0], ['一', 1], ['二', 2], ['两', 2], ['三', 3], ['四', 4],
  ['五', 5], ['六', 6], ['七', 7], ['八', 8], ['九', 9],
]);

/** '三十五' → 35, '一百零二' → 102; null when the string is not a Chinese number below 1000. */
export function parseChineseNumber(s: string): number | null {
  if (s.length === 0) return null;
  let total = 0;
  let current = 0;
  for (const ch of s) {
    const digit = DIGIT_VALUES.get(ch);
    if (digit !== undefined) current = digit;
    else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else return null;
  }
  return total + current;
}

/** Positional digits as in years: '二〇一九' → 2019. */
export function parseChineseDigits(s: string): number | null {
  if (s.length === 0) return null;
  let value = 0;
  for (const ch of s) {
    const digit = DIGIT_VALUES.get(ch);
    if (digit === undefined) return null;
    value = value * 10 + digit;
  }
  return value;
}

const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** 17 → '十七', 35 → '三十五', 102 → '一百零二' (the forms used in 第X条). */
export function toChineseNumber(n: number): string {
  if (!Number.isInteger(n) || n <= 0 || n >= 1000) throw new RangeError(`unsupported number ${n}`);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let out = hundreds > 0 ? `${NUMERALS[hundreds]}百` : '';
  if (tens > 0) out += hundreds === 0 && tens === 1 ? '十' : `${NUMERALS[tens]}十`;
  else if (hundreds > 0 && ones > 0) out += '零';
  return out + NUMERALS[ones];
}

/** Arabic or Chinese numerals to a number (dates mix both: 二〇一九 is positional, 十三 is not). */
export function parseAnyNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  return /[十百]/.test(s) ? parseChineseNumber(s) : parseChineseDigits(s);
}

/** Canonical doc number: no spaces, brackets as 〔〕, e.g. '西教发〔2019〕10号'. */
export function normalizeDocNumber(s: string): string {
  return compact(toHalfWidth(s)).replace(/[[(【]/g, '〔').replace(/[\])】]/g, '〕');
}

/** Canonical article id: no spaces, half-width parentheses; '第17条' becomes '第十七条'. */
export function normalizeArticleId(s: string): string {
  const id = compact(toHalfWidth(s));
  const arabic = /^第(\d{1,3})条$/.exec(id);
  return arabic?.[1] ? `第${toChineseNumber(Number(arabic[1]))}条` : id;
}
