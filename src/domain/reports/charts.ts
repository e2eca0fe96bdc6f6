// The charts' data: one amount by category, cluster and district (allocated
// before the round is filed, final after; the title names it), and the
// round's money through every stage. Tallied one application at a time, in
// the pass a builder makes over the round anyway.
import type { Chart, ChartPart, ReportSummary } from './model.js';
import { text, type Text } from '../text.js';
import { MONEY_STAGES, type MoneyTally, type MoneyTotals } from '../money-stages.js';
import { type AwardBasis, addTo, awardBasis, categoryOrder, moneyOf, moneyTally } from './common.js';
import { MONEY_STAGE_LABELS, OUTCOME_LABELS, RULE_LABELS, STATE_LABELS, categoryLabel, clusterLabel, districtLabel, labelOf } from '../labels.js';
import { APPLICATION_STATES } from '../application.js';
import type { FactsOutcomeCount, FactsTally, RoundFacts } from './facts.js';

const BY: Record<'by-category' | 'by-cluster' | 'by-district', Text> = {
  'by-category': text('按类别', 'by category'),
  'by-cluster': text('按产业集群', 'by cluster'),
  'by-district': text('按区（市）', 'by district'),
};

/** `按类别的拟安排金额` / `Allocated by category`: the title says which amount the bars are. */
function titleOf(by: keyof typeof BY, basis: AwardBasis): Text {
  const w = MONEY_STAGE_LABELS[basis];
  return text(`${BY[by].zh}的${w.zh}金额`, `${w.en[0].toUpperCase()}${w.en.slice(1)} ${BY[by].en}`);
}

export class ChartTally {
  private byCat = new Map<string, bigint>();
  private byCluster = new Map<string, bigint>();
  private byDistrict = new Map<string, bigint>();
  private byState = new Map<string, number>();
  private readonly money: MoneyTally;
  private readonly basis: AwardBasis;

  constructor(private readonly f: RoundFacts) {
    this.money = moneyTally(f);
    this.basis = awardBasis(f);
  }

  add(d: FactsTally): void {
    const m = moneyOf(d);
    this.money.add(d.app.category, m);
    this.byState.set(d.app.state, (this.byState.get(d.app.state) ?? 0) + 1);
    const fen = m[this.basis];
    if (fen > 0) {
      addTo(this.byCat, d.app.category, fen);
      if (d.app.cluster !== null) addTo(this.byCluster, d.app.cluster, fen);
      addTo(this.byDistrict, d.app.district, fen);
    }
  }

  /** The round's money: the sum of its categories. */
  round(): MoneyTotals {
    return this.money.round();
  }

  category(k: string): MoneyTotals {
    return this.money.category(k);
  }

  /** The summary a report opens with: money through the stages, applications by state, the verify result if any. */
  summary(verify: ReportSummary['verify'] = null): ReportSummary {
    const round = this.money.round();
    const known = new Set<string>(APPLICATION_STATES);
    const states = [...APPLICATION_STATES, ...[...this.byState.keys()].filter((s) => !known.has(s)).sort()];
    return {
      money: MONEY_STAGES.map((s) => ({ stage: s, label: MONEY_STAGE_LABELS[s], fen: s === 'budget' ? round.budget : round[s] })),
      states: states.filter((s) => this.byState.has(s)).map((s) => ({ state: s, label: labelOf(STATE_LABELS, s), count: this.byState.get(s) ?? 0 })),
      verify,
    };
  }

  charts(): Chart[] {
    const { f, byCat, byCluster, byDistrict, basis } = this;
    const sorted = (m: Map<string, bigint>) => [...m.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0] < b[0] ? -1 : 1));
    const round = this.money.round();
    return [
      {
        id: 'stages',
        title: text(`资金流程：${MONEY_STAGES.map((s) => MONEY_STAGE_LABELS[s].zh).join('、')}`, `Money through the stages: ${MONEY_STAGES.map((s) => MONEY_STAGE_LABELS[s].en).join(', ')}`),
        bars: MONEY_STAGES.map((s) => ({ label: MONEY_STAGE_LABELS[s], fen: s === 'budget' ? (round.budget ?? 0n) : round[s] })),
      },
      {
        id: 'by-category',
        title: titleOf('by-category', basis),
        bars: categoryOrder(f.policy, byCat.keys())
          .filter((k) => byCat.has(k) || f.policy.categories.some((c) => c.key === k && c.allocation !== 'manual'))
          .map((k) => ({ label: categoryLabel(f.policy, k), fen: byCat.get(k) ?? 0n })),
      },
      {
        id: 'by-cluster',
        title: titleOf('by-cluster', basis),
        bars: sorted(byCluster).map(([k, fen]) => ({ label: clusterLabel(f.policy, k) ?? text(k, k), fen })),
      },
      {
        id: 'by-district',
        title: titleOf('by-district', basis),
        bars: sorted(byDistrict).map(([k, fen]) => ({ label: districtLabel(f.policy, k), fen })),
      },
    ];
  }
}

const OUTCOME_TONES: Record<string, ChartPart['tone']> = { pass: 'good', fail: 'bad', 'needs-review': 'warn' };

/**
 * Eligibility outcomes by rule (Art. 9, 12, 18; 7, 8, 10): per rule, how many
 * applications passed, failed or need review, an officer's decision counted
 * as decided. Rules in the order they are checked.
 */
export function eligibilityChart(counts: Iterable<FactsOutcomeCount>): Chart {
  const byRule = new Map<string, Map<string, number>>();
  for (const r of counts) {
    if (r.count === 0) continue;
    const m = byRule.get(r.rule) ?? new Map<string, number>();
    m.set(r.outcome, (m.get(r.outcome) ?? 0) + r.count);
    byRule.set(r.rule, m);
  }
  const order = [...Object.keys(RULE_LABELS), ...[...byRule.keys()].filter((k) => !Object.hasOwn(RULE_LABELS, k)).sort()];
  return {
    id: 'eligibility-by-rule',
    title: text('资格审核结果（按规则）', 'Eligibility outcomes by rule'),
    unit: 'count',
    bars: order
      .filter((k) => byRule.has(k))
      .map((k) => {
        const m = byRule.get(k)!;
        const parts = ['pass', 'fail', 'needs-review'].map((o): ChartPart => ({ label: labelOf(OUTCOME_LABELS, o), count: m.get(o) ?? 0, tone: OUTCOME_TONES[o] }));
        return { label: labelOf(RULE_LABELS, k), fen: parts.reduce((a, p) => a + p.count, 0), parts };
      }),
  };
}
