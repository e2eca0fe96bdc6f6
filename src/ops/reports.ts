// `report KIND`: a round's report model built from the ledger's facts, then
// written in the chosen format to a file or returned as text for stdout
// (Art. 6, 10(4), 11, 15, 17; SPEC §12).
import { UserError } from '../domain/errors.js';
import { htmlRowsOf, REPORT_KINDS, type CellValue, type Report, type ReportFormat, type ReportKind, type Section } from '../domain/reports/model.js';
import { text, type Lang } from '../domain/text.js';
import { buildReport } from '../domain/reports/index.js';
import { buildLineReport } from '../domain/reports/line.js';
import { FileWriteError } from '../io/atomic-write.js';
import { formatOfPath, renderReport, writeReportFile } from '../io/exporters/index.js';
import { type RowsElsewhere, SPLICED_FORMATS, type SplicedFormat } from '../io/exporters/rows-elsewhere.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { latestVersion } from '../ledger/allocations.repo.js';
import { inReadSnapshot, type Db } from '../ledger/open.js';
import { ledgerHead, loadRoundFacts, soundVerifyFacts, verifyFactsOnFile } from '../ledger/reports.repo.js';
import { type RowsRequest, sameVerify, verifyBeside, verifyBesideWorthIt } from './audit-verify.js';
import type { FactsVerify } from '../domain/reports/facts.js';
import type { OpContext } from './context.js';
import { fundingLineOfAsync, type LineInput } from './line.js';
import { requireRound } from './lookup.js';
import { reporter, type Progress } from './progress.js';

/**
 * Builds a report of a round from the ledger (pure builders over the facts the
 * repository reads; `line` over the funding-line analysis, read-only).
 */
export function buildRoundReport(db: Db, kind: 'line', roundId: string, generatedAt: string, line?: Omit<LineInput, 'roundId'>): Promise<Report>;
export function buildRoundReport(db: Db, kind: Exclude<ReportKind, 'line'>, roundId: string, generatedAt: string, line?: Omit<LineInput, 'roundId'>, verified?: FactsVerify): Report;
export function buildRoundReport(db: Db, kind: ReportKind, roundId: string, generatedAt: string, line?: Omit<LineInput, 'roundId'>, verified?: FactsVerify): Report | Promise<Report>;
export function buildRoundReport(
  db: Db,
  kind: ReportKind,
  roundId: string,
  generatedAt: string,
  line: Omit<LineInput, 'roundId'> = {},
  verified?: FactsVerify,
): Report | Promise<Report> {
  if (kind === 'line') return lineReport(db, roundId, generatedAt, line);
  // Only the audit report shows the verify result; the others skip the full-ledger checks.
  // The audit report walks the standings three times (charts, allocation, money): they are kept once read.
  const audit = kind === 'audit';
  const facts = loadRoundFacts(db, requireRound(db, roundId).roundId, { verify: audit ? (verified ?? true) : false, keepStandings: audit });
  if (!facts) throw new Error(`round ${roundId} vanished while its report was read`);
  return buildReport(kind, facts, generatedAt);
}

export interface ReportInput {
  kind: string;
  roundId: string | undefined;
  /** Default: from the extension of `out`, else md. */
  format?: ReportFormat;
  /** An absolute path to write to; without it the report is returned as text. */
  out?: string;
  force?: boolean;
  lang: Lang;
  /** Whether the language was asked for explicitly (else the public notice is in Chinese). */
  langExplicit?: boolean;
  /** `report line`: the category, draws and seed of the analysis (as `jmfund line`). */
  line?: Omit<LineInput, 'roundId'>;
  /** Zone the report's instants are shown in (default China Standard Time); JSON keeps ISO. */
  timeZone?: string;
  /** HTML only: the rows a long listing shows at most (default HTML_ROWS_SHOWN; null: every row). */
  htmlRows?: number | null;
}

interface ReportHead {
  kind: ReportKind;
  round: string;
  format: ReportFormat;
  lang: Lang;
}

export type ReportResult = (ReportHead & { out: string; bytes: number; sha256: string }) | (ReportHead & { content: string });

export async function writeRoundReport(op: OpContext, input: ReportInput): Promise<ReportResult> {
  const kind = input.kind;
  if (!isReportKind(kind)) {
    throw new UserError(text(`未知的报告类型「${kind}」。可用：${REPORT_KINDS.join('、')}`, `unknown report "${kind}". Known: ${REPORT_KINDS.join(', ')}`), 2);
  }
  const format = input.format ?? (input.out !== undefined ? formatOfPath(input.out) : undefined) ?? 'md';
  if (format === 'xlsx' && !input.out) {
    throw new UserError(text('xlsx 格式需要用 --out 指定文件。', 'the xlsx format needs --out FILE.'), 2, text('例如：--out 补助名单.xlsx', 'e.g. --out awards.xlsx'));
  }
  if (input.htmlRows !== undefined && format !== 'html') {
    throw new UserError(text(`--html-rows 只用于 HTML 格式（本次为 ${format}）。`, `--html-rows applies to the html format only (this is ${format}).`), 2, text('其他格式总是包含全部行。', 'the other formats always hold every row.'));
  }
  // The public notice is a Chinese document unless a language is asked for explicitly.
  const lang: Lang = kind === 'notice' && !input.langExplicit ? 'zh' : input.lang;
  const round = requireRound(op.db, input.roundId);
  // Before the report is built (the audit report of a large round takes a while).
  if (input.out) checkOutPath(input.out, { option: '--out', keep: ledgerFiles(op.db.name), force: input.force });
  const generatedAt = op.now();
  const head: ReportHead = { kind, round: round.roundId, format, lang };
  // A large audit report in a data format: the verify's worker writes the rows of these sections (auditBeside).
  const beside = kind === 'audit' && verifyBesideWorthIt(op.db.name);
  const rowsElsewhere: readonly string[] = beside && isSpliced(format) ? AUDIT_SECTIONS_BESIDE : [];
  const finish = (report: Report): Report => {
    // Set on the report, not spread into a new one: what a report makes only when read (withLazyHead) stays so.
    report.timeZone = input.timeZone;
    if (input.htmlRows !== undefined) report.htmlRows = input.htmlRows;
    return counted(report, op.progress, format, rowsElsewhere);
  };
  const build = (verified?: FactsVerify): Report => finish(buildRoundReport(op.db, kind as Exclude<ReportKind, 'line'>, round.roundId, generatedAt, input.line, verified));
  const emit = async (report: Report, beforeCommit?: () => Promise<void>, elsewhere?: RowsElsewhere): Promise<ReportResult> => {
    if (input.out) return { ...head, out: input.out, ...(await toFile(report, head, input.out, input.force, beforeCommit, elsewhere)) };
    const content = await toText(report, head, elsewhere);
    await beforeCommit?.();
    return { ...head, content };
  };
  try {
    // The funding line's draws take minutes at a province's scale: with their own progress, Ctrl-C heard between them;
    // it reads the ledger under a snapshot of its own, then no more.
    if (kind === 'line') return await emit(finish(await lineReport(op.db, round.roundId, generatedAt, input.line ?? {}, op.progress)));
    // Every other report reads one state of the ledger from its first row to its last, its verify included: a command
    // that writes meanwhile waits (a report's sections are many reads, and the audit's verify another connection's).
    return await inReadSnapshot(op.db, async () => {
      if (kind !== 'audit') return await emit(build());
      // The audit report's checks of the whole ledger, as verify runs them (a second core takes SQLite's own).
      const checks = reporter(op.progress, text('校验账本', 'verifying'), 'checks');
      // An abridged web page reads little of the round: the verify may take the rest of the machine.
      if (beside) {
        // The worker also writes the rows of rowsElsewhere (a data format's, in full): the two threads then end about together.
        const rows: RowsRequest | null =
          rowsElsewhere.length > 0 && isSpliced(format) ? { roundId: round.roundId, generatedAt, timeZone: input.timeZone, format, lang, sections: [...rowsElsewhere] } : null;
        return await auditBeside(op.db, build, emit, checks, format === 'html' && input.htmlRows !== null, rows);
      }
      return await emit(build(await verifyFactsOnFile(op.db, checks)));
    });
  } finally {
    op.progress?.done();
  }
}

/** The audit report's sections whose rows the verify's worker writes first (csv, md, json). */
const AUDIT_SECTIONS_BESIDE: readonly string[] = ['scores'];

const isSpliced = (f: ReportFormat): f is SplicedFormat => (SPLICED_FORMATS as readonly ReportFormat[]).includes(f);

/** A sound ledger's verify result was not the one found: the report is written again with it. */
class VerifyDiffers extends Error {
  constructor(readonly verified: FactsVerify) {
    super('the verify result differs from the one the report was written with');
  }
}

/**
 * The audit report written while its verify runs in a worker thread
 * (audit-verify.ts): with a sound ledger's result, kept if the verify finds
 * that result, else written again with the result found.
 */
async function auditBeside(
  db: Db,
  build: (verified: FactsVerify) => Report,
  emit: (report: Report, beforeCommit?: () => Promise<void>, elsewhere?: RowsElsewhere) => Promise<ReportResult>,
  checks: ((done: number, total: number) => void) | undefined,
  split: boolean,
  rows: RowsRequest | null,
): Promise<ReportResult> {
  // The verify's progress is shown once the report is written (a bar at a time), from where it has got to.
  let writing = true;
  let heard: [number, number] | undefined;
  const beside = verifyBeside(
    db,
    db.name,
    (done, total) => {
      if (writing) heard = [done, total];
      else checks?.(done, total);
    },
    split,
    rows,
  );
  const guess = soundVerifyFacts(db);
  // The verify's threads read the ledger too: this thread's page cache is kept small (the report reads each
  // table a few times over, in order, and the file's pages are in the system's cache) so the three stay within memory.
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${Math.max(cache, REPORT_CACHE_KIB)}`);
  try {
    return await emit(
      build(guess),
      async () => {
        writing = false;
        if (heard) checks?.(...heard);
        const found = await beside.result;
        if (!sameVerify(found, guess)) throw new VerifyDiffers(found);
      },
      beside.rows,
    );
  } catch (e) {
    if (e instanceof VerifyDiffers) return emit(build(e.verified), undefined, beside.rows);
    beside.cancel();
    throw e;
  } finally {
    db.pragma(`cache_size = ${cache}`);
  }
}

/** The page cache of the audit report's own reads while its verify runs beside it (negative: KiB, as the pragma takes it). */
const REPORT_CACHE_KIB = -16384;

const isReportKind = (k: string): k is ReportKind => (REPORT_KINDS as readonly string[]).includes(k);

/** The funding-line analysis (read-only, as `jmfund line`) as a report; before a first allocation, a report that says so. */
async function lineReport(db: Db, roundId: string, generatedAt: string, input: Omit<LineInput, 'roundId'>, progress?: Progress): Promise<Report> {
  const round = requireRound(db, roundId);
  const head = { roundId, opensOn: round.opensOn, closesOn: round.closesOn, policy: round.policy, policyId: round.policyId, policyHash: round.policyHash, head: ledgerHead(db) };
  if (latestVersion(db, roundId) === null) return buildLineReport({ ...head, version: null, category: null, line: null }, generatedAt);
  const r = await fundingLineOfAsync({ db, officer: '', now: () => generatedAt, today: () => generatedAt.slice(0, 10), progress }, { ...input, roundId });
  return buildLineReport({ ...head, version: r.version, category: r.category?.key ?? null, line: r }, generatedAt);
}

/**
 * The report, its rows told to `progress` as the exporter writes them (a report of 10^5 applications takes a while),
 * out of about as many as its sections expect (a bar and the time left), else without a total. The rows of the
 * sections `elsewhere` another thread writes: they are not counted here.
 */
function counted(report: Report, progress: Progress | undefined, format: ReportFormat, elsewhere: readonly string[]): Report {
  if (!progress) return report;
  let done = 0;
  let started = false;
  // A web page reads an abridged listing that can count its rows only up to one row past the cut.
  const cut = format === 'html' ? htmlRowsOf(report) : null;
  const expectedOf = (s: Section): number => {
    if (elsewhere.includes(s.id)) return 0;
    const n = s.expectedRows?.() ?? 0;
    return cut !== null && s.abridgeable && s.count ? Math.min(n, cut + 1) : n;
  };
  const count = (rows: Iterable<CellValue[]>): Iterable<CellValue[]> => ({
    *[Symbol.iterator]() {
      if (!started) {
        const expected = report.sections.reduce((n, s) => n + expectedOf(s), 0);
        progress.phase(text('正在写报告', 'writing the report'), expected > 0 ? expected : null, 'rows', true);
      }
      started = true;
      for (const r of rows) {
        yield r;
        progress.tick(++done);
      }
    },
  });
  report.sections = report.sections.map((s) => ({ ...s, rows: count(s.rows) }));
  return report;
}

/**
 * The documents the fund publishes (Art. 10(4)): their files follow the
 * officer's umask. Every other report names applicants with their scores,
 * payments or the audit trail, and is created 0600.
 */
const PUBLIC_REPORTS: ReadonlySet<ReportKind> = new Set(['awards', 'notice']);

async function toFile(
  report: Report,
  h: ReportHead,
  out: string,
  force: boolean | undefined,
  beforeCommit?: () => Promise<void>,
  elsewhere?: RowsElsewhere,
): Promise<{ bytes: number; sha256: string }> {
  try {
    const { bytes, sha256 } = await writeReportFile(report, h.format, h.lang, out, { force, mode: PUBLIC_REPORTS.has(h.kind) ? 0o666 : 0o600, beforeCommit, elsewhere });
    return { bytes, sha256 };
  } catch (e) {
    if (e instanceof FileWriteError) {
      throw new UserError(e.text, 2, e.code === 'exists' ? text('加 --force 覆盖，或换一个文件名。', 'add --force to overwrite, or choose another name.') : undefined);
    }
    throw e;
  }
}

async function toText(report: Report, h: ReportHead, elsewhere?: RowsElsewhere): Promise<string> {
  try {
    return (await renderReport(report, h.format, h.lang, elsewhere)).toString();
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
}
