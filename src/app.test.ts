import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { allMigrations, createApp } from './app.ts';
import { seedDemo } from './seed/index.ts';
import { openTestDatabase, testEngines, type TestDatabase } from './platform/db/test-databases.ts';
import type { PlatformTables } from './platform/db/schema.ts';
import { manualClock } from './platform/time/clock.ts';
import { openSession } from './platform/identity/sessions.ts';
import { verifyAuditChain } from './platform/audit/verify.ts';

/**
 * The composition root wires appointments to health records through a port (西卫〔2019〕5号 第二十二条,
 * 第二十八条). This test runs the real services together on the demo data: a family doctor refers a
 * contracted resident up, the hospital sees them, hands them back, and the hand-back lands in the
 * resident's own health record.
 */
describe.each(testEngines)('referral up and hand-back into the health record, services wired by app.ts, on %s', (engine) => {
  let t: TestDatabase<PlatformTables>;
  let app: FastifyInstance;
  const clock = manualClock(new Date('2026-03-02T00:00:00Z')); // Monday 08:00 in Beijing
  let k: Kysely<PlatformTables>;
  const token: Record<string, string> = {};
  const as = (who: string, o: InjectOptions) => app.inject({ ...o, headers: { authorization: `Bearer ${token[who]}`, ...(o.headers as Record<string, string> | undefined) } });

  const signIn = async () => {
    for (const u of ['doctor.yt', 'doctor.rmyy', 'admin.rmyy']) {
      const s = await k.selectFrom('staff').select('id').where('username', '=', u).executeTakeFirstOrThrow();
      token[u] = await openSession(k, clock, 'staff', Number(s.id));
    }
  };

  beforeAll(async () => {
    t = await openTestDatabase<PlatformTables>(engine, allMigrations);
    await seedDemo(t.db, clock);
    ({ app } = await createApp({ db: t.db, clock, server: { rateLimitPerMinute: 1_000_000 } }));
    await app.ready();
    k = t.db.kysely;
    await signIn();
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('refers, hands back, and the resident sees the hand-back in their record', async () => {
    // A demo resident under contract with doctor.yt's centre (uploaded by the health-records seed).
    const contracted = await k
      .selectFrom('hr_documents' as never)
      .select(['person_id' as never])
      .where('kind' as never, '=', 'family_doctor_contract' as never)
      .orderBy('id' as never)
      .executeTakeFirstOrThrow() as unknown as { person_id: number };
    const person = await k.selectFrom('persons').select(['id', 'doc_type', 'doc_number']).where('id', '=', Number(contracted.person_id)).executeTakeFirstOrThrow();
    const rmyy = await k.selectFrom('staff').select('organisation_id').where('username', '=', 'doctor.rmyy').executeTakeFirstOrThrow();
    const inst = await k.selectFrom('appt_institutions' as never).select(['id' as never]).where('organisation_id' as never, '=', rmyy.organisation_id as never).executeTakeFirstOrThrow() as unknown as { id: number };
    const doctorRow = await k.selectFrom('appt_doctors' as never).select(['department_id' as never]).where('staff_id' as never, '=', (await k.selectFrom('staff').select('id').where('username', '=', 'doctor.rmyy').executeTakeFirstOrThrow()).id as never).executeTakeFirstOrThrow() as unknown as { department_id: number };

    const offer = await as('doctor.yt', { method: 'GET', url: `/api/referrals/offer?institutionId=${Number(inst.id)}&departmentId=${Number(doctorRow.department_id)}` });
    expect(offer.statusCode, offer.body).toBe(200);
    const first = (offer.json() as { offer: { slotId: number; visitDate: string; period: string; withinThreeDays: boolean }[] }).offer[0]!;
    expect(first.withinThreeDays).toBe(true);
    const made = await as('doctor.yt', { method: 'POST', url: '/api/referrals', payload: { patient: { docType: person.doc_type, docNumber: person.doc_number }, slotId: first.slotId, criterionCode: 'HTN', diseaseInfo: '高血压，血压控制不佳' } });
    expect(made.statusCode, made.body).toBe(201);
    const { referralId } = made.json() as { referralId: number };

    const queue = await as('admin.rmyy', { method: 'GET', url: '/api/referrals?direction=up' });
    expect((queue.json() as { referrals: { referralId: number }[] }).referrals.map((r) => r.referralId)).toContain(referralId);
    expect((await as('doctor.rmyy', { method: 'POST', url: `/api/referrals/${referralId}/accept` })).statusCode).toBe(200);

    // The patient arrives during the booked period with the same document (第二十六条).
    const start = first.period.slice(0, 5);
    clock.set(new Date(`${first.visitDate}T${start}:00+08:00`));
    await signIn(); // sessions expire; the visit is a day or more later
    const arrived = await as('admin.rmyy', { method: 'POST', url: `/api/referrals/${referralId}/check-in`, payload: { docType: person.doc_type, docNumber: person.doc_number } });
    expect(arrived.statusCode, arrived.body).toBe(200);
    const handed = await as('doctor.rmyy', { method: 'POST', url: `/api/referrals/${referralId}/hand-back`, payload: { diagnosis: '原发性高血压2级', treatment: '调整为氨氯地平', plan: '社区每2周随访血压' } });
    expect(handed.statusCode, handed.body).toBe(200);
    // Delivered by the real health-records service, not recorded as unsupported.
    expect((handed.json() as { delivery: string }).delivery).toBe('delivered');

    const resident = await openSession(k, clock, 'person', Number(person.id));
    const mine = await app.inject({ method: 'GET', url: '/api/health-records/me', headers: { authorization: `Bearer ${resident}` } });
    expect(mine.statusCode, mine.body).toBe(200);
    const docs = (mine.json() as { documents: { kind: string; data: Record<string, unknown> }[] }).documents.filter((d) => d.kind === 'referral_hand_back');
    expect(docs).toHaveLength(1);
    expect(docs[0]!.data).toMatchObject({ diagnosis: '原发性高血压2级', treatment: '调整为氨氯地平', plan: '社区每2周随访血压' });
    const page = await app.inject({ method: 'GET', url: '/health-records', headers: { authorization: `Bearer ${resident}` } });
    expect(page.body).toContain('社区每2周随访血压');
    expect((await verifyAuditChain(k)).ok).toBe(true);
  });
});
