import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosis, encounter, openWorld, patient, type World } from './test-support.ts';
import { receiveUpload } from './upload.ts';
import { readRecord } from './record.ts';
import { findCjkFont, PdfFontMissing, renderRecordPdf } from './pdf.ts';

const font = findCjkFont();

describe('PDF copy (第十五条)', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld('sqlite');
    const d = w.staff['doctor.rmyy']!;
    await receiveUpload(w.t.db, w.clock, d.actor, { staffId: d.id, organisationId: w.orgs.hospital }, { items: [encounter('E-1'), diagnosis('D-1')] }, 'native');
  });
  afterAll(async () => w.t.cleanup());

  it('refuses to render without a CJK font rather than print empty boxes', async () => {
    const rec = await readRecord(w.t.db.kysely, 1);
    await expect(renderRecordPdf(rec!, { docType: 'resident_id', docNumber: patient().docNumber }, [], w.clock.now(), 'zh-CN', null)).rejects.toBeInstanceOf(PdfFontMissing);
    expect(findCjkFont({ YIWANG_PDF_FONT: '/nonexistent/font.otf' })).toBeUndefined();
  });

  // Runs where a CJK font is installed (node-source-han-sans-sc, Debian fonts-noto-cjk, or YIWANG_PDF_FONT).
  it.skipIf(!font)('renders the record with the font embedded', async () => {
    const rec = await readRecord(w.t.db.kysely, 1);
    const pdf = await renderRecordPdf(rec!, { docType: 'resident_id', docNumber: patient().docNumber }, [], w.clock.now(), 'zh-CN', font);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/FontFile[23]?/);
    expect(text).not.toContain(patient().docNumber); // the document number is masked in the copy
  });
});
