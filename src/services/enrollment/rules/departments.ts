/**
 * Who reviews which part of a non-local application (西教发〔2019〕11号 二(二)), and what each
 * reviewer may see: a department sees its own part only; the street office checks every paper
 * on site (二(三)), including what no department can check online.
 */
import { cite, type Citation, type LocalizedText } from '../../../platform/law/decision.ts';
import type { Guardian, NonLocalApplicationFacts, StandardCheck, StandardPart } from './non-local-standards.ts';

export const departments = ['hrss', 'market', 'planning', 'police'] as const;
export type Department = (typeof departments)[number];


export const departmentInfo: Record<Department, { readonly label: LocalizedText; readonly citation: Citation; readonly parts: readonly StandardPart[] }> = {
  hrss: { label: { zh: '北京市西城区人力资源和社会保障局', en: 'Xicheng Human Resources and Social Security Bureau' }, citation: cite('西教发〔2019〕11号', '二(二)1'), parts: ['employment_contract'] },
  market: { label: { zh: '北京市西城区市场监督管理局', en: 'Xicheng Market Supervision Bureau' }, citation: cite('西教发〔2019〕11号', '二(二)1'), parts: ['employment_business'] },
  planning: { label: { zh: '北京市规划和自然资源委员会西城分局', en: 'Xicheng Branch, Beijing Planning and Natural Resources Commission' }, citation: cite('西教发〔2019〕11号', '二(二)2'), parts: ['residence'] },
  police: { label: { zh: '北京市公安局西城分局', en: 'Xicheng Branch, Beijing Public Security Bureau' }, citation: cite('西教发〔2019〕11号', '二(二)3'), parts: ['residence_permit'] },
};

export const streetPartyPrefix = 'street:';
export function streetParty(streetCode: string): string {
  return `${streetPartyPrefix}${streetCode}`;
}

export function isDepartment(s: string): s is Department {
  return (departments as readonly string[]).includes(s);
}

/** The departments with something to review online for this application. */
export function departmentsFor(facts: NonLocalApplicationFacts): Department[] {
  const out: Department[] = [];
  const inXichengKinds = facts.guardians.flatMap((g) => (g.employment ? [g.employment.kind] : []));
  if (inXichengKinds.includes('contract')) out.push('hrss');
  if (inXichengKinds.includes('individual_business') || inXichengKinds.includes('legal_representative')) out.push('market');
  out.push('planning');
  if (facts.guardians.some((g) => g.residencePermit)) out.push('police');
  return out;
}

/** Names without numbers beyond what the check needs: a department sees its own part only. */
export function departmentPart(facts: NonLocalApplicationFacts, dept: Department): Record<string, unknown> {
  const guardians = (pick: (g: Guardian) => unknown) => facts.guardians.map((g) => ({ name: g.name, relation: g.relation, ...((pick(g) as object | undefined) ?? {}) }));
  switch (dept) {
    case 'hrss':
      return { guardians: guardians((g) => (g.employment?.kind === 'contract' ? { employment: g.employment } : undefined)).filter((g) => 'employment' in g) };
    case 'market':
      return {
        guardians: guardians((g) => (g.employment && (g.employment.kind === 'individual_business' || g.employment.kind === 'legal_representative') ? { employment: g.employment } : undefined)).filter((g) => 'employment' in g),
      };
    case 'planning':
      return { residence: facts.residence };
    case 'police':
      // The permit address is compared with the proof's address (三(四)2): that one line, not the proof.
      return { residenceAddress: facts.residence.address, guardians: guardians((g) => (g.residencePermit ? { residencePermit: g.residencePermit } : undefined)).filter((g) => 'residencePermit' in g) };
  }
}

export function checksForDepartment(checks: readonly StandardCheck[], dept: Department): StandardCheck[] {
  const parts = departmentInfo[dept].parts;
  return checks.filter((c) => parts.includes(c.part));
}
