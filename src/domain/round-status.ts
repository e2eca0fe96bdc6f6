// A round after allocation in sums (jmfund status): applications and money per
// state, and the money through the stages (domain/money-stages) per category
// and in all — the same amounts, under the same words, as every report.
import { STATE_LABELS } from './labels.js';
import { type MoneyFacts, type MoneyTally, applicationMoney, currentAward } from './money-stages.js';

/** One application's money facts and where it is summed. */
export interface StatusApp {
  category: string;
  facts: MoneyFacts;
}

/** Per state: how many applications and Σ their award as it stands (`award_fen`: final once filed, else allocated). */
export type StateSums = Record<string, { count: number; amount_fen: bigint }>;

const STATE_ORDER = Object.keys(STATE_LABELS);

/**
 * Adds every application's amounts to `tally` (per category, so the round is
 * the sum of its categories) and returns the sums per state, in the
 * lifecycle's order, and the categories that have applications.
 */
export function tallyRound(apps: Iterable<StatusApp>, tally: MoneyTally): { states: StateSums; categories: Set<string> } {
  const states: StateSums = {};
  const categories = new Set<string>();
  for (const a of apps) {
    const m = applicationMoney(a.facts);
    tally.add(a.category, m);
    categories.add(a.category);
    const s = (states[a.facts.state] ??= { count: 0, amount_fen: 0n });
    s.count++;
    s.amount_fen += BigInt(currentAward(a.facts, m));
  }
  const rank = (s: string) => (STATE_ORDER.includes(s) ? STATE_ORDER.indexOf(s) : STATE_ORDER.length);
  const sorted = Object.fromEntries(Object.entries(states).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
  return { states: sorted, categories };
}

/** How many of each, by a key, in first-seen order. */
export function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}
