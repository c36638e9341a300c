/**
 * What the referral platform (西卫〔2019〕5号) and the health-record centre (西卫〔2019〕4号) exchange.
 * Services never import each other, so the shapes they share live here and app.ts connects them.
 */

/** 第二十二条: the family-doctor contract that makes a patient eligible for referral. */
export interface FamilyDoctorContractFacts {
  organisationId: number;
  doctorStaffId: number | null;
  signedOn: string;
  validUntil: string | null;
}

/** 第二十八条: a hospital hands a stable patient back to their community centre. */
export interface ReferralHandBack {
  fromOrganisationId: number;
  toOrganisationId: number;
  /** The hospital staff member who handed the patient back (the record names who supplied it, 西卫〔2019〕4号 第十八条). */
  byStaffId: number;
  diagnosis: string;
  treatment: string;
  plan: string;
  /** ISO instant of the hand-back. */
  at: string;
  /** Stable per hand-back ('appointments/referral/12'): a redelivery after a crash is recognised. */
  reference: string;
}
