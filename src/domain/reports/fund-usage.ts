// `report fund-usage` (资金使用情况, Art. 6, 15): the money through the stages
// (SPEC §14) in all, by category, cluster and district. Each row is the sum of
// its applications' amounts; the totals are the sum of the categories.
import { REPORT_TITLES, type CellValue, type Report, type Section } from './model.js';
import { text, type Text } from '../text.js';
import { APPLICATION_STAGES, type MoneyTotals, noMoney } from '../money-stages.js';
import { addMoneyTo, categoryOrder, col, moneyCol, moneyOf, roundMeta, categoryCell } from './common.js';
import { clusterLabel, districtLabel } from '../labels.js';
import { ChartTally } from './charts.js';
import type { RoundFacts } from './facts.js';

const MONEY_COLUMNS = APPLICATION_STAGES.map(moneyCol);
const BUDGET = moneyCol('budget');

const money = (t: MoneyTotals): CellValue[] => APPLICATION_STAGES.map((s) => t[s]);
const hasMoney = (t: MoneyTotals): boolean => APPLICATION_STAGES.some((s) => t[s] !== 0n);

export function buildFundUsage(f: RoundFacts, generatedAt: string): Report {
  // One pass: each application's money added to its category (in the chart tally), cluster and district.
  const tally = new ChartTally(f);
  const byCluster = new Map<string, MoneyTotals>();
  const byDistrict = new Map<string, MoneyTotals>();
  for (const d of f.tallies) {
    tally.add(d);
    const m = moneyOf(d);
    if (d.app.cluster !== null && d.app.cluster !== '') addMoneyTo(byCluster, d.app.cluster, m);
    addMoneyTo(byDistrict, d.app.district, m);
  }
  const round = tally.round();
  const cats = categoryOrder(f.policy, f.appCategories).filter((k) => f.appCategories.includes(k) || tally.category(k).budget !== null);
  const clusters = [...byCluster.keys()].filter((k) => hasMoney(byCluster.get(k) ?? noMoney())).sort();
  const order = f.policy.region.districts.map((d) => d.zh);
  const districts = [...byDistrict.keys()]
    .filter((k) => hasMoney(byDistrict.get(k) ?? noMoney()))
    .sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
  const grouped = (m: Map<string, MoneyTotals>, keys: string[], name: (k: string) => Text): CellValue[][] => keys.map((k) => [name(k), ...money(m.get(k) ?? noMoney())]);
  const sections: Section[] = [
    {
      id: 'totals',
      title: text('资金总览', 'Totals'),
      note: text(
        '拟安排为最新分配版本与按批准文件设定的金额（撤销的不计）；备案为备案金额；核定为验收后的金额（验收前为备案金额，验收不通过或撤销为零）；应追缴为已确定追缴的合计；待追回 = 应追缴 − 已追回；净拨付 = 已拨付 − 已追回。',
        'allocated: the latest allocation version plus awards set by an officer (withdrawn ones excluded); filed: the amount filed; final: the award after acceptance (the filed amount until then, 0 at a fail or withdrawal); clawback due: clawbacks ordered in total; outstanding = clawback due − recovered; net paid = paid − recovered.',
      ),
      columns: [BUDGET, ...MONEY_COLUMNS],
      rows: [[round.budget, ...money(round)]],
    },
    {
      id: 'by-category',
      title: text('按类别', 'By category'),
      columns: [col('category', '类别', 'Category'), BUDGET, ...MONEY_COLUMNS],
      rows: cats.map((k) => {
        const t = tally.category(k);
        return [categoryCell(f.policy, k), t.budget, ...money(t)];
      }),
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
  return { kind: 'fund-usage', title: REPORT_TITLES['fund-usage'], roundId: f.round.id, generatedAt, meta: roundMeta(f, generatedAt), sections, charts: tally.charts(), summary: tally.summary() };
}
