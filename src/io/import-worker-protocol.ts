// A table file to import (applications, or a side list) → its header and
// parsed rows (io/parsed-table.ts), in the calling thread or in the import
// worker (src/io/import-worker.ts), and the messages between the two: an
// import of a large file parses and validates in a worker thread while the
// main thread writes the ledger, so that the two halves of the work run side
// by side on two cores (they cost about the same CPU: one after the other they
// add up, side by side the longer one sets the time).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type CellError, type ColumnDef, type HeaderMapping, APPLICATION_COLUMNS, noteRowWarning, parseApplicationRow } from '../domain/import-row.js';
import type { Policy } from '../domain/policy.js';
import { type RowError, type ScoreColumns, type ScoreRow, criteriaJson, matchScoreColumns, parseScoreRow, scoreColumnDefs, scoreColumns } from '../domain/score-row.js';
import { expertUnits, formatFraction, scoringRules } from '../domain/scoring.js';
import { SIDE_LIST_COLUMNS, type SideListKind, parseSideListRow } from '../domain/side-lists.js';
import { type Text, text } from '../domain/text.js';
import { type ApplicationRecord, RECORD_COMMON_TEXT_AT, RECORD_LENGTH, applicationRecord, recordLine, withContentHash } from '../ledger/import.repo.js';
import { type ScoreSource, scoreStoredValues } from '../ledger/scores.repo.js';
import { type SideListInsertRow, sideListInsertRow } from '../ledger/side-lists.repo.js';
import { storedRowHash } from '../ledger/stored-row-hash.js';
import { FileReadError, type FileReadErrorCode } from './decode.js';
import { type HeaderFailure, type ParsedRecord, type RowParser, type TableEvent, parsedTable, tableRows } from './parsed-table.js';
import { type RawRow, type ReadTableOptions, TableReadError, type TableReadErrorCode, isWorkbook } from './table-reader.js';

/** `--mapping`, resolved (normalised header → column key), as it crosses to the worker. */
const mappingOf = (entries: [string, string][], columns: readonly ColumnDef[]): HeaderMapping | undefined => {
  if (entries.length === 0) return undefined;
  const defs = new Map(columns.map((d) => [d.key, d]));
  return new Map(entries.map(([k, key]) => [k, defs.get(key) as ColumnDef]));
};

export const mappingEntries = (m: HeaderMapping | undefined): [string, string][] => (m ? [...m].map(([k, d]) => [k, d.key]) : []);

// ---------------------------------------------------------------------------
// Applications

/** An application row → the record the ledger takes (content values and their hash). */
export function applicationRowParser(policy: Policy, roundId: string): RowParser<ApplicationRecord> {
  return (cells, map, line) => {
    const p = parseApplicationRow(cells, map, policy, roundId);
    return { value: p.value && applicationRecord(p.value, line), errors: p.errors, warnings: p.warnings, ...(p.notApplication ? { notApplication: p.notApplication } : {}) };
  };
}

export interface ApplicationSource {
  file: string;
  read: ReadTableOptions;
  /** `--mapping`, resolved: normalised header → column key. */
  mapping: [string, string][];
  policy: Policy;
  roundId: string;
  keepCells: boolean;
}

/** The events of an applications file, parsed in this thread (its records read here, or given: `batches`). */
export function applicationTable(src: ApplicationSource, batches?: AsyncIterable<RawRow[]>): AsyncGenerator<TableEvent<ApplicationRecord>> {
  return parsedTable(src.file, src.read, APPLICATION_COLUMNS, mappingOf(src.mapping, APPLICATION_COLUMNS), applicationRowParser(src.policy, src.roundId), src.keepCells, batches);
}

// ---------------------------------------------------------------------------
// Side lists

export interface SideListSource {
  file: string;
  read: ReadTableOptions;
  /** `--mapping`, resolved: normalised header → column key. */
  mapping: [string, string][];
  kind: SideListKind;
  keepCells: boolean;
}

/** A side-list row → the row its import inserts (its values and identity hash). */
const sideListRowParser =
  (kind: SideListKind): RowParser<SideListInsertRow> =>
  (cells, map) => {
    const p = parseSideListRow(kind, cells, map);
    return { ...p, value: p.value && sideListInsertRow(p.value) };
  };

/** The events of a side-list file, parsed in this thread (its records read here, or given: `batches`). */
export function sideListTable(src: SideListSource, batches?: AsyncIterable<RawRow[]>): AsyncGenerator<TableEvent<SideListInsertRow>> {
  const defs = SIDE_LIST_COLUMNS[src.kind];
  return parsedTable(src.file, src.read, defs, mappingOf(src.mapping, defs), sideListRowParser(src.kind), src.keepCells, batches);
}

// ---------------------------------------------------------------------------
// Score sheets

export interface ScoreSheetSource {
  file: string;
  read: ReadTableOptions;
  policy: Policy;
  /** Every row's cells are kept (else only a bad row's). */
  keepCells: boolean;
  /** What a new row will be stored with: its hash as stored (storedRowHash) is made on the way; null: not made. */
  sealAs: { roundId: string; src: ScoreSource } | null;
}

/** One record after the header: a note under the sheet (注：…), a row with errors, or a score row. */
export interface ScoreSheetLine {
  line: number;
  cells: string[] | null;
  note: CellError | null;
  row: ScoreRow | null;
  errors: RowError[];
  /** The row's hash as a new row of `scores` (see sealAs). */
  hash: string | null;
}

export type ScoreSheetEvent =
  | { kind: 'header'; cells: string[]; cols: ScoreColumns }
  | { kind: 'rows'; rows: ScoreSheetLine[] }
  /** `failure`: no usable header. */
  | { kind: 'end'; failure: HeaderFailure | null };

const NO_ROW_ERRORS: RowError[] = [];

/** The events of a score sheet, its rows parsed in this thread (its records read here, or given: `batches`). */
export async function* scoreSheetTable(src: ScoreSheetSource, batches?: AsyncIterable<RawRow[]>): AsyncGenerator<ScoreSheetEvent> {
  const rules = scoringRules(src.policy);
  const defs = scoreColumnDefs(rules);
  const weightedTotal = (c: Record<string, number>) => formatFraction(expertUnits(rules, null, c) ?? 0n, rules.unitsPerPoint);
  let cols: ScoreColumns | null = null;
  for await (const ev of tableRows(src.file, src.read, (cells) => matchScoreColumns(cells, defs), batches)) {
    if (ev.kind === 'header') {
      cols = scoreColumns(ev.cells, ev.map, rules);
      yield { kind: 'header', cells: ev.cells, cols };
    } else if (ev.kind === 'rows') {
      const c = cols as ScoreColumns;
      const rows = ev.rows.map(({ line, cells }): ScoreSheetLine => {
        // A note under the sheet (注：…, 评审专家签名：…): no score.
        const note = noteRowWarning(cells, text('评分', 'a score'));
        if (note !== null) return { line, cells: null, note, row: null, errors: NO_ROW_ERRORS, hash: null };
        const errors: RowError[] = [];
        const row = parseScoreRow(line, cells, c, rules, weightedTotal, errors);
        return { line, cells: src.keepCells || row === null ? cells : null, note: null, row, errors: row === null ? errors : NO_ROW_ERRORS, hash: null };
      });
      const as = src.sealAs;
      if (as) for (const r of rows) if (r.row !== null) r.hash = storedRowHash('scores', scoreStoredValues(r.row, as.roundId, as.src));
      yield { kind: 'rows', rows };
    } else {
      yield { kind: 'end', failure: ev.failure };
    }
  }
}

/**
 * A score sheet's event as the worker sends it: a score row without its
 * cells goes as a flat array (line, application, expert, score, criteria as
 * JSON, recused 0/1, comment, hash), the rest as read.
 */
export function scoreSheetToWire(ev: ScoreSheetEvent): ScoreSheetWireEvent {
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((l) => {
      const r = l.row;
      if (r === null || l.cells !== null) return l;
      return [l.line, r.applicationId, r.expertId, r.centi, criteriaJson(r), r.recused ? 1 : 0, r.comment, l.hash];
    }),
  };
}

type ScoreWireRow = [number, string, string, number | null, string | null, 0 | 1, string | null, string | null];
export type ScoreSheetWireEvent = Exclude<ScoreSheetEvent, { kind: 'rows' }> | { kind: 'rows'; rows: (ScoreSheetLine | ScoreWireRow)[] };

function scoreSheetFromWire(ev: ScoreSheetWireEvent): ScoreSheetEvent {
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((w) => {
      if (!Array.isArray(w)) return w;
      const [line, applicationId, expertId, centi, criteria, recused, comment, hash] = w;
      const row: ScoreRow = { line, applicationId, expertId, centi, criteria: criteria === null ? null : (JSON.parse(criteria) as Record<string, number>), recused: recused === 1, comment };
      return { line, cells: null, note: null, row, errors: NO_ROW_ERRORS, hash };
    }),
  };
}

/** What the worker is given: the source, and whether it only reads the records (a workbook) or also parses them. */
export type WorkerJob = ((ApplicationSource & { table: 'applications' }) | (SideListSource & { table: 'side-list' }) | (ScoreSheetSource & { table: 'scores' })) & {
  recordsOnly: boolean;
};

// ---------------------------------------------------------------------------
// The worker, seen from the main thread

/**
 * Rows per message from the worker, and messages on their way at most (bounds
 * memory: ≈ 4,000 rows). Small messages: rows that wait long in a message
 * outlive V8's young generation and cost a full GC later; with 2,000-row
 * messages the import took ≈ 10 % more CPU (1,000,000 rows).
 */
export const ROWS_PER_MESSAGE = 250;
export const MESSAGES_IN_FLIGHT = 16;
/**
 * The workbook reader's young generation: its garbage (the XML text, each
 * cell's value) dies young and its live set is the shared strings, so V8's
 * default of a few times 16 MiB was mostly garbage waiting (bench/README.md).
 */
const WORKBOOK_READER_LIMITS = { maxYoungGenerationSizeMb: 4 };
/** Smaller files are parsed in the calling thread: a worker costs ≈ 50 ms to start. */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Events as the worker sends them: a row that is good and has no warning goes
 * as its bare record (most rows; see ApplicationRecord and SideListInsertRow),
 * the rest as parsed. An application's record is followed, when the
 * cells are kept (--skip-invalid: the main thread may still refuse the row),
 * by the cells as one JSON text, parsed only for a row that is refused: one
 * string costs the two threads less than a record object with an array of them.
 */
export type WireEvent = Exclude<TableEvent<never>, { kind: 'rows' }> | { kind: 'rows'; rows: (ApplicationRecord | ParsedRecord<unknown>)[] } | ScoreSheetWireEvent;

/**
 * Texts that many rows share (district, category, dates, extra columns) go
 * once per message: in a bare record each is replaced by -(its index in the
 * message's `texts` + 1); no text column holds a number otherwise. A string
 * costs the sender and the receiver a copy each, a small integer nearly nothing.
 */
export class WireTexts {
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();
  ref(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(s);
      this.index.set(s, i);
    }
    return -(i + 1);
  }
}

/**
 * The event as the worker sends it; bare records are changed in place (the
 * worker is done with them). `hashHere`: their content hashes are made here
 * (the thread that writes is behind), else left to it.
 */
export function toWire(ev: TableEvent<ApplicationRecord>, texts: WireTexts, hashHere: boolean): WireEvent {
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((r) => {
      if (r.value === null || r.errors.length > 0 || r.warnings.length > 0) return r;
      const rec = (hashHere ? withContentHash(r.value) : r.value) as (string | number | null)[];
      for (const k of RECORD_COMMON_TEXT_AT) {
        const v = rec[k];
        if (typeof v === 'string') rec[k] = texts.ref(v);
      }
      if (r.cells !== null) rec.push(JSON.stringify(r.cells));
      return rec;
    }),
  };
}

const NONE: CellError[] = [];

function fromWire(wire: WireEvent, texts: readonly string[]): TableEvent<ApplicationRecord> {
  const ev = wire as Exclude<WireEvent, ScoreSheetWireEvent>;
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((r) => {
      if (!isBare(r)) return r as ParsedRecord<ApplicationRecord>;
      const rec = r as (string | number | null)[];
      const cells = rec.length > RECORD_LENGTH ? (rec.pop() as string) : null;
      for (const k of RECORD_COMMON_TEXT_AT) {
        const v = rec[k];
        if (typeof v === 'number') rec[k] = texts[-v - 1];
      }
      if (cells === null) return { line: recordLine(rec), cells: null, value: rec, errors: NONE, warnings: NONE };
      return {
        line: recordLine(rec),
        get cells(): string[] {
          return JSON.parse(cells) as string[];
        },
        value: rec,
        errors: NONE,
        warnings: NONE,
      };
    }),
  };
}

/**
 * A side list's event as the worker sends it: a good row without a warning
 * (and without its cells: they are kept only under --skip-invalid) goes as its
 * insert row followed by its line; bare rows are changed in place.
 */
export function sideListToWire(ev: TableEvent<SideListInsertRow>): WireEvent {
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((r) => {
      if (r.value === null || r.cells !== null || r.errors.length > 0 || r.warnings.length > 0) return r;
      r.value.push(r.line);
      return r.value;
    }),
  };
}

function sideListFromWire(wire: WireEvent): TableEvent<SideListInsertRow> {
  const ev = wire as Exclude<WireEvent, ScoreSheetWireEvent>;
  if (ev.kind !== 'rows') return ev;
  return {
    kind: 'rows',
    rows: ev.rows.map((r) => {
      if (!isBare(r)) return r as ParsedRecord<SideListInsertRow>;
      const row = r as SideListInsertRow;
      const line = row.pop() as number;
      return { line, cells: null, value: row, errors: NONE, warnings: NONE };
    }),
  };
}

const isBare = (r: ApplicationRecord | ParsedRecord<unknown>): r is ApplicationRecord => Array.isArray(r);

export type WorkerMessage =
  | { t: 'events'; events: WireEvent[]; texts: string[] }
  /** Records as read, for the main thread to parse (a workbook: reading it is most of the work). */
  | { t: 'records'; rows: RawRow[] }
  | { t: 'error'; error: SerializedError }
  | { t: 'done' };

export type SerializedError =
  | { kind: 'file'; code: FileReadErrorCode; path: string; text: Text }
  | { kind: 'table'; code: TableReadErrorCode; path: string; line: number; column?: number; text: Text }
  | { kind: 'other'; message: string; stack?: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof FileReadError) return { kind: 'file', code: e.code, path: e.path, text: e.text };
  if (e instanceof TableReadError) return { kind: 'table', code: e.code, path: e.path, line: e.line, column: e.column, text: e.text };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'other', message: err.message, stack: err.stack };
}

function deserializeError(s: SerializedError): Error {
  if (s.kind === 'file') return new FileReadError(s.code, s.path, s.text);
  if (s.kind === 'table') return new TableReadError(s.code, s.path, s.line, s.text, s.column);
  const e = new Error(`import worker: ${s.message}`);
  if (s.stack) e.stack = s.stack;
  return e;
}

// ../io/: the same file from dist/io/ and from dist/bundle/ (the CommonJS chunks of
// scripts/bundle.mjs, one level below dist/ as well); the worker runs the ES modules of dist/io/.
const WORKER_URL = new URL('../io/import-worker.js', import.meta.url);

/**
 * Whether to parse in a worker: for files of a few MiB and more, when the
 * compiled worker is there (not when running from the TypeScript sources, as
 * the tests do). JMFUND_IMPORT_WORKER=always|never overrides, for tests.
 */
export function useImportWorker(file: string): boolean {
  const env = process.env.JMFUND_IMPORT_WORKER;
  if (env === 'never' || !existsSync(fileURLToPath(WORKER_URL))) return false;
  if (env === 'always') return true;
  try {
    return statSync(file).size >= WORKER_MIN_BYTES;
  } catch {
    return false; // the reader reports it
  }
}

/**
 * The events of an applications file, with a worker thread. A CSV file is
 * read, parsed and validated there while this thread writes the ledger; a
 * workbook is only read there (reading it costs more than parsing and writing
 * its rows together), and its records are parsed here. At most
 * MESSAGES_IN_FLIGHT messages wait here: the worker waits for an ack of each
 * before reading further, so memory stays bounded when the ledger is slower.
 * While no message waits, `idle` does a little of the caller's later work
 * (false: none is left), and the messages that came meanwhile go first.
 */
export async function* applicationTableInWorker(src: ApplicationSource, idle?: () => boolean): AsyncGenerator<TableEvent<ApplicationRecord>> {
  const recordsOnly = await isWorkbook(src.file);
  yield* tableInWorker({ ...src, table: 'applications', recordsOnly }, (batches) => applicationTable(src, batches), fromWire, idle);
}

/** The events of a side-list file, with a worker thread, as applicationTableInWorker: the row identity hashes are made there too. */
export async function* sideListTableInWorker(src: SideListSource, idle?: () => boolean): AsyncGenerator<TableEvent<SideListInsertRow>> {
  const recordsOnly = await isWorkbook(src.file);
  yield* tableInWorker({ ...src, table: 'side-list', recordsOnly }, (batches) => sideListTable(src, batches), sideListFromWire, idle);
}

/**
 * The events of a score sheet, with a worker thread, as applicationTableInWorker: the hashes of
 * `src.sealAs` are made there too (not for a workbook, whose records are parsed here).
 */
export async function* scoreSheetInWorker(src: ScoreSheetSource): AsyncGenerator<ScoreSheetEvent> {
  const recordsOnly = await isWorkbook(src.file);
  yield* tableInWorker({ ...src, table: 'scores', recordsOnly }, (batches) => scoreSheetTable({ ...src, sealAs: null }, batches), (ev) => scoreSheetFromWire(ev as ScoreSheetWireEvent));
}

async function* tableInWorker<E>(
  job: WorkerJob,
  /** The rows parsed here from the records the worker reads (a workbook). */
  parsedHere: (batches: AsyncIterable<RawRow[]>) => AsyncGenerator<E>,
  unwire: (ev: WireEvent, texts: readonly string[]) => E,
  idle?: () => boolean,
): AsyncGenerator<E> {
  const worker = new Worker(WORKER_URL, { workerData: job, ...(job.recordsOnly ? { resourceLimits: WORKBOOK_READER_LIMITS } : {}) });
  try {
    const messages = workerMessages(worker, idle);
    if (job.recordsOnly) {
      yield* parsedHere(recordsOf(messages));
      return;
    }
    for await (const m of messages) if (m.t === 'events') for (const ev of m.events) yield unwire(ev, m.texts);
  } finally {
    await worker.terminate();
  }
}

async function* recordsOf(messages: AsyncIterable<WorkerMessage>): AsyncGenerator<RawRow[]> {
  for await (const m of messages) if (m.t === 'records') yield m.rows;
}

/** The worker's messages of rows, each acknowledged as it is taken; its error thrown; the end at 'done'. */
async function* workerMessages(worker: Worker, idle?: () => boolean): AsyncGenerator<WorkerMessage> {
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    signal();
  });
  worker.on('error', (e: Error) => {
    failure ??= e;
    signal();
  });
  worker.on('exit', () => {
    exited = true;
    signal();
  });
  for (;;) {
    const m = queue.shift();
    if (m === undefined) {
      if (failure) throw failure;
      if (exited) throw new Error('import worker stopped before the end of the file');
      if (idle?.()) {
        await yieldToEvents();
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    if (m.t === 'done') return;
    if (m.t === 'error') throw deserializeError(m.error);
    worker.postMessage('ack');
    yield m;
  }
}
