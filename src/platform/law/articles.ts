/**
 * Splits one document's text into citable articles. Id scheme (see README.md here):
 *   第X条 texts:      '第十七条'
 *   numbered clauses: path of markers, '三(一)1(2)①' (一、 / （一） / 1. / （1） / ①)
 *   free text:        '通知' (cover notice of an 印发 document), '序言' (before the first
 *                     article/clause), '附录' (after the signature, outside attachments)
 *   attachments:      '附件' (the 附件： line), '附件2' (attachment preamble), '附件2/一(一)',
 *                     '附表1' likewise
 *   repeats:          a label already used gets '~2', '~3' (e.g. '附件/1~2', '附件3/三~2')
 */
import type { Article } from './gazette.ts';
import {
  endsSentence,
  isChapterLine,
  isClauseTitle,
  isHeadingLike,
  parseArticleLabel,
  parseClauseMarker,
  type ClauseLevel,
  type ClauseMarker,
} from './markers.ts';
import { compact, tidyCjkSpacing, toHalfWidth } from './text.ts';

interface OpenClause {
  readonly id: string;
  readonly level: ClauseLevel;
  readonly ordinal: number;
  readonly segment: string;
  readonly title: string;
}

interface Draft {
  readonly id: string;
  readonly heading: string;
  readonly parentId: string | null;
  readonly lines: string[];
}

/** Numbering restarts under one parent (a second list headed '什刹海街道…') get suffix '~gen'. */
interface Generation {
  gen: number;
  /** Whether an item was opened in the current generation. */
  seen: boolean;
}

/** A short lead-in line ('什刹海街道 2019 年…', '【申请材料清单】') heading a list that restarts at 1. */
interface GroupHeading {
  readonly text: string;
  /** Stack depth of the list items it heads. */
  readonly depth: number;
}

const NUMBERED_ITEM_RE = /^(\d+)\s*[.、]\s*(.+)$/;

class ArticleScanner {
  private readonly articles: Article[] = [];
  private readonly used = new Set<string>();
  private draft: Draft | null = null;
  private prefix = '';
  private partTitle = '';
  private freeTextId = '序言';
  private stack: OpenClause[] = [];
  /** Per stack depth: how many times numbering has restarted under the current parent. */
  private generations: Generation[] = [];
  private lastOrdinal = new Map<ClauseLevel, number>();
  private articleMode = false;
  private lastArticle = 0;
  private chapter = '';
  private group: GroupHeading | null = null;
  private readonly attachmentNames = new Map<number, string>();
  private attachmentNo = 0;
  private collectingList = false;
  private previous = '';

  cover(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.open(this.unique('通知'), '', null, [...lines]);
  }

  feed(lines: readonly string[]): void {
    lines.forEach((line, i) => {
      this.line(line, lines[i + 1]);
      this.previous = line;
    });
  }

  /** Text after a signature that is not an attachment must not run on into the last clause. */
  signatureBreak(): void {
    this.flush();
    this.stack = [];
    this.generations = [];
    this.group = null;
    this.freeTextId = '附录';
  }

  finish(): Article[] {
    this.flush();
    return this.articles;
  }

  private line(line: string, next: string | undefined): void {
    if (this.collectingList) {
      const item = NUMBERED_ITEM_RE.exec(toHalfWidth(line));
      if (item?.[1] && item[2]) {
        this.attachmentNames.set(Number(item[1]), compact(item[2]));
        this.append(line);
        return;
      }
      this.collectingList = false;
    }
    if (this.attachmentLine(line) || this.attachmentStart(line, next)) return;
    if (isChapterLine(line)) return this.setChapter(line);

    const article = parseArticleLabel(line);
    if (article && article.ordinal === this.lastArticle + 1) {
      this.articleMode = true;
      this.lastArticle = article.ordinal;
      this.stack = [];
      const heading = joinHeading([this.prefix ? this.partTitle : '', this.chapter]);
      this.open(this.unique(this.prefixed(article.label)), heading, null, [line]);
      return;
    }

    const marker = parseClauseMarker(line);
    // '一、总则' directly above 第一条 is a chapter heading, not a clause.
    if (marker?.level === 1 && isClauseTitle(marker.rest) && next !== undefined) {
      const following = parseArticleLabel(next);
      if (following && following.ordinal === this.lastArticle + 1) return this.setChapter(line);
    }
    if (!this.articleMode && marker && this.accepts(marker)) return this.openClause(marker, line);
    if (!this.articleMode && this.isGroupHeading(line, next)) {
      this.flush();
      const level = parseClauseMarker(next ?? '')?.level ?? 1;
      const depth = this.stack.filter((s) => s.level < level).length;
      const generation = this.generationAt(depth);
      if (generation.seen) this.generations[depth] = { gen: generation.gen + 1, seen: false };
      this.group = { text: tidyCjkSpacing(line), depth };
      return;
    }
    this.append(line);
  }

  /** '附件：…' either lists numbered attachments or names the single attachment that follows. */
  private attachmentLine(line: string): boolean {
    const m = /^附件\s*[:：]\s*(.*)$/.exec(line);
    if (!m) return false;
    const rest = m[1] ?? '';
    const item = NUMBERED_ITEM_RE.exec(toHalfWidth(rest));
    if (rest === '' || item) {
      if (item?.[1] && item[2]) this.attachmentNames.set(Number(item[1]), compact(item[2]));
      this.collectingList = true;
      this.resetStructure();
      this.open(this.unique('附件'), '', null, [line]);
    } else {
      this.startPart('附件', rest, line);
    }
    return true;
  }

  /** '附件 1' / '附表 2' labels, or an unlabelled attachment recognised by its listed title. */
  private attachmentStart(line: string, next: string | undefined): boolean {
    const label = /^(附件|附表)(\d+)$/.exec(compact(line));
    if (label?.[1] && label[2]) {
      const n = Number(label[2]);
      const listed = label[1] === '附件' ? this.attachmentNames.get(n) : undefined;
      if (label[1] === '附件') this.attachmentNo = n;
      const title = listed ?? (next !== undefined && isHeadingLike(next) ? next : '');
      this.startPart(`${label[1]}${n}`, title, line);
      return true;
    }
    if (this.attachmentNames.size === 0 || line.length > 60 || line.includes('。')) return false;
    const c = compact(line);
    for (const [n, name] of this.attachmentNames) {
      // Titles may be listed truncated ('…小区固体废弃物' for '…小区固体废弃物管理实施方案').
      if (n > this.attachmentNo && (c === name || (name.length >= 6 && c.startsWith(name)))) {
        this.attachmentNo = n;
        this.startPart(`附件${n}`, line, line);
        return true;
      }
    }
    return false;
  }

  private startPart(prefix: string, title: string, line: string): void {
    this.prefix = prefix;
    this.partTitle = tidyCjkSpacing(title);
    this.freeTextId = prefix;
    this.resetStructure();
    this.open(this.unique(prefix), '', null, [line]);
  }

  private resetStructure(): void {
    this.flush();
    this.stack = [];
    this.generations = [];
    this.lastOrdinal = new Map();
    this.articleMode = false;
    this.lastArticle = 0;
    this.chapter = '';
    this.group = null;
  }

  private setChapter(line: string): void {
    this.flush();
    // Keep the space in '第三章 预约挂号'; only runs of spaces are collapsed.
    this.chapter = line.replace(/\s+/g, ' ');
    this.group = null;
  }

  /** Generation record for items at this depth; deeper records belong to the previous sibling and are dropped. */
  private generationAt(depth: number): Generation {
    this.generations.length = Math.min(this.generations.length, depth + 1);
    const existing = this.generations[depth];
    if (existing) return existing;
    const created: Generation = { gen: 1, seen: false };
    this.generations[depth] = created;
    return created;
  }

  /** Guards against lines that merely start with a number: the ordinal must continue a sequence. */
  private accepts(m: ClauseMarker): boolean {
    if (m.ordinal === 1) return true;
    const sibling = this.stack.find((s) => s.level === m.level);
    // Equal ordinals are kept: the gazette repeats '三、' in one attachment.
    if (sibling && (m.ordinal === sibling.ordinal + 1 || m.ordinal === sibling.ordinal)) return true;
    // Task tables excerpt sections of a larger plan (一、三、五、七、); Chinese-numeral sections may skip forward.
    if (sibling && m.level <= 2 && m.ordinal > sibling.ordinal) return true;
    // Some texts number items continuously across sections (一、 1–3, 二、 4–6).
    return this.lastOrdinal.get(m.level) === m.ordinal - 1;
  }

  private openClause(m: ClauseMarker, line: string): void {
    this.stack = this.stack.filter((s) => s.level < m.level);
    const depth = this.stack.length;
    if (this.group && this.group.depth > depth) this.group = null;
    const path = this.stack.map((s) => s.segment).join('');
    const generation = this.generationAt(depth);
    const segmentFor = (gen: number): string => (gen > 1 ? `${m.label}~${gen}` : m.label);
    // A label seen before under the same parent means the numbering restarted without a heading.
    while (this.used.has(this.prefixed(path + segmentFor(generation.gen)))) generation.gen++;
    generation.seen = true;
    const segment = segmentFor(generation.gen);
    const id = this.prefixed(path + segment);
    const titles = this.stack.map((s) => s.title);
    if (this.group) titles.splice(this.group.depth, 0, this.group.text);
    const heading = joinHeading([this.prefix ? this.partTitle : '', ...titles]);
    this.open(id, heading, this.stack.at(-1)?.id ?? null, [line]);
    const title = isClauseTitle(m.rest) ? tidyCjkSpacing(m.rest) : '';
    this.stack.push({ id, level: m.level, ordinal: m.ordinal, segment, title });
    this.lastOrdinal.set(m.level, m.ordinal);
  }

  private isGroupHeading(line: string, next: string | undefined): boolean {
    if (next === undefined || !isHeadingLike(line.replace(/[:：]$/, ''))) return false;
    const following = parseClauseMarker(next);
    if (following?.ordinal !== 1) return false;
    // A line continuing a page-broken sentence is not a heading.
    const atPartStart = this.draft !== null && this.draft.id === this.prefix && this.draft.lines.length === 1;
    return this.draft === null || atPartStart || endsSentence(this.previous);
  }

  private append(line: string): void {
    if (this.draft) this.draft.lines.push(line);
    else this.open(this.unique(this.prefixed(this.freeTextId)), '', null, [line]);
  }

  private prefixed(id: string): string {
    return this.prefix && id !== this.prefix ? `${this.prefix}/${id}` : id;
  }

  private unique(id: string): string {
    let candidate = id;
    for (let k = 2; this.used.has(candidate); k++) candidate = `${id}~${k}`;
    return candidate;
  }

  private open(id: string, heading: string, parentId: string | null, lines: string[]): void {
    this.flush();
    this.used.add(id);
    this.draft = { id, heading, parentId, lines };
  }

  private flush(): void {
    if (!this.draft) return;
    const { id, heading, parentId, lines } = this.draft;
    this.articles.push({ id, heading, text: lines.join('\n'), order: this.articles.length + 1, parentId });
    this.draft = null;
  }
}

function joinHeading(parts: readonly string[]): string {
  return parts.filter(Boolean).join(' / ');
}

/** Whether lines carry numbered structure (articles or clauses) rather than plain notice prose. */
function hasStructure(lines: readonly string[]): boolean {
  return lines.some((l) => parseArticleLabel(l)?.ordinal === 1 || parseClauseMarker(l) !== null);
}

/**
 * Articles of one document given its cleaned lines before and after the signature block.
 * In an 印发 notice the prose before the signature is the cover notice and the structured
 * text after it is what matters; otherwise the document's own text precedes the signature.
 */
export function parseArticles(beforeSignature: readonly string[], afterSignature: readonly string[]): Article[] {
  const scanner = new ArticleScanner();
  if (!hasStructure(beforeSignature) && hasStructure(afterSignature)) {
    scanner.cover(beforeSignature);
    const [first, ...rest] = afterSignature;
    // The first line is the attached text's own title, already part of the document title.
    const titled = first !== undefined && isHeadingLike(first) && parseClauseMarker(first) === null;
    scanner.feed(titled ? rest : afterSignature);
  } else {
    scanner.feed(beforeSignature);
    scanner.signatureBreak();
    scanner.feed(afterSignature);
  }
  return scanner.finish();
}
