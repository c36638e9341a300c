/**
 * What the booking benchmark books: deterministic synthetic patients and the request for the k-th
 * capacity or rush attempt. Shared by the seeder (bench/booking-seed.ts), the load generator
 * (bench/load-worker.ts) and the orchestrator (bench/booking.ts), so none of them ships large
 * lists of bodies to another process.
 */
import { syntheticResidentId } from '../src/seed/demo.ts';
import { addDays, type CivilDate } from '../src/platform/time/civil.ts';

/** A fixed Monday, 08:00 in Beijing: visit days +1…+14 are all open (cutoff is 15:00 the day before). */
export const benchNow = '2026-03-02T08:00:00+08:00';

export const institutions = 60;
export const departmentsPerInstitution = 5;
export const doctorsPerDepartment = 5;
export const days = 14;
export const ticketsPerSlot = 10; // ticket 1 referral, 2–8 appointment, 9–10 window (80% appointment pools, 第十条 (一))
export const appointmentTicketsPerSlot = 7;

/** Patients: [0, capacityPersons) for the capacity phase (the top warmupPersons of them for warm-up), then the rush's. */
export const capacityPersons = 80_000;
export const warmupPersons = 10_000;
export const rushPersons = 2_500;
export const rushAttemptsPerPerson = 8;
export const rushInstitutions = 4; // the first four 三级 hospitals
export const rushDays = 7; // visit days +1…+7
export const rushSlotsPerSession = 2; // 08:00 and 08:30 of each department's first doctor

const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const givenNames = ['建华', '淑芬', '志强', '丽华', '国平', '晓燕', '海涛', '秀英', '立新', '文静', '永刚', '红梅', '子轩', '欣怡', '浩然', '雨桐', '宇航', '梓涵', '俊杰', '思远'];

export interface Patient {
  readonly docType: 'resident_id';
  readonly docNumber: string;
  readonly name: string;
  readonly phone: string;
}

const birthBase = Date.UTC(1950, 0, 1);
const patientCache = new Map<number, Patient>();

/** Patient i: a valid synthetic 居民身份证 (200 distinct numbers per birth date), a name and a mobile number. */
export function patient(i: number): Patient {
  let p = patientCache.get(i);
  if (p) return p;
  const birth = new Date(birthBase + Math.floor(i / 200) * 86_400_000).toISOString().slice(0, 10);
  p = {
    docType: 'resident_id',
    docNumber: syntheticResidentId(birth, i % 100, Math.floor(i / 100) % 2 === 1),
    name: `${surnames[i % surnames.length]}${givenNames[Math.floor(i / surnames.length) % givenNames.length]}`,
    phone: `13${String(900_000_000 + i).slice(-9)}`,
  };
  if (patientCache.size < 200_000) patientCache.set(i, p);
  return p;
}

/** Everything a load worker needs that only the seeder knows (ids and tokens). */
export interface BenchPlan {
  readonly today: CivilDate;
  /** Appointment-pool slots outside the rush area. */
  readonly capacitySlots: number[];
  /** rushSlots[institution][department][day-1][slot] = slot id. */
  readonly rushSlots: number[][][][];
  readonly rushTickets: number;
  readonly operatorTokens: string[];
  /** Bearer token of capacity patient 2j (capacity patients with even index book on the web). */
  readonly capacityResidentTokens: string[];
  /** Bearer token of rush patient r with webRush(r). */
  readonly rushResidentTokens: Record<number, string>;
}

export interface Attempt {
  readonly token: string;
  readonly body: string;
  readonly idempotencyKey: string;
}

const prime = 7919;

/** k-th capacity request: a distinct patient and a scattered slot; it can succeed. */
export function capacityAttempt(plan: BenchPlan, k: number, run: string): Attempt {
  const person = k % capacityPersons;
  const slots = plan.capacitySlots;
  const slotId = slots[(k * prime) % slots.length]!;
  const p = patient(person);
  if (person % 2 === 0) {
    // 第十五条 real name: the signed-in resident books for themself on the web.
    return { token: plan.capacityResidentTokens[person / 2]!, body: JSON.stringify({ slotId, channel: 'web', patient: p }), idempotencyKey: `${run}-c-${k}` };
  }
  // Phone channel: a 12320 operator books on the caller's behalf.
  return { token: plan.operatorTokens[k % plan.operatorTokens.length]!, body: JSON.stringify({ slotId, channel: 'phone', patient: p }), idempotencyKey: `${run}-c-${k}` };
}

export function webRush(r: number): boolean {
  return Math.floor(r / 2) % 2 === 0;
}

/**
 * The rush: patient r makes 8 attempts in a row (k = 8r … 8r+7), which the load generator sends on
 * different connections at nearly the same instant, like one person on several devices.
 * Half the patients test the daily limits (two slots of one department on one day: 重复预约; four
 * departments on one day); the other half the 7-day department limit (four days in a row) plus the daily one.
 */
export function rushAttempt(plan: BenchPlan, k: number, run: string): Attempt {
  const r = Math.floor(k / rushAttemptsPerPerson) % rushPersons;
  const a = k % rushAttemptsPerPerson;
  const inst = r % rushInstitutions;
  const d0 = Math.floor(r / rushInstitutions) % departmentsPerInstitution;
  const dept = (n: number) => (d0 + n) % departmentsPerInstitution;
  // r mod 20 spreads patients over institutions and departments; r div 20 picks the test and the day.
  const q = Math.floor(r / 20);
  let target: [dept: number, day: number, slot: number];
  if (q % 2 === 0) {
    const day = 1 + (Math.floor(q / 2) % rushDays);
    const plan8: [number, number, number][] = [
      [dept(0), day, 0],
      [dept(0), day, 1], // same department, same day: refused (第十七条), and a 重复预约 violation
      [dept(1), day, 0],
      [dept(2), day, 1], // third booking that day: refused
      [dept(0), day, 0], // the first attempt again, from another device
      [dept(3), day, 0],
      [dept(1), day, 1],
      [dept(4), day, 0],
    ];
    target = plan8[a]!;
  } else {
    const day = 1 + (Math.floor(q / 2) % (rushDays - 3));
    const plan8: [number, number, number][] = [
      [dept(0), day, 0],
      [dept(0), day + 1, 1],
      [dept(0), day + 2, 0],
      [dept(0), day + 3, 1], // fourth in the department within 7 days: refused
      [dept(1), day, 0],
      [dept(2), day, 1], // third booking that day: refused
      [dept(1), day + 1, 0],
      [dept(0), day + 1, 0],
    ];
    target = plan8[a]!;
  }
  const [dIdx, day, s] = target;
  const slotId = plan.rushSlots[inst]![dIdx]![day - 1]![s]!;
  const person = capacityPersons + r;
  const p = patient(person);
  const key = `${run}-r-${k}`;
  if (webRush(r)) return { token: plan.rushResidentTokens[r]!, body: JSON.stringify({ slotId, channel: 'web', patient: p }), idempotencyKey: key };
  return { token: plan.operatorTokens[k % plan.operatorTokens.length]!, body: JSON.stringify({ slotId, channel: 'phone', patient: p }), idempotencyKey: key };
}

export function visitDate(plan: BenchPlan, day: number): CivilDate {
  return addDays(plan.today, day);
}
