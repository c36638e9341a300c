import { describe, it, expect } from 'vitest';
import { openAppointmentsWorld } from '../test-fixture.ts';
describe.each(['sqlite','postgres'] as const)('probe %s', (engine) => {
  it('opens', async () => {
    const t0 = Date.now();
    const w = await openAppointmentsWorld(engine);
    console.log(engine, w.t.flavour, 'open ms', Date.now()-t0, await w.counts());
    const r = await w.inject('anonymous', { method: 'GET', url: '/api/appointments/institutions/9999999999/departments' });
    console.log(r.statusCode, r.body);
    const r2 = await w.inject('platform_operator', { method: 'POST', url: '/api/appointments/bookings/9999999999/cancel' });
    console.log(r2.statusCode, r2.body);
    await w.close();
  });
});
