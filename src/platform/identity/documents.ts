import { allow, cite, reason, refuse, type Citation, type Decision } from '../law/decision.ts';

/**
 * The ID documents the gazette names: 西卫〔2019〕5号 第十六条 (二) lists 居民身份证、军官证、有效护照
 * 或港澳通行证; 西教发〔2019〕11号 fixes the 港澳居民来往内地通行证 format (H or M plus 8 digits).
 */
export const documentTypes = ['resident_id', 'officer_id', 'passport', 'hk_macau_permit'] as const;
export type DocumentType = (typeof documentTypes)[number];

export const documentTypeLabels: Record<DocumentType, { zh: string; en: string }> = {
  resident_id: { zh: '居民身份证', en: 'Resident identity card' },
  officer_id: { zh: '军官证', en: 'Military officer certificate' },
  passport: { zh: '护照', en: 'Passport' },
  hk_macau_permit: { zh: '港澳居民来往内地通行证', en: 'Mainland travel permit for HK and Macao residents' },
};

export const documentCitation: Citation = cite('西卫〔2019〕5号', '第十六条');
export const hkMacauCitation: Citation = cite('西教发〔2019〕11号', '三(三)4');

export interface ValidDocument {
  readonly type: DocumentType;
  readonly number: string;
  /** From a 居民身份证: 'YYYY-MM-DD'. */
  readonly birthDate?: string;
  readonly sex?: 'male' | 'female';
}

const checkWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCodes = '10X98765432';
const provinceCodes = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
  61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
]);

/** GB 11643-1999 check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (checkWeights[i] ?? 0);
  return checkCodes[sum % 11] ?? '?';
}

/**
 * Normalise and validate a document number. `today` ('YYYY-MM-DD', Shanghai) bounds birth dates;
 * callers pass it from the injected clock.
 */
export function validateDocument(type: string, rawNumber: string, today: string): Decision<ValidDocument> {
  const number = normalise(rawNumber);
  switch (type) {
    case 'resident_id':
      return validateResidentId(number, today);
    case 'officer_id':
      // 军官证 numbers are not standardised nationally: 'X字第NNNNNNN号' or a plain serial.
      return /^[\u4e00-\u9fa5]{1,4}字第\d{6,10}号$/.test(number) || /^[A-Z0-9]{6,12}$/.test(number)
        ? allow({ type, number })
        : invalid('军官证号码格式不正确（例如“南字第1234567号”）', 'Officer certificate number is malformed (e.g. 南字第1234567号)');
    case 'passport':
      return /^[A-Z0-9]{5,17}$/.test(number)
        ? allow({ type, number })
        : invalid('护照号码应为5至17位字母或数字', 'Passport number must be 5 to 17 letters or digits');
    case 'hk_macau_permit':
      return /^[HM]\d{8}$/.test(number)
        ? allow({ type, number })
        : refuse(
            reason(
              'invalid_id_number',
              '港澳居民来往内地通行证号码应为H或M开头的9位号码',
              'A Mainland travel permit number is H or M followed by 8 digits',
              hkMacauCitation,
            ),
          );
    default:
      return refuse(reason('invalid_document_type', '不支持的证件类型', 'Unsupported document type', documentCitation));
  }
}

function validateResidentId(number: string, today: string): Decision<ValidDocument> {
  if (!/^\d{17}[\dX]$/.test(number)) {
    return invalid('居民身份证号码应为18位（最后一位可为X）', 'A resident ID number has 18 characters (the last may be X)');
  }
  if (!provinceCodes.has(Number(number.slice(0, 2)))) {
    return invalid('居民身份证号码的地区码无效', 'The region code of the resident ID number is invalid');
  }
  const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
  if (!isRealDate(birthDate) || birthDate > today || birthDate < '1900-01-01') {
    return invalid('居民身份证号码中的出生日期无效', 'The birth date in the resident ID number is invalid');
  }
  if (residentIdCheckChar(number.slice(0, 17)) !== number[17]) {
    return invalid('居民身份证号码校验码错误（GB 11643-1999）', 'Resident ID check digit is wrong (GB 11643-1999)');
  }
  const sex = Number(number[16]) % 2 === 1 ? 'male' : 'female';
  return allow({ type: 'resident_id', number, birthDate, sex });
}

function invalid(zh: string, en: string): Decision<never> {
  return refuse(reason('invalid_id_number', zh, en, documentCitation));
}

function normalise(raw: string): string {
  // Full-width digits and letters are common from Chinese IMEs.
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
}

function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
