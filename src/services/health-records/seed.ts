import type { Db } from '../../platform/db/connect.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { appendAudit, systemActor, type Actor } from '../../platform/audit/trail.ts';
import { hashPassword } from '../../platform/identity/passwords.ts';
import { addDays, civilDateOf, instantAt } from '../../platform/time/civil.ts';
import type { HealthRecordsTables } from './schema.ts';
import { integrateInstitution } from './grants.ts';
import { receiveUpload } from './upload.ts';
import { k } from './person-index.ts';

/**
 * Demo data for the centre, on top of the platform's demo seed (streets, institutions, 200 people,
 * staff): every hospital and 社区卫生服务中心 integrated (direct grants), a second department
 * reviewer so both approvals can be shown, a district CDC as an "other unit" with a pending written
 * application, an outsourced operator limited to statistics and backups, records for 40 residents,
 * family-doctor contracts from 月坛, and one person registered twice (ID card and passport).
 * Does nothing if the centre already has grants.
 */
const conditions = [
  ['I10', '原发性高血压', '氨氯地平片', '5mg', '每日一次'],
  ['E11.9', '2型糖尿病', '二甲双胍片', '0.5g', '每日三次'],
  ['I25.1', '动脉粥样硬化性心脏病', '阿司匹林肠溶片', '100mg', '每日一次'],
  ['J06.9', '急性上呼吸道感染', '连花清瘟胶囊', '1.4g', '每日三次'],
  ['K29.7', '慢性胃炎', '奥美拉唑肠溶胶囊', '20mg', '每日两次'],
  ['M54.5', '腰痛', '布洛芬缓释胶囊', '0.3g', '每日两次'],
] as const;

export async function seedHealthRecordsDemo(platformDb: Db<PlatformTables>, clock: Clock, demoPassword = 'Yiwang-2019'): Promise<{ integrated: number; people: number } | undefined> {
  const db = platformDb as unknown as Db<HealthRecordsTables>;
  const kdb = k(db.kysely);
  if (await kdb.selectFrom('hr_grants').select('id').limit(1).executeTakeFirst()) return undefined;
  const operator = await kdb.selectFrom('staff').select(['id', 'display_name', 'role']).where('username', '=', 'operator').executeTakeFirst();
  const doctor = await kdb.selectFrom('staff').select(['id', 'display_name', 'role', 'organisation_id']).where('username', '=', 'doctor.rmyy').executeTakeFirst();
  const family = await kdb.selectFrom('staff').select(['id', 'display_name', 'role', 'organisation_id']).where('username', '=', 'doctor.yt').executeTakeFirst();
  if (!operator || !doctor?.organisation_id || !family?.organisation_id) return undefined; // the platform demo seed has not run
  const op = { staffId: Number(operator.id), actor: { kind: 'staff', id: Number(operator.id), name: operator.display_name, role: operator.role } as Actor };
  const orgs = await kdb.selectFrom('organisations').select(['id']).where('kind', 'in', ['hospital', 'community_health_centre']).orderBy('id').execute();
  for (const o of orgs) await integrateInstitution(db, clock, op, Number(o.id));

  const hash = await hashPassword(demoPassword);
  const now = clock.now().toISOString();
  const today = civilDateOf(clock.now());
  await inTransaction(db, async (trx) => {
    const t = k(trx);
    const cdc = await t.insertInto('organisations').values({ code: 'P110102001', name: '北京市西城区疾病预防控制中心', short_name: '区疾控中心', kind: 'public_health', level: null, street_id: null, address: '北京市西城区德胜门外大街', phone: '010-12320' }).onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst();
    const cdcId = cdc ? Number(cdc.id) : Number((await t.selectFrom('organisations').select('id').where('code', '=', 'P110102001').executeTakeFirstOrThrow()).id);
    const staff = async (username: string, name: string, role: string, organisationId: number | null) => {
      const existing = await t.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
      if (existing) return Number(existing.id);
      const r = await t.insertInto('staff').values({ username, display_name: name, password_hash: hash, role, organisation_id: organisationId, person_id: null, referral_authorised: 0, active: 1, created_at: now }).returning('id').executeTakeFirstOrThrow();
      await appendAudit(t, clock, systemActor, { action: 'staff.create', entityType: 'staff', entityId: Number(r.id), detail: { role, seed: 'health-records-demo' } });
      return Number(r.id);
    };
    const reviewer = await t.selectFrom('staff').select('id').where('username', '=', 'reviewer').executeTakeFirst();
    const info = await staff('reviewer.info', '冯信息', 'department_reviewer', null);
    const cdcAdmin = await staff('admin.cdc', '钱疾控', 'institution_admin', cdcId);
    const contractor = await staff('contractor', '孙外包', 'platform_operator', null);
    if (reviewer) await t.insertInto('hr_staff_duties').values({ staff_id: Number(reviewer.id), duty: 'business_department', assigned_at: now, assigned_by: op.staffId }).onConflict((oc) => oc.columns(['staff_id', 'duty']).doNothing()).execute();
    await t.insertInto('hr_staff_duties').values({ staff_id: info, duty: 'information_department', assigned_at: now, assigned_by: op.staffId }).onConflict((oc) => oc.columns(['staff_id', 'duty']).doNothing()).execute();
    await t.insertInto('hr_operator_agreements').values({ staff_id: contractor, contractor: '北京某信息技术有限公司', agreement_ref: 'XWXX-WT-2019-03', scopes: JSON.stringify(['statistics', 'backup']), valid_from: today.slice(0, 4) + '-01-01', valid_until: today.slice(0, 4) + '-12-31', recorded_at: now }).onConflict((oc) => oc.column('staff_id').doNothing()).execute();
    await t.insertInto('hr_grants').values({
      ref: `A${today.slice(0, 4)}-0001`, kind: 'application', grantee_organisation_id: cdcId, data_items: JSON.stringify(['diagnosis', 'lab_result']), purposes: JSON.stringify(['public_health']),
      purpose_text: '辖区高血压、糖尿病患者监测与随访管理', legal_basis: '国家基本公共卫生服务规范（第三版）慢性病患者健康管理', application_text: '西疾控〔2019〕12号 关于申请慢病监测数据对接的函',
      valid_from: today, valid_until: addDays(today, 365), status: 'submitted', submitted_by: cdcAdmin, submitted_at: now, business_approved_by: null, business_approved_at: null,
      information_approved_by: null, information_approved_at: null, activated_by: null, activated_at: null, closed_by: null, closed_at: null, close_reason: null, transferred_from_organisation_id: null,
    }).execute();
  });

  const people = await kdb.selectFrom('persons').select(['id', 'doc_number', 'name', 'phone']).where('doc_type', '=', 'resident_id').orderBy('id').limit(40).execute();
  const hospitalItems: unknown[] = [];
  const centreItems: unknown[] = [];
  people.forEach((p, i) => {
    const c = conditions[i % conditions.length] ?? conditions[0];
    const day = addDays(today, -((i * 7) % 60) - 1);
    const patient = { localId: `RMYY-${String(p.id).padStart(6, '0')}`, docType: 'resident_id', docNumber: p.doc_number, name: p.name, phone: p.phone, address: `北京市西城区月坛南街${(i % 30) + 1}号` };
    hospitalItems.push(
      { kind: 'encounter', id: `ENC-${p.id}`, patient, data: { class: 'outpatient', start: instantAt(day, '09:30').toISOString(), department: i % 2 ? '心内科' : '内分泌科', doctorName: doctor.display_name, summary: `${c[1]}复诊，病情稳定，继续当前治疗` } },
      { kind: 'diagnosis', id: `DX-${p.id}`, patient, data: { code: c[0], display: c[1], diagnosedOn: day, encounterId: `ENC-${p.id}` } },
      { kind: 'prescription', id: `RX-${p.id}`, patient, data: { medication: c[2], dose: c[3], frequency: c[4], route: '口服', days: 30, prescribedOn: day, encounterId: `ENC-${p.id}` } },
      { kind: 'lab_result', id: `LAB-${p.id}`, patient, data: { code: '2345-7', name: '空腹血糖', value: Math.round((4.5 + (i % 9) * 0.45) * 10) / 10, unit: 'mmol/L', referenceRange: '3.9-6.1', abnormal: 4.5 + (i % 9) * 0.45 > 6.1, collectedAt: instantAt(day, '08:00').toISOString() } },
    );
    if (i < 15) {
      const local = { ...patient, localId: `YT-${String(p.id).padStart(6, '0')}` };
      centreItems.push({ kind: 'family_doctor_contract', id: `FD-${p.id}`, patient: local, data: { doctorName: family.display_name, doctorUsername: 'doctor.yt', team: '月坛家庭医生一组', signedOn: addDays(today, -120 - i), validUntil: addDays(today, 245 - i) } });
    }
  });
  const asStaff = (s: { id: number | bigint; display_name: string; role: string }): Actor => ({ kind: 'staff', id: Number(s.id), name: s.display_name, role: s.role });
  await receiveUpload(db, clock, asStaff(doctor), { staffId: Number(doctor.id), organisationId: Number(doctor.organisation_id) }, { items: hospitalItems }, 'native');
  await receiveUpload(db, clock, asStaff(family), { staffId: Number(family.id), organisationId: Number(family.organisation_id) }, { items: centreItems }, 'native');
  // One resident also known to the centre by passport: the duplicate finder's demo case.
  const twin = people[0];
  if (twin) {
    const birth = `${twin.doc_number.slice(6, 10)}-${twin.doc_number.slice(10, 12)}-${twin.doc_number.slice(12, 14)}`;
    const sex = Number(twin.doc_number[16]) % 2 === 1 ? 'male' : 'female';
    await receiveUpload(db, clock, asStaff(family), { staffId: Number(family.id), organisationId: Number(family.organisation_id) }, { items: [{ kind: 'encounter', id: `ENC-PP-${twin.id}`, patient: { localId: `YT-PP-${twin.id}`, docType: 'passport', docNumber: `E${String(70000000 + Number(twin.id))}`, name: twin.name, phone: twin.phone, sex, birthDate: birth }, data: { class: 'home_visit', start: instantAt(addDays(today, -3), '15:00').toISOString(), doctorName: family.display_name, summary: '家庭医生上门随访，血压平稳' } }] }, 'native');
  }
  return { integrated: orgs.length, people: people.length };
}
