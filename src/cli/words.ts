// Small renderings the commands share: the words a person reads for each code,
// from the one label table (domain/labels.ts). Under --lang zh every code is
// shown by its Chinese label; in English the code itself, as the SPEC names it.
import {
  ALLOCATION_METHOD_LABELS,
  BINDING_LABELS,
  ELIGIBILITY_STATUS_LABELS,
  labelOf,
  OUTCOME_LABELS,
  REASON_LABELS,
  RULE_LABELS,
  SCORE_METHOD_LABELS,
  SHORTFALL_LABELS,
  STATE_LABELS,
  stateLabel,
} from '../domain/labels.js';
import { formatYuan } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import type { Text } from '../domain/text.js';
import { roundPolicies } from '../ops/rounds.js';
import { type Context, opContext } from './context.js';

/** A state as a person reads it: 已验收 in Chinese, the code in English. */
export const stateText = (ctx: Pick<Context, 'lang'>, s: string): string => (ctx.lang === 'zh' ? stateLabel(s).zh : s);

/** Yuan, or a dash where there is no amount. */
export const yuanOrDash = (fen: number | null | undefined): string => (fen === null || fen === undefined ? '—' : formatYuan(fen));

export interface Words {
  state(code: string): string;
  eligibility(code: string): string;
  rule(code: string): string;
  outcome(code: string): string;
  reason(code: string): string;
  binding(code: string | null | undefined): string;
  method(code: string): string;
  shortfall(code: string): string;
  scoreMethod(code: string): string;
  /** Category and cluster names come from the round's policy (or any round's, when none is given). */
  category(key: string, policy?: Policy): string;
  cluster(key: string | null | undefined, policy?: Policy): string;
  /** Any ledger code (state, outcome, rule, category, cluster) by its name; null when it is none of them. */
  code(c: string): string | null;
}

export function words(ctx: Context): Words {
  const zh = ctx.lang === 'zh';
  const coded =
    <K extends string>(labels: Readonly<Record<K, Text>>) =>
    (code: string): string =>
      zh ? labelOf(labels, code).zh : code;
  // Read on first use: most tables name no category.
  let policies: Policy[] | undefined;
  const known = (): Policy[] => (policies ??= roundPolicies(opContext(ctx)));
  const named = (pick: (p: Policy) => { key: string; zh: string }[]) => (key: string, policy?: Policy): string => {
    if (!zh) return key;
    for (const p of policy ? [policy, ...known()] : known()) {
      const hit = pick(p).find((x) => x.key === key);
      if (hit) return hit.zh;
    }
    return key;
  };
  const category = named((p) => p.categories);
  const cluster = named((p) => p.clusters);
  return {
    state: (s) => stateText(ctx, s),
    eligibility: coded(ELIGIBILITY_STATUS_LABELS),
    rule: coded(RULE_LABELS),
    outcome: coded(OUTCOME_LABELS),
    reason: coded(REASON_LABELS),
    binding: (b) => (b === null || b === undefined || b === '' ? '' : coded(BINDING_LABELS)(b)),
    method: coded(ALLOCATION_METHOD_LABELS),
    shortfall: coded(SHORTFALL_LABELS),
    scoreMethod: coded(SCORE_METHOD_LABELS),
    category,
    cluster: (k, p) => (k === null || k === undefined || k === '' ? '' : cluster(k, p)),
    code: (c) => {
      for (const labels of [STATE_LABELS, OUTCOME_LABELS, RULE_LABELS] as Readonly<Record<string, Text>>[]) if (Object.hasOwn(labels, c)) return labels[c][ctx.lang];
      if (!zh) return null;
      const cat = category(c);
      if (cat !== c) return cat;
      const cl = cluster(c);
      return cl !== c ? cl : null;
    },
  };
}
