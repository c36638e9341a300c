/**
 * Recognisers for the numbering that structures gazette text: 第X条 articles,
 * 第X章 chapters, and the clause ladder 一、 → （一） → 1. → （1） → ①.
 * All take a cleaned line (see cleanLine) and accept full- or half-width punctuation.
 */
import { compact, parseChineseNumber, toHalfWidth } from './text.ts';

export type ClauseLevel = 1 | 2 | 3 | 4 | 5;

export interface ClauseMarker {
  readonly level: ClauseLevel;
  readonly ordinal: number;
  /** Path segment for the article id: '三', '(一)', '1', '(1)', '①'. */
  readonly label: string;
  /** Text after the marker on the same line. */
  readonly rest: string;
}

export interface ArticleLabel {
  /** e.g. '第十七条' */
  readonly label: string;
  readonly ordinal: number;
}

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
const CN = '一二三四五六七八九十';

const LEVEL_PATTERNS: ReadonlyArray<{ level: ClauseLevel; re: RegExp; label: (n: string) => string }> = [
  { level: 4, re: /^\(\s*(\d{1,3})\s*\)\s*/, label: (n) => `(${n})` },
  { level: 2, re: new RegExp(`^\\(\\s*([${CN}]{1,3})\\s*\\)\\s*`), label: (n) => `(${n})` },
  { level: 1, re: new RegExp(`^([${CN}]{1,3})\\s*、\\s*`), label: (n) => n },
  // '4.1' is a decimal section number inside a clause, not a list item, hence the digit look-ahead.
  { level: 3, re: /^(\d{1,3})[.、](?!\d)\s*/, label: (n) => n },
];

export function parseClauseMarker(line: string): ClauseMarker | null {
  const first = line.charAt(0);
  const circled = first ? CIRCLED.indexOf(first) : -1;
  if (circled >= 0) return { level: 5, ordinal: circled + 1, label: first, rest: line.slice(1).trim() };
  // toHalfWidth maps one char to one char, so match lengths index the original line.
  const hw = toHalfWidth(line);
  for (const { level, re, label } of LEVEL_PATTERNS) {
    const m = re.exec(hw);
    const n = m?.[1];
    if (!m || n === undefined) continue;
    const ordinal = /^\d+$/.test(n) ? Number(n) : parseChineseNumber(n);
    if (ordinal === null) continue;
    return { level, ordinal, label: label(n), rest: line.slice(m[0].length).trim() };
  }
  return null;
}

const ARTICLE_RE = /^第([一二三四五六七八九十百零〇两]{1,6})条(?:\s+|$)/;

export function parseArticleLabel(line: string): ArticleLabel | null {
  const m = ARTICLE_RE.exec(line);
  const n = m?.[1];
  if (n === undefined) return null;
  const ordinal = parseChineseNumber(n);
  return ordinal === null ? null : { label: `第${n}条`, ordinal };
}

/** '第三章 预约挂号' and a bare '附则' open a chapter in article-structured texts. */
export function isChapterLine(line: string): boolean {
  return /^第[一二三四五六七八九十]{1,3}章(?:\s|$)/.test(line) || compact(line) === '附则';
}

/** A short line without sentence punctuation or table cells: a title, not a paragraph. */
export function isHeadingLike(line: string): boolean {
  return line.length > 0 && line.length <= 40 && !line.includes('\t') && !/[。；;，,：:！!？?]/.test(line);
}

/** The text after a marker is the clause's own title when short and not a sentence. */
export function isClauseTitle(rest: string): boolean {
  return rest.length > 0 && rest.length <= 40 && !rest.includes('\t') && !/[。；;]/.test(rest);
}

/** Lines that end a sentence, so the next line starts fresh rather than continuing a page-broken paragraph. */
export function endsSentence(line: string): boolean {
  return /[。；;！!？?]$/.test(line);
}
