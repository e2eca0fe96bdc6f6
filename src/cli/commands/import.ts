// jmfund import | applications list/show | lists import/show  (SPEC §5)
//
// An import streams the file once: each record is parsed by the domain and,
// when good, inserted at once inside ONE transaction that began when the
// header was found. Any bad row (unless --skip-invalid) or --dry-run rolls the
// transaction back at the end, so the ledger is byte-for-byte what it was;
// memory stays bounded whatever the file size (no rows are held, only errors).
// For an applications file of a few MiB and more, reading, parsing and
// validating run in a worker thread (io/import-worker-rows.ts) while this
// thread writes: the rows arrive in file order, and the transaction, the error
// list and the summary are the same as when everything runs here.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Argument, type Command } from 'commander';
import { APPLICATION_STATES } from '../../domain/application.js';
import {
  APPLICATION_COLUMNS,
  type CellError,
  type ColumnDef,
  type HeaderMap,
  type HeaderMapping,
  resolveMapping,
  rowErrorText,
  rowKeys,
} from '../../domain/import-row.js';
import { formatYuan } from '../../domain/money.js';
import { findCategory, findDistrict } from '../../domain/policy.js';
import { SIDE_LIST_COLUMNS, SIDE_LIST_KINDS, type SideListKind, parseSideListRow } from '../../domain/side-lists.js';
import { type Text, text } from '../../domain/text.js';
import { SIDE_LIST_LABELS } from '../../domain/labels.js';
import { FileReadError, decodeBuffer } from '../../io/decode.js';
import { writeFileAtomic, FileWriteError } from '../../io/atomic-write.js';
import { toCsv } from '../../io/exporters/csv.js';
import { TableReadError } from '../../io/table-reader.js';
import { type TableEvent, applicationTable, applicationTableInWorker, mappingEntries, parsedTable, useImportWorker } from '../../io/import-worker-rows.js';
import type { ApplicationRow } from '../../ledger/applications.repo.js';
import { type EligibilitySection, eligibilitySection } from '../../ledger/eligibility.repo.js';
import { appendEvent } from '../../ledger/events.js';
import { ApplicationImportSession, type AcceptOutcome, type ApplicationRecord, applicationEvents, iterateApplications } from '../../ledger/import.repo.js';
import type { Db } from '../../ledger/open.js';
import { listRounds } from '../../ledger/rounds.repo.js';
import { SIDE_LIST_TABLES, SideListImportSession, listSideList } from '../../ledger/side-lists.repo.js';
import type { Context } from '../context.js';
import { UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import { printable, type Printer } from '../render.js';
import { handler } from '../runner.js';

// ---------------------------------------------------------------------------
// Reading a table file into a sink

/** Progress on a terminal for files at least this large, every PROGRESS_EVERY rows. */
const PROGRESS_MIN_BYTES = 5 * 1024 * 1024;
const PROGRESS_EVERY = 50_000;
/** Errors and warnings kept for --json; beyond this they are counted (stderr still lists every one). */
const MAX_HELD = 100_000;

interface ReadOptions {
  encoding?: string;
  sheet?: string;
  mapping?: string;
  skipInvalid?: boolean;
  rejects?: string;
  force?: boolean;
  dryRun?: boolean;
}

type RowOutcome = 'new' | 'unchanged' | 'updated' | { column: string; text: Text };

interface Sink<T> {
  defs: readonly ColumnDef[];
  /** The file's header and parsed rows; the cells of good rows too when `keepCells`. */
  table(mapping: HeaderMapping | undefined, keepCells: boolean): AsyncIterable<TableEvent<T>>;
  /** Called once the header is known, before the first row: begins the transaction. */
  start(): void;
  /** A bad row: may add an error of its own (a repeat inside the file). */
  invalid(cells: readonly string[], map: HeaderMap, line: number): { column: string; text: Text } | null;
  accept(value: T, line: number): RowOutcome;
}

interface ReportedProblem {
  file: string;
  line: number;
  column: string;
  label: string;
  value: string;
  message: string;
}

interface TableRun {
  headerLine: number | null;
  headerProblem: Text | null;
  /** A record the reader could not cut (unclosed quote …): nothing after it can be trusted. */
  fatal: ReportedProblem | null;
  rows: number;
  new: number;
  unchanged: number;
  updated: number;
  rejected: number;
  /** Held for --json (up to MAX_HELD each); a person sees them on stderr as they are found. */
  errors: ReportedProblem[];
  warnings: ReportedProblem[];
  errorCount: number;
  warningCount: number;
  /** Header cells + `error`, then each rejected record with its message. */
  rejects: string[][];
}

function problem(ctx: Context, file: string, line: number, e: CellError): ReportedProblem {
  return { file, line, column: e.column, label: e.zh, value: e.value, message: ctx.t(rowErrorText(file, line, e)) };
}

class Progress {
  private shown = false;
  constructor(
    private readonly enabled: boolean,
    private readonly label: Text,
    private readonly ctx: Context,
  ) {}
  tick(rows: number): void {
    if (!this.enabled || rows % PROGRESS_EVERY !== 0) return;
    this.shown = true;
    process.stderr.write(`\r${this.ctx.t(this.label)} ${rows.toLocaleString('en')}`);
  }
  /** Clears the progress line before a diagnostic is written. */
  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
  done(): void {
    this.clear();
  }
}

function progressFor(ctx: Context, file: string, label: Text): Progress {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    /* reported by the reader */
  }
  const on = !!process.stderr.isTTY && !process.env.CI && size >= PROGRESS_MIN_BYTES;
  return new Progress(on, label, ctx);
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  } catch (e) {
    throw fileProblem(file, e);
  }
  return h.digest('hex');
}

/** Errors that mean the file cannot be read at all: exit 2. */
function fileProblem(file: string, e: unknown): unknown {
  if (e instanceof FileReadError || e instanceof TableReadError) return new UserError(e.text, 2);
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new UserError(text(`找不到文件 ${file}`, `${file}: no such file`), 2);
  if (code === 'EISDIR') return new UserError(text(`${file} 是目录，不是文件`, `${file} is a directory, not a file`), 2);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(text(`无权读取 ${file}`, `${file}: permission denied`), 2);
  return e;
}

function loadMapping(path: string | undefined, defs: readonly ColumnDef[]): HeaderMapping | undefined {
  if (path === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(decodeBuffer(path, readFileSync(path)).text);
  } catch (e) {
    if (e instanceof FileReadError) throw new UserError(e.text, 2);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(text(`找不到映射文件 ${path}`, `mapping file not found: ${path}`), 2);
    throw new UserError(text(`映射文件 ${path} 不是有效的 JSON：${(e as Error).message}`, `mapping file ${path} is not valid JSON: ${(e as Error).message}`), 2);
  }
  const r = resolveMapping(json, defs);
  if (!r.ok) throw new UserError(text(`${path}：${r.error.zh}`, `${path}: ${r.error.en}`), 2);
  return r.value;
}

async function readInto<T>(ctx: Context, file: string, opts: ReadOptions, sink: Sink<T>, progress: Progress): Promise<TableRun> {
  const mapping = loadMapping(opts.mapping, sink.defs);
  const run: TableRun = {
    headerLine: null,
    headerProblem: null,
    fatal: null,
    rows: 0,
    new: 0,
    unchanged: 0,
    updated: 0,
    rejected: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    rejects: [],
  };
  const report = (kind: 'error' | 'warning', p: ReportedProblem): void => {
    const held = kind === 'error' ? run.errors : run.warnings;
    if (kind === 'error') run.errorCount++;
    else run.warningCount++;
    if (ctx.json && held.length < MAX_HELD) held.push(p);
    // Streamed to stderr as found, so that a file with many bad rows needs no memory for them.
    progress.clear();
    process.stderr.write(`${kind === 'warning' ? `${ctx.t(text('警告', 'warning'))}: ` : ''}${printable(p.message)}\n`);
  };
  // Only --skip-invalid writes them out; otherwise they would only cost memory.
  const keepRejects = !!(opts.skipInvalid && opts.rejects && !opts.dryRun);
  let map: HeaderMap | null = null;
  let end: Extract<TableEvent<T>, { kind: 'end' }> | null = null;
  try {
    for await (const ev of sink.table(mapping, keepRejects)) {
      if (ev.kind === 'header') {
        run.headerLine = ev.line;
        map = ev.map;
        run.rejects.push([...ev.cells, 'error']);
        sink.start();
        continue;
      }
      if (ev.kind === 'end') {
        end = ev;
        break;
      }
      if (map === null) throw new Error('rows before the header');
      for (const rec of ev.rows) {
        run.rows++;
        progress.tick(run.rows);
        for (const w of rec.warnings) report('warning', problem(ctx, file, rec.line, w));
        const errors: CellError[] = [...rec.errors];
        if (rec.value === null) {
          const dup = sink.invalid(rec.cells ?? [], map, rec.line);
          if (dup) errors.push({ column: dup.column, zh: columnZh(sink.defs, dup.column), value: '', text: dup.text });
        } else {
          const out = sink.accept(rec.value, rec.line);
          if (typeof out === 'object') errors.push({ column: out.column, zh: columnZh(sink.defs, out.column), value: '', text: out.text });
          else if (out === 'new') run.new++;
          else if (out === 'unchanged') run.unchanged++;
          else run.updated++;
        }
        if (errors.length > 0) {
          run.rejected++;
          for (const e of errors) report('error', problem(ctx, file, rec.line, e));
          if (keepRejects) run.rejects.push(rejectRow(ctx, rec.cells ?? [], run.rejects[0].length - 1, errors));
        }
      }
    }
  } catch (e) {
    if (e instanceof TableReadError && e.line > 0) {
      run.fatal = { file, line: e.line, column: '', label: '', value: '', message: ctx.t(e.text) };
    } else {
      throw fileProblem(file, e);
    }
  } finally {
    progress.done();
  }
  if (end?.blank) throw new UserError(text(`${file} 中没有任何数据行（只有空行）`, `${file} has no rows (only blank lines)`), 2);
  if (end?.headerProblem) {
    run.headerLine = end.headerLine;
    run.headerProblem = end.headerProblem;
  }
  return run;
}

/** The record as read, padded to the header's width, then its errors in one `error` cell. */
function rejectRow(ctx: Context, cells: readonly string[], width: number, errors: readonly CellError[]): string[] {
  const message = errors
    .map((e) => ctx.t(e.column ? text(`${e.column}（${e.zh}）：${e.text.zh}`, `${e.column} (${e.zh}): ${e.text.en}`) : e.text))
    .join('; ');
  return [...cells, ...Array<string>(Math.max(0, width - cells.length)).fill(''), message];
}

const columnZh = (defs: readonly ColumnDef[], key: string): string => defs.find((d) => d.key === key)?.zh ?? key;

// ---------------------------------------------------------------------------
// One transaction across an asynchronous read

/**
 * BEGIN IMMEDIATE … COMMIT around the whole file. The file is read
 * asynchronously, so better-sqlite3's (synchronous) db.transaction cannot
 * wrap it; this connection is the only one in the process, so nothing else
 * runs inside it.
 */
class ImportTransaction {
  private open = false;
  constructor(private readonly db: Db) {}
  begin(): void {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.open = true;
    } catch (e) {
      throw busyOr(e);
    }
  }
  commit(): void {
    if (!this.open) return;
    try {
      this.db.exec('COMMIT');
      this.open = false;
    } catch (e) {
      this.rollback();
      throw busyOr(e);
    }
  }
  rollback(): void {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
  }
  get active(): boolean {
    return this.open;
  }
}

function busyOr(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new UserError(text('账本正被另一个 jmfund 命令使用，请稍后再试。本命令未作任何更改。', 'ledger busy: another jmfund command is writing it; try again. Nothing was changed.'), 2);
  }
  return e;
}

function checkOptions(opts: ReadOptions): void {
  if (opts.skipInvalid && !opts.rejects) {
    throw new UserError(
      text('--skip-invalid 需要同时用 --rejects FILE 指定保存出错行的文件', '--skip-invalid needs --rejects FILE: the rows left out are written there'),
      2,
    );
  }
  if (opts.rejects && !opts.skipInvalid) {
    throw new UserError(text('--rejects 只与 --skip-invalid 一起使用', '--rejects is used together with --skip-invalid'), 2);
  }
  if (opts.rejects && !opts.force && !opts.dryRun && existsSync(opts.rejects)) {
    throw new UserError(text(`${opts.rejects} 已存在；如要覆盖，请加 --force`, `${opts.rejects} exists; use --force to overwrite`), 2);
  }
}

async function writeRejects(opts: ReadOptions, run: TableRun): Promise<string | null> {
  if (!opts.skipInvalid || !opts.rejects || opts.dryRun || run.rejected === 0) return null;
  try {
    // UTF-8 with BOM, original header and cells, so that the fixed file imports as it is.
    await writeFileAtomic(opts.rejects, toCsv(run.rejects), { force: opts.force });
  } catch (e) {
    if (e instanceof FileWriteError) throw new UserError(e.text, 2);
    throw e;
  }
  return opts.rejects;
}

function reportDiagnostics(ctx: Context, run: TableRun): void {
  // Row errors and warnings went to stderr as they were found (or are in the JSON).
  const lines: string[] = [];
  if (run.fatal) lines.push(run.fatal.message);
  if (run.headerProblem) lines.push(ctx.t(run.headerProblem));
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
}

interface Summary {
  run: TableRun;
  written: boolean;
  rejectsFile: string | null;
  exitCode: 0 | 1;
}

/** Reads the file through the sink in one transaction and decides: commit, or leave the ledger as it was. */
async function importFile<T>(
  ctx: Context,
  file: string,
  opts: ReadOptions,
  sink: Omit<Sink<T>, 'start'>,
  label: Text,
  record: (run: TableRun) => void,
): Promise<Summary> {
  checkOptions(opts);
  const db = ctx.db();
  const tx = new ImportTransaction(db);
  try {
    const run = await readInto(ctx, file, opts, { ...sink, start: () => tx.begin() }, progressFor(ctx, file, label));
    const bad = run.headerProblem !== null || run.fatal !== null || (run.rejected > 0 && !opts.skipInvalid);
    const changes = run.new + run.updated > 0;
    let written = false;
    let rejectsFile: string | null = null;
    if (!bad && !opts.dryRun) {
      if (changes) record(run);
      rejectsFile = await writeRejects(opts, run);
      if (changes) {
        tx.commit();
        written = true;
      }
    }
    tx.rollback();
    reportDiagnostics(ctx, run);
    const problems = run.headerProblem !== null || run.fatal !== null || run.rejected > 0;
    return { run, written, rejectsFile, exitCode: problems ? 1 : 0 };
  } finally {
    tx.rollback();
  }
}

function summaryJson(ctx: Context, file: string, opts: ReadOptions, s: Summary, more: Record<string, unknown>) {
  const { run } = s;
  const header = run.headerProblem ? [{ file, line: run.headerLine, column: '', label: '', value: '', message: ctx.t(run.headerProblem) }] : [];
  return {
    file,
    ...more,
    dry_run: !!opts.dryRun,
    header_line: run.headerLine,
    rows: run.rows,
    new: run.new,
    already_there: run.unchanged,
    updated: run.updated,
    rejected: run.rejected,
    written: s.written,
    rejects_file: s.rejectsFile,
    errors: [...header, ...(run.fatal ? [run.fatal] : []), ...run.errors],
    warnings: run.warnings,
    // More than MAX_HELD: the JSON lists the first ones and counts the rest.
    errors_not_listed: run.errorCount - run.errors.length,
    warnings_not_listed: run.warningCount - run.warnings.length,
  };
}

function summaryHuman(ctx: Context, out: Printer, file: string, opts: ReadOptions, s: Summary, target: Text): void {
  const { run } = s;
  const t = ctx.t;
  if (run.headerProblem) {
    out.line(t(text(`${file}：未导入任何内容（表头有问题，见上）。`, `${file}: nothing imported (the header has problems, see above).`)));
    return;
  }
  if (run.fatal) {
    out.line(t(text(`${file}：文件第 ${run.fatal.line} 行无法读取（见上），未导入任何内容。`, `${file}: the file cannot be read past line ${run.fatal.line} (see above); nothing imported.`)));
    return;
  }
  if (run.rows === 0) {
    out.line(t(text(`${file}：表头（第 ${run.headerLine} 行）之后没有数据行，未导入任何内容。`, `${file}: no rows after the header (line ${run.headerLine}); nothing imported.`)));
    return;
  }
  const counts = text(
    `${run.rows} 行：新增 ${run.new}，已存在 ${run.unchanged}，更新 ${run.updated}，出错 ${run.rejected}`,
    `${run.rows} row${run.rows === 1 ? '' : 's'}: ${run.new} new, ${run.unchanged} already there, ${run.updated} updated, ${run.rejected} rejected`,
  );
  if (run.rejected > 0 && !opts.skipInvalid) {
    out.line(
      t(
        text(
          `${file}：${counts.zh}。有 ${run.rejected} 行出错（见上），未导入任何内容；请改正后重新导入，或用 --skip-invalid --rejects FILE 只导入正确的行。`,
          `${file}: ${counts.en}. ${run.rejected} row${run.rejected > 1 ? 's have' : ' has'} errors (listed above), so nothing was imported; fix them and import again, or use --skip-invalid --rejects FILE to import the good rows.`,
        ),
      ),
    );
    return;
  }
  if (opts.dryRun) {
    out.line(t(text(`试运行 ${file} → ${target.zh}：${counts.zh}。未写入任何内容。`, `dry run ${file} → ${target.en}: ${counts.en}. Nothing was written.`)));
    return;
  }
  out.line(t(text(`${file} → ${target.zh}：${counts.zh}。`, `${file} → ${target.en}: ${counts.en}.`)));
  if (s.rejectsFile) out.line(t(text(`出错的行已写入 ${s.rejectsFile}（含 error 列）；改正后可直接重新导入。`, `the rejected rows are in ${s.rejectsFile} (with an error column); fix them there and import that file.`)));
  if (!s.written && run.new + run.updated === 0) out.line(t(text('账本没有变化。', 'the ledger is unchanged.')));
}

// ---------------------------------------------------------------------------
// JSON shape of an application (§5 column names, money in fen)

export function applicationJson(r: ApplicationRow) {
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

function printEligibility(ctx: Context, out: Printer, e: EligibilitySection | undefined): void {
  if (!e || e.status === null) {
    out.line(ctx.t(text('（尚未运行 check）', '(not checked yet)')));
    return;
  }
  out.line(`${ctx.t(text('结论', 'status'))}: ${e.status}  (${ctx.t(text('截至', 'as of'))} ${e.asOf ?? '—'}, ${e.checkedAt ?? ''})`);
  out.table(
    [text('规则', 'rule'), text('结果', 'outcome'), text('条款', 'article'), text('理由', 'reason')],
    e.results.map((r) => [r.rule, r.outcome, r.article, ctx.t(r.reason)]),
  );
  if (e.decisions.length > 0) {
    out.table(
      [text('决定', 'decision'), text('规则', 'rule'), text('结果', 'outcome'), text('经办人', 'by'), text('时间', 'at'), text('理由', 'reason')],
      e.decisions.map((d) => [d.decisionId, d.rule, d.outcome, d.decidedBy, d.decidedAt, d.reason]),
    );
  }
}

/** One line about an event for `applications show`: the file of an import and what it changed here. */
function eventSummary(details: Record<string, unknown>, applicationId: string): string {
  const updates = Array.isArray(details.updates) ? (details.updates as { application_id?: string; changes?: { field: string }[] }[]) : [];
  const mine = updates.find((u) => u.application_id === applicationId);
  if (typeof details.file === 'string') return mine?.changes ? `${details.file}: ${mine.changes.map((c) => c.field).join(', ')}` : details.file;
  const s = JSON.stringify(details);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

const yesNo = (ctx: Context, v: number): string => ctx.t(v === 1 ? text('是', 'yes') : text('否', 'no'));
const yuanOrNull = (v: number | null): string | null => (v === null ? null : formatYuan(v));

// ---------------------------------------------------------------------------
// Commands

interface ImportOptions extends ReadOptions {
  round?: string;
  update?: boolean;
}

function readOptions(cmd: Command, sideList: boolean): Command {
  cmd
    .option('--encoding <name>', 'force the text encoding: utf8, gb18030, utf16le, utf16be (else detected)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first)')
    .option('--mapping <file>', 'JSON object {"header in the file": "column"} for other header names')
    .option('--skip-invalid', 'import the good rows; needs --rejects')
    .option('--rejects <file>', 'CSV file for the rows left out, with an error column')
    .option('--force', 'overwrite the --rejects file if it exists')
    .option('--dry-run', 'validate and report; write nothing');
  if (!sideList) cmd.option('--update', 'replace the stored values of an application the file repeats with different values');
  return cmd;
}

export function register(program: Command): void {
  readOptions(
    program
      .command('import <file>')
      .description('import applications from a .csv or .xlsx file into a round (all or nothing)')
      .requiredOption('--round <id>', 'the round the applications belong to'),
    false,
  ).action(
    handler(async (ctx, file: string, opts: ImportOptions) => {
      const db = ctx.db();
      const round = requireRound(db, opts.round);
      const sha256 = await sha256File(file);
      const now = ctx.now();
      let session: ApplicationImportSession | null = null;
      const updates: { application_id: string; state_before: string; changes: { field: string; old: unknown; new: unknown }[] }[] = [];
      const sourceFile = basename(file);
      const sink: Omit<Sink<ApplicationRecord>, 'start'> = {
        defs: APPLICATION_COLUMNS,
        table: (mapping, keepCells) => {
          const src = { file, read: { encoding: opts.encoding, sheet: opts.sheet }, mapping: mappingEntries(mapping), policy: round.policy, roundId: round.roundId, keepCells };
          return useImportWorker(file) ? applicationTableInWorker(src) : applicationTable(src);
        },
        invalid: (cells, map, line) => {
          const s = ensure();
          const keys = rowKeys(cells, map);
          const dup = s.duplicateInFile(keys, line);
          s.noteSeen(keys, line);
          return dup && dup.kind === 'error' ? { column: dup.column, text: dup.text } : null;
        },
        accept: (rec, line) => {
          const out: AcceptOutcome = ensure().acceptRecord(rec, { file: sourceFile, line, sha256 });
          if (out.kind === 'error') return { column: out.column, text: out.text };
          if (out.kind === 'updated') {
            updates.push({ application_id: out.applicationId, state_before: out.stateBefore, changes: out.changes });
            return 'updated';
          }
          return out.kind;
        },
      };
      const ensure = (): ApplicationImportSession => (session ??= new ApplicationImportSession(db, round.roundId, { update: !!opts.update, now }));
      const summary = await importFile(ctx, file, opts, sink, text('已读取行数', 'rows read'), (run) => {
          const s = ensure();
          const newIds = s.newApplicationIds();
          const updatedIds = updates.map((u) => u.application_id);
          const event = appendEvent(db, {
            at: now,
            officer: ctx.officer,
            command: 'import',
            roundId: round.roundId,
            appIds: [...(newIds ?? []), ...updatedIds],
            details: {
              file: sourceFile,
              sha256,
              header_line: run.headerLine,
              rows: run.rows,
              new: run.new,
              already_there: run.unchanged,
              updated: run.updated,
              rejected: run.rejected,
              rejects_file: opts.rejects ?? null,
              updates,
            },
          });
          if (newIds === null) s.linkNewRows(event);
        });
      const target = text(`批次 ${round.roundId}`, `round ${round.roundId}`);
      return {
        json: { ...summaryJson(ctx, file, opts, summary, { round: round.roundId, sha256 }), updates },
        human: (out) => {
          summaryHuman(ctx, out, file, opts, summary, target);
          if (summary.written && updates.length > 0) {
            out.line(ctx.t(text(`已更新的申报回到 imported 状态，请重新运行 check。`, `updated applications are back in state imported; run check again.`)));
          }
        },
        exitCode: summary.exitCode,
      };
    }),
  );

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
        const db = ctx.db();
        const policies = opts.round !== undefined ? [requireRound(db, opts.round).policy] : listRounds(db).map((r) => r.policy);
        if (opts.status !== undefined && !(APPLICATION_STATES as readonly string[]).includes(opts.status)) {
          throw new UserError(text(`未知的状态「${opts.status}」；可用：${APPLICATION_STATES.join('、')}`, `unknown state "${opts.status}"; use one of: ${APPLICATION_STATES.join(', ')}`), 2);
        }
        const category = opts.category === undefined ? undefined : (policies.map((p) => findCategory(p, opts.category ?? '')?.key).find(Boolean) ?? opts.category.normalize('NFKC').trim());
        const district = opts.district === undefined ? undefined : (policies.map((p) => findDistrict(p, opts.district ?? '')?.zh).find(Boolean) ?? opts.district.normalize('NFKC').trim());
        const rows = [...iterateApplications(db, { roundId: opts.round, category, district, state: opts.status })];
        return {
          json: rows.map(applicationJson),
          human: (out) => {
            out.table(
              [text('申报编号', 'application'), text('批次', 'round'), text('企业', 'enterprise'), text('项目', 'project'), text('类别', 'category'), text('区（市）', 'district'), text('申请金额（元）', 'requested (yuan)'), text('状态', 'state')],
              rows.map((r) => [r.application_id, r.round_id, r.enterprise_name, r.project_name, r.category, r.district, formatYuan(r.requested_amount_fen), r.state]),
              { align: ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'left'] },
            );
            if (process.stdout.isTTY) out.line(ctx.t(text(`共 ${rows.length} 项申报`, `${rows.length} application${rows.length === 1 ? '' : 's'}`)));
          },
        };
      }),
    );

  apps
    .command('show <id>')
    .description('show an application: every field, extra columns, source and history')
    .action(
      handler((ctx, id: string) => {
        const db = ctx.db();
        const key = id.normalize('NFKC').trim();
        const row = db.prepare('SELECT * FROM applications WHERE application_id = ?').get(key) as ApplicationRow | undefined;
        if (!row) throw new UserError(text(`没有申报 ${key}。`, `no application ${key}.`), 2, text('用 `jmfund applications list` 查看申报编号。', 'see the ids with `jmfund applications list`.'));
        const events = applicationEvents(db, key);
        const eligibility = eligibilitySection(db, key) ?? null;
        const json = { ...applicationJson(row), events, eligibility };
        return {
          json,
          human: (out) => {
            const label = (k: string): Text => {
              const d = APPLICATION_COLUMNS.find((c) => c.key === k);
              return d ? text(d.zh, k.replace(/_/g, ' ')) : text(k, k);
            };
            out.fields([
              [label('application_id'), row.application_id],
              [text('批次', 'round'), row.round_id],
              [label('enterprise_name'), row.enterprise_name],
              [label('uscc'), row.uscc],
              [label('district'), row.district],
              [label('established_on'), row.established_on],
              [label('independent_legal_person'), yesNo(ctx, row.independent_legal_person)],
              [label('category'), row.category],
              [label('cluster'), row.cluster],
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
              [text('状态', 'state'), row.state],
              [text('来源', 'source'), `${row.source_file}:${row.source_line} (sha256 ${row.source_sha256.slice(0, 16)}…)`],
            ]);
            const extra = Object.entries(json.extra);
            if (extra.length > 0) {
              out.heading(text('其他列（原样保存）', 'extra columns (kept as written)'));
              out.fields(extra);
            }
            out.heading(text('资格审查', 'eligibility'));
            printEligibility(ctx, out, eligibility ?? undefined);
            out.heading(text('记录', 'history'));
            out.table(
              [text('序号', 'seq'), text('时间', 'at'), text('经办人', 'officer'), text('命令', 'command'), text('内容', 'details')],
              events.map((e) => [e.seq, e.at, e.officer, e.command, eventSummary(e.details, key)]),
            );
          },
        };
      }),
    );

  const lists = program.command('lists').description('side lists used by check: prior-funding, credit, violations, accidents');

  readOptions(
    lists
      .command('import')
      .description('import a side list (ledger-wide); re-importing the same rows adds nothing')
      .addArgument(new Argument('<kind>', 'prior-funding | credit | violations | accidents').choices(SIDE_LIST_KINDS))
      .argument('<file>', '.csv or .xlsx file'),
    true,
  ).action(
    handler(async (ctx, kind: SideListKind, file: string, opts: ReadOptions) => {
      const db = ctx.db();
      const sha256 = await sha256File(file);
      const now = ctx.now();
      const sourceFile = basename(file);
      let session: SideListImportSession | null = null;
      const sink: Omit<Sink<NonNullable<ReturnType<typeof parseSideListRow>['value']>>, 'start'> = {
        defs: SIDE_LIST_COLUMNS[kind],
        table: (mapping, keepCells) =>
          parsedTable(file, { encoding: opts.encoding, sheet: opts.sheet }, SIDE_LIST_COLUMNS[kind], mapping, (cells, map) => parseSideListRow(kind, cells, map), keepCells),
        invalid: () => null,
        accept: (rec, line) => ((session ??= new SideListImportSession(db, kind)).accept(rec, sourceFile, line) ? 'new' : 'unchanged'),
      };
      const summary = await importFile(ctx, file, opts, sink, text('已读取行数', 'rows read'), (run) => {
        appendEvent(db, {
          at: now,
          officer: ctx.officer,
          command: 'lists import',
          details: { kind, table: SIDE_LIST_TABLES[kind], file: sourceFile, sha256, rows: run.rows, new: run.new, already_there: run.unchanged, rejected: run.rejected },
        });
      });
      const name = SIDE_LIST_LABELS[kind];
      return {
        json: summaryJson(ctx, file, opts, summary, { kind, sha256 }),
        human: (out) => summaryHuman(ctx, out, file, opts, summary, text(`${kind}（${name.zh}）`, `${kind} (${name.en})`)),
        exitCode: summary.exitCode,
      };
    }),
  );

  lists
    .command('show')
    .description('show a side list')
    .addArgument(new Argument('<kind>', 'prior-funding | credit | violations | accidents').choices(SIDE_LIST_KINDS))
    .option('--uscc <code>', 'only this enterprise')
    .action(
      handler((ctx, kind: SideListKind, opts: { uscc?: string }) => {
        const uscc = opts.uscc?.normalize('NFKC').trim().toUpperCase();
        const rows = listSideList(ctx.db(), kind, uscc);
        return {
          json: rows,
          human: (out) => {
            const keys = rows.length > 0 ? Object.keys(rows[0]) : SIDE_LIST_COLUMNS[kind].map((d) => d.key);
            out.table(
              keys,
              rows.map((r) => keys.map((k) => (k === 'amount_fen' && typeof r[k] === 'number' ? formatYuan(r[k]) : r[k]))),
            );
          },
        };
      }),
    );
}
