import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { maskDocumentNumber, maskName, maskPhone } from '../../../platform/identity/masking.ts';
import { addDays } from '../../../platform/time/civil.ts';
import { errorCode, openAppointmentsWorld, roleKeys, type AppointmentsWorld, type Patient, type RoleKey } from '../test-fixture.ts';

/**
 * The authorisation table of the appointments service (西卫〔2019〕5号): every endpoint against
 * every role. Who may (2xx, or a domain refusal that is not 401/403), who may not (401/403 with
 * error.code, and nothing written), and what is masked: doctors' names appear in no response but
 * the owning institution's doctor registry (第九条), and patients' ID and phone numbers only in the
 * institution's own booking list for its window staff.
 */

interface Outcome {
  readonly status: number;
  readonly code?: string;
}

interface Row {
  /** Method and OpenAPI path; a variant (channel, pool, format) in brackets. */
  readonly endpoint: string;
  request(w: AppointmentsWorld, role: RoleKey, seen: Patient[]): Promise<InjectOptions>;
  /** Roles that may, with their outcome. Anyone else: 401 unauthenticated when anonymous, else 403 forbidden … */
  readonly may: Partial<Record<RoleKey, Outcome>>;
  /** … unless a different refusal is expected here (another institution's admin gets "not found"). */
  readonly mayNot?: Partial<Record<RoleKey, Outcome>>;
  /** Roles that may see doctors' names in this response. */
  readonly namesVisibleTo?: readonly RoleKey[];
  /** Roles that see patients' full ID and phone numbers in this response. */
  readonly numbersVisibleTo?: readonly RoleKey[];
  check?(w: AppointmentsWorld, role: RoleKey, res: LightMyRequestResponse, seen: Patient[]): Promise<void> | void;
}

const ok: Outcome = { status: 200 };
const created: Outcome = { status: 201 };
const everyone = (o: Outcome = ok) => Object.fromEntries(roleKeys.map((r) => [r, o])) as Record<RoleKey, Outcome>;
const ownAdmin = { institution_admin: ok };

const json = (payload: unknown): Pick<InjectOptions, 'payload'> => ({ payload: payload as InjectOptions['payload'] });

let staffSerial = 0;

/**
 * A stopped booking for the roles that may act on it (the resident's own); the others, who are
 * refused before the booking is read, share one, so the table stops a few sessions, not one per role.
 */
const sharedStopped = new WeakMap<AppointmentsWorld, ReturnType<AppointmentsWorld['stoppedBooking']>>();
function stoppedFor(w: AppointmentsWorld, role: RoleKey): ReturnType<AppointmentsWorld['stoppedBooking']> {
  if (role === 'resident') return w.stoppedBooking(w.resident);
  if (role === 'platform_operator') return w.stoppedBooking();
  const shared = sharedStopped.get(w) ?? w.stoppedBooking();
  sharedStopped.set(w, shared);
  return shared;
}

const table: Row[] = [
  // 第十二条 registries.
  { endpoint: 'GET /api/appointments/institutions', request: async () => ({ method: 'GET', url: '/api/appointments/institutions' }), may: everyone() },
  {
    endpoint: 'PUT /api/appointments/institutions/{id}',
    request: async (w) => ({ method: 'PUT', url: `/api/appointments/institutions/${w.institutionId}`, ...json({ introduction: '三级甲等综合医院。', referralSharePct: 10 }) }),
    may: ownAdmin,
  },
  { endpoint: 'GET /api/appointments/institutions/{id}/departments', request: async (w) => ({ method: 'GET', url: `/api/appointments/institutions/${w.institutionId}/departments` }), may: everyone() },
  {
    endpoint: 'POST /api/appointments/institutions/{id}/departments',
    request: async (w) => ({ method: 'POST', url: `/api/appointments/institutions/${w.institutionId}/departments`, ...json({ name: '风湿免疫科', category: '内科', baseDepartment: '内科', code: `AUTH${staffSerial++}` }) }),
    may: { institution_admin: created },
  },
  {
    endpoint: 'GET /api/appointments/institutions/{id}/doctors',
    request: async (w) => ({ method: 'GET', url: `/api/appointments/institutions/${w.institutionId}/doctors` }),
    may: ownAdmin,
    namesVisibleTo: ['institution_admin'],
    check: (w, role, res) => {
      if (role === 'institution_admin') expect((res.json() as { doctors: { name: string }[] }).doctors.map((d) => d.name)).toContain(w.doctorNames[0]);
    },
  },
  {
    endpoint: 'POST /api/appointments/institutions/{id}/doctors',
    request: async (w) => ({
      method: 'POST',
      url: `/api/appointments/institutions/${w.institutionId}/doctors`,
      ...json({ departmentId: w.departmentId, name: '新来医生', staffNumber: `AUTH${staffSerial++}`, licenceNumber: `110199${staffSerial}`, phone: '13912345678', title: '主治医师' }),
    }),
    may: { institution_admin: created },
  },
  { endpoint: 'GET /api/appointments/institutions/{id}/resources', request: async (w) => ({ method: 'GET', url: `/api/appointments/institutions/${w.institutionId}/resources` }), may: everyone() },
  {
    endpoint: 'POST /api/appointments/institutions/{id}/resources',
    request: async (w) => ({ method: 'POST', url: `/api/appointments/institutions/${w.institutionId}/resources`, ...json({ kind: 'exam', name: '胃镜检查', code: `AUTH${staffSerial++}`, feeCents: 30000, quantity: 20 }) }),
    may: { institution_admin: created },
  },

  {
    endpoint: 'PUT /api/appointments/institutions/{id}/departments/{rowId}',
    request: async (w) => ({ method: 'PUT', url: `/api/appointments/institutions/${w.institutionId}/departments/${w.departmentId}`, ...json({ introduction: '心血管疾病的诊断与治疗。' }) }),
    may: ownAdmin,
  },
  {
    endpoint: 'PUT /api/appointments/institutions/{id}/doctors/{rowId}',
    request: async (w) => ({ method: 'PUT', url: `/api/appointments/institutions/${w.institutionId}/doctors/${w.doctorId}`, ...json({ specialty: '冠心病介入治疗' }) }),
    may: ownAdmin,
  },
  {
    endpoint: 'PUT /api/appointments/institutions/{id}/resources/{rowId}',
    request: async (w) => {
      const row = await w.k.insertInto('appt_resources').values({ institution_id: w.institutionId, kind: 'day_surgery', name: '白内障日间手术', code: `AUTH${staffSerial++}`, items: '', fee_cents: 500000, indications: '', quantity: 4 }).returning('id').executeTakeFirstOrThrow();
      return { method: 'PUT', url: `/api/appointments/institutions/${w.institutionId}/resources/${Number(row.id)}`, ...json({ expertTeam: '眼科白内障专家组', conditions: '无严重心肺疾病', precautions: '术前禁食6小时' }) };
    },
    may: ownAdmin,
  },

  // 第三十二条, 第六条 (三): the violation list is the operators'.
  {
    endpoint: 'GET /api/appointments/violations',
    request: async () => ({ method: 'GET', url: '/api/appointments/violations' }),
    may: { platform_operator: ok },
    check: (w, role, res) => {
      if (role !== 'platform_operator') return;
      expect(res.body).toContain(maskName(w.bannedPerson.name));
      expect(res.body).not.toContain(w.bannedPerson.name);
    },
  },
  {
    endpoint: 'GET /api/appointments/violations [csv]',
    request: async () => ({ method: 'GET', url: '/api/appointments/violations?format=csv' }),
    may: { platform_operator: ok },
    check: (w, role, res) => {
      if (role !== 'platform_operator') return;
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.body).toContain(maskName(w.bannedPerson.name));
      expect(res.body).not.toContain(w.bannedPerson.name);
    },
  },

  // 第十条, 第十一条, 第二十七条 schedules: the institution's own admin.
  {
    endpoint: 'POST /api/appointments/sessions',
    request: async (w) => ({
      method: 'POST',
      url: '/api/appointments/sessions',
      ...json({ departmentId: w.departmentId, doctorId: w.doctorId, visitDate: addDays(w.today, 40 + staffSerial++), slots: [{ start: '08:00', end: '08:30', referral: 1, appointment: 8, window: 1 }] }),
    }),
    may: { institution_admin: created },
    // Another institution's admin publishes for their own institution, where this department is unknown.
    mayNot: { other_institution_admin: { status: 404, code: 'department_not_found' } },
  },
  {
    endpoint: 'DELETE /api/appointments/sessions/{id}',
    request: async (w) => ({ method: 'DELETE', url: `/api/appointments/sessions/${await w.publishSession()}` }),
    may: ownAdmin,
    mayNot: { other_institution_admin: { status: 404, code: 'session_not_found' } },
  },
  {
    endpoint: 'GET /api/appointments/sessions/{id}/stop-preview',
    request: async (w) => ({ method: 'GET', url: `/api/appointments/sessions/${await w.publishSession()}/stop-preview` }),
    may: ownAdmin,
    mayNot: { other_institution_admin: { status: 404, code: 'session_not_found' } },
  },
  {
    endpoint: 'POST /api/appointments/sessions/{id}/stop',
    request: async (w) => ({ method: 'POST', url: `/api/appointments/sessions/${await w.publishSession()}/stop`, ...json({ reason: '外出会诊' }) }),
    may: ownAdmin,
    mayNot: { other_institution_admin: { status: 404, code: 'session_not_found' } },
  },

  // 第九条 availability: public, by title and period, never names; the referral pool is for family doctors.
  {
    endpoint: 'GET /api/appointments/availability',
    request: async (w) => ({ method: 'GET', url: `/api/appointments/availability?institutionId=${w.institutionId}&departmentId=${w.departmentId}` }),
    may: everyone(),
    check: (_w, _role, res) => {
      const body = res.json() as { slots: Record<string, unknown>[] };
      expect(body.slots.length).toBeGreaterThan(0);
      for (const s of body.slots) expect(Object.keys(s).sort()).toEqual(['free', 'period', 'slotId', 'title', 'visitDate']);
    },
  },
  {
    endpoint: 'GET /api/appointments/availability [pool=window]',
    request: async (w) => ({ method: 'GET', url: `/api/appointments/availability?institutionId=${w.institutionId}&departmentId=${w.departmentId}&pool=window&from=${w.today}` }),
    may: everyone(),
  },
  {
    endpoint: 'GET /api/appointments/availability [pool=referral]',
    request: async (w) => ({ method: 'GET', url: `/api/appointments/availability?institutionId=${w.institutionId}&departmentId=${w.departmentId}&pool=referral` }),
    may: { family_doctor: ok },
  },

  // 第四条, 第三十三条: each channel is one role's.
  ...(
    [
      ['web', 'resident'],
      ['phone', 'platform_operator'],
      ['onsite', 'institution_admin'],
      // 'clinic' goes through POST /api/clinic/bookings (第二十四条); see the refusal test below.
    ] as const
  ).map(
    ([channel, role]): Row => ({
      endpoint: `POST /api/appointments/bookings [${channel}]`,
      request: async (w, _role, seen) => {
        const patient = w.newPatient();
        seen.push(patient);
        return { method: 'POST', url: '/api/appointments/bookings', ...json({ slotId: await w.freeSlot('appointment'), channel, patient }) };
      },
      may: { [role]: created },
      check: (_w, r, res) => {
        if (r === role) expect(res.json()).toMatchObject({ channel, status: 'booked', replayed: false });
      },
    }),
  ),
  {
    endpoint: 'POST /api/appointments/bookings [window]',
    request: async (w, _role, seen) => {
      const patient = w.newPatient();
      seen.push(patient);
      return { method: 'POST', url: '/api/appointments/bookings', ...json({ slotId: w.todaySlotId, channel: 'window', patient }) };
    },
    may: { institution_admin: created },
  },
  {
    endpoint: 'GET /api/appointments/me/bookings',
    request: async () => ({ method: 'GET', url: '/api/appointments/me/bookings' }),
    may: { resident: ok },
  },
  {
    endpoint: 'POST /api/appointments/bookings/{id}/cancel',
    request: async (w, role, seen) => {
      // A resident cancels their own booking; the operator (phone channel) anyone's.
      const { bookingId, patient } = await w.bookByPhone(role === 'resident' ? w.resident : undefined);
      seen.push(patient);
      return { method: 'POST', url: `/api/appointments/bookings/${bookingId}/cancel` };
    },
    may: { resident: ok, platform_operator: ok },
    check: (_w, _role, res) => {
      expect(res.json()).toMatchObject({ status: 'cancelled' });
    },
  },
  // 第二十七条: after a stop, the patient moves to a substitute or a new time.
  {
    endpoint: 'GET /api/appointments/bookings/{id}/move-options',
    request: async (w, role, seen) => {
      const { bookingId, patient } = await stoppedFor(w, role);
      seen.push(patient);
      return { method: 'GET', url: `/api/appointments/bookings/${bookingId}/move-options` };
    },
    may: { resident: ok, platform_operator: ok },
    check: (_w, _role, res) => {
      const body = res.json() as { booking: { status: string }; options: { substitute: boolean; title: string }[] };
      expect(body.booking.status).toBe('stop_pending');
      expect(body.options.some((o) => o.substitute && o.title === '副主任医师')).toBe(true);
    },
  },
  {
    endpoint: 'POST /api/appointments/bookings/{id}/move',
    request: async (w, role, seen) => {
      const { bookingId, patient, substituteSlotId } = await stoppedFor(w, role);
      seen.push(patient);
      return { method: 'POST', url: `/api/appointments/bookings/${bookingId}/move`, ...json({ slotId: substituteSlotId }) };
    },
    may: { resident: created, platform_operator: created },
    check: (_w, _role, res) => {
      expect(res.json()).toMatchObject({ status: 'booked', title: '副主任医师', replayed: false });
    },
  },
  {
    endpoint: 'POST /api/appointments/bookings/{id}/check-in',
    request: async (w, _role, seen) => {
      const { bookingId, patient } = await w.bookAtWindow();
      seen.push(patient);
      return { method: 'POST', url: `/api/appointments/bookings/${bookingId}/check-in`, ...json({ docType: patient.docType, docNumber: patient.docNumber }) };
    },
    may: ownAdmin,
    // Another institution's window does not know this booking.
    mayNot: { other_institution_admin: { status: 404, code: 'booking_not_found' } },
    check: (_w, role, res) => {
      if (role === 'institution_admin') expect(res.json()).toMatchObject({ status: 'checked_in' });
    },
  },
  {
    endpoint: 'GET /api/appointments/institution/bookings',
    request: async (w, _role, seen) => {
      const { patient } = await w.bookAtWindow();
      seen.push(patient);
      return { method: 'GET', url: `/api/appointments/institution/bookings?date=${w.today}` };
    },
    // 第十九条: the institution sees its bookings; window staff verify documents, doctors see them masked.
    may: { institution_admin: ok, doctor: ok, other_institution_admin: ok },
    numbersVisibleTo: ['institution_admin'],
    check: (_w, role, res, seen) => {
      const last = seen[seen.length - 1]!;
      const rows = (res.json() as { bookings: { patient: string; docNumber: string; phone: string }[] }).bookings;
      const mine = rows.find((b) => b.patient === last.name);
      if (role === 'institution_admin') {
        expect(mine).toMatchObject({ docNumber: last.docNumber, phone: last.phone });
      } else if (role === 'doctor') {
        expect(mine).toMatchObject({ docNumber: maskDocumentNumber(last.docNumber), phone: maskPhone(last.phone) });
      } else {
        // Another institution's admin sees only that institution's bookings.
        expect(mine).toBeUndefined();
      }
    },
  },
];

function expected(row: Row, role: RoleKey): Outcome {
  return row.may[role] ?? row.mayNot?.[role] ?? (role === 'anonymous' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' });
}

describe.each(testEngines)('appointments authorisation table on %s', (engine) => {
  let w: AppointmentsWorld;
  /** Every patient booked so far: their full numbers may appear only where numbersVisibleTo allows. */
  const seen: Patient[] = [];

  beforeAll(async () => {
    w = await openAppointmentsWorld(engine);
  });
  afterAll(async () => w?.close());

  it('covers every endpoint of the service', async () => {
    const paths = (w.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    const served = Object.entries(paths)
      .filter(([p]) => p.startsWith('/api/appointments'))
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const covered = [...new Set(table.map((r) => r.endpoint.replace(/ \[.*\]$/, '')))].sort();
    expect(covered).toEqual(served);
  });

  it('lets the hall kiosk account call nothing an anonymous caller may not: its pages are its only tool', () => {
    const opened = table.filter((r) => expected(r, 'kiosk').status < 400 && expected(r, 'anonymous').status >= 400).map((r) => r.endpoint);
    expect(opened).toEqual([]);
    expect(roleKeys).toContain('kiosk');
  });

  for (const row of table) {
    describe(row.endpoint, () => {
      for (const role of roleKeys) {
        const want = expected(row, role);
        it(`${role} → ${want.status}${want.code ? ` ${want.code}` : ''}`, async () => {
          const req = await row.request(w, role, seen);
          const before = await w.counts();
          const res = await w.inject(role, req);
          expect(res.statusCode, res.body).toBe(want.status);
          if (want.status >= 400) {
            expect(errorCode(res)).toBe(want.code);
            // A refusal writes nothing.
            expect(await w.counts()).toEqual(before);
          }
          // 第九条: doctors' names are for the owning institution's registry only.
          if (!row.namesVisibleTo?.includes(role)) {
            for (const name of w.doctorNames) expect(res.body.includes(name), `doctor name ${name} in ${row.endpoint} for ${role}`).toBe(false);
          }
          // Patients' full ID and phone numbers are only for the window staff's list.
          if (!row.numbersVisibleTo?.includes(role)) {
            for (const p of seen) {
              expect(res.body.includes(p.docNumber), `ID number in ${row.endpoint} for ${role}`).toBe(false);
              expect(res.body.includes(p.phone), `phone in ${row.endpoint} for ${role}`).toBe(false);
            }
          }
          if (want.status < 400) await row.check?.(w, role, res, seen);
        });
      }
    });
  }

  describe('beyond the role table', () => {
    it("refuses a client Idempotency-Key in the platform's own namespace (a later move could replay it)", async () => {
      const before = await w.counts();
      const res = await w.inject('platform_operator', {
        method: 'POST',
        url: '/api/appointments/bookings',
        headers: { 'idempotency-key': 'yiwang:stop-move:1' },
        payload: { slotId: await w.freeSlot('appointment'), channel: 'phone', patient: w.newPatient() },
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('invalid_request');
      expect(await w.counts()).toEqual(before);
    });

    it("a resident cannot cancel someone else's booking (and learns nothing about it)", async () => {
      const { bookingId } = await w.bookByPhone();
      const before = await w.counts();
      const res = await w.inject('resident', { method: 'POST', url: `/api/appointments/bookings/${bookingId}/cancel` });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('booking_not_found');
      expect(await w.counts()).toEqual(before);
    });

    it("a resident's own list shows their bookings and the ban date, without numbers", async () => {
      const { bookingId } = await w.bookByPhone(w.resident);
      const res = await w.inject('resident', { method: 'GET', url: '/api/appointments/me/bookings' });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { banEndsOn: string | null; bookings: { bookingId: number }[] };
      expect(body.banEndsOn).toBeNull();
      expect(body.bookings.map((b) => b.bookingId)).toContain(bookingId);
      expect(res.body).not.toContain(w.resident.docNumber);
    });

    it("an institution admin cannot take on-site bookings for another institution's tickets", async () => {
      const slotId = await w.freeSlot('appointment', w.otherInstitutionId);
      const before = await w.counts();
      const res = await w.inject('institution_admin', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId, channel: 'onsite', patient: w.newPatient() } });
      expect(res.statusCode).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
      expect(await w.counts()).toEqual(before);
    });

    it("an institution admin cannot stop, withdraw or preview another institution's session", async () => {
      const other = await w.k
        .selectFrom('appt_sessions')
        .select('id')
        .where('institution_id', '=', w.otherInstitutionId)
        .where('status', '=', 'published')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const before = await w.counts();
      for (const req of [
        { method: 'POST', url: `/api/appointments/sessions/${other.id}/stop`, payload: { reason: '外出会诊' } },
        { method: 'DELETE', url: `/api/appointments/sessions/${other.id}` },
        { method: 'GET', url: `/api/appointments/sessions/${other.id}/stop-preview` },
      ] as InjectOptions[]) {
        const res = await w.inject('institution_admin', req);
        expect(res.statusCode, res.body).toBe(404);
        expect(errorCode(res)).toBe('session_not_found');
      }
      expect(await w.counts()).toEqual(before);
      expect((await w.k.selectFrom('appt_sessions').select('status').where('id', '=', other.id).executeTakeFirstOrThrow()).status).toBe('published');
    });

    it('sends referral bookings to the referral service, writing nothing (第二十二条)', async () => {
      const slotId = await w.freeSlot('referral');
      const before = await w.counts();
      const res = await w.inject('family_doctor', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId, channel: 'referral', patient: w.newPatient() } });
      expect(res.statusCode).toBe(422);
      expect(errorCode(res)).toBe('use_referral_service');
      expect(res.json()).toMatchObject({ error: { citation: { doc: '西卫〔2019〕5号', article: '第二十二条' } } });
      expect(await w.counts()).toEqual(before);
    });

    it('sends in-clinic bookings to the doctor’s workstation service, writing nothing (第二十四条)', async () => {
      const slotId = await w.freeSlot('appointment');
      const before = await w.counts();
      const res = await w.inject('doctor', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId, channel: 'clinic', patient: w.newPatient() } });
      expect(res.statusCode).toBe(422);
      expect(errorCode(res)).toBe('use_clinic_service');
      expect(res.json()).toMatchObject({ error: { citation: { doc: '西卫〔2019〕5号', article: '第二十四条' } } });
      expect(await w.counts()).toEqual(before);
    });

    it('a referral needs a referral-authorised family doctor', async () => {
      await w.k.updateTable('staff').set({ referral_authorised: 0 }).where('username', '=', 'doctor.yt').execute();
      try {
        const slotId = await w.freeSlot('referral');
        const before = await w.counts();
        const res = await w.inject('family_doctor', { method: 'POST', url: '/api/appointments/bookings', payload: { slotId, channel: 'referral', patient: w.newPatient() } });
        expect(res.statusCode).toBe(403);
        expect(errorCode(res)).toBe('forbidden');
        expect(await w.counts()).toEqual(before);
      } finally {
        await w.k.updateTable('staff').set({ referral_authorised: 1 }).where('username', '=', 'doctor.yt').execute();
      }
    });

    it('a forged or expired token is anonymous', async () => {
      for (const authorization of ['Bearer forged', `Bearer ${w.tokens.platform_operator}x`, 'Basic b3BlcmF0b3I6WWl3YW5nLTIwMTk=']) {
        const res = await w.app.inject({ method: 'GET', url: '/api/appointments/violations', headers: { authorization } });
        expect(res.statusCode).toBe(401);
        expect(errorCode(res)).toBe('unauthenticated');
      }
    });
  });
});
