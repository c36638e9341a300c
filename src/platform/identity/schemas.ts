import { documentTypes } from './documents.ts';

/** JSON-schema properties of a real-name person (西卫〔2019〕5号 第十五条, 第十六条), shared by every route that takes one. */
export const personProperties = {
  docType: { type: 'string', enum: [...documentTypes] },
  docNumber: { type: 'string', minLength: 1, maxLength: 40 },
  name: { type: 'string', minLength: 1, maxLength: 40 },
  phone: { type: 'string', minLength: 1, maxLength: 20 },
} as const;

/** A patient or resident: document, name and contact, nothing else. */
export const personSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['docType', 'docNumber', 'name', 'phone'],
  properties: personProperties,
} as const;
