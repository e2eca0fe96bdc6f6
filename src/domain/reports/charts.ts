// The charts' data: one amount by category, cluster and district (allocated
// before the round is filed, final after; the title names it), and the
// round's money through every stage. Tallied one application at a time, in
// the pass a builder makes over the round anyway.
import type { Chart } from './model.js';
import { text, type Text } from '../text.js';
import { MONEY_STAGES, type MoneyTally, type MoneyTotals } from '../money-stages.js';
import { type AwardBasis, addTo, awardBasis, categoryOrder, moneyOf, moneyTally } from './common.js';
import { MONEY_STAGE_LABELS, categoryLabel, clusterLabel, districtLabel } from '../labels.js';
import type { FactsDossier, RoundFacts } from './facts.js';

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
  private readonly money: MoneyTally;
  private readonly basis: AwardBasis;

  constructor(private readonly f: RoundFacts) {
    this.money = moneyTally(f);
    this.basis = awardBasis(f);
  }

  add(d: FactsDossier): void {
    const m = moneyOf(d);
    this.money.add(d.app.category, m);
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

  charts(): Chart[] {
    const { f, byCat, byCluster, byDistrict, basis } = this;
    const sorted = (m: Map<string, bigint>) => [...m.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0] < b[0] ? -1 : 1));
    const round = this.money.round();
    return [
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
      {
        id: 'stages',
        title: text(`资金流程：${MONEY_STAGES.map((s) => MONEY_STAGE_LABELS[s].zh).join('、')}`, `Money through the stages: ${MONEY_STAGES.map((s) => MONEY_STAGE_LABELS[s].en).join(', ')}`),
        bars: MONEY_STAGES.map((s) => ({ label: MONEY_STAGE_LABELS[s], fen: s === 'budget' ? (round.budget ?? 0n) : round[s] })),
      },
    ];
  }
}
