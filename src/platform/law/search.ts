/**
 * Substring search over the gazette. Chinese has no word breaks, so every term is matched
 * as a substring after folding width, case, traditional forms and whitespace; snippets keep
 * the original characters and report where the terms are so a page can highlight them.
 */
import type { Article, Gazette, GazetteDocument } from './gazette.ts';
import { toHalfWidth, toSimplified } from './text.ts';

export interface MatchRange {
  /** Offsets into SearchHit.snippet, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface SearchHit {
  readonly docNumber: string;
  /** null when the hit is the document title itself. */
  readonly articleId: string | null;
  /** Document title. */
  readonly title: string;
  /** Article heading ('' for title hits). */
  readonly heading: string;
  /** Text around the first match, whitespace collapsed, '…' where cut. */
  readonly snippet: string;
  /** Every term occurrence inside the snippet, in order; the first is the first match. */
  readonly matches: readonly MatchRange[];
  /** The query with its spaces removed occurs verbatim. */
  readonly exactPhrase: boolean;
}

/** Characters of context on each side of the first match. */
const SNIPPET_RADIUS = 30;
const DEFAULT_LIMIT = 20;

/** Display text plus its folded form and, per folded char, the display offset it came from. */
interface Folded {
  readonly display: string;
  readonly folded: string;
  readonly origin: readonly number[];
}

interface IndexedArticle {
  readonly article: Article;
  readonly heading: Folded;
  readonly text: Folded;
}

interface IndexedDocument {
  readonly doc: GazetteDocument;
  readonly title: Folded;
  readonly articles: readonly IndexedArticle[];
}

function foldChars(s: string): string {
  return toSimplified(toHalfWidth(s)).toLowerCase();
}

function fold(text: string): Folded {
  const display = text.replace(/\s+/g, ' ').trim();
  let folded = '';
  const origin: number[] = [];
  let offset = 0;
  for (const ch of display) {
    if (ch !== ' ') {
      for (const unit of foldChars(ch)) {
        folded += unit;
        origin.push(offset);
      }
    }
    offset += ch.length;
  }
  return { display, folded, origin };
}

const indexes = new WeakMap<Gazette, readonly IndexedDocument[]>();

function indexOf(gazette: Gazette): readonly IndexedDocument[] {
  const cached = indexes.get(gazette);
  if (cached) return cached;
  const built = gazette.documents.map((doc) => ({
    doc,
    title: fold(doc.title),
    articles: doc.articles.map((article) => ({ article, heading: fold(article.heading), text: fold(article.text) })),
  }));
  indexes.set(gazette, built);
  return built;
}

/** Terms of a query: split on any whitespace (full-width included), folded, deduplicated. */
/** Everyday words for the gazette's own terms (residents say 电脑派位; 西教发〔2019〕10号 says 计算机派位). */
const synonyms: readonly (readonly [string, string])[] = [['电脑', '计算机']];

export function queryTerms(query: string): string[] {
  const terms = toHalfWidth(query)
    .split(/\s+/)
    .map(foldChars)
    .map((t) => synonyms.reduce((acc, [said, written]) => acc.split(said).join(written), t))
    .filter((t) => t !== '');
  return [...new Set(terms)];
}

/**
 * Display ranges of every occurrence of the terms, sorted and merged so highlights never overlap.
 * The phrase is searched too so that '西城区 2019 年' highlights as one span across the spaces.
 */
function ranges(f: Folded, terms: readonly string[], phrase: string): MatchRange[] {
  const found: MatchRange[] = [];
  for (const term of [phrase, ...terms]) {
    for (let at = f.folded.indexOf(term); at >= 0; at = f.folded.indexOf(term, at + 1)) {
      const start = f.origin[at] ?? 0;
      const last = f.origin[at + term.length - 1] ?? start;
      found.push({ start, end: last + ((f.display.codePointAt(last) ?? 0) > 0xffff ? 2 : 1) });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MatchRange[] = [];
  for (const r of found) {
    const prev = merged.at(-1);
    if (prev && r.start <= prev.end) merged[merged.length - 1] = { start: prev.start, end: Math.max(prev.end, r.end) };
    else merged.push(r);
  }
  return merged;
}

function snippet(f: Folded, found: readonly MatchRange[]): { snippet: string; matches: MatchRange[] } {
  const first = found[0];
  if (!first) {
    const cut = f.display.length > 2 * SNIPPET_RADIUS;
    return { snippet: cut ? `${f.display.slice(0, 2 * SNIPPET_RADIUS)}…` : f.display, matches: [] };
  }
  const from = Math.max(0, first.start - SNIPPET_RADIUS);
  const to = Math.min(f.display.length, first.end + SNIPPET_RADIUS);
  const lead = from > 0 ? '…' : '';
  const shift = lead.length - from;
  return {
    snippet: lead + f.display.slice(from, to) + (to < f.display.length ? '…' : ''),
    matches: found.filter((r) => r.start >= from && r.end <= to).map((r) => ({ start: r.start + shift, end: r.end + shift })),
  };
}

interface Ranked {
  readonly hit: SearchHit;
  /** 0/1 title with/without the exact phrase, 2/3 article with/without it. */
  readonly tier: number;
  readonly count: number;
  readonly docOrder: number;
  readonly articleOrder: number;
}

function titleHit(d: IndexedDocument, terms: readonly string[], phrase: string): Ranked | null {
  if (!terms.every((t) => d.title.folded.includes(t))) return null;
  const found = ranges(d.title, terms, phrase);
  const hit: SearchHit = {
    docNumber: d.doc.docNumber,
    articleId: null,
    title: d.doc.title,
    heading: '',
    snippet: d.title.display,
    matches: found,
    exactPhrase: d.title.folded.includes(phrase),
  };
  return { hit, tier: hit.exactPhrase ? 0 : 1, count: found.length, docOrder: d.doc.order, articleOrder: 0 };
}

function articleHit(d: IndexedDocument, a: IndexedArticle, terms: readonly string[], phrase: string): Ranked | null {
  const inText = terms.filter((t) => a.text.folded.includes(t));
  // Terms may be satisfied by the title or heading, but the article's own text must match something.
  if (inText.length === 0) return null;
  if (!terms.every((t) => inText.includes(t) || a.heading.folded.includes(t) || d.title.folded.includes(t))) return null;
  const found = ranges(a.text, inText, phrase);
  const exactPhrase = a.text.folded.includes(phrase);
  const hit: SearchHit = {
    docNumber: d.doc.docNumber,
    articleId: a.article.id,
    title: d.doc.title,
    heading: a.article.heading,
    ...snippet(a.text, found),
    exactPhrase,
  };
  return { hit, tier: exactPhrase ? 2 : 3, count: found.length, docOrder: d.doc.order, articleOrder: a.article.order };
}

/**
 * Documents and articles containing every space-separated term of the query.
 * Title hits come first, then articles containing the whole query verbatim, then the rest;
 * within a tier more occurrences rank higher, ties keep gazette order.
 */
export function searchLaw(gazette: Gazette, query: string, limit: number = DEFAULT_LIMIT): SearchHit[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || limit <= 0) return [];
  const phrase = terms.join('');
  const ranked: Ranked[] = [];
  for (const d of indexOf(gazette)) {
    const t = titleHit(d, terms, phrase);
    if (t) ranked.push(t);
    for (const a of d.articles) {
      const r = articleHit(d, a, terms, phrase);
      if (r) ranked.push(r);
    }
  }
  ranked.sort(
    (x, y) => x.tier - y.tier || y.count - x.count || x.docOrder - y.docOrder || x.articleOrder - y.articleOrder,
  );
  return ranked.slice(0, limit).map((r) => r.hit);
}
