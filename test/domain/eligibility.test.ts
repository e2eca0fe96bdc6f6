// One test per rule and outcome of the §6 table, plus the derived status.
import { describe, expect, it } from 'vitest';
import { RULE_IDS, deriveStatus, evidenceChanges, resultReason } from '../../src/domain/eligibility.js';
import { computeCheckChar } from '../../src/domain/uscc.js';
import { check, makeApp, ruleOf, src, uscc } from '../../fixtures/check/builders.js';

describe('every application gets every rule', () => {
  it('in the §6 order, with an article and a bilingual reason', () => {
    const [c] = check([makeApp()]);
    expect(c.results.map((r) => r.rule)).toEqual([...RULE_IDS]);
    expect(c.status).toBe('eligible');
    for (const r of c.results) {
      expect(r.outcome).toBe('pass');
      expect(r.article).not.toBe('');
      expect(r.reason.zh).not.toBe('');
      expect(r.reason.en).not.toBe('');
    }
    const articles = Object.fromEntries(c.results.map((r) => [r.rule, r.article]));
    expect(articles).toMatchObject({
      region: '9(1)',
      established: '9(1)',
      'legal-person': '9(1)',
      'no-other-funding': '9(2)',
      'past-compliance': '9(3)',
      credit: '9(4)',
      accident: '9(4)',
      ready: '12',
      'policy-validity': '18',
      category: '7(1), 8(1)',
      duplicate: '10',
    });
  });
});

describe('region (Art. 9(1))', () => {
  it('pass: declared district agrees with the division code', () => {
    const r = ruleOf(makeApp({ district: '蓬江区', uscc: uscc('91440703') }), 'region');
    expect(r.outcome).toBe('pass');
    expect(r.reason.zh).toContain('蓬江区');
    expect(r.reason.en).toContain('440703');
  });
  it('fail: declared district outside Jiangmen, named', () => {
    const r = ruleOf(makeApp({ district: '广州市天河区', uscc: uscc('91440106') }), 'region');
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('广州市天河区');
    expect(r.evidence.declared_district).toBe('广州市天河区');
  });
  it('needs-review: division code of another district', () => {
    const r = ruleOf(makeApp({ district: '台山市', uscc: uscc('91440703') }), 'region');
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.en).toContain('440703');
    expect(r.reason.en).toContain('Taishan');
  });
});

describe('credit-code (GB 32100-2015, §4)', () => {
  it('pass: both checks correct', () => {
    expect(ruleOf(makeApp(), 'credit-code').outcome).toBe('pass');
  });
  it('needs-review: wrong check character, naming the expected one', () => {
    const good = uscc('91440703', '12345678'); // 91440703123456788M
    expect(good).toBe('91440703123456788M');
    const r = ruleOf(makeApp({ uscc: '91440703123456788N' }), 'credit-code');
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.en).toContain('should be M');
    expect(r.reason.zh).toContain('「M」');
    // Sent to the business licence once, not twice.
    expect(r.reason.en.match(/business licence/g)).toHaveLength(1);
    expect(r.reason.zh.match(/营业执照/g)).toHaveLength(1);
  });
  it('needs-review: wrong organisation-code check, naming the expected one', () => {
    // org body 12345678 → 8; put 7 and fix the final check so only the org check fails
    const first17 = '91440703123456787';
    const r = ruleOf(makeApp({ uscc: first17 + computeCheckChar(first17) }), 'credit-code');
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.en).toMatch(/should end in 8, not 7/);
    expect(r.reason.en).not.toContain('check character should be');
    expect(r.reason.en.match(/business licence/g)).toHaveLength(1);
    expect(r.reason.zh.match(/营业执照/g)).toHaveLength(1);
  });
});

describe('established (Art. 9(1))', () => {
  it('pass: one full year by the as-of date', () => {
    expect(ruleOf(makeApp({ establishedOn: '2021-04-30' }), 'established').outcome).toBe('pass');
  });
  it('fail: younger, naming the dates', () => {
    const r = ruleOf(makeApp({ establishedOn: '2021-05-01' }), 'established');
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('2021-05-01');
    expect(r.reason.en).toContain('2022-05-01');
    expect(r.reason.en).toContain('2022-04-30');
  });
});

describe('legal-person (Art. 9(1))', () => {
  it('pass: declared yes, entity type 91', () => {
    expect(ruleOf(makeApp(), 'legal-person').outcome).toBe('pass');
  });
  it('fail: declared no', () => {
    const r = ruleOf(makeApp({ independentLegalPerson: false }), 'legal-person');
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('independent_legal_person: no');
  });
  it('fail: entity type 92 individual business, named', () => {
    const r = ruleOf(makeApp({ uscc: uscc('92440703') }), 'legal-person');
    expect(r.outcome).toBe('fail');
    expect(r.reason.zh).toContain('92');
    expect(r.reason.zh).toContain('个体工商户');
  });
  it('fail: entity type 93 co-operative', () => {
    expect(ruleOf(makeApp({ uscc: uscc('93440703') }), 'legal-person').outcome).toBe('fail');
  });
  it('needs-review: name ends in 分公司', () => {
    const r = ruleOf(makeApp({ enterpriseName: '广州某某科技有限公司江门分公司' }), 'legal-person');
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.zh).toContain('分公司');
  });
  it('fail wins over needs-review within the rule', () => {
    const r = ruleOf(makeApp({ enterpriseName: '某某江门分公司', independentLegalPerson: false }), 'legal-person');
    expect(r.outcome).toBe('fail');
  });
});

describe('no-other-funding (Art. 9(2))', () => {
  const app = makeApp({ projectName: '注塑车间设备联网改造' });
  const row = (projectName: string, u = app.uscc, year: number | null = 2019) => ({
    uscc: u,
    projectName,
    program: '广东省工业企业技术改造资金',
    amountFen: 30_000_000,
    year,
    source: src(7),
  });
  it('pass: not declared, no matching prior funding', () => {
    expect(ruleOf(app, 'no-other-funding', { lists: { priorFunding: [row('仓储物流管理系统')] } }).outcome).toBe('pass');
  });
  it('fail: declared yes', () => {
    expect(ruleOf(makeApp({ otherFiscalSupport: true }), 'no-other-funding').outcome).toBe('fail');
  });
  it('fail: same credit code and the same project name, naming the row', () => {
    const r = ruleOf(app, 'no-other-funding', { lists: { priorFunding: [row('注塑车间 设备联网改造。')] } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('list.csv line 7');
    expect(r.reason.en).toContain('广东省工业企业技术改造资金');
    expect(r.reason.en).toContain('2019');
  });
  it('fail: prior funding has no time limit', () => {
    expect(ruleOf(app, 'no-other-funding', { lists: { priorFunding: [row('注塑车间设备联网改造', app.uscc, 2001)] } }).outcome).toBe('fail');
  });
  it('needs-review: a similar project name', () => {
    const r = ruleOf(app, 'no-other-funding', { lists: { priorFunding: [row('注塑车间设备联网改造二期')] } });
    expect(r.outcome).toBe('needs-review');
    expect(r.reason.en).toContain('similar');
  });
  it('pass: the same project name under another credit code', () => {
    expect(ruleOf(app, 'no-other-funding', { lists: { priorFunding: [row('注塑车间设备联网改造', uscc('91440703', '99999999'))] } }).outcome).toBe('pass');
  });
});

describe('past-compliance (Art. 9(3))', () => {
  const app = makeApp();
  const v = (occurredOn: string) => ({ uscc: app.uscc, occurredOn, description: '项目资金挪用', source: src(3) });
  it('pass', () => {
    expect(ruleOf(app, 'past-compliance').outcome).toBe('pass');
  });
  it('fail: declared no', () => {
    expect(ruleOf(makeApp({ pastProjectsCompliant: false }), 'past-compliance').outcome).toBe('fail');
  });
  it('fail: a violations row in the window, naming its date', () => {
    const r = ruleOf(app, 'past-compliance', { lists: { violations: [v('2020-01-15')] } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('2020-01-15');
    expect(r.reason.zh).toContain('项目资金挪用');
  });
});

describe('credit (Art. 9(4))', () => {
  const app = makeApp();
  const l = (listedOn: string, removedOn: string | null, list: 'abnormal-operations' | 'serious-dishonesty' = 'abnormal-operations') => ({
    uscc: app.uscc,
    list,
    listedOn,
    removedOn,
    source: src(4),
  });
  it('pass', () => {
    expect(ruleOf(app, 'credit').outcome).toBe('pass');
  });
  it('fail: declared no', () => {
    expect(ruleOf(makeApp({ creditGood: false }), 'credit').outcome).toBe('fail');
  });
  it('fail: a listing overlapping the window, naming list and dates', () => {
    const r = ruleOf(app, 'credit', { lists: { creditListings: [l('2018-03-01', '2019-06-30', 'serious-dishonesty')] } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.zh).toContain('严重违法失信企业名单');
    expect(r.reason.en).toContain('2018-03-01');
    expect(r.reason.en).toContain('2019-06-30');
  });
  it('fail: still listed (no removal date)', () => {
    expect(ruleOf(app, 'credit', { lists: { creditListings: [l('2010-01-01', null)] } }).outcome).toBe('fail');
  });
});

describe('accident (Art. 9(4))', () => {
  const app = makeApp();
  it('pass', () => {
    expect(ruleOf(app, 'accident').outcome).toBe('pass');
  });
  it('fail: declared yes', () => {
    expect(ruleOf(makeApp({ majorAccident: true }), 'accident').outcome).toBe('fail');
  });
  it('fail: an accidents row in the window, naming kind and date', () => {
    const r = ruleOf(app, 'accident', { lists: { accidents: [{ uscc: app.uscc, occurredOn: '2021-08-09', kind: 'environmental', description: '废水超标排放', source: src(5) }] } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('environmental');
    expect(r.reason.en).toContain('2021-08-09');
  });
});

describe('ready (Art. 12)', () => {
  it('pass', () => expect(ruleOf(makeApp(), 'ready').outcome).toBe('pass'));
  it('fail: declared no', () => expect(ruleOf(makeApp({ readyToImplement: false }), 'ready').outcome).toBe('fail'));
});

describe('policy-validity (Art. 18)', () => {
  it('pass: the round lies inside 2021-05-16..2024-05-15', () => {
    expect(ruleOf(makeApp(), 'policy-validity').outcome).toBe('pass');
    expect(ruleOf(makeApp(), 'policy-validity', { round: { opensOn: '2021-05-16', closesOn: '2024-05-15' } }).outcome).toBe('pass');
  });
  it('fail: opens before the policy took effect', () => {
    const r = ruleOf(makeApp(), 'policy-validity', { round: { opensOn: '2021-05-15', closesOn: '2021-06-30' } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('2021-05-15');
  });
  it('fail: closes after the policy expired', () => {
    const r = ruleOf(makeApp(), 'policy-validity', { round: { opensOn: '2024-04-01', closesOn: '2024-05-16' } });
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('2024-05-15');
  });
});

describe('category (Art. 7, 8)', () => {
  it('pass: benchmark and other have no conditions of their own', () => {
    expect(ruleOf(makeApp({ category: 'benchmark-platform' }), 'category').outcome).toBe('pass');
    const other = ruleOf(makeApp({ category: 'other' }), 'category');
    expect(other.outcome).toBe('pass');
    expect(other.article).toBe('7(5)');
  });
  it('sme-cloud: missing employees or revenue fails, naming what is missing', () => {
    const a = ruleOf(makeApp({ category: 'sme-cloud', employees: null, annualRevenueFen: 100 }), 'category');
    expect(a.outcome).toBe('fail');
    expect(a.reason.en).toContain('employees');
    const b = ruleOf(makeApp({ category: 'sme-cloud', employees: 20, annualRevenueFen: null }), 'category');
    expect(b.outcome).toBe('fail');
    expect(b.reason.en).toContain('annual revenue');
    expect(b.reason.en).not.toContain('employees and');
  });
  it('sme-cloud: an SME passes', () => {
    expect(ruleOf(makeApp({ category: 'sme-cloud', employees: 120, annualRevenueFen: 5_000_000_000 }), 'category').outcome).toBe('pass');
  });
  it('cluster-pilot: missing cluster fails', () => {
    const r = ruleOf(makeApp({ category: 'cluster-pilot', cluster: null }), 'category');
    expect(r.outcome).toBe('fail');
    expect(r.reason.en).toContain('stainless-steel');
  });
  it('cluster-pilot: unknown cluster fails, naming it', () => {
    const r = ruleOf(makeApp({ category: 'cluster-pilot', cluster: '陶瓷' }), 'category');
    expect(r.outcome).toBe('fail');
    expect(r.reason.zh).toContain('陶瓷');
  });
  it('cluster-pilot: a policy cluster passes (key or Chinese name)', () => {
    expect(ruleOf(makeApp({ category: 'cluster-pilot', cluster: 'motorcycle' }), 'category').outcome).toBe('pass');
    expect(ruleOf(makeApp({ category: 'cluster-pilot', cluster: '水暖卫浴' }), 'category').outcome).toBe('pass');
  });
  it('talent-training: ≥ 10 events and ≥ 500 trainees pass; fewer or missing fail', () => {
    const t = (trainingEvents: number | null, trainees: number | null) => ruleOf(makeApp({ category: 'talent-training', trainingEvents, trainees }), 'category');
    expect(t(10, 500).outcome).toBe('pass');
    expect(t(9, 500).outcome).toBe('fail');
    expect(t(10, 499).outcome).toBe('fail');
    const missing = t(null, null);
    expect(missing.outcome).toBe('fail');
    expect(missing.reason.en).toContain('training events and trainees missing');
    expect(t(9, 499).reason.en).toContain('9 training events < 10');
  });
});

describe('duplicate (Art. 10)', () => {
  it('pass: alone', () => expect(ruleOf(makeApp(), 'duplicate').outcome).toBe('pass'));
  it('needs-review: same credit code and same project name; both marked', () => {
    const u = uscc('91440705', '55555555');
    const a = makeApp({ uscc: u, district: '新会区', projectName: '智能仓储系统' });
    const b = makeApp({ uscc: u, district: '新会区', projectName: '智能仓储 系统' });
    const res = check([a, b]);
    for (const [me, other] of [
      [0, b],
      [1, a],
    ] as const) {
      const r = res[me].results.find((x) => x.rule === 'duplicate');
      expect(r?.outcome).toBe('needs-review');
      expect(r?.reason.en).toContain(other.applicationId);
    }
  });
});

describe('status', () => {
  it('any fail → ineligible; else any needs-review → needs-review; else eligible', () => {
    expect(deriveStatus(['pass', 'needs-review', 'fail'])).toBe('ineligible');
    expect(deriveStatus(['pass', 'needs-review'])).toBe('needs-review');
    expect(deriveStatus(['pass', 'pass'])).toBe('eligible');
    expect(check([makeApp({ readyToImplement: false, enterpriseName: 'X分公司' })])[0].status).toBe('ineligible');
    expect(check([makeApp({ enterpriseName: 'X分公司' })])[0].status).toBe('needs-review');
  });
});

describe('evidenceChanges', () => {
  it('names what changed', () => {
    const t = evidenceChanges({ declared_district: '台山市', division_code: '440703' }, { declared_district: '开平市', division_code: '440703' });
    expect(t.en).toBe('declared district: 台山市 → 开平市');
    expect(t.zh).toBe('所属区（市）：台山市 → 开平市');
  });
});

describe('resultReason (what a person reads for a stored result)', () => {
  const checkReason = { zh: '成立未满 2 年', en: 'established less than 2 years' };
  const decision = { outcome: 'pass' as const, reason: '分公司，非独立法人', decidedBy: 'officer-li', decidedAt: '2022-08-15T06:02:00.000Z', evidence: { established_on: '2021-01-01' } };
  it('is the check reason alone when no officer decided', () => {
    expect(resultReason({ checkReason, evidence: {}, decision: null, reopened: null })).toEqual(checkReason);
  });
  it('names the officer, the outcome, the date and the typed reason of a decision, then what the check found', () => {
    const r = resultReason({ checkReason, evidence: decision.evidence, decision, reopened: null });
    expect(r.zh).toBe('officer-li 于 2022-08-15 人工决定：通过（理由：分公司，非独立法人）；核查发现：成立未满 2 年');
    expect(r.en).toContain('officer-li decided pass on 2022-08-15');
  });
  it('says why a reopened decision no longer applies', () => {
    const r = resultReason({ checkReason, evidence: { established_on: '2021-06-01' }, decision: null, reopened: decision });
    expect(r.en).toMatch(/^established less than 2 years \(the decision by officer-li on 2022-08-15 no longer applies because the evidence changed: /);
    expect(r.en).toContain('2021-06-01');
  });
});

describe('evidenceLines (review shows evidence as labelled lines, never JSON)', () => {
  it('names the other application with its credit code, and each matched list row with its date', async () => {
    const { evidenceLines } = await import('../../src/domain/eligibility.js');
    const dup = evidenceLines({ uscc: '91440703MA0000001X', project_name: '智能工厂', dice: 0.8, others: [{ application_id: 'JM2022-0090', project_name: '智能工厂改造', relation: 'similar' }] });
    expect(dup.map((t) => t.zh)).toEqual([
      '统一社会信用代码：91440703MA0000001X',
      '项目名称：智能工厂',
      '相似度阈值：0.8',
      '本批次相同或相似的申报：1 条',
      '  · 申报编号：JM2022-0090；统一社会信用代码：91440703MA0000001X；项目名称：智能工厂改造；关系：相似',
    ]);
    const credit = evidenceLines({ credit_good: true, window: ['2019-04-30', '2022-04-30'], listings: [{ list: 'serious-dishonesty', listed_on: '2021-06-01', removed_on: null }] });
    expect(credit.map((t) => t.zh)).toEqual(['近三年信用良好：是', '核查期间：2019-04-30 至 2022-04-30', '信用名单记录：1 条', '  · 名单：严重违法失信企业名单；列入日期：2021-06-01；移出日期：—']);
    expect(credit.map((t) => t.en).join('\n')).toContain('listed on: 2021-06-01');
    const prior = evidenceLines({ matches: [{ project_name: 'A', program: '省专项', year: 2021, amount_fen: 20000000, relation: 'same' }] });
    expect(prior[1].zh).toBe('  · 项目名称：A；资助项目：省专项；年度：2021；金额：200,000.00 元；关系：相同');
    for (const t of [...dup, ...credit, ...prior]) expect(`${t.zh}${t.en}`).not.toMatch(/[{}[\]"]/);
  });
});
