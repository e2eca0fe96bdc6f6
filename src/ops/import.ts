// jmfund import (SPEC §5): file → io/decode → io/table-reader → domain row
// parsers → the ledger, all or nothing, with one event.
//
// An import streams the file once: each record is parsed by the domain and,
// when good, inserted at once inside ONE transaction that began when the
// header was found. Any bad row (unless skipInvalid) or a dry run rolls the
// transaction back at the end, so the ledger is byte-for-byte what it was;
// memory stays bounded whatever the file size (no rows are held, only errors).
// For an applications file of a few MiB and more, reading, parsing and
// validating run in a worker thread (io/import-worker-protocol.ts) while this
// thread writes: the rows arrive in file order, and the transaction, the error
// list and the summary are the same as when everything runs here.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../domain/errors.js';
import { APPLICATION_COLUMNS, type CellError, type ColumnDef, type FieldChange, type HeaderMap, type HeaderMapping, resolveMapping, rowErrorText, rowKeys } from '../domain/import-row.js';
import { type Lang, type Text, text } from '../domain/text.js';
import { FileReadError, decodeBuffer } from '../io/decode.js';
import { FileWriteError, writeFileAtomic } from '../io/atomic-write.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { toCsv } from '../io/exporters/csv.js';
import { estimateRecords, fileProblem, sha256File } from '../io/files.js';
import { applicationTable, applicationTableInWorker, mappingEntries, useImportWorker } from '../io/import-worker-protocol.js';
import type { TableEvent } from '../io/parsed-table.js';
import { TableReadError } from '../io/table-reader.js';
import { appendEvent, refuseIfClockBehind } from '../ledger/events.js';
import { type AcceptOutcome, type ApplicationRecord, ApplicationImportSession, recordSubmittedOn } from '../ledger/import.repo.js';
import { checkSubmittedInPeriod, didYouMeanRound } from '../domain/round.js';
import { listRounds } from '../ledger/rounds.repo.js';
import { type Transaction, beginTransaction } from '../ledger/open.js';
import type { OpContext } from './context.js';
import type { Progress } from './progress.js';
import { requireRound } from './lookup.js';

/** Errors and warnings kept in the result by default; beyond this they are counted (the listener still sees every one). */
const MAX_HELD = 100_000;

/** How to read the file and what to do with bad rows. */
export interface ReadInput {
  file: string;
  /** Force a text encoding (utf8, gb18030, utf16le, utf16be); else detected. */
  encoding?: string;
  /** Worksheet of an .xlsx file. */
  sheet?: string;
  /** A JSON file {"header in the file": "column"} for other header names. */
  mapping?: string;
  /** Import the good rows and write the bad ones to `rejects`. */
  skipInvalid?: boolean;
  rejects?: string;
  /** Overwrite `rejects` if it exists. */
  force?: boolean;
  dryRun?: boolean;
  /** Language of the error column of the rejects file. */
  lang: Lang;
  /** Errors and warnings kept in the result (the rest are counted); default 100,000. */
  keepProblems?: number;
}

/** A row error or warning: the file, the line, the column and what is wrong. */
export interface ImportProblem {
  file: string;
  line: number;
  column: string;
  /** Chinese label of the column. */
  label: string;
  value: string;
  /** `FILE:LINE: column …: …`, the words an officer reads. */
  message: Text;
}

/** What the caller hears while the file is read. */
export interface ImportListener {
  /** Each row error or warning as it is found, before the import decides. */
  problem?(kind: 'error' | 'warning', p: ImportProblem): void;
  /** Rows read so far. */
  progress?: Progress;
}

export interface TableImport {
  file: string;
  dryRun: boolean;
  headerLine: number | null;
  /** No usable header: nothing was read after it. */
  headerProblem: Text | null;
  /** A record the reader could not cut (unclosed quote …): nothing after it can be trusted. */
  fatal: ImportProblem | null;
  rows: number;
  new: number;
  /** Already in the ledger. */
  unchanged: number;
  /** The same as an earlier row of this file, value for value: taken once. */
  repeated: number;
  /** Rows of the sheet that are no application (合计, 注：…): left out. */
  notApplications: number;
  updated: number;
  rejected: number;
  errors: ImportProblem[];
  warnings: ImportProblem[];
  errorCount: number;
  warningCount: number;
  written: boolean;
  rejectsFile: string | null;
  /** A header problem, an unreadable record or a bad row (exit 1). */
  problems: boolean;
}

/** What became of a good row: written, already there, or refused (an error); `repeat`: an earlier row of the file again, with a warning that says so. */
type RowOutcome = 'new' | 'unchanged' | 'updated' | { column: string; value?: string; text: Text } | { repeat: CellError };

/** One kind of import: its columns, its rows, and how a row lands in the ledger. */
export interface ImportSink<T> {
  defs: readonly ColumnDef[];
  /** The file's header and parsed rows; the cells of good rows too when `keepCells`. */
  table(mapping: HeaderMapping | undefined, keepCells: boolean): AsyncIterable<TableEvent<T>>;
  /** A bad row: may add an error of its own (a repeat inside the file). Inside the transaction. */
  invalid(cells: readonly string[], map: HeaderMap, line: number): { column: string; value?: string; text: Text } | null;
  /** A good row, inside the transaction. */
  accept(value: T, line: number): RowOutcome;
  /** Appends the event, when there is something to write, before the commit. */
  record(run: TableImport): void;
}

/** What --skip-invalid and --rejects need, for every import of rows (applications, lists, scores). */
export type RejectOptions = Pick<ReadInput, 'file' | 'mapping' | 'skipInvalid' | 'rejects' | 'force' | 'dryRun'>;

/** --skip-invalid needs --rejects and the other way round; the rejects file is never the ledger or a file being read. */
export function checkRejectOptions(input: RejectOptions, ledger: string): void {
  if (input.skipInvalid && !input.rejects) {
    throw new UserError(
      text('--skip-invalid 需要同时用 --rejects FILE 指定保存出错行的文件', '--skip-invalid needs --rejects FILE: the rows left out are written there'),
      2,
    );
  }
  if (input.rejects && !input.skipInvalid) {
    throw new UserError(text('--rejects 只与 --skip-invalid 一起使用', '--rejects is used together with --skip-invalid'), 2);
  }
  if (input.rejects) {
    // Never the ledger or a file this import reads, even with --force; a dry run writes no rejects file.
    const read = (path: string) => ({ path, what: text(`正在读取的文件 ${path}`, `the file being read, ${path}`) });
    checkOutPath(input.rejects, {
      option: '--rejects',
      keep: [...ledgerFiles(ledger), read(input.file), ...(input.mapping ? [read(input.mapping)] : [])],
      force: input.force || input.dryRun,
    });
  }
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

const columnZh = (defs: readonly ColumnDef[], key: string): string => defs.find((d) => d.key === key)?.zh ?? key;

/** A row of a rejects file: the record as read, padded to the header's width, then its errors in one `error` cell. */
export const rejectsRow = (cells: readonly string[], width: number, message: string): string[] => [...cells, ...Array<string>(Math.max(0, width - cells.length)).fill(''), message];

function rejectRow(lang: Lang, cells: readonly string[], width: number, errors: readonly CellError[]): string[] {
  const message = errors.map((e) => (e.column ? text(`${e.column}（${e.zh}）：${e.text.zh}`, `${e.column} (${e.zh}): ${e.text.en}`) : e.text)[lang]).join('; ');
  return rejectsRow(cells, width, message);
}

/** Reads the file through the sink, inside one transaction begun at the header. */
async function readInto<T>(input: ReadInput, sink: ImportSink<T>, begin: () => void, listener: ImportListener): Promise<{ run: TableImport; rejects: string[][] }> {
  const { file } = input;
  const mapping = loadMapping(input.mapping, sink.defs);
  const run: TableImport = {
    file,
    dryRun: !!input.dryRun,
    headerLine: null,
    headerProblem: null,
    fatal: null,
    rows: 0,
    new: 0,
    unchanged: 0,
    repeated: 0,
    notApplications: 0,
    updated: 0,
    rejected: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    written: false,
    rejectsFile: null,
    problems: false,
  };
  const keep = input.keepProblems ?? MAX_HELD;
  const report = (kind: 'error' | 'warning', line: number, e: CellError): void => {
    const p: ImportProblem = { file, line, column: e.column, label: e.zh, value: e.value, message: rowErrorText(file, line, e) };
    const held = kind === 'error' ? run.errors : run.warnings;
    if (kind === 'error') run.errorCount++;
    else run.warningCount++;
    if (held.length < keep) held.push(p);
    listener.problem?.(kind, p);
  };
  // Only skipInvalid writes them out; otherwise they would only cost memory.
  const keepRejects = !!(input.skipInvalid && input.rejects && !input.dryRun);
  // The bar's total, about: the file's lines from its size (none for a workbook).
  const estimate = listener.progress ? await estimateRecords(file) : null;
  const rejects: string[][] = [];
  let map: HeaderMap | null = null;
  let end: Extract<TableEvent<T>, { kind: 'end' }> | null = null;
  try {
    for await (const ev of sink.table(mapping, keepRejects)) {
      if (ev.kind === 'header') {
        run.headerLine = ev.line;
        map = ev.map;
        rejects.push([...ev.cells, 'error']);
        begin();
        listener.progress?.phase(text('正在导入', 'importing'), estimate, 'rows', true);
        continue;
      }
      if (ev.kind === 'end') {
        end = ev;
        break;
      }
      if (map === null) throw new Error('rows before the header');
      for (const rec of ev.rows) {
        run.rows++;
        if (rec.notApplication) {
          run.notApplications++;
          report('warning', rec.line, rec.notApplication);
          continue;
        }
        for (const w of rec.warnings) report('warning', rec.line, w);
        const errors: CellError[] = [...rec.errors];
        if (rec.value === null) {
          const dup = sink.invalid(rec.cells ?? [], map, rec.line);
          if (dup) errors.push({ column: dup.column, zh: columnZh(sink.defs, dup.column), value: dup.value ?? '', text: dup.text });
        } else {
          const out = sink.accept(rec.value, rec.line);
          if (typeof out === 'object' && 'repeat' in out) {
            run.repeated++;
            report('warning', rec.line, out.repeat);
          } else if (typeof out === 'object') errors.push({ column: out.column, zh: columnZh(sink.defs, out.column), value: out.value ?? '', text: out.text });
          else if (out === 'new') run.new++;
          else if (out === 'unchanged') run.unchanged++;
          else run.updated++;
        }
        if (errors.length > 0) {
          run.rejected++;
          for (const e of errors) report('error', rec.line, e);
          if (keepRejects) rejects.push(rejectRow(input.lang, rec.cells ?? [], rejects[0].length - 1, errors));
        }
      }
      listener.progress?.tick(run.rows);
    }
  } catch (e) {
    if (e instanceof TableReadError && e.line > 0) {
      run.fatal = { file, line: e.line, column: '', label: '', value: '', message: e.text };
    } else {
      throw fileProblem(file, e);
    }
  } finally {
    listener.progress?.done();
  }
  if (end?.blank) throw new UserError(text(`${file} 中没有任何数据行（只有空行）`, `${file} has no rows (only blank lines)`), 2);
  if (end?.headerProblem) {
    run.headerLine = end.headerLine;
    run.headerProblem = end.headerProblem;
  }
  return { run, rejects };
}

/** The rows left out under --skip-invalid (header first), written whole or not at all; null when there is nothing to write. */
export async function writeRejects(input: RejectOptions, rejected: number, rows: string[][]): Promise<string | null> {
  if (!input.skipInvalid || !input.rejects || input.dryRun || rejected === 0) return null;
  try {
    // UTF-8 with BOM, original header and cells, so that the fixed file imports as it is.
    // Private (0600): the rows carry applicants' names and figures.
    await writeFileAtomic(input.rejects, toCsv(rows), { force: input.force, mode: 0o600 });
  } catch (e) {
    if (e instanceof FileWriteError) throw new UserError(e.text, 2);
    throw e;
  }
  return input.rejects;
}

/**
 * Reads the file through the sink in one transaction and decides: commit (the
 * sink's event, then the rejects file, then COMMIT), or leave the ledger as it was.
 */
export async function importTable<T>(op: OpContext, input: ReadInput, sink: ImportSink<T>, listener: ImportListener = {}): Promise<TableImport> {
  checkRejectOptions(input, op.db.name);
  const tx: { open: Transaction | null } = { open: null };
  try {
    const { run, rejects } = await readInto(input, sink, () => (tx.open = beginTransaction(op.db)), listener);
    const bad = run.headerProblem !== null || run.fatal !== null || (run.rejected > 0 && !input.skipInvalid);
    const changes = run.new + run.updated > 0;
    if (!bad && !input.dryRun) {
      if (changes) sink.record(run);
      run.rejectsFile = await writeRejects(input, run.rejected, rejects);
      if (changes && tx.open) {
        tx.open.commit();
        run.written = true;
      }
    }
    run.problems = run.headerProblem !== null || run.fatal !== null || run.rejected > 0;
    return run;
  } finally {
    tx.open?.rollback();
  }
}

// ---------------------------------------------------------------------------
// Applications

export interface ImportApplicationsInput extends ReadInput {
  round: string | undefined;
  /** Replace the stored values of an application the file repeats with different values. */
  update?: boolean;
}

export interface ApplicationUpdate {
  application_id: string;
  state_before: string;
  changes: FieldChange[];
}

export interface ApplicationsImport extends TableImport {
  round: string;
  sha256: string;
  /** Applications the file changed (with update), old and new values; as logged. */
  updates: ApplicationUpdate[];
}

export async function importApplications(op: OpContext, input: ImportApplicationsInput, listener: ImportListener = {}): Promise<ApplicationsImport> {
  const { db } = op;
  const { file } = input;
  const round = requireRound(db, input.round);
  const now = op.now();
  if (!input.dryRun) refuseIfClockBehind(db, now);
  const sha256 = await sha256File(file);
  const sourceFile = basename(file);
  const updates: ApplicationUpdate[] = [];
  const period = { rows: 0, lines: new Set<number>(), first: null as string | null, last: null as string | null };
  // Rows outside the period are held back while every row so far is one: a
  // file of another round is then said once ("did you mean --round …?"), not row by row.
  const held: { kind: 'error' | 'warning'; p: ImportProblem }[] = [];
  let holding = true;
  const release = () => {
    holding = false;
    for (const h of held.splice(0)) listener.problem?.(h.kind, h.p);
  };
  let session: ApplicationImportSession | null = null;
  // Made at the first row, inside the transaction (it creates temporary tables).
  const ensure = (): ApplicationImportSession => (session ??= new ApplicationImportSession(db, round.roundId, { update: !!input.update, now }));
  const sink: ImportSink<ApplicationRecord> = {
    defs: APPLICATION_COLUMNS,
    table: (mapping, keepCells) => {
      const src = { file, read: { encoding: input.encoding, sheet: input.sheet }, mapping: mappingEntries(mapping), policy: round.policy, roundId: round.roundId, keepCells };
      // While the worker parses, the rows inserted so far are hashed for their seals (once the session exists).
      return useImportWorker(file) ? applicationTableInWorker(src, () => session?.sealAhead() ?? false) : applicationTable(src);
    },
    invalid: (cells, map, line) => {
      const s = ensure();
      const keys = rowKeys(cells, map);
      const dup = s.duplicateInFile(keys, line);
      s.noteSeen(keys, line);
      return dup && dup.kind === 'error' ? { column: dup.column, value: dup.value, text: dup.text } : null;
    },
    accept: (rec, line) => {
      const submittedOn = recordSubmittedOn(rec);
      const outside = checkSubmittedInPeriod(round, submittedOn);
      if (outside) {
        period.rows++;
        period.lines.add(line);
        if (period.first === null || submittedOn < period.first) period.first = submittedOn;
        if (period.last === null || submittedOn > period.last) period.last = submittedOn;
        return { column: 'submitted_on', text: outside };
      }
      if (holding) release();
      const out: AcceptOutcome = ensure().acceptRecord(rec, { file: sourceFile, line, sha256 });
      if (out.kind === 'error') return { column: out.column, value: out.value, text: out.text };
      if (out.kind === 'repeated') {
        const { applicationId: id, firstLine: first } = out;
        return {
          repeat: {
            column: 'application_id',
            zh: columnZh(APPLICATION_COLUMNS, 'application_id'),
            value: id,
            text: text(`与第 ${first} 行完全相同（申报 ${id}），只计一次`, `the same as line ${first}, value for value (application ${id}): taken once`),
          },
        };
      }
      if (out.kind === 'updated') {
        updates.push({ application_id: out.applicationId, state_before: out.stateBefore, changes: out.changes });
        return 'updated';
      }
      return out.kind;
    },
    record: (run) => {
      const s = ensure();
      const newIds = s.newApplicationIds();
      const event = appendEvent(db, {
        at: now,
        officer: op.officer,
        command: 'import',
        roundId: round.roundId,
        appIds: [...(newIds ?? []), ...updates.map((u) => u.application_id)],
        details: {
          file: sourceFile,
          sha256,
          header_line: run.headerLine,
          rows: run.rows,
          new: run.new,
          already_there: run.unchanged,
          // Only when there were some: the details of an import without them stay as they were.
          ...(run.repeated > 0 ? { repeated_in_file: run.repeated } : {}),
          ...(run.notApplications > 0 ? { not_applications: run.notApplications } : {}),
          updated: run.updated,
          rejected: run.rejected,
          rejects_file: input.rejects ?? null,
          updates,
        },
      });
      if (newIds === null) s.linkNewRows(event);
      s.noteNewRows();
    },
  };
  const periodListener: ImportListener = {
    progress: listener.progress,
    problem: (kind, p) => {
      if (holding && kind === 'error' && !(p.column === 'submitted_on' && period.lines.has(p.line))) release();
      if (holding) held.push({ kind, p });
      else listener.problem?.(kind, p);
    },
  };
  const run = await importTable(op, input, sink, periodListener);
  if (holding && run.rows > 0 && period.rows === run.rows && period.first !== null && period.last !== null) {
    const meant = didYouMeanRound(round, run.rows, { first: period.first, last: period.last }, listRounds(db));
    if (meant) throw new UserError(meant, 2);
  }
  release();
  return { ...run, round: round.roundId, sha256, updates };
}
