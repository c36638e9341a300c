import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/time/clock.ts';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit } from '../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../platform/law/decision.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { handoverCitation } from './citations.ts';
import { k } from './person-index.ts';
import { operatorAgreement, operatorMay, type StaffRef } from './operators.ts';

/**
 * 西卫〔2019〕4号 第十二条: when a responsible unit changes, the information it manages goes whole and
 * safely to the unit that continues its work, without damage or loss. Custody of every record,
 * patient link and grant moves in one transaction; the source institution of each record is kept;
 * the report proves by count and digest that the successor holds exactly what the predecessor held.
 */
export interface HandoverReport {
  from: { id: number; name: string };
  to: { id: number; name: string };
  reason: 'closed' | 'merged';
  documents: { count: number; versions: number; digest: string };
  links: { count: number; digest: string };
  grants: string[];
  verified: boolean;
  handedOverAt: string;
  citation: string;
}

type K = ReturnType<typeof k>;

async function documentDigest(db: K, ids: number[]): Promise<{ digest: string; versions: number }> {
  if (ids.length === 0) return { digest: createHash('sha256').update('').digest('hex'), versions: 0 };
  const docs = await db.selectFrom('hr_documents').select(['id', 'version', 'content_hash', 'person_id', 'source_organisation_id', 'source_document_id']).where('id', 'in', ids).orderBy('id').execute();
  const versions = await db.selectFrom('hr_document_versions').select(['document_id', 'version', 'content_hash']).where('document_id', 'in', ids).orderBy('document_id').orderBy('version').execute();
  const h = createHash('sha256');
  for (const d of docs) h.update(`${d.id}|${d.version}|${d.content_hash}|${d.person_id}|${d.source_organisation_id}|${d.source_document_id}\n`);
  for (const v of versions) h.update(`v${v.document_id}|${v.version}|${v.content_hash}\n`);
  return { digest: h.digest('hex'), versions: versions.length };
}

async function linkDigest(db: K, ids: number[]): Promise<string> {
  const h = createHash('sha256');
  if (ids.length) {
    const rows = await db.selectFrom('hr_patient_links').select(['id', 'organisation_id', 'local_patient_id', 'person_id']).where('id', 'in', ids).orderBy('id').execute();
    for (const r of rows) h.update(`${r.id}|${r.organisation_id}|${r.local_patient_id}|${r.person_id}\n`);
  }
  return h.digest('hex');
}

class HandoverIncomplete extends Error {}

export async function handOverInstitution(db: Db<HealthRecordsTables>, clock: Clock, who: StaffRef, input: { fromOrganisationId: number; toOrganisationId: number; reason: 'closed' | 'merged' }): Promise<Decision<HandoverReport>> {
  const scope = operatorMay(await operatorAgreement(db.kysely, who.staffId), 'institutions', civilDateOf(clock.now()));
  if (!scope.allowed) return scope;
  if (input.fromOrganisationId === input.toOrganisationId) return refuse(reason('handover_same', '承接机构不能是本机构', 'The successor must be another institution', handoverCitation));
  try {
    return await inTransaction(db, async (trx) => {
      const kdb = k(trx);
      const [from, to] = await Promise.all([
        kdb.selectFrom('organisations').select(['id', 'name']).where('id', '=', input.fromOrganisationId).executeTakeFirst(),
        kdb.selectFrom('organisations').select(['id', 'name']).where('id', '=', input.toOrganisationId).executeTakeFirst(),
      ]);
      if (!from || !to) return refuse(reason('not_found', '未找到该机构', 'No such institution'));
      const insts = await kdb.selectFrom('hr_institutions').selectAll().where('organisation_id', 'in', [from.id, to.id]).execute();
      if (insts.some((i) => i.status === 'closed')) return refuse(reason('institution_closed', '该机构已变更并移交', 'One of these institutions has already closed and handed over', handoverCitation));
      const now = clock.now().toISOString();

      const docIds = (await kdb.selectFrom('hr_documents').select('id').where('custodian_organisation_id', '=', from.id).execute()).map((r) => Number(r.id));
      const linkIds = (await kdb.selectFrom('hr_patient_links').select('id').where('custodian_organisation_id', '=', from.id).execute()).map((r) => Number(r.id));
      const grants = await kdb.selectFrom('hr_grants').select(['id', 'ref']).where('grantee_organisation_id', '=', from.id).where('status', 'in', ['submitted', 'approved', 'active']).execute();
      const before = { docs: await documentDigest(kdb, docIds), links: await linkDigest(kdb, linkIds) };

      await kdb.updateTable('hr_documents').set({ custodian_organisation_id: to.id }).where('custodian_organisation_id', '=', from.id).execute();
      await kdb.updateTable('hr_patient_links').set({ custodian_organisation_id: to.id }).where('custodian_organisation_id', '=', from.id).execute();
      if (grants.length) await kdb.updateTable('hr_grants').set({ grantee_organisation_id: to.id, transferred_from_organisation_id: from.id }).where('id', 'in', grants.map((g) => Number(g.id))).execute();
      const fromInst = insts.find((i) => Number(i.organisation_id) === Number(from.id));
      if (fromInst) await kdb.updateTable('hr_institutions').set({ status: 'closed', successor_id: to.id, closed_at: now }).where('organisation_id', '=', from.id).execute();
      else await kdb.insertInto('hr_institutions').values({ organisation_id: from.id, integrated: 0, status: 'closed', successor_id: to.id, integrated_at: null, closed_at: now }).execute();
      if (!insts.some((i) => Number(i.organisation_id) === Number(to.id))) await kdb.insertInto('hr_institutions').values({ organisation_id: to.id, integrated: 0, status: 'active', successor_id: null, integrated_at: null, closed_at: null }).execute();

      // Prove it: the successor now holds every record, version, link and grant, unchanged.
      const heldDocs = (await kdb.selectFrom('hr_documents').select('id').where('id', 'in', docIds.length ? docIds : [-1]).where('custodian_organisation_id', '=', to.id).execute()).length;
      const heldLinks = (await kdb.selectFrom('hr_patient_links').select('id').where('id', 'in', linkIds.length ? linkIds : [-1]).where('custodian_organisation_id', '=', to.id).execute()).length;
      const heldGrants = (await kdb.selectFrom('hr_grants').select('id').where('id', 'in', grants.length ? grants.map((g) => Number(g.id)) : [-1]).where('grantee_organisation_id', '=', to.id).execute()).length;
      const after = { docs: await documentDigest(kdb, docIds), links: await linkDigest(kdb, linkIds) };
      const leftBehind = Number((await kdb.selectFrom('hr_documents').select((e) => e.fn.countAll().as('n')).where('custodian_organisation_id', '=', from.id).executeTakeFirstOrThrow()).n);
      const verified = heldDocs === docIds.length && heldLinks === linkIds.length && heldGrants === grants.length && leftBehind === 0 && after.docs.digest === before.docs.digest && after.links === before.links;
      if (!verified) throw new HandoverIncomplete();

      const report: HandoverReport = {
        from: { id: Number(from.id), name: from.name },
        to: { id: Number(to.id), name: to.name },
        reason: input.reason,
        documents: { count: docIds.length, versions: before.docs.versions, digest: before.docs.digest },
        links: { count: linkIds.length, digest: before.links },
        grants: grants.map((g) => g.ref),
        verified,
        handedOverAt: now,
        citation: '西卫〔2019〕4号 第十二条',
      };
      const row = await kdb.insertInto('hr_handovers').values({ from_organisation_id: from.id, to_organisation_id: to.id, reason: input.reason, report: JSON.stringify(report), handed_over_at: now, handed_over_by: who.staffId }).returning('id').executeTakeFirstOrThrow();
      await appendAudit(kdb, clock, who.actor, { action: 'institution.handover', entityType: 'organisation', entityId: Number(from.id), detail: { handoverId: Number(row.id), to: Number(to.id), documents: docIds.length, links: linkIds.length, grants: report.grants } });
      return allow(report);
    });
  } catch (e) {
    if (e instanceof HandoverIncomplete) return refuse(reason('handover_incomplete', '移交核对不一致，已全部回滚，未作任何变更', 'The handover did not verify and was rolled back; nothing changed', handoverCitation));
    throw e;
  }
}
