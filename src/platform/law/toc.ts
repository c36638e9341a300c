/**
 * The table of contents (目录) and the doc-number lines in the body.
 * TOC entries glue the title to the doc number ("…的通知西政发〔2019〕6号..... 25"),
 * and titles can end in characters that also start doc numbers (指南|京金服发), so
 * the split uses the doc numbers that stand alone on a body line.
 */
import { cleanLine, compact, normalizeDocNumber, tidyCjkSpacing, toSimplified } from './text.ts';

export const GROUPS = ['区政府文件', '区政府办文件', '部门文件'] as const;
export type DocumentGroup = (typeof GROUPS)[number];

export interface TocEntry {
  readonly docNumber: string;
  readonly title: string;
  readonly group: DocumentGroup;
  readonly page: number;
}

export interface BodyDocNumber {
  readonly docNumber: string;
  readonly line: number;
}

const TOC_ENTRY_RE = /^(.*〔\s*\d{4}\s*〕\s*\d+\s*号)\s*[.…·。]{2,}\s*(\d+)$/;
const DOC_NUMBER_LINE_RE = /^[\u4e00-\u9fff]{1,8}[〔[［]\d{4}[〕\]］]\d+号$/;

function isGroup(s: string): s is DocumentGroup {
  return (GROUPS as readonly string[]).includes(s);
}

interface RawEntry {
  readonly text: string;
  readonly group: DocumentGroup;
  readonly page: number;
}

/** Raw entries plus the index of the first line after the TOC. */
function readToc(lines: readonly string[]): { entries: RawEntry[]; end: number } {
  const start = lines.findIndex((l) => compact(l) === '目录');
  if (start < 0) throw new Error('gazette: table of contents (目录) not found');
  const entries: RawEntry[] = [];
  let group: DocumentGroup | null = null;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = cleanLine(lines[i] ?? '');
    if (line === '') continue;
    const header = /^【(.+)】$/.exec(compact(line))?.[1];
    if (header !== undefined) {
      if (!isGroup(header)) throw new Error(`gazette: unknown TOC group 【${header}】`);
      group = header;
      continue;
    }
    const m = TOC_ENTRY_RE.exec(line);
    if (!m?.[1] || !m[2]) break;
    if (group === null) throw new Error(`gazette: TOC entry before any group: ${line}`);
    entries.push({ text: compact(m[1]), group, page: Number(m[2]) });
  }
  if (entries.length === 0) throw new Error('gazette: table of contents is empty');
  return { entries, end: i };
}

/** Lines consisting of a doc number alone, e.g. '西教发〔2019〕10 号'. */
export function findDocNumberLines(lines: readonly string[], from: number): BodyDocNumber[] {
  const found: BodyDocNumber[] = [];
  for (let i = from; i < lines.length; i++) {
    const c = compact(cleanLine(lines[i] ?? ''));
    if (DOC_NUMBER_LINE_RE.test(c)) found.push({ docNumber: normalizeDocNumber(c), line: i });
  }
  return found;
}

export function parseToc(lines: readonly string[]): { entries: TocEntry[]; end: number } {
  const { entries, end } = readToc(lines);
  const known = findDocNumberLines(lines, end).map((d) => d.docNumber);
  return {
    end,
    entries: entries.map((e) => {
      const text = normalizeDocNumber(e.text);
      // Longest match wins so that '西政办发〔2019〕1号' is not read as a shorter number.
      const docNumber = known.filter((d) => text.endsWith(d)).sort((a, b) => b.length - a.length)[0];
      if (docNumber === undefined) throw new Error(`gazette: no body document for TOC entry ${e.text}`);
      const title = toSimplified(tidyCjkSpacing(e.text.slice(0, e.text.length - docNumber.length)));
      return { docNumber, title, group: e.group, page: e.page };
    }),
  };
}
