import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Locale } from '../../platform/http/locale.ts';
import { formatInstant } from '../../platform/time/civil.ts';
import { maskDocumentNumber } from '../../platform/identity/masking.ts';
import { documentTypeLabels, type DocumentType } from '../../platform/identity/documents.ts';
import { dataItemLabels } from './data-items.ts';
import type { RecordView } from './record.ts';
import type { AccessEntry } from './record.ts';
import { actionText, purposeText, roleText } from './labels.ts';
import { describeHandBack } from './hand-back-text.ts';

/**
 * 第十五条 查询和复制服务: the resident's copy as a PDF. Chinese text needs a CJK font, which pdfkit
 * does not ship. We look, in order, at YIWANG_PDF_FONT, the npm package node-source-han-sans-sc
 * (Source Han Sans SC, OFL-1.1; works with `npm install` alone), then Debian's fonts-noto-cjk and
 * fonts-wqy-microhei. Without any, the PDF is refused (FHIR JSON still works).
 */
export interface CjkFont {
  readonly path: string;
  /** The face inside a .ttc collection. */
  readonly family?: string;
}

const debianFonts: readonly CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
];

export function findCjkFont(env: Readonly<Record<string, string | undefined>> = process.env): CjkFont | undefined {
  const fromEnv = env.YIWANG_PDF_FONT;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv, ...(env.YIWANG_PDF_FONT_FAMILY ? { family: env.YIWANG_PDF_FONT_FAMILY } : {}) } : undefined;
  try {
    const p = createRequire(import.meta.url).resolve('node-source-han-sans-sc/SourceHanSansSC-Regular.otf');
    if (existsSync(p)) return { path: p };
  } catch {
    // not installed
  }
  return debianFonts.find((f) => existsSync(f.path));
}

export class PdfFontMissing extends Error {
  constructor() {
    super('no CJK font for PDF copies: install node-source-han-sans-sc, or Debian fonts-noto-cjk, or set YIWANG_PDF_FONT');
  }
}

const kindOrder = ['family_doctor_contract', 'referral_hand_back', 'diagnosis', 'encounter', 'prescription', 'lab_result'] as const;

function describe(kind: string, d: Record<string, unknown>, en: boolean): string {
  const s = (k: string) => (d[k] === undefined || d[k] === null ? '' : String(d[k]));
  switch (kind) {
    case 'encounter':
      return `${s('start').slice(0, 10)} ${s('department')} ${s('doctorName')}：${s('summary')}`;
    case 'diagnosis':
      return `${s('diagnosedOn')} ${s('code')} ${s('display')}`;
    case 'prescription':
      return `${s('prescribedOn')} ${s('medication')} ${s('dose')} ${s('frequency')}${d.route ? ` ${s('route')}` : ''}${d.days ? (en ? ` ${s('days')} days` : ` ${s('days')}天`) : ''}`;
    case 'lab_result':
      return `${s('collectedAt').slice(0, 10)} ${s('name')} ${s('value')}${s('unit')}${d.referenceRange ? ` (${en ? 'ref' : '参考'} ${s('referenceRange')})` : ''}${d.abnormal === true ? (en ? ' abnormal' : ' 异常') : ''}`;
    case 'referral_hand_back':
      return describeHandBack(d, en);
    default:
      return `${s('signedOn')} ${en ? 'family doctor' : '家庭医生'} ${s('doctorName')}${d.validUntil ? (en ? ` until ${s('validUntil')}` : ` 有效至 ${s('validUntil')}`) : ''}${d.status === 'terminated' ? (en ? ' (terminated)' : '（已解约）') : ''}`;
  }
}

export async function renderRecordPdf(record: RecordView, person: { docType: string; docNumber: string }, access: readonly AccessEntry[], generatedAt: Date, locale: Locale, font: CjkFont | null = findCjkFont() ?? null): Promise<Buffer> {
  if (!font) throw new PdfFontMissing();
  const en = locale === 'en';
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: en ? 'Personal health record (copy)' : '居民健康档案（个人副本）', Author: '西城区居民健康档案中心', CreationDate: generatedAt } });
  doc.registerFont('cjk', font.path, font.family as string);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(en ? 'Xicheng resident health record — personal copy' : '西城区居民健康档案 个人副本');
  doc.moveDown(0.3).fontSize(9).fillColor('#505a5f').text(`${en ? 'Generated' : '生成时间'} ${formatInstant(generatedAt, locale)} · ${en ? 'Under 西卫〔2019〕4号 第十五条 (query and copy service)' : '依据 西卫〔2019〕4号 第十五条（查询和复制服务）'}`);
  doc.fillColor('#0b0c0c').moveDown();
  const b = record.basics;
  const docLabel = documentTypeLabels[person.docType as DocumentType];
  const rows: [string, string][] = [
    [en ? 'Name' : '姓名', record.name],
    [docLabel ? (en ? docLabel.en : docLabel.zh) : person.docType, maskDocumentNumber(person.docNumber)],
    [en ? 'Sex' : '性别', b?.sex === 'female' ? (en ? 'Female' : '女') : b?.sex === 'male' ? (en ? 'Male' : '男') : '—'],
    [en ? 'Date of birth' : '出生日期', b?.birthDate ?? '—'],
    [en ? 'Address' : '住址', b?.address ?? '—'],
  ];
  doc.fontSize(11);
  for (const [k, v] of rows) doc.text(`${k}：${v}`);
  for (const kind of kindOrder) {
    const docs = record.documents.filter((d) => d.kind === kind);
    if (docs.length === 0) continue;
    doc.moveDown().fontSize(13).text(en ? dataItemLabels[kind].en : dataItemLabels[kind].zh);
    doc.fontSize(10);
    for (const d of docs) doc.text(`• ${describe(kind, d.data, en)}  —  ${d.sourceOrganisationName}${d.version > 1 ? (en ? ` (v${d.version})` : `（第${d.version}版）`) : ''}`, { indent: 8 });
  }
  if (access.length) {
    doc.moveDown().fontSize(13).text(en ? 'Who accessed this record (latest 30)' : '访问记录（最近30条）');
    doc.fontSize(9);
    for (const a of access.slice(0, 30)) doc.text(`${formatInstant(new Date(a.at), locale)}  ${a.actorName}（${roleText(a.actorRole, en)}）${a.organisation ? ` ${a.organisation}` : ''}  ${actionText(a.action, en)}${a.purpose ? ` · ${purposeText(a.purpose, en)}` : ''}`, { indent: 8 });
  }
  doc.moveDown().fontSize(8).fillColor('#505a5f').text(en ? 'This copy is for the person named above. Health information is personal and confidential (西卫〔2019〕4号 第十三条).' : '本副本仅供本人使用。健康信息属于个人隐私信息（西卫〔2019〕4号 第十三条）。');
  doc.end();
  return done;
}
