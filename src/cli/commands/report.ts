// jmfund report | log | verify | backup — accountability and reports
// (Art. 6, 10(4), 11, 15, 17; SPEC §11, §12).
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { addDays, parseDate } from '../../domain/dates.js';
import { REPORT_FORMATS, REPORT_KINDS, type Report, type ReportFormat, type ReportKind } from '../../domain/reports/model.js';
import { text, type Lang, type Text } from '../../domain/text.js';
import { EVENT_COMMAND_LABELS, labelOf } from '../../domain/labels.js';
import type { WrittenFile } from '../../io/atomic-write.js';
import type { TextSink } from '../../io/exporters/sink.js';
import { openLedger } from '../../ledger/open.js';
import type { Db } from '../../ledger/open.js';
import type { Context } from '../context.js';
import { UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';

// ---------------------------------------------------------------- report

interface ReportOptions {
  round?: string;
  format?: string;
  out?: string;
  force?: boolean;
}

const EXT: Record<string, ReportFormat> = { csv: 'csv', json: 'json', xlsx: 'xlsx', html: 'html', htm: 'html', md: 'md', markdown: 'md' };

function formatOf(opts: ReportOptions): ReportFormat {
  if (opts.format) return opts.format as ReportFormat;
  const ext = opts.out?.split('.').pop()?.toLowerCase();
  return (ext && EXT[ext]) || 'md';
}

/** Renders a report in memory (stdout, tests); the exporters are loaded only here, when asked for. */
export async function renderReport(r: Report, format: ReportFormat, lang: Lang): Promise<string | Buffer> {
  if (format === 'xlsx') return (await import('../../io/exporters/xlsx.js')).renderXlsx(r, lang);
  const { toText } = await import('../../io/exporters/sink.js');
  const write = await textExporter(format);
  return toText((out) => write(r, lang, out));
}

async function textExporter(format: Exclude<ReportFormat, 'xlsx'>): Promise<(r: Report, lang: Lang, out: TextSink) => Promise<void>> {
  switch (format) {
    case 'csv':
      return (await import('../../io/exporters/report-csv.js')).writeCsv;
    case 'json':
      return (await import('../../io/exporters/json.js')).writeJson;
    case 'md':
      return (await import('../../io/exporters/md.js')).writeMarkdown;
    case 'html':
      return (await import('../../io/exporters/html.js')).writeHtml;
  }
}

/**
 * Writes a report to a file row by row, through a temporary file that takes
 * the file's name only once the report is complete: an error on the way
 * leaves neither a half report nor the temporary file.
 */
export async function writeReportFile(r: Report, format: ReportFormat, lang: Lang, path: string, opts: { force?: boolean } = {}): Promise<WrittenFile> {
  const { writeFileAtomicStream } = await import('../../io/atomic-write.js');
  if (format === 'xlsx') {
    const { writeXlsx } = await import('../../io/exporters/xlsx.js');
    return writeFileAtomicStream(path, (out) => writeXlsx(r, lang, out), opts);
  }
  const { TextSink } = await import('../../io/exporters/sink.js');
  const write = await textExporter(format);
  return writeFileAtomicStream(
    path,
    async (out) => {
      const sink = new TextSink((chunk) => out.chunk(chunk));
      await write(r, lang, sink);
      await sink.flush();
    },
    opts,
  );
}

/** Builds a report of a round from the ledger (pure builders over the facts the repository reads). */
export async function buildRoundReport(db: Db, kind: ReportKind, roundId: string, generatedAt: string): Promise<Report> {
  const { loadRoundFacts } = await import('../../ledger/reports.repo.js');
  const { buildReport } = await import('../../domain/reports/index.js');
  // Only the audit report shows the verify result; the others skip the full-ledger checks.
  const facts = loadRoundFacts(db, roundId, { verify: kind === 'audit' });
  if (!facts) throw new UserError(text(`没有申报批次 ${roundId}。`, `no round ${roundId}.`), 2);
  return buildReport(kind, facts, generatedAt);
}

async function reportCommand(ctx: Context, explicitLang: string | undefined, kind: string, opts: ReportOptions): Promise<Output> {
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
    throw new UserError(text(`未知的报告类型「${kind}」。可用：${REPORT_KINDS.join('、')}`, `unknown report "${kind}". Known: ${REPORT_KINDS.join(', ')}`), 2);
  }
  const format = formatOf(opts);
  if (format === 'xlsx' && !opts.out) {
    throw new UserError(text('xlsx 格式需要用 --out 指定文件。', 'the xlsx format needs --out FILE.'), 2, text('例如：--out 补助名单.xlsx', 'e.g. --out awards.xlsx'));
  }
  // The public notice is a Chinese document unless a language is asked for explicitly.
  const lang: Lang = kind === 'notice' && !explicitLang ? 'zh' : ctx.lang;
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const report = await buildRoundReport(db, kind as ReportKind, round.roundId, ctx.now());
  const base = { kind, round: round.roundId, format, lang };
  if (opts.out) {
    const out = resolve(opts.out);
    const { FileWriteError } = await import('../../io/atomic-write.js');
    let written: WrittenFile;
    try {
      written = await writeReportFile(report, format, lang, out, { force: opts.force });
    } catch (e) {
      if (e instanceof FileWriteError) {
        throw new UserError(e.text, 2, e.code === 'exists' ? text('加 --force 覆盖，或换一个文件名。', 'add --force to overwrite, or choose another name.') : undefined);
      }
      throw e;
    }
    const { bytes, sha256 } = written;
    return {
      json: { ...base, out, bytes, sha256 },
      human: (p) => p.line(ctx.t(text(`已写入 ${out}（${bytes} 字节，SHA-256 ${sha256}）`, `wrote ${out} (${bytes} bytes, SHA-256 ${sha256})`))),
    };
  }
  let s: string;
  try {
    s = (await renderReport(report, format, lang)).toString();
  } catch (e) {
    // Printed, a report is one string in memory, and V8 caps a string at about 512 MiB.
    if (e instanceof RangeError) {
      throw new UserError(
        text(`报告太大，无法整体打印（${e.message}）。`, `the report is too large to print whole (${e.message}).`),
        2,
        text('用 --out FILE 写入文件：文件是逐行写入的，大小不限。', 'write it to a file with --out FILE: a file is written row by row, whatever its size.'),
      );
    }
    throw e;
  }
  return {
    json: format === 'json' ? (JSON.parse(s) as unknown) : { ...base, content: s },
    // The report itself, byte for byte (a CSV keeps its BOM and CRLF).
    human: (p) => p.line(s.endsWith('\n') ? s.slice(0, -1) : s),
  };
}

// ---------------------------------------------------------------- log

interface LogOptions {
  round?: string;
  app?: string;
  officer?: string;
  command?: string;
  since?: string;
  until?: string;
  limit?: string;
}


type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isText = (v: Json): v is { zh: string; en: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.zh === 'string' && typeof v.en === 'string' && Object.keys(v).length === 2;

/** Details as `key=value` pairs; bilingual texts in the chosen language; lists of more than 10 cut. */
export function detailsText(d: Json, lang: Lang): string {
  const val = (v: Json): string => {
    if (v === null) return '—';
    if (isText(v)) return v[lang];
    // A long list (an import's changes) is cut for reading; --json has it whole.
    if (Array.isArray(v)) return `[${v.slice(0, 10).map(val).join(', ')}${v.length > 10 ? `, … (+${v.length - 10})` : ''}]`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${val(x)}`).join(', ')}}`;
    return String(v);
  };
  if (typeof d !== 'object' || d === null || Array.isArray(d) || isText(d)) return val(d);
  return Object.entries(d)
    .map(([k, v]) => `${k}=${val(v)}`)
    .join('; ');
}

/** Start of a calendar day in China (UTC+8, no daylight saving since 1991) as an ISO instant. */
const dayStartUtc = (d: string): string => `${addDays(d, -1)}T16:00:00.000Z`;

function dateOpt(name: string, v: string): string {
  const r = parseDate(v);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

interface EventOut {
  seq: number;
  at: string;
  officer: string;
  command: string;
  round_id: string | null;
  app_ids: string[];
  details: Json;
  prev_hash: string;
  hash: string;
}

function logCommand(ctx: Context, opts: LogOptions): Output {
  const db = ctx.db();
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (opts.round) {
    requireRound(db, opts.round);
    where.push('e.round_id = ?');
    args.push(opts.round);
  }
  if (opts.app) {
    where.push('e.seq IN (SELECT seq FROM event_apps WHERE application_id = ?)');
    args.push(opts.app);
  }
  if (opts.officer) {
    where.push('e.officer = ?');
    args.push(opts.officer);
  }
  if (opts.command) {
    // `objection` matches `objection add` and `objection resolve`.
    where.push("(e.command = ? OR e.command LIKE ? ESCAPE '\\')");
    args.push(opts.command, `${opts.command.replace(/[\\%_]/g, (c) => `\\${c}`)} %`);
  }
  if (opts.since) {
    where.push('e.at >= ?');
    args.push(dayStartUtc(dateOpt('since', opts.since)));
  }
  if (opts.until) {
    where.push('e.at < ?');
    args.push(dayStartUtc(addDays(dateOpt('until', opts.until), 1)));
  }
  let limit: number | null = null;
  if (opts.limit !== undefined) {
    limit = Number(opts.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UserError(text(`--limit ${opts.limit}：应为正整数`, `--limit ${opts.limit}: expected a positive whole number`), 2);
  }
  const sql = `SELECT * FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq ${limit ? 'DESC LIMIT ?' : ''}`;
  if (limit) args.push(limit);
  const rows = db.prepare(sql).all(...args) as { seq: number; at: string; officer: string; command: string; round_id: string | null; app_ids: string; details: string; prev_hash: string; hash: string }[];
  if (limit) rows.reverse();
  const parse = (s: string): Json => {
    try {
      return JSON.parse(s) as Json;
    } catch {
      return s;
    }
  };
  const events: EventOut[] = rows.map((r) => {
    const ids = parse(r.app_ids);
    return { ...r, app_ids: Array.isArray(ids) ? ids.map(String) : [], details: parse(r.details) };
  });
  return {
    json: { events, count: events.length },
    human: (p) => {
      if (!events.length) {
        p.line(ctx.t(text('没有符合条件的事件。', 'no events match.')));
        return;
      }
      p.table(
        [text('序号', 'seq'), text('时间（UTC）', 'at (UTC)'), text('操作人', 'officer'), text('命令', 'command'), text('批次', 'round'), text('申报', 'applications'), text('详情', 'details')],
        events.map((e) => {
          const label = labelOf(EVENT_COMMAND_LABELS, e.command);
          const ids = e.app_ids.length > 5 ? `${e.app_ids.slice(0, 5).join(', ')} … (+${e.app_ids.length - 5})` : e.app_ids.join(', ');
          return [e.seq, e.at, e.officer, label && ctx.t(label) !== e.command ? `${e.command} (${ctx.t(label)})` : e.command, e.round_id ?? '', ids, detailsText(e.details, ctx.lang)];
        }),
        { align: ['right', 'left', 'left', 'left', 'left', 'left', 'left'] },
      );
    },
  };
}

// ---------------------------------------------------------------- verify

async function verifyLedger(path: string) {
  const { runChecks, refLabel } = await import('../../ledger/verify/index.js');
  // Opened without migrating: an auditor's check does not change the file it checks.
  const db = openLedger(path, { readonly: true });
  try {
    return { result: runChecks(db), refLabel };
  } finally {
    db.close();
  }
}

async function verifyCommand(ctx: Context): Promise<Output> {
  const { result: v, refLabel } = await verifyLedger(ctx.dbPath);
  const skipped = v.checks.filter((c) => c.status === 'skipped');
  return {
    json: {
      ok: v.ok,
      events: v.events,
      last_hash: v.lastHash,
      checks: v.checks.map((c) => ({ id: c.id, title: ctx.t(c.title), status: c.status, problems: c.problems, ...(c.note ? { note: c.note } : {}) })),
      problems: v.problems.map((p) => ({ check: p.check, where: refLabel(p.ref), ref: p.ref, message: ctx.t(p.message) })),
    },
    exitCode: v.ok ? 0 : 1,
    human: (p) => {
      if (v.problems.length) {
        p.table(
          [text('检查项', 'check'), text('位置', 'where'), text('问题', 'problem')],
          v.problems.map((x) => [x.check, refLabel(x.ref), ctx.t(x.message)]),
        );
      }
      const ran = v.checks.length - skipped.length;
      p.line(
        v.ok
          ? ctx.t(text(`账本校验通过：${ran} 项检查均无问题；${v.events} 个事件，最后事件哈希 ${v.lastHash}`, `ledger verified: ${ran} checks, no problem; ${v.events} events, last event hash ${v.lastHash}`))
          : ctx.t(text(`账本校验发现 ${v.problems.length} 个问题（${ran} 项检查）。`, `ledger verification found ${v.problems.length} problem(s) (${ran} checks).`)),
      );
      if (skipped.length) p.warn(ctx.t(text(`未运行（账本中没有相应的表）：${skipped.map((c) => c.id).join('、')}`, `not run (the ledger has no such tables): ${skipped.map((c) => c.id).join(', ')}`)));
    },
  };
}

// ---------------------------------------------------------------- backup

async function backupCommand(ctx: Context, file: string, opts: { force?: boolean }): Promise<Output> {
  const { backupLedger } = await import('../../ledger/verify/backup.js');
  const target = resolve(file);
  const src = openLedger(ctx.dbPath, { readonly: true });
  let r: Awaited<ReturnType<typeof backupLedger>>;
  try {
    r = await backupLedger(src, target, { force: opts.force });
  } finally {
    src.close();
  }
  const { refLabel } = await import('../../ledger/verify/index.js');
  const v = r.verify;
  return {
    json: { backup: target, bytes: r.bytes, sha256: r.sha256, events: v.events, last_hash: v.lastHash, ok: v.ok, problems: v.problems.map((p) => ({ check: p.check, where: refLabel(p.ref), message: ctx.t(p.message) })) },
    exitCode: v.ok ? 0 : 1,
    human: (p) => {
      p.line(ctx.t(text(`已备份到 ${target}（${r.bytes} 字节，${v.events} 个事件，最后事件哈希 ${v.lastHash}）`, `backed up to ${target} (${r.bytes} bytes, ${v.events} events, last event hash ${v.lastHash})`)));
      if (!v.ok) {
        p.table([text('检查项', 'check'), text('位置', 'where'), text('问题', 'problem')], v.problems.map((x) => [x.check, refLabel(x.ref), ctx.t(x.message)]));
        p.line(ctx.t(text(`备份与账本一致，但校验发现 ${v.problems.length} 个问题。`, `the backup is a faithful copy, but verification found ${v.problems.length} problem(s).`)));
      }
    },
  };
}

// ---------------------------------------------------------------- wiring

export function register(program: Command): void {
  program
    .command('report <kind>')
    .description(`write a report of a round: ${REPORT_KINDS.join(' | ')} (补助名单、公示名单、审计、资金使用、绩效)`)
    .requiredOption('--round <id>', 'the round')
    .addOption(new Option('--format <format>', 'csv | json | xlsx | html | md (default: from --out, else md)').choices([...REPORT_FORMATS]))
    .option('--out <file>', 'write to FILE (atomically) instead of stdout; needed for xlsx')
    .option('--force', 'overwrite an existing --out file')
    .action(handler((ctx, kind: string, opts: ReportOptions) => reportCommand(ctx, (program.opts() as { lang?: string }).lang, kind, opts)));

  program
    .command('log')
    .description('the event log: who did what when (谁审批、谁负责)')
    .option('--round <id>', 'events of one round')
    .option('--app <id>', 'events that touched one application')
    .option('--officer <name>', 'events by one officer')
    .option('--command <name>', 'events of one command (e.g. allocate, objection)')
    .option('--since <date>', 'events on or after DATE (China time)')
    .option('--until <date>', 'events on or before DATE (China time)')
    .option('--limit <n>', 'only the newest N events')
    .action(handler((ctx, opts: LogOptions) => logCommand(ctx, opts)));

  program
    .command('verify')
    .description('check the ledger: SQLite integrity, foreign keys, every invariant, the event hash chain; exit 1 on any problem')
    .action(handler((ctx) => verifyCommand(ctx)));

  program
    .command('backup <file>')
    .description('online backup of the ledger, verified after writing (mode 0600)')
    .option('--force', 'overwrite an existing file')
    .action(handler((ctx, file: string, opts: { force?: boolean }) => backupCommand(ctx, file, opts)));
}
