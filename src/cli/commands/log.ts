// jmfund log: the event log, who did what when (谁审批、谁负责; SPEC §11).
import type { Command } from 'commander';
import { DEFAULT_TIME_ZONE } from '../../domain/dates.js';
import {
  ACCEPTANCE_REASON_LABELS,
  ACCEPTANCE_RESULT_LABELS,
  ALLOCATION_METHOD_LABELS,
  BINDING_LABELS,
  CLAWBACK_SOURCE_LABELS,
  EVENT_COMMAND_LABELS,
  FINDING_LABELS,
  MONEY_STAGE_LABELS,
  NOT_ACCEPTED_LABELS,
  OBJECTION_STATUS_LABELS,
  REASON_LABELS,
  SCORE_METHOD_LABELS,
  SCORE_STATUS_LABELS,
  SHORTFALL_LABELS,
  SIDE_LIST_LABELS,
  TIE_BREAK_LABELS,
  labelOf,
  stateLabel,
} from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text, type Lang, type Text } from '../../domain/text.js';
import { eventLog, logHead, type Json } from '../../ops/log.js';
import type { Context } from '../context.js';
import { dateOption, positiveCountOption } from '../options.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';
import { words } from '../words.js';

interface LogOptions {
  round?: string;
  app?: string;
  officer?: string;
  command?: string;
  since?: string;
  until?: string;
  limit?: string;
  head?: boolean;
}

const isText = (v: Json): v is { zh: string; en: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.zh === 'string' && typeof v.en === 'string' && Object.keys(v).length === 2;

/** How detail values are shown: in the chosen language, instants in the officer's zone. */
export interface DetailWords {
  lang: Lang;
  /** ISO instant → `2022-08-15 14:02` (ctx.instant); identity keeps them as stored. */
  instant?: (iso: string) => string;
  /** A ledger code (state, category, rule, outcome…) by its name in the chosen language; null when it is none. */
  code?: (c: string) => string | null;
  /** The command that wrote the details: a few keys mean something else in one command's event. */
  command?: string;
}

// Maps whose values are amounts in fen though their key does not say so (round create's budgets).
const FEN_MAPS = new Set(['budgets', 'budgets_fen']);

// The detail keys an officer meets most, in Chinese; any other key is shown as stored.
const DETAIL_KEYS_ZH: Readonly<Record<string, string>> = {
  before: '原状态',
  after: '新状态',
  amount: '金额',
  awards: '补助',
  award: '补助',
  total: '合计',
  count: '项数',
  hash: '哈希',
  reason: '理由',
  note: '说明',
  voucher: '凭证',
  file: '文件',
  result: '结果',
  rule: '规则',
  outcome: '结果',
  finding: '结论',
  basis: '依据',
  version: '版本',
  method: '方法',
  seed: '种子',
  sample: '样本',
  population: '总体',
  paid: MONEY_STAGE_LABELS.paid.zh,
  final_award: MONEY_STAGE_LABELS.final.zh,
  filed_award: MONEY_STAGE_LABELS.filed.zh,
  cap: '上限',
  clawback: EVENT_COMMAND_LABELS.clawback.zh,
  clawback_due: MONEY_STAGE_LABELS.clawback_due.zh,
  actual_investment: '实际投入',
  requested: BINDING_LABELS.requested.zh,
  awarded: '已安排',
  budget: MONEY_STAGE_LABELS.budget.zh,
  paid_on: '拨付日期',
  recovered_on: '追回日期',
  ordered_on: '追缴日期',
  accepted_on: '验收日期',
  found_on: '检查日期',
  drawn_on: '抽样日期',
  decided_on: '决定日期',
  received_on: '收到日期',
  from: '提出人',
  text: '内容',
  status: '状态',
  states: '状态',
  check_id: '抽查编号',
  finding_id: '检查记录编号',
  clawback_id: '追缴编号',
  recovery_id: '追回编号',
  payment_id: '拨付编号',
  objection_id: '异议编号',
  notice_id: '公示编号',
  certain: '必查',
  size: '样本量',
  stratify: '分层',
  always_above: '必查金额门槛',
  order: '排序',
  prng: '随机数算法',
  application_id: '申报编号',
  applications: '申报数',
  as_of: '核查基准日',
  by_status: '按状态',
  changes: '变化',
  status_changes: '状态变化',
  decisions_kept: '保留的人工决定',
  decisions_set_aside: '不再适用的人工决定',
  rows: '行数',
  new: '新增',
  updated: '更新',
  already_there: '已存在',
  repeated_in_file: '文件内重复',
  not_applications: '合计行或说明行（未导入）',
  not_scores: '说明行（未导入）',
  rejected: '出错',
  kind: '类型',
  opens_on: '开始',
  closes_on: '截止',
  created_at: '创建时间',
  created_by: '创建人',
  policy: '策略',
  policy_hash: '策略哈希',
  budgets: MONEY_STAGE_LABELS.budget.zh,
  round: '批次',
  category: '类别',
  categories: '各类别',
  schema: '账本结构版本',
  table: '数据表',
  sha256: 'SHA-256',
  header_line: '表头所在行',
  rejects_file: '出错行文件',
  updates: '更新的申报',
  inserted: '新增',
  unchanged: '未变',
  source: '来源',
  line: '行号',
  decision_id: '决定编号',
  evidence_hash: '证据哈希',
  claimed_result: '验收结论（申报）',
  trainees: '培训人数',
  training_events: '培训场次',
  set_on: '核定日期',
  article: '条款',
  resolved_on: '处理日期',
  filed_on: '备案日期',
  filing_id: '备案编号',
  allocation_version: '分配版本',
  days: '天数',
  through: '截止',
  out: '输出文件',
  threshold: '入库分数线',
  min_experts: '最少专家数',
  outlier_gap: '离群分差',
  outliers: '离群评分',
  valid_scores: '有效评分',
  scored: SCORE_STATUS_LABELS.scored.zh,
  participants: '参与排名',
  proposed: stateLabel('proposed').zh,
  not_funded: stateLabel('not-funded').zh,
  funded: REASON_LABELS.funded.zh,
  kept: '保留的补助',
  excluded: '排除的申报',
  ties: '资助线两侧同分',
  tie_break: '同分排序',
  shortfall: '预算不足时',
};

/** Keys that mean something else in one command's event (publicize's `from` is the notice's first day, not who objected). */
const COMMAND_KEYS_ZH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  publicize: { from: '公示开始', through: '公示截止', days: '公示天数', out: '公示名单文件' },
};

/** Values that are codes of one key's own list, by key (`credit` is a side list in lists import, a rule elsewhere). */
const VALUE_LABELS: Readonly<Record<string, Readonly<Record<string, Text>>>> = {
  kind: SIDE_LIST_LABELS,
  status: OBJECTION_STATUS_LABELS,
  reason: { ...NOT_ACCEPTED_LABELS, ...ACCEPTANCE_REASON_LABELS },
  method: { ...SCORE_METHOD_LABELS, ...ALLOCATION_METHOD_LABELS },
  shortfall: SHORTFALL_LABELS,
  tie_break: TIE_BREAK_LABELS,
  claimed_result: ACCEPTANCE_RESULT_LABELS,
  source: CLAWBACK_SOURCE_LABELS,
  binding: BINDING_LABELS,
};
/** Events `log` shows on a terminal without --limit: the newest. */
const TTY_LOG_EVENTS = 200;
/** Narrower than this, a terminal gets the log as paragraphs: the table's details column would be under 40 columns. */
const LOG_TABLE_COLUMNS = 120;

const STATE_KEYS = new Set(['before', 'after', 'state', 'states']);

/**
 * Details as `key=value` pairs for a person, one string each (a value that is
 * not an object: itself): bilingual texts in the chosen language, `…_fen`
 * amounts in yuan with separators, instants in the officer's zone, states by
 * their label; lists of more than 10 cut (--json has them whole).
 */
function detailParts(d: Json, w: DetailWords | Lang): string[] {
  const { lang, instant = (s: string) => s, code = () => null, command = '' } = typeof w === 'string' ? { lang: w } : w;
  const key = (k: string): string => {
    const base = k.endsWith('_fen') ? k.slice(0, -4) : k;
    if (lang !== 'zh') return base;
    // A count by score status or allocation reason (scores aggregate's below-threshold=2) is named by its label.
    return COMMAND_KEYS_ZH[command]?.[base] ?? DETAIL_KEYS_ZH[base] ?? code(base) ?? (Object.hasOwn(REASON_LABELS, base) ? REASON_LABELS[base as keyof typeof REASON_LABELS].zh : base);
  };
  const val = (v: Json, k = ''): string => {
    if (v === null) return '—';
    if (isText(v)) return v[lang];
    if (typeof v === 'number' && k.endsWith('_fen') && Number.isSafeInteger(v)) return lang === 'zh' ? `${formatYuan(v)} 元` : `¥${formatYuan(v)}`;
    if (typeof v === 'string' && lang === 'zh' && STATE_KEYS.has(k)) return stateLabel(v).zh;
    if (typeof v === 'string' && lang === 'zh' && k === 'finding') return labelOf(FINDING_LABELS, v).zh;
    if (typeof v === 'string' && lang === 'zh' && Object.hasOwn(VALUE_LABELS[k] ?? {}, v)) return VALUE_LABELS[k][v].zh;
    if (typeof v === 'string' && lang === 'zh' && /^[a-z][a-z0-9-]*$/.test(v)) return code(v) ?? v;
    if (typeof v === 'string') return instant(v);
    // finalize's awards: [application, fen] pairs.
    if (Array.isArray(v) && k === 'awards' && v.every((x) => Array.isArray(x) && x.length === 2 && typeof x[1] === 'number')) {
      return `[${v.slice(0, 10).map((x) => `${val((x as Json[])[0])} ${val((x as Json[])[1], 'award_fen')}`).join(', ')}${v.length > 10 ? `, … (+${v.length - 10})` : ''}]`;
    }
    if (Array.isArray(v)) return `[${v.slice(0, 10).map((x) => val(x, k)).join(', ')}${v.length > 10 ? `, … (+${v.length - 10})` : ''}]`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k2, x]) => `${key(k2)}=${val(x, FEN_MAPS.has(k) && typeof x === 'number' ? `${k2}_fen` : k2)}`).join(', ')}}`;
    return String(v);
  };
  if (typeof d !== 'object' || d === null || Array.isArray(d) || isText(d)) return [val(d)];
  return Object.entries(d).map(([k, v]) => `${key(k)}=${val(v, k)}`);
}

/** An event's details as one line: `key=value; key=value`. */
export const detailsText = (d: Json, w: DetailWords | Lang): string => detailParts(d, w).join('; ');

function headCommand(ctx: Context): Output {
  const h = logHead(ctx.db());
  return {
    json: h,
    // One line a script or an officer can copy: `verify --anchor SEQ:HASH` takes it back.
    human: (p) => p.line(`${h.seq} ${h.hash}${h.at ? ` ${h.at}` : ''}`),
  };
}

/** The header of a time column: the zone the times are shown in. */
export function timeHeader(tz: string): Text {
  return tz === DEFAULT_TIME_ZONE ? text('时间（北京时间）', 'at (China time)') : text(`时间（${tz}）`, `at (${tz})`);
}

function logCommand(ctx: Context, opts: LogOptions): Output {
  if (opts.head) return headCommand(ctx);
  const since = opts.since === undefined ? undefined : dateOption('since', opts.since);
  const until = opts.until === undefined ? undefined : dateOption('until', opts.until);
  const limit = positiveCountOption('limit', opts.limit);
  // --command takes the command typed (accept) or its name as the log shows it (验收).
  const command = opts.command === undefined ? undefined : (Object.entries(EVENT_COMMAND_LABELS).find(([, l]) => l.zh === opts.command || l.en === opts.command)?.[0] ?? opts.command);
  // On a terminal, without --limit, the newest TTY_LOG_EVENTS (a province's review writes an event per decision);
  // --json and a pipe get every event.
  const cut = limit === undefined && !ctx.json && !!process.stdout.isTTY;
  const { events, count, matching } = eventLog(ctx.db(), { roundId: opts.round, applicationId: opts.app, officer: opts.officer, command, since, until, limit: cut ? TTY_LOG_EVENTS : limit });
  return {
    json: { events, count },
    human: (p) => {
      const w = words(ctx);
      if (!events.length) {
        p.line(ctx.t(text('没有符合条件的事件。', 'no events match.')));
        return;
      }
      p.table(
        [text('序号', 'seq'), timeHeader(ctx.tz), text('操作人', 'officer'), text('命令', 'command'), text('批次', 'round'), text('申报', 'applications'), text('详情', 'details')],
        events.map((e) => {
          const label = labelOf(EVENT_COMMAND_LABELS, e.command);
          const ids = e.app_ids.length > 5 ? `${e.app_ids.slice(0, 5).join(', ')} … (+${e.app_ids.length - 5})` : e.app_ids.join(', ');
          const command = ctx.lang === 'zh' ? label.zh : label.en !== e.command ? `${e.command} (${label.en})` : e.command;
          return [e.seq, ctx.instant(e.at), e.officer, command, e.round_id ?? '', ids, detailParts(e.details, { lang: ctx.lang, instant: ctx.instant, code: w.code, command: e.command })];
        }),
        // At 80 columns the details column was 18 wide and broke every key, amount and hash.
        { align: ['right', 'left', 'left', 'left', 'left', 'left', 'left'], paragraphs: { below: LOG_TABLE_COLUMNS, head: 6 } },
      );
      if (cut && matching > count) {
        const [n, all] = [count.toLocaleString('en'), matching.toLocaleString('en')];
        p.line(
          ctx.t(
            text(`（终端上显示 ${all} 个事件中最新的 ${n} 个；更早的事件请用 --limit N、--since DATE、--app ID，或输出到管道）`, `(the newest ${n} of ${all} events shown on the terminal; older ones: --limit N, --since DATE, --app ID, or a pipe)`),
          ),
        );
      }
    },
  };
}

export function register(program: Command): void {
  program
    .command('log')
    .description('the event log: who did what when (谁审批、谁负责)')
    .option('--round <id>', 'events of one round')
    .option('--app <id>', 'events that touched one application')
    .option('--officer <name>', 'events by one officer')
    .option('--command <name>', 'events of one command (e.g. allocate, objection, or its name as shown: 分配)')
    .option('--since <date>', 'events on or after DATE (China time)')
    .option('--until <date>', 'events on or before DATE (China time)')
    .option('--limit <n>', 'only the newest N events (on a terminal, without it: the newest 200)')
    .option('--head', 'print only the newest event: its number, hash and instant (keep it as an anchor)')
    .action(handler((ctx, opts: LogOptions) => logCommand(ctx, opts)));
}
