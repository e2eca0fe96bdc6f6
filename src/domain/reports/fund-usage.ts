// `report fund-usage` (资金使用情况, Art. 6, 15): budget, awarded, filed, paid,
// clawbacks due, recovered and outstanding, by category, cluster and district.
import { REPORT_TITLES, type CellValue, type Report, type Section } from '../report.js';
import { text, type Text } from '../text.js';
import { budgetOf, categoryName, categoryOrder, clusterName, col, districtName, roundMeta, stagesByApp, sum, type Stages } from './common.js';
import { roundCharts } from './charts.js';
import type { FactsApp, RoundFacts } from './facts.js';

const MONEY_COLUMNS = [
  col('awarded', '补助（元）', 'Awarded (yuan)', 'money'),
  col('filed', '备案（元）', 'Filed (yuan)', 'money'),
  col('paid', '已拨付（元）', 'Paid (yuan)', 'money'),
  col('clawback_due', '应追缴（元）', 'Clawback due (yuan)', 'money'),
  col('recovered', '已追回（元）', 'Recovered (yuan)', 'money'),
  col('outstanding', '待追回（元）', 'Outstanding (yuan)', 'money'),
];

const total = (xs: Stages[]): Stages => ({
  awarded: sum(xs.map((s) => s.awarded)),
  filed: sum(xs.map((s) => s.filed)),
  paid: sum(xs.map((s) => s.paid)),
  due: sum(xs.map((s) => s.due)),
  recovered: sum(xs.map((s) => s.recovered)),
});

const money = (s: Stages): CellValue[] => [s.awarded, s.filed, s.paid, s.due, s.recovered, s.due - s.recovered];

function grouped(f: RoundFacts, keyOf: (a: FactsApp) => string | null, keys: string[], name: (k: string) => Text, budget?: (k: string) => number | null): CellValue[][] {
  const st = stagesByApp(f);
  const zero: Stages = { awarded: 0, filed: 0, paid: 0, due: 0, recovered: 0 };
  return keys.map((k) => {
    const s = total(f.apps.filter((a) => keyOf(a) === k).map((a) => st.get(a.id) ?? zero));
    return budget ? [name(k), budget(k), ...money(s)] : [name(k), ...money(s)];
  });
}

export function buildFundUsage(f: RoundFacts, generatedAt: string): Report {
  const st = stagesByApp(f);
  const funded = f.apps.filter((a) => st.has(a.id));
  const cats = categoryOrder(f.policy, f.apps.map((a) => a.category)).filter((k) => f.apps.some((a) => a.category === k) || budgetOf(f, k) !== null);
  const clusters = [...new Set(funded.map((a) => a.cluster).filter((c): c is string => c !== null && c !== ''))].sort();
  const districts = [...new Set(funded.map((a) => a.district))].sort((a, b) => {
    const order = f.policy.region.districts.map((d) => d.zh);
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const all = total([...st.values()]);
  const budgetTotal = sum(cats.map((k) => budgetOf(f, k) ?? 0));
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
      rows: grouped(f, (a) => a.category, cats, (k) => categoryName(f.policy, k), (k) => budgetOf(f, k)),
    },
    {
      id: 'by-cluster',
      title: text('按产业集群', 'By cluster'),
      note: clusters.length ? undefined : text('尚无产业集群项目获支持。', 'No cluster project funded yet.'),
      columns: [col('cluster', '产业集群', 'Cluster'), ...MONEY_COLUMNS],
      rows: grouped(f, (a) => a.cluster, clusters, (k) => clusterName(f.policy, k) ?? text(k, k)),
    },
    {
      id: 'by-district',
      title: text('按区（市）', 'By district'),
      columns: [col('district', '区（市）', 'District'), ...MONEY_COLUMNS],
      rows: grouped(f, (a) => a.district, districts, (k) => districtName(f.policy, k)),
    },
  ];
  return { kind: 'fund-usage', title: REPORT_TITLES['fund-usage'], roundId: f.round.id, generatedAt, meta: roundMeta(f, generatedAt), sections, charts: roundCharts(f) };
}
