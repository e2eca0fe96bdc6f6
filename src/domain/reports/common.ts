// Pieces every report builder shares: columns, names of categories,
// clusters and districts in both languages, and money sums by stage.
import { capInCategory } from '../caps.js';
import type { Policy } from '../policy.js';
import { type Column, type ColumnType, type MetaField, type CellValue, coded } from './model.js';
import { REASON_LABELS } from '../labels.js';
import { text } from '../text.js';
import type { FactsApp, FactsDossier, FactsLine, RoundFacts } from './facts.js';

export const col = (key: string, zh: string, en: string, type: ColumnType = 'text', decimals?: number): Column =>
  decimals === undefined ? { key, header: text(zh, en), type } : { key, header: text(zh, en), type, decimals };

export const meta = (key: string, zh: string, en: string, value: CellValue, type: ColumnType = 'text'): MetaField => ({ key, label: text(zh, en), value, type });


/** Category keys in policy order, then any others found in the data (sorted). */
export function categoryOrder(policy: Policy, keys: Iterable<string>): string[] {
  const known = policy.categories.map((c) => c.key);
  const extra = [...new Set(keys)].filter((k) => !known.includes(k)).sort();
  return [...known, ...extra];
}

export const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

/**
 * The award as it stands now: the final award once accepted (nothing after a
 * failed acceptance), else its line's award (a withdrawn one awards nothing).
 */
export function standingAward(d: FactsDossier): number {
  const l = d.line;
  if (!l || l.reason === 'withdrawn') return 0;
  const acc = d.acceptance;
  const fen = acc ? (acc.result === 'pass' ? (acc.finalAwardFen ?? 0) : 0) : l.awardFen;
  return fen > 0 ? fen : 0;
}

export function budgetOf(f: RoundFacts, category: string): number | null {
  const b = f.allocation?.budgets ?? f.round.budgets;
  if (category in b) return b[category];
  return f.policy.categories.find((c) => c.key === category)?.defaultBudgetFen ?? null;
}

/** Money of each application at each stage: awarded, filed, final (after acceptance), paid, due, recovered. */
export interface Stages {
  awarded: number;
  filed: number;
  paid: number;
  due: number;
  recovered: number;
}

export const noStages = (): Stages => ({ awarded: 0, filed: 0, paid: 0, due: 0, recovered: 0 });

/** An application's money at each stage; null when it has none (no standing award, no money recorded). */
export function stagesOf(d: FactsDossier): Stages | null {
  const awarded = standingAward(d);
  if (awarded === 0 && !d.moneyRecorded) return null;
  return { awarded, filed: d.filedFen, paid: d.paidFen, due: d.clawbackDueFen, recovered: d.recoveredFen };
}

export function addStages(to: Stages, s: Stages): void {
  to.awarded += s.awarded;
  to.filed += s.filed;
  to.paid += s.paid;
  to.due += s.due;
  to.recovered += s.recovered;
}

/** Adds `fen` to the entry of `key`. */
export function addTo<K>(m: Map<K, number>, key: K, fen: number): void {
  m.set(key, (m.get(key) ?? 0) + fen);
}

/** The cap an application gets under the round's policy (for rows with no allocation line yet). */
export function capFor(f: RoundFacts, a: FactsApp): number | null {
  const cat = f.policy.categories.find((c) => c.key === a.category);
  if (!cat || cat.allocation === 'manual') return null;
  return capInCategory({ category: a.category, requestedAmountFen: a.requestedFen, totalInvestmentFen: a.totalInvestmentFen }, cat, f.policy.unitFen).capFen;
}

export const reasonCell = (l: FactsLine | null): CellValue => coded(REASON_LABELS, l ? l.reason : 'not-yet-allocated');

/** Meta fields every report starts with. */
export function roundMeta(f: RoundFacts, generatedAt: string): MetaField[] {
  return [
    meta('round', '申报批次', 'Round', f.round.id),
    meta('period', '申报期', 'Application period', `${f.round.opensOn} — ${f.round.closesOn}`),
    meta('policy', '政策依据', 'Policy', text(`${f.policy.title.zh}（${f.policy.document}）`, `${f.policy.title.en} (${f.policy.document})`)),
    meta('generated_at', '生成时间', 'Generated at', generatedAt, 'instant'),
  ];
}
