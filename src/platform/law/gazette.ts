/**
 * Law as data: the 2019 Xicheng gazette parsed into documents and citable articles.
 * parseGazette is pure; loading and caching live in index.ts.
 */
import { parseArticles } from './articles.ts';
import { findSignature } from './signature.ts';
import { findDocNumberLines, parseToc, type DocumentGroup, type TocEntry } from './toc.ts';
import { cleanLine } from './text.ts';

export type { DocumentGroup } from './toc.ts';

export interface Article {
  /** Anchor used in citations: '第十七条', '三(一)1', '附件2/一', '序言' … (scheme in articles.ts). */
  readonly id: string;
  /** Enclosing chapter or section titles joined by ' / ', '' when none. */
  readonly heading: string;
  /** The article's own lines (nested clauses are separate articles), joined by '\n'. */
  readonly text: string;
  /** 1-based position within the document. */
  readonly order: number;
  /** Id of the enclosing clause for nested clauses, else null. */
  readonly parentId: string | null;
}

export interface GazetteDocument {
  /** e.g. '西卫〔2019〕5号' */
  readonly docNumber: string;
  /** Title as printed in the table of contents, without the doc number. */
  readonly title: string;
  readonly group: DocumentGroup;
  /** Issuing bodies as signed at the end of the document. */
  readonly issuers: readonly string[];
  /** ISO date of signature. */
  readonly date: string;
  /** '此件公开发布', '此件主动公开', another 此件… note, or null when the document has none. */
  readonly disclosure: string | null;
  /** Text after the doc-number line up to the next document, cleaned and without blank lines. */
  readonly body: string;
  readonly articles: readonly Article[];
  /** 1-based position in the table of contents. */
  readonly order: number;
  /** Page in the printed gazette according to the table of contents. */
  readonly page: number;
}

export interface Gazette {
  /** '北京市西城区人民政府公报' */
  readonly title: string;
  readonly documents: readonly GazetteDocument[];
}

interface Span {
  readonly entry: TocEntry;
  /** Index of the doc-number line. */
  readonly numberLine: number;
  /** Index of the first line of the title block above it. */
  readonly titleStart: number;
}

/** Title blocks are the non-blank lines directly above the doc number (up to the previous document). */
function titleStart(lines: readonly string[], numberLine: number, floor: number): number {
  const blank = (k: number): boolean => cleanLine(lines[k] ?? '') === '';
  let i = numberLine - 1;
  while (i > floor + 1 && blank(i)) i--;
  while (i - 1 > floor && !blank(i - 1)) i--;
  return i;
}

function locate(lines: readonly string[], entries: readonly TocEntry[], tocEnd: number): Span[] {
  const numbers = findDocNumberLines(lines, tocEnd);
  const spans: Span[] = [];
  // readToc stops on the first document's title line, so that line belongs to the body.
  let floor = tocEnd - 1;
  for (const entry of entries) {
    const hit = numbers.find((n) => n.docNumber === entry.docNumber && n.line > floor);
    if (!hit) throw new Error(`gazette: ${entry.docNumber} is in the TOC but not in the body (or out of order)`);
    spans.push({ entry, numberLine: hit.line, titleStart: titleStart(lines, hit.line, floor) });
    floor = hit.line;
  }
  return spans;
}

function parseDocument(span: Span, rawLines: readonly string[], order: number): GazetteDocument {
  const { entry } = span;
  const lines = rawLines.map(cleanLine).filter((l) => l !== '');
  const signature = findSignature(lines);
  if (!signature) throw new Error(`gazette: no signature date in ${entry.docNumber}`);
  return {
    docNumber: entry.docNumber,
    title: entry.title,
    group: entry.group,
    issuers: signature.issuers,
    date: signature.date,
    disclosure: signature.disclosure,
    body: lines.join('\n'),
    articles: parseArticles(lines.slice(0, signature.start), lines.slice(signature.end + 1)),
    order,
    page: entry.page,
  };
}

export function parseGazette(text: string): Gazette {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const { entries, end } = parseToc(lines);
  const spans = locate(lines, entries, end);
  const documents = spans.map((span, i) => {
    const stop = spans[i + 1]?.titleStart ?? lines.length;
    return parseDocument(span, lines.slice(span.numberLine + 1, stop), i + 1);
  });
  const title = lines.map(cleanLine).find((l) => l !== '') ?? '';
  return { title, documents };
}
