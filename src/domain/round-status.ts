// A round after allocation in sums (jmfund status): applications and money per
// state, and the money through the stages, from each award as it stands.
import { STATE_LABELS } from './labels.js';

export interface AwardMoney {
  state: string;
  /** The award as it stands (currentAwardFen). */
  award_fen: number;
  filed_award_fen: number | null;
  paid_fen: number;
  /** Ordered back and not yet recovered. */
  clawback_due_fen: number;
  recovered_fen: number;
  /** Ordered back in total. */
  clawed_back_fen: number;
}

export interface RoundMoney {
  /** Per state, in the lifecycle's order. */
  states: Record<string, { count: number; amount_fen: number }>;
  awarded_fen: number;
  filed_fen: number;
  paid_fen: number;
  clawed_back_fen: number;
  clawback_due_fen: number;
  recovered_fen: number;
}

const STATE_ORDER = Object.keys(STATE_LABELS);

export function roundMoney(awards: readonly AwardMoney[]): RoundMoney {
  const states: Record<string, { count: number; amount_fen: number }> = {};
  const m = { awarded_fen: 0, filed_fen: 0, paid_fen: 0, clawed_back_fen: 0, clawback_due_fen: 0, recovered_fen: 0 };
  for (const a of awards) {
    const s = (states[a.state] ??= { count: 0, amount_fen: 0 });
    s.count++;
    s.amount_fen += a.award_fen;
    m.awarded_fen += a.award_fen;
    m.filed_fen += a.filed_award_fen ?? 0;
    m.paid_fen += a.paid_fen;
    m.clawback_due_fen += a.clawback_due_fen;
    m.recovered_fen += a.recovered_fen;
    m.clawed_back_fen += a.clawed_back_fen;
  }
  const sorted = Object.fromEntries(Object.entries(states).sort(([a], [b]) => STATE_ORDER.indexOf(a) - STATE_ORDER.indexOf(b)));
  return { states: sorted, ...m };
}

/** How many of each, by a key, in first-seen order. */
export function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}
