import type { Kysely } from 'kysely';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import type { Clock } from '../../../platform/time/clock.ts';
import { parseCivilDate, type CivilDate } from '../../../platform/time/civil.ts';
import { systemActor } from '../../../platform/audit/trail.ts';
import { syntheticResidentId } from '../../../seed/demo.ts';
import type { AppointmentDb } from '../schema.ts';
import { publishSession } from './schedule.ts';

/** A small hospital for store tests: two departments, doctors of three titles, sessions on given days. */
export interface World {
  institutionId: number;
  departments: number[];
  doctors: { id: number; departmentId: number; title: string }[];
}

export async function buildWorld(db: Db<AppointmentDb>, clock: Clock, level: '三级' | '二级' = '三级'): Promise<World> {
  return inTransaction(db, async (trx) => {
    const k = trx as Kysely<AppointmentDb>;
    const org = await k.insertInto('organisations').values({ code: `T${Math.random().toString(36).slice(2, 8)}`, name: '测试医院', short_name: '测试', kind: 'hospital', level, street_id: null, address: '西城区', phone: '010-1' }).returning('id').executeTakeFirstOrThrow();
    const inst = await k.insertInto('appt_institutions').values({ organisation_id: org.id, level, type: '综合', website: '', introduction: '', directions: '', slot_minutes: null, referral_share_pct: 10 }).returning('id').executeTakeFirstOrThrow();
    const departments: number[] = [];
    const doctors: World['doctors'] = [];
    for (const [i, name] of ['心血管内科', '眼科', '口腔科'].entries()) {
      const d = await k.insertInto('appt_departments').values({ institution_id: inst.id, name, introduction: '', category: '内科', base_department: name, code: `D${i}` }).returning('id').executeTakeFirstOrThrow();
      departments.push(Number(d.id));
      for (const [j, title] of ['主任医师', '副主任医师', '主治医师'].entries()) {
        const doc = await k.insertInto('appt_doctors').values({ institution_id: inst.id, department_id: d.id, name: `医生${i}${j}`, staff_number: `S${i}${j}`, licence_number: `L${i}${j}`, phone: '13900000000', specialty: '', title, introduction: '' }).returning('id').executeTakeFirstOrThrow();
        doctors.push({ id: Number(doc.id), departmentId: Number(d.id), title });
      }
    }
    void clock;
    return { institutionId: Number(inst.id), departments, doctors };
  });
}

/** Publish one session; returns its slot ids. */
export async function publish(db: Db<AppointmentDb>, clock: Clock, world: World, doctorIndex: number, date: string, slots: { start: string; end: string; referral: number; appointment: number; window: number }[]): Promise<number[]> {
  const doctor = world.doctors[doctorIndex];
  if (!doctor) throw new Error('no such doctor');
  const d = await inTransaction(db, (trx) =>
    publishSession(trx, clock, systemActor, { institutionId: world.institutionId, departmentId: doctor.departmentId, doctorId: doctor.id, visitDate: parseCivilDate(date) as CivilDate, slots }),
  );
  if (!d.allowed) throw new Error(JSON.stringify(d.reasons));
  const rows = await db.kysely.selectFrom('appt_slots').select('id').where('session_id', '=', d.value.sessionId).orderBy('period_start').execute();
  return rows.map((r) => Number(r.id));
}

/** A distinct, valid patient per index: the birth date varies so document numbers never collide. */
export function patient(i: number) {
  const birth = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return { docType: 'resident_id', docNumber: syntheticResidentId(birth, i, i % 2 === 0), name: `患者${i}`, phone: `138${String(i).padStart(8, '0')}` };
}
