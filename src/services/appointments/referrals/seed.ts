import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { appendAudit, systemActor } from '../../../platform/audit/trail.ts';
import type { AppointmentDb } from '../schema.ts';

/**
 * Demo wiring of the referral path, inside seedAppointmentsDemo's transaction: the hospital doctor
 * account doctor.rmyy becomes a registered 主治医师 of 人民医院 (第二十四条 in-clinic booking, with
 * senior doctors above), and 人民医院 names admin.rmyy and doctor.rmyy as its referral staff
 * (第二十三条). doctor.yt (月坛社区卫生服务中心) is already authorised to refer (第二十一条 (一)); the
 * family-doctor contracts and health records referral needs (第二十二条) are health-records' data.
 * Accounts that do not exist (a seed without the platform demo) are skipped.
 */
export async function seedReferralDemo(k: Kysely<AppointmentDb>, clock: Clock): Promise<{ linkedDoctor: boolean; handlers: number }> {
  const staff = await k.selectFrom('staff').select(['id', 'username', 'organisation_id']).where('username', 'in', ['doctor.rmyy', 'admin.rmyy']).execute();
  const doctor = staff.find((s) => s.username === 'doctor.rmyy');
  let linkedDoctor = false;
  let handlers = 0;
  for (const s of staff) {
    if (s.organisation_id === null) continue;
    const inst = await k.selectFrom('appt_institutions').select('id').where('organisation_id', '=', s.organisation_id).executeTakeFirst();
    if (!inst) continue;
    if (s === doctor) {
      const record = await k.selectFrom('appt_doctors').select('id').where('institution_id', '=', inst.id).where('title', '=', '主治医师').where('staff_id', 'is', null).orderBy('id').executeTakeFirst();
      if (record) {
        await k.updateTable('appt_doctors').set({ staff_id: s.id }).where('id', '=', record.id).execute();
        linkedDoctor = true;
      }
    }
    await k.insertInto('appt_referral_handlers').values({ institution_id: inst.id, staff_id: s.id, active: 1, named_by: 'seed', named_at: clock.now().toISOString() }).execute();
    handlers++;
  }
  await appendAudit(k, clock, systemActor, { action: 'seed.referral_demo', entityType: 'platform', entityId: 'appointments', detail: { linkedDoctor, handlers } });
  return { linkedDoctor, handlers };
}
