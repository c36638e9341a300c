/**
 * Demo data for 2019: real Xicheng school names in three school zones, with invented seat plans
 * (the real 招生计划 are filed with the city, 10号 四(二), and not in the gazette), and one
 * reviewer account per department of 11号 二(二) plus one street office.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { systemActor } from '../../platform/audit/trail.ts';
import { createStaff } from '../../platform/identity/staff.ts';
import { addPartyMember } from '../../platform/cases/store.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { EnrollmentDb } from './schema.ts';
import { upsertProgram, upsertSchool } from './store/schools.ts';
import { departments, streetParty, type Department } from './rules/departments.ts';
import type { RouteKey } from './rules/routes.ts';

export const demoZones = [
  { code: 'xinjiekou', zh: '新街口学区', en: 'Xinjiekou zone' },
  { code: 'yuetan', zh: '月坛学区', en: 'Yuetan zone' },
  { code: 'guanganmennei', zh: '广安门内学区', en: "Guang'anmennei zone" },
] as const;

interface SchoolSeed {
  code: string;
  zh: string;
  en: string;
  stage: 'primary' | 'middle';
  kind: string;
  zone: string;
  plans: Partial<Record<RouteKey, number>>;
  /** 对口直升: reserved blocks for these primary schools' graduates. */
  paired?: Record<string, number>;
}

export const demoSchools: readonly SchoolSeed[] = [
  { code: 'PS01', zh: '北京市西城区实验小学', en: 'Xicheng Experimental Primary School', stage: 'primary', kind: 'public', zone: 'xinjiekou', plans: { primary_registration: 90, primary_zone_lottery: 10, primary_district_lottery: 5 } },
  { code: 'PS02', zh: '北京市西城区黄城根小学', en: 'Huangchenggen Primary School', stage: 'primary', kind: 'public', zone: 'xinjiekou', plans: { primary_registration: 80, primary_zone_lottery: 8, primary_district_lottery: 5 } },
  { code: 'PS03', zh: '北京市西城区育民小学', en: 'Yumin Primary School', stage: 'primary', kind: 'public', zone: 'yuetan', plans: { primary_registration: 90, primary_zone_lottery: 10, primary_district_lottery: 6 } },
  { code: 'PS04', zh: '北京市西城区复兴门外第一小学', en: 'Fuxingmenwai No. 1 Primary School', stage: 'primary', kind: 'public', zone: 'yuetan', plans: { primary_registration: 60, primary_district_lottery: 6 } },
  { code: 'PS05', zh: '北京小学', en: 'Beijing Primary School', stage: 'primary', kind: 'public', zone: 'guanganmennei', plans: { primary_registration: 120, primary_zone_lottery: 12, primary_district_lottery: 8 } },
  { code: 'PS06', zh: '北京第二实验小学', en: 'Beijing No. 2 Experimental Primary School', stage: 'primary', kind: 'public', zone: 'guanganmennei', plans: { primary_registration: 120, primary_zone_lottery: 10 } },
  { code: 'PB01', zh: '北京市西城区寄宿制小学（示例）', en: 'Xicheng boarding primary (demo)', stage: 'primary', kind: 'boarding', zone: 'yuetan', plans: { primary_boarding: 40 } },
  { code: 'PP01', zh: '西城区民办小学（示例）', en: 'Xicheng private primary (demo)', stage: 'primary', kind: 'private', zone: 'xinjiekou', plans: { primary_private: 30 } },
  { code: 'MS01', zh: '北京市第四中学', en: 'Beijing No. 4 High School', stage: 'middle', kind: 'public', zone: 'xinjiekou', plans: { middle_district_wide_lottery: 20, middle_zone_registration: 40, middle_zone_lottery: 120 }, paired: { PS01: 10 } },
  { code: 'MS02', zh: '北京市第三十五中学', en: 'Beijing No. 35 High School', stage: 'middle', kind: 'public', zone: 'xinjiekou', plans: { middle_district_wide_lottery: 20, middle_zone_registration: 30, middle_zone_lottery: 150 }, paired: { PS02: 10 } },
  { code: 'MS03', zh: '北京市第八中学', en: 'Beijing No. 8 High School', stage: 'middle', kind: 'public', zone: 'yuetan', plans: { middle_district_wide_lottery: 20, middle_zone_registration: 40, middle_zone_lottery: 120 }, paired: { PS03: 10, PS04: 6 } },
  { code: 'MS04', zh: '北京师范大学附属实验中学', en: 'Experimental High School Attached to BNU', stage: 'middle', kind: 'public', zone: 'yuetan', plans: { middle_district_wide_lottery: 20, middle_zone_lottery: 150 } },
  { code: 'MS05', zh: '北京市第十三中学', en: 'Beijing No. 13 High School', stage: 'middle', kind: 'public', zone: 'guanganmennei', plans: { middle_district_wide_lottery: 15, middle_zone_registration: 40, middle_zone_lottery: 150 }, paired: { PS05: 12 } },
  { code: 'MS06', zh: '北京市第一五六中学', en: 'Beijing No. 156 High School', stage: 'middle', kind: 'public', zone: 'guanganmennei', plans: { middle_district_wide_lottery: 15, middle_zone_lottery: 150 }, paired: { PS06: 12 } },
  { code: 'MF01', zh: '北京市三帆中学', en: 'Beijing Sanfan Middle School', stage: 'middle', kind: 'featured', zone: 'xinjiekou', plans: { middle_featured: 60 } },
  { code: 'MN01', zh: '北京市西城区九年一贯制学校（示例）', en: 'Xicheng nine-year school (demo)', stage: 'middle', kind: 'nine_year', zone: 'yuetan', plans: { middle_nine_year: 80 } },
  { code: 'MP01', zh: '西城区民办初中（示例）', en: 'Xicheng private middle school (demo)', stage: 'middle', kind: 'private', zone: 'guanganmennei', plans: { middle_private: 40 } },
];

export const demoReviewers: readonly { username: string; name: string; party: string }[] = [
  ...departments.map((d: Department) => ({ username: `reviewer.${d}`, name: `${{ hrss: '人社', market: '市监', planning: '规自', police: '公安' }[d]}审核员`, party: d })),
  { username: 'street.yuetan', name: '月坛街道审核员', party: streetParty('110102007') },
  { username: 'street.xinjiekou', name: '新街口街道审核员', party: streetParty('110102003') },
];

/** Schools and programs for a year; idempotent. Returns program ids by 'schoolCode/route[/block]'. */
export async function seedEnrollmentSchools(db: Db<EnrollmentDb>, clock: Clock, year = 2019): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  await inTransaction(db, async (trx) => {
    for (const s of demoSchools) {
      const schoolId = await upsertSchool(trx, clock, systemActor, { code: s.code, nameZh: s.zh, nameEn: s.en, stage: s.stage, kind: s.kind, zone: s.zone });
      for (const [route, capacity] of Object.entries(s.plans)) ids.set(`${s.code}/${route}`, await upsertProgram(trx, clock, systemActor, { year, route, schoolId, block: '', capacity: capacity as number }));
      for (const [primary, capacity] of Object.entries(s.paired ?? {})) ids.set(`${s.code}/middle_paired_lottery/${primary}`, await upsertProgram(trx, clock, systemActor, { year, route: 'middle_paired_lottery', schoolId, block: primary, capacity }));
    }
  });
  return ids;
}

/** Department and street reviewer accounts (password as the platform demo), each in its own party. */
export async function seedEnrollmentReviewers(db: Db<EnrollmentDb>, clock: Clock, password: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const k = db.kysely as unknown as Kysely<PlatformTables>;
  for (const r of demoReviewers) {
    const existing = await k.selectFrom('staff').select('id').where('username', '=', r.username).executeTakeFirst();
    const id = existing
      ? Number(existing.id)
      : await inTransaction(db, (trx) => createStaff(trx, clock, systemActor, { username: r.username, displayName: r.name, password, role: 'department_reviewer' }));
    await inTransaction(db, (trx) => addPartyMember(trx, clock, systemActor, id, r.party));
    ids.set(r.username, id);
  }
  return ids;
}
