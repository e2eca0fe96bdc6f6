// round create | list | show: application rounds (申报批次) and their budgets.
import { UserError } from '../domain/errors.js';
import { checkPolicyCoversRound, checkRoundPeriod, roundId as parseRoundId } from '../domain/round.js';
import type { Policy } from '../domain/policy.js';
import type { BudgetDoubt } from '../domain/budgets.js';
import { text } from '../domain/text.js';
import { inTransaction } from '../ledger/open.js';
import { stateCounts } from '../ledger/applications.repo.js';
import { insertRound, listRounds, roundExists, setRoundBudgets, type Round } from '../ledger/rounds.repo.js';
import { RefusedError } from '../domain/errors.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';

export interface CreateRoundInput {
  roundId: string;
  opensOn: string;
  closesOn: string;
  /** CATEGORY=AMOUNT; a category with a yearly amount in the policy gets it when not given. */
  budgets?: readonly string[];
  /** A bundled policy ID or a JSON file (default: the bundled default policy). */
  policy?: string;
  /** Told of budgets that look wrong before anything is written; it may throw to stop (the CLI asks on a terminal). */
  onDoubts?: (doubts: BudgetDoubt[]) => Promise<void> | void;
}

/** The round as its event records it (and as --json shows it). */
export function roundDetails(r: Round) {
  return {
    round: r.roundId,
    opens_on: r.opensOn,
    closes_on: r.closesOn,
    policy: r.policyId,
    policy_hash: r.policyHash,
    budgets_fen: r.budgets,
    created_at: r.createdAt,
    created_by: r.createdBy,
  };
}

/** Creates a round under a policy in force for its whole period, with one event. */
export async function createRound(op: OpContext, input: CreateRoundInput): Promise<Round> {
  const roundId = parseRoundId(input.roundId);
  checkRoundPeriod(input.opensOn, input.closesOn);
  // The policy schema (zod), the event log (node:crypto) and the budget parser load
  // only here: `round list` starts without them (test/cli/startup.test.ts).
  const { loadPolicy, DEFAULT_POLICY_ID } = await import('../io/policies.js');
  const { appendEvent } = await import('../ledger/events.js');
  const { roundBudgets, doubtfulBudgets } = await import('../domain/budgets.js');
  const { policy, hash } = loadPolicy(input.policy ?? DEFAULT_POLICY_ID);
  checkPolicyCoversRound(policy, input.opensOn, input.closesOn);
  const budgets = roundBudgets(policy, input.budgets ?? []);
  const doubts = doubtfulBudgets(policy, input.budgets ?? []);
  if (doubts.length > 0) await input.onDoubts?.(doubts);
  const db = op.db;
  const r: Round = { roundId, opensOn: input.opensOn, closesOn: input.closesOn, policyId: policy.id, policyHash: hash, policy, createdAt: op.now(), createdBy: op.officer, budgets };
  inTransaction(db, () => {
    if (roundExists(db, roundId)) throw new UserError(text(`批次 ${roundId} 已存在。`, `round ${roundId} already exists.`), 2);
    insertRound(db, r);
    appendEvent(db, { at: r.createdAt, officer: op.officer, command: 'round create', roundId, details: roundDetails(r) });
  });
  return r;
}

export function rounds(op: OpContext): Round[] {
  return listRounds(op.db);
}

export function showRound(op: OpContext, input: { roundId: string }): { round: Round; applications: Record<string, number> } {
  const round = requireRound(op.db, input.roundId);
  return { round, applications: Object.fromEntries(stateCounts(op.db, round.roundId).map((r) => [r.state, r.n])) };
}

/** The policy of every round in the ledger: the words for their categories and clusters. */
export function roundPolicies(op: OpContext): Policy[] {
  return listRounds(op.db).map((r) => r.policy);
}

export interface SetBudgetsInput {
  roundId: string;
  /** CATEGORY=AMOUNT, one or more. */
  budgets: readonly string[];
}

export interface SetBudgetsResult {
  round: Round;
  /** Budgets given that look wrong (below 10,000 yuan or one project's award). */
  doubts: BudgetDoubt[];
  /** Per category given: the budget before (null: none) and after, in fen. */
  changes: { category: string; beforeFen: number | null; afterFen: number }[];
}

/**
 * Corrects category budgets of a round until its first public notice (after
 * it the notice's awards rest on them; refused, exit 3), with one event that
 * keeps the budgets before and after. The allocation must then be made again.
 */
export async function setBudgets(op: OpContext, input: SetBudgetsInput): Promise<SetBudgetsResult> {
  if (input.budgets.length === 0) {
    throw new UserError(text('请给出至少一个 类别=金额，例如 sme-cloud=300万。', 'give at least one CATEGORY=AMOUNT, e.g. sme-cloud=300万.'), 2);
  }
  const { appendEvent } = await import('../ledger/events.js');
  const { parseBudgets, doubtfulBudgets } = await import('../domain/budgets.js');
  const { roundNotices } = await import('../ledger/notices.repo.js');
  const db = op.db;
  return inTransaction(db, () => {
    const round = requireRound(db, input.roundId);
    const budgets = parseBudgets(round.policy, input.budgets);
    const notices = roundNotices(db, round.roundId);
    if (notices.length > 0) {
      const first = notices.reduce((a, b) => (a.notice_id < b.notice_id ? a : b));
      throw new RefusedError(
        text(
          `批次 ${round.roundId} 已于 ${first.starts_on} 起公示（公示 #${first.notice_id}），预算不能再更改；公示的金额以原预算为依据。`,
          `round ${round.roundId} has been on public notice since ${first.starts_on} (notice #${first.notice_id}); its budgets can no longer change, the awards on notice rest on them.`,
        ),
        text('公示后资金的变化只能通过异议程序和重新分配（`jmfund allocate`）体现。', 'after the notice, money moves only through objections and a new allocation (`jmfund allocate`).'),
      );
    }
    const changes = Object.entries(budgets).map(([category, afterFen]) => ({ category, beforeFen: round.budgets[category] ?? null, afterFen }));
    setRoundBudgets(db, round.roundId, budgets);
    const after = { ...round.budgets, ...budgets };
    appendEvent(db, {
      at: op.now(),
      officer: op.officer,
      command: 'round budget',
      roundId: round.roundId,
      details: { changes: changes.map((c) => ({ category: c.category, before_fen: c.beforeFen, after_fen: c.afterFen })), budgets_fen: after },
    });
    return { round: { ...round, budgets: after }, changes, doubts: doubtfulBudgets(round.policy, input.budgets) };
  });
}
