/**
 * Citation and Decision: how every rule in Yiwang explains itself.
 * A refusal is a value, never an HTTP error thrown from inside a rule;
 * platform/http decides the status code in one place.
 */

/** A pointer into the gazette: document number plus article or numbered clause. */
export interface Citation {
  /** e.g. '西卫〔2019〕5号' */
  readonly doc: string;
  /** e.g. '第十七条', or a clause path such as '三(一)1' for documents without articles. */
  readonly article: string;
}

export interface LocalizedText {
  readonly zh: string;
  readonly en: string;
}

/** One reason a rule gives: a stable code (also the translation key), text in both languages, and its law. */
export interface Reason {
  readonly code: string;
  readonly message: LocalizedText;
  readonly citation?: Citation;
}

export type Decision<T = undefined> =
  | { readonly allowed: true; readonly value: T; readonly notes?: readonly Reason[] }
  | { readonly allowed: false; readonly reasons: readonly Reason[] };

export function cite(doc: string, article: string): Citation {
  return { doc, article };
}

export function allow(): Decision<undefined>;
export function allow<T>(value: T, notes?: readonly Reason[]): Decision<T>;
export function allow<T>(value?: T, notes?: readonly Reason[]): Decision<T | undefined> {
  return notes && notes.length > 0 ? { allowed: true, value, notes } : { allowed: true, value };
}

export function refuse(...reasons: Reason[]): Decision<never> {
  if (reasons.length === 0) throw new Error('refuse() needs at least one reason');
  return { allowed: false, reasons };
}

export function reason(code: string, zh: string, en: string, citation?: Citation): Reason {
  return citation ? { code, message: { zh, en }, citation } : { code, message: { zh, en } };
}

/** "依据 西卫〔2019〕5号 第十七条" / "under 西卫〔2019〕5号 Article 第十七条" */
export function formatCitation(c: Citation, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  return locale === 'en' ? `under ${c.doc} ${c.article}` : `依据 ${c.doc} ${c.article}`;
}
