// `report notice` (公示名单, Art. 11): the public list. Only what the public
// sees: enterprise, project, category, award, the notice period and where
// objections go; no scores, caps or internal reasons. One section per notice
// published (an award withdrawn on an objection is no longer listed); before
// the first notice, the draft list of the current proposal.
import { REPORT_TITLES, rowsOf, type CellValue, type Report, type Section } from './model.js';
import { text, type Text } from '../text.js';
import { categoryOrder, col, meta, moneyOf, provenance } from './common.js';
import { categoryLabel } from '../labels.js';
import type { FactsDossier, RoundFacts } from './facts.js';

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

type Listed = { no: number; enterprise: string; project: string; category: string; awardFen: number };

export function buildNotice(f: RoundFacts, generatedAt: string): Report {
  const order = categoryOrder(f.policy, f.appCategories).filter((k) => f.appCategories.includes(k));
  // The awards of one list (a notice, or the draft of the proposal) by category, rank and id; numbered from `first`.
  // A withdrawn award is no longer listed.
  const listOf = (awardOf: (d: FactsDossier) => number, notice?: number) => ({
    *items(first = 1): Generator<Listed> {
      let no = first;
      for (const category of order) {
        for (const d of f.dossiers({ category, order: 'rank', notice })) {
          const awardFen = awardOf(d);
          if (d.app.state === 'withdrawn' || awardFen <= 0) continue;
          yield { no: no++, enterprise: d.app.enterprise, project: d.app.project, category: d.app.category, awardFen };
        }
      }
    },
  });
  const rowsOfList = (list: ReturnType<typeof listOf>, first: number) =>
    rowsOf({ [Symbol.iterator]: () => list.items(first) }, (i): CellValue[] => [i.no, i.enterprise, i.project, categoryLabel(f.policy, i.category), i.awardFen]);
  const minDays = f.policy.notice.minDays;
  const sections: Section[] = [];
  let count = 0;
  let total = 0n;
  let period: Text;
  if (f.notices.length) {
    for (const n of f.notices) {
      const list = listOf((d) => d.noticeAwardFen ?? 0, n.id);
      const first = count + 1;
      // Counted now: the meta (count, total) comes before the lists.
      for (const i of list.items()) {
        count++;
        total += BigInt(i.awardFen);
      }
      sections.push({
        id: `notice-${n.id}`,
        title: text(`公示 #${n.id}：${n.from} 至 ${n.to}（${n.days} 日）`, `Notice #${n.id}: ${n.from} to ${n.to} (${n.days} days)`),
        columns: COLUMNS,
        rows: rowsOfList(list, first),
      });
    }
    period = text(f.notices.map((n) => `${n.from} 至 ${n.to}（${n.days} 日）`).join('；'), f.notices.map((n) => `${n.from} to ${n.to} (${n.days} days)`).join('; '));
  } else {
    // Not yet published: the draft lists what is allocated.
    const list = listOf((d) => moneyOf(d).allocated);
    for (const i of list.items()) {
      count++;
      total += BigInt(i.awardFen);
    }
    sections.push({
      id: 'draft',
      title: text('拟支持项目（草稿，尚未公示）', 'Proposed awards (draft, not yet published)'),
      note: f.allocation ? undefined : text('尚未分配，名单为空。', 'No allocation yet: the list is empty.'),
      columns: COLUMNS,
      rows: rowsOfList(list, 1),
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
      meta('count', '项目数', 'Projects', count, 'number'),
      meta('total', '拟补助合计（元）', 'Total (yuan)', total, 'money'),
      ...provenance(f.round.policyId, f.round.policyHash, f.head),
    ],
    sections,
    charts: [],
  };
}
