// A plan as `allocate` shows it, below its head: the lines per category read
// through the plan's columns, the summary, and the exact scores of tied rows.
// Made by the same code in the command and in the worker thread that renders a
// large plan's tables (cli/allocation-render.ts), which is sent ViewPlan only.
import { planGroups, planLineOf, summarize, type ViewPlan } from '../domain/allocation-summary.js';
import type { Policy } from '../domain/policy.js';
import { rational, scoreExact, scoringRules } from '../domain/scoring.js';
import type { AllocationView } from './allocate.js';

/** What the category tables of a view read. */
export type ViewBody<L> = Pick<AllocationView<L>, 'groups' | 'of' | 'summary' | 'threshold' | 'exactText'>;

export function planBody(policy: Policy, p: ViewPlan): ViewBody<number> {
  const groups = planGroups(policy, p);
  const of = planLineOf(p);
  return { groups, of, summary: summarize(policy, p.budgets, groups, of), threshold: scoringRules(policy).threshold, exactText: planExactText(p) };
}

/** Distinct exact scores whose text a plan's view keeps (a bound on memory at 10^6 lines). */
const EXACT_TEXTS_KEPT = 100_000;

/** The exact aggregate of a plan's line i: the one the plan ranked with, read in the same transaction. */
function planExactText(p: ViewPlan) {
  const { apps } = p;
  // One BigInt computation per distinct num/den (at 10^5 lines most rounded scores are tied),
  // found under the rounded score: few exact values share one.
  const memo = new Map<string, { num: number; den: number; text: string }[]>();
  let kept = 0;
  return (i: number, shown: string | null): string | null => {
    if (shown === null || shown !== apps.scoreDisplay[i]) return null;
    const big = apps.exact.get(i);
    if (big) return scoreExact(rational(BigInt(big.num), BigInt(big.den)));
    const num = apps.num[i];
    const den = apps.den[i];
    if (Number.isNaN(num) || Number.isNaN(den)) return null;
    let known = memo.get(shown);
    if (known) for (const e of known) if (e.num === num && e.den === den) return e.text;
    const text = scoreExact(rational(BigInt(num), BigInt(den)));
    if (kept < EXACT_TEXTS_KEPT) {
      if (!known) memo.set(shown, (known = []));
      known.push({ num, den, text });
      kept++;
    }
    return text;
  };
}

