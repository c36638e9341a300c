import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { authorise, grantCovers, mayApprove, type GrantFacts } from './grant-rules.ts';
import { mayPublish, personalDataItems, purposes } from './data-items.ts';
import { ageBand, cell } from './statistics.ts';
import { operatorMay } from './operators.ts';

const grant = (over: Partial<GrantFacts> = {}): GrantFacts => ({ ref: 'A2019-0001', kind: 'application', granteeOrganisationId: 7, dataItems: ['diagnosis', 'lab_result'], purposes: ['public_health'], validFrom: '2019-06-01', validUntil: '2019-12-31', status: 'active', ...over });

describe('grant rules (第十四条, pure)', () => {
  it('never allows a request beyond the grant: every allowed request is inside its items, purposes, unit and period', () => {
    fc.assert(
      fc.property(
        fc.subarray([...personalDataItems], { minLength: 1 }),
        fc.subarray([...personalDataItems], { minLength: 1 }),
        fc.subarray([...purposes], { minLength: 1 }),
        fc.constantFrom(...purposes),
        fc.constantFrom(7, 8),
        fc.constantFrom('2019-05-31', '2019-06-01', '2019-09-09', '2019-12-31', '2020-01-01'),
        fc.constantFrom('active', 'revoked', 'submitted', 'approved') as fc.Arbitrary<GrantFacts['status']>,
        (granted, asked, grantedPurposes, purpose, org, today, status) => {
          const g = grant({ dataItems: granted, purposes: grantedPurposes, status });
          const d = grantCovers(g, { organisationId: org, dataItems: asked, purpose }, today);
          const inside = status === 'active' && org === 7 && today >= '2019-06-01' && today <= '2019-12-31' && asked.every((i) => granted.includes(i)) && grantedPurposes.includes(purpose);
          expect(d.allowed).toBe(inside);
          if (!d.allowed) expect(d.reasons[0]?.citation).toEqual({ doc: '西卫〔2019〕4号', article: '第十四条' });
        },
      ),
    );
  });

  it('explains the most telling reason when no grant covers a request', () => {
    const d = authorise([grant({ status: 'revoked', ref: 'A1' }), grant({ ref: 'A2', dataItems: ['diagnosis'] })], { organisationId: 7, dataItems: ['prescription'], purpose: 'public_health' }, '2019-07-01');
    expect(!d.allowed && d.reasons[0]?.code).toBe('beyond_grant_items');
    expect(authorise([], { organisationId: 7, dataItems: ['diagnosis'], purpose: 'marketing' }, '2019-07-01')).toMatchObject({ allowed: false, reasons: [{ code: 'purpose_required' }] });
  });

  it('needs both departments, by two different people, before activation', () => {
    const pending = { status: 'submitted' as const, kind: 'application', business_approved_by: null, information_approved_by: null };
    expect(mayApprove(pending, 'business_department', 1, ['information_department']).allowed).toBe(false);
    expect(mayApprove(pending, 'business_department', 1, ['business_department']).allowed).toBe(true);
    expect(mayApprove({ ...pending, business_approved_by: 1 }, 'information_department', 1, ['business_department', 'information_department']).allowed).toBe(false);
    expect(mayApprove({ ...pending, business_approved_by: 1 }, 'information_department', 2, ['information_department']).allowed).toBe(true);
    expect(mayApprove({ ...pending, kind: 'direct' }, 'business_department', 1, ['business_department']).allowed).toBe(false);
  });
});

describe('outsourced operator scope (第十一条, pure)', () => {
  const agreement = { scopes: JSON.stringify(['statistics']), valid_from: '2019-01-01', valid_until: '2019-12-31' };
  it('allows only listed scopes within the agreement period; in-house operators have no agreement', () => {
    expect(operatorMay(undefined, 'mpi', '2019-06-01').allowed).toBe(true);
    expect(operatorMay(agreement, 'statistics', '2019-06-01').allowed).toBe(true);
    expect(operatorMay(agreement, 'mpi', '2019-06-01')).toMatchObject({ allowed: false, reasons: [{ code: 'beyond_agreement', citation: { article: '第十一条' } }] });
    expect(operatorMay(agreement, 'statistics', '2020-01-01')).toMatchObject({ allowed: false, reasons: [{ code: 'agreement_not_in_force' }] });
  });
});

describe('publication rules (第十三条, pure)', () => {
  it('publishes only public-class data; personal items never', () => {
    expect(mayPublish('statistics').allowed).toBe(true);
    for (const item of [...personalDataItems, 'upload_log', 'anything-unknown']) expect(mayPublish(item)).toMatchObject({ allowed: false, reasons: [{ code: 'not_publishable', citation: { doc: '西卫〔2019〕4号', article: '第十三条' } }] });
  });
  it('suppresses cells of 1 to 4 people and keeps 0 and 5+', () => {
    expect([0, 1, 4, 5, 99].map((n) => cell(n).value)).toEqual([0, null, null, 5, 99]);
  });
  it('puts people in age bands by their Beijing birthday', () => {
    expect(ageBand('2005-06-18', '2019-06-17')).toBe('0-14');
    expect(ageBand('2004-06-17', '2019-06-17')).toBe('15-34');
    expect(ageBand('1939-01-01', '2019-06-17')).toBe('80+');
  });
});
