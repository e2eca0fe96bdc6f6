// `report awards`: the ranked award list per category with score, cap,
// award, reason and binding limit (Art. 8, 11). Before the first allocation
// it lists the applications with their caps and "not yet allocated".
import { BINDING_LABELS, REPORT_TITLES, STATE_LABELS, coded, type CellValue, type Report, type Section } from '../report.js';
import { text } from '../text.js';
import { budgetOf, capFor, categoryName, categoryOrder, clusterName, col, meta, reasonCell, roundMeta, sum } from './common.js';
import { roundCharts } from './charts.js';
import type { FactsApp, FactsLine, RoundFacts } from './facts.js';

const rankOrder = (lines: Map<string, FactsLine>) => (a: FactsApp, b: FactsApp) => {
  const ra = lines.get(a.id)?.rank ?? Number.POSITIVE_INFINITY;
  const rb = lines.get(b.id)?.rank ?? Number.POSITIVE_INFINITY;
  return ra - rb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
};

export const SHORTFALL_LABELS = {
  skip: text('跳过，继续排序靠后的申报', 'skip and go on'),
  partial: text('按余额部分支持', 'fund in part'),
  stop: text('停止安排', 'stop'),
};

export function buildAwards(f: RoundFacts, generatedAt: string): Report {
  const lines = new Map(f.lines.map((l) => [l.appId, l]));
  const scores = new Map(f.aggregates.map((s) => [s.appId, s]));
  const cats = categoryOrder(f.policy, f.apps.map((a) => a.category)).filter((k) => f.apps.some((a) => a.category === k));
  const sections: Section[] = [];

  const summaryRows: CellValue[][] = cats.map((k) => {
    const apps = f.apps.filter((a) => a.category === k);
    const awarded = sum(apps.map((a) => (lines.get(a.id)?.reason === 'withdrawn' ? 0 : (lines.get(a.id)?.awardFen ?? 0))));
    const funded = apps.filter((a) => (lines.get(a.id)?.awardFen ?? 0) > 0 && lines.get(a.id)?.reason !== 'withdrawn').length;
    const budget = budgetOf(f, k);
    return [categoryName(f.policy, k), budget, apps.length, funded, f.allocation ? awarded : null, budget === null || !f.allocation ? null : budget - awarded];
  });
  sections.push({
    id: 'summary',
    title: text('各类别汇总', 'Summary by category'),
    columns: [
      col('category', '类别', 'Category'),
      col('budget', '预算（元）', 'Budget (yuan)', 'money'),
      col('applications', '申报数', 'Applications', 'number'),
      col('funded', '获支持数', 'Funded', 'number'),
      col('awarded', '补助合计（元）', 'Awarded (yuan)', 'money'),
      col('remaining', '预算结余（元）', 'Budget left (yuan)', 'money'),
    ],
    rows: summaryRows,
  });

  for (const k of cats) {
    const cat = f.policy.categories.find((c) => c.key === k);
    const withCluster = !!cat && (cat.requiresCluster === true || cat.perClusterCapFen !== undefined);
    const apps = f.apps.filter((a) => a.category === k).sort(rankOrder(lines));
    const columns = [
      col('rank', '排名', 'Rank', 'number'),
      col('application_id', '申报编号', 'Application'),
      col('enterprise', '企业名称', 'Enterprise'),
      col('project', '项目名称', 'Project'),
      ...(withCluster ? [col('cluster', '产业集群', 'Cluster')] : []),
      col('score', '评分', 'Score', 'number', 2),
      col('requested', '申请金额（元）', 'Requested (yuan)', 'money'),
      col('cap', '核定上限（元）', 'Cap (yuan)', 'money'),
      col('award', '补助金额（元）', 'Award (yuan)', 'money'),
      col('reason', '原因', 'Reason'),
      col('binding', '限额依据', 'Binding limit'),
      col('state', '状态', 'State'),
    ];
    const rows = apps.map((a): CellValue[] => {
      const l = lines.get(a.id);
      const score = l?.scoreDisplay ?? scores.get(a.id)?.scoreDisplay ?? null;
      return [
        l?.rank ?? null,
        a.id,
        a.enterprise,
        a.project,
        ...(withCluster ? [clusterName(f.policy, a.cluster)] : []),
        score === null ? null : Number(score),
        a.requestedFen,
        l ? l.capFen : capFor(f, a),
        l ? l.awardFen : null,
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
    });
  }

  const m = roundMeta(f, generatedAt);
  if (f.allocation) {
    const a = f.allocation;
    m.push(
      meta('allocation', '分配版本', 'Allocation version', a.version, 'number'),
      meta('method', '分配方法', 'Method', coded({ ranked: text('按排名', 'ranked'), 'pro-rata': text('同比例核减', 'pro rata') }, a.method)),
      meta('shortfall', '预算不足时', 'Shortfall rule', coded(SHORTFALL_LABELS, a.shortfall)),
      meta('tie_break', '同分排序', 'Tie-break', a.tieBreak),
      meta('allocated_at', '分配时间', 'Allocated at', a.createdAt, 'instant'),
      meta('allocated_by', '分配人', 'Allocated by', a.createdBy),
    );
    if (a.ties > 0) m.push(meta('ties', '需集体审议的同分', 'Ties for collective decision', a.ties, 'number'));
  } else {
    m.push(meta('allocation', '分配版本', 'Allocation version', text('尚未分配', 'not yet allocated')));
  }
  return { kind: 'awards', title: REPORT_TITLES.awards, roundId: f.round.id, generatedAt, meta: m, sections, charts: roundCharts(f) };
}
