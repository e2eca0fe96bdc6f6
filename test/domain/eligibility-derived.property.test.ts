// A stored check keeps only what checkAlone cannot rebuild (passIsDerived): for
// any application, side lists and other applications of its credit code, every
// pass it calls derived must be exactly what the application alone gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAlone, checkGroup, passIsDerived, roundCheck, type SideLists } from '../../src/domain/eligibility.js';
import { defaultRound, makeApp, uscc } from '../../fixtures/check/builders.js';

const CODE = uscc('91440703', '27182818');
const date = fc.constantFrom('2015-06-01', '2019-04-30', '2020-02-29', '2021-05-01', '2022-04-30', '2022-05-01', '2010-01-01');
const projectName = fc.constantFrom('数字化车间改造', '数字化车间改造二期', '仓储物流系统', '注塑车间联网', '云平台', '', '（）');
const app = fc.record({
  district: fc.constantFrom('蓬江区', '台山市', '广州市'),
  establishedOn: date,
  independentLegalPerson: fc.boolean(),
  enterpriseName: fc.constantFrom('江门市示例智能制造有限公司', '江门市示例智能制造有限公司分公司'),
  category: fc.constantFrom('benchmark-enterprise', 'sme-cloud', 'cluster-pilot', 'talent-training', 'nope'),
  cluster: fc.constantFrom(null, 'motorcycle', '不锈钢制品', 'unknown'),
  projectName,
  employees: fc.constantFrom(null, 50, 2000),
  annualRevenueFen: fc.constantFrom(null, 1_000_000, 90_000_000_000),
  otherFiscalSupport: fc.boolean(),
  pastProjectsCompliant: fc.boolean(),
  creditGood: fc.boolean(),
  majorAccident: fc.boolean(),
  readyToImplement: fc.boolean(),
  trainingEvents: fc.constantFrom(null, 5, 12),
  trainees: fc.constantFrom(null, 100, 600),
});
const source = { file: 'list.csv', line: 2 };
const lists: fc.Arbitrary<SideLists> = fc.record({
  priorFunding: fc.array(fc.record({ projectName, program: fc.constant('技改'), amountFen: fc.constantFrom(null, 500_000), year: fc.constantFrom(null, 2020) }), { maxLength: 3 }).map((rows) =>
    rows.map((r) => ({ ...r, uscc: CODE, source })),
  ),
  creditListings: fc.array(fc.record({ list: fc.constantFrom('abnormal-operations' as const, 'serious-dishonesty' as const), listedOn: date, removedOn: fc.constantFrom(null, '2022-12-31') }), { maxLength: 2 }).map((rows) =>
    rows.map((r) => ({ ...r, uscc: CODE, source })),
  ),
  violations: fc.array(fc.record({ occurredOn: date, description: fc.constant('违规') }), { maxLength: 2 }).map((rows) => rows.map((r) => ({ ...r, uscc: CODE, source }))),
  accidents: fc.array(fc.record({ occurredOn: date, kind: fc.constantFrom('safety' as const, 'quality' as const), description: fc.constant('事故') }), { maxLength: 2 }).map((rows) =>
    rows.map((r) => ({ ...r, uscc: CODE, source })),
  ),
});

describe('passIsDerived', () => {
  it('every pass it calls derived is what checkAlone gives', () => {
    fc.assert(
      fc.property(fc.array(app, { minLength: 1, maxLength: 4 }), lists, date, (fields, l, asOf) => {
        const group = fields.map((f, i) => makeApp({ ...f, applicationId: `G${i}`, uscc: CODE }));
        const rc = roundCheck(defaultRound(), asOf);
        const checks = checkGroup(rc, group, l);
        checks.forEach((c, i) => {
          const alone = checkAlone(rc, group[i]);
          for (const r of c.results) if (passIsDerived(r, l)) expect(alone.find((x) => x.rule === r.rule)).toEqual(r);
        });
      }),
      { numRuns: 300 },
    );
  });
});
