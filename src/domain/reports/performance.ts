// `report performance` (绩效, Art. 3, 15): enterprises supported, investment
// leveraged per yuan, acceptance rate, training against targets. The amount a
// project is supported with is allocated before the round is filed and final
// after (the labels say which); the money sums are those of every output.
import { REPORT_TITLES, moneyCell, ratio, rowsOf, type CellValue, type Report } from './model.js';
import { text } from '../text.js';
import { awardBasis, categoryOrder, col, moneyCol, moneyOf, roundMeta, categoryCell } from './common.js';
import { MONEY_STAGE_LABELS } from '../labels.js';
import { ChartTally } from './charts.js';
import type { RoundFacts } from './facts.js';

const pct = (a: number, b: number): number | null => ratio(a * 100, b, 1);

interface CategoryTally {
  enterprises: number;
  projects: number;
  investment: bigint;
  decided: number;
  passed: number;
}

export function buildPerformance(f: RoundFacts, generatedAt: string): Report {
  const training = f.policy.categories.find((c) => c.minTrainingEvents !== undefined || c.minTrainees !== undefined);
  const targetEvents = training?.minTrainingEvents ?? null;
  const targetTrainees = training?.minTrainees ?? null;
  // One pass, by credit code so that an enterprise is counted once without a set of every enterprise.
  const tally = new ChartTally(f);
  const basis = awardBasis(f);
  const w = MONEY_STAGE_LABELS[basis];
  const perCat = new Map<string, CategoryTally>();
  const catOf = (k: string): CategoryTally => {
    let c = perCat.get(k);
    if (!c) perCat.set(k, (c = { enterprises: 0, projects: 0, investment: 0n, decided: 0, passed: 0 }));
    return c;
  };
  let enterprises = 0;
  let projects = 0;
  let investment = 0n;
  let decided = 0;
  let passed = 0;
  let actualInvestment = 0n;
  let finalAwards = 0n;
  let plannedEvents = 0;
  let plannedTrainees = 0;
  let actualEvents = 0;
  let actualTrainees = 0;
  let trainingProjects = 0;
  const fundedCats = new Set<string>();
  const decidedCats = new Set<string>();
  let uscc: string | null = null;
  let seenIn = new Set<string>(); // categories where the current enterprise is already counted
  for (const d of f.dossiers({ order: 'enterprise' })) {
    tally.add(d);
    const a = d.app;
    const acc = d.acceptance;
    const award = moneyOf(d)[basis];
    if (a.uscc !== uscc) {
      uscc = a.uscc;
      seenIn = new Set();
    }
    if (award > 0) {
      // Art. 3: an enterprise supported is one with an amount above zero (allocated, or final once filed).
      if (!seenIn.size) enterprises++;
      const c = catOf(a.category);
      if (!seenIn.has(a.category)) {
        seenIn.add(a.category);
        c.enterprises++;
      }
      fundedCats.add(a.category);
      projects++;
      investment += BigInt(a.totalInvestmentFen);
      c.projects++;
      c.investment += BigInt(a.totalInvestmentFen);
      if (training && a.category === training.key) {
        trainingProjects++;
        plannedEvents += a.trainingEvents ?? 0;
        plannedTrainees += a.trainees ?? 0;
        actualEvents += acc?.actualEvents ?? 0;
        actualTrainees += acc?.actualTrainees ?? 0;
      }
    }
    // Every project that went through acceptance counts, a failed one too (its award then stands at nothing).
    if (acc) {
      const c = catOf(a.category);
      decidedCats.add(a.category);
      decided++;
      c.decided++;
      if (acc.result === 'pass') {
        passed++;
        c.passed++;
        actualInvestment += BigInt(acc.actualInvestmentFen ?? 0);
        finalAwards += BigInt(acc.finalAwardFen ?? 0);
      }
    }
  }

  const ind = (zh: string, en: string, value: CellValue, unitZh: string, unitEn: string, target: CellValue = null): CellValue[] => [text(zh, en), value, text(unitZh, unitEn), target];
  const round = tally.round();
  const basisTotal = round[basis];
  const indicators: CellValue[][] = [
    ind(`获支持企业数（${w.zh}金额大于零）`, `Enterprises supported (${w.en} above zero)`, enterprises, '家', 'enterprises'),
    ind(`获支持项目数（${w.zh}金额大于零）`, `Projects supported (${w.en} above zero)`, projects, '个', 'projects'),
    ...(['allocated', 'final', 'net_paid'] as const).map((s) => {
      const l = MONEY_STAGE_LABELS[s];
      return ind(`${l.zh}合计`, `${l.en[0].toUpperCase()}${l.en.slice(1)} in all`, moneyCell(round[s]), '元', 'yuan');
    }),
    ind('获支持项目总投入', 'Total investment of supported projects', moneyCell(investment), '元', 'yuan'),
    ind(`每元${w.zh}金额带动投入`, `Investment leveraged per yuan of ${w.en}`, ratio(investment, basisTotal), '元', 'yuan'),
    ind('已验收项目数', 'Projects through acceptance', decided, '个', 'projects'),
    ind('验收通过率', 'Acceptance rate', pct(passed, decided), '%', '%'),
    ind('验收通过项目实际投入', 'Actual investment of accepted projects', moneyCell(actualInvestment), '元', 'yuan'),
    ind('验收通过项目每元核定金额带动实际投入', 'Actual investment per yuan of final (accepted projects)', ratio(actualInvestment, finalAwards), '元', 'yuan'),
    ...(training
      ? [
          ind('计划培训场次', 'Training events planned', plannedEvents, '场', 'events', targetEvents),
          ind('计划培训人数', 'Trainees planned', plannedTrainees, '人', 'trainees', targetTrainees),
          ind('实际培训场次（验收）', 'Training events held (at acceptance)', actualEvents, '场', 'events', targetEvents),
          ind('实际培训人数（验收）', 'Trainees trained (at acceptance)', actualTrainees, '人', 'trainees', targetTrainees),
        ]
      : []),
  ];

  const cats = categoryOrder(f.policy, fundedCats).filter((k) => fundedCats.has(k) || decidedCats.has(k));
  const byCategory = cats.map((k): CellValue[] => {
    const c = perCat.get(k) ?? { enterprises: 0, projects: 0, investment: 0n, decided: 0, passed: 0 };
    const t = tally.category(k);
    return [categoryCell(f.policy, k), c.enterprises, c.projects, t.allocated, t.final, c.investment, ratio(c.investment, t[basis]), c.decided, c.passed, pct(c.passed, c.decided)];
  });
  const trainingRows = training
    ? rowsOf(f.dossiers({ category: training.key }), (d): CellValue[] | null => {
        if (moneyOf(d)[basis] <= 0) return null;
        const a = d.app;
        return [a.id, a.enterprise, a.trainingEvents, a.trainees, d.acceptance?.actualEvents ?? null, d.acceptance?.actualTrainees ?? null, targetEvents, targetTrainees];
      })
    : [];

  return {
    kind: 'performance',
    title: REPORT_TITLES.performance,
    roundId: f.round.id,
    generatedAt,
    meta: roundMeta(f, generatedAt),
    sections: [
      {
        id: 'indicators',
        title: text('绩效指标', 'Indicators'),
        columns: [col('indicator', '指标', 'Indicator'), { ...col('value', '数值', 'Value', 'number', 2), wholeIntegers: true }, col('unit', '单位', 'Unit'), col('target', '目标', 'Target', 'number')],
        rows: indicators,
      },
      {
        id: 'by-category',
        title: text('按类别', 'By category'),
        columns: [
          col('category', '类别', 'Category'),
          col('enterprises', '企业数', 'Enterprises', 'number'),
          col('projects', '项目数', 'Projects', 'number'),
          moneyCol('allocated'),
          moneyCol('final'),
          col('investment', '获支持项目总投入（元）', 'Investment of supported projects (yuan)', 'money'),
          col('leverage', `每元${w.zh}金额带动投入`, `Investment per yuan of ${w.en}`, 'number', 2),
          col('acceptance_decided', '验收完成数', 'Through acceptance', 'number'),
          col('acceptance_passed', '验收通过数', 'Passed', 'number'),
          col('acceptance_rate', '通过率', 'Pass rate', 'percent', 1),
        ],
        rows: byCategory,
      },
      {
        id: 'training',
        title: text('人才培养（第8条第（四）项）', 'Talent training (Art. 8(4))'),
        note: trainingProjects ? undefined : text('本批次无获支持的人才培养项目。', 'No talent-training project funded in this round.'),
        columns: [
          col('application_id', '申报编号', 'Application'),
          col('enterprise', '企业名称', 'Enterprise'),
          col('planned_events', '计划场次', 'Events planned', 'number'),
          col('planned_trainees', '计划人数', 'Trainees planned', 'number'),
          col('actual_events', '实际场次', 'Events held', 'number'),
          col('actual_trainees', '实际人数', 'Trainees trained', 'number'),
          col('target_events', '目标场次', 'Target events', 'number'),
          col('target_trainees', '目标人数', 'Target trainees', 'number'),
        ],
        rows: trainingRows,
      },
    ],
    charts: tally.charts(),
    summary: tally.summary(),
  };
}
