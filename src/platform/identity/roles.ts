export const roles = [
  'resident',
  'doctor',
  'family_doctor',
  'institution_admin',
  'kiosk',
  'platform_operator',
  'department_reviewer',
  'auditor',
] as const;
export type Role = (typeof roles)[number];
export type StaffRole = Exclude<Role, 'resident'>;

export const roleLabels: Record<Role, { zh: string; en: string }> = {
  resident: { zh: '居民', en: 'Resident' },
  doctor: { zh: '医生', en: 'Doctor' },
  family_doctor: { zh: '社区家庭医生', en: 'Community family doctor' },
  institution_admin: { zh: '机构管理员', en: 'Institution administrator' },
  kiosk: { zh: '自助机', en: 'Self-service kiosk' },
  platform_operator: { zh: '平台运营人员', en: 'Platform operator' },
  department_reviewer: { zh: '部门审核人员', en: 'Department reviewer' },
  auditor: { zh: '审计人员', en: 'Auditor' },
};

export function isStaffRole(r: string): r is StaffRole {
  return r !== 'resident' && (roles as readonly string[]).includes(r);
}

/**
 * Roles whose work needs full ID and phone numbers (window check-in, referral, verification of records).
 * Never 'kiosk': its screen stands in the public hall and is read by whoever stands at it.
 */
const unmaskingRoles: ReadonlySet<Role> = new Set(['doctor', 'family_doctor', 'institution_admin', 'platform_operator']);

export function roleSeesPersonalNumbers(role: Role): boolean {
  return unmaskingRoles.has(role);
}
