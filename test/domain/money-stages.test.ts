// Money through the stages (SPEC §14): the one function per application, the
// sums per category and round, the identities verify checks, and the limits of
// `award set`. The property test drives random lifecycles through the domain's
// own rules (acceptance, payments, clawbacks, recoveries) in a small model of
// the ledger that tracks every amount independently.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptanceOutcome, checkClawback, checkDisbursement, checkRecovery, moneyBalance } from '../../src/domain/lifecycle.js';
import { checkManualAward, type ManualAwardInput } from '../../src/domain/manual-award.js';
import { MAX_MONEY_FEN, formatYuan } from '../../src/domain/money.js';
import {
  APPLICATION_STAGES,
  MONEY_STAGES,
  MoneyTally,
  applicationMoney,
  categoryBudget,
  currentAward,
  moneyBreaks,
  type ApplicationMoney,
  type IdentityFacts,
  type MoneyFacts,
} from '../../src/domain/money-stages.js';
import { MONEY_STAGE_LABELS } from '../../src/domain/labels.js';
import { categoryOf } from '../../src/domain/policy.js';
import { loadPolicy } from '../../src/io/policies.js';

const POLICY = loadPolicy().policy;

const facts = (f: Partial<MoneyFacts>): MoneyFacts => ({
  state: 'proposed',
  proposedFen: 0,
  filedFen: null,
  acceptance: null,
  paidFen: 0,
  clawbackFen: 0,
  recoveredFen: 0,
  ...f,
});

describe('applicationMoney', () => {
  it('before filing: allocated is the proposal, nothing filed or final', () => {
    const m = applicationMoney(facts({ state: 'in-notice', proposedFen: 500_000_00 }));
    expect(m).toEqual({ allocated: 500_000_00, filed: 0, final: 0, paid: 0, clawback_due: 0, recovered: 0, outstanding: 0, net_paid: 0 });
    expect(currentAward({ filedFen: null }, m)).toBe(500_000_00);
  });

  it('a withdrawn award is allocated nothing and final nothing', () => {
    const m = applicationMoney(facts({ state: 'withdrawn', proposedFen: 300_000_00 }));
    expect(m.allocated).toBe(0);
    expect(m.final).toBe(0);
    expect(currentAward({ filedFen: null }, m)).toBe(0);
  });

  it('once filed: final is the filed amount until acceptance, and award_fen is final', () => {
    const f = facts({ state: 'filed', proposedFen: 800_000_00, filedFen: 800_000_00 });
    const m = applicationMoney(f);
    expect(m.filed).toBe(800_000_00);
    expect(m.final).toBe(800_000_00);
    expect(currentAward(f, m)).toBe(800_000_00);
  });

  it('a pass lowers final to the recorded final award; a fail makes it 0', () => {
    const pass = facts({ state: 'accepted', proposedFen: 800_000_00, filedFen: 800_000_00, acceptance: { result: 'pass', finalAwardFen: 650_000_00 } });
    expect(applicationMoney(pass).final).toBe(650_000_00);
    expect(applicationMoney(pass).allocated).toBe(800_000_00);
    const fail = facts({ state: 'rejected-at-acceptance', proposedFen: 800_000_00, filedFen: 800_000_00, acceptance: { result: 'fail', finalAwardFen: 0 } });
    expect(applicationMoney(fail).final).toBe(0);
    expect(currentAward(fail, applicationMoney(fail))).toBe(0);
  });

  it('a clawback keeps final and paid; it shows as clawback_due, outstanding and net_paid', () => {
    const f = facts({
      state: 'clawback-due',
      proposedFen: 800_000_00,
      filedFen: 800_000_00,
      acceptance: { result: 'pass', finalAwardFen: 650_000_00 },
      paidFen: 650_000_00,
      clawbackFen: 480_000_00,
      recoveredFen: 220_000_00,
    });
    expect(applicationMoney(f)).toEqual({
      allocated: 800_000_00,
      filed: 800_000_00,
      final: 650_000_00,
      paid: 650_000_00,
      clawback_due: 480_000_00,
      recovered: 220_000_00,
      outstanding: 260_000_00,
      net_paid: 430_000_00,
    });
  });

  it('has one label per word, zh as SPEC §14 names them', () => {
    expect(MONEY_STAGES.map((s) => MONEY_STAGE_LABELS[s].zh)).toEqual(['预算', '拟安排', '备案', '核定', '已拨付', '应追缴', '已追回', '待追回', '净拨付']);
    expect(APPLICATION_STAGES).toEqual(MONEY_STAGES.slice(1));
  });
});

describe('categoryBudget', () => {
  it('takes the allocation override, else the round, else the policy default, else none', () => {
    expect(categoryBudget(POLICY, { 'sme-cloud': 5 }, { 'sme-cloud': 7 }, 'sme-cloud')).toBe(7);
    expect(categoryBudget(POLICY, { 'sme-cloud': 5 }, null, 'sme-cloud')).toBe(5);
    expect(categoryBudget(POLICY, {}, null, 'talent-training')).toBe(100_000_000);
    expect(categoryBudget(POLICY, {}, null, 'other')).toBeNull();
    expect(categoryBudget(POLICY, {}, null, 'no-such-category')).toBeNull();
  });
});

describe('moneyBreaks', () => {
  const ok: IdentityFacts = { appId: 'A', filedFen: 100, allocatedAtFilingFen: 100, acceptedFinalFen: 80, paidFen: 80, clawbackFen: 30, recoveredFen: 10 };
  it('finds nothing on a consistent record', () => {
    expect(moneyBreaks(ok)).toEqual([]);
    // A failed acceptance after payment: the whole payment is due back.
    expect(moneyBreaks({ ...ok, acceptedFinalFen: 0, paidFen: 80, clawbackFen: 80, recoveredFen: 0 })).toEqual([]);
  });
  it.each([
    [{ acceptedFinalFen: 101 }, 'final-within-filed'],
    [{ allocatedAtFilingFen: 99 }, 'filed-within-allocated'],
    [{ paidFen: 120, clawbackFen: 30 }, 'paid-within-final'],
    [{ clawbackFen: 90, recoveredFen: 0 }, 'clawback-within-paid'],
    [{ recoveredFen: 31 }, 'recovered-within-clawback'],
  ] as const)('%j breaks %s', (change, identity) => {
    const found = moneyBreaks({ ...ok, ...change });
    expect(found.map((b) => b.identity)).toContain(identity);
    for (const b of found) expect(b.text.en).toContain('A');
  });
});

// ---------------------------------------------------------------- a model round

interface ModelApp {
  id: string;
  category: string;
  requestedFen: number;
  investmentFen: number;
  state: string;
  proposedFen: number;
  noticedFen: number | null;
  filedFen: number | null;
  allocatedAtFilingFen: number | null;
  acceptance: { result: string; finalAwardFen: number } | null;
  /** The model's own account of the final award, kept as the story goes. */
  finalFen: number;
  payments: number[];
  clawbacks: number[];
  recoveries: number[];
}

type StepKind = 'allocate' | 'publicize' | 'uphold' | 'finalize' | 'pass' | 'fail' | 'disburse' | 'clawback' | 'recover';
interface Step {
  kind: StepKind;
  pick: number;
  amount: number;
  investment: number;
}

const CATEGORIES = ['benchmark-enterprise', 'sme-cloud', 'cluster-pilot', 'talent-training', 'other'];
const UNIT = POLICY.unitFen;

function pickOf<T>(xs: T[], n: number): T | undefined {
  return xs.length ? xs[n % xs.length] : undefined;
}

/** Applies one step with the domain's rules; a step that does not apply changes nothing. */
function apply(apps: ModelApp[], s: Step): void {
  const inState = (...states: string[]) => apps.filter((a) => states.includes(a.state));
  switch (s.kind) {
    case 'allocate': {
      // A new version: the awards on notice or later keep what was published; the rest get a new proposal.
      for (const a of apps) {
        if (['proposed', 'not-funded', 'scored'].includes(a.state)) {
          // Any fen (not the policy's unit), so that sums of them are odd and a float sum past 2^53 would round.
          const pct = (s.amount + a.id.length) % 101;
          const award = pct < 10 ? 0 : Math.min(a.requestedFen, Math.floor((a.requestedFen * pct) / 100) + (a.requestedFen % 2));
          a.proposedFen = award;
          a.state = award > 0 ? 'proposed' : 'not-funded';
        } else if (a.state === 'rejected-at-acceptance') a.proposedFen = 0;
        else if (a.noticedFen !== null && a.state !== 'withdrawn') a.proposedFen = a.noticedFen;
      }
      return;
    }
    case 'publicize':
      for (const a of inState('proposed')) {
        a.state = 'in-notice';
        a.noticedFen = a.proposedFen;
      }
      return;
    case 'uphold': {
      const a = pickOf(inState('in-notice'), s.pick);
      if (a) a.state = 'withdrawn';
      return;
    }
    case 'finalize':
      for (const a of inState('in-notice')) {
        a.state = 'filed';
        a.filedFen = a.noticedFen;
        a.allocatedAtFilingFen = a.proposedFen;
        a.finalFen = a.noticedFen ?? 0;
      }
      return;
    case 'pass':
    case 'fail': {
      const a = pickOf(inState('filed'), s.pick);
      if (!a || a.filedFen === null) return;
      const cat = categoryOf(POLICY, a.category);
      const actual = Math.floor((a.investmentFen * (s.investment % 130)) / 100);
      const o = acceptanceOutcome({
        category: cat,
        unitFen: UNIT,
        requestedFen: a.requestedFen,
        filedAwardFen: a.filedFen,
        actualInvestmentFen: actual,
        claimed: s.kind,
        trainingEvents: 10 + (s.investment % 3) - 1,
        trainees: 500,
      });
      a.acceptance = { result: o.result, finalAwardFen: o.finalAwardFen };
      a.finalFen = o.result === 'pass' ? o.finalAwardFen : 0;
      a.state = o.result === 'pass' ? 'accepted' : 'rejected-at-acceptance';
      return;
    }
    case 'disburse': {
      const a = pickOf(inState('accepted', 'disbursed'), s.pick);
      if (!a) return;
      const b = moneyBalance(a.payments, a.clawbacks, a.recoveries);
      const left = a.finalFen - b.paidFen;
      if (left <= 0) return;
      const amount = 1 + (s.amount % left);
      const r = checkDisbursement(a.finalFen, b.paidFen, amount);
      expect(r.ok).toBe(true);
      a.payments.push(amount);
      a.state = 'disbursed';
      return;
    }
    case 'clawback': {
      const a = pickOf(inState('filed', 'accepted', 'disbursed', 'clawback-due', 'recovered'), s.pick);
      if (!a) return;
      const b = moneyBalance(a.payments, a.clawbacks, a.recoveries);
      if (b.clawableFen <= 0) return;
      const amount = 1 + (s.amount % b.clawableFen);
      expect(checkClawback(b, amount).ok).toBe(true);
      a.clawbacks.push(amount);
      a.state = 'clawback-due';
      return;
    }
    case 'recover': {
      const a = pickOf(inState('clawback-due'), s.pick);
      if (!a) return;
      const b = moneyBalance(a.payments, a.clawbacks, a.recoveries);
      if (b.outstandingFen <= 0) return;
      // Half the time all that is due, else a part of it.
      const amount = s.amount % 2 === 0 ? b.outstandingFen : 1 + (s.amount % b.outstandingFen);
      expect(checkRecovery(b, amount).ok).toBe(true);
      a.recoveries.push(amount);
      if (amount === b.outstandingFen) a.state = 'recovered';
      return;
    }
  }
}

const sumOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

const factsOf = (a: ModelApp): MoneyFacts => ({
  state: a.state,
  proposedFen: a.proposedFen,
  filedFen: a.filedFen,
  acceptance: a.acceptance,
  paidFen: sumOf(a.payments),
  clawbackFen: sumOf(a.clawbacks),
  recoveredFen: sumOf(a.recoveries),
});

const appArb = (maxFen: number) =>
  fc.record({
    category: fc.constantFrom(...CATEGORIES),
    requestedFen: fc.integer({ min: 1, max: Math.floor(maxFen / UNIT) }).map((n) => n * UNIT),
    investmentFen: fc.integer({ min: 1, max: maxFen }),
  });

// The later steps weigh more: each needs the earlier ones to have happened to something.
const stepArb = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constantFrom<StepKind>('allocate', 'publicize', 'uphold', 'finalize', 'fail'), weight: 1 },
    { arbitrary: fc.constantFrom<StepKind>('pass', 'disburse', 'clawback', 'recover'), weight: 2 },
  ),
  pick: fc.nat(),
  amount: fc.nat(),
  investment: fc.nat(),
});

const budgetsArb = fc.dictionary(fc.constantFrom(...CATEGORIES), fc.integer({ min: 0, max: MAX_MONEY_FEN }));

function roundOf(specs: { category: string; requestedFen: number; investmentFen: number }[], steps: Step[]): ModelApp[] {
  const apps: ModelApp[] = specs.map((x, i) => ({
    id: `A-${i + 1}`,
    ...x,
    state: 'scored',
    proposedFen: 0,
    noticedFen: null,
    filedFen: null,
    allocatedAtFilingFen: null,
    acceptance: null,
    finalFen: 0,
    payments: [],
    clawbacks: [],
    recoveries: [],
  }));
  // Every story starts with an allocation, so that most steps find something to act on.
  apply(apps, { kind: 'allocate', pick: 0, amount: 77, investment: 0 });
  for (const s of steps) apply(apps, s);
  return apps;
}

function checkRound(apps: ModelApp[], budgets: Record<string, number>): void {
  const budgetOf = (k: string) => categoryBudget(POLICY, budgets, null, k);
  const tally = new MoneyTally(POLICY, budgetOf);
  const expected = new Map<string, Record<string, bigint>>();
  for (const a of apps) {
    const f = factsOf(a);
    const m: ApplicationMoney = applicationMoney(f);
    // Each amount, against the model's own account of it.
    expect(m.allocated).toBe(a.state === 'withdrawn' ? 0 : a.proposedFen);
    expect(m.filed).toBe(a.filedFen ?? 0);
    expect(m.final).toBe(a.state === 'withdrawn' ? 0 : a.finalFen);
    expect(m.paid).toBe(sumOf(a.payments));
    expect(m.clawback_due).toBe(sumOf(a.clawbacks));
    expect(m.recovered).toBe(sumOf(a.recoveries));
    // The identities of SPEC §14.
    expect(m.outstanding).toBe(m.clawback_due - m.recovered);
    expect(m.net_paid).toBe(m.paid - m.recovered);
    expect(m.final).toBeLessThanOrEqual(m.filed);
    if (a.filedFen !== null) expect(m.filed).toBeLessThanOrEqual(a.allocatedAtFilingFen ?? -1);
    expect(m.paid - m.clawback_due).toBeLessThanOrEqual(m.final);
    expect(m.clawback_due).toBeLessThanOrEqual(m.paid);
    expect(m.recovered).toBeLessThanOrEqual(m.clawback_due);
    expect(
      moneyBreaks({
        appId: a.id,
        filedFen: a.filedFen,
        allocatedAtFilingFen: a.allocatedAtFilingFen,
        acceptedFinalFen: a.acceptance?.finalAwardFen ?? null,
        paidFen: m.paid,
        clawbackFen: m.clawback_due,
        recoveredFen: m.recovered,
      }),
    ).toEqual([]);
    expect(currentAward(f, m)).toBe(a.filedFen !== null ? m.final : m.allocated);
    tally.add(a.category, m);
    const e = expected.get(a.category) ?? Object.fromEntries(APPLICATION_STAGES.map((s) => [s, 0n]));
    for (const s of APPLICATION_STAGES) e[s] += BigInt(m[s]);
    expected.set(a.category, e);
  }
  // Σ applications = the category; Σ categories = the round; all exact.
  const round = tally.round();
  for (const s of APPLICATION_STAGES) {
    let all = 0n;
    for (const k of tally.categories()) {
      const c = tally.category(k);
      expect(c[s]).toBe(expected.get(k)?.[s] ?? 0n);
      all += c[s];
    }
    expect(round[s]).toBe(all);
    expect(round[s]).toBe(apps.reduce((t, a) => t + BigInt(applicationMoney(factsOf(a))[s]), 0n));
  }
  const budgetSum = tally.categories().reduce<bigint | null>((t, k) => {
    const b = budgetOf(k);
    return b === null ? t : (t ?? 0n) + BigInt(b);
  }, null);
  expect(round.budget).toBe(budgetSum);
  expect(round.outstanding).toBe(round.clawback_due - round.recovered);
  expect(round.net_paid).toBe(round.paid - round.recovered);
}

describe('money through random lifecycles', () => {
  it('every amount matches the story, the identities hold and the sums add up', () => {
    fc.assert(
      fc.property(fc.array(appArb(5_000_000_00), { minLength: 1, maxLength: 25 }), fc.array(stepArb, { minLength: 30, maxLength: 120 }), budgetsArb, (specs, steps, budgets) => {
        checkRound(roundOf(specs, steps), budgets);
      }),
      { numRuns: 400, seed: 1501 },
    );
  });

  it('stays exact when the sums pass 2^53 fen (amounts up to the money limit)', () => {
    let past = 0;
    // Mostly one category without a budget (as awards set by an officer may be), so that one category's sums pass 2^53.
    const big = fc.record({
      category: fc.constantFrom('other', 'other', 'other', 'sme-cloud'),
      requestedFen: fc.integer({ min: MAX_MONEY_FEN - 1_000_000, max: MAX_MONEY_FEN }),
      investmentFen: fc.integer({ min: MAX_MONEY_FEN / 2, max: MAX_MONEY_FEN }),
    });
    fc.assert(
      fc.property(fc.array(big, { minLength: 200, maxLength: 300 }), fc.array(stepArb, { minLength: 10, maxLength: 40 }), budgetsArb, (specs, steps, budgets) => {
        const apps = roundOf(specs, steps);
        checkRound(apps, budgets);
        const allocated = apps.reduce((t, a) => t + BigInt(applicationMoney(factsOf(a)).allocated), 0n);
        if (allocated > BigInt(Number.MAX_SAFE_INTEGER)) past++;
      }),
      { numRuns: 30, seed: 1502 },
    );
    // The runs did reach sums a double cannot hold.
    expect(past).toBeGreaterThan(15);
  });

  // Seeded: the same 400 stories every run, so whether they reach every state is a fact of the test, not luck.
  it('the stories reach every state and amount the identities speak of', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(appArb(5_000_000_00), { minLength: 1, maxLength: 25 }), fc.array(stepArb, { minLength: 30, maxLength: 120 }), (specs, steps) => {
        for (const a of roundOf(specs, steps)) {
          seen.add(a.state);
          if (a.acceptance?.result === 'pass' && a.acceptance.finalAwardFen < (a.filedFen ?? 0)) seen.add('lowered');
          if (a.recoveries.length && sumOf(a.recoveries) < sumOf(a.clawbacks)) seen.add('partly-recovered');
        }
      }),
      { numRuns: 400, seed: 1503 },
    );
    for (const s of ['proposed', 'not-funded', 'in-notice', 'withdrawn', 'filed', 'accepted', 'disbursed', 'rejected-at-acceptance', 'clawback-due', 'recovered', 'lowered', 'partly-recovered']) {
      expect(seen).toContain(s);
    }
  });

  it('sums 100 awards at the money limit to the fen, where a float sum would not', () => {
    const tally = new MoneyTally(POLICY, () => null);
    const m = applicationMoney(facts({ state: 'proposed', proposedFen: MAX_MONEY_FEN - 1 }));
    for (let i = 0; i < 100; i++) tally.add('other', m);
    const exact = 100n * BigInt(MAX_MONEY_FEN - 1);
    expect(tally.round().allocated).toBe(exact);
    expect(formatYuan(tally.round().allocated)).toBe('99,999,999,999,999.00');
    let float = 0;
    for (let i = 0; i < 100; i++) float += MAX_MONEY_FEN - 1;
    expect(BigInt(float)).not.toBe(exact);
  });
});

// ---------------------------------------------------------------- award set

describe('checkManualAward', () => {
  const base: ManualAwardInput = {
    appId: 'O-1',
    amountFen: 500_000_00,
    requestedFen: 1_165_800_00,
    eligibility: 'eligible',
    category: { key: 'other', zh: '市委、市政府确定的其他事项', en: 'Other matters' },
    budgetFen: 2_000_000_00,
    othersAllocatedFen: 1_000_000_00n,
  };

  it('allows an award within every limit, at each limit exactly, and 0 always', () => {
    expect(checkManualAward(base)).toBeNull();
    expect(checkManualAward({ ...base, amountFen: 1_000_000_00 })).toBeNull();
    expect(checkManualAward({ ...base, budgetFen: null, amountFen: 1_165_800_00 })).toBeNull();
    expect(checkManualAward({ ...base, amountFen: 0, eligibility: 'ineligible' })).toBeNull();
  });

  it('refuses above the requested amount, naming it', () => {
    const r = checkManualAward({ ...base, budgetFen: null, amountFen: 1_165_800_01 });
    expect(r?.limit).toBe('requested');
    expect(r?.text.en).toContain('1,165,800.00');
    expect(r?.text.zh).toContain('申请金额');
  });

  it("refuses above the category's budget left, naming what is left", () => {
    const r = checkManualAward({ ...base, amountFen: 1_000_000_01 });
    expect(r?.limit).toBe('category-budget');
    expect(r?.text.en).toContain('1,000,000.00 yuan');
    expect(r?.text.zh).toContain('预算结余');
    // Budget already spent by others: nothing is left.
    expect(checkManualAward({ ...base, othersAllocatedFen: 3_000_000_00n, amountFen: 100 })?.text.en).toContain('0.00 yuan');
  });

  it.each([['ineligible'], ['needs-review'], [null]])('refuses an application whose eligibility is %s', (eligibility) => {
    const r = checkManualAward({ ...base, eligibility });
    expect(r?.limit).toBe('eligibility');
    expect(r?.text.en).toContain('not eligible');
    expect(r?.text.zh).toContain('第9条');
  });

  it('the limits hold on random inputs, exact on budgets and sums past 2^53', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_MONEY_FEN }),
        fc.integer({ min: 0, max: MAX_MONEY_FEN }),
        fc.option(fc.integer({ min: 0, max: MAX_MONEY_FEN })),
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        (amountFen, requestedFen, budgetFen, othersAllocatedFen) => {
          const r = checkManualAward({ ...base, amountFen, requestedFen, budgetFen, othersAllocatedFen });
          const left = budgetFen === null ? null : BigInt(budgetFen) - othersAllocatedFen;
          const allowed = amountFen === 0 || (amountFen <= requestedFen && (left === null || BigInt(amountFen) <= left));
          expect(r === null).toBe(allowed);
        },
      ),
      { numRuns: 1000, seed: 1504 },
    );
  });
});
