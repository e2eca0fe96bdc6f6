// Pieces every report builder shares: columns, names of categories,
// clusters and districts in both languages, and money sums by stage.
import { capInCategory } from '../caps.js';
import type { Policy } from '../policy.js';
import { type Column, type ColumnType, type MetaField, type CellValue, REASON_LABELS, coded } from '../report.js';
import { text, type Text } from '../text.js';
import type { FactsApp, FactsLine, RoundFacts } from './facts.js';

export const col = (key: string, zh: string, en: string, type: ColumnType = 'text', decimals?: number): Column =>
  decimals === undefined ? { key, header: text(zh, en), type } : { key, header: text(zh, en), type, decimals };

export const meta = (key: string, zh: string, en: string, value: CellValue, type: ColumnType = 'text'): MetaField => ({ key, label: text(zh, en), value, type });

export function categoryName(policy: Policy, key: string): Text {
  const c = policy.categories.find((x) => x.key === key);
  return c ? text(c.zh, c.en) : text(key, key);
}

export function clusterName(policy: Policy, key: string | null): Text | null {
  if (key === null || key === '') return null;
  const c = policy.clusters.find((x) => x.key === key);
  return c ? text(c.zh, c.en) : text(key, key);
}

export function districtName(policy: Policy, zh: string): Text {
  const d = policy.region.districts.find((x) => x.zh === zh);
  return d ? text(d.zh, d.en) : text(zh, zh);
}

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
 * Awards as they stand now: the final award once accepted (nothing after a
 * failed acceptance), else the latest allocation (a withdrawn one awards nothing).
 */
export function standingAwards(f: RoundFacts): Map<string, number> {
  const accepted = new Map(f.acceptances.map((a) => [a.appId, a]));
  const m = new Map<string, number>();
  for (const l of f.lines) {
    if (l.reason === 'withdrawn') continue;
    const acc = accepted.get(l.appId);
    const fen = acc ? (acc.result === 'pass' ? (acc.finalAwardFen ?? 0) : 0) : l.awardFen;
    if (fen > 0) m.set(l.appId, fen);
  }
  return m;
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

export function stagesByApp(f: RoundFacts): Map<string, Stages> {
  const m = new Map<string, Stages>();
  const get = (id: string): Stages => {
    let s = m.get(id);
    if (!s) m.set(id, (s = { awarded: 0, filed: 0, paid: 0, due: 0, recovered: 0 }));
    return s;
  };
  for (const [id, fen] of standingAwards(f)) get(id).awarded += fen;
  for (const x of f.filings) get(x.appId).filed += x.filedFen;
  for (const x of f.payments) get(x.appId).paid += x.amountFen;
  for (const x of f.clawbacks) get(x.appId).due += x.amountFen;
  for (const x of f.recoveries) get(x.appId).recovered += x.amountFen;
  return m;
}

/** The cap an application gets under the round's policy (for rows with no allocation line yet). */
export function capFor(f: RoundFacts, a: FactsApp): number | null {
  const cat = f.policy.categories.find((c) => c.key === a.category);
  if (!cat || cat.allocation === 'manual') return null;
  return capInCategory({ category: a.category, requestedAmountFen: a.requestedFen, totalInvestmentFen: a.totalInvestmentFen }, cat, f.policy.unitFen).capFen;
}

export const reasonCell = (l: FactsLine | undefined): CellValue => coded(REASON_LABELS, l ? l.reason : 'not-yet-allocated');

export const byId = <T extends { id: string }>(xs: readonly T[]): Map<string, T> => new Map(xs.map((x) => [x.id, x]));

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Meta fields every report starts with. */
export function roundMeta(f: RoundFacts, generatedAt: string): MetaField[] {
  return [
    meta('round', '申报批次', 'Round', f.round.id),
    meta('period', '申报期', 'Application period', `${f.round.opensOn} — ${f.round.closesOn}`),
    meta('policy', '政策依据', 'Policy', text(`${f.policy.title.zh}（${f.policy.document}）`, `${f.policy.title.en} (${f.policy.document})`)),
    meta('generated_at', '生成时间', 'Generated at', generatedAt, 'instant'),
  ];
}
