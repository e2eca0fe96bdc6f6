// round create | list | show: application rounds (申报批次) and their budgets.
import { UserError } from '../domain/errors.js';
import { checkPolicyCoversRound, checkRoundPeriod, roundId as parseRoundId } from '../domain/round.js';
import type { Policy } from '../domain/policy.js';
import { text } from '../domain/text.js';
import { inTransaction } from '../ledger/open.js';
import { stateCounts } from '../ledger/applications.repo.js';
import { insertRound, listRounds, roundExists, type Round } from '../ledger/rounds.repo.js';
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
  const { roundBudgets } = await import('../domain/budgets.js');
  const { policy, hash } = loadPolicy(input.policy ?? DEFAULT_POLICY_ID);
  checkPolicyCoversRound(policy, input.opensOn, input.closesOn);
  const budgets = roundBudgets(policy, input.budgets ?? []);
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
