import { allow, reason, refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import { daysBetween, type CivilDate } from '../../../platform/time/civil.ts';
import { referralArt } from './citations.ts';
import type { FamilyDoctorContractFacts, ReferralHandBack } from '../../../platform/contracts/health-records.ts';

export type { FamilyDoctorContractFacts } from '../../../platform/contracts/health-records.ts';
/** 第二十八条: what a hand-back carries into the patient's record. */
export type HandBack = ReferralHandBack;

/**
 * What the referral rules need from the health-records service (西卫〔2019〕5号 第二十二条, 第十六条
 * (四), 第二十八条). Appointments never imports health-records: app.ts hands an implementation in
 * through registerAppointmentsService(app, deps, { healthRecords }). Calls are made outside the
 * referral's own transaction: the implementation may open its own (its lookups are audited), and on
 * SQLite a nested transaction on the one connection would wait for ever.
 */
export interface HealthRecordsPort {
  hasPersonalRecord(personId: number): Promise<boolean>;
  familyDoctorContract(personId: number): Promise<FamilyDoctorContractFacts | null>;
  /** 第十六条 (四): the health-record basics a referral carries (stored with the referral as sent). */
  recordBasics(personId: number): Promise<object | null>;
  /** 第二十八条: the patient's record receives the hand-back (optional: a deployment without health records records it as undelivered). */
  receiveHandBack?(personId: number, handBack: HandBack): Promise<void>;
}

export interface AppointmentsPorts {
  readonly healthRecords?: HealthRecordsPort | undefined;
}

export const healthRecordsUnavailable = (): Reason =>
  reason(
    'health_records_unavailable',
    '无法核实家庭医生签约和个人健康档案（健康档案服务未接入），暂不能办理社区转诊',
    'The family-doctor contract and health record cannot be checked (the health-records service is not connected), so no referral can be made',
    referralArt.eligibility,
  );

export const noHealthRecord = (): Reason =>
  reason('no_health_record', '该居民尚未建立个人健康档案，不能预约转诊', 'This person has no personal health record and cannot be referred', referralArt.eligibility);

export interface ReferringStaff {
  readonly role: string;
  readonly referralAuthorised: boolean;
  readonly organisationId: number | null;
  readonly organisationKind: string | null;
  /** When the organisation is a 社区卫生服务站: the 中心 it belongs to. */
  readonly centreOfStation: number | null;
}

/**
 * 第二十一条 (一): only a doctor a 社区卫生服务机构 authorised refers; the 中心 answers for the referrals
 * of its 站 (第二十一条, last paragraph), so a station's doctor refers under the centre.
 */
export function checkReferringDoctor(s: ReferringStaff): Decision<{ fromOrganisationId: number; responsibleCentreId: number }> {
  const notAuthorised = (zh: string, en: string) => refuse(reason('referral_not_authorised', zh, en, referralArt.authority));
  if (s.role !== 'family_doctor') return notAuthorised('只有社区卫生服务机构的家庭医生可以预约转诊', 'Only a family doctor of a community health institution may refer');
  if (!s.referralAuthorised) return notAuthorised('您未获社区卫生服务中心授权进行预约转诊', 'A community health centre has not authorised you to refer');
  if (s.organisationId === null) return notAuthorised('您不属于任何社区卫生服务中心（站）', 'You belong to no community health centre or station');
  if (s.organisationKind === 'community_health_centre') return allow({ fromOrganisationId: s.organisationId, responsibleCentreId: s.organisationId });
  if (s.centreOfStation !== null) return allow({ fromOrganisationId: s.organisationId, responsibleCentreId: s.centreOfStation });
  return notAuthorised('预约转诊由社区卫生服务中心负责，您所在机构不是社区卫生服务中心或其派出的服务站', 'Referrals are the responsibility of a community health centre; your organisation is neither a centre nor one of its stations');
}

export interface PatientFacts {
  readonly today: CivilDate;
  readonly banEndsOn: CivilDate | null;
  readonly contract: FamilyDoctorContractFacts | null;
  readonly hasRecord: boolean;
  /** Organisations whose contract makes this referral the patient's family doctor's (the centre and its stations). */
  readonly referringOrganisations: readonly number[];
}

/**
 * 第二十二条: a signed family-doctor contract and a personal health record; 第十一条 speaks of
 * residents "经家庭医生转诊签约居民", so the contract is with the referring centre (or its station).
 * 第三十二条: a person on the violation list cannot be referred.
 */
export function checkPatientEligibility(f: PatientFacts): Decision<undefined> {
  if (f.banEndsOn !== null && f.today < f.banEndsOn) {
    return refuse(reason('patient_banned', `该居民已被列入违约名单，${f.banEndsOn}前无法预约转诊`, `This person is on the violation list and cannot be referred until ${f.banEndsOn}`, referralArt.violations));
  }
  const reasons: Reason[] = [];
  const contract = f.contract;
  if (!contract || (contract.validUntil !== null && contract.validUntil < f.today)) {
    reasons.push(reason('no_family_doctor_contract', '该居民未与社区卫生服务机构签订有效的家庭医生服务协议，不能预约转诊', 'This person has no valid family-doctor contract with a community health institution and cannot be referred', referralArt.eligibility));
  } else if (!f.referringOrganisations.includes(contract.organisationId)) {
    reasons.push(reason('contract_with_other_institution', '该居民的家庭医生签约机构不是本社区卫生服务中心（站），请由签约机构转诊', 'This person’s family-doctor contract is with another community institution; the contracted one refers', referralArt.priority));
  }
  if (!f.hasRecord) reasons.push(noHealthRecord());
  return reasons.length ? refuse(...reasons) : allow();
}

export const referralWindowDays = 3;
export const minimumReasonLength = 4;

/** 第二十条: a visit within 3 days of the referral in principle; a later one needs a recorded reason. */
export function checkVisitWithinThreeDays(today: CivilDate, visitDate: CivilDate, exceptionReason: string | undefined): Decision<{ withinThreeDays: boolean }> {
  if (daysBetween(today, visitDate) <= referralWindowDays) return allow({ withinThreeDays: true });
  if ((exceptionReason?.trim().length ?? 0) >= minimumReasonLength) return allow({ withinThreeDays: false });
  return refuse(
    reason(
      'referral_after_three_days_needs_reason',
      `转诊患者原则上应在3日内安排就诊；选择${visitDate}（超过3日）须填写原因`,
      `A referred patient is in principle seen within 3 days; choosing ${visitDate} (later) needs a recorded reason`,
      referralArt.withinThreeDays,
    ),
  );
}

/** 第十六条 (四), 第二十一条 (三): a referral is based on the patient's condition and carries it. */
export function checkDiseaseInfo(diseaseInfo: string, criterionActive: boolean | undefined): Decision<undefined> {
  const reasons: Reason[] = [];
  if (criterionActive === undefined || !criterionActive) {
    reasons.push(reason('unknown_referral_criterion', '请选择有效的转诊标准（病种）', 'Choose a current referral criterion (condition)', referralArt.authority));
  }
  if (diseaseInfo.trim().length < minimumReasonLength) {
    reasons.push(reason('disease_info_required', '请填写患者相关疾病信息（病情摘要、转诊原因）', 'Enter the patient’s disease information (summary and reason for referral)', referralArt.referralData));
  }
  return reasons.length ? refuse(...reasons) : allow();
}

/** 第二十八条: a hand-back carries the diagnosis, the treatment given, and the follow-up or rehabilitation plan. */
export function checkHandBack(h: { diagnosis: string; treatment: string; plan: string }): Decision<undefined> {
  const missing = (['diagnosis', 'treatment', 'plan'] as const).filter((k) => h[k].trim().length === 0);
  if (missing.length === 0) return allow();
  const zh: Record<(typeof missing)[number], string> = { diagnosis: '诊断', treatment: '诊疗经过', plan: '后续治疗和康复方案' };
  return refuse(
    ...missing.map((m) =>
      reason(`hand_back_missing_${m}`, `转回社区须填写${zh[m]}`, `A hand-back needs the ${m === 'plan' ? 'follow-up or rehabilitation plan' : m === 'treatment' ? 'treatment given' : 'diagnosis'}`, referralArt.handBack),
    ),
  );
}
