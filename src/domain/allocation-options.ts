// How one allocation run ranks and fills (SPEC §8): the method, the shortfall
// rule and the tie-break chain the officer names, else the round's policy.
import { UserError } from './errors.js';
import { ALLOCATION_METHODS, SHORTFALL_RULES, TIE_BREAK_KEYS, type AllocationMethod, type Policy, type ShortfallRule, type TieBreakKey } from './policy.js';
import { text } from './text.js';

export interface AllocationRunOptions {
  method: AllocationMethod;
  shortfall: ShortfallRule;
  tieBreak: TieBreakKey[];
  /** Ties across the funding line stop the run (集体审议) instead of being broken by the chain. */
  refuseTies: boolean;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(text(`--${name} ${value}：可用的值为 ${allowed.join('、')}`, `--${name} ${value}: expected one of ${allowed.join(', ')}`), 2);
}

/** CHAIN (comma-separated policy keys) or `refuse` (the policy's chain; ties across the line stop the run). */
export function parseTieBreak(spec: string | undefined, policy: Policy): { chain: TieBreakKey[]; refuse: boolean } {
  if (spec === undefined) return { chain: [...policy.allocation.tieBreak], refuse: false };
  if (spec.trim() === 'refuse') return { chain: [...policy.allocation.tieBreak], refuse: true };
  const chain: TieBreakKey[] = [];
  for (const k of spec.split(',').map((s) => s.trim())) {
    if (!(TIE_BREAK_KEYS as readonly string[]).includes(k)) {
      throw new UserError(
        text(`--tie-break：未知的排序键「${k}」。可用：${TIE_BREAK_KEYS.join('、')}，或 refuse`, `--tie-break: unknown key "${k}". Known: ${TIE_BREAK_KEYS.join(', ')}, or refuse`),
        2,
      );
    }
    if (chain.includes(k as TieBreakKey)) throw new UserError(text(`--tie-break：「${k}」重复`, `--tie-break: "${k}" given twice`), 2);
    chain.push(k as TieBreakKey);
  }
  return { chain, refuse: false };
}

export function allocationRunOptions(policy: Policy, given: { method?: string; shortfall?: string; tieBreak?: string }): AllocationRunOptions {
  const method = oneOf('method', given.method, ALLOCATION_METHODS, policy.allocation.method);
  const shortfall = oneOf('shortfall', given.shortfall, SHORTFALL_RULES, policy.allocation.shortfall);
  const { chain, refuse } = parseTieBreak(given.tieBreak, policy);
  return { method, shortfall, tieBreak: chain, refuseTies: refuse };
}
