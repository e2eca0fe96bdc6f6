// A round after allocation (jmfund status): applications and money per state,
// objections, notices and how far each has run.
import { noticeProgress, type NoticeProgress } from '../domain/notice-period.js';
import { countBy, roundMoney, type RoundMoney } from '../domain/round-status.js';
import { roundAwards } from '../ledger/awards.repo.js';
import { roundNotices } from '../ledger/notices.repo.js';
import { roundObjections } from '../ledger/objections.repo.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';

export interface RoundStatus extends RoundMoney {
  round: string;
  today: string;
  /** Objections by status. */
  objections: Record<string, number>;
  open_objections: { id: number; application_id: string; received_on: string }[];
  notices: { notice_id: number; from: string; through: string; days: number; applications: number; total_fen: number; phase: NoticeProgress['phase']; days_left: number }[];
}

/** The result is the `--json` shape of `status`. */
export function roundStatus(op: OpContext, input: { roundId: string }): RoundStatus {
  const { db } = op;
  const round = requireRound(db, input.roundId);
  const today = op.today();
  const money = roundMoney(roundAwards(db, round.roundId));
  const objections = roundObjections(db, round.roundId);
  const notices = roundNotices(db, round.roundId).map((n) => {
    const p = noticeProgress({ startsOn: n.starts_on, days: n.days, endsOn: n.ends_on }, today);
    return { notice_id: n.notice_id, from: n.starts_on, through: n.ends_on, days: n.days, applications: n.applications, total_fen: n.total_fen, phase: p.phase, days_left: p.daysLeft };
  });
  return {
    round: round.roundId,
    today,
    states: money.states,
    awarded_fen: money.awarded_fen,
    filed_fen: money.filed_fen,
    paid_fen: money.paid_fen,
    clawed_back_fen: money.clawed_back_fen,
    clawback_due_fen: money.clawback_due_fen,
    recovered_fen: money.recovered_fen,
    objections: countBy(objections, (o) => o.status),
    open_objections: objections.filter((o) => o.status === 'open').map((o) => ({ id: o.objection_id, application_id: o.application_id, received_on: o.received_on })),
    notices,
  };
}
