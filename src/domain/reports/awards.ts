// `report awards`: the ranked award list per category with score, cap,
// award, reason and binding limit (Art. 8, 11). Before the first allocation
// it lists the applications with their caps and "not yet allocated".
import { ALLOCATION_METHOD_LABELS, BINDING_LABELS, REASON_LABELS, SHORTFALL_LABELS, STATE_LABELS } from '../labels.js';
import { REPORT_TITLES, coded, rowsOf, tieBreakCell, type CellValue, type Report, type Section } from './model.js';
import { text } from '../text.js';
import { awardOf, capFor, categoryOrder, col, meta, moneyCol, moneyOf, reasonCell, roundFiled, roundMeta, categoryCell } from './common.js';
import { clusterLabel } from '../labels.js';
import { ChartTally } from './charts.js';
import type { RoundFacts } from './facts.js';

export function buildAwards(f: RoundFacts, generatedAt: string): Report {
  const cats = categoryOrder(f.policy, f.appCategories).filter((k) => f.appCategories.includes(k));
  const sections: Section[] = [];

  // One pass over the round for the summary and the charts; the lists are read as they are written.
  // Once the round is filed, each amount is shown as allocated and as final (after acceptance).
  const filed = roundFiled(f);
  const tally = new ChartTally(f);
  const perCat = new Map<string, { apps: number; funded: number }>();
  for (const d of f.tallies) {
    tally.add(d);
    let c = perCat.get(d.app.category);
    if (!c) perCat.set(d.app.category, (c = { apps: 0, funded: 0 }));
    c.apps++;
    if (awardOf(d) > 0) c.funded++;
  }
  const summaryRows: CellValue[][] = cats.map((k) => {
    const c = perCat.get(k) ?? { apps: 0, funded: 0 };
    const t = tally.category(k);
    return [categoryCell(f.policy, k), t.budget, c.apps, c.funded, t.allocated, ...(filed ? [t.final] : []), t.budget === null ? null : t.budget - t.allocated];
  });
  sections.push({
    id: 'summary',
    title: text('各类别汇总', 'Summary by category'),
    note: filed
      ? text('获支持数为核定金额大于零的项目。', 'Funded: projects whose final amount is above zero.')
      : text('获支持数为拟安排金额大于零的项目。', 'Funded: projects whose allocated amount is above zero.'),
    columns: [
      col('category', '类别', 'Category'),
      moneyCol('budget'),
      col('applications', '申报数', 'Applications', 'number'),
      col('funded', '获支持数', 'Funded', 'number'),
      moneyCol('allocated'),
      ...(filed ? [moneyCol('final')] : []),
      col('remaining', '预算结余（元）', 'Budget left (yuan)', 'money'),
    ],
    rows: summaryRows,
  });

  for (const k of cats) {
    const cat = f.policy.categories.find((c) => c.key === k);
    const withCluster = !!cat && (cat.requiresCluster === true || cat.perClusterCapFen !== undefined);
    const columns = [
      col('rank', '排名', 'Rank', 'number'),
      col('application_id', '申报编号', 'Application'),
      col('enterprise', '企业名称', 'Enterprise'),
      col('project', '项目名称', 'Project'),
      ...(withCluster ? [col('cluster', '产业集群', 'Cluster')] : []),
      col('score', '评分', 'Score', 'number', 2),
      col('requested', '申请金额（元）', 'Requested (yuan)', 'money'),
      col('cap', '上限（元）', 'Cap (yuan)', 'money'),
      moneyCol('allocated'),
      ...(filed ? [moneyCol('final')] : []),
      col('reason', '原因', 'Reason'),
      col('binding', '限额依据', 'Binding limit'),
      col('state', '状态', 'State'),
    ];
    // By rank, the unranked after them, then by id.
    const rows = rowsOf(f.awardRows({ category: k, order: 'rank' }), (d): CellValue[] => {
      const { app: a, line: l, aggregateScore } = d;
      const score = l?.scoreDisplay ?? aggregateScore;
      const m = moneyOf(d);
      return [
        l?.rank ?? null,
        a.id,
        a.enterprise,
        a.project,
        ...(withCluster ? [clusterLabel(f.policy, a.cluster)] : []),
        score === null ? null : Number(score),
        a.requestedFen,
        l ? l.capFen : capFor(f, a),
        m.allocated,
        ...(filed ? [m.final] : []),
        reasonCell(l),
        coded(BINDING_LABELS, l?.binding),
        coded(STATE_LABELS, a.state),
      ];
    });
    sections.push({
      id: `category-${k}`,
      title: cat ? text(`${cat.zh}（第${cat.article}条）`, `${cat.en} (Art. ${cat.article})`) : text(k, k),
      columns,
      rows,
      expectedRows: () => perCat.get(k)?.apps ?? 0,
    });
  }

  const m = roundMeta(f, generatedAt);
  if (f.allocation) {
    const a = f.allocation;
    m.push(
      meta('allocation', '分配版本', 'Allocation version', a.version, 'number'),
      meta('method', '分配方法', 'Method', coded(ALLOCATION_METHOD_LABELS, a.method)),
      meta('shortfall', '预算不足时', 'Shortfall rule', coded(SHORTFALL_LABELS, a.shortfall)),
      meta('tie_break', '同分排序', 'Tie-break', tieBreakCell(a.tieBreak)),
      meta('allocated_at', '分配时间', 'Allocated at', a.createdAt, 'instant'),
      meta('allocated_by', '分配人', 'Allocated by', a.createdBy),
    );
    if (a.ties > 0) m.push(meta('ties', '需集体审议的同分', 'Ties for collective decision', a.ties, 'number'));
  } else {
    m.push(meta('allocation', '分配版本', 'Allocation version', REASON_LABELS['not-yet-allocated']));
  }
  return { kind: 'awards', title: REPORT_TITLES.awards, roundId: f.round.id, generatedAt, meta: m, sections, charts: tally.charts(), summary: tally.summary() };
}
