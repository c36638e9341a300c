/**
 * A database-free stand-in for the health-records service behind HealthRecordsPort, for tests only.
 * It holds contracts, records and basics in memory, records every hand-back it receives, and can be
 * told to fail, so the tests can see what the referral rules ask and what they do without it.
 */
import type { FamilyDoctorContractFacts, HandBack, HealthRecordsPort } from './eligibility.ts';

export interface FakeHealthRecords extends HealthRecordsPort {
  readonly contracts: Map<number, FamilyDoctorContractFacts>;
  readonly records: Set<number>;
  readonly basics: Map<number, Record<string, unknown>>;
  readonly received: { personId: number; handBack: HandBack }[];
  /** Every call, in order ('contract:12', 'record:12', 'basics:12', 'handBack:12'). */
  readonly calls: string[];
  /** Hand-backs to refuse before accepting again (a receiving service that is down). */
  failHandBacks: number;
  /** Runs inside receiveHandBack, before it is accepted (tests look at the database from there). */
  onHandBack?: ((personId: number, handBack: HandBack) => Promise<void>) | undefined;
  /** A contract with the organisation, a record and basics: a person the rules of 第二十二条 accept. */
  enrol(personId: number, organisationId: number, opts?: { validUntil?: string | null; record?: boolean }): void;
}

export function fakeHealthRecords(options: { acceptsHandBacks?: boolean } = {}): FakeHealthRecords {
  const contracts = new Map<number, FamilyDoctorContractFacts>();
  const records = new Set<number>();
  const basics = new Map<number, Record<string, unknown>>();
  const received: { personId: number; handBack: HandBack }[] = [];
  const calls: string[] = [];
  const fake: FakeHealthRecords = {
    contracts,
    records,
    basics,
    received,
    calls,
    failHandBacks: 0,
    async hasPersonalRecord(personId) {
      calls.push(`record:${personId}`);
      return records.has(personId);
    },
    async familyDoctorContract(personId) {
      calls.push(`contract:${personId}`);
      return contracts.get(personId) ?? null;
    },
    async recordBasics(personId) {
      calls.push(`basics:${personId}`);
      return records.has(personId) ? (basics.get(personId) ?? null) : null;
    },
    enrol(personId, organisationId, opts = {}) {
      contracts.set(personId, { organisationId, doctorStaffId: null, signedOn: '2025-06-01', validUntil: opts.validUntil === undefined ? '2027-05-31' : opts.validUntil });
      if (opts.record !== false) {
        records.add(personId);
        basics.set(personId, { personId, name: `档案${personId}`, sex: 'female', birthDate: '1950-01-01', documents: 3, lastUpdated: '2026-02-01T00:00:00.000Z' });
      }
    },
  };
  if (options.acceptsHandBacks !== false) {
    fake.receiveHandBack = async (personId, handBack) => {
      calls.push(`handBack:${personId}`);
      await fake.onHandBack?.(personId, handBack);
      if (fake.failHandBacks > 0) {
        fake.failHandBacks--;
        throw new Error('health records temporarily unavailable');
      }
      received.push({ personId, handBack });
    };
  }
  return fake;
}
