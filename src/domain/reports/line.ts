// `report line`: the funding-line analysis for the collective decision
// (Art. 11; SPEC §15) as a printable report: per category a caterpillar plot
// (applications by expected rank, each 90 % rank interval as a bar, the
// funding line across, the grey zone shaded) and the tables of `jmfund line`.
// Decision support: the awards remain those of allocate.
import type { FundingLine, LineApplication } from '../funding-line.js';
import { categoryLabel, LINE_MARK_LABELS, REASON_LABELS } from '../labels.js';
import type { Policy } from '../policy.js';
import { text } from '../text.js';
import { col, meta, provenance } from './common.js';
import type { LedgerHead } from './facts.js';
import { REPORT_TITLES, coded, type Caterpillar, type CellValue, type Report, type Section } from './model.js';

export interface LineReportInput {
  roundId: string;
  opensOn: string;
  closesOn: string;
  policy: Policy;
  policyId: string;
  policyHash: string;
  head: LedgerHead;
  /** The allocation version analysed; null before the first allocation (the report then says so). */
  version: number | null;
  /** One category asked for, or null for all. */
  category: string | null;
  line: FundingLine | null;
}

const mark = (funded: boolean) => coded(LINE_MARK_LABELS, funded ? 'funded' : 'not-funded');
const percent = (p: number) => Math.round(p * 1000) / 10;

export function buildLineReport(r: LineReportInput, generatedAt: string): Report {
  const { policy, line } = r;
  const head = [
    meta('round', '申报批次', 'Round', r.roundId),
    meta('period', '申报期', 'Application period', `${r.opensOn} — ${r.closesOn}`),
    meta('policy', '政策依据', 'Policy', text(`${policy.title.zh}（${policy.document}）`, `${policy.title.en} (${policy.document})`)),
    ...provenance(r.policyId, r.policyHash, r.head),
  ];
  if (line === null || r.version === null) {
    return {
      kind: 'line',
      title: REPORT_TITLES.line,
      roundId: r.roundId,
      generatedAt,
      meta: [...head, meta('allocation', '分配版本', 'Allocation version', REASON_LABELS['not-yet-allocated']), meta('generated_at', '生成时间', 'Generated at', generatedAt, 'instant')],
      sections: [{ id: 'summary', title: text('各类别汇总', 'Summary by category'), note: text('尚无分配方案：先运行 allocate。', 'No allocation yet: run allocate first.'), columns: [col('category', '类别', 'Category')], rows: [] }],
      charts: [],
    };
  }
  const byCategory = new Map<string, LineApplication[]>();
  for (const a of line.applications) {
    let g = byCategory.get(a.category);
    if (!g) byCategory.set(a.category, (g = []));
    g.push(a);
  }
  const marginal = new Map(line.marginalBudget.map((m) => [m.category, m]));
  const sections: Section[] = [];

  sections.push({
    id: 'summary',
    title: text('各类别汇总', 'Summary by category'),
    note: text(
      '资助线取在按排名第一个未获资助的项目与其前一名之间；边际预算为再增加多少资金可资助下一个项目。',
      'The line lies between the first participant by rank left unfunded and the one above it; the marginal budget is the money that, added to the budget, funds the next application in line.',
    ),
    columns: [
      col('category', '类别', 'Category'),
      col('budget', '预算（元）', 'Budget (yuan)', 'money'),
      col('participants', '参与分配', 'Participants', 'number'),
      col('funded', '获资助（本版）', 'Funded (this version)', 'number'),
      col('expected_funded', '期望获资助数', 'Expected number funded', 'number', 2),
      col('line', '资助线（分）', 'Line (points)', 'number', 2),
      col('marginal_budget', '边际预算（元）', 'Marginal budget (yuan)', 'money'),
      col('next', '下一个项目', 'Next application'),
    ],
    rows: line.categories.map((c): CellValue[] => {
      const m = marginal.get(c.category);
      return [categoryLabel(policy, c.category), c.budgetFen, c.participants, c.funded, c.expectedFunded, c.line, m?.amountFen ?? null, m?.applicationId ?? null];
    }),
  });

  for (const c of line.categories) {
    const cat = policy.categories.find((x) => x.key === c.category);
    sections.push({
      id: `category-${c.category}`,
      title: cat ? text(`${cat.zh}（第${cat.article}条）`, `${cat.en} (Art. ${cat.article})`) : text(c.category, c.category),
      columns: [
        col('expected_rank', '期望排名', 'Expected rank', 'number', 2),
        col('interval', '90% 区间', '90% interval'),
        col('rank', '排名', 'Rank', 'number'),
        col('application_id', '申报编号', 'Application'),
        col('enterprise', '企业名称', 'Enterprise'),
        col('score', '评分', 'Score', 'number', 2),
        col('margin', '距资助线（分）', 'Margin (points)', 'number', 2),
        col('p_funded', '获资助概率', 'P(funded)', 'percent', 1),
        col('funded', '本版结果', 'This version'),
        col('grey_zone', LINE_MARK_LABELS['grey-zone'].zh, 'Grey zone'),
      ],
      rows: (byCategory.get(c.category) ?? []).map((a): CellValue[] => [
        a.expectedRank,
        `${a.rankLow}–${a.rankHigh}`,
        a.rank,
        a.applicationId,
        a.enterpriseName,
        a.score === null ? null : Number(a.score),
        a.margin,
        percent(a.pFunded),
        mark(a.funded),
        a.greyZone ? coded(LINE_MARK_LABELS, 'grey-zone') : null,
      ]),
    });
  }

  const inGrey = line.applications.filter((a) => a.greyZone);
  sections.push({
    id: 'grey-zone',
    title: text('灰区：提请集体审议的项目', 'Grey zone: for the committee to discuss'),
    note: text('获资助概率在 10% 到 90% 之间的项目。', 'Applications whose probability of being funded lies from 10 % to 90 %.'),
    columns: [
      col('category', '类别', 'Category'),
      col('application_id', '申报编号', 'Application'),
      col('enterprise', '企业名称', 'Enterprise'),
      col('score', '评分', 'Score', 'number', 2),
      col('expected_rank', '期望排名', 'Expected rank', 'number', 2),
      col('p_funded', '获资助概率', 'P(funded)', 'percent', 1),
      col('funded', '本版结果', 'This version'),
    ],
    rows: inGrey.map((a): CellValue[] => [categoryLabel(policy, a.category), a.applicationId, a.enterpriseName, a.score === null ? null : Number(a.score), a.expectedRank, percent(a.pFunded), mark(a.funded)]),
  });

  sections.push({
    id: 'expert-influence',
    title: text('逐一剔除专家：会改变的资助结果', 'Leave one expert out: funding decisions that would change'),
    note: text('去掉该专家的全部评分，按本轮汇总方法重算得分后重新分配；无变化的专家只列一行。', "The expert's scores left out, the aggregate recomputed by the round's method and the allocation run again; an expert who changes nothing has one row."),
    columns: [
      col('expert', '专家', 'Expert'),
      col('scores', '评分数', 'Scores', 'number'),
      col('application_id', '申报编号', 'Application'),
      col('category', '类别', 'Category'),
      col('funded', '现结果', 'Now'),
      col('funded_without', '剔除后', 'Without'),
    ],
    rows: line.expertInfluence.flatMap((e): CellValue[][] =>
      e.changes.length === 0
        ? [[e.expert, e.scored, null, null, null, null]]
        : e.changes.map((c) => [e.expert, e.scored, c.applicationId, categoryLabel(policy, c.category), mark(c.funded), mark(c.fundedWithout)]),
    ),
  });

  // The line where the money ran out: before the first participant by rank left unfunded.
  const lineAfter = (apps: LineApplication[]): number | null => {
    const unfunded = apps.filter((a) => !a.funded).map((a) => a.rank);
    return unfunded.length === 0 ? null : Math.min(...unfunded) - 1;
  };
  const caterpillars: Caterpillar[] = line.categories.map((c) => ({
    id: `caterpillar-${c.category}`,
    title: categoryLabel(policy, c.category),
    ranks: c.participants,
    line: lineAfter(byCategory.get(c.category) ?? []),
    rows: (byCategory.get(c.category) ?? []).map((a) => ({
      label: a.applicationId,
      expectedRank: a.expectedRank,
      rankLow: a.rankLow,
      rankHigh: a.rankHigh,
      pFunded: a.pFunded,
      funded: a.funded,
      greyZone: a.greyZone,
    })),
  }));

  const m = [
    ...head,
    meta('allocation', '分配版本', 'Allocation version', r.version, 'number'),
    meta('category', '类别', 'Category', r.category === null ? text('全部', 'all') : categoryLabel(policy, r.category)),
    meta('draws', '抽样次数', 'Draws', line.draws, 'number'),
    meta('seed', '随机种子', 'Seed', line.seed),
    meta(
      'model',
      '专家宽严模型',
      'Leniency model',
      text(
        `${line.model.experts} 位专家对 ${line.model.applications} 个项目的 ${line.model.scores} 个有效评分`,
        `${line.model.scores} valid scores by ${line.model.experts} experts on ${line.model.applications} applications`,
      ),
    ),
    meta(
      'note',
      '说明',
      'Note',
      text('仅供集体审议参考：补贴金额仍以 allocate 的结果为准。', 'Decision support for the collective decision: the awards remain those of allocate.'),
    ),
    meta('generated_at', '生成时间', 'Generated at', generatedAt, 'instant'),
  ];
  return { kind: 'line', title: REPORT_TITLES.line, roundId: r.roundId, generatedAt, meta: m, sections, charts: [], caterpillars };
}
