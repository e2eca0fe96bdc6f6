// Money through the stages (SPEC §14; Art. 8, 10, 13, 14, 16): one definition
// of each amount, computed for one application from the ledger's facts and
// summed per category and per round. status, every report and `applications
// show` take their amounts from here, so that one amount has one name and one
// value everywhere. An application's amounts are safe integers (each input is
// at most MAX_MONEY_FEN); sums are bigint, exact at any size.
import { formatYuan } from './money.js';
import type { Policy } from './policy.js';
import { type Text, text } from './text.js';

/** The words, in the order every output lists them. */
export const MONEY_STAGES = ['budget', 'allocated', 'filed', 'final', 'paid', 'clawback_due', 'recovered', 'outstanding', 'net_paid'] as const;
export type MoneyStage = (typeof MONEY_STAGES)[number];

/** The stages an application has; a budget belongs to a category. */
export type ApplicationStage = Exclude<MoneyStage, 'budget'>;
export const APPLICATION_STAGES: readonly ApplicationStage[] = MONEY_STAGES.filter((s): s is ApplicationStage => s !== 'budget');

/** What the ledger records about one application's money. */
export interface MoneyFacts {
  /** The application's state: a withdrawn award (objection upheld) counts nowhere. */
  state: string;
  /** Its award in the latest allocation version, or its newest manual award (`award set`); 0 when it has none. */
  proposedFen: number;
  /** The amount filed at `finalize` (备案), null while not filed. */
  filedFen: number | null;
  /** Its acceptance (验收), null before it. */
  acceptance: { result: string; finalAwardFen: number } | null;
  /** Σ payments. */
  paidFen: number;
  /** Σ clawbacks ordered. */
  clawbackFen: number;
  /** Σ money returned on them. */
  recoveredFen: number;
}

/** One application's money at each stage, in fen. */
export type ApplicationMoney = Record<ApplicationStage, number>;

/**
 * The amounts of one application (SPEC §14): allocated — the proposal, nothing
 * once withdrawn; filed — what `finalize` filed; final — the filed amount
 * until acceptance, the final award fixed at a pass (lowered to the cap on the
 * actual investment), nothing at a fail or a withdrawal; paid, clawback_due
 * (ordered, in total) and recovered as recorded; outstanding = clawback_due −
 * recovered; net_paid = paid − recovered.
 */
export function applicationMoney(f: MoneyFacts): ApplicationMoney {
  const withdrawn = f.state === 'withdrawn';
  const filed = f.filedFen ?? 0;
  let final = 0;
  if (f.filedFen !== null && !withdrawn) {
    if (f.acceptance !== null) final = f.acceptance.result === 'pass' ? f.acceptance.finalAwardFen : 0;
    else if (f.state !== 'rejected-at-acceptance') final = filed;
  }
  return {
    allocated: withdrawn ? 0 : f.proposedFen,
    filed,
    final,
    paid: f.paidFen,
    clawback_due: f.clawbackFen,
    recovered: f.recoveredFen,
    outstanding: f.clawbackFen - f.recoveredFen,
    net_paid: f.paidFen - f.recoveredFen,
  };
}

/** The award of one application as it stands (`award_fen`): final once filed, else allocated. */
export function currentAward(f: Pick<MoneyFacts, 'filedFen'>, m: ApplicationMoney): number {
  return f.filedFen !== null ? m.final : m.allocated;
}

/** Sums at each stage; budget is null where no category summed has a budget (a cluster, a district). */
export type MoneyTotals = Record<ApplicationStage, bigint> & { budget: bigint | null };

export function noMoney(budget: bigint | null = null): MoneyTotals {
  return { budget, allocated: 0n, filed: 0n, final: 0n, paid: 0n, clawback_due: 0n, recovered: 0n, outstanding: 0n, net_paid: 0n };
}

/** Adds one application's amounts. */
export function addMoney(to: MoneyTotals, m: ApplicationMoney): void {
  for (const s of APPLICATION_STAGES) to[s] += BigInt(m[s]);
}

/** Adds totals (budgets too: null + null stays null). */
export function addTotals(to: MoneyTotals, t: MoneyTotals): void {
  for (const s of APPLICATION_STAGES) to[s] += t[s];
  if (t.budget !== null) to.budget = (to.budget ?? 0n) + t.budget;
}

/** A sum in fen as JSON: a number while it is a safe integer, else the exact bigint (written as the integer it is). */
export type FenJson = number | bigint;
export const fenJson = (b: bigint): FenJson => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);

/**
 * The `money` object of status and `applications show --json`: every word as
 * `WORD_fen`, in the order of MONEY_STAGES. `budget_fen` is null where there is
 * no budget (an application, a category without one).
 */
export type MoneyJson = { budget_fen: FenJson | null } & { [S in ApplicationStage as `${S}_fen`]: FenJson };

export function moneyJson(t: MoneyTotals): MoneyJson {
  const out: Record<string, FenJson | null> = { budget_fen: t.budget === null ? null : fenJson(t.budget) };
  for (const s of APPLICATION_STAGES) out[`${s}_fen`] = fenJson(t[s]);
  return out as MoneyJson;
}

/** One application's amounts as the `money` object (no budget of its own). */
export function applicationMoneyJson(m: ApplicationMoney): MoneyJson {
  const t = noMoney();
  addMoney(t, m);
  return moneyJson(t);
}

/**
 * A category's budget (预算): the latest allocation's (which may override it
 * with `--budget`), else the round's, else the policy's default; null when it
 * has none.
 */
export function categoryBudget(policy: Policy, roundBudgets: Readonly<Record<string, number>>, allocationBudgets: Readonly<Record<string, number>> | null, key: string): number | null {
  const b = allocationBudgets ?? roundBudgets;
  if (Object.hasOwn(b, key)) return b[key];
  return policy.categories.find((c) => c.key === key)?.defaultBudgetFen ?? null;
}

/**
 * The round's money summed per category and in all: the round is the sum of
 * its categories, each the sum of its applications. Categories are those of
 * the policy (in its order) and any others an application is in.
 */
export class MoneyTally {
  private readonly cats = new Map<string, MoneyTotals>();
  constructor(
    private readonly policy: Policy,
    private readonly budgetOf: (category: string) => number | null,
  ) {
    for (const c of policy.categories) this.cats.set(c.key, noMoney(this.budget(c.key)));
  }

  private budget(k: string): bigint | null {
    const b = this.budgetOf(k);
    return b === null ? null : BigInt(b);
  }

  add(category: string, m: ApplicationMoney): void {
    let t = this.cats.get(category);
    if (!t) this.cats.set(category, (t = noMoney(this.budget(category))));
    addMoney(t, m);
  }

  /** Category keys: the policy's in its order, then the others found (sorted). */
  categories(): string[] {
    const known = this.policy.categories.map((c) => c.key);
    const extra = [...this.cats.keys()].filter((k) => !known.includes(k)).sort();
    return [...known, ...extra];
  }

  category(k: string): MoneyTotals {
    return this.cats.get(k) ?? noMoney(this.budget(k));
  }

  /** The round: Σ of every category (a budget where any category has one). */
  round(): MoneyTotals {
    const t = noMoney();
    for (const k of this.categories()) addTotals(t, this.category(k));
    return t;
  }
}

// ---------------------------------------------------------------- identities

export type MoneyIdentity = 'final-within-filed' | 'filed-within-allocated' | 'paid-within-final' | 'clawback-within-paid' | 'recovered-within-clawback';

export interface MoneyBreak {
  identity: MoneyIdentity;
  text: Text;
}

/** What verify knows of one application: its facts and the award it had in the allocation current when it was filed. */
export interface IdentityFacts {
  appId: string;
  filedFen: number | null;
  /** Its award in the allocation (or its manual award) in force when it was filed; null when unknown. */
  allocatedAtFilingFen: number | null;
  /** The final award recorded at acceptance (0 at a fail), null before acceptance. */
  acceptedFinalFen: number | null;
  paidFen: number;
  clawbackFen: number;
  recoveredFen: number;
}

const y = formatYuan;

/**
 * The identities stored money must keep (SPEC §14): final ≤ filed ≤
 * allocated-at-filing; paid ≤ final, except that what a fail or a clawback
 * took back shows as clawback_due (paid − clawback_due ≤ final);
 * clawback_due ≤ paid; recovered ≤ clawback_due.
 */
export function moneyBreaks(f: IdentityFacts): MoneyBreak[] {
  const out: MoneyBreak[] = [];
  const id = f.appId;
  const filed = f.filedFen ?? 0;
  const final = f.acceptedFinalFen ?? filed;
  if (f.acceptedFinalFen !== null && f.acceptedFinalFen > filed) {
    out.push({
      identity: 'final-within-filed',
      text: text(`${id} 的核定金额 ${y(f.acceptedFinalFen)} 元超过备案金额 ${y(filed)} 元`, `${id}: final ${y(f.acceptedFinalFen)} yuan exceeds filed ${y(filed)} yuan`),
    });
  }
  if (f.filedFen !== null && f.allocatedAtFilingFen !== null && f.filedFen > f.allocatedAtFilingFen) {
    out.push({
      identity: 'filed-within-allocated',
      text: text(
        `${id} 的备案金额 ${y(f.filedFen)} 元超过备案时的拟安排金额 ${y(f.allocatedAtFilingFen)} 元`,
        `${id}: filed ${y(f.filedFen)} yuan exceeds the ${y(f.allocatedAtFilingFen)} yuan allocated when it was filed`,
      ),
    });
  }
  if (f.paidFen - f.clawbackFen > final) {
    out.push({
      identity: 'paid-within-final',
      text: text(
        `${id} 已拨付 ${y(f.paidFen)} 元，超过核定金额 ${y(final)} 元与应追缴 ${y(f.clawbackFen)} 元之和`,
        `${id}: paid ${y(f.paidFen)} yuan is more than final ${y(final)} yuan plus clawback due ${y(f.clawbackFen)} yuan`,
      ),
    });
  }
  if (f.clawbackFen > f.paidFen) {
    out.push({
      identity: 'clawback-within-paid',
      text: text(`${id} 应追缴 ${y(f.clawbackFen)} 元，超过已拨付 ${y(f.paidFen)} 元`, `${id}: clawback due ${y(f.clawbackFen)} yuan exceeds paid ${y(f.paidFen)} yuan`),
    });
  }
  if (f.recoveredFen > f.clawbackFen) {
    out.push({
      identity: 'recovered-within-clawback',
      text: text(`${id} 已追回 ${y(f.recoveredFen)} 元，超过应追缴 ${y(f.clawbackFen)} 元`, `${id}: recovered ${y(f.recoveredFen)} yuan exceeds clawback due ${y(f.clawbackFen)} yuan`),
    });
  }
  return out;
}
