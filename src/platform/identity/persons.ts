import type { Kysely } from 'kysely';
import type { Clock } from '../time/clock.ts';
import type { Tx } from '../db/transaction.ts';
import type { PersonTable, PlatformTables } from '../db/schema.ts';
import { appendAudit, type Actor } from '../audit/trail.ts';
import { allow, cite, reason, refuse, type Decision } from '../law/decision.ts';
import type { ValidDocument } from './documents.ts';

export interface Person {
  readonly id: number;
  readonly docType: string;
  readonly docNumber: string;
  readonly name: string;
  readonly phone: string;
  readonly locale: string;
}

export const uniquenessCitation = cite('西卫〔2019〕4号', '第八条');

export function toPerson(r: Pick<PersonTable, 'doc_type' | 'doc_number' | 'name' | 'phone' | 'locale'> & { id: number | bigint }): Person {
  return { id: Number(r.id), docType: r.doc_type, docNumber: r.doc_number, name: r.name, phone: r.phone, locale: r.locale };
}

export async function findPersonByDocument(db: Kysely<PlatformTables>, type: string, number: string): Promise<Person | undefined> {
  const r = await db.selectFrom('persons').selectAll().where('doc_type', '=', type).where('doc_number', '=', number).executeTakeFirst();
  return r ? toPerson(r) : undefined;
}

export async function findPersonById(db: Kysely<PlatformTables>, id: number): Promise<Person | undefined> {
  const r = await db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toPerson(r) : undefined;
}

/**
 * The one person for a document (西卫〔2019〕4号 第八条 身份标识的唯一性). The unique constraint makes
 * a concurrent first registration of the same document end in one row; a different name for the
 * same document is refused, not overwritten.
 */
export async function registerPerson<T extends PlatformTables>(
  trx: Tx<T>,
  clock: Clock,
  actor: Actor,
  doc: ValidDocument,
  name: string,
  phone: string,
  locale = 'zh-CN',
): Promise<Decision<Person>> {
  const db = trx as unknown as Kysely<PlatformTables>;
  const inserted = await db
    .insertInto('persons')
    .values({ doc_type: doc.type, doc_number: doc.number, name, phone, locale, created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.columns(['doc_type', 'doc_number']).doNothing())
    .executeTakeFirst();
  const person = await findPersonByDocument(db, doc.type, doc.number);
  if (!person) throw new Error('person vanished after insert');
  if (person.name !== name) {
    return refuse(
      reason('identity_mismatch', '姓名与证件登记信息不一致', 'The name does not match the one registered for this document', uniquenessCitation),
    );
  }
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    await appendAudit(db, clock, actor, { action: 'person.register', entityType: 'person', entityId: person.id });
  }
  return allow(person);
}
