import { Ajv, type ValidateFunction } from 'ajv';
import { intId } from './context.ts';
import { doctorTitles } from '../rules/stops.ts';
import { institutionLevels } from '../rules/schedule.ts';

export const str = (max: number) => ({ type: 'string', maxLength: max }) as const;
export const reqStr = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

/** 第十二条 (二)–(六): what each registry row carries. */
export const registries = {
  departments: {
    table: 'appt_departments',
    required: ['name', 'category', 'baseDepartment', 'code'],
    properties: { name: reqStr(40), introduction: str(2000), category: reqStr(40), baseDepartment: reqStr(40), code: reqStr(20) },
    columns: { name: 'name', introduction: 'introduction', category: 'category', baseDepartment: 'base_department', code: 'code' },
  },
  doctors: {
    table: 'appt_doctors',
    required: ['departmentId', 'name', 'staffNumber', 'licenceNumber', 'phone', 'title'],
    properties: { departmentId: intId, name: reqStr(40), staffNumber: reqStr(20), licenceNumber: reqStr(30), phone: { type: 'string', pattern: '^1\\d{10}$' }, specialty: str(200), title: { type: 'string', enum: [...doctorTitles] }, introduction: str(2000) },
    columns: { departmentId: 'department_id', name: 'name', staffNumber: 'staff_number', licenceNumber: 'licence_number', phone: 'phone', specialty: 'specialty', title: 'title', introduction: 'introduction' },
  },
  resources: {
    table: 'appt_resources',
    required: ['kind', 'name', 'code'],
    properties: {
      kind: { type: 'string', enum: ['exam', 'day_surgery', 'inpatient'] },
      name: reqStr(60),
      code: reqStr(20),
      items: str(2000),
      feeCents: { type: 'integer', minimum: 0, maximum: 100_000_000 },
      indications: str(2000),
      quantity: { type: 'integer', minimum: 0, maximum: 100_000 },
      expertTeam: str(2000),
      introduction: str(4000),
      conditions: str(2000),
      precautions: str(2000),
    },
    columns: { kind: 'kind', name: 'name', code: 'code', items: 'items', feeCents: 'fee_cents', indications: 'indications', quantity: 'quantity', expertTeam: 'expert_team', introduction: 'introduction', conditions: 'conditions', precautions: 'precautions' },
  },
} as const;

export type RegistryName = keyof typeof registries;

/** 第十二条 (一) and the 第十一条 referral share: what an institution admin may change of their institution. */
export const institutionProfile = {
  required: [],
  properties: {
    name: reqStr(60),
    shortName: reqStr(20),
    address: reqStr(200),
    phone: { type: 'string', pattern: '^[0-9-]{7,20}$' },
    level: { type: 'string', enum: [...institutionLevels] },
    type: reqStr(20),
    website: str(200),
    introduction: str(4000),
    directions: str(2000),
    slotMinutes: { type: 'integer', enum: [10, 15, 20, 30, 60, 120] },
    referralSharePct: { type: 'integer', minimum: 0, maximum: 100 },
  },
  /** The organisation's columns (name, short name, address, phone); the rest are the appointment profile's. */
  organisationColumns: { name: 'name', shortName: 'short_name', address: 'address', phone: 'phone' },
  columns: { level: 'level', type: 'type', website: 'website', introduction: 'introduction', directions: 'directions', slotMinutes: 'slot_minutes', referralSharePct: 'referral_share_pct' },
} as const;

// The same validator Fastify compiles the API's schemas with; coerceTypes turns a form's "15" into 15.
const ajv = new Ajv({ allErrors: true, coerceTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * A page form's fields checked against the API's own schema (one definition for both), as column
 * values. Form fields are strings: they are trimmed, and an empty optional field is left out.
 */
export function formValues(
  r: { readonly required: readonly string[]; readonly properties: object; readonly columns: object },
  form: Record<string, unknown>,
): { values: Record<string, unknown>; invalid: string[] } {
  let validate = compiled.get(r);
  if (!validate) {
    validate = ajv.compile({ type: 'object', required: [...r.required], properties: r.properties });
    compiled.set(r, validate);
  }
  const fields = Object.keys(r.properties);
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = typeof form[f] === 'string' ? (form[f] as string).trim() : '';
    if (raw !== '') data[f] = raw;
  }
  const invalid = validate(data) ? [] : [...new Set((validate.errors ?? []).map((e) => (e.keyword === 'required' ? String(e.params.missingProperty) : e.instancePath.slice(1))))];
  // The valid fields' values (coerced) even when others are not: the page checks them further.
  const columns = r.columns as Record<string, string>;
  return { values: Object.fromEntries(Object.entries(data).flatMap(([f, v]) => (invalid.includes(f) ? [] : [[columns[f] ?? f, v]]))), invalid };
}
