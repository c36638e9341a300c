import { documentTypes, validateDocument, type DocumentType } from '../../platform/identity/documents.ts';
import type { Citation, LocalizedText } from '../../platform/law/decision.ts';
import { isCivilDate } from '../../platform/time/civil.ts';
import { parseIsoInstant } from '../../platform/time/iso-instant.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import { identityCitation, qualityCitation } from './citations.ts';
import { uploadKinds, type UploadKind } from './data-items.ts';

/**
 * The native upload format (documented in UPLOAD-FORMAT.md). Validation is pure and reports every
 * bad field, so an institution can fix a batch in one pass; one bad field refuses the whole batch.
 */
export interface PatientRef {
  localId: string;
  docType: DocumentType;
  docNumber: string;
  name: string;
  phone?: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  ethnicity?: string;
  address?: string;
}

export interface EncounterData {
  class: 'outpatient' | 'inpatient' | 'emergency' | 'home_visit';
  start: string;
  end?: string;
  department?: string;
  doctorName?: string;
  chiefComplaint?: string;
  summary: string;
}
export interface DiagnosisData {
  code: string;
  display: string;
  diagnosedOn: string;
  status?: 'confirmed' | 'provisional';
  encounterId?: string;
}
export interface PrescriptionData {
  medication: string;
  code?: string;
  dose: string;
  route?: string;
  frequency: string;
  days?: number;
  quantity?: string;
  prescribedOn: string;
  encounterId?: string;
}
export interface LabResultData {
  code?: string;
  name: string;
  value: number | string;
  unit?: string;
  referenceRange?: string;
  abnormal?: boolean;
  collectedAt: string;
}
export interface ContractData {
  doctorName: string;
  doctorUsername?: string;
  team?: string;
  signedOn: string;
  validUntil?: string | null;
  status?: 'active' | 'terminated';
}

export type RecordData = EncounterData | DiagnosisData | PrescriptionData | LabResultData | ContractData;

export interface UploadItem {
  kind: UploadKind;
  id: string;
  patient: PatientRef;
  data: RecordData;
}

export interface ValidItem extends UploadItem {
  /** The civil date the record is about, for ordering. */
  occurredOn: string;
}

export interface FieldProblem {
  readonly path: string;
  readonly code: string;
  readonly message: LocalizedText;
  readonly citation: Citation;
}

export const maxItemsPerUpload = 500;

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: FieldProblem[] = [];
  constructor(readonly today: string) {}
  add(path: string, code: string, zh: string, en: string, citation: Citation = qualityCitation): void {
    this.problems.push({ path, code, message: { zh: `${path}：${zh}`, en: `${path}: ${en}` }, citation });
  }
  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.add(path, 'expected_object', '应为对象', 'must be an object');
    return undefined;
  }
  /** Unknown fields are errors, not silently dropped (一数一源: nothing arrives that we cannot place). */
  known(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.add(`${path}.${k}`, 'unknown_field', '不接受的字段', 'unknown field');
  }
  text(o: Obj, key: string, path: string, opts: { required: boolean; max?: number; pattern?: RegExp; patternHint?: [string, string] }): string | undefined {
    const v = o[key];
    const p = `${path}.${key}`;
    if (v === undefined || v === null) {
      if (opts.required) this.add(p, 'required', '必填', 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(p, 'expected_text', '应为非空文本', 'must be non-empty text');
      return undefined;
    }
    if (v.length > (opts.max ?? 2000)) {
      this.add(p, 'too_long', `不得超过${opts.max ?? 2000}个字符`, `must be at most ${opts.max ?? 2000} characters`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      const [zh, en] = opts.patternHint ?? ['格式不正确', 'is malformed'];
      this.add(p, 'bad_format', zh, en);
      return undefined;
    }
    return v;
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[], required: boolean): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${key}`, 'required', '必填', 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.add(`${path}.${key}`, 'not_allowed', `应为 ${values.join(' / ')} 之一`, `must be one of ${values.join(', ')}`);
      return undefined;
    }
    return v as T;
  }
  date(o: Obj, key: string, path: string, opts: { required: boolean; notFuture: boolean }): string | undefined {
    const v = this.text(o, key, path, { required: opts.required, max: 10 });
    if (v === undefined) return undefined;
    if (!isCivilDate(v)) {
      this.add(`${path}.${key}`, 'bad_date', '应为日期 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
      return undefined;
    }
    if (opts.notFuture && v > this.today) {
      this.add(`${path}.${key}`, 'future_date', '不能晚于今天', 'cannot be in the future');
      return undefined;
    }
    return v;
  }
  instant(o: Obj, key: string, path: string, required: boolean): string | undefined {
    const v = this.text(o, key, path, { required, max: 40 });
    if (v === undefined) return undefined;
    let d: Date;
    try {
      d = parseIsoInstant(v);
    } catch {
      this.add(`${path}.${key}`, 'bad_instant', '应为带时区的时间，例如 2019-06-15T09:00:00+08:00', 'must be an instant with offset, e.g. 2019-06-15T09:00:00+08:00');
      return undefined;
    }
    if (civilDateOf(d) > this.today) {
      this.add(`${path}.${key}`, 'future_date', '不能晚于今天', 'cannot be in the future');
      return undefined;
    }
    return d.toISOString();
  }
}

const icd10 = /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/;
const loinc = /^\d{1,7}-\d$/;

function checkPatient(c: Checker, v: unknown, path: string): PatientRef | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  c.known(o, path, ['localId', 'docType', 'docNumber', 'name', 'phone', 'sex', 'birthDate', 'ethnicity', 'address']);
  const localId = c.text(o, 'localId', path, { required: true, max: 64 });
  const docType = c.oneOf(o, 'docType', path, documentTypes, true);
  const rawNumber = c.text(o, 'docNumber', path, { required: true, max: 40 });
  const name = c.text(o, 'name', path, { required: true, max: 40 });
  const phone = c.text(o, 'phone', path, { required: false, max: 11, pattern: /^1\d{10}$/, patternHint: ['手机号码应为11位数字', 'must be an 11-digit mobile number'] });
  const sex = c.oneOf(o, 'sex', path, ['male', 'female'] as const, false);
  const birthDate = c.date(o, 'birthDate', path, { required: false, notFuture: true });
  const ethnicity = c.text(o, 'ethnicity', path, { required: false, max: 20 });
  const address = c.text(o, 'address', path, { required: false, max: 200 });
  if (!localId || !docType || !rawNumber || !name) return undefined;
  const doc = validateDocument(docType, rawNumber, c.today);
  if (!doc.allowed) {
    for (const r of doc.reasons) c.add(`${path}.docNumber`, r.code, r.message.zh, r.message.en, r.citation ?? identityCitation);
    return undefined;
  }
  // The ID card states birth date and sex; an upload that contradicts it names the wrong person
  // or carries a typing error, and either way must be checked at source (第八条 信息复核).
  if (doc.value.birthDate && birthDate && birthDate !== doc.value.birthDate) {
    c.add(`${path}.birthDate`, 'contradicts_document', `与居民身份证号码中的出生日期（${doc.value.birthDate}）不一致`, `contradicts the birth date in the ID number (${doc.value.birthDate})`, identityCitation);
  }
  if (doc.value.sex && sex && sex !== doc.value.sex) {
    c.add(`${path}.sex`, 'contradicts_document', '与居民身份证号码中的性别不一致', 'contradicts the sex in the ID number', identityCitation);
  }
  const ref: PatientRef = { localId, docType, docNumber: doc.value.number, name: name.trim() };
  const resolvedSex = sex ?? doc.value.sex;
  const resolvedBirth = birthDate ?? doc.value.birthDate;
  if (phone) ref.phone = phone;
  if (resolvedSex) ref.sex = resolvedSex;
  if (resolvedBirth) ref.birthDate = resolvedBirth;
  if (ethnicity) ref.ethnicity = ethnicity;
  if (address) ref.address = address;
  return ref;
}

function checkData(c: Checker, kind: UploadKind, v: unknown, path: string): { data: RecordData; occurredOn: string } | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  const before = c.problems.length;
  let out: { data: RecordData; occurredOn: string | undefined } | undefined;
  switch (kind) {
    case 'encounter': {
      c.known(o, path, ['class', 'start', 'end', 'department', 'doctorName', 'chiefComplaint', 'summary']);
      const cls = c.oneOf(o, 'class', path, ['outpatient', 'inpatient', 'emergency', 'home_visit'] as const, true);
      const start = c.instant(o, 'start', path, true);
      const end = c.instant(o, 'end', path, false);
      if (start && end && end < start) c.add(`${path}.end`, 'end_before_start', '结束时间早于开始时间', 'ends before it starts');
      const d: EncounterData = { class: cls ?? 'outpatient', start: start ?? '', summary: c.text(o, 'summary', path, { required: true, max: 4000 }) ?? '' };
      const department = c.text(o, 'department', path, { required: false, max: 60 });
      const doctorName = c.text(o, 'doctorName', path, { required: false, max: 40 });
      const chief = c.text(o, 'chiefComplaint', path, { required: false, max: 500 });
      if (end) d.end = end;
      if (department) d.department = department;
      if (doctorName) d.doctorName = doctorName;
      if (chief) d.chiefComplaint = chief;
      out = { data: d, occurredOn: start ? civilDateOf(new Date(start)) : undefined };
      break;
    }
    case 'diagnosis': {
      c.known(o, path, ['code', 'display', 'diagnosedOn', 'status', 'encounterId']);
      const code = c.text(o, 'code', path, { required: true, max: 10, pattern: icd10, patternHint: ['应为ICD-10编码，例如 I10 或 E11.9', 'must be an ICD-10 code such as I10 or E11.9'] });
      const d: DiagnosisData = { code: code ?? '', display: c.text(o, 'display', path, { required: true, max: 200 }) ?? '', diagnosedOn: c.date(o, 'diagnosedOn', path, { required: true, notFuture: true }) ?? '' };
      const status = c.oneOf(o, 'status', path, ['confirmed', 'provisional'] as const, false);
      const enc = c.text(o, 'encounterId', path, { required: false, max: 64 });
      if (status) d.status = status;
      if (enc) d.encounterId = enc;
      out = { data: d, occurredOn: d.diagnosedOn || undefined };
      break;
    }
    case 'prescription': {
      c.known(o, path, ['medication', 'code', 'dose', 'route', 'frequency', 'days', 'quantity', 'prescribedOn', 'encounterId']);
      const d: PrescriptionData = {
        medication: c.text(o, 'medication', path, { required: true, max: 200 }) ?? '',
        dose: c.text(o, 'dose', path, { required: true, max: 60 }) ?? '',
        frequency: c.text(o, 'frequency', path, { required: true, max: 60 }) ?? '',
        prescribedOn: c.date(o, 'prescribedOn', path, { required: true, notFuture: true }) ?? '',
      };
      const code = c.text(o, 'code', path, { required: false, max: 40 });
      const route = c.text(o, 'route', path, { required: false, max: 40 });
      const quantity = c.text(o, 'quantity', path, { required: false, max: 40 });
      const enc = c.text(o, 'encounterId', path, { required: false, max: 64 });
      if (o.days !== undefined) {
        if (typeof o.days !== 'number' || !Number.isInteger(o.days) || o.days < 1 || o.days > 366) c.add(`${path}.days`, 'bad_number', '应为1至366的整数', 'must be a whole number from 1 to 366');
        else d.days = o.days;
      }
      if (code) d.code = code;
      if (route) d.route = route;
      if (quantity) d.quantity = quantity;
      if (enc) d.encounterId = enc;
      out = { data: d, occurredOn: d.prescribedOn || undefined };
      break;
    }
    case 'lab_result': {
      c.known(o, path, ['code', 'name', 'value', 'unit', 'referenceRange', 'abnormal', 'collectedAt']);
      const code = c.text(o, 'code', path, { required: false, max: 10, pattern: loinc, patternHint: ['应为LOINC编码，例如 2345-7', 'must be a LOINC code such as 2345-7'] });
      const name = c.text(o, 'name', path, { required: true, max: 100 }) ?? '';
      let value: number | string = '';
      if (typeof o.value === 'number' && Number.isFinite(o.value)) value = o.value;
      else if (typeof o.value === 'string' && o.value.trim() !== '' && o.value.length <= 200) value = o.value;
      else c.add(`${path}.value`, o.value === undefined ? 'required' : 'bad_value', o.value === undefined ? '必填' : '应为数值或文本', o.value === undefined ? 'is required' : 'must be a number or text');
      const collectedAt = c.instant(o, 'collectedAt', path, true);
      const d: LabResultData = { name, value, collectedAt: collectedAt ?? '' };
      const unit = c.text(o, 'unit', path, { required: false, max: 30 });
      const range = c.text(o, 'referenceRange', path, { required: false, max: 60 });
      if (o.abnormal !== undefined) {
        if (typeof o.abnormal !== 'boolean') c.add(`${path}.abnormal`, 'bad_value', '应为 true 或 false', 'must be true or false');
        else d.abnormal = o.abnormal;
      }
      if (code) d.code = code;
      if (unit) d.unit = unit;
      if (range) d.referenceRange = range;
      out = { data: d, occurredOn: collectedAt ? civilDateOf(new Date(collectedAt)) : undefined };
      break;
    }
    case 'family_doctor_contract': {
      c.known(o, path, ['doctorName', 'doctorUsername', 'team', 'signedOn', 'validUntil', 'status']);
      const signedOn = c.date(o, 'signedOn', path, { required: true, notFuture: true });
      const d: ContractData = { doctorName: c.text(o, 'doctorName', path, { required: true, max: 40 }) ?? '', signedOn: signedOn ?? '' };
      if (o.validUntil !== null && o.validUntil !== undefined) {
        const until = c.date(o, 'validUntil', path, { required: false, notFuture: false });
        if (until && signedOn && until < signedOn) c.add(`${path}.validUntil`, 'end_before_start', '有效期早于签约日期', 'ends before it was signed');
        if (until) d.validUntil = until;
      } else d.validUntil = null;
      const username = c.text(o, 'doctorUsername', path, { required: false, max: 64 });
      const team = c.text(o, 'team', path, { required: false, max: 60 });
      const status = c.oneOf(o, 'status', path, ['active', 'terminated'] as const, false);
      if (username) d.doctorUsername = username;
      if (team) d.team = team;
      d.status = status ?? 'active';
      out = { data: d, occurredOn: signedOn };
      break;
    }
  }
  if (c.problems.length > before || !out?.occurredOn) return undefined;
  return { data: out.data, occurredOn: out.occurredOn };
}

/** Validate a whole upload: either every item is valid, or the problems of all items are returned. */
export function validateUpload(body: unknown, today: string): { ok: true; items: ValidItem[] } | { ok: false; problems: FieldProblem[] } {
  const c = new Checker(today);
  const o = c.object(body, 'upload');
  if (!o) return { ok: false, problems: c.problems };
  c.known(o, 'upload', ['items']);
  const items = o.items;
  if (!Array.isArray(items) || items.length === 0) {
    c.add('items', 'required', '应为至少包含一项的数组', 'must be a non-empty array');
    return { ok: false, problems: c.problems };
  }
  if (items.length > maxItemsPerUpload) {
    c.add('items', 'too_many', `每次最多上传${maxItemsPerUpload}项`, `at most ${maxItemsPerUpload} items per upload`);
    return { ok: false, problems: c.problems };
  }
  const valid: ValidItem[] = [];
  const seen = new Map<string, number>();
  items.forEach((raw, i) => {
    const path = `items[${i}]`;
    const it = c.object(raw, path);
    if (!it) return;
    c.known(it, path, ['kind', 'id', 'patient', 'data']);
    const kind = c.oneOf(it, 'kind', path, uploadKinds, true);
    const id = c.text(it, 'id', path, { required: true, max: 64 });
    const patient = checkPatient(c, it.patient, `${path}.patient`);
    const data = kind ? checkData(c, kind, it.data, `${path}.data`) : undefined;
    if (kind && id) {
      // The same document twice in one batch would make "which one wins" depend on order.
      const key = `${kind}:${id}`;
      const first = seen.get(key);
      if (first !== undefined) c.add(`${path}.id`, 'duplicate_in_upload', `与 items[${first}] 重复`, `repeats items[${first}]`);
      else seen.set(key, i);
    }
    if (kind && id && patient && data) valid.push({ kind, id, patient, data: data.data, occurredOn: data.occurredOn });
  });
  return c.problems.length ? { ok: false, problems: c.problems } : { ok: true, items: valid };
}
