// The public-notice list (公示名单) that publicize writes: one row per award on
// the new notice, with the notice period; headers in the officer's language.
import { categoryLabel } from '../../domain/labels.js';
import { yuanPlain } from '../../domain/money.js';
import type { Policy } from '../../domain/policy.js';
import { type Lang, text } from '../../domain/text.js';
import { toCsv } from './csv.js';

export interface NoticeListItem {
  application_id: string;
  enterprise_name: string;
  uscc: string;
  project_name: string;
  category: string;
  award_fen: number;
}

export interface NoticeList {
  policy: Policy;
  period: { startsOn: string; endsOn: string };
  items: readonly NoticeListItem[];
}

const HEADER = [
  text('序号', 'No.'),
  text('申报编号', 'application_id'),
  text('企业名称', 'enterprise'),
  text('统一社会信用代码', 'USCC'),
  text('项目名称', 'project'),
  text('申报类别', 'category'),
  text('拟支持金额（元）', 'award (yuan)'),
  text('公示开始', 'notice from'),
  text('公示截止', 'notice through'),
];

export function noticeListCsv(list: NoticeList, lang: Lang): string {
  const rows = list.items.map((p, i) => [
    i + 1,
    p.application_id,
    p.enterprise_name,
    p.uscc,
    p.project_name,
    categoryLabel(list.policy, p.category)[lang],
    yuanPlain(p.award_fen),
    list.period.startsOn,
    list.period.endsOn,
  ]);
  return toCsv([HEADER.map((h) => h[lang]), ...rows]);
}
