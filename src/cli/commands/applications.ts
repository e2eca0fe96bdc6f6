// jmfund applications list | show: options → ops/applications → a table or --json.
import type { Command } from 'commander';
import { APPLICATION_STATES } from '../../domain/application.js';
import { APPLICATION_COLUMNS } from '../../domain/import-row.js';
import { MONEY_STAGE_LABELS } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { APPLICATION_STAGES } from '../../domain/money-stages.js';
import { type Text, text } from '../../domain/text.js';
import type { ApplicationRow } from '../../ledger/applications.repo.js';
import type { EligibilitySection } from '../../ledger/eligibility.repo.js';
import { eachApplication, firstApplications, showApplication } from '../../ops/applications.js';
import { type Context, opContext } from '../context.js';
import { lazyArray } from '../json-stream.js';
import { listRows, type Printer, TTY_TABLE_ROWS } from '../render.js';
import { handler } from '../runner.js';
import { articleLabel } from '../../domain/eligibility.js';
import { stateText, words } from '../words.js';
import { detailsText, timeHeader } from './log.js';
import type { Json } from '../../ops/log.js';
import { EVENT_COMMAND_LABELS, labelOf } from '../../domain/labels.js';

/** JSON shape of an application: §5 column names, money in fen. */
function applicationJson(r: ApplicationRow) {
  const bool = (v: number) => v === 1;
  return {
    application_id: r.application_id,
    round: r.round_id,
    enterprise_name: r.enterprise_name,
    uscc: r.uscc,
    district: r.district,
    established_on: r.established_on,
    independent_legal_person: bool(r.independent_legal_person),
    category: r.category,
    cluster: r.cluster,
    project_name: r.project_name,
    total_investment_fen: r.total_investment_fen,
    requested_amount_fen: r.requested_amount_fen,
    employees: r.employees,
    annual_revenue_fen: r.annual_revenue_fen,
    other_fiscal_support: bool(r.other_fiscal_support),
    past_projects_compliant: bool(r.past_projects_compliant),
    credit_good: bool(r.credit_good),
    major_accident: bool(r.major_accident),
    ready_to_implement: bool(r.ready_to_implement),
    training_events: r.training_events,
    trainees: r.trainees,
    submitted_on: r.submitted_on,
    source: { file: r.source_file, line: r.source_line, sha256: r.source_sha256 },
    extra: JSON.parse(r.extra_json) as Record<string, string>,
    state: r.state,
  };
}

function printEligibility(ctx: Context, out: Printer, e: EligibilitySection | null): void {
  if (!e || e.status === null) {
    out.line(ctx.t(text('（尚未运行 check）', '(not checked yet)')));
    return;
  }
  const w = words(ctx);
  const checkedAt = e.checkedAt ? ctx.instant(e.checkedAt) : '';
  out.line(ctx.t(text(`结论：${w.eligibility(e.status)}（截至 ${e.asOf ?? '—'}，${checkedAt}）`, `status: ${w.eligibility(e.status)}  (as of ${e.asOf ?? '—'}, ${checkedAt})`)));
  out.table(
    [text('规则', 'rule'), text('结果', 'outcome'), text('条款', 'article'), text('理由', 'reason')],
    e.results.map((r) => [w.rule(r.rule), w.outcome(r.outcome), ctx.t(articleLabel(r.article)), ctx.t(r.reason)]),
  );
  if (e.decisions.length > 0) {
    out.table(
      [text('决定', 'decision'), text('规则', 'rule'), text('结果', 'outcome'), text('经办人', 'by'), text('时间', 'at'), text('理由', 'reason')],
      e.decisions.map((d) => [d.decisionId, w.rule(d.rule), w.outcome(d.outcome), d.decidedBy, ctx.instant(d.decidedAt), d.reason]),
    );
  }
}

/**
 * One line about an event, as it concerns this application: the file of an import and what it changed here; the
 * status a check gave it; the award a notice or a filing held for it; the version an allocation made; else the
 * details as the log shows them (a round's event names 10^5 applications: the others' are no part of this one's history).
 */
function eventSummary(ctx: Context, command: string, details: Record<string, unknown>, applicationId: string): string {
  const updates = Array.isArray(details.updates) ? (details.updates as { application_id?: string; changes?: { field: string }[] }[]) : [];
  const mine = updates.find((u) => u.application_id === applicationId);
  if (typeof details.file === 'string') return mine?.changes ? `${details.file}: ${mine.changes.map((c) => c.field).join(', ')}` : details.file;
  const state = (s: unknown): string => (typeof s === 'string' ? stateText(ctx, s) : '—');
  if (command === 'check' && Array.isArray(details.changes)) {
    const changes = details.changes as { application_id?: string; before?: unknown; after?: unknown }[];
    const change = changes.find((c) => c.application_id === applicationId);
    if (change) return `${state(change.before)} → ${state(change.after)}`;
    // The event lists the first 1,000 changes of the round: past them, its counts without the list.
    if (typeof details.status_changes === 'number' && details.status_changes <= changes.length) return ctx.t(text('资格状态未变', 'eligibility unchanged'));
    details = Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'changes'));
  }
  if (Array.isArray(details.awards)) {
    const award = (details.awards as unknown[]).find((a): a is [string, number] => Array.isArray(a) && a[0] === applicationId && typeof a[1] === 'number');
    if (award) return ctx.t(text(`${state(details.after)}：补助 ${formatYuan(award[1])} 元`, `${state(details.after)}: award ${formatYuan(award[1])}`));
  }
  if (command === 'spot-check' && Array.isArray(details.sample) && details.sample.includes(applicationId)) {
    const certain = Array.isArray(details.certain) && details.certain.includes(applicationId);
    return ctx.t(text(`抽查 #${String(details.check_id)}：抽入样本${certain ? '（必查）' : ''}`, `spot check #${String(details.check_id)}: drawn${certain ? ' (always checked)' : ''}`));
  }
  if (command === 'allocate' && typeof details.version === 'number') return ctx.t(text(`分配方案第 ${details.version} 版`, `allocation version ${details.version}`));
  const s = detailsText(details as Json, { lang: ctx.lang, instant: ctx.instant, code: words(ctx).code, command });
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}

const yesNo = (ctx: Context, v: number): string => ctx.t(v === 1 ? text('是', 'yes') : text('否', 'no'));
const yuanOrNull = (v: number | null): string | null => (v === null ? null : formatYuan(v));

/** The §5 Chinese label of a column, with its English name. */
const label = (k: string): Text => {
  const d = APPLICATION_COLUMNS.find((c) => c.key === k);
  return d ? text(d.zh, k.replace(/_/g, ' ')) : text(k, k);
};

export function register(program: Command): void {
  const apps = program.command('applications').description('applications in the ledger');

  apps
    .command('list')
    .description('list applications')
    .option('--round <id>', 'only this round')
    .option('--category <category>', 'only this category (key or Chinese name)')
    .option('--district <district>', 'only this district (Chinese name, with or without 区/市, or division code)')
    .option('--status <state>', `only this state: ${APPLICATION_STATES.join(', ')}`)
    .action(
      handler((ctx, opts: { round?: string; category?: string; district?: string; status?: string }) => {
        const op = opContext(ctx);
        const rows = eachApplication(op, opts);
        const w = words(ctx);
        return {
          // A getter, made as written (json-stream.ts): a province's 10^6 rows are never held at once.
          get json() {
            return lazyArray(function* () {
              for (const r of rows) yield applicationJson(r);
            });
          },
          human: (out) => {
            // On a terminal the first TTY_TABLE_ROWS and the count; piped, every row as it is read.
            const tty = !!process.stdout.isTTY;
            const list = listRows(tty ? firstApplications(op, opts, TTY_TABLE_ROWS) : rows, tty, (r) => [r.application_id, r.round_id, r.enterprise_name, r.project_name, w.category(r.category), r.district, formatYuan(r.requested_amount_fen), w.state(r.state)]);
            out.table(
              [text('申报编号', 'application'), text('批次', 'round'), text('企业', 'enterprise'), text('项目', 'project'), text('类别', 'category'), text('区（市）', 'district'), text('申请金额（元）', 'requested (yuan)'), text('状态', 'state')],
              list.rows,
              { align: ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'left'], empty: text('（没有符合条件的申报）', '(no application matches)') },
            );
            if (!tty) return;
            const n = list.count();
            if (n === 0) return;
            out.line(ctx.t(text(`共 ${n} 项申报`, `${n} application${n === 1 ? '' : 's'}`)));
            if (n > TTY_TABLE_ROWS) {
              out.line(ctx.t(text(`（仅显示前 ${TTY_TABLE_ROWS} 项；完整列表请用 --json 或输出到管道）`, `(first ${TTY_TABLE_ROWS} shown; use --json or a pipe for all)`)));
            }
          },
        };
      }),
    );

  apps
    .command('show <id>')
    .description('show an application: every field, extra columns, source and history')
    .action(
      handler((ctx, id: string) => {
        const { row, events, eligibility, award_fen, money } = showApplication(opContext(ctx), { id });
        const json = { ...applicationJson(row), award_fen, money, events, eligibility };
        const w = words(ctx);
        return {
          json,
          human: (out) => {
            out.fields([
              [label('application_id'), row.application_id],
              [text('批次', 'round'), row.round_id],
              [label('enterprise_name'), row.enterprise_name],
              [label('uscc'), row.uscc],
              [label('district'), row.district],
              [label('established_on'), row.established_on],
              [label('independent_legal_person'), yesNo(ctx, row.independent_legal_person)],
              [label('category'), w.category(row.category)],
              [label('cluster'), w.cluster(row.cluster)],
              [label('project_name'), row.project_name],
              [text('项目总投入（元）', 'total investment (yuan)'), formatYuan(row.total_investment_fen)],
              [text('申请补贴金额（元）', 'requested amount (yuan)'), formatYuan(row.requested_amount_fen)],
              [label('employees'), row.employees],
              [text('营业收入（元）', 'annual revenue (yuan)'), yuanOrNull(row.annual_revenue_fen)],
              [label('other_fiscal_support'), yesNo(ctx, row.other_fiscal_support)],
              [label('past_projects_compliant'), yesNo(ctx, row.past_projects_compliant)],
              [label('credit_good'), yesNo(ctx, row.credit_good)],
              [label('major_accident'), yesNo(ctx, row.major_accident)],
              [label('ready_to_implement'), yesNo(ctx, row.ready_to_implement)],
              [label('training_events'), row.training_events],
              [label('trainees'), row.trainees],
              [label('submitted_on'), row.submitted_on],
              [text('状态', 'state'), stateText(ctx, row.state)],
              [text('当前补贴（元）', 'award now (yuan)'), formatYuan(award_fen)],
              [text('来源', 'source'), `${row.source_file}:${row.source_line} (sha256 ${row.source_sha256.slice(0, 16)}…)`],
            ]);
            const extra = Object.entries(json.extra);
            if (extra.length > 0) {
              out.heading(text('其他列（原样保存）', 'extra columns (kept as written)'));
              out.fields(extra);
            }
            out.heading(text('资金（元）', 'money (yuan)'));
            const amounts = APPLICATION_STAGES.map((st) => formatYuan(money[`${st}_fen`]));
            const width = Math.max(...amounts.map((a) => a.length));
            out.fields(APPLICATION_STAGES.map((st, i) => [MONEY_STAGE_LABELS[st], amounts[i].padStart(width)]));
            out.line(ctx.t(text('当前补贴：备案后为核定金额，备案前为拟安排金额。', 'award now: the final amount once filed, the allocated amount before.')));
            out.heading(text('资格审查', 'eligibility'));
            printEligibility(ctx, out, eligibility);
            out.heading(text('记录', 'history'));
            out.table(
              [text('序号', 'seq'), timeHeader(ctx.tz), text('经办人', 'officer'), text('命令', 'command'), text('内容', 'details')],
              events.map((e) => [e.seq, ctx.instant(e.at), e.officer, ctx.lang === 'zh' ? labelOf(EVENT_COMMAND_LABELS, e.command).zh : e.command, eventSummary(ctx, e.command, e.details, row.application_id)]),
            );
          },
        };
      }),
    );
}
