import { documentTypes } from '../../platform/identity/documents.ts';
import { civilDateOf, isCivilDate } from '../../platform/time/civil.ts';
import { parseIsoInstant } from '../../platform/time/iso-instant.ts';
import { interoperabilityCitation } from './citations.ts';
import type { FieldProblem } from './upload-format.ts';
import type { RecordView } from './record.ts';

/**
 * 西卫〔2019〕4号 第十九条: systems must let health data move between them. The centre accepts an
 * HL7 FHIR R4 Bundle (Patient, Encounter, Condition, MedicationRequest, Observation) by mapping it
 * to the native upload, and gives residents and systems their record as a FHIR R4 Bundle.
 */
export const identifierSystems: Record<string, (typeof documentTypes)[number]> = {
  // GB 11643 居民身份证号码 (the OID Chinese health-information standards use for it).
  'urn:oid:2.16.156.10011.1.1': 'resident_id',
  'urn:yiwang:sid:resident_id': 'resident_id',
  'urn:yiwang:sid:officer_id': 'officer_id',
  'urn:yiwang:sid:passport': 'passport',
  'urn:yiwang:sid:hk_macau_permit': 'hk_macau_permit',
};
const documentSystem: Record<string, string> = { resident_id: 'urn:oid:2.16.156.10011.1.1', officer_id: 'urn:yiwang:sid:officer_id', passport: 'urn:yiwang:sid:passport', hk_macau_permit: 'urn:yiwang:sid:hk_macau_permit' };
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const LOINC = 'http://loinc.org';
const encounterClasses: Record<string, string> = { AMB: 'outpatient', IMP: 'inpatient', EMER: 'emergency', HH: 'home_visit' };

type J = Record<string, unknown>;
const obj = (v: unknown): J | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const first = (v: unknown): J | undefined => obj(arr(v)[0]);

function coding(cc: unknown, system?: string): J | undefined {
  const codings = arr(obj(cc)?.coding).map(obj).filter((x): x is J => x !== undefined);
  return system ? codings.find((c) => c.system === system) : codings[0];
}

/** A FHIR date or dateTime as a civil date in Beijing. */
function toCivilDate(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  if (isCivilDate(s)) return s;
  try {
    return civilDateOf(parseIsoInstant(s));
  } catch {
    return s; // left as is: the native validator reports it with its path
  }
}

function problem(path: string, code: string, zh: string, en: string): FieldProblem {
  return { path, code, message: { zh: `${path}：${zh}`, en: `${path}: ${en}` }, citation: interoperabilityCitation };
}

/** Map a Bundle to the native upload body; problems are reported with their entry paths. */
export function bundleToUpload(bundle: unknown): { ok: true; body: { items: J[] }; entryOf: number[]; patientEntryOf: number[] } | { ok: false; problems: FieldProblem[] } {
  const b = obj(bundle);
  const problems: FieldProblem[] = [];
  if (!b || b.resourceType !== 'Bundle') return { ok: false, problems: [problem('resourceType', 'not_a_bundle', '应为 FHIR Bundle', 'must be a FHIR Bundle')] };
  if (!['transaction', 'batch', 'collection'].includes(String(b.type))) problems.push(problem('type', 'bundle_type', 'Bundle.type 应为 transaction、batch 或 collection', 'Bundle.type must be transaction, batch or collection'));
  const entries = arr(b.entry);
  if (entries.length === 0) problems.push(problem('entry', 'required', '至少需要一个条目', 'needs at least one entry'));
  const patients = new Map<string, J>();
  const patientEntry = new Map<J, number>();
  entries.forEach((e, i) => {
    const res = obj(obj(e)?.resource);
    if (res?.resourceType !== 'Patient') return;
    const path = `entry[${i}].resource`;
    const id = str(res.id);
    if (!id) {
      problems.push(problem(`${path}.id`, 'required', 'Patient.id（院内患者编号）必填', 'Patient.id (the local patient id) is required'));
      return;
    }
    const ident = arr(res.identifier).map(obj).find((x) => x && typeof x.system === 'string' && identifierSystems[x.system]);
    if (!ident) problems.push(problem(`${path}.identifier`, 'document_identifier_required', `须有证件标识（system 为 ${Object.keys(identifierSystems).join('、')} 之一）`, `needs a document identifier (system one of ${Object.keys(identifierSystems).join(', ')})`));
    const n = first(res.name);
    const name = str(n?.text) ?? ((str(n?.family) ?? '') + arr(n?.given).filter((g) => typeof g === 'string').join(''));
    const phone = arr(res.telecom).map(obj).find((t) => t?.system === 'phone');
    const p: J = { localId: id, docType: ident ? identifierSystems[String(ident.system)] : undefined, docNumber: ident?.value, name: name || undefined };
    if (phone && str(phone.value)) p.phone = phone.value;
    if (res.gender === 'male' || res.gender === 'female') p.sex = res.gender;
    if (str(res.birthDate)) p.birthDate = res.birthDate;
    const addr = str(first(res.address)?.text);
    if (addr) p.address = addr;
    const full = str(obj(e)?.fullUrl);
    patients.set(`Patient/${id}`, p);
    patientEntry.set(p, i);
    if (full) patients.set(full, p);
  });
  const items: J[] = [];
  const entryOf: number[] = [];
  const patientEntryOf: number[] = [];
  entries.forEach((e, i) => {
    const res = obj(obj(e)?.resource);
    const path = `entry[${i}].resource`;
    if (!res) {
      problems.push(problem(`entry[${i}]`, 'resource_required', '缺少 resource', 'has no resource'));
      return;
    }
    if (res.resourceType === 'Patient') return;
    const type = String(res.resourceType);
    if (!['Encounter', 'Condition', 'MedicationRequest', 'Observation'].includes(type)) {
      problems.push(problem(`${path}.resourceType`, 'unsupported_resource', '只接受 Patient、Encounter、Condition、MedicationRequest、Observation', 'only Patient, Encounter, Condition, MedicationRequest and Observation are accepted'));
      return;
    }
    const id = str(res.id);
    if (!id) problems.push(problem(`${path}.id`, 'required', '资源 id（本机构文档编号）必填', 'the resource id (your document id) is required'));
    const ref = str(obj(res.subject)?.reference);
    const patient = ref ? patients.get(ref) : undefined;
    if (!patient) {
      problems.push(problem(`${path}.subject`, 'unknown_patient', 'subject 须指向本 Bundle 中的 Patient', 'subject must reference a Patient in this Bundle'));
      return;
    }
    const encounterId = str(obj(res.encounter)?.reference)?.replace(/^Encounter\//, '') ?? str(obj(obj(res.encounter)?.identifier)?.value);
    let item: J;
    switch (type) {
      case 'Encounter': {
        const cls = str(obj(res.class)?.code) ?? '';
        const period = obj(res.period);
        const reasonText = str(first(res.reasonCode)?.text);
        const narrative = str(obj(res.text)?.div)?.replace(/<[^>]*>/g, '').trim();
        const data: J = { class: encounterClasses[cls] ?? cls, start: period?.start, summary: narrative || reasonText };
        if (period?.end) data.end = period.end;
        const dept = str(obj(res.serviceType)?.text) ?? str(coding(res.serviceType)?.display);
        if (dept) data.department = dept;
        const doctor = str(obj(first(res.participant)?.individual)?.display);
        if (doctor) data.doctorName = doctor;
        if (reasonText && narrative) data.chiefComplaint = reasonText;
        item = { kind: 'encounter', id, patient, data };
        break;
      }
      case 'Condition': {
        const icd = coding(res.code, ICD10);
        if (!icd) problems.push(problem(`${path}.code`, 'icd10_required', `须有 ICD-10 编码（system ${ICD10}）`, `needs an ICD-10 coding (system ${ICD10})`));
        const data: J = { code: icd?.code, display: str(icd?.display) ?? str(obj(res.code)?.text), diagnosedOn: toCivilDate(res.recordedDate ?? res.onsetDateTime) };
        const vs = str(coding(res.verificationStatus)?.code);
        if (vs === 'confirmed' || vs === 'provisional') data.status = vs;
        if (encounterId) data.encounterId = encounterId;
        item = { kind: 'diagnosis', id, patient, data };
        break;
      }
      case 'MedicationRequest': {
        const med = obj(res.medicationCodeableConcept);
        const dosage = first(res.dosageInstruction);
        const dq = obj(first(dosage?.doseAndRate)?.doseQuantity);
        const data: J = {
          medication: str(med?.text) ?? str(coding(med)?.display),
          dose: dq && dq.value !== undefined ? `${String(dq.value)}${str(dq.unit) ?? ''}` : str(dosage?.text),
          frequency: str(obj(obj(dosage?.timing)?.code)?.text) ?? str(dosage?.text),
          prescribedOn: toCivilDate(res.authoredOn),
        };
        const code = str(coding(med)?.code);
        if (code) data.code = code;
        const route = str(obj(dosage?.route)?.text) ?? str(coding(dosage?.route)?.display);
        if (route) data.route = route;
        const days = obj(obj(res.dispenseRequest)?.expectedSupplyDuration)?.value;
        if (days !== undefined) data.days = days;
        if (encounterId) data.encounterId = encounterId;
        item = { kind: 'prescription', id, patient, data };
        break;
      }
      default: {
        const loinc = coding(res.code, LOINC);
        const q = obj(res.valueQuantity);
        const data: J = { name: str(obj(res.code)?.text) ?? str(loinc?.display), value: q ? q.value : res.valueString, collectedAt: res.effectiveDateTime };
        if (loinc?.code) data.code = loinc.code;
        if (q && str(q.unit)) data.unit = q.unit;
        const rr = first(res.referenceRange);
        const range = str(rr?.text) ?? (obj(rr?.low)?.value !== undefined || obj(rr?.high)?.value !== undefined ? `${String(obj(rr?.low)?.value ?? '')}-${String(obj(rr?.high)?.value ?? '')}` : undefined);
        if (range) data.referenceRange = range;
        const interp = str(coding(first(res.interpretation))?.code);
        if (interp) data.abnormal = interp !== 'N';
        item = { kind: 'lab_result', id, patient, data };
      }
    }
    // Drop undefined values so "missing" reads as "required" in the native checks.
    items.push(JSON.parse(JSON.stringify(item)) as J);
    entryOf.push(i);
    patientEntryOf.push(patientEntry.get(patient) ?? i);
  });
  return problems.length ? { ok: false, problems } : { ok: true, body: { items }, entryOf, patientEntryOf };
}

/**
 * Point native problem paths (items[3].data.code) back at the Bundle entry they came from; a
 * patient problem points at the Patient entry, once, however many resources reference it.
 */
export function toEntryPaths(problems: readonly FieldProblem[], entryOf: readonly number[], patientEntryOf: readonly number[]): FieldProblem[] {
  const out = new Map<string, FieldProblem>();
  for (const p of problems) {
    const m = /^items\[(\d+)\](\.patient)?(.*)$/.exec(p.path);
    const i = m ? Number(m[1]) : -1;
    const entry = m?.[2] ? patientEntryOf[i] : entryOf[i];
    if (!m || entry === undefined) {
      out.set(`${p.path}:${p.code}`, p);
      continue;
    }
    const path = m[2] ? `entry[${entry}].resource (patient${m[3] ?? ''})` : `entry[${entry}].resource (${p.path})`;
    out.set(`${path}:${p.code}`, { ...p, path, message: { zh: p.message.zh.replace(p.path, path), en: p.message.en.replace(p.path, path) } });
  }
  return [...out.values()];
}

/** A record as a FHIR R4 collection Bundle, for the resident's download and for other systems. */
export function recordToFhirBundle(record: RecordView, person: { docType: string; docNumber: string; phone?: string | null }, generatedAt: string): J {
  const patientRef = `Patient/${record.personId}`;
  const patient: J = {
    resourceType: 'Patient',
    id: String(record.personId),
    identifier: [{ system: documentSystem[person.docType] ?? `urn:yiwang:sid:${person.docType}`, value: person.docNumber }],
    name: [{ text: record.name }],
  };
  if (record.basics?.sex) patient.gender = record.basics.sex;
  if (record.basics?.birthDate) patient.birthDate = record.basics.birthDate;
  if (record.basics?.contactPhone) patient.telecom = [{ system: 'phone', value: record.basics.contactPhone }];
  if (record.basics?.address) patient.address = [{ text: record.basics.address }];
  const entries: J[] = [{ fullUrl: patientRef, resource: patient }];
  for (const d of record.documents) {
    const x = d.data;
    const common = { id: `${d.kind}-${d.id}`, identifier: [{ system: `urn:yiwang:org:${d.sourceOrganisationId}:document`, value: d.sourceDocumentId }], meta: { versionId: String(d.version), lastUpdated: d.updatedAt, source: d.sourceOrganisationName }, subject: { reference: patientRef } };
    let r: J;
    switch (d.kind) {
      case 'encounter': {
        const code = Object.entries(encounterClasses).find(([, v]) => v === x.class)?.[0] ?? 'AMB';
        r = { resourceType: 'Encounter', ...common, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code }, period: { start: x.start, ...(x.end ? { end: x.end } : {}) }, text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(String(x.summary ?? ''))}</div>` } };
        if (x.department) r.serviceType = { text: x.department };
        if (x.doctorName) r.participant = [{ individual: { display: x.doctorName } }];
        if (x.chiefComplaint) r.reasonCode = [{ text: x.chiefComplaint }];
        break;
      }
      case 'diagnosis':
        r = { resourceType: 'Condition', ...common, code: { coding: [{ system: ICD10, code: x.code, display: x.display }], text: x.display }, recordedDate: x.diagnosedOn, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: x.status ?? 'confirmed' }] }, ...(x.encounterId ? { encounter: { identifier: { system: `urn:yiwang:org:${d.sourceOrganisationId}:document`, value: x.encounterId } } } : {}) };
        break;
      case 'prescription':
        r = { resourceType: 'MedicationRequest', ...common, status: 'active', intent: 'order', medicationCodeableConcept: { text: x.medication, ...(x.code ? { coding: [{ code: x.code, display: x.medication }] } : {}) }, authoredOn: x.prescribedOn, dosageInstruction: [{ text: String(x.dose), timing: { code: { text: x.frequency } }, ...(x.route ? { route: { text: x.route } } : {}) }], ...(x.encounterId ? { encounter: { identifier: { system: `urn:yiwang:org:${d.sourceOrganisationId}:document`, value: x.encounterId } } } : {}), ...(x.days ? { dispenseRequest: { expectedSupplyDuration: { value: x.days, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' } } } : {}) };
        break;
      case 'lab_result':
        r = { resourceType: 'Observation', ...common, status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }], code: { text: x.name, ...(x.code ? { coding: [{ system: LOINC, code: x.code, display: x.name }] } : {}) }, effectiveDateTime: x.collectedAt, ...(typeof x.value === 'number' ? { valueQuantity: { value: x.value, ...(x.unit ? { unit: x.unit } : {}) } } : { valueString: x.value }), ...(x.referenceRange ? { referenceRange: [{ text: x.referenceRange }] } : {}), ...(x.abnormal !== undefined ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: x.abnormal ? 'A' : 'N' }] }] } : {}) };
        break;
      case 'referral_hand_back':
        // 西卫〔2019〕5号 第二十八条: a referral note (LOINC 57133-1) with its three parts as sections.
        r = { resourceType: 'Composition', ...common, status: 'final', type: { coding: [{ system: LOINC, code: '57133-1', display: 'Referral note' }], text: '转诊回转' }, date: x.handedBackAt, author: [{ display: x.fromOrganisationName }], title: '下转（转回社区）', section: [
          { title: '诊断', text: narrative(x.diagnosis) },
          { title: '诊疗经过', text: narrative(x.treatment) },
          { title: '后续治疗和康复方案', text: narrative(x.plan) },
        ] };
        break;
      default:
        // Family-doctor contracts as a FHIR Contract (export only; the native format uploads them).
        r = { resourceType: 'Contract', id: common.id, identifier: common.identifier, meta: common.meta, status: x.status === 'terminated' ? 'terminated' : 'executed', issued: x.signedOn, applies: { start: x.signedOn, ...(x.validUntil ? { end: x.validUntil } : {}) }, subject: [{ reference: patientRef }], authority: [{ display: d.sourceOrganisationName }], signer: [{ type: { text: '家庭医生' }, party: { display: x.doctorName }, signature: [] }], title: '家庭医生签约服务协议' };
    }
    entries.push({ fullUrl: `${r.resourceType as string}/${r.id as string}`, resource: r });
  }
  return { resourceType: 'Bundle', type: 'collection', timestamp: generatedAt, meta: { source: '西城区居民健康档案中心' }, entry: entries };
}

function narrative(v: unknown): J {
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(String(v ?? ''))}</div>` };
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
}
