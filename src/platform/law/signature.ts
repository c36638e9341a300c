/**
 * The signature block that closes each document's own text:
 *   issuing bodies (one per line, sometimes wrapped mid-name)
 *   a date line (2019年1月31日, 2019 年 2 月 2 日, or 二〇一九年二月十三日)
 *   optionally a disclosure line such as （此件公开发布）.
 * Attachments (办法, 方案, forms) follow it in "印发" notices.
 */
import { compact, parseAnyNumber, toHalfWidth } from './text.ts';

export interface Signature {
  /** Index of the first issuer line (or of the date line when no issuer precedes it). */
  readonly start: number;
  /** Index of the last line of the block (date or disclosure). */
  readonly end: number;
  readonly issuers: readonly string[];
  /** ISO date. */
  readonly date: string;
  readonly disclosure: string | null;
}

const NUM = '(\\d{1,4}|[〇零一二三四五六七八九十]{1,4})';
const DATE_RE = new RegExp(`^${NUM}年${NUM}月${NUM}日$`);

/** ISO date from a line that is nothing but a date; null otherwise. */
export function parseDateLine(line: string): string | null {
  const m = DATE_RE.exec(compact(toHalfWidth(line)));
  if (!m?.[1] || !m[2] || !m[3]) return null;
  const [y, mo, d] = [parseAnyNumber(m[1]), parseAnyNumber(m[2]), parseAnyNumber(m[3])];
  if (y === null || mo === null || d === null || y < 1900 || mo < 1 || mo > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Only characters that occur in body names; list items ('2. …') and sentences are excluded by punctuation. */
const ISSUER_FRAGMENT_RE = /^[\u4e00-\u9fff（）()]{2,40}$/;
/** Endings of a complete body name; a fragment without one was wrapped onto the next line. */
const BODY_SUFFIX_RE = /(政府|办公室|委员会|局|委|厅|办|中心|院|所|部|会)$/;
const DISCLOSURE_RE = /^[（(]\s*(此件[^）)]*?)\s*[）)]$/;

function isIssuerFragment(line: string): boolean {
  const c = compact(line);
  return ISSUER_FRAGMENT_RE.test(c) && !c.startsWith('附件');
}

/** Join wrapped fragments ('北京市西城区城市管理' + '综合行政执法监察局') into whole names. */
function joinIssuers(lines: readonly string[]): string[] {
  const names: string[] = [];
  let pending = '';
  for (const token of lines.flatMap((l) => l.split(/\s+/)).filter(Boolean)) {
    pending += token;
    if (BODY_SUFFIX_RE.test(pending)) {
      names.push(pending);
      pending = '';
    }
  }
  if (pending) names.push(pending);
  return names;
}

/** Find the first signature block in a document's cleaned, non-empty lines. */
export function findSignature(lines: readonly string[]): Signature | null {
  const dateIndex = lines.findIndex((l) => parseDateLine(l) !== null);
  if (dateIndex < 0) return null;
  const date = parseDateLine(lines[dateIndex] ?? '') ?? '';
  let start = dateIndex;
  while (start > 0 && isIssuerFragment(lines[start - 1] ?? '')) start--;
  const next = lines[dateIndex + 1] ?? '';
  const disclosure = DISCLOSURE_RE.exec(compact(toHalfWidth(next)))?.[1] ?? null;
  return {
    start,
    end: disclosure === null ? dateIndex : dateIndex + 1,
    issuers: joinIssuers(lines.slice(start, dateIndex)),
    date,
    disclosure,
  };
}
