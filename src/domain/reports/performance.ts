// `report performance` (绩效, Art. 3, 15): enterprises supported, investment
// leveraged per yuan of subsidy, acceptance rate, training against targets.
import { REPORT_TITLES, moneyCell, ratio, type CellValue, type Report } from '../report.js';
import { text } from '../text.js';
import { categoryName, categoryOrder, col, roundMeta, standingAwards, sum } from './common.js';
import { roundCharts } from './charts.js';
import type { FactsAcceptance, FactsApp, RoundFacts } from './facts.js';

function acceptanceOf(f: RoundFacts): Map<string, FactsAcceptance> {
  // The latest acceptance decision of each application counts.
  const m = new Map<string, FactsAcceptance>();
  for (const a of [...f.acceptances].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))) m.set(a.appId, a);
  return m;
}

const pct = (a: number, b: number): number | null => ratio(a * 100, b, 1);

export function buildPerformance(f: RoundFacts, generatedAt: string): Report {
  const awards = standingAwards(f);
  const acc = acceptanceOf(f);
  const funded = f.apps.filter((a) => awards.has(a.id));
  const enterprises = new Set(funded.map((a) => a.uscc));
  const awardTotal = sum(funded.map((a) => awards.get(a.id) ?? 0));
  const investment = sum(funded.map((a) => a.totalInvestmentFen));
  // Every project that went through acceptance counts, a failed one too (its award then stands at nothing).
  const decided = f.apps.filter((a) => acc.has(a.id));
  const passed = decided.filter((a) => acc.get(a.id)?.result === 'pass');
  const actualInvestment = sum(passed.map((a) => acc.get(a.id)?.actualInvestmentFen ?? 0));
  const finalAwards = sum(passed.map((a) => acc.get(a.id)?.finalAwardFen ?? 0));
  const training = f.policy.categories.find((c) => c.minTrainingEvents !== undefined || c.minTrainees !== undefined);
  const trainingApps: FactsApp[] = training ? funded.filter((a) => a.category === training.key) : [];
  const targetEvents = training?.minTrainingEvents ?? null;
  const targetTrainees = training?.minTrainees ?? null;
  const plannedEvents = sum(trainingApps.map((a) => a.trainingEvents ?? 0));
  const plannedTrainees = sum(trainingApps.map((a) => a.trainees ?? 0));
  const actualEvents = sum(trainingApps.map((a) => acc.get(a.id)?.actualEvents ?? 0));
  const actualTrainees = sum(trainingApps.map((a) => acc.get(a.id)?.actualTrainees ?? 0));

  const ind = (zh: string, en: string, value: CellValue, unitZh: string, unitEn: string, target: CellValue = null): CellValue[] => [text(zh, en), value, text(unitZh, unitEn), target];
  const indicators: CellValue[][] = [
    ind('获支持企业数', 'Enterprises supported', enterprises.size, '家', 'enterprises'),
    ind('获支持项目数', 'Projects supported', funded.length, '个', 'projects'),
    ind('补助合计', 'Subsidy awarded', moneyCell(awardTotal), '元', 'yuan'),
    ind('项目总投入', 'Total investment of supported projects', moneyCell(investment), '元', 'yuan'),
    ind('每元补助带动投入', 'Investment leveraged per yuan of subsidy', ratio(investment, awardTotal), '元', 'yuan'),
    ind('已验收项目数', 'Projects through acceptance', decided.length, '个', 'projects'),
    ind('验收通过率', 'Acceptance rate', pct(passed.length, decided.length), '%', '%'),
    ind('验收通过项目实际投入', 'Actual investment of accepted projects', moneyCell(actualInvestment), '元', 'yuan'),
    ind('验收后每元补助带动实际投入', 'Actual investment per yuan of final award', ratio(actualInvestment, finalAwards), '元', 'yuan'),
    ...(training
      ? [
          ind('计划培训场次', 'Training events planned', plannedEvents, '场', 'events', targetEvents),
          ind('计划培训人数', 'Trainees planned', plannedTrainees, '人', 'trainees', targetTrainees),
          ind('实际培训场次（验收）', 'Training events held (at acceptance)', actualEvents, '场', 'events', targetEvents),
          ind('实际培训人数（验收）', 'Trainees trained (at acceptance)', actualTrainees, '人', 'trainees', targetTrainees),
        ]
      : []),
  ];

  const cats = categoryOrder(f.policy, funded.map((a) => a.category)).filter((k) => funded.some((a) => a.category === k) || decided.some((a) => a.category === k));
  const byCategory = cats.map((k): CellValue[] => {
    const apps = funded.filter((a) => a.category === k);
    const award = sum(apps.map((a) => awards.get(a.id) ?? 0));
    const inv = sum(apps.map((a) => a.totalInvestmentFen));
    const dec = f.apps.filter((a) => a.category === k && acc.has(a.id));
    const pass = dec.filter((a) => acc.get(a.id)?.result === 'pass').length;
    return [categoryName(f.policy, k), new Set(apps.map((a) => a.uscc)).size, apps.length, award, inv, ratio(inv, award), dec.length, pass, pct(pass, dec.length)];
  });

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
          col('award', '补助（元）', 'Award (yuan)', 'money'),
          col('investment', '总投入（元）', 'Investment (yuan)', 'money'),
          col('leverage', '每元补助带动投入', 'Investment per yuan', 'number', 2),
          col('acceptance_decided', '已验收', 'Through acceptance', 'number'),
          col('acceptance_passed', '验收通过', 'Passed', 'number'),
          col('acceptance_rate', '通过率', 'Pass rate', 'percent', 1),
        ],
        rows: byCategory,
      },
      {
        id: 'training',
        title: text('人才培养（第8条第（四）项）', 'Talent training (Art. 8(4))'),
        note: trainingApps.length ? undefined : text('本批次无获支持的人才培养项目。', 'No talent-training project funded in this round.'),
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
        rows: trainingApps.map((a) => [
          a.id,
          a.enterprise,
          a.trainingEvents,
          a.trainees,
          acc.get(a.id)?.actualEvents ?? null,
          acc.get(a.id)?.actualTrainees ?? null,
          targetEvents,
          targetTrainees,
        ]),
      },
    ],
    charts: roundCharts(f),
  };
}
