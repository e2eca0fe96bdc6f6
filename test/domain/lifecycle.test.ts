// The state machine of SPEC §2, table-driven over every (state, action) pair,
// and the money rules after filing (Art. 13, 14, 16, 10(4)).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLICATION_STATES, type ApplicationState } from '../../src/domain/application.js';
import {
  ACTIONS,
  TRANSITIONS,
  acceptanceOutcome,
  acceptanceSettlement,
  canTransition,
  checkAwardUnit,
  checkManualCategory,
  checkTrainingCounts,
  findingSettlement,
  manualAwardState,
  recoverySettlement,
  checkApprovalDocument,
  checkClawback,
  checkDisbursement,
  checkRecovery,
  checkTransition,
  moneyBalance,
  type Action,
} from '../../src/domain/lifecycle.js';
import { categoryOf } from '../../src/domain/policy.js';
import { loadPolicy } from '../../src/io/policies.js';

const POLICY = loadPolicy().policy;

// The expected machine, written out independently of TRANSITIONS: action → from → allowed targets.
const FUNDED = ['filed', 'accepted', 'disbursed', 'clawback-due', 'recovered'] as const;
const PRE = ['eligible', 'scored', 'proposed', 'not-funded'] as const;
const EXPECTED: Record<Action, Partial<Record<ApplicationState, ApplicationState[]>>> = {
  check: Object.fromEntries(['imported', 'eligible', 'ineligible', 'needs-review'].map((s) => [s, ['eligible', 'ineligible', 'needs-review']])),
  decide: Object.fromEntries(['needs-review', 'eligible', 'ineligible'].map((s) => [s, ['eligible', 'ineligible', 'needs-review']])),
  score: { eligible: ['scored'], scored: ['scored'] },
  allocate: Object.fromEntries(PRE.map((s) => [s, ['proposed', 'not-funded']])),
  'award-set': Object.fromEntries(PRE.map((s) => [s, ['proposed', 'not-funded']])),
  publicize: { proposed: ['in-notice'] },
  withdraw: { 'in-notice': ['withdrawn'] },
  finalize: { 'in-notice': ['filed'] },
  'accept-pass': { filed: ['accepted'] },
  'accept-fail': { filed: ['rejected-at-acceptance', 'clawback-due'] },
  disburse: { accepted: ['disbursed'], disbursed: ['disbursed'] },
  'spot-check-violation': Object.fromEntries(FUNDED.map((s) => [s, ['clawback-due']])),
  clawback: Object.fromEntries(FUNDED.map((s) => [s, ['clawback-due']])),
  recover: { 'clawback-due': ['clawback-due', 'recovered'] },
};

const cases = ACTIONS.flatMap((action) => APPLICATION_STATES.map((from) => ({ action, from, targets: EXPECTED[action][from] ?? [] })));

describe('state machine (SPEC §2)', () => {
  // Every (action, from) pair; within it every target: allowed exactly when the table says so.
  it.each(cases)('$action from $from → $targets', ({ action, from, targets }) => {
    expect(canTransition(from, action)).toBe(targets.length > 0);
    for (const to of APPLICATION_STATES) {
      const allowed = targets.includes(to);
      expect(canTransition(from, action, to), `${action}: ${from} → ${to}`).toBe(allowed);
      const r = checkTransition('A1', from, action, to);
      expect(r.ok, `${action}: ${from} → ${to}`).toBe(allowed);
      if (!r.ok && targets.length === 0) expect(r.error.en).toContain(`A1 is ${from}`);
    }
  });

  it('covers every action and state in the table', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ACTIONS].sort());
    for (const a of ACTIONS) for (const s of [...TRANSITIONS[a].from, ...TRANSITIONS[a].to]) expect(APPLICATION_STATES).toContain(s);
  });

  it('has terminal states: nothing leaves withdrawn, rejected-at-acceptance, ineligible after scoring', () => {
    for (const a of ACTIONS) {
      expect(canTransition('withdrawn', a)).toBe(false);
      expect(canTransition('rejected-at-acceptance', a)).toBe(false);
    }
  });

  it('names the current state and the states that would allow the move, in both languages', () => {
    const r = checkTransition('A7', 'scored', 'publicize', 'in-notice');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.en).toContain('A7 is scored');
    expect(r.error.en).toContain('allowed only from proposed');
    expect(r.error.en).toContain('jmfund allocate');
    expect(r.error.zh).toContain('已评分（scored）');
    expect(r.error.zh).toContain('拟支持（proposed）');
    const f = checkTransition('A7', 'filed', 'disburse');
    expect(!f.ok && f.error.en).toContain('accepted, disbursed');
  });

  it('says a project was accepted already, not to file its round, when acceptance is asked again', () => {
    for (const from of ['accepted', 'disbursed', 'rejected-at-acceptance']) {
      for (const action of ['accept-pass', 'accept-fail'] as const) {
        const r = checkTransition('A7', from, action);
        expect(!r.ok && r.error.en).toContain('it was accepted already (a project is accepted once)');
        expect(!r.ok && r.error.en).not.toContain('jmfund finalize');
        expect(!r.ok && r.error.zh).toContain('该项目已验收（每个项目只验收一次）');
      }
    }
    // Before filing, the hint is still to file the round.
    const early = checkTransition('A7', 'in-notice', 'accept-pass');
    expect(!early.ok && early.error.en).toContain('file the round first with `jmfund finalize`');
  });

  it('refuses an unknown state without throwing', () => {
    const r = checkTransition('A1', 'made-up', 'finalize');
    expect(!r.ok && r.error.en).toContain('A1 is made-up');
  });
});

describe('approving document number (Art. 7(5))', () => {
  it.each(['江府办〔2022〕12号', '江府函[2021]3号', '江府（2022）第7号', '江府办【2023】101號', '市委办﹝2022﹞5号'])('accepts %s', (doc) => {
    expect(checkApprovalDocument(doc).ok).toBe(true);
  });
  it.each(['', '   ', '市政府同意', '2022年12号', '江府办〔22〕12号', '江府办〔2022〕'])('refuses %j', (doc) => {
    const r = checkApprovalDocument(doc);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.en).toContain('Art. 7(5)');
  });
});

describe('acceptance (Art. 14, 8)', () => {
  const sme = categoryOf(POLICY, 'sme-cloud');
  const training = categoryOf(POLICY, 'talent-training');
  const other = categoryOf(POLICY, 'other');
  const base = { unitFen: 100, trainingEvents: null, trainees: null, claimed: 'pass' as const };

  it('keeps the filed award when the cap on the actual investment is not lower', () => {
    const o = acceptanceOutcome({ ...base, category: sme, requestedFen: 30_000_000, filedAwardFen: 30_000_000, actualInvestmentFen: 100_000_000 });
    expect(o).toMatchObject({ result: 'pass', reason: 'passed', capFen: 30_000_000, finalAwardFen: 30_000_000 });
  });

  it('lowers the award to the cap recomputed on the invoiced investment, rounded down to the unit', () => {
    // 80 % of 250,000.99 = 200,000.792 → 200,000.00 (rounded down to whole yuan).
    const o = acceptanceOutcome({ ...base, category: sme, requestedFen: 30_000_000, filedAwardFen: 30_000_000, actualInvestmentFen: 25_000_099 });
    expect(o).toMatchObject({ result: 'pass', reason: 'lowered-to-cap', capFen: 20_000_000, finalAwardFen: 20_000_000 });
  });

  it('never raises the award above the filed amount', () => {
    const o = acceptanceOutcome({ ...base, category: sme, requestedFen: 30_000_000, filedAwardFen: 10_000_000, actualInvestmentFen: 900_000_000 });
    expect(o.finalAwardFen).toBe(10_000_000);
  });

  it('fails talent training below 10 events or 500 trainees, and passes at exactly those numbers', () => {
    const t = { ...base, category: training, requestedFen: 80_000_000, filedAwardFen: 80_000_000, actualInvestmentFen: 0 };
    expect(acceptanceOutcome({ ...t, trainingEvents: 9, trainees: 900 })).toMatchObject({ result: 'fail', reason: 'training-short', finalAwardFen: 0 });
    expect(acceptanceOutcome({ ...t, trainingEvents: 12, trainees: 499 })).toMatchObject({ result: 'fail', reason: 'training-short' });
    expect(acceptanceOutcome({ ...t, trainingEvents: 10, trainees: 500 })).toMatchObject({ result: 'pass', finalAwardFen: 80_000_000 });
  });

  it('cancels the award on fail', () => {
    expect(acceptanceOutcome({ ...base, category: sme, claimed: 'fail', requestedFen: 1, filedAwardFen: 100, actualInvestmentFen: 100 })).toMatchObject({ result: 'fail', reason: 'failed', finalAwardFen: 0 });
  });

  it('keeps a manual (other) award at its filed amount', () => {
    expect(acceptanceOutcome({ ...base, category: other, requestedFen: 0, filedAwardFen: 50_000_000, actualInvestmentFen: 0 }).finalAwardFen).toBe(50_000_000);
  });

  it('final award is never above the filed award nor the recomputed cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: 0, max: 2e9 }), (requested, filed, actual) => {
        const o = acceptanceOutcome({ ...base, category: sme, requestedFen: requested, filedAwardFen: filed, actualInvestmentFen: actual });
        expect(o.finalAwardFen).toBeLessThanOrEqual(filed);
        expect(o.finalAwardFen).toBeLessThanOrEqual(o.capFen ?? Infinity);
        expect(o.finalAwardFen === filed || o.finalAwardFen % 100 === 0).toBe(true);
      }),
    );
  });
});

describe('payments, clawbacks and recoveries (Art. 13, 10(4), 16)', () => {
  it('refuses a payment that would take the total above the final award', () => {
    expect(checkDisbursement(24_000_000, 20_000_000, 4_000_000).ok).toBe(true);
    const r = checkDisbursement(24_000_000, 20_000_000, 4_000_001);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.en).toContain('at most 40,000.00 more');
    expect(checkDisbursement(100, 0, 0).ok).toBe(false);
  });

  it('does the clawback arithmetic on entries, never on the award', () => {
    const b = moneyBalance([20_000_000, 4_000_000], [10_000_000], [3_000_000]);
    expect(b).toEqual({ paidFen: 24_000_000, clawedBackFen: 10_000_000, recoveredFen: 3_000_000, outstandingFen: 7_000_000, clawableFen: 14_000_000 });
    expect(checkClawback(b, 14_000_000).ok).toBe(true);
    expect(checkClawback(b, 14_000_001).ok).toBe(false);
    expect(checkRecovery(b, 7_000_000).ok).toBe(true);
    const over = checkRecovery(b, 7_000_001);
    expect(!over.ok && over.error.en).toContain('70,000.00 still due');
    expect(checkClawback(moneyBalance([], [], []), 1).ok).toBe(false);
  });

  it('keeps 0 ≤ recovered ≤ ordered ≤ paid ≤ final award over any accepted sequence (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('pay' as const), fen: fc.integer({ min: -5, max: 3_000_000 }) }),
      fc.record({ kind: fc.constant('claw' as const), fen: fc.integer({ min: -5, max: 3_000_000 }) }),
      fc.record({ kind: fc.constant('recover' as const), fen: fc.integer({ min: -5, max: 3_000_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.array(op, { maxLength: 40 }), (finalAward, ops) => {
        const pays: number[] = [];
        const claws: number[] = [];
        const recs: number[] = [];
        for (const o of ops) {
          const b = moneyBalance(pays, claws, recs);
          if (o.kind === 'pay' && checkDisbursement(finalAward, b.paidFen, o.fen).ok) pays.push(o.fen);
          if (o.kind === 'claw' && checkClawback(b, o.fen).ok) claws.push(o.fen);
          if (o.kind === 'recover' && checkRecovery(b, o.fen).ok) recs.push(o.fen);
          const a = moneyBalance(pays, claws, recs);
          expect(a.recoveredFen).toBeGreaterThanOrEqual(0);
          expect(a.recoveredFen).toBeLessThanOrEqual(a.clawedBackFen);
          expect(a.clawedBackFen).toBeLessThanOrEqual(a.paidFen);
          expect(a.paidFen).toBeLessThanOrEqual(finalAward);
          expect(a.outstandingFen).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('what each step settles', () => {
  const nothingPaid = moneyBalance([], [], []);
  const paid = moneyBalance([60_000, 40_000], [30_000], [10_000]);

  it('a failed acceptance orders back what was paid and not yet ordered back; a pass orders nothing', () => {
    expect(acceptanceSettlement('pass', paid)).toEqual({ to: 'accepted', clawbackFen: 0 });
    expect(acceptanceSettlement('fail', nothingPaid)).toEqual({ to: 'rejected-at-acceptance', clawbackFen: 0 });
    expect(acceptanceSettlement('fail', paid)).toEqual({ to: 'clawback-due', clawbackFen: 70_000 });
  });

  it('a violation orders back what was paid; an award under clawback with nothing more to order keeps its state', () => {
    expect(findingSettlement('ok', 'disbursed', paid)).toEqual({ to: 'disbursed', clawbackFen: 0 });
    expect(findingSettlement('violation', 'filed', nothingPaid)).toEqual({ to: 'clawback-due', clawbackFen: 0 });
    expect(findingSettlement('violation', 'disbursed', paid)).toEqual({ to: 'clawback-due', clawbackFen: 70_000 });
    const all = moneyBalance([100], [100], [100]);
    expect(findingSettlement('violation', 'recovered', all)).toEqual({ to: 'recovered', clawbackFen: 0 });
    expect(findingSettlement('violation', 'recovered', paid)).toEqual({ to: 'clawback-due', clawbackFen: 70_000 });
  });

  it('a recovery of everything due ends in recovered', () => {
    expect(recoverySettlement(paid, 5_000)).toEqual({ dueFen: 15_000, to: 'clawback-due' });
    expect(recoverySettlement(paid, 20_000)).toEqual({ dueFen: 0, to: 'recovered' });
  });

  it('award set: manual categories only, whole units, zero removes the award', () => {
    expect(checkManualCategory('O1', categoryOf(POLICY, 'other')).ok).toBe(true);
    const r = checkManualCategory('A1', categoryOf(POLICY, 'sme-cloud'));
    expect(r.ok ? '' : r.error.en).toContain('competitive allocation (Art. 8)');
    expect(checkAwardUnit(500, POLICY.unitFen)).toEqual({ ok: true, value: 500 });
    expect(checkAwardUnit(550, POLICY.unitFen).ok).toBe(false);
    expect([manualAwardState(100), manualAwardState(0)]).toEqual(['proposed', 'not-funded']);
  });

  it('a pass of talent training needs both counts; a fail and other categories need neither', () => {
    const training = categoryOf(POLICY, 'talent-training');
    expect(checkTrainingCounts(training, 'pass', 10, null).ok).toBe(false);
    expect(checkTrainingCounts(training, 'pass', null, 500).ok).toBe(false);
    expect(checkTrainingCounts(training, 'pass', 0, 0).ok).toBe(true);
    expect(checkTrainingCounts(training, 'fail', null, null).ok).toBe(true);
    expect(checkTrainingCounts(categoryOf(POLICY, 'sme-cloud'), 'pass', null, null).ok).toBe(true);
  });
});
