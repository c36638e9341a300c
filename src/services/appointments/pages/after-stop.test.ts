import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { openAppointmentsWorld, type AppointmentsWorld } from '../test-fixture.ts';
import { textOf } from './pages.test-support.ts';

describe.each(testEngines)('the resident chooses after a doctor stop (第二十七条) on %s', (engine) => {
  let w: AppointmentsWorld;
  beforeAll(async () => {
    w = await openAppointmentsWorld(engine);
  });
  afterAll(async () => w?.close());

  const form = (url: string, fields: Record<string, string>) =>
    w.inject('resident', { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

  it('lists the substitute and other times without doctor names, and moves to the one chosen', async () => {
    const stopped = await w.stoppedBooking(w.resident);
    const mine = await w.inject('resident', { method: 'GET', url: '/appointments/mine' });
    expect(mine.body).toContain(`/appointments/mine/${stopped.bookingId}/after-stop`);
    const choice = await w.inject('resident', { method: 'GET', url: `/appointments/mine/${stopped.bookingId}/after-stop` });
    expect(choice.statusCode).toBe(200);
    const text = textOf(choice.body);
    expect(text).toContain('当日同级或更高级别医师替诊');
    expect(text).toContain('副主任医师');
    expect(text).toContain('免责取消');
    expect(choice.body).toContain(`name="slotId" value="${stopped.substituteSlotId}"`);
    for (const name of w.doctorNames) expect(choice.body.includes(name), name).toBe(false);

    const moved = await form(`/appointments/mine/${stopped.bookingId}/move`, { slotId: String(stopped.substituteSlotId) });
    expect(moved.statusCode, moved.body).toBe(303);
    expect(moved.headers.location).toMatch(/^\/appointments\/mine\?booked=\d+$/);
    const rows = await w.k.selectFrom('appt_bookings').select(['id', 'status', 'slot_id']).where('person_id', '=', w.resident.personId).where('id', '>=', stopped.bookingId).orderBy('id').execute();
    expect(rows.map((r) => [r.status, Number(r.slot_id) === stopped.substituteSlotId])).toEqual([['cancelled', false], ['booked', true]]);
    // Once moved, the choice page says there is nothing left to choose.
    const after = await w.inject('resident', { method: 'GET', url: `/appointments/mine/${stopped.bookingId}/after-stop` });
    expect(after.statusCode).toBe(422);
    expect(textOf(after.body)).toContain('第二十七条');
  });

  it('shows a refusal with its article and changes nothing for a slot it may not take', async () => {
    const stopped = await w.stoppedBooking(w.resident);
    const before = await w.counts();
    const res = await form(`/appointments/mine/${stopped.bookingId}/move`, { slotId: String(w.todaySlotId + 1_000_000) });
    expect(res.statusCode).toBe(422);
    expect(textOf(res.body)).toContain('只能改约到本机构同一科室');
    expect(await w.counts()).toEqual(before);
  });

  it("does not show someone else's stopped booking", async () => {
    const stopped = await w.stoppedBooking();
    const res = await w.inject('resident', { method: 'GET', url: `/appointments/mine/${stopped.bookingId}/after-stop` });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(stopped.patient.name);
  });
});
