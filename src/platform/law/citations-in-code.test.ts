import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleExists } from './index.ts';

/** Every citation written in the code must point at a real article of the gazette. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

const citePattern = /cite\(\s*'([^']+)'\s*,\s*'([^']+)'\s*\)/g;

describe('citations in code', () => {
  const found: { file: string; doc: string; article: string }[] = [];
  for (const file of sourceFiles('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(citePattern)) {
      if (m[1] && m[2]) found.push({ file, doc: m[1], article: m[2] });
    }
  }

  it('finds the citations the platform makes', () => {
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  it.each(found.map((c) => [`${c.doc} ${c.article} (${c.file})`, c] as const))('%s exists in the gazette', (_label, c) => {
    expect(articleExists({ doc: c.doc, article: c.article })).toBe(true);
  });
});
