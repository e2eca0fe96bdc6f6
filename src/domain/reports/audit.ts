// `report audit` (Art. 10(4), 16, 17): everything an auditor needs for the
// round, ending with the verify result and the hash of the last event, so a
// printed report can later be matched to the ledger.
import { capInCategory } from '../caps.js';
import { RULE_IDS } from '../eligibility.js';
import { REPORT_TITLES, articleText, coded, rowsOf, tieBreakCell, withLazyHead, type CellValue, type Coded, type Report, type Section } from './model.js';
import {
  ACCEPTANCE_RESULT_LABELS,
  ALLOCATION_METHOD_LABELS,
  BINDING_LABELS,
  CLAWBACK_SOURCE_LABELS,
  ELIGIBILITY_STATUS_LABELS,
  FINDING_LABELS,
  NOT_ACCEPTED_LABELS,
  OBJECTION_STATUS_LABELS,
  OUTCOME_LABELS,
  REASON_LABELS,
  RULE_LABELS,
  SCORE_METHOD_LABELS,
  SCORE_STATUS_LABELS,
  SHORTFALL_LABELS,
  STATE_LABELS,
} from '../labels.js';
import { text, type Text } from '../text.js';
import { APPLICATION_STAGES, MONEY_STAGES, type MoneyTally, type MoneyTotals } from '../money-stages.js';
import { col, meta, moneyCol, moneyOf, moneyTally, roundMeta, categoryCell } from './common.js';
import { clusterLabel, districtLabel } from '../labels.js';
import type { FactsOutcomeCount, RoundFacts } from './facts.js';
import { ChartTally, eligibilityChart } from './charts.js';

const yesNo = (b: boolean) => (b ? text('是', 'yes') : text('否', 'no'));

/** A cell made once per distinct value (the eligibility section has a dozen rows per application). */
function once<V>(make: (k: string) => V): (k: string) => V {
  const m = new Map<string, V>();
  return (k) => {
    let v = m.get(k);
    if (v === undefined && !m.has(k)) m.set(k, (v = make(k)));
    return v as V;
  };
}

/** coded(labels, ·) made once per distinct code. */
function codedOnce<K extends string>(labels: Readonly<Record<K, Text>>): (code: string | null | undefined) => Coded | null {
  const cell = once((k) => coded(labels, k));
  return (code) => (code === null || code === undefined ? null : cell(code));
}

export function buildAudit(f: RoundFacts, generatedAt: string): Report {
  const p = f.policy;
  const ruleCell = once((r) => coded(RULE_LABELS, r));
  const outcomeCell = once((o) => coded(OUTCOME_LABELS, o));
  const articleCell = once(articleText);
  // The cells repeated on every row of an application, made once each (10^5 applications).
  const category = once((k) => categoryCell(p, k));
  const district = once((k) => districtLabel(p, k));
  const clusterCell = once((k) => clusterLabel(p, k));
  const cluster = (k: string | null) => (k === null ? null : clusterCell(k));
  const state = codedOnce(STATE_LABELS);
  const eligibilityStatus = codedOnce(ELIGIBILITY_STATUS_LABELS);
  const reason = codedOnce(REASON_LABELS);
  const binding = codedOnce(BINDING_LABELS);
  const scoreMethod = codedOnce(SCORE_METHOD_LABELS);
  const scoreStatus = codedOnce(SCORE_STATUS_LABELS);
  const [yes, no] = [yesNo(true), yesNo(false)];
  let tallied: MoneyTally | null = null;
  // Counted in SQL over the whole round, asked for by the section's row count and by the chart: counted once.
  let counted: FactsOutcomeCount[] | null = null;
  const eligibilityCounts = () => (counted ??= f.eligibilityCounts());
  const sections: Section[] = [
    {
      id: 'verify',
      title: text('账本校验（jmfund verify）', 'Ledger verification (jmfund verify)'),
      note: f.verify.ok ? text('未发现问题。', 'No problem found.') : text(`发现 ${f.verify.problems.length} 个问题。`, `${f.verify.problems.length} problem(s) found.`),
      columns: [col('check', '检查项', 'Check'), col('where', '位置', 'Where'), col('problem', '问题', 'Problem')],
      rows: f.verify.problems.map((x): CellValue[] => [x.check, x.where, x.message]),
    },
    {
      id: 'applications',
      expectedRows: () => f.appCount,
      abridgeable: true,
      count: () => f.appCount,
      title: text('申报', 'Applications'),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('enterprise', '企业名称', 'Enterprise'),
        col('uscc', '统一社会信用代码', 'Credit code'),
        col('district', '区（市）', 'District'),
        col('category', '类别', 'Category'),
        col('cluster', '产业集群', 'Cluster'),
        col('project', '项目名称', 'Project'),
        col('submitted_on', '申报日期', 'Submitted', 'date'),
        col('total_investment', '项目总投入（元）', 'Total investment (yuan)', 'money'),
        col('requested', '申请金额（元）', 'Requested (yuan)', 'money'),
        col('eligibility', '资格', 'Eligibility'),
        col('state', '状态', 'State'),
      ],
      rows: rowsOf(f.apps, (a) => [
        a.id,
        a.enterprise,
        a.uscc,
        district(a.district),
        category(a.category),
        cluster(a.cluster),
        a.project,
        a.submittedOn,
        a.totalInvestmentFen,
        a.requestedFen,
        eligibilityStatus(a.eligibility),
        state(a.state),
      ]),
    },
    {
      id: 'eligibility',
      // One result per rule and application (the duplicate rule's evidence aside).
      expectedRows: () => f.appCount * RULE_IDS.length,
      abridgeable: true,
      // The chart's counts are of the same results, rule by rule and outcome by outcome.
      count: () => eligibilityCounts().reduce((n, c) => n + c.count, 0),
      title: text('资格审核结果（第9、12、18条）', 'Eligibility results (Art. 9, 12, 18)'),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('rule', '规则', 'Rule'),
        col('outcome', '结果', 'Outcome'),
        col('article', '条款', 'Article'),
        col('reason', '理由', 'Reason'),
        col('decision', '人工决定', 'Decision'),
        col('decision_reason', '决定理由', 'Decision reason'),
        col('decided_by', '决定人', 'Decided by'),
        col('decided_at', '决定时间', 'Decided at', 'instant'),
      ],
      rows: rowsOf(f.eligibility, (e) => [
        e.appId,
        ruleCell(e.rule),
        outcomeCell(e.outcome),
        articleCell(e.article),
        e.reason,
        coded(OUTCOME_LABELS, e.decision?.outcome),
        e.decision?.reason ?? null,
        e.decision?.by ?? null,
        e.decision?.at ?? null,
      ]),
    },
    {
      id: 'scores',
      expectedRows: () => f.scoreCount(),
      abridgeable: true,
      count: () => f.scoreCount(),
      title: text('专家评分（第11条）', 'Expert scores (Art. 11)'),
      note: text(`回避的评分保留但不计入；偏离其他专家均分超过 ${p.scoring.outlierGap} 分的评分标记为集体审议。`, `Recused scores are kept but not averaged; a score more than ${p.scoring.outlierGap} points from the other experts' mean is flagged for collective review.`),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('expert', '专家', 'Expert'),
        col('score', '评分', 'Score', 'number', 2),
        col('recused', '回避', 'Recused'),
        col('outlier', '集体审议', 'Flagged'),
      ],
      rows: rowsOf(f.scores, (s) => [s.appId, s.expertId, s.scoreCenti === null ? null : s.scoreCenti / 100, s.recused ? yes : no, s.outlier ? yes : null]),
    },
    {
      id: 'aggregates',
      expectedRows: () => f.appCount,
      abridgeable: true,
      count: () => f.aggregateCount(),
      title: text('评分汇总', 'Score aggregation'),
      note: text(`有效评分少于 ${p.scoring.minExperts} 个不排名；低于 ${p.scoring.threshold} 分不予入库。`, `Fewer than ${p.scoring.minExperts} valid scores: not ranked; below ${p.scoring.threshold}: not admitted.`),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('method', '方法', 'Method'),
        col('status', '状态', 'Status'),
        col('score', '汇总得分', 'Aggregate', 'number', 2),
        col('experts', '有效评分数', 'Valid scores', 'number'),
        col('recused', '回避数', 'Recused', 'number'),
        col('outliers', '标记数', 'Flagged', 'number'),
      ],
      rows: rowsOf(f.aggregates, (a) => [a.appId, scoreMethod(a.method), scoreStatus(a.status), a.scoreDisplay === null ? null : Number(a.scoreDisplay), a.experts, a.recused, a.outliers]),
    },
    {
      id: 'caps',
      expectedRows: () => f.appCount,
      abridgeable: true,
      // Every application of a competitive category (the rows below skip the others).
      count: () => p.categories.filter((c) => c.allocation !== 'manual').reduce((n, c) => n + f.appCountIn(c.key), 0),
      title: text('补助上限计算（第8条）', 'Cap arithmetic (Art. 8)'),
      note: text(`上限 = min(申请金额, 比例 × 总投入, 单个项目上限)，向下取整到 ${p.unitFen / 100} 元。`, `cap = min(requested, ratio × total investment, per-project cap), rounded down to ${p.unitFen / 100} yuan.`),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('category', '类别', 'Category'),
        col('requested', '申请金额（元）', 'Requested (yuan)', 'money'),
        col('total_investment', '总投入（元）', 'Total investment (yuan)', 'money'),
        col('ratio_percent', '比例', 'Ratio', 'percent', 0),
        col('ratio_amount', '比例金额（元）', 'Ratio amount (yuan)', 'money'),
        col('per_project_cap', '单个项目上限（元）', 'Per-project cap (yuan)', 'money'),
        col('per_enterprise_cap', '每家企业上限（元）', 'Per-enterprise cap (yuan)', 'money'),
        col('cap', '上限（元）', 'Cap (yuan)', 'money'),
        col('binding', '限额依据', 'Binding limit'),
        col('article', '条款', 'Article'),
      ],
      rows: rowsOf(f.capInputs, (a): CellValue[] | null => {
        const cat = p.categories.find((c) => c.key === a.category);
        if (!cat || cat.allocation === 'manual') return null;
        const c = capInCategory({ category: a.category, requestedAmountFen: a.requestedFen, totalInvestmentFen: a.totalInvestmentFen }, cat, p.unitFen);
        return [a.id, category(a.category), c.requestedFen, c.totalInvestmentFen, c.ratioPercent, c.ratioFen, c.perProjectCapFen, c.perEnterpriseCapFen, c.capFen, binding(c.binding), articleCell(c.article)];
      }),
    },
    {
      id: 'allocation-versions',
      title: text('分配版本', 'Allocation versions'),
      columns: [
        col('version', '版本', 'Version', 'number'),
        col('method', '方法', 'Method'),
        col('shortfall', '预算不足时', 'Shortfall'),
        col('tie_break', '同分排序', 'Tie-break'),
        col('ties', '同分待审议', 'Ties', 'number'),
        col('created_at', '时间', 'At', 'instant'),
        col('created_by', '操作人', 'By'),
      ],
      rows: f.versions.map((v): CellValue[] => [v.version, coded(ALLOCATION_METHOD_LABELS, v.method), coded(SHORTFALL_LABELS, v.shortfall), tieBreakCell(v.tieBreak), v.ties, v.createdAt, v.createdBy]),
    },
    {
      id: 'allocation',
      expectedRows: () => (f.allocation ? f.appCount : 0),
      abridgeable: true,
      title: f.allocation ? text(`分配结果（第 ${f.allocation.version} 版）`, `Allocation (version ${f.allocation.version})`) : text('分配结果', 'Allocation'),
      note: f.allocation ? undefined : text('尚未分配。', 'Not yet allocated.'),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('category', '类别', 'Category'),
        col('cluster', '产业集群', 'Cluster'),
        col('rank', '排名', 'Rank', 'number'),
        col('score', '评分', 'Score', 'number', 2),
        col('cap', '上限（元）', 'Cap (yuan)', 'money'),
        col('entitled', '可得（元）', 'Entitled (yuan)', 'money'),
        moneyCol('allocated'),
        col('reason', '原因', 'Reason'),
        col('binding', '限额依据', 'Binding limit'),
      ],
      // The applications that have a line (or a manual award), by id.
      rows: rowsOf(f.standings, (d) => {
        const l = d.line;
        return l === null
          ? null
          : [
              l.appId,
              category(l.category),
              cluster(l.cluster),
              l.rank,
              l.scoreDisplay === null ? null : Number(l.scoreDisplay),
              l.capFen,
              l.entitledFen,
              moneyOf(d).allocated,
              reason(l.reason),
              binding(l.binding),
            ];
      }),
    },
    {
      id: 'objections',
      title: text('公示与异议（第11条）', 'Notice and objections (Art. 11)'),
      note: f.notices.length
        ? text(
            f.notices.map((n) => `公示 #${n.id}：${n.from} 至 ${n.to}，${n.itemCount} 项（${n.publishedBy} 于 ${n.publishedAt} 发布）`).join('；'),
            f.notices.map((n) => `notice #${n.id}: ${n.from} to ${n.to}, ${n.itemCount} award(s) (published by ${n.publishedBy} at ${n.publishedAt})`).join('; '),
          )
        : text('尚未公示。', 'Not yet on notice.'),
      columns: [
        col('objection', '异议编号', 'Objection'),
        col('application_id', '申报编号', 'Application'),
        col('received_on', '收到日期', 'Received', 'date'),
        col('from', '提出人', 'From'),
        col('accepted', '受理', 'Accepted'),
        col('status', '处理结果', 'Outcome'),
        col('resolved_on', '处理日期', 'Resolved', 'date'),
        col('note', '处理意见', 'Note'),
      ],
      rows: rowsOf(f.objections, (o) => [
        o.id,
        o.appId,
        o.receivedOn,
        o.from ?? text('匿名', 'anonymous'),
        yesNo(o.accepted),
        coded(OBJECTION_STATUS_LABELS, o.status),
        o.resolvedOn,
        o.note ?? coded(NOT_ACCEPTED_LABELS, o.notAcceptedReason),
      ]),
    },
    {
      id: 'filing-records',
      title: text('备案（第10条第（三）项）', 'Filing (Art. 10(3))'),
      note: text('哈希为备案金额的 SHA-256，jmfund verify 用它确认备案后金额未被改动。', 'The hash is the SHA-256 of the filed amounts; jmfund verify checks them against it.'),
      columns: [
        col('filing', '备案编号', 'Filing', 'number'),
        col('filed_on', '备案日期', 'Filed on', 'date'),
        col('count', '项目数', 'Awards', 'number'),
        col('total', '金额合计（元）', 'Total (yuan)', 'money'),
        col('hash', '哈希', 'Hash'),
        col('by', '操作人', 'By'),
      ],
      rows: f.filingRecords.map((x): CellValue[] => [x.id, x.filedOn, x.count, x.totalFen, x.hash, x.by]),
    },
    {
      id: 'filings',
      title: text('备案金额', 'Filed awards'),
      columns: [col('application_id', '申报编号', 'Application'), col('filing', '备案编号', 'Filing', 'number'), col('filed_on', '备案日期', 'Filed on', 'date'), col('filed', '备案金额（元）', 'Filed (yuan)', 'money')],
      rows: rowsOf(f.filings, (x) => [x.appId, x.filingId, x.filedOn, x.filedFen]),
    },
    {
      id: 'acceptances',
      title: text('验收（第14条）', 'Acceptance (Art. 14)'),
      columns: [
        col('application_id', '申报编号', 'Application'),
        col('date', '验收日期', 'Date', 'date'),
        col('result', '结果', 'Result'),
        col('actual_investment', '实际投入（元）', 'Actual investment (yuan)', 'money'),
        moneyCol('final'),
        col('actual_events', '实际培训场次', 'Events held', 'number'),
        col('actual_trainees', '实际培训人数', 'Trainees', 'number'),
        col('by', '操作人', 'By'),
      ],
      rows: rowsOf(f.acceptances, (x) => [x.appId, x.date, coded(ACCEPTANCE_RESULT_LABELS, x.result), x.actualInvestmentFen, x.finalAwardFen, x.actualEvents, x.actualTrainees, x.by]),
    },
    {
      id: 'payments',
      title: text('拨付（第13条）', 'Payments (Art. 13)'),
      columns: [col('application_id', '申报编号', 'Application'), col('date', '拨付日期', 'Date', 'date'), col('amount', '已拨付（元）', 'Paid (yuan)', 'money'), col('by', '操作人', 'By')],
      rows: rowsOf(f.payments, (x) => [x.appId, x.date, x.amountFen, x.by]),
    },
    {
      id: 'spot-checks',
      title: text('抽查（第16条）', 'Spot checks (Art. 16)'),
      columns: [col('application_id', '申报编号', 'Application'), col('drawn_on', '抽取日期', 'Drawn on', 'date'), col('seed', '随机种子', 'Seed'), col('result', '结果', 'Result'), col('finding', '发现', 'Finding')],
      rows: rowsOf(f.spotChecks, (x) => [x.appId, x.drawnOn, x.seed, coded(FINDING_LABELS, x.result), x.finding]),
    },
    {
      id: 'clawbacks',
      title: text('追缴（第10条第（四）项）', 'Clawbacks (Art. 10(4))'),
      columns: [
        col('clawback', '追缴编号', 'Clawback'),
        col('application_id', '申报编号', 'Application'),
        col('ordered_on', '日期', 'Ordered on', 'date'),
        col('amount', '应追缴（元）', 'Clawback due (yuan)', 'money'),
        col('source', '来源', 'Source'),
        col('reason', '原因', 'Reason'),
      ],
      rows: rowsOf(f.clawbacks, (x) => [x.id, x.appId, x.orderedOn, x.amountFen, coded(CLAWBACK_SOURCE_LABELS, x.source), x.reason]),
    },
    {
      id: 'recoveries',
      title: text('追回记录', 'Recoveries'),
      columns: [col('application_id', '申报编号', 'Application'), col('date', '日期', 'Date', 'date'), col('amount', '已追回（元）', 'Recovered (yuan)', 'money')],
      rows: rowsOf(f.recoveries, (x) => [x.appId, x.date, x.amountFen]),
    },
    {
      id: 'money',
      title: text('资金流程（每个申报）', 'Money through the stages (each application)'),
      abridgeable: true,
      note: text(
        '待追回 = 应追缴 − 已追回；净拨付 = 已拨付 − 已追回。只列出有金额的申报；各类别与批次合计见下一节。',
        'outstanding = clawback due − recovered; net paid = paid − recovered. Only applications with an amount are listed; the sums by category and for the round follow.',
      ),
      columns: [col('application_id', '申报编号', 'Application'), col('category', '类别', 'Category'), col('state', '状态', 'State'), ...APPLICATION_STAGES.map(moneyCol)],
      rows: {
        *[Symbol.iterator]() {
          // The sums of the next section are taken on the way: one pass over the round's dossiers instead of two.
          const tally = moneyTally(f);
          for (const d of f.standings) {
            const m = moneyOf(d);
            tally.add(d.app.category, m);
            if (APPLICATION_STAGES.every((s) => m[s] === 0)) continue;
            yield [d.app.id, category(d.app.category), state(d.app.state), ...APPLICATION_STAGES.map((s) => m[s])];
          }
          tallied = tally;
        },
      },
    },
    {
      id: 'money-totals',
      title: text('资金流程（按类别与批次合计）', 'Money through the stages (by category and for the round)'),
      columns: [col('category', '类别', 'Category'), ...MONEY_STAGES.map(moneyCol)],
      rows: {
        *[Symbol.iterator]() {
          // Summed while the money section was written; a reader that skipped it sums here.
          let tally = tallied;
          if (!tally) {
            tally = moneyTally(f);
            for (const d of f.standings) tally.add(d.app.category, moneyOf(d));
          }
          const row = (label: CellValue, t: MoneyTotals): CellValue[] => [label, ...MONEY_STAGES.map((s) => t[s])];
          for (const k of tally.categories()) {
            const t = tally.category(k);
            if (t.budget !== null || APPLICATION_STAGES.some((s) => t[s] !== 0n)) yield row(categoryCell(p, k), t);
          }
          yield row(text('合计', 'Round total'), tally.round());
        },
      },
    },
    {
      id: 'events',
      title: text('本批次事件（哈希链）', 'Events of this round (hash chain)'),
      columns: [col('seq', '序号', 'Seq', 'number'), col('at', '时间', 'At', 'instant'), col('officer', '操作人', 'Officer'), col('command', '命令', 'Command'), col('hash', '哈希', 'Hash')],
      rows: rowsOf(f.events, (e) => [e.seq, e.at, e.officer, e.command, e.hash]),
    },
  ];
  const m = roundMeta(f, generatedAt);
  m.push(
    meta('policy_hash', '政策文件哈希', 'Policy hash (SHA-256)', f.round.policyHash),
    meta('applications', '申报数', 'Applications', f.appCount, 'number'),
    meta('verify', '账本校验', 'Ledger verification', f.verify.ok ? text('校验通过', 'passed') : text(`发现 ${f.verify.problems.length} 个问题`, `${f.verify.problems.length} problem(s)`)),
    meta('events', '事件总数', 'Events in the ledger', f.verify.events, 'number'),
    meta('last_event_hash', '最后事件哈希', 'Hash of the last event', f.verify.lastHash),
  );
  if (f.verify.skipped.length) m.push(meta('skipped', '未运行的检查', 'Checks not run', f.verify.skipped.join(', ')));
  const verified = f.verify.ok ? text('账本校验通过：未发现问题', 'Ledger verified: no problem found') : text(`账本校验发现 ${f.verify.problems.length} 个问题`, `Ledger verification found ${f.verify.problems.length} problem(s)`);
  return withLazyHead({ kind: 'audit', title: REPORT_TITLES.audit, roundId: f.round.id, generatedAt, meta: m, sections }, () => {
    // The answer first: one pass for the summary and the charts before the long tables.
    const tally = new ChartTally(f);
    for (const d of f.standings) tally.add(d);
    return { charts: [...tally.charts(), eligibilityChart(eligibilityCounts())], summary: tally.summary({ ok: f.verify.ok, text: verified }) };
  });
}
