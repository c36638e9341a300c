import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { createApp } from '../../../app.ts';
import { testEngines } from '../../../platform/db/test-databases.ts';
import type { PlatformTables } from '../../../platform/db/schema.ts';
import { openSession } from '../../../platform/identity/sessions.ts';
import type { Db } from '../../../platform/db/connect.ts';
import type { Actor } from '../../../platform/audit/trail.ts';
import { commitmentOf } from '../lottery/protocol.ts';
import { verifyPublishedDraw, type PublishedDraw } from '../lottery/published.ts';
import { goodFacts } from '../rules/test-fixtures.ts';
import { childId, openEnrollmentWorld, type EnrollmentWorld } from '../test-world.ts';
import { registerEnrollmentService } from '../index.ts';

const secret = '5e'.repeat(32);
const drandValue = '7d'.repeat(32);

describe.each(testEngines)('enrollment HTTP API on %s', (engine) => {
  let w: EnrollmentWorld;
  let app: FastifyInstance;
  /** Who each test user is; a session is opened at the current (moving) clock for every call. */
  const subjects = new Map<string, ['person' | 'staff', number]>();
  let serial = 0;

  beforeAll(async () => {
    w = await openEnrollmentWorld(engine);
    const built = await createApp({ db: w.t.db as unknown as Db<PlatformTables>, clock: w.clock, server: { rateLimitPerMinute: 1_000_000 } });
    app = built.app;
    const deps = built.deps;
    // app.ts registers the service once the lead has wired it; register it here only until then.
    if (!app.hasRoute({ method: 'GET', url: '/api/enrollment/timetable' })) registerEnrollmentService(app, deps);
    await app.ready();
    const parent = await w.guardian('王家长');
    const other = await w.guardian('刘家长');
    subjects.set('parent', ['person', parent.id as number]);
    subjects.set('other', ['person', other.id as number]);
    for (const [name, actor] of w.staff) subjects.set(name, ['staff', (actor as Actor).id as number]);
  });
  afterAll(async () => {
    await app.close();
    await w.t.cleanup();
  });

  const call = async (who: string | null, opts: InjectOptions) => {
    const subject = who ? subjects.get(who) : undefined;
    const token = subject ? await openSession(w.t.db.kysely as unknown as Kysely<PlatformTables>, w.clock, subject[0], subject[1]) : undefined;
    return app.inject({ ...opts, headers: { ...(opts.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  };
  const middleApp = (zone: string) => ({ year: 2019, stage: 'middle', child: { name: `学生${++serial}`, docType: 'resident_id', docNumber: childId('2006-09-09', serial) }, middle: { graduationYear: 2019, primarySchoolInXicheng: true, returnApproved: false }, zone });

  it('documents every route in OpenAPI with tags, a bilingual summary and closed schemas', async () => {
    const spec = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[]; summary?: string; requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>> };
    const ours = Object.entries(spec.paths).filter(([p]) => p.startsWith('/api/enrollment'));
    expect(ours.length).toBeGreaterThanOrEqual(20);
    for (const [path, methods] of ours) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path}`).toMatch(/[\u4e00-\u9fa5].* \/ [A-Za-z]/);
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) expect(body.additionalProperties, `${method} ${path}`).toBe(false);
      }
    }
  });

  it('checks eligibility for anyone, condition by condition; unknown fields are 400', async () => {
    const r = await call(null, { method: 'POST', url: '/api/enrollment/eligibility', payload: { year: 2019, stage: 'primary', primary: { birthDate: '2013-09-01', hukou: 'beijing_personal', hukouInXicheng: true, livesInXicheng: true, guardianHousingInXicheng: false, guardianInUnitCollectiveAndWorksThere: false, guardianWorksInXicheng: false, treatedAsBeijingHukou: false } } });
    expect(r.statusCode).toBe(200);
    const report = r.json() as { eligible: boolean; age: { holds: boolean; reason: { citation: { article: string } } }; satisfiedBy: string[] };
    expect(report).toMatchObject({ eligible: false, satisfiedBy: ['②'], age: { holds: false, reason: { citation: { article: '三(一)1' } } } });
    const extra = await call(null, { method: 'POST', url: '/api/enrollment/eligibility', payload: { year: 2019, stage: 'middle', middle: { graduationYear: 2019, primarySchoolInXicheng: true, returnApproved: false }, sneaky: 1 } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ error: { code: 'unknown_field' } });
  });

  it('applications need a signed-in guardian; refusals carry the citation in zh-CN or English', async () => {
    w.at('2019-05-10');
    expect((await call(null, { method: 'POST', url: '/api/enrollment/applications', payload: middleApp('yuetan') })).statusCode).toBe(401);
    expect((await call('operator', { method: 'POST', url: '/api/enrollment/applications', payload: middleApp('yuetan') })).statusCode).toBe(403);
    const created = await call('parent', { method: 'POST', url: '/api/enrollment/applications', payload: middleApp('yuetan') });
    expect(created.statusCode).toBe(201);
    const ref = (created.json() as { ref: string }).ref;
    expect((await call('other', { url: `/api/enrollment/applications/${ref}` })).statusCode).toBe(404);
    w.at('2019-06-01');
    const late = await call('parent', { method: 'POST', url: '/api/enrollment/applications', headers: { 'accept-language': 'en' }, payload: { ...middleApp('yuetan'), stage: 'primary', primary: { hukou: 'beijing_personal', hukouInXicheng: true, livesInXicheng: true, guardianHousingInXicheng: false, guardianInUnitCollectiveAndWorksThere: false, guardianWorksInXicheng: false, treatedAsBeijingHukou: false }, child: { name: '晚到', docType: 'resident_id', docNumber: childId('2013-01-01', 777) } } });
    expect(late.statusCode).toBe(422);
    expect(late.json()).toMatchObject({ error: { code: 'window_closed', citation: { doc: '西教发〔2019〕10号', article: '附件1', url: expect.stringContaining('/law/') } } });
    expect((late.json() as { error: { message: string } }).error.message).toMatch(/^"Primary school-age information collection" ran May 6, 2019 to May 31, 2019/);
  });

  it('runs a lottery end to end: commit, public roster, one reveal, publish, results, verification', async () => {
    w.at('2019-05-11');
    const refs: string[] = [];
    for (let i = 0; i < 12; i++) refs.push(((await call('parent', { method: 'POST', url: '/api/enrollment/applications', payload: middleApp('xinjiekou') })).json() as { ref: string }).ref);
    const programs = ((await call(null, { url: '/api/enrollment/programs?route=middle_district_wide_lottery' })).json() as { programs: { id: number; capacity: number }[] }).programs;
    expect(programs.length).toBe(6);
    for (const [i, ref] of refs.entries()) {
      const r = await call('parent', { method: 'PUT', url: `/api/enrollment/applications/${ref}/choices`, payload: { route: 'middle_district_wide_lottery', programIds: [programs[i % 2]?.id, programs[2]?.id] } });
      expect(r.statusCode, r.body).toBe(200);
    }
    w.at('2019-05-15');
    const commitBody = { year: 2019, route: 'middle_district_wide_lottery', commitment: commitmentOf(secret), publicSource: { kind: 'drand', chain: 'quicknet', round: 9_000_000 } };
    expect((await call('parent', { method: 'POST', url: '/api/enrollment/draws', payload: commitBody })).statusCode).toBe(403);
    const committed = await call('operator', { method: 'POST', url: '/api/enrollment/draws', payload: commitBody });
    expect(committed.statusCode, committed.body).toBe(201);
    const draw = committed.json() as { id: number; rosterHash: string; secret: string | null };
    expect(draw.secret).toBeNull();
    const roster = (await call(null, { url: `/api/enrollment/draws/${draw.id}/roster` })).json() as { roster: string[] };
    expect(roster.roster).toEqual([...refs].sort());
    expect((await call('operator', { method: 'POST', url: '/api/enrollment/draws', payload: commitBody })).statusCode).toBe(409);
    expect((await call('operator', { method: 'POST', url: `/api/enrollment/draws/${draw.id}/reveal`, payload: { secret, publicValue: drandValue } })).statusCode).toBe(422);
    w.at('2019-05-16');
    const revealed = await call('operator', { method: 'POST', url: `/api/enrollment/draws/${draw.id}/reveal`, payload: { secret, publicValue: drandValue } });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toMatchObject({ placed: 12, unplaced: 0, stability: { stable: true } });
    const again = await call('operator', { method: 'POST', url: `/api/enrollment/draws/${draw.id}/reveal`, payload: { secret, publicValue: drandValue } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'draw_already_run', citation: { article: '三(二)2②' } } });
    expect((await call(null, { url: `/api/enrollment/draws/${draw.id}/results` })).statusCode).toBe(404);
    expect((await call('operator', { method: 'POST', url: `/api/enrollment/draws/${draw.id}/publish` })).statusCode).toBe(200);
    const results = (await call(null, { url: `/api/enrollment/draws/${draw.id}/results?ref=${refs[0]}` })).json() as { total: number; rows: { ref: string; number: number; schoolCode: string; ranks: { rank: number }[] }[] };
    expect(results.total).toBe(1);
    expect(results.rows[0]).toMatchObject({ ref: refs[0], number: expect.any(Number), schoolCode: expect.stringMatching(/^MS0/) });
    expect(results.rows[0]?.ranks.length).toBe(2);
    const file = (await call(null, { url: `/api/enrollment/draws/${draw.id}/published.json` })).json() as PublishedDraw;
    expect(verifyPublishedDraw(file).ok).toBe(true);
    const verified = (await call(null, { url: `/api/enrollment/draws/${draw.id}/verify` })).json() as { ok: boolean };
    expect(verified.ok).toBe(true);
    const mine = (await call('parent', { url: `/api/enrollment/applications/${refs[0]}` })).json() as { placement: { route: string }; lottery: { number: number; published: boolean }[]; child: { docNumber: string } };
    expect(mine.placement.route).toBe('middle_district_wide_lottery');
    expect(mine.lottery[0]).toMatchObject({ published: true, number: results.rows[0]?.number });
    expect(mine.child.docNumber).toContain('*');
  });

  it('non-local review: each department reviewer sees only its part; the applicant sees the reasons', async () => {
    w.at('2019-05-07');
    const child = { name: '李小明', docType: 'resident_id', docNumber: childId('2013-02-02', 950) };
    const submitted = await call('parent', { method: 'POST', url: '/api/enrollment/non-local', payload: { year: 2019, child, facts: goodFacts } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const queue = (await call('reviewer.hrss', { url: '/api/enrollment/reviews' })).json() as { parties: string[]; pending: { caseId: number; party: string }[] };
    expect(queue.parties).toEqual(['hrss']);
    const caseId = queue.pending[0]?.caseId as number;
    expect((await call('reviewer.hrss', { url: `/api/enrollment/reviews/${caseId}/hrss` })).statusCode).toBe(200);
    expect((await call('reviewer.hrss', { url: `/api/enrollment/reviews/${caseId}/planning` })).statusCode).toBe(403);
    expect((await call('parent', { url: `/api/enrollment/reviews/${caseId}/hrss` })).statusCode).toBe(403);
    const part = (await call('reviewer.planning', { url: `/api/enrollment/reviews/${caseId}/planning` })).json() as { part: Record<string, unknown>; checks: { id: string }[] };
    expect(Object.keys(part.part)).toEqual(['residence']);
    w.at('2019-05-15');
    const refused = await call('reviewer.planning', { method: 'POST', url: `/api/enrollment/reviews/${caseId}/planning`, payload: { verdict: 'refused', reasonCodes: ['residence.lived_one_year'] } });
    expect(refused.statusCode, refused.body).toBe(200);
    for (const d of ['hrss', 'market', 'police']) expect((await call(`reviewer.${d}`, { method: 'POST', url: `/api/enrollment/reviews/${caseId}/${d}`, payload: { verdict: 'approved' } })).statusCode).toBe(200);
    const status = (await call('parent', { url: '/api/enrollment/non-local' })).json() as { cases: { status: string; reviews: { reasons: { citation: { article: string } }[] }[] }[] };
    expect(status.cases[0]?.status).toBe('refused');
    expect(status.cases[0]?.reviews.flatMap((r) => r.reasons).map((r) => r.citation.article)).toEqual(['三(二)2(3)']);
    expect(JSON.stringify(status)).not.toContain('规自审核员');
  });

  describe('pages', () => {
    const page = async (who: string | null, url: string, form?: Record<string, string | string[]>, lang?: 'en') => {
      const subject = who ? subjects.get(who) : undefined;
      const token = subject ? await openSession(w.t.db.kysely as unknown as Kysely<PlatformTables>, w.clock, subject[0], subject[1]) : undefined;
      const headers: Record<string, string> = { ...(token ? { cookie: `yiwang_session=${token}` } : {}), ...(lang ? { 'accept-language': 'en' } : {}) };
      if (!form) return app.inject({ url, headers });
      const body = new URLSearchParams();
      for (const [key, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(key, x);
      return app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
    };

    it('the overview shows the three timetables with today\'s state and each row\'s source', async () => {
      w.at('2019-06-15');
      const r = await page(null, '/enrollment');
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('小学登记入学报名');
      expect(r.body).toContain('6 月 15-16 日');
      expect(r.body).toMatch(/小学登记入学报名<\/td><td>2019年6月15日至6月16日<\/td><td><span class="tag">进行中/);
      expect(r.body).toContain('/law/%E8%A5%BF%E6%95%99%E5%8F%91%E3%80%942019%E3%80%9510%E5%8F%B7#%E9%99%84%E4%BB%B61');
      const en = await page(null, '/enrollment', undefined, 'en');
      expect(en.body).toContain('Registration at the catchment primary school');
    });

    it('the eligibility check lists each condition with its clause; missing answers get an error summary', async () => {
      const answers = { stage: 'primary', birthDate: '2013-05-05', hukou: 'non_beijing', hukouInXicheng: 'no', livesInXicheng: 'yes', guardianHousingInXicheng: 'no', guardianInUnitCollectiveAndWorksThere: 'no', guardianWorksInXicheng: 'yes', treatedAsBeijingHukou: 'yes', holdsNonLocalApprovalLetter: 'no' };
      const r = await page(null, '/enrollment/eligibility', answers);
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('符合西城区入学条件');
      expect(r.body).toContain('✓ 符合条件④');
      expect(r.body).toContain('✗ 不符合条件①');
      const missing = await page(null, '/enrollment/eligibility', { stage: 'primary', birthDate: 'soon' });
      expect(missing.statusCode).toBe(422);
      expect(missing.body).toContain('error-summary');
      expect(missing.body).toContain('href="#birthDate"');
    });

    it('a guardian applies, files a list and sees the status; strangers are sent to sign in', async () => {
      expect((await page(null, '/enrollment/apply')).headers.location).toBe('/sign-in');
      w.at('2019-05-20');
      const applied = await page('parent', '/enrollment/apply', { stage: 'primary', childName: '页面儿童', docType: 'resident_id', docNumber: childId('2013-04-04', 801), zone: 'yuetan', careCategory: '', birthDate: '2013-04-04', hukou: 'beijing_personal', hukouInXicheng: 'yes', livesInXicheng: 'yes', guardianHousingInXicheng: 'yes', guardianInUnitCollectiveAndWorksThere: 'no', guardianWorksInXicheng: 'no', treatedAsBeijingHukou: 'no' });
      expect(applied.statusCode, applied.body).toBe(303);
      const ref = decodeURIComponent(String(applied.headers.location).split('created=')[1] ?? '');
      const status = await page('parent', '/enrollment/status');
      expect(status.body).toContain(ref);
      w.at('2019-06-14');
      const early = await page('parent', `/enrollment/applications/${ref}/choices`, { route: 'primary_registration', program1: String(w.programs.get('PS03/primary_registration')), hukouInServiceArea: 'yes', propertyInServiceArea: 'yes', yearsAtAddress: '4' });
      expect(early.statusCode).toBe(422);
      expect(early.body).toContain('2019年6月15日至6月16日');
      w.at('2019-06-15');
      const filed = await page('parent', `/enrollment/applications/${ref}/choices`, { route: 'primary_registration', program1: String(w.programs.get('PS03/primary_registration')), hukouInServiceArea: 'yes', propertyInServiceArea: 'yes', yearsAtAddress: '4' });
      expect(filed.statusCode, filed.body).toBe(303);
      expect((await page('parent', '/enrollment/status')).body).toContain('北京市西城区育民小学');
    });

    it('published results: chart, search by reference, CSV export, and the "verify the draw" page', async () => {
      const draws = ((await call(null, { url: '/api/enrollment/draws' })).json() as { draws: { id: number; status: string }[] }).draws;
      const published = draws.find((d) => d.status === 'published');
      if (!published) throw new Error('no published draw');
      const list = await page(null, '/enrollment/results');
      expect(list.body).toContain(`/enrollment/draws/${published.id}/verify`);
      const results = await page(null, `/enrollment/results/${published.id}`);
      expect(results.body).toContain('<svg role="img"');
      expect(results.body).toContain('第1志愿');
      const csv = await page(null, `/enrollment/results/${published.id}?format=csv`);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body.startsWith('\uFEFFref,number,school_code')).toBe(true);
      expect(csv.body.trim().split('\r\n')).toHaveLength(13);
      const verify = await page(null, `/enrollment/draws/${published.id}/verify`);
      expect(verify.body).toContain('核验通过');
      expect(verify.body).toContain(`npx yiwang lottery verify draw-${published.id}.json`);
    });

    it('the lottery desk is for operators; a department reviewer sees only its part and decides', async () => {
      expect((await page('parent', '/enrollment/staff')).headers.location).toBe('/');
      const desk = await page('operator', '/enrollment/staff');
      expect(desk.statusCode).toBe(200);
      expect(desk.body).toContain('学区派位入学');
      w.at('2019-05-08');
      const form = { childName: '地下室儿童', docType: 'resident_id', docNumber: childId('2013-01-09', 802), birthOnCertificate: '2013-01-09', birthOnHukou: '2013-01-09', singleParent: 'no', sameHukouBook: 'yes', childHkMacau: 'no', g1name: '父', g1relation: 'father', g1kind: 'contract', g1employer: '某公司', g1inXicheng: 'yes', g1docs: 'yes', g1insurance: 'yes', g1permit: 'P1', g1permitInXicheng: 'yes', g1permitAddress: '西城区月坛南街1号', g1permitValid: '2020-01-01', g2name: '母', g2relation: 'mother', g2kind: 'contract', g2employer: '某公司', g2inXicheng: 'no', g2docs: 'yes', g2insurance: 'no', g2permit: 'P2', g2permitInXicheng: 'yes', g2permitAddress: '西城区月坛南街1号', g2permitValid: '2020-01-01', residenceKind: 'rented', address: '西城区月坛南街1号', streetCode: '110102007', certificateProvided: 'yes', residentialUse: 'yes', issues: ['basement'], contractRegistered: 'yes', landlordIdProvided: 'yes', taxFrom: '2018-01-01', taxTo: '2019-04-30', livedSince: '2018-01-01' };
      const bad = await page('parent', '/enrollment/non-local/apply', form);
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('地下室不能作为开具居住证明的依据');
      const good = await page('parent', '/enrollment/non-local/apply', { ...form, issues: [] });
      expect(good.statusCode, good.body).toBe(303);
      const queue = await page('reviewer.police', '/enrollment/review');
      expect(queue.statusCode).toBe(200);
      const link = /href="(\/enrollment\/review\/\d+\/police)"/.exec(queue.body)?.[1];
      if (!link) throw new Error('no pending police review');
      const part = await page('reviewer.police', link);
      expect(part.body).toContain('residenceAddress');
      expect(part.body).not.toContain('rentalTaxPaidFrom');
      expect((await page('reviewer.hrss', link)).statusCode).toBe(403);
      w.at('2019-05-16');
      const decided = await page('reviewer.police', link, { verdict: 'approved' });
      expect(decided.statusCode, decided.body).toBe(303);
    });
  });
});
