// `report notice` (公示名单, Art. 11): the public list. Only what the public
// sees: enterprise, project, category, award, the notice period and where
// objections go; no scores, caps or internal reasons. One section per notice
// published (an award withdrawn on an objection is no longer listed); before
// the first notice, the draft list of the current proposal.
import { REPORT_TITLES, type CellValue, type Report, type Section } from '../report.js';
import { text, type Text } from '../text.js';
import { categoryName, categoryOrder, col, meta, standingAwards, sum } from './common.js';
import type { RoundFacts } from './facts.js';

export const DEFAULT_OBJECTIONS_TO = text(
  '江门市工业和信息化局。异议须在公示期内以书面形式提出，个人署真实姓名、单位加盖公章；匿名或逾期的异议不予受理。',
  'Jiangmen Municipal Bureau of Industry and Information Technology, within the notice period, in writing, signed with a real name or sealed by a unit; anonymous or late objections are not accepted.',
);

const COLUMNS = [
  col('no', '序号', 'No.', 'number'),
  col('enterprise', '企业名称', 'Enterprise'),
  col('project', '项目名称', 'Project'),
  col('category', '支持类别', 'Category'),
  col('award', '拟补助金额（元）', 'Proposed award (yuan)', 'money'),
];

export function buildNotice(f: RoundFacts, generatedAt: string): Report {
  const apps = new Map(f.apps.map((a) => [a.id, a]));
  const order = categoryOrder(f.policy, f.apps.map((a) => a.category));
  const rank = new Map(f.lines.map((l) => [l.appId, l.rank ?? Infinity]));
  const sorted = (items: { appId: string; awardFen: number }[]) =>
    items
      .filter((i) => apps.has(i.appId) && apps.get(i.appId)?.state !== 'withdrawn')
      .sort((a, b) => {
        const ca = order.indexOf(apps.get(a.appId)!.category);
        const cb = order.indexOf(apps.get(b.appId)!.category);
        return ca - cb || (rank.get(a.appId) ?? Infinity) - (rank.get(b.appId) ?? Infinity) || (a.appId < b.appId ? -1 : 1);
      });
  let no = 0;
  const rowsOf = (items: { appId: string; awardFen: number }[]): CellValue[][] =>
    items.map((i) => {
      const a = apps.get(i.appId)!;
      return [++no, a.enterprise, a.project, categoryName(f.policy, a.category), i.awardFen];
    });
  const minDays = f.policy.notice.minDays;
  const sections: Section[] = [];
  let listed: { appId: string; awardFen: number }[] = [];
  let period: Text;
  if (f.notices.length) {
    for (const n of f.notices) {
      const items = sorted(n.items);
      listed = listed.concat(items);
      sections.push({
        id: `notice-${n.id}`,
        title: text(`公示 #${n.id}：${n.from} 至 ${n.to}（${n.days} 日）`, `Notice #${n.id}: ${n.from} to ${n.to} (${n.days} days)`),
        columns: COLUMNS,
        rows: rowsOf(items),
      });
    }
    period = text(f.notices.map((n) => `${n.from} 至 ${n.to}（${n.days} 日）`).join('；'), f.notices.map((n) => `${n.from} to ${n.to} (${n.days} days)`).join('; '));
  } else {
    listed = sorted([...standingAwards(f)].map(([appId, awardFen]) => ({ appId, awardFen })));
    sections.push({
      id: 'draft',
      title: text('拟支持项目（草稿，尚未公示）', 'Proposed awards (draft, not yet published)'),
      note: f.allocation ? undefined : text('尚未分配，名单为空。', 'No allocation yet: the list is empty.'),
      columns: COLUMNS,
      rows: rowsOf(listed),
    });
    period = text(`尚未公示（公示期不少于 ${minDays} 日）`, `not yet published (at least ${minDays} days)`);
  }
  return {
    kind: 'notice',
    title: REPORT_TITLES.notice,
    roundId: f.round.id,
    generatedAt,
    meta: [
      meta('round', '申报批次', 'Round', f.round.id),
      meta('fund', '资金名称', 'Fund', text('江门市工业互联网专项资金', 'Jiangmen Industrial Internet Special Fund')),
      meta('basis', '依据', 'Basis', text(`《${f.policy.title.zh}》（${f.policy.document}）第${f.policy.notice.article}条`, `${f.policy.title.en} (${f.policy.document}), Art. ${f.policy.notice.article}`)),
      meta('period', '公示期', 'Notice period', period),
      meta('objections_to', '异议受理', 'Objections to', DEFAULT_OBJECTIONS_TO),
      meta('count', '项目数', 'Projects', listed.length, 'number'),
      meta('total', '拟补助合计（元）', 'Total (yuan)', sum(listed.map((l) => l.awardFen)), 'money'),
    ],
    sections,
    charts: [],
  };
}
