// `report fund-usage` (资金使用情况, Art. 6, 15): budget, awarded, filed, paid,
// clawbacks due, recovered and outstanding, by category, cluster and district.
import { REPORT_TITLES, type CellValue, type Report, type Section } from './model.js';
import { text, type Text } from '../text.js';
import { addStages, budgetOf, categoryOrder, col, noStages, roundMeta, stagesOf, sum, type Stages } from './common.js';
import { categoryLabel, clusterLabel, districtLabel } from '../labels.js';
import { ChartTally } from './charts.js';
import type { RoundFacts } from './facts.js';

const MONEY_COLUMNS = [
  col('awarded', '补助（元）', 'Awarded (yuan)', 'money'),
  col('filed', '备案（元）', 'Filed (yuan)', 'money'),
  col('paid', '已拨付（元）', 'Paid (yuan)', 'money'),
  col('clawback_due', '应追缴（元）', 'Clawback due (yuan)', 'money'),
  col('recovered', '已追回（元）', 'Recovered (yuan)', 'money'),
  col('outstanding', '待追回（元）', 'Outstanding (yuan)', 'money'),
];

const money = (s: Stages): CellValue[] => [s.awarded, s.filed, s.paid, s.due, s.recovered, s.due - s.recovered];

export function buildFundUsage(f: RoundFacts, generatedAt: string): Report {
  // One pass: each application's money added to its category, cluster and district.
  const tally = new ChartTally();
  const all = noStages();
  const byCat = new Map<string, Stages>();
  const byCluster = new Map<string, Stages>();
  const byDistrict = new Map<string, Stages>();
  const add = (m: Map<string, Stages>, k: string, st: Stages) => {
    let t = m.get(k);
    if (!t) m.set(k, (t = noStages()));
    addStages(t, st);
  };
  for (const d of f.dossiers()) {
    tally.add(d);
    const st = stagesOf(d);
    if (!st) continue;
    addStages(all, st);
    add(byCat, d.app.category, st);
    if (d.app.cluster !== null && d.app.cluster !== '') add(byCluster, d.app.cluster, st);
    add(byDistrict, d.app.district, st);
  }
  const cats = categoryOrder(f.policy, f.appCategories).filter((k) => f.appCategories.includes(k) || budgetOf(f, k) !== null);
  const clusters = [...byCluster.keys()].sort();
  const order = f.policy.region.districts.map((d) => d.zh);
  const districts = [...byDistrict.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const budgetTotal = sum(cats.map((k) => budgetOf(f, k) ?? 0));
  const grouped = (m: Map<string, Stages>, keys: string[], name: (k: string) => Text, budget?: (k: string) => number | null): CellValue[][] =>
    keys.map((k) => {
      const st = m.get(k) ?? noStages();
      return budget ? [name(k), budget(k), ...money(st)] : [name(k), ...money(st)];
    });
  const sections: Section[] = [
    {
      id: 'totals',
      title: text('资金总览', 'Totals'),
      note: text(
        '补助为现行金额：验收后为最终补助，撤销或验收不通过的为零；备案为备案时的金额。',
        'Awarded is the award as it stands: the final award once accepted, nothing once withdrawn or failed at acceptance; filed is the amount filed.',
      ),
      columns: [col('budget', '预算（元）', 'Budget (yuan)', 'money'), ...MONEY_COLUMNS],
      rows: [[budgetTotal, ...money(all)]],
    },
    {
      id: 'by-category',
      title: text('按类别', 'By category'),
      columns: [col('category', '类别', 'Category'), col('budget', '预算（元）', 'Budget (yuan)', 'money'), ...MONEY_COLUMNS],
      rows: grouped(byCat, cats, (k) => categoryLabel(f.policy, k), (k) => budgetOf(f, k)),
    },
    {
      id: 'by-cluster',
      title: text('按产业集群', 'By cluster'),
      note: clusters.length ? undefined : text('尚无产业集群项目获支持。', 'No cluster project funded yet.'),
      columns: [col('cluster', '产业集群', 'Cluster'), ...MONEY_COLUMNS],
      rows: grouped(byCluster, clusters, (k) => clusterLabel(f.policy, k) ?? text(k, k)),
    },
    {
      id: 'by-district',
      title: text('按区（市）', 'By district'),
      columns: [col('district', '区（市）', 'District'), ...MONEY_COLUMNS],
      rows: grouped(byDistrict, districts, (k) => districtLabel(f.policy, k)),
    },
  ];
  return { kind: 'fund-usage', title: REPORT_TITLES['fund-usage'], roundId: f.round.id, generatedAt, meta: roundMeta(f, generatedAt), sections, charts: tally.charts(f) };
}
