import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/connect.ts';
import type { PlatformTables } from '../platform/db/schema.ts';
import { inTransaction } from '../platform/db/transaction.ts';
import type { Clock } from '../platform/time/clock.ts';
import { systemActor } from '../platform/audit/trail.ts';
import { residentIdCheckChar } from '../platform/identity/documents.ts';
import { hashPassword } from '../platform/identity/passwords.ts';
import { appendAudit } from '../platform/audit/trail.ts';
import type { StaffRole } from '../platform/identity/roles.ts';
import { communityCentreName, givenNameChars, surnames, xichengHospitals, xichengStreets } from './xicheng.ts';

/** The demo staff accounts; README lists them. One password for all, demo only. */
export const demoPassword = 'Yiwang-2019';
export const demoStaff: readonly { username: string; name: string; role: StaffRole; org?: string; referral?: boolean }[] = [
  { username: 'operator', name: '周运营', role: 'platform_operator' },
  { username: 'auditor', name: '吴审计', role: 'auditor' },
  { username: 'reviewer', name: '郑审核', role: 'department_reviewer' },
  { username: 'admin.rmyy', name: '陈管理', role: 'institution_admin', org: 'H001' },
  // The self-service machine in the hospital hall: check-in and walk-in tickets only.
  { username: 'kiosk.rmyy', name: '人民医院自助机', role: 'kiosk', org: 'H001' },
  { username: 'doctor.rmyy', name: '李医生', role: 'doctor', org: 'H001' },
  { username: 'doctor.yt', name: '王家庭', role: 'family_doctor', org: 'C110102007', referral: true },
];

/** Deterministic pseudo-random numbers (mulberry32), so demo data is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic but valid 居民身份证 number registered in 西城区 (110102). */
export function syntheticResidentId(birth: string, serial: number, female: boolean): string {
  const seq = String(serial % 100).padStart(2, '0') + String(female ? (serial % 5) * 2 : (serial % 5) * 2 + 1);
  const first17 = `110102${birth.replace(/-/g, '')}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

export interface SeedReport {
  streets: number;
  organisations: number;
  persons: number;
  staff: number;
}

export async function isSeeded(db: Kysely<PlatformTables>): Promise<boolean> {
  return (await db.selectFrom('streets').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function seedPlatformDemo(db: Db<PlatformTables>, clock: Clock, persons = 200, onProgress?: (done: number, total: number) => void): Promise<SeedReport> {
  const rand = seededRandom(2019);
  const now = clock.now().toISOString();
  // Hash outside the write transaction: argon2 is deliberately slow.
  const passwordHash = await hashPassword(demoPassword);
  return inTransaction(db, async (trx) => {
    const k = trx as Kysely<PlatformTables>;
    const streetIds = new Map<string, number>();
    for (const s of xichengStreets) {
      const r = await k.insertInto('streets').values({ code: s.code, name_zh: s.zh, name_en: s.en }).returning('id').executeTakeFirstOrThrow();
      streetIds.set(s.code, Number(r.id));
    }
    for (const h of xichengHospitals) {
      await k.insertInto('organisations').values({ code: h.code, name: h.name, short_name: h.short, kind: 'hospital', level: h.level, street_id: streetIds.get(h.street) ?? null, address: h.address, phone: h.phone }).execute();
    }
    for (const s of xichengStreets) {
      const name = communityCentreName(s.zh);
      await k.insertInto('organisations').values({ code: `C${s.code}`, name, short_name: name.replace('北京市西城区', ''), kind: 'community_health_centre', level: '社区卫生服务中心', street_id: streetIds.get(s.code) ?? null, address: `北京市西城区${s.zh}`, phone: '010-12320' }).execute();
    }
    const orgIds = new Map((await k.selectFrom('organisations').select(['id', 'code']).execute()).map((o) => [o.code, Number(o.id)]));
    for (let i = 0; i < persons; i++) {
      const year = 1940 + Math.floor(rand() * 80);
      const month = 1 + Math.floor(rand() * 12);
      const day = 1 + Math.floor(rand() * 28);
      const birth = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const female = rand() < 0.5;
      const name = (surnames[Math.floor(rand() * surnames.length)] ?? '王') + (givenNameChars[Math.floor(rand() * givenNameChars.length)] ?? '伟') + (rand() < 0.6 ? givenNameChars[Math.floor(rand() * givenNameChars.length)] ?? '' : '');
      const phone = `13${Math.floor(rand() * 10)}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
      await k
        .insertInto('persons')
        .values({ doc_type: 'resident_id', doc_number: syntheticResidentId(birth, i, female), name, phone, locale: 'zh-CN', created_at: now })
        .onConflict((oc) => oc.columns(['doc_type', 'doc_number']).doNothing())
        .execute();
      if (i % 50 === 0) onProgress?.(i, persons);
    }
    for (const s of demoStaff) {
      const r = await k
        .insertInto('staff')
        .values({ username: s.username, display_name: s.name, password_hash: passwordHash, role: s.role, organisation_id: s.org ? orgIds.get(s.org) ?? null : null, person_id: null, referral_authorised: s.referral ? 1 : 0, active: 1, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(k, clock, systemActor, { action: 'staff.create', entityType: 'staff', entityId: Number(r.id), detail: { role: s.role, seed: 'demo' } });
    }
    await appendAudit(k, clock, systemActor, { action: 'seed.demo', entityType: 'platform', entityId: 'demo', detail: { persons } });
    onProgress?.(persons, persons);
    return { streets: xichengStreets.length, organisations: orgIds.size, persons, staff: demoStaff.length };
  });
}
