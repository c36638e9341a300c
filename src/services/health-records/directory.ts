import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { civilDateOf } from '../../platform/time/civil.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../platform/audit/trail.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { HealthRecordsTables } from './schema.ts';
import { k, personGroup, readBasics } from './person-index.ts';
import type { ContractData } from './upload-format.ts';
import type { FamilyDoctorContractFacts } from '../../platform/contracts/health-records.ts';
import { receiveHandBack, type IncomingHandBack } from './hand-back.ts';
import { systemClock } from '../../platform/time/clock.ts';

/**
 * What the referral platform asks of the centre (西卫〔2019〕5号 第二十二条: only a patient with a
 * signed family-doctor contract and a personal health record may be referred). app.ts hands this
 * object to appointments, so that service never imports health-records' files.
 */
export type FamilyDoctorContract = FamilyDoctorContractFacts;

export interface RecordBasics {
  personId: number;
  name: string;
  sex: string | null;
  birthDate: string | null;
  documents: number;
  lastUpdated: string | null;
}

export interface HealthRecordsDirectory {
  hasPersonalRecord(personId: number): Promise<boolean>;
  familyDoctorContract(personId: number): Promise<FamilyDoctorContract | null>;
  recordBasics(personId: number): Promise<RecordBasics | null>;
  /** 西卫〔2019〕5号 第二十八条: the hand-back goes into the patient's record (idempotent by reference). */
  receiveHandBack(personId: number, handBack: IncomingHandBack): Promise<void>;
}

export interface DirectoryOptions {
  /** When given, contracts that have ended (validUntil before today in Beijing) are not returned. */
  clock?: Clock;
  /** Who asks, for the audit trail; defaults to the referral platform as a system actor. */
  actor?: Actor;
}

const referralActor: Actor = { kind: 'system', id: null, name: 'referral-platform', role: 'system' };

export function healthRecordsDirectory(db: Db<PlatformTables> | Db<HealthRecordsTables>, options: DirectoryOptions = {}): HealthRecordsDirectory {
  const hdb = db as Db<HealthRecordsTables>;
  const kdb = hdb.kysely as Kysely<HealthRecordsTables>;
  const audit = async (personId: number, what: string) => {
    // 西卫〔2019〕4号 第十八条: a look into a person's record by another service is traced too.
    if (!options.clock) return;
    const clock = options.clock;
    await inTransaction(hdb, (trx) => appendAudit(k(trx), clock, options.actor ?? referralActor, { action: 'health_record.lookup', entityType: 'health_record', entityId: personId, purpose: 'referral', grantRef: 'referral-platform', detail: { what } }));
  };
  return {
    async hasPersonalRecord(personId) {
      const { members } = await personGroup(kdb, personId);
      const row = await kdb.selectFrom('hr_person_basics').select('person_id').where('person_id', 'in', members).executeTakeFirst();
      return row !== undefined;
    },
    async familyDoctorContract(personId) {
      const { members, canonical } = await personGroup(kdb, personId);
      const rows = await kdb.selectFrom('hr_documents').select(['source_organisation_id', 'custodian_organisation_id', 'payload', 'occurred_on', 'id']).where('person_id', 'in', members).where('kind', '=', 'family_doctor_contract').orderBy('occurred_on', 'desc').orderBy('id', 'desc').execute();
      const today = options.clock ? civilDateOf(options.clock.now()) : undefined;
      for (const r of rows) {
        const c = JSON.parse(r.payload) as ContractData;
        if (c.status === 'terminated') continue;
        if (today && c.validUntil && c.validUntil < today) continue;
        let doctorStaffId: number | null = null;
        if (c.doctorUsername) {
          const st = await kdb.selectFrom('staff').select('id').where('username', '=', c.doctorUsername).executeTakeFirst();
          doctorStaffId = st ? Number(st.id) : null;
        }
        await audit(canonical, 'family_doctor_contract');
        // After a handover (第十二条) the successor holds the contract.
        return { organisationId: Number(r.custodian_organisation_id), doctorStaffId, signedOn: c.signedOn, validUntil: c.validUntil ?? null };
      }
      return null;
    },
    async recordBasics(personId) {
      const b = await readBasics(kdb, personId);
      if (!b) return null;
      const { members } = await personGroup(kdb, personId);
      const agg = await kdb.selectFrom('hr_documents').select((e) => [e.fn.countAll().as('n'), e.fn.max('updated_at').as('last')]).where('person_id', 'in', members).executeTakeFirstOrThrow();
      await audit(b.personId, 'basics');
      return { personId: b.personId, name: b.name, sex: b.sex, birthDate: b.birthDate, documents: Number(agg.n), lastUpdated: (agg.last as string | null) ?? null };
    },
    async receiveHandBack(personId, handBack) {
      await receiveHandBack(hdb, options.clock ?? systemClock, personId, handBack);
    },
  };
}
