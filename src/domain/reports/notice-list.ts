// `report notice` (公示名单, Art. 11): the public list. Only what the public
// sees: enterprise, project, category, award, the notice period and where
// objections go; no scores, caps or internal reasons. One section per notice
// published (an award withdrawn on an objection is no longer listed); before
// the first notice, the draft list of the current proposal.
import { REPORT_TITLES, rowsOf, type CellValue, type Report, type Section } from './model.js';
import { text, type Text } from '../text.js';
import { categoryOrder, col, meta, moneyOf } from './common.js';
import { categoryLabel, districtLabel } from '../labels.js';
import { policyIdWithHash, type Policy } from '../policy.js';
import type { FactsDossier, RoundFacts } from './facts.js';

export const DEFAULT_OBJECTIONS_TO = text(
  '江门市工业和信息化局。异议须在公示期内以书面形式提出，个人署真实姓名、单位加盖公章；匿名或逾期的异议不予受理。',
  'Jiangmen Municipal Bureau of Industry and Information Technology, within the notice period, in writing, signed with a real name or sealed by a unit; anonymous or late objections are not accepted.',
);

// The columns of a Guangdong public notice (公示名单): where the enterprise is,
// who it is (name and credit code), the project, the category and the amount.
const COLUMNS = [
  col('no', '序号', 'No.', 'number'),
  col('district', '所属区（市）', 'District'),
  col('enterprise', '企业名称', 'Enterprise'),
  col('uscc', '统一社会信用代码', 'Unified social credit code'),
  col('project', '项目名称', 'Project'),
  col('category', '支持类别', 'Category'),
  col('award', '拟补助金额（元）', 'Proposed award (yuan)', 'money'),
];

/** One award on a notice as the public reads it. */
export interface NoticeEntry {
  applicationId: string;
  enterprise: string;
  uscc: string;
  district: string;
  project: string;
  category: string;
  /** Rank in its category's allocation; null for a manual award (Art. 7(5)). */
  rank: number | null;
  awardFen: number;
}

export interface NoticeListing {
  id: number;
  from: string;
  to: string;
  days: number;
  entries: readonly NoticeEntry[];
}

/**
 * What a notice document is made of: the round, its policy, and the notices
 * published (or, before the first, the draft of the current proposal). Both
 * `report notice` and `publicize --out` build their document from this.
 */
export interface NoticeDocumentInput {
  roundId: string;
  policy: Policy;
  policyId: string;
  policyHash: string;
  notices: readonly NoticeListing[];
  /** Before the first notice: what the current proposal would publish; null when nothing is allocated. */
  draft: readonly NoticeEntry[] | null;
}

/** Category in policy order, then rank (manual awards last), then application id. */
function listed(policy: Policy, entries: readonly NoticeEntry[]): NoticeEntry[] {
  const order = categoryOrder(policy, entries.map((e) => e.category));
  const pos = new Map(order.map((k, i) => [k, i]));
  return [...entries].sort(
    (a, b) =>
      (pos.get(a.category) ?? 0) - (pos.get(b.category) ?? 0) ||
      (a.rank ?? Infinity) - (b.rank ?? Infinity) ||
      (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0),
  );
}

/** The public notice (公示名单) as one document: the same for the report and for publicize's file. */
export function noticeDocument(input: NoticeDocumentInput, generatedAt: string): Report {
  const { policy } = input;
  const minDays = policy.notice.minDays;
  const sections: Section[] = [];
  let count = 0;
  let total = 0n;
  const rowsOfList = (entries: NoticeEntry[], first: number): Iterable<CellValue[]> =>
    rowsOf(entries.map((e, i) => ({ e, no: first + i })), ({ e, no }): CellValue[] => [no, districtLabel(policy, e.district), e.enterprise, e.uscc, e.project, categoryLabel(policy, e.category), e.awardFen]);
  let period: Text;
  if (input.notices.length) {
    for (const n of input.notices) {
      const entries = listed(policy, n.entries.filter((e) => e.awardFen > 0));
      const first = count + 1;
      count += entries.length;
      for (const e of entries) total += BigInt(e.awardFen);
      sections.push({
        id: `notice-${n.id}`,
        title: text(`公示 #${n.id}：${n.from} 至 ${n.to}（${n.days} 日）`, `Notice #${n.id}: ${n.from} to ${n.to} (${n.days} days)`),
        columns: COLUMNS,
        rows: rowsOfList(entries, first),
      });
    }
    period = text(input.notices.map((n) => `${n.from} 至 ${n.to}（${n.days} 日）`).join('；'), input.notices.map((n) => `${n.from} to ${n.to} (${n.days} days)`).join('; '));
  } else {
    const entries = listed(policy, (input.draft ?? []).filter((e) => e.awardFen > 0));
    count = entries.length;
    for (const e of entries) total += BigInt(e.awardFen);
    sections.push({
      id: 'draft',
      title: text('拟支持项目（草稿，尚未公示）', 'Proposed awards (draft, not yet published)'),
      note: input.draft ? undefined : text('尚未分配，名单为空。', 'No allocation yet: the list is empty.'),
      columns: COLUMNS,
      rows: rowsOfList(entries, 1),
    });
    period = text(`尚未公示（公示期不少于 ${minDays} 日）`, `not yet published (at least ${minDays} days)`);
  }
  return {
    kind: 'notice',
    title: REPORT_TITLES.notice,
    roundId: input.roundId,
    generatedAt,
    meta: [
      meta('round', '申报批次', 'Round', input.roundId),
      meta('fund', '资金名称', 'Fund', text('江门市工业互联网专项资金', 'Jiangmen Industrial Internet Special Fund')),
      meta('basis', '依据', 'Basis', text(`《${policy.title.zh}》（${policy.document}）第${policy.notice.article}条`, `${policy.title.en} (${policy.document}), Art. ${policy.notice.article}`)),
      meta('period', '公示期', 'Notice period', period),
      meta('objections_to', '异议受理', 'Objections to', DEFAULT_OBJECTIONS_TO),
      meta('count', '项目数', 'Projects', count, 'number'),
      meta('total', '拟补助合计（元）', 'Total (yuan)', total, 'money'),
      // The policy, not the ledger's newest event: a public document names its basis,
      // and publicize --out (written before its own event) stays the document report notice prints.
      meta('policy_id', '策略编号', 'Policy id', policyIdWithHash(input.policyId, input.policyHash)),
    ],
    sections,
    charts: [],
  };
}

/** `report notice` from the ledger's facts. A withdrawn award is no longer listed. */
export function buildNotice(f: RoundFacts, generatedAt: string): Report {
  const entry = (d: FactsDossier, awardFen: number): NoticeEntry => ({
    applicationId: d.app.id,
    enterprise: d.app.enterprise,
    uscc: d.app.uscc,
    district: d.app.district,
    project: d.app.project,
    category: d.app.category,
    rank: d.line?.rank ?? null,
    awardFen,
  });
  const entries = (awardOf: (d: FactsDossier) => number, notice?: number): NoticeEntry[] => {
    const out: NoticeEntry[] = [];
    for (const d of f.dossiers({ order: 'rank', notice })) if (d.app.state !== 'withdrawn') out.push(entry(d, awardOf(d)));
    return out;
  };
  return noticeDocument(
    {
      roundId: f.round.id,
      policy: f.policy,
      policyId: f.round.policyId,
      policyHash: f.round.policyHash,
      notices: f.notices.map((n) => ({ id: n.id, from: n.from, to: n.to, days: n.days, entries: entries((d) => d.noticeAwardFen ?? 0, n.id) })),
      draft: f.notices.length ? [] : f.allocation ? entries((d) => moneyOf(d).allocated) : null,
    },
    generatedAt,
  );
}
