import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { testEngines } from '../../../platform/db/test-databases.ts';
import { documentTypes, residentIdCheckChar, validateDocument } from '../../../platform/identity/documents.ts';
import { addDays } from '../../../platform/time/civil.ts';
import { channels } from '../rules/booking.ts';
import { openAppointmentsWorld, type AppointmentsWorld, type Counts, type Patient, type RoleKey } from '../test-fixture.ts';

/**
 * Hostile input against every booking endpoint (西卫〔2019〕5号: bad input is refused with a clear
 * error, and nothing changes). Each generated request starts from a valid one and carries at least
 * one edit that makes it invalid on its own, whatever the other edits do: a wrong type, an
 * impossible date, an ID number no document type accepts, an unknown field, a __proto__ key,
 * a body that is not JSON, an Idempotency-Key out of bounds, a forged token… Every answer must be
 * a 4xx with the platform's error body, never a 5xx, and no row may be written anywhere.
 */

// ---------------------------------------------------------------------------------------------
// Building blocks.

const printableChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const printable = (maxLength: number, minLength = 0) => fc.string({ unit: printableChar, minLength, maxLength });

/** Strings an attacker or a broken client might send. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  printable(30),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    '\u0000',
    'a\u0000b',
    '\u202e\u200b',
    '\ud800',
    '𠮷',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    "1; DROP TABLE appt_bookings;--",
    '${jndi:ldap://x/a}',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'NaN',
    'Infinity',
    '-1',
    '0',
    '1e3',
  ),
  fc.integer({ min: 41, max: 70_000 }).map((n) => 'A'.repeat(n)),
  fc.integer({ min: 41, max: 25_000 }).map((n) => '张'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, [], {}, [1], { toString: 'x' }) },
);
const notA = (type: 'string' | 'number' | 'object') => hostileValue.filter((v) => (type === 'object' ? typeof v !== 'object' || v === null || Array.isArray(v) : typeof v !== type));

/** Calendar dates in YYYY-MM-DD form that name no day. */
const impossibleDate = fc.oneof(
  fc.constantFrom('2026-02-30', '2026-02-29', '2025-02-29', '2026-04-31', '2026-06-31', '2026-09-31', '2026-11-31', '2026-13-01', '2026-00-10', '2026-03-00', '2026-03-32', '9999-99-99', '0000-00-00'),
  fc.tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${m}-${String(d).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 32, max: 99 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${d}`),
);
const malformedDate = fc.oneof(
  impossibleDate,
  fc.constantFrom('', '2026-3-3', '20260303', '2026/03/03', '2026-03-03T00:00:00Z', 'tomorrow', ' 2026-03-03', '２０２６-03-03', '2026-03-03\n'),
  printable(12).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
);

/** An ID number no document type accepts (the oracle is the platform's own validator). */
function invalidForEveryType(s: string, today: string): boolean {
  return documentTypes.every((t) => !validateDocument(t, s, today).allowed);
}

/** A resident ID with a correct check digit around a birth date that does not exist. */
const idWithImpossibleBirth = impossibleDate.map((d) => {
  const first17 = `110102${d.replace(/-/g, '')}`.slice(0, 14).padEnd(14, '0') + '123';
  return first17 + residentIdCheckChar(first17);
});

function invalidIdNumber(base: string, today: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      // One character changed: GB 11643 catches every single substitution.
      fc.tuple(fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789X')).map(([at, c]) => base.slice(0, at) + c + base.slice(at + 1)),
      idWithImpossibleBirth,
      // Born in the future, from another region code, too short, too long.
      fc.constantFrom(`110102${addDays(today as never, 30).replace(/-/g, '')}123`).map((f) => f + residentIdCheckChar(f)),
      fc.constantFrom(`000102198001011234`, base.slice(0, 17), `${base}0`, '11010519491231002Y', 'H1234567', 'M123456789'),
      hostileString,
    )
    .filter((s) => invalidForEveryType(s, today));
}

const validPhone = (s: string) => /^1\d{10}$/.test(s) || /^0\d{2,3}-?\d{7,8}$/.test(s);
const invalidPhone = fc.oneof(hostileString, fc.stringMatching(/^\d{1,12}$/), fc.constantFrom('1380013800', '138001380001', '+8613800138000', '23800138000', '010-1234')).filter((s) => !validPhone(s));

/** A request as the fuzzer builds it: a JSON-able body edited field by field, then as text. */
interface Draft {
  body: Record<string, unknown> | undefined;
  query: [string, string][];
  headers: Record<string, string>;
  text: ((json: string) => string)[];
  role: RoleKey;
  path: string;
}

type Edit = (d: Draft) => void;

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o: unknown = obj;
  for (const key of path.slice(0, -1)) {
    const next = (o as Record<string, unknown>)[key];
    // An earlier edit replaced the parent with something invalid: that edit already spoils the request.
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    o = next;
  }
  // defineProperty, so that "__proto__" and friends become real keys of the JSON text.
  Object.defineProperty(o as object, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

function deletePath(obj: Record<string, unknown>, path: readonly string[]): void {
  let o: unknown = obj;
  for (const key of path.slice(0, -1)) {
    o = (o as Record<string, unknown>)[key];
    if (typeof o !== 'object' || o === null) return;
  }
  delete (o as Record<string, unknown>)[path[path.length - 1]!];
}

const set = (path: readonly string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Edit> => value.map((v) => (d: Draft) => d.body && setPath(d.body, path, v));
const del = (path: readonly string[]): fc.Arbitrary<Edit> => fc.constant((d: Draft) => d.body && deletePath(d.body, path));
const unknownKey = (known: readonly string[]) =>
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'isAdmin', 'personId', 'ticketId', 'status', 'active', 'toString'), printable(20, 1)).filter((k) => !known.includes(k));

/** Edits to the text or the transport that spoil any request with a body. */
const textEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.constantFrom<(json: string) => string>(
    (j) => j.replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
    (j) => j.replace(/^\{/, '{"constructor":{"prototype":{"isAdmin":true}},'),
    (j) => j.replace(/^\{/, '{"a":{"__proto__":{"polluted":1}},'),
    // Two characters, not one: cutting one would let a later `${j}}` or `${j},` edit undo it.
    (j) => j.slice(0, Math.max(0, j.length - 2)),
    (j) => `${j}}`,
    (j) => `${j},`,
    (j) => j.replace(/:/, '::'),
    (j) => j.replace(/"/g, "'"),
    (j) => `[${j}]`,
    () => '',
    () => 'null',
    () => '"string"',
    () => '1e999',
    () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    () => `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    (j) => j.replace(/\}$/, `,"padding":"${'x'.repeat(70_000)}"}`),
  ).map((f) => (d: Draft) => d.text.push(f)),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .filter((g) => {
      // Garbage, not by chance a JSON object or a form (either might be a valid body).
      if (g.includes('=')) return false;
      try {
        const v: unknown = JSON.parse(g);
        return typeof v !== 'object' || v === null || Array.isArray(v);
      } catch {
        return true;
      }
    })
    .map((g) => (d: Draft) => d.text.push(() => g)),
);
const contentTypeEdit: fc.Arbitrary<Edit> = fc
  .constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/x-www-form-urlencoded', 'application/vnd.api+json', 'image/png')
  .map((ct) => (d: Draft) => {
    d.headers['content-type'] = ct;
  });
/** A token nobody was given. */
const forgedAuth: fc.Arbitrary<Edit> = fc
  .oneof(printable(60, 1).map((s) => `Bearer ${s.trim() || 'x'}`), fc.constantFrom('Bearer', 'Basic b3BlcmF0b3I6WWl3YW5nLTIwMTk=', 'bearer null'))
  .map((a) => (d: Draft) => {
    d.role = 'anonymous';
    d.headers.authorization = a;
  });

/** Headers that change nothing: a request stays valid or invalid with them. */
const noise: fc.Arbitrary<Edit> = fc
  .record(
    {
      'accept-language': fc.oneof(printable(40), fc.constantFrom('en', 'zh-CN', 'en-GB,en;q=0.9', '*')),
      'user-agent': printable(80),
      'x-forwarded-for': fc.constantFrom('10.0.0.1', '::1', '1.2.3.4, 5.6.7.8', 'garbage'),
      lang: fc.constantFrom('en', 'zh-CN', 'xx'),
    },
    { requiredKeys: [] },
  )
  .map((h) => (d: Draft) => {
    const { lang, ...headers } = h;
    Object.assign(d.headers, headers);
    if (lang !== undefined) d.query.push(['lang', lang]);
  });

function render(d: Draft): InjectOptions {
  const qs = d.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const url = qs ? `${d.path}?${qs}` : d.path;
  const headers: Record<string, string> = { ...d.headers };
  let payload: string | undefined;
  if (d.body !== undefined || d.text.length) {
    payload = d.text.reduce((j, f) => f(j), JSON.stringify(d.body ?? {}));
    headers['content-type'] ??= 'application/json';
  }
  return { method: 'POST', url, headers, ...(payload !== undefined ? { payload } : {}) };
}

// ---------------------------------------------------------------------------------------------

interface Targets {
  /** Registered persons: a request for them that is refused registers nobody. */
  patients: Patient[];
  slotId: number;
  cancelledId: number;
  checkedInId: number;
  /** Today's booking: too late to cancel. */
  todayId: number;
  /** A booking at another institution: H001's window does not know it. */
  elsewhereId: number;
  /** H001 session tomorrow: stopping it is a special stop that needs a reason. */
  tomorrowSessionId: number;
  /** H001 session weeks ahead: any well-formed stop would succeed. */
  farSessionId: number;
  stoppedSessionId: number;
  otherSessionId: number;
  otherDoctorId: number;
}

/** Path ids the route must refuse: not ^[1-9]\d{0,8}$ (so within PostgreSQL's integer), or naming nothing. */
function badPathId(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('0', '00', '-1', '01', '1.5', '1e3', '0x10', 'abc', ' 1', '1 ', '+1', '١', '%00', 'null', 'undefined', 'NaN', '1234567890', '99999999999999999999', '2147483648', '9999999999'),
    printable(12, 1).filter((s) => !/^[1-9]\d{0,8}$/.test(s)),
    fc.integer({ min: 100_000_000, max: 999_999_999 }).map(String),
  );
}

function bookingCase(w: AppointmentsWorld, t: Targets): fc.Arbitrary<InjectOptions & { role: RoleKey }> {
  const today = w.today;
  return fc
    .record({
      role: fc.constantFrom<RoleKey>('platform_operator', 'resident'),
      patient: fc.constantFrom(...t.patients),
      key: fc.option(printable(100, 8), { nil: undefined }),
      edits: fc.array(
        fc.oneof(
          // Edits that pass the schema and reach the rules weigh more than those the schema catches.
          { weight: 3, arbitrary: set(['slotId'], fc.integer({ min: 1_000_000_000, max: 2 ** 31 - 1 })) },
          { weight: 3, arbitrary: fc.constantFrom(...channels).map((c) => (d: Draft) => d.body && setPath(d.body, ['channel'], c === (d.role === 'resident' ? 'web' : 'phone') ? 'telegram' : c)) },
          { weight: 3, arbitrary: fc.constantFrom(...t.patients).chain((p) => set(['patient', 'docNumber'], invalidIdNumber(p.docNumber, today))) },
          { weight: 2, arbitrary: set(['patient', 'docType'], fc.constantFrom('officer_id', 'passport', 'hk_macau_permit')) },
          // A name other than the one registered for the document: identity_mismatch (西卫〔2019〕4号 第八条).
          {
            weight: 3,
            arbitrary: hostileString
              .filter((x) => x.length >= 1 && x.length <= 39 && x.trim() !== '')
              .map((name) => (d: Draft) => {
                const current = (d.body?.patient as { name?: unknown } | undefined)?.name;
                d.body && setPath(d.body, ['patient', 'name'], typeof current === 'string' && current.trim() === name.trim() ? `${name}甲` : name);
              }),
          },
          { weight: 3, arbitrary: set(['patient', 'name'], fc.constantFrom('   ', '\u3000', ' \t ')) },
          { weight: 3, arbitrary: set(['patient', 'phone'], invalidPhone.filter((x) => x.length >= 1 && x.length <= 20)) },
          set(['slotId'], fc.oneof(notA('number'), fc.integer({ max: 0 }), fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(1.5, 1e300, -1e300))),
          del(['slotId']),
          set(['channel'], hostileValue.filter((v) => !(channels as readonly unknown[]).includes(v))),
          set(['patient'], fc.oneof(notA('object'), fc.constant({}), fc.constant([]))),
          fc.constantFrom('docType', 'docNumber', 'name', 'phone').chain((f) => del(['patient', f])),
          unknownKey(['docType', 'docNumber', 'name', 'phone']).chain((k) => set(['patient', k], hostileValue)),
          set(['patient', 'docType'], hostileValue.filter((v) => !(documentTypes as readonly unknown[]).includes(v))),
          set(['patient', 'docNumber'], fc.oneof(notA('string'), fc.constant(''), fc.integer({ min: 41, max: 1000 }).map((n) => '1'.repeat(n)))),
          set(['patient', 'name'], fc.oneof(fc.constant(''), fc.integer({ min: 41, max: 500 }).map((n) => '名'.repeat(n)), notA('string'))),
          set(['patient', 'phone'], fc.oneof(invalidPhone, notA('string'))),
          set(['booker'], fc.oneof(notA('object'), fc.constant({}), fc.record({ name: hostileValue }), fc.record({ phone: hostileValue }), fc.record({ name: fc.constant(''), phone: fc.constant('13800138000') }), fc.record({ name: fc.constant('李四'), phone: fc.constant('13800138000'), extra: hostileValue }))),
          unknownKey(['slotId', 'channel', 'patient', 'booker']).chain((k) => set([k], hostileValue)),
          fc.oneof(printable(7), printable(5_000, 101)).map((k) => (d: Draft) => {
            d.headers['idempotency-key'] = k;
          }),
          textEdit,
          contentTypeEdit,
          forgedAuth,
          fc.constantFrom<RoleKey>('department_reviewer', 'auditor').map((r) => (d: Draft) => {
            d.role = r;
          }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      noise,
    })
    .map(({ role, patient, key, edits, noise: n }) => {
      const d: Draft = {
        role,
        path: '/api/appointments/bookings',
        query: [],
        headers: key ? { 'idempotency-key': key } : {},
        text: [],
        body: { slotId: t.slotId, channel: role === 'resident' ? 'web' : 'phone', patient: { ...patient } },
      };
      n(d);
      for (const e of edits) e(d);
      return { ...render(d), role: d.role } as InjectOptions & { role: RoleKey };
    });
}

function idCase(
  path: (id: string) => string,
  ids: fc.Arbitrary<string>,
  role: RoleKey,
  body: fc.Arbitrary<Record<string, unknown> | undefined>,
  edits: fc.Arbitrary<Edit>[] = [textEdit, contentTypeEdit, noise, forgedAuth],
): fc.Arbitrary<InjectOptions & { role: RoleKey }> {
  return fc
    .record({ id: ids, body, edits: fc.array(fc.oneof(...edits), { maxLength: 2 }) })
    .map(({ id, body: b, edits }) => {
      const d: Draft = { role, path: path(encodeURIComponent(id)), query: [], headers: {}, text: [], body: b };
      for (const e of edits) e(d);
      return { ...render(d), role: d.role };
    });
}

const docBody = fc.oneof(
  fc.record({ docType: fc.constantFrom(...documentTypes), docNumber: fc.oneof(hostileString, fc.constantFrom('11010519491231002X', 'E12345678', 'H12345678')) }),
  fc.dictionary(printable(12), hostileValue, { maxKeys: 4 }),
  fc.constant(undefined),
);

function availabilityCase(w: AppointmentsWorld): fc.Arbitrary<InjectOptions & { role: RoleKey }> {
  const known = ['institutionId', 'departmentId', 'from', 'to', 'pool', 'lang'];
  const param = (name: string, value: fc.Arbitrary<string>): fc.Arbitrary<Edit> =>
    value.map((v) => (d: Draft) => {
      d.query = d.query.filter(([k]) => k !== name);
      d.query.push([name, v]);
    });
  const badNumber = fc.oneof(fc.constantFrom('', '-1', '1.0', '1e3', '0x1', '1234567890', ' 1', '１'), printable(12).filter((s) => !/^\d{1,9}$/.test(s)));
  return fc
    .record({
      role: fc.constantFrom<RoleKey>('anonymous', 'resident', 'platform_operator', 'auditor', 'institution_admin'),
      from: fc.option(fc.constantFrom(w.today, w.tomorrow, addDays(w.today, 7)), { nil: undefined }),
      pool: fc.option(fc.constantFrom('appointment', 'window'), { nil: undefined }),
      edits: fc.array(
        fc.oneof(
          param('institutionId', badNumber),
          param('departmentId', badNumber),
          fc.constantFrom('institutionId', 'departmentId').map((name) => (d: Draft) => {
            d.query = d.query.filter(([k]) => k !== name);
          }),
          // A repeated parameter arrives as an array.
          fc.constantFrom('institutionId', 'departmentId').map((name) => (d: Draft) => {
            d.query.push([name, '1'], [name, '2']);
          }),
          param('from', malformedDate),
          param('to', malformedDate),
          param('pool', fc.oneof(fc.constant('referral'), printable(12).filter((s) => !['appointment', 'window', 'referral'].includes(s)))),
          fc.tuple(unknownKey(known), printable(20)).map(([k, v]) => (d: Draft) => {
            d.query.push([k, v]);
          }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      noise,
    })
    .map(({ role, from, pool, edits, noise: n }) => {
      const d: Draft = { role, path: '/api/appointments/availability', query: [['institutionId', String(w.institutionId)], ['departmentId', String(w.departmentId)]], headers: {}, text: [], body: undefined };
      if (from) d.query.push(['from', from]);
      if (pool) d.query.push(['pool', pool]);
      n(d);
      for (const e of edits) e(d);
      return { ...render(d), method: 'GET', role: d.role };
    });
}

function publishCase(w: AppointmentsWorld, t: Targets, engine: string): fc.Arbitrary<InjectOptions & { role: RoleKey }> {
  const slot = { start: '08:00', end: '08:30', referral: 1, appointment: 8, window: 1 };
  const overflow = engine === 'sqlite' ? [fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER })] : [];
  const badSlots = fc.oneof(
    fc.constant([]),
    fc.constant(Array.from({ length: 49 }, (_, i) => ({ ...slot, start: `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`, end: `${String(Math.floor((i + 1) / 2)).padStart(2, '0')}:${(i + 1) % 2 ? '30' : '00'}` }))),
    fc.constant([{ ...slot, end: '09:00' }]), // 60 minutes at a 三级 hospital (第十条 (四))
    fc.constant([{ ...slot, start: '08:30', end: '08:00' }]),
    fc.constant([slot, slot]), // overlapping
    fc.constant([{ ...slot, referral: 0, appointment: 7, window: 3 }]), // 70% (第十条 (一))
    fc.constant([{ ...slot, referral: 0, appointment: 0, window: 0 }]),
    fc.constantFrom('referral', 'appointment', 'window').chain((pool) => fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 501 }), fc.constantFrom(1.5, '1', null)).map((n) => [{ ...slot, [pool]: n }])),
    fc.constantFrom('start', 'end').chain((f) => fc.oneof(fc.constantFrom('24:00', '9:00', '08:60', '0800', '08:00:00', '', '8h'), notA('string')).map((v) => [{ ...slot, [f]: v }])),
    unknownKey(['start', 'end', 'referral', 'appointment', 'window']).chain((k) => hostileValue.map((v) => [Object.defineProperty({ ...slot }, k, { value: v, enumerable: true })])),
    fc.constantFrom('start', 'end', 'referral', 'appointment', 'window').map((f) => {
      const s: Record<string, unknown> = { ...slot };
      delete s[f];
      return [s];
    }),
    notA('object'),
    fc.array(notA('object'), { minLength: 1, maxLength: 3 }),
  );
  return fc
    .record({
      edits: fc.array(
        fc.oneof(
          set(['departmentId'], fc.oneof(notA('number'), fc.integer({ max: 0 }), fc.constant(1.5), fc.integer({ min: 100_000_000, max: 2 ** 31 - 1 }), fc.constant(w.otherDepartmentId), ...overflow)),
          set(['doctorId'], fc.oneof(notA('number'), fc.integer({ max: 0 }), fc.integer({ min: 100_000_000, max: 2 ** 31 - 1 }), fc.constant(t.otherDoctorId), ...overflow)),
          del(['doctorId']),
          set(['resourceId'], fc.oneof(notA('number'), fc.integer({ max: 0 }))),
          set(['visitDate'], fc.oneof(malformedDate, fc.constantFrom(w.today, addDays(w.today, -1), '2020-01-01', w.tomorrow), notA('string'))),
          del(['visitDate']),
          set(['slots'], badSlots),
          del(['slots']),
          unknownKey(['departmentId', 'doctorId', 'resourceId', 'visitDate', 'slots']).chain((k) => set([k], hostileValue)),
          textEdit,
          contentTypeEdit,
          forgedAuth,
          fc.constantFrom<RoleKey>('doctor', 'platform_operator', 'resident', 'other_institution_admin').map((r) => (d: Draft) => {
            d.role = r;
          }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      noise,
    })
    .map(({ edits, noise: n }) => {
      const d: Draft = {
        role: 'institution_admin',
        path: '/api/appointments/sessions',
        query: [],
        headers: {},
        text: [],
        body: { departmentId: w.departmentId, doctorId: w.doctorId, visitDate: addDays(w.today, 60), slots: [{ ...slot }] },
      };
      n(d);
      for (const e of edits) e(d);
      return { ...render(d), role: d.role };
    });
}

function stopCase(t: Targets): fc.Arbitrary<InjectOptions & { role: RoleKey }> {
  const path = (id: string) => `/api/appointments/sessions/${id}/stop`;
  const schemaInvalid = fc.oneof(
    fc.record({ reason: notA('string') }),
    fc.record({ reason: fc.integer({ min: 201, max: 5000 }).map((n) => '停'.repeat(n)) }),
    unknownKey(['reason']).chain((k) => hostileValue.map((v) => Object.defineProperty({ reason: '外出会诊' }, k, { value: v, enumerable: true }) as Record<string, unknown>)),
  );
  const noReason = fc.oneof(fc.constant(undefined), fc.constant({}), fc.constantFrom('', ' ', '\t\n ', '\u3000').map((reason) => ({ reason })), schemaInvalid);
  return fc.oneof(
    idCase(path, fc.oneof(badPathId(), fc.constantFrom(String(t.otherSessionId), String(t.stoppedSessionId))), 'institution_admin', fc.oneof(fc.constant(undefined), fc.record({ reason: hostileValue }), fc.record({ reason: fc.constant('外出会诊') }))),
    // Stopping tomorrow's session is a special stop (第二十七条 (二)): without a reason it is refused.
    idCase(path, fc.constant(String(t.tomorrowSessionId)), 'institution_admin', noReason),
    // Weeks ahead any well-formed stop succeeds, so only malformed bodies. (No content-type edits
    // here: an emptied body sent as a form is a well-formed empty stop request.)
    idCase(path, fc.constant(String(t.farSessionId)), 'institution_admin', schemaInvalid, [textEdit, noise, forgedAuth]),
    idCase(path, fc.constant(String(t.farSessionId)), 'institution_admin', fc.constant({ reason: '外出会诊' }), [forgedAuth, noise]).filter((r) => r.role === 'anonymous'),
    fc.constantFrom<RoleKey>('doctor', 'platform_operator', 'other_institution_admin').chain((role) => idCase(path, fc.constant(String(t.farSessionId)), role, fc.constant({ reason: '外出会诊' }))),
  );
}

// ---------------------------------------------------------------------------------------------

describe.each(testEngines)('appointments fuzz on %s', (engine) => {
  let w: AppointmentsWorld;
  let t: Targets;
  let before: Counts;
  /**
   * PGlite runs in-process and is slower: fewer runs there; SQLite and a real server get the full
   * count (about 3,600 requests). YIWANG_FUZZ_SCALE multiplies it for a longer hunt.
   */
  let scale = 1;
  const extra = Number(process.env.YIWANG_FUZZ_SCALE ?? '1') || 1;
  const seenStatuses = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    w = await openAppointmentsWorld(engine, { persons: 60 });
    scale = (w.t.flavour === 'pglite' ? 0.2 : 1) * extra;
    const persons = await w.k.selectFrom('persons').select(['doc_type', 'doc_number', 'name', 'phone']).where('doc_type', '=', 'resident_id').orderBy('id').execute();
    const patients = persons.map((p) => ({ docType: 'resident_id' as const, docNumber: p.doc_number, name: p.name, phone: p.phone })).filter((p) => validPhone(p.phone));

    const cancelled = await w.bookByPhone();
    expect((await w.inject('platform_operator', { method: 'POST', url: `/api/appointments/bookings/${cancelled.bookingId}/cancel` })).statusCode).toBe(200);
    const checkedIn = await w.bookAtWindow();
    expect((await w.inject('institution_admin', { method: 'POST', url: `/api/appointments/bookings/${checkedIn.bookingId}/check-in`, payload: { docType: checkedIn.patient.docType, docNumber: checkedIn.patient.docNumber } })).statusCode).toBe(200);
    const today = await w.bookAtWindow();
    const elsewhere = await w.bookByPhone(undefined, await w.freeSlot('appointment', w.otherInstitutionId));
    const session = (inst: number, date: string) =>
      w.k.selectFrom('appt_sessions').select('id').where('institution_id', '=', inst).where('visit_date', '=', date).where('status', '=', 'published').orderBy('id').executeTakeFirstOrThrow();
    const stopped = await w.publishSession();
    expect((await w.inject('institution_admin', { method: 'POST', url: `/api/appointments/sessions/${stopped}/stop`, payload: {} })).statusCode).toBe(200);
    const otherDoctor = await w.k.selectFrom('appt_doctors').select('id').where('institution_id', '=', w.institutionId).where('department_id', '<>', w.departmentId).orderBy('id').executeTakeFirstOrThrow();
    t = {
      patients,
      slotId: await w.freeSlot('appointment'),
      cancelledId: cancelled.bookingId,
      checkedInId: checkedIn.bookingId,
      todayId: today.bookingId,
      elsewhereId: elsewhere.bookingId,
      tomorrowSessionId: Number((await session(w.institutionId, w.tomorrow)).id),
      farSessionId: await w.publishSession(),
      stoppedSessionId: stopped,
      otherSessionId: Number((await session(w.otherInstitutionId, w.tomorrow)).id),
      otherDoctorId: Number(otherDoctor.id),
    };
    before = await w.counts();
  }, 120_000);
  afterAll(async () => {
    for (const [endpoint, statuses] of seenStatuses) console.log(`${engine} ${endpoint}: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    await w?.close();
  });

  /** Sends one request; the answer must be a 4xx with an error code, and nothing may have been written. */
  async function expectRefusedWithoutWrites(endpoint: string, req: InjectOptions & { role?: RoleKey }): Promise<void> {
    const { role = 'anonymous', ...opts } = req;
    const res: LightMyRequestResponse = await w.inject(role, opts);
    const desc = `${opts.method} ${String(opts.url).slice(0, 200)} as ${role}: ${res.statusCode} ${res.body.slice(0, 300)}\nheaders ${JSON.stringify(opts.headers).slice(0, 300)}\npayload ${String(opts.payload ?? '').slice(0, 300)}`;
    expect(res.statusCode, desc).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, desc).toBeLessThan(500);
    expect(res.headers['content-type'], desc).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, desc).toBe('string');
    expect(typeof body.error?.message, desc).toBe('string');
    // Nothing internal leaks (error messages may echo a field name the fuzzer made up, so only markers no input produces).
    expect(res.body, desc).not.toMatch(/node_modules|SQLITE_[A-Z]|duplicate key value|internal_error/);
    const stats = seenStatuses.get(endpoint) ?? new Map<string, number>();
    const key = `${res.statusCode}:${body.error?.code as string}`;
    stats.set(key, (stats.get(key) ?? 0) + 1);
    seenStatuses.set(endpoint, stats);
    expect(await w.counts(), desc).toEqual(before);
  }

  const runs = (n: number) => ({ numRuns: Math.max(50, Math.round(n * scale)), endOnFailure: true });

  it('POST /api/appointments/bookings', async () => {
    await fc.assert(fc.asyncProperty(bookingCase(w, t), (req) => expectRefusedWithoutWrites('bookings', req)), runs(1200));
  });

  it('POST /api/appointments/bookings/{id}/cancel', async () => {
    const ids = fc.oneof(badPathId(), fc.constantFrom(String(t.cancelledId), String(t.checkedInId), String(t.todayId)));
    const body = fc.oneof(fc.constant(undefined), fc.dictionary(printable(12), hostileValue, { maxKeys: 4 }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(idCase((id) => `/api/appointments/bookings/${id}/cancel`, ids, 'platform_operator', body), idCase((id) => `/api/appointments/bookings/${id}/cancel`, fc.constant(String(t.elsewhereId)), 'resident', body)),
        (req) => expectRefusedWithoutWrites('cancel', req),
      ),
      runs(400),
    );
  });

  it('POST /api/appointments/bookings/{id}/check-in', async () => {
    const ids = fc.oneof(badPathId(), fc.constantFrom(String(t.cancelledId), String(t.checkedInId), String(t.elsewhereId)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          idCase((id) => `/api/appointments/bookings/${id}/check-in`, ids, 'institution_admin', docBody),
          fc.constantFrom<RoleKey>('doctor', 'platform_operator', 'resident').chain((role) => idCase((id) => `/api/appointments/bookings/${id}/check-in`, fc.constant(String(t.todayId)), role, docBody)),
        ),
        (req) => expectRefusedWithoutWrites('check-in', req),
      ),
      runs(400),
    );
  });

  it('POST /api/appointments/bookings/{id}/move (第二十七条)', async () => {
    const stopped = await w.stoppedBooking();
    const elsewhere = await w.freeSlot('appointment', w.otherInstitutionId);
    before = await w.counts();
    const path = (id: string) => `/api/appointments/bookings/${id}/move`;
    const valid = fc.constant({ slotId: stopped.substituteSlotId });
    // Bodies that can never move a booking: malformed, or a slot at another institution.
    const hostileBody = fc.oneof(
      fc.constant(undefined),
      fc.constant({}),
      fc.record({ slotId: fc.oneof(notA('number'), fc.integer({ max: 0 }), fc.constant(1.5), fc.integer({ min: 100_000_000, max: 2 ** 31 - 1 }), fc.constant(elsewhere)) }),
      unknownKey(['slotId']).chain((k) => hostileValue.map((v) => Object.defineProperty({ slotId: stopped.substituteSlotId }, k, { value: v, enumerable: true }) as Record<string, unknown>)),
      fc.dictionary(printable(12), hostileValue, { maxKeys: 4 }),
    );
    const notStopped = fc.oneof(badPathId(), fc.constantFrom(String(t.cancelledId), String(t.checkedInId), String(t.todayId)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          idCase(path, notStopped, 'platform_operator', fc.oneof(valid, hostileBody)),
          idCase(path, fc.constant(String(stopped.bookingId)), 'platform_operator', hostileBody, [textEdit, noise, forgedAuth]),
          // Someone else's stopped booking: a resident learns nothing of it.
          idCase(path, fc.constant(String(stopped.bookingId)), 'resident', valid, [noise, forgedAuth]),
          fc.constantFrom<RoleKey>('anonymous', 'doctor', 'institution_admin', 'family_doctor').chain((role) => idCase(path, fc.constant(String(stopped.bookingId)), role, valid, [noise, forgedAuth])),
        ),
        (req) => expectRefusedWithoutWrites('move', req),
      ),
      runs(400),
    );
    // The booking is still waiting for the patient's choice.
    expect((await w.k.selectFrom('appt_bookings').select('status').where('id', '=', stopped.bookingId).executeTakeFirstOrThrow()).status).toBe('stop_pending');
  });

  it('GET /api/appointments/availability', async () => {
    await fc.assert(fc.asyncProperty(availabilityCase(w), (req) => expectRefusedWithoutWrites('availability', req)), runs(500));
  });

  it('POST /api/appointments/sessions', async () => {
    await fc.assert(fc.asyncProperty(publishCase(w, t, engine), (req) => expectRefusedWithoutWrites('publish', req)), runs(700));
  });

  it('POST /api/appointments/sessions/{id}/stop', async () => {
    await fc.assert(fc.asyncProperty(stopCase(t), (req) => expectRefusedWithoutWrites('stop', req)), runs(400));
  });

  it('left the world as it found it', async () => {
    expect(await w.counts()).toEqual(before);
    const cancelled = await w.k.selectFrom('appt_bookings').select(['status', 'active']).where('id', '=', t.todayId).executeTakeFirstOrThrow();
    expect(cancelled).toEqual({ status: 'booked', active: 1 });
    for (const id of [t.tomorrowSessionId, t.farSessionId]) expect((await w.k.selectFrom('appt_sessions').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('published');
  });

  it('a wrong document at check-in is refused and leaves only its audit row (第二十六条)', async () => {
    const other = await w.bookAtWindow();
    const start = await w.counts();
    for (const presented of [
      { docType: 'passport', docNumber: 'E12345678' },
      { docType: 'resident_id', docNumber: '11010519491231002X' },
      { docType: other.patient.docType, docNumber: other.patient.docNumber.slice(0, 17) },
    ]) {
      const res = await w.inject('institution_admin', { method: 'POST', url: `/api/appointments/bookings/${other.bookingId}/check-in`, payload: presented });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    // The refused attempts are audited on purpose (a trail of who tried which document); nothing else changes.
    expect(await w.counts()).toEqual({ ...start, audit_log: start.audit_log + 3 });
    const refused = await w.k.selectFrom('audit_log').select('action').orderBy('seq', 'desc').limit(3).execute();
    expect(refused.map((r) => r.action)).toEqual(['booking.check_in_refused', 'booking.check_in_refused', 'booking.check_in_refused']);
    before = await w.counts();
  });
});
