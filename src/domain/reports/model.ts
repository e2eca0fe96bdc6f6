// The report model (SPEC §12): a report is data: sections of typed cells under bilingual headers,
// plus charts. One builder per kind turns a round's facts into a Report; one
// exporter per format (csv, json, xlsx, html, md) writes any Report. The head
// (meta, charts: aggregates, small) is computed first; a section's rows are an
// iterable the exporter pulls one at a time, so a round of any size is written
// without holding its rows.
import type { Lang, Text } from '../text.js';
import { text } from '../text.js';
import { labelOf, tieBreakText } from '../labels.js';
import { DEFAULT_TIME_ZONE, formatInstant } from '../dates.js';

export const REPORT_KINDS = ['awards', 'notice', 'audit', 'fund-usage', 'performance', 'line'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_FORMATS = ['csv', 'json', 'xlsx', 'html', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * text: string | Text | Coded; money: integer fen (a bigint for a sum, exact
 * at any size); number and percent: a
 * display value (percent in percent units, 87.5 = 87.5 %); date: YYYY-MM-DD;
 * instant: ISO-8601 UTC.
 */
export type ColumnType = 'text' | 'money' | 'number' | 'percent' | 'date' | 'instant';

/** A word of the ledger (a reason, an outcome) with its label: JSON keeps the code. */
export interface Coded {
  code: string;
  label: Text;
}

/** Money in a column of another type (e.g. one row of an indicator table). */
export interface Money {
  fen: number | bigint;
}
export const moneyCell = (fen: number | bigint): Money => ({ fen });

export type CellValue = string | number | bigint | Text | Coded | Money | null;

export interface Column {
  key: string;
  header: Text;
  type: ColumnType;
  /** Decimals shown for number and percent columns. */
  decimals?: number;
  /** A column mixing counts and ratios (an indicator table): whole numbers shown without decimals. */
  wholeIntegers?: boolean;
}

export interface Section {
  id: string;
  title: Text;
  note?: Text;
  columns: Column[];
  /**
   * The rows in order. May read the ledger as it is iterated: an exporter
   * goes through it once, row by row, and keeps none. Iterating it again
   * reads it again.
   */
  rows: Iterable<CellValue[]>;
  /** About how many rows (for a progress bar's total), when they grow with the round; counted only when asked. */
  expectedRows?: () => number;
  /**
   * A listing of the round's evidence, row by row (an audit report's applications, results, scores…): a web page
   * may list only its first rows and say how many there are (Report.htmlRows), the data formats hold every row.
   */
  abridgeable?: boolean;
  /** Exactly how many rows `rows` gives, counted without making them: an abridged page need not read the rest. */
  count?: () => number;
}

/** Rows of an abridgeable section a web page lists by default (节选): a browser still opens a page of a province's round. */
export const HTML_ROWS_SHOWN = 10_000;

/** The rows an abridgeable section of `r` lists on a web page at most (null: every row). */
export const htmlRowsOf = (r: Report): number | null => (r.htmlRows === undefined ? HTML_ROWS_SHOWN : r.htmlRows);

/** Rows computed one at a time from a source, skipping those `row` maps to null; iterable again as often as the source is. */
export function rowsOf<T>(source: Iterable<T>, row: (x: T) => CellValue[] | null): Iterable<CellValue[]> {
  return {
    *[Symbol.iterator]() {
      for (const x of source) {
        const r = row(x);
        if (r !== null) yield r;
      }
    },
  };
}

/**
 * A section's rows opened for writing: whether there are any (an empty
 * section is written differently), and the rows, to be iterated once.
 */
export function openRows(rows: Iterable<CellValue[]>): { empty: boolean; rows: Iterable<CellValue[]> } {
  const it = rows[Symbol.iterator]();
  const first = it.next();
  if (first.done) return { empty: true, rows: [] };
  return {
    empty: false,
    rows: (function* () {
      try {
        yield first.value;
        for (let r = it.next(); !r.done; r = it.next()) yield r.value;
      } finally {
        // Closes a ledger query left open by an error in the writer.
        it.return?.();
      }
    })(),
  };
}

export interface MetaField {
  key: string;
  label: Text;
  value: CellValue;
  type: ColumnType;
}

export interface ChartBar {
  label: Text;
  /** Money (a money chart); in a count chart, the bar's total count. */
  fen: number | bigint;
  /** A count chart's bar in parts (pass / fail / needs review), drawn stacked. */
  parts?: ChartPart[];
}

export interface ChartPart {
  label: Text;
  count: number;
  tone: 'good' | 'bad' | 'warn';
}

/** A horizontal bar chart: of money, or (unit 'count') of counts in parts. */
export interface Chart {
  id: string;
  title: Text;
  bars: ChartBar[];
  unit?: 'count';
}

/**
 * What a report opens with (SPEC §14 words): the round's money through the
 * stages, its applications by state and, when the ledger was verified, the
 * result. The round, policy and hash and the ledger's head are in the meta.
 */
export interface ReportSummary {
  money: { stage: string; label: Text; fen: bigint | null }[];
  states: { state: string; label: Text; count: number }[];
  verify: { ok: boolean; text: Text } | null;
}

/**
 * A caterpillar plot (report line): one row per application in order of
 * expected rank, its 90 % rank interval as a bar, the funding line across.
 */
export interface Caterpillar {
  id: string;
  title: Text;
  /** The rank axis runs from 1 to `ranks`. */
  ranks: number;
  /** The line lies after this many ranks (where the money ran out); null: no line. */
  line: number | null;
  rows: { label: string; expectedRank: number; rankLow: number; rankHigh: number; pFunded: number; funded: boolean; greyZone: boolean }[];
}

export interface Report {
  kind: ReportKind;
  title: Text;
  roundId: string;
  generatedAt: string;
  meta: MetaField[];
  sections: Section[];
  charts: Chart[];
  /** Zone the instants are shown in (IANA); default China Standard Time. JSON keeps ISO instants. */
  timeZone?: string;
  /** HTML: the rows an abridgeable section lists at most (default HTML_ROWS_SHOWN; null: every row). */
  htmlRows?: number | null;
  /** The answer first: drawn before the charts and the long tables (HTML). */
  summary?: ReportSummary;
  /** Drawn by the HTML exporter; the other formats carry the same figures in the sections. */
  caterpillars?: Caterpillar[];
}

/**
 * A report whose charts and summary are made when an exporter first reads
 * them: CSV reads neither, and an audit report's take a pass over the
 * round's applications. Made once, then kept.
 */
export function withLazyHead(r: Omit<Report, 'charts' | 'summary'>, make: () => Pick<Report, 'charts' | 'summary'>): Report {
  let made: Pick<Report, 'charts' | 'summary'> | undefined;
  const head = () => (made ??= make());
  return Object.defineProperties(r, {
    charts: { get: () => head().charts, enumerable: true },
    summary: { get: () => head().summary, enumerable: true },
  }) as Report;
}

export const isCoded = (v: CellValue): v is Coded => typeof v === 'object' && v !== null && 'code' in v;
export const isMoney = (v: CellValue): v is Money => typeof v === 'object' && v !== null && 'fen' in v;

/** A cell as an exporter writes it: its type settled and its text in one language. */
export type Resolved =
  | { type: 'empty' }
  | { type: 'text'; text: string; code?: string }
  | { type: 'money'; fen: number | bigint }
  | { type: 'number' | 'percent'; value: number; decimals: number }
  | { type: 'date' | 'instant'; value: string };

export function resolveCell(v: CellValue, c: Column, lang: Lang): Resolved {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return { type: 'empty' };
  // A bigint is a sum of money.
  if (typeof v === 'bigint') return { type: 'money', fen: v };
  if (typeof v === 'object') {
    if (isMoney(v)) return { type: 'money', fen: v.fen };
    if (isCoded(v)) return { type: 'text', text: v.label[lang], code: v.code };
    return { type: 'text', text: v[lang] };
  }
  if (typeof v === 'number') {
    if (c.type === 'money') return { type: 'money', fen: v };
    if (c.type === 'percent') return { type: 'percent', value: v, decimals: c.decimals ?? 0 };
    return { type: 'number', value: v, decimals: c.wholeIntegers && Number.isInteger(v) ? 0 : (c.decimals ?? 0) };
  }
  if (c.type === 'date' || c.type === 'instant') return { type: c.type, value: v };
  return { type: 'text', text: v };
}

/** Plain text of a resolved cell (thousands separators when `grouped`; instants as `2022-08-15 14:02` in `tz`). */
export function plainText(r: Resolved, grouped: boolean, fmtMoney: (fen: number | bigint) => string, tz: string = DEFAULT_TIME_ZONE): string {
  switch (r.type) {
    case 'empty':
      return '';
    case 'text':
      return r.text;
    case 'money':
      return fmtMoney(r.fen);
    case 'number':
      return grouped && r.decimals === 0 && Math.abs(r.value) >= 10000 ? r.value.toLocaleString('en-US') : r.value.toFixed(r.decimals);
    case 'percent':
      return `${r.value.toFixed(r.decimals)}%`;
    case 'instant':
      return formatInstant(r.value, tz);
    default:
      return r.value;
  }
}

/** Columns a terminal or spreadsheet gives a string: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Columns one code point takes: 0 for controls and combining marks, 2 for CJK and full-width. */
export function charWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) return 0;
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

/** ⌊a × 10^d / b⌉ half-up on non-negative integers (sums as bigint), as a display number with d decimals. */
export function ratio(a: number | bigint, b: number | bigint, decimals = 2): number | null {
  if (b <= 0 || a < 0) return null;
  const scale = 10n ** BigInt(decimals);
  const q = (BigInt(a) * scale * 2n + BigInt(b)) / (2n * BigInt(b));
  return Number(q) / Number(scale);
}

export const REPORT_TITLES: Record<ReportKind, Text> = {
  awards: text('补助名单', 'Award list'),
  notice: text('拟支持项目公示名单', 'Public notice of proposed awards'),
  audit: text('审计报告', 'Audit report'),
  'fund-usage': text('资金使用情况', 'Fund usage'),
  performance: text('绩效情况', 'Performance'),
  line: text('资助线分析', 'Funding line'),
};


/** A ledger word with its label; an unknown word is shown as written. */
export function coded<K extends string>(labels: Readonly<Record<K, Text>>, code: string | null | undefined): Coded | null {
  if (code === null || code === undefined || code === '') return null;
  return { code, label: labelOf(labels, code) };
}

/** A tie-break chain as a cell, coded as stored (JSON keeps it) with its label. */
export const tieBreakCell = (chain: string): Coded => ({ code: chain, label: tieBreakText(chain) });

export const articleText = (article: string): Text => (/^\d/.test(article) ? text(`第${article}条`, `Art. ${article}`) : text(article, article));
