// Pieces every report builder shares: columns, names of categories,
// clusters and districts in both languages, and the money of each
// application through the stages (domain/money-stages).
import { capInCategory } from '../caps.js';
import { policyIdWithHash, type Policy } from '../policy.js';
import { type Coded, type Column, type ColumnType, type MetaField, type CellValue, coded } from './model.js';
import { MONEY_STAGE_LABELS, REASON_LABELS, categoryLabel } from '../labels.js';
import {
  type ApplicationMoney,
  type MoneyStage,
  type MoneyTotals,
  MoneyTally,
  addMoney,
  applicationMoney,
  categoryBudget,
  currentAward,
  noMoney,
} from '../money-stages.js';
import { text } from '../text.js';
import type { FactsApp, FactsLine, FactsStanding, LedgerHead, RoundFacts } from './facts.js';

export const col = (key: string, zh: string, en: string, type: ColumnType = 'text', decimals?: number): Column =>
  decimals === undefined ? { key, header: text(zh, en), type } : { key, header: text(zh, en), type, decimals };

export const meta = (key: string, zh: string, en: string, value: CellValue, type: ColumnType = 'text'): MetaField => ({ key, label: text(zh, en), value, type });


/** A category as a cell: its key, with its name beside it (JSON gives both; the other formats the name). */
export const categoryCell = (policy: Policy, key: string): Coded => ({ code: key, label: categoryLabel(policy, key) });

/** Category keys in policy order, then any others found in the data (sorted). */
export function categoryOrder(policy: Policy, keys: Iterable<string>): string[] {
  const known = policy.categories.map((c) => c.key);
  const extra = [...new Set(keys)].filter((k) => !known.includes(k)).sort();
  return [...known, ...extra];
}

/** An application's money at each stage (domain/money-stages): the one definition every report uses. */
export const moneyOf = (d: Pick<FactsStanding, 'money'>): ApplicationMoney => applicationMoney(d.money);

/** Its award as it stands (`award_fen`): final once filed, else allocated. */
export const awardOf = (d: Pick<FactsStanding, 'money'>): number => currentAward(d.money, moneyOf(d));

/** Whether the round has been filed (备案): from then on an award is its `final` amount. */
export const roundFiled = (f: RoundFacts): boolean => f.filingRecords.length > 0;

/** The amount charts and per-project figures draw: allocated before the round is filed, final after. */
export type AwardBasis = 'allocated' | 'final';
export const awardBasis = (f: RoundFacts): AwardBasis => (roundFiled(f) ? 'final' : 'allocated');

export function budgetOf(f: RoundFacts, category: string): number | null {
  return categoryBudget(f.policy, f.round.budgets, f.allocation?.budgets ?? null, category);
}

/** A tally of the round's money per category, with their budgets. */
export const moneyTally = (f: RoundFacts): MoneyTally => new MoneyTally(f.policy, (k) => budgetOf(f, k));

/** The column of one money word: its key is the word, its header the word's label. */
export function moneyCol(stage: MoneyStage): Column {
  const l = MONEY_STAGE_LABELS[stage];
  return col(stage, `${l.zh}（元）`, `${l.en[0].toUpperCase()}${l.en.slice(1)} (yuan)`, 'money');
}

/** Sums the money of a key (cluster, district …). */
export function addMoneyTo<K>(m: Map<K, MoneyTotals>, key: K, money: ApplicationMoney): void {
  let t = m.get(key);
  if (!t) m.set(key, (t = noMoney()));
  addMoney(t, money);
}

/** Adds `fen` to the entry of `key`, exactly. */
export function addTo<K>(m: Map<K, bigint>, key: K, fen: number): void {
  m.set(key, (m.get(key) ?? 0n) + BigInt(fen));
}

/** The cap an application gets under the round's policy (for rows with no allocation line yet). */
export function capFor(f: RoundFacts, a: Pick<FactsApp, 'category' | 'requestedFen' | 'totalInvestmentFen'>): number | null {
  const cat = f.policy.categories.find((c) => c.key === a.category);
  if (!cat || cat.allocation === 'manual') return null;
  return capInCategory({ category: a.category, requestedAmountFen: a.requestedFen, totalInvestmentFen: a.totalInvestmentFen }, cat, f.policy.unitFen).capFen;
}

export const reasonCell = (l: Pick<FactsLine, 'reason'> | null): CellValue => coded(REASON_LABELS, l ? l.reason : 'not-yet-allocated');

/** Meta fields every report starts with. */
export function roundMeta(f: RoundFacts, generatedAt: string): MetaField[] {
  return [
    meta('round', '申报批次', 'Round', f.round.id),
    meta('period', '申报期', 'Application period', `${f.round.opensOn} — ${f.round.closesOn}`),
    meta('policy', '政策依据', 'Policy', text(`${f.policy.title.zh}（${f.policy.document}）`, `${f.policy.title.en} (${f.policy.document})`)),
    ...provenance(f.round.policyId, f.round.policyHash, f.head),
    meta('generated_at', '生成时间', 'Generated at', generatedAt, 'instant'),
  ];
}

/**
 * What a printed report is tied to: the policy (id and hash) and the ledger's
 * newest event, which an auditor can later hold against the ledger (verify --anchor).
 */
export function provenance(policyId: string, policyHash: string, head: LedgerHead): MetaField[] {
  return [
    meta('policy_id', '策略编号', 'Policy id', policyIdWithHash(policyId, policyHash)),
    meta('ledger_head', '账本最新事件', 'Newest event of the ledger', `#${head.seq} ${head.hash}`),
  ];
}
