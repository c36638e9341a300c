/** JSON views: what each audience may see. Children's ID numbers are masked; reviewers' names are not shown to applicants. */
import { maskDocumentNumber } from '../../../platform/identity/masking.ts';
import type { ApplicationRow, StoredChoice } from '../store/applications.ts';
import type { Placement } from '../store/placements.ts';
import type { DrawRecord } from '../store/draws.ts';
import type { Program } from '../store/schools.ts';

export function programView(p: Program) {
  return { id: p.id, year: p.year, route: p.route, school: { code: p.schoolCode, name: p.schoolNameZh, nameEn: p.schoolNameEn, zone: p.zone }, block: p.block || null, capacity: p.capacity };
}

export function applicationView(a: ApplicationRow, choices: readonly StoredChoice[], placement: Placement | undefined, numbers: readonly { drawId: number; route: string; number: number | null; published: boolean }[]) {
  return {
    ref: a.ref,
    year: a.year,
    stage: a.stage,
    child: { name: a.childName, docType: a.childDocType, docNumber: maskDocumentNumber(a.childDocNumber), birthDate: a.childBirthDate },
    eligible: a.eligible,
    eligibility: a.eligibility,
    careCategory: a.careCategory,
    careVerified: a.careVerified,
    zone: a.zone,
    graduatingSchoolCode: a.graduatingSchoolCode,
    choices: choices.map((c) => ({ route: c.route, rank: c.rank, priorityClass: c.priorityClass, program: programView(c.program) })),
    placement: placement ? { route: placement.route, program: programView(placement.program), drawId: placement.drawId, choiceRank: placement.choiceRank, placedAt: placement.placedAt } : null,
    // A number is shown to the family once drawn; publicly only once published.
    lottery: numbers.map((n) => ({ drawId: n.drawId, route: n.route, number: n.number, published: n.published })),
    createdAt: a.createdAt,
  };
}

/** Public view of a draw: before the draw, the roster hash, commitment and named round; after it, everything. */
export function drawView(d: DrawRecord) {
  return {
    id: d.id,
    year: d.year,
    stage: d.stage,
    route: d.route,
    label: d.label,
    status: d.status,
    rosterSize: d.rosterSize,
    rosterHash: d.rosterHash,
    commitment: d.commitment,
    publicSource: d.publicSource,
    publicValue: d.status === 'published' ? d.publicValue : null,
    secret: d.status === 'published' ? d.secret : null,
    seed: d.status === 'published' ? d.seed : null,
    resultHash: d.status === 'published' ? d.resultHash : null,
    committedAt: d.committedAt,
    drawnAt: d.drawnAt,
    publishedAt: d.publishedAt,
  };
}
