/**
 * The gazette as a process-wide, read-once resource, plus lookups that let rules and
 * tests verify that every Citation points at a real article.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Citation } from './decision.ts';
import { parseGazette, type Article, type Gazette, type GazetteDocument } from './gazette.ts';
import { normalizeArticleId, normalizeDocNumber } from './text.ts';

export type { Article, DocumentGroup, Gazette, GazetteDocument } from './gazette.ts';
export { parseGazette } from './gazette.ts';
export { searchLaw, type MatchRange, type SearchHit } from './search.ts';

/** Repo-relative location of the gazette text, independent of the working directory. */
export const DEFAULT_GAZETTE_PATH = new URL('../../../law/xicheng-gazette-2019.txt', import.meta.url);

const loaded = new Map<string, Gazette>();

/** Parse the gazette at path once per process; later calls return the same object. */
export function loadGazette(path: string | URL = DEFAULT_GAZETTE_PATH): Gazette {
  const key = typeof path === 'string' ? path : fileURLToPath(path);
  const cached = loaded.get(key);
  if (cached) return cached;
  const gazette = parseGazette(readFileSync(key, 'utf8'));
  loaded.set(key, gazette);
  return gazette;
}

interface DocumentEntry {
  readonly doc: GazetteDocument;
  readonly articles: ReadonlyMap<string, Article>;
}

const lookups = new WeakMap<Gazette, ReadonlyMap<string, DocumentEntry>>();

function lookupOf(gazette: Gazette): ReadonlyMap<string, DocumentEntry> {
  const cached = lookups.get(gazette);
  if (cached) return cached;
  const built = new Map(
    gazette.documents.map((doc) => [doc.docNumber, { doc, articles: new Map(doc.articles.map((a) => [a.id, a])) }]),
  );
  lookups.set(gazette, built);
  return built;
}

/** By doc number; tolerant of spacing and bracket style ('西教发〔2019〕10 号', '西卫[2019]5号'). */
export function findDocument(docNumber: string, gazette: Gazette = loadGazette()): GazetteDocument | undefined {
  return lookupOf(gazette).get(normalizeDocNumber(docNumber))?.doc;
}

/** By doc number and article id; ids tolerate spacing, full-width brackets and '第17条'. */
export function findArticle(docNumber: string, articleId: string, gazette: Gazette = loadGazette()): Article | undefined {
  return lookupOf(gazette).get(normalizeDocNumber(docNumber))?.articles.get(normalizeArticleId(articleId));
}

export function articleExists(citation: Citation, gazette: Gazette = loadGazette()): boolean {
  return findArticle(citation.doc, citation.article, gazette) !== undefined;
}
