// The charts' data: awards by category, cluster and district, and money
// through the stages (budget, awarded, filed, paid, recovered).
import type { Chart } from '../report.js';
import { text } from '../text.js';
import { budgetOf, categoryName, categoryOrder, clusterName, districtName, standingAwards, stagesByApp, sum } from './common.js';
import type { RoundFacts } from './facts.js';

function awardsBy(f: RoundFacts, keyOf: (appId: string) => string | null): Map<string, number> {
  const apps = new Map(f.apps.map((a) => [a.id, a]));
  const m = new Map<string, number>();
  for (const [id, fen] of standingAwards(f)) {
    if (!apps.has(id)) continue;
    const k = keyOf(id);
    if (k === null) continue;
    m.set(k, (m.get(k) ?? 0) + fen);
  }
  return m;
}

export function roundCharts(f: RoundFacts): Chart[] {
  const apps = new Map(f.apps.map((a) => [a.id, a]));
  const byCat = awardsBy(f, (id) => apps.get(id)?.category ?? null);
  const byCluster = awardsBy(f, (id) => apps.get(id)?.cluster ?? null);
  const byDistrict = awardsBy(f, (id) => apps.get(id)?.district ?? null);
  const stages = [...stagesByApp(f).values()];
  const budgetTotal = sum(f.policy.categories.filter((c) => c.allocation !== 'manual').map((c) => budgetOf(f, c.key) ?? 0));
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [
    {
      id: 'by-category',
      title: text('按类别的补助', 'Awards by category'),
      bars: categoryOrder(f.policy, byCat.keys())
        .filter((k) => byCat.has(k) || f.policy.categories.some((c) => c.key === k && c.allocation !== 'manual'))
        .map((k) => ({ label: categoryName(f.policy, k), fen: byCat.get(k) ?? 0 })),
    },
    {
      id: 'by-cluster',
      title: text('按产业集群的补助', 'Awards by cluster'),
      bars: sorted(byCluster).map(([k, fen]) => ({ label: clusterName(f.policy, k) ?? text(k, k), fen })),
    },
    {
      id: 'by-district',
      title: text('按区（市）的补助', 'Awards by district'),
      bars: sorted(byDistrict).map(([k, fen]) => ({ label: districtName(f.policy, k), fen })),
    },
    {
      id: 'stages',
      title: text('资金流程：预算、补助、备案、拨付、追回', 'Money through the stages: budget, awarded, filed, paid, recovered'),
      bars: [
        { label: text('预算', 'budget'), fen: budgetTotal },
        { label: text('补助', 'awarded'), fen: sum(stages.map((s) => s.awarded)) },
        { label: text('备案', 'filed'), fen: sum(stages.map((s) => s.filed)) },
        { label: text('已拨付', 'paid'), fen: sum(stages.map((s) => s.paid)) },
        { label: text('已追回', 'recovered'), fen: sum(stages.map((s) => s.recovered)) },
      ],
    },
  ];
}
