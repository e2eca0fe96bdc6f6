// Boundaries of §4 and §14: one full year, windows, 29 February, division
// codes, the SME rule, duplicate pairs, and thresholds read from the policy.
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/domain/policy.js';
import { check, defaultRound, makeApp, ruleOf, src, uscc } from '../../fixtures/check/builders.js';

describe('one full year (§4)', () => {
  const est = (establishedOn: string, asOf: string) => ruleOf(makeApp({ establishedOn }), 'established', { asOf }).outcome;
  it('exactly one year is enough; one day short is not', () => {
    expect(est('2021-04-30', '2022-04-30')).toBe('pass');
    expect(est('2021-05-01', '2022-04-30')).toBe('fail');
  });
  it('29 February: the first anniversary is 28 February', () => {
    expect(est('2020-02-29', '2021-02-28')).toBe('pass');
    expect(est('2020-02-29', '2021-02-27')).toBe('fail');
  });
  it('an enterprise established after the as-of date fails', () => {
    expect(est('2022-05-10', '2022-04-30')).toBe('fail');
  });
});

describe('windows [as-of − 3 years, as-of] (§14)', () => {
  const app = makeApp();
  const violation = (occurredOn: string, asOf: string) =>
    ruleOf(app, 'past-compliance', { asOf, lists: { violations: [{ uscc: app.uscc, occurredOn, description: 'x', source: src() }] } }).outcome;
  const accident = (occurredOn: string, asOf: string) =>
    ruleOf(app, 'accident', { asOf, lists: { accidents: [{ uscc: app.uscc, occurredOn, kind: 'safety', description: 'x', source: src() }] } }).outcome;

  it('an event exactly 3 years before the as-of date is in; one day earlier is out', () => {
    expect(violation('2019-04-30', '2022-04-30')).toBe('fail');
    expect(violation('2019-04-29', '2022-04-30')).toBe('pass');
    expect(accident('2019-04-30', '2022-04-30')).toBe('fail');
    expect(accident('2019-04-29', '2022-04-30')).toBe('pass');
  });
  it('the as-of date itself is in; a later event is out', () => {
    expect(violation('2022-04-30', '2022-04-30')).toBe('fail');
    expect(violation('2022-05-01', '2022-04-30')).toBe('pass');
    expect(accident('2022-05-01', '2022-04-30')).toBe('pass');
  });
  it('29 February as-of: the window starts on 28 February three years before', () => {
    expect(violation('2021-02-28', '2024-02-29')).toBe('fail');
    expect(violation('2021-02-27', '2024-02-29')).toBe('pass');
  });
  it('the as-of date defaults to the round closing date and --as-of moves the window', () => {
    const lists = { violations: [{ uscc: app.uscc, occurredOn: '2019-05-10', description: 'x', source: src() }] };
    expect(ruleOf(app, 'past-compliance', { lists }).outcome).toBe('fail'); // round closes 2022-04-30
    expect(violation('2019-05-10', '2022-05-15')).toBe('pass');
  });

  const listing = (listedOn: string, removedOn: string | null, asOf = '2022-04-30') =>
    ruleOf(app, 'credit', { asOf, lists: { creditListings: [{ uscc: app.uscc, list: 'abnormal-operations', listedOn, removedOn, source: src() }] } }).outcome;
  it('credit listings overlap: listed_on ≤ as-of and removed_on empty or ≥ window start', () => {
    expect(listing('2015-01-01', '2019-04-30')).toBe('fail'); // removed exactly at window start
    expect(listing('2015-01-01', '2019-04-29')).toBe('pass'); // removed the day before
    expect(listing('2022-04-30', null)).toBe('fail'); // listed on the as-of date
    expect(listing('2022-05-01', null)).toBe('pass'); // listed after the as-of date
    expect(listing('2015-01-01', null)).toBe('fail');
  });
});

describe('division codes (§14 Region)', () => {
  const region = (district: string, prefix8: string) => ruleOf(makeApp({ district, uscc: uscc(prefix8) }), 'region');
  const DISTRICTS = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'];

  it('440700 (the city registry) agrees with every Jiangmen district', () => {
    for (const d of DISTRICTS) expect(region(d, '91440700').outcome, d).toBe('pass');
  });
  it('440782 (former 新会市) agrees with 新会区 only', () => {
    expect(region('新会区', '91440782').outcome).toBe('pass');
    for (const d of DISTRICTS.filter((x) => x !== '新会区')) expect(region(d, '91440782').outcome, d).toBe('needs-review');
  });
  it('each district code agrees with its own district', () => {
    const codes = ['440703', '440704', '440705', '440781', '440783', '440784', '440785'];
    codes.forEach((c, i) => expect(region(DISTRICTS[i], `91${c}`).outcome).toBe('pass'));
    expect(region('江海区', '91440703').outcome).toBe('needs-review');
  });
  it('a division outside Jiangmen with a declared Jiangmen district → needs-review, naming both', () => {
    const r = region('鹤山市', '91440106');
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.en).toContain('440106');
    expect(r.reason.en).toContain('outside Jiangmen');
    expect(r.reason.zh).toContain('鹤山市');
    expect(region('开平市', '91310115').outcome).toBe('needs-review');
  });
  it('a declared district outside Jiangmen → fail, whatever the code', () => {
    expect(region('佛山市顺德区', '91440606').outcome).toBe('fail');
    expect(region('佛山市顺德区', '91440703').outcome).toBe('fail');
  });
  it('districts written differently still resolve', () => {
    expect(region('江门市新会区', '91440705').outcome).toBe('pass');
    expect(region('台山', '91440781').outcome).toBe('pass');
  });
});

describe('SME (§14): not an SME only with ≥ 1000 employees AND revenue ≥ 4亿', () => {
  const sme = (employees: number, annualRevenueFen: number) =>
    ruleOf(makeApp({ category: 'sme-cloud', employees, annualRevenueFen }), 'category').outcome;
  const YI4 = 40_000_000_000; // 400,000,000 yuan in fen
  it('both at the thresholds → not an SME', () => {
    expect(sme(1000, YI4)).toBe('fail');
    expect(sme(5000, YI4 * 3)).toBe('fail');
  });
  it('either below → SME', () => {
    expect(sme(999, YI4)).toBe('pass');
    expect(sme(1000, YI4 - 1)).toBe('pass');
    expect(sme(999, YI4 - 1)).toBe('pass');
    expect(sme(20000, 100)).toBe('pass');
  });
  it('the reason names both facts and the basis', () => {
    const r = ruleOf(makeApp({ category: 'sme-cloud', employees: 1200, annualRevenueFen: 50_000_000_000 }), 'category');
    expect(r.reason.en).toContain('1200 employees (≥ 1000)');
    expect(r.reason.en).toContain('500,000,000.00');
    expect(r.reason.en).toContain('工信部联企业〔2011〕300号');
  });
});

describe('duplicate pairs (§14)', () => {
  const dup = (names: string[], sameUscc = true) => {
    const u = uscc('91440704', '31415926');
    const apps = names.map((projectName, i) => makeApp({ uscc: sameUscc ? u : uscc('91440704', `3141592${i}`), district: '江海区', projectName }));
    return check(apps).map((c) => c.results.find((r) => r.rule === 'duplicate')?.outcome);
  };
  it('same name → both marked', () => expect(dup(['MES系统建设', 'mes 系统建设'])).toEqual(['needs-review', 'needs-review']));
  it('one containing the other → both marked', () => expect(dup(['MES系统建设', 'MES系统建设二期工程'])).toEqual(['needs-review', 'needs-review']));
  it('different projects → neither', () => expect(dup(['MES系统建设', '仓储物流管理平台'])).toEqual(['pass', 'pass']));
  it('the same name under different credit codes → neither', () => expect(dup(['MES系统建设', 'MES系统建设'], false)).toEqual(['pass', 'pass']));
  it('three applications: each names the others', () => {
    const u = uscc('91440704', '27182818');
    const apps = ['云平台', '云平台一期', '云平台二期'].map((projectName) => makeApp({ uscc: u, district: '江海区', projectName }));
    const res = check(apps);
    const first = res[0].results.find((r) => r.rule === 'duplicate');
    expect(first?.reason.en).toContain(apps[1].applicationId);
    expect(first?.reason.en).toContain(apps[2].applicationId);
  });
});

describe('thresholds come from the round policy', () => {
  const base = defaultRound().policy;
  const tweak = (f: (p: Policy) => void): Policy => {
    const p = structuredClone(base);
    f(p);
    return p;
  };
  it('minYearsEstablished and lookBackYears', () => {
    const policy = tweak((p) => {
      p.eligibility.minYearsEstablished = 2;
      p.eligibility.lookBackYears = 5;
    });
    const app = makeApp({ establishedOn: '2020-05-01' });
    expect(ruleOf(app, 'established').outcome).toBe('pass');
    expect(ruleOf(app, 'established', { round: { policy } }).outcome).toBe('fail');
    const lists = { violations: [{ uscc: app.uscc, occurredOn: '2018-01-01', description: 'x', source: src() }] };
    expect(ruleOf(app, 'past-compliance', { lists }).outcome).toBe('pass');
    expect(ruleOf(app, 'past-compliance', { lists, round: { policy } }).outcome).toBe('fail');
  });
  it('similarity threshold', () => {
    const policy = tweak((p) => {
      p.eligibility.similarity.dice = 0.95;
    });
    const u = uscc('91440704', '16180339');
    const apps = ['江门市工业互联网平台建设项目', '江门市工业互联网平台建设工程'].map((projectName) => makeApp({ uscc: u, district: '江海区', projectName }));
    expect(check(apps)[0].results.find((r) => r.rule === 'duplicate')?.outcome).toBe('needs-review');
    expect(check(apps, { round: { policy } })[0].results.find((r) => r.rule === 'duplicate')?.outcome).toBe('pass');
  });
  it('SME thresholds, entity types, branch suffixes and talent minima', () => {
    const policy = tweak((p) => {
      p.eligibility.sme.maxEmployees = 300;
      p.eligibility.enterpriseEntityTypes = ['91', '93'];
      p.eligibility.branchSuffixes = ['分公司', '分厂'];
      const t = p.categories.find((c) => c.key === 'talent-training');
      if (t) t.minTrainingEvents = 5;
    });
    const opts = { round: { policy } };
    expect(ruleOf(makeApp({ category: 'sme-cloud', employees: 500, annualRevenueFen: 40_000_000_000 }), 'category', opts).outcome).toBe('fail');
    expect(ruleOf(makeApp({ uscc: uscc('93440703') }), 'legal-person', opts).outcome).toBe('pass');
    expect(ruleOf(makeApp({ enterpriseName: '某某公司江门分厂' }), 'legal-person', opts).outcome).toBe('needs-review');
    expect(ruleOf(makeApp({ category: 'talent-training', trainingEvents: 5, trainees: 500 }), 'category', opts).outcome).toBe('pass');
  });
  it('the region comes from the policy', () => {
    const policy = tweak((p) => {
      p.region.districts = p.region.districts.filter((d) => d.zh !== '恩平市');
    });
    expect(ruleOf(makeApp({ district: '恩平市', uscc: uscc('91440785') }), 'region', { round: { policy } }).outcome).toBe('fail');
  });
});
