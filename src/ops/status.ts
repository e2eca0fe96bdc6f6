// A round after allocation (jmfund status): applications and money per state,
// the money through the stages per category and in all, objections, notices
// and how far each has run.
import { categoryLabel } from '../domain/labels.js';
import { type FenJson, type MoneyJson, MoneyTally, categoryBudget, fenJson, moneyJson } from '../domain/money-stages.js';
import { noticeProgress, type NoticeProgress } from '../domain/notice-period.js';
import { countBy, tallyRound } from '../domain/round-status.js';
import type { Text } from '../domain/text.js';
import { latestBudgets } from '../ledger/allocations.repo.js';
import { eachRoundMoneyFacts } from '../ledger/awards.repo.js';
import { roundNotices } from '../ledger/notices.repo.js';
import { roundObjections } from '../ledger/objections.repo.js';
import { inReadSnapshotSync } from '../ledger/open.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';

export interface RoundStatus {
  round: string;
  today: string;
  /** Per state, in the lifecycle's order: count and Σ award_fen (final once filed, else allocated). */
  states: Record<string, { count: number; amount_fen: FenJson }>;
  /** The round's money through the stages: the sum of its categories. */
  money: MoneyJson;
  /** Per category (the policy's order; its name in both languages): those with applications or a budget. */
  categories: { category: string; name: Text; money: MoneyJson }[];
  /** Objections by status. */
  objections: Record<string, number>;
  open_objections: { id: number; application_id: string; received_on: string }[];
  notices: { notice_id: number; from: string; through: string; days: number; applications: number; total_fen: FenJson; phase: NoticeProgress['phase']; days_left: number }[];
}

/** The result is the `--json` shape of `status`: every part read from one state of the ledger. */
export function roundStatus(op: OpContext, input: { roundId: string }): RoundStatus {
  return inReadSnapshotSync(op.db, () => readStatus(op, input));
}

function readStatus(op: OpContext, input: { roundId: string }): RoundStatus {
  const { db } = op;
  const round = requireRound(db, input.roundId);
  const today = op.today();
  // Budgets as every report takes them: the latest allocation's, else the round's, else the policy's.
  const allocationBudgets = latestBudgets(db, round.roundId);
  const tally = new MoneyTally(round.policy, (k) => categoryBudget(round.policy, round.budgets, allocationBudgets, k));
  const { states, categories } = tallyRound(eachRoundMoneyFacts(db, round.roundId, {}, { anyOrder: true }), tally);
  const objections = roundObjections(db, round.roundId);
  const notices = roundNotices(db, round.roundId).map((n) => {
    const p = noticeProgress({ startsOn: n.starts_on, days: n.days, endsOn: n.ends_on }, today);
    return { notice_id: n.notice_id, from: n.starts_on, through: n.ends_on, days: n.days, applications: n.applications, total_fen: fenJson(n.total_fen), phase: p.phase, days_left: p.daysLeft };
  });
  return {
    round: round.roundId,
    today,
    states: Object.fromEntries(Object.entries(states).map(([s, v]) => [s, { count: v.count, amount_fen: fenJson(v.amount_fen) }])),
    money: moneyJson(tally.round()),
    categories: tally
      .categories()
      .filter((k) => categories.has(k) || tally.category(k).budget !== null)
      .map((k) => ({ category: k, name: categoryLabel(round.policy, k), money: moneyJson(tally.category(k)) })),
    objections: countBy(objections, (o) => o.status),
    open_objections: objections.filter((o) => o.status === 'open').map((o) => ({ id: o.objection_id, application_id: o.application_id, received_on: o.received_on })),
    notices,
  };
}
