import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import type { AppointmentDb } from '../schema.ts';

/** 第十二条 registries: each write is audited in its transaction. */
export async function upsertRegistryRow<T extends 'appt_departments' | 'appt_doctors' | 'appt_resources'>(
  trx: Tx<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  table: T,
  values: Record<string, unknown>,
  id?: number,
): Promise<number> {
  // The registry columns are chosen by the route's schema; the table name is one of three literals.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const k = trx as unknown as Kysely<any>;
  let rowId: number;
  if (id) {
    await k.updateTable(table as string).set(values).where('id', '=', id).execute();
    rowId = id;
  } else {
    const r = await k.insertInto(table as string).values(values).returning('id').executeTakeFirstOrThrow();
    rowId = Number(r.id);
  }
  await appendAudit(trx, clock, actor, { action: `${table.replace('appt_', '')}.${id ? 'update' : 'create'}`, entityType: table, entityId: rowId, detail: { fields: Object.keys(values) } });
  return rowId;
}

export async function institutionOfOrganisation(k: Kysely<AppointmentDb>, organisationId: number | null): Promise<number | null> {
  if (organisationId === null) return null;
  const r = await k.selectFrom('appt_institutions').select('id').where('organisation_id', '=', organisationId).executeTakeFirst();
  return r ? Number(r.id) : null;
}

/**
 * 第十二条 (一): the institution's profile. Name, short name, address and phone are kept on the
 * organisation (shared with the rest of the platform); the rest on the appointment profile.
 */
export async function updateInstitutionProfile(
  trx: Tx<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  institutionId: number,
  profile: Record<string, unknown>,
  organisation: Record<string, unknown>,
): Promise<void> {
  const k = trx as Kysely<AppointmentDb>;
  if (Object.keys(profile).length) await k.updateTable('appt_institutions').set(profile).where('id', '=', institutionId).execute();
  if (Object.keys(organisation).length) {
    const inst = await k.selectFrom('appt_institutions').select('organisation_id').where('id', '=', institutionId).executeTakeFirstOrThrow();
    await k.updateTable('organisations').set(organisation).where('id', '=', inst.organisation_id).execute();
  }
  await appendAudit(k, clock, actor, { action: 'institutions.update', entityType: 'appt_institutions', entityId: institutionId, detail: { fields: [...Object.keys(profile), ...Object.keys(organisation)] } });
}
