import type { Kysely } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { openTestDatabase, type TestDatabase } from '../../platform/db/test-databases.ts';
import { platformMigrations } from '../../platform/migrations.ts';
import { manualClock, type ManualClock } from '../../platform/time/clock.ts';
import { residentIdCheckChar } from '../../platform/identity/documents.ts';
import type { Actor } from '../../platform/audit/trail.ts';
import type { Engine } from '../../platform/db/connect.ts';
import type { StaffRole } from '../../platform/identity/roles.ts';
import { healthRecordsMigrations } from './migration.ts';
import type { HealthRecordsTables } from './schema.ts';

/** Test fixtures for the health-record centre: a database on either engine with a few institutions and people. */
export interface World {
  t: TestDatabase<HealthRecordsTables>;
  clock: ManualClock;
  orgs: { hospital: number; centre: number; centre2: number; cdc: number };
  staff: Record<string, { id: number; actor: Actor; organisationId: number | null; role: StaffRole }>;
}

export function residentId(birth: string, serial: number): string {
  const first17 = `110102${birth.replace(/-/g, '')}${String(serial).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export async function openWorld(engine: Engine): Promise<World> {
  const t = await openTestDatabase<HealthRecordsTables>(engine, [...platformMigrations, ...healthRecordsMigrations]);
  const clock = manualClock(new Date('2019-06-17T02:00:00Z'));
  const db = t.db.kysely as Kysely<HealthRecordsTables>;
  const street = Number((await db.insertInto('streets').values({ code: '110102007', name_zh: '月坛街道', name_en: 'Yuetan' }).returning('id').executeTakeFirstOrThrow()).id);
  const org = async (code: string, name: string, kind: string) =>
    Number((await db.insertInto('organisations').values({ code, name, short_name: name, kind, level: null, street_id: street, address: '北京市西城区', phone: '010-12320' }).returning('id').executeTakeFirstOrThrow()).id);
  const orgs = {
    hospital: await org('H001', '北京大学人民医院', 'hospital'),
    centre: await org('C110102007', '北京市西城区月坛社区卫生服务中心', 'community_health_centre'),
    centre2: await org('C110102009', '北京市西城区展览路社区卫生服务中心', 'community_health_centre'),
    cdc: await org('P001', '北京市西城区疾病预防控制中心', 'public_health'),
  };
  const staff: World['staff'] = {};
  const add = async (username: string, name: string, role: StaffRole, organisationId: number | null) => {
    const id = Number((await db.insertInto('staff').values({ username, display_name: name, password_hash: 'x', role, organisation_id: organisationId, person_id: null, referral_authorised: 0, active: 1, created_at: clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    staff[username] = { id, organisationId, role, actor: { kind: 'staff', id, name, role } };
  };
  await add('doctor.rmyy', '李医生', 'doctor', orgs.hospital);
  await add('doctor.yt', '王家庭', 'family_doctor', orgs.centre);
  await add('doctor.zll', '赵家庭', 'family_doctor', orgs.centre2);
  await add('cdc.staff', '钱疾控', 'institution_admin', orgs.cdc);
  await add('operator', '周运营', 'platform_operator', null);
  await add('contractor', '孙外包', 'platform_operator', null);
  await add('reviewer.business', '郑业务', 'department_reviewer', null);
  await add('reviewer.info', '冯信息', 'department_reviewer', null);
  await add('auditor', '吴审计', 'auditor', null);
  return { t, clock, orgs, staff };
}

export function patient(over: Partial<{ localId: string; docType: string; docNumber: string; name: string; phone: string; sex: string; birthDate: string; address: string }> = {}) {
  return { localId: 'P-1', docType: 'resident_id', docNumber: residentId('1960-03-05', 101), name: '张伟', phone: '13800138000', ...over };
}

export function encounter(id: string, p = patient(), summary = '高血压复诊，血压控制可') {
  return { kind: 'encounter', id, patient: p, data: { class: 'outpatient', start: '2019-06-10T09:00:00+08:00', department: '心内科', doctorName: '李医生', summary } };
}

export function diagnosis(id: string, p = patient(), code = 'I10', display = '原发性高血压') {
  return { kind: 'diagnosis', id, patient: p, data: { code, display, diagnosedOn: '2019-06-10', encounterId: 'E-1' } };
}

/** The platform's functions take the platform's table map; ours is a superset. */
export function platformKysely(w: World): Kysely<PlatformTables> {
  return w.t.db.kysely as unknown as Kysely<PlatformTables>;
}

/** A FHIR R4 transaction Bundle with one of each accepted resource. */
export function sampleBundle(docNumber = residentId('1948-11-20', 122)) {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:p1', resource: { resourceType: 'Patient', id: 'MRN-0042', identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: docNumber }], name: [{ family: '赵', given: ['秀英'] }], gender: 'female', birthDate: '1948-11-20', telecom: [{ system: 'phone', value: '13911112222' }], address: [{ text: '北京市西城区月坛南街7号' }] } },
      { resource: { resourceType: 'Encounter', id: 'ENC-1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'urn:uuid:p1' }, period: { start: '2019-06-12T10:00:00+08:00' }, serviceType: { text: '内分泌科' }, participant: [{ individual: { display: '李医生' } }], reasonCode: [{ text: '多饮多尿' }], text: { status: 'generated', div: '<div>2型糖尿病复诊，血糖控制欠佳</div>' } } },
      { resource: { resourceType: 'Condition', id: 'CON-1', subject: { reference: 'urn:uuid:p1' }, encounter: { reference: 'Encounter/ENC-1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9', display: '2型糖尿病' }] }, recordedDate: '2019-06-12', verificationStatus: { coding: [{ code: 'confirmed' }] } } },
      { resource: { resourceType: 'MedicationRequest', id: 'MED-1', status: 'active', intent: 'order', subject: { reference: 'urn:uuid:p1' }, medicationCodeableConcept: { text: '二甲双胍片' }, authoredOn: '2019-06-12', dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 0.5, unit: 'g' } }], timing: { code: { text: '每日三次' } }, route: { text: '口服' } }], dispenseRequest: { expectedSupplyDuration: { value: 30, unit: 'd' } } } },
      { resource: { resourceType: 'Observation', id: 'OBS-1', status: 'final', subject: { reference: 'urn:uuid:p1' }, code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: '糖化血红蛋白' }] }, valueQuantity: { value: 8.2, unit: '%' }, referenceRange: [{ low: { value: 4 }, high: { value: 6 } }], interpretation: [{ coding: [{ code: 'H' }] }], effectiveDateTime: '2019-06-12T08:30:00+08:00' } },
    ],
  };
}

