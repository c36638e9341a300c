import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import type { HealthRecordsTables } from './schema.ts';
import { identityCitation } from './citations.ts';
import { basicFields, k, reconcileBasics, type BasicField } from './person-index.ts';
import type { StaffRef } from './operators.ts';

/**
 * 第八条 避免重复采集、多头采集: one human can still arrive under two documents (a 居民身份证 and a
 * passport, an old 军官证). The finder proposes pairs; an operator decides and merges; a merge can
 * be undone because it moves no row — it only says "B's records are A's" until it is ended.
 */
export interface DuplicateCandidate {
  a: { id: number; name: string; docType: string; docNumber: string; birthDate: string | null; phone: string };
  b: { id: number; name: string; docType: string; docNumber: string; birthDate: string | null; phone: string };
  score: number;
  reasons: string[];
}

type K = ReturnType<typeof k>;

/** Pairs of unmerged people in the centre with the same name and the same birth date or phone. */
export async function findDuplicateCandidates(db: K, limit = 200): Promise<DuplicateCandidate[]> {
  const rows = await db
    .selectFrom('persons as p')
    .innerJoin('hr_person_basics as b', 'b.person_id', 'p.id')
    .leftJoin('hr_person_merges as m', (j) => j.onRef('m.merged_id', '=', 'p.id').on('m.undone_at', 'is', null))
    .where('m.id', 'is', null)
    .select(['p.id', 'p.name', 'p.doc_type', 'p.doc_number', 'p.phone', 'b.birth_date', 'b.contact_phone'])
    .orderBy('p.id')
    .execute();
  const byName = new Map<string, typeof rows>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const out: DuplicateCandidate[] = [];
  for (const group of byName.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i];
        const b = group[j];
        if (!a || !b) continue;
        const reasons = ['same_name'];
        if (a.birth_date && a.birth_date === b.birth_date) reasons.push('same_birth_date');
        const phonesA = new Set([a.phone, a.contact_phone].filter(Boolean));
        if ([b.phone, b.contact_phone].some((p) => p && phonesA.has(p))) reasons.push('same_phone');
        if (reasons.length < 2) continue;
        const view = (r: typeof a) => ({ id: Number(r.id), name: r.name, docType: r.doc_type, docNumber: r.doc_number, birthDate: r.birth_date, phone: r.contact_phone ?? r.phone });
        out.push({ a: view(a), b: view(b), score: reasons.length, reasons });
      }
    }
  }
  return out.sort((x, y) => y.score - x.score || x.a.id - y.a.id).slice(0, limit);
}

export interface MergeInput {
  survivorId: number;
  mergedId: number;
  reason: string;
}

/** Merge a duplicate into a survivor (operator, audited). Differing basic items become conflicts for review. */
export async function mergePersons(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, input: MergeInput): Promise<Decision<{ mergeId: number; conflicts: number }>> {
  if (input.survivorId === input.mergedId) return refuse(reason('merge_same_person', '不能把人员合并到自身', 'A person cannot be merged into themselves', identityCitation));
  if (input.reason.trim().length < 4) return refuse(reason('merge_reason_required', '请填写合并依据（复核情况）', 'Give the grounds for the merge (what was checked)', identityCitation));
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const [survivor, merged] = await Promise.all([
      kdb.selectFrom('hr_person_basics').selectAll().where('person_id', '=', input.survivorId).executeTakeFirst(),
      kdb.selectFrom('hr_person_basics').selectAll().where('person_id', '=', input.mergedId).executeTakeFirst(),
    ]);
    if (!survivor || !merged) return refuse(reason('merge_needs_records', '两人在档案中心都须有档案', 'Both people must have a record in the centre', identityCitation));
    const active = await kdb
      .selectFrom('hr_person_merges')
      .select(['survivor_id', 'merged_id'])
      .where('undone_at', 'is', null)
      .where((e) => e.or([e('merged_id', 'in', [input.survivorId, input.mergedId]), e('survivor_id', '=', input.mergedId)]))
      .execute();
    if (active.length) {
      // One level only: a survivor is never itself merged, so "whose record is this" is one lookup.
      return refuse(reason('merge_chain', '其中一人已参与合并（已被合并或已有人并入），请先撤销原合并', 'One of them is already part of a merge; undo that merge first', identityCitation));
    }
    const row = await kdb
      .insertInto('hr_person_merges')
      .values({ survivor_id: input.survivorId, merged_id: input.mergedId, reason: input.reason.trim(), merged_at: clock.now().toISOString(), merged_by: who.staffId, undone_at: null, undone_by: null, undo_reason: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const mergeId = Number(row.id);
    const proposed: Partial<Record<BasicField, string>> = {};
    for (const f of basicFields) {
      const v = merged[f];
      if (v !== null) proposed[f] = v;
    }
    // Only differences are raised: the survivor's values stay as they are (第八条 一致性 by review).
    const conflicts = await reconcileBasicsForMerge(kdb, clock, input.survivorId, survivor, proposed, mergeId);
    for (const entityId of [input.survivorId, input.mergedId]) {
      await appendAudit(kdb, clock, who.actor, { action: 'person.merge', entityType: 'health_record', entityId, purpose: 'identity_review', detail: { mergeId, survivorId: input.survivorId, mergedId: input.mergedId, reason: input.reason.trim(), conflicts } });
    }
    return allow({ mergeId, conflicts });
  });
}

async function reconcileBasicsForMerge(db: K, clock: Clock, survivorId: number, survivor: Record<BasicField, string | null>, proposed: Partial<Record<BasicField, string>>, mergeId: number): Promise<number> {
  // Filling the survivor's empty items from the duplicate would not be undone by ending the merge,
  // so at merge time every difference, including a gap, is left for review.
  const differing: Partial<Record<BasicField, string>> = {};
  let gaps = 0;
  const now = clock.now().toISOString();
  for (const f of basicFields) {
    const v = proposed[f];
    if (v === undefined) continue;
    if (survivor[f] === null) {
      await db.insertInto('hr_basic_conflicts').values({ person_id: survivorId, field: f, current_value: null, proposed_value: v, source_organisation_id: null, upload_id: null, merge_id: mergeId, status: 'open', created_at: now, resolved_at: null, resolved_by: null }).execute();
      gaps++;
    } else if (survivor[f] !== v) differing[f] = v;
  }
  return gaps + (await reconcileBasics(db, clock, survivorId, differing, { organisationId: null, mergeId }));
}

/** End a merge: the duplicate's records are its own again; conflicts the merge raised are withdrawn. */
export async function undoMerge(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, mergeId: number, why: string): Promise<Decision<{ survivorId: number; mergedId: number }>> {
  if (why.trim().length < 4) return refuse(reason('undo_reason_required', '请填写撤销原因', 'Give the reason for undoing the merge', identityCitation));
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const m = await kdb.selectFrom('hr_person_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
    if (!m || m.undone_at !== null) return refuse(reason('merge_not_active', '该合并不存在或已撤销', 'No such merge, or it was already undone', identityCitation));
    const now = clock.now().toISOString();
    await kdb.updateTable('hr_person_merges').set({ undone_at: now, undone_by: who.staffId, undo_reason: why.trim() }).where('id', '=', mergeId).where('undone_at', 'is', null).execute();
    await kdb.updateTable('hr_basic_conflicts').set({ status: 'withdrawn', resolved_at: now, resolved_by: who.staffId }).where('merge_id', '=', mergeId).where('status', '=', 'open').execute();
    const survivorId = Number(m.survivor_id);
    const mergedId = Number(m.merged_id);
    for (const entityId of [survivorId, mergedId]) {
      await appendAudit(kdb, clock, who.actor, { action: 'person.merge_undo', entityType: 'health_record', entityId, purpose: 'identity_review', detail: { mergeId, survivorId, mergedId, reason: why.trim() } });
    }
    return allow({ survivorId, mergedId });
  });
}

/** Review a basic-item conflict: keep the current value, or accept the proposed one. */
export async function resolveConflict(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, conflictId: number, decision: 'keep' | 'accept'): Promise<Decision> {
  return inTransaction(db, async (trx) => {
    const kdb = k(trx);
    const c = await kdb.selectFrom('hr_basic_conflicts').selectAll().where('id', '=', conflictId).where('status', '=', 'open').executeTakeFirst();
    if (!c) return refuse(reason('conflict_not_open', '该差异不存在或已处理', 'No such open conflict', identityCitation));
    const now = clock.now().toISOString();
    if (decision === 'accept') {
      const field = c.field as BasicField;
      if (!(basicFields as readonly string[]).includes(field)) throw new Error(`unknown basic field ${c.field}`);
      const basics = await kdb.selectFrom('hr_person_basics').select('sources').where('person_id', '=', c.person_id).executeTakeFirstOrThrow();
      const sources = { ...(JSON.parse(basics.sources) as Record<string, number | null>), [field]: c.source_organisation_id };
      await kdb.updateTable('hr_person_basics').set({ [field]: c.proposed_value, sources: JSON.stringify(sources), updated_at: now }).where('person_id', '=', c.person_id).execute();
    }
    await kdb.updateTable('hr_basic_conflicts').set({ status: decision === 'accept' ? 'accepted' : 'kept', resolved_at: now, resolved_by: who.staffId }).where('id', '=', conflictId).execute();
    await appendAudit(kdb, clock, who.actor, { action: 'person.basics_review', entityType: 'health_record', entityId: Number(c.person_id), purpose: 'identity_review', detail: { conflictId, field: c.field, decision, from: c.current_value, to: c.proposed_value } });
    return allow();
  });
}
