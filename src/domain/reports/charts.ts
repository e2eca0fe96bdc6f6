// The charts' data: awards by category, cluster and district, and money
// through the stages (budget, awarded, filed, paid, recovered). Tallied one
// application at a time, in the pass a builder makes over the round anyway.
import type { Chart } from './model.js';
import { text } from '../text.js';
import { addStages, addTo, budgetOf, categoryOrder, noStages, standingAward, stagesOf, sum } from './common.js';
import { categoryLabel, clusterLabel, districtLabel } from '../labels.js';
import type { FactsDossier, RoundFacts } from './facts.js';

export class ChartTally {
  private byCat = new Map<string, number>();
  private byCluster = new Map<string, number>();
  private byDistrict = new Map<string, number>();
  private stages = noStages();

  add(d: FactsDossier): void {
    const fen = standingAward(d);
    if (fen > 0) {
      addTo(this.byCat, d.app.category, fen);
      if (d.app.cluster !== null) addTo(this.byCluster, d.app.cluster, fen);
      addTo(this.byDistrict, d.app.district, fen);
    }
    const st = stagesOf(d);
    if (st) addStages(this.stages, st);
  }

  charts(f: RoundFacts): Chart[] {
    const { byCat, byCluster, byDistrict, stages } = this;
    const budgetTotal = sum(f.policy.categories.filter((c) => c.allocation !== 'manual').map((c) => budgetOf(f, c.key) ?? 0));
    const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return [
      {
        id: 'by-category',
        title: text('按类别的补助', 'Awards by category'),
        bars: categoryOrder(f.policy, byCat.keys())
          .filter((k) => byCat.has(k) || f.policy.categories.some((c) => c.key === k && c.allocation !== 'manual'))
          .map((k) => ({ label: categoryLabel(f.policy, k), fen: byCat.get(k) ?? 0 })),
      },
      {
        id: 'by-cluster',
        title: text('按产业集群的补助', 'Awards by cluster'),
        bars: sorted(byCluster).map(([k, fen]) => ({ label: clusterLabel(f.policy, k) ?? text(k, k), fen })),
      },
      {
        id: 'by-district',
        title: text('按区（市）的补助', 'Awards by district'),
        bars: sorted(byDistrict).map(([k, fen]) => ({ label: districtLabel(f.policy, k), fen })),
      },
      {
        id: 'stages',
        title: text('资金流程：预算、补助、备案、拨付、追回', 'Money through the stages: budget, awarded, filed, paid, recovered'),
        bars: [
          { label: text('预算', 'budget'), fen: budgetTotal },
          { label: text('补助', 'awarded'), fen: stages.awarded },
          { label: text('备案', 'filed'), fen: stages.filed },
          { label: text('已拨付', 'paid'), fen: stages.paid },
          { label: text('已追回', 'recovered'), fen: stages.recovered },
        ],
      },
    ];
  }
}
