// Reading one row of an applications file (SPEC §4, §5): header names →
// columns, cells → a typed Application or a list of errors. Pure: the caller
// streams the file and talks to the ledger.
import type { Application } from './application.js';
import { isDateInRange, parseDate } from './dates.js';
import { parseMoney } from './money.js';
import { findCategory, findCluster, findDistrict, type Policy } from './policy.js';
import { type Result, type Text, err, ok, text } from './text.js';
import { USCC_ALPHABET, analyzeUscc, computeCheckChar, computeOrgCheckChar } from './uscc.js';

// ---------------------------------------------------------------------------
// Columns and headers (shared with side-lists.ts)

export interface ColumnDef {
  /** Canonical English name (§5). */
  key: string;
  /** The Chinese label of §5 (without its unit). */
  zh: string;
  /** Other names accepted as they are (Chinese or English). */
  aliases: readonly string[];
  required: boolean;
}

export type MoneyUnit = 'yuan' | 'wan';

/** A header cell reduced to what identifies it, and the unit its brackets name. */
export interface HeaderName {
  key: string;
  unit: MoneyUnit | null;
}

// The units a label or a units row names: yuan, 万, people, events.
const UNIT_WORDS = '元|人民币元|万元|万|人|名|个|场|次|人次|yuan|rmb|cny';
// Units written after a label: `项目总投入（元）`, `从业人员(人)`, `金额（万元）`.
const UNIT_SUFFIX = new RegExp(`[(\\[【]\\s*(${UNIT_WORDS})\\s*[)\\]】]$`, 'i');
// Marks and punctuation that templates sprinkle over labels (`*企业名称`, `所属区（市）`).
const HEADER_NOISE = /[\s_\-()\[\]【】、,，.。:：*＊#/／]/g;

/** NFKC, lower case, no unit suffix, no punctuation: `项目总投入（元）` → `项目总投入`. */
export function headerName(raw: string): HeaderName {
  let s = normalizeText(raw).toLowerCase();
  let unit: MoneyUnit | null = null;
  const m = UNIT_SUFFIX.exec(s);
  if (m) {
    if (m[1] === '万元' || m[1] === '万') unit = 'wan';
    else if (m[1] === '元' || m[1] === '人民币元' || m[1] === 'yuan' || m[1] === 'rmb' || m[1] === 'cny') unit = 'yuan';
    s = s.slice(0, m.index);
  }
  return { key: s.replace(HEADER_NOISE, ''), unit };
}

// A cell that only names a unit, as a second header row does under a label: `（万元）`, `元`, `人`.
const UNIT_ONLY = new RegExp(`^[(\\[【]?\\s*(${UNIT_WORDS})\\s*[)\\]】]?$`, 'i');

/**
 * The header's cells with the units a row under them names (`项目总投入` over
 * `（万元）` → `项目总投入(万元)`), when every cell of that row with text is a
 * unit; else null. A label that names its unit already keeps its own.
 */
export function headerWithUnits(header: readonly string[], row: readonly string[]): string[] | null {
  const out = header.slice();
  let units = 0;
  for (let i = 0; i < row.length; i++) {
    const v = normalizeText(row[i]);
    if (v === '') continue;
    const m = UNIT_ONLY.exec(v);
    if (!m) return null;
    units++;
    const h = normalizeText(header[i]);
    if (h !== '' && !UNIT_SUFFIX.test(h)) out[i] = `${h}(${m[1]})`;
  }
  return units > 0 ? out : null;
}

/**
 * Two header rows, group labels above and names below (a label merged over
 * both rows is written in the upper one only): each column's lower label,
 * else its upper one.
 */
export function stackedHeader(upper: readonly string[], lower: readonly string[]): string[] {
  return Array.from({ length: Math.max(upper.length, lower.length) }, (_, i) => (normalizeText(lower[i]) !== '' ? (lower[i] ?? '') : (upper[i] ?? '')));
}

/** The column def a header name (or a --mapping target) stands for. */
export function findColumn(defs: readonly ColumnDef[], raw: string): ColumnDef | undefined {
  const { key } = headerName(raw);
  if (key === '') return undefined;
  return defs.find((d) => headerName(d.key).key === key || headerName(d.zh).key === key || d.aliases.some((a) => headerName(a).key === key));
}

/** The column rejects files add; ignored on import so that a fixed rejects file imports as it is. */
export const REJECT_ERROR_COLUMN = 'error';

/**
 * A sheet's row number (序号): no value of the application (the ledger keeps the
 * line it came from), and a file with a row inserted renumbers every row below:
 * not kept, so that the same applications renumbered are the same content.
 */
const ROW_NUMBER_HEADERS: ReadonlySet<string> = new Set(['序号', '行号']);
const isRowNumberHeader = (header: string): boolean => ROW_NUMBER_HEADERS.has(headerName(header).key);

export interface HeaderColumn {
  index: number;
  /** The header cell as written (NFKC, trimmed). */
  header: string;
  def: ColumnDef | null;
  unit: MoneyUnit | null;
}

export interface HeaderMap {
  columns: HeaderColumn[];
  /** Column index of each known column. */
  index: Map<string, number>;
  /** Columns not in the table: kept raw with the row, by their header. */
  extras: HeaderColumn[];
  /** Columns skipped: the rejects file's error column. */
  ignored: number[];
}

export interface HeaderProblem {
  kind: 'missing' | 'duplicate';
  def: ColumnDef;
  /** For duplicates: the 1-based positions of the columns. */
  positions?: number[];
}

export interface HeaderMatch {
  map: HeaderMap;
  /** Required columns absent, in table order. */
  missing: ColumnDef[];
  duplicates: HeaderProblem[];
  /** How many cells named a known column: used to pick the likeliest header row when none is complete. */
  recognized: number;
}

/** `--mapping`: header as written → column; already resolved to defs by resolveMapping. */
export type HeaderMapping = ReadonlyMap<string, ColumnDef>;

/**
 * Reads a candidate header row. A mapping entry (matched on the normalised
 * header) wins over the built-in names.
 */
export function matchHeader(cells: readonly string[], defs: readonly ColumnDef[], mapping?: HeaderMapping): HeaderMatch {
  const columns: HeaderColumn[] = [];
  const index = new Map<string, number>();
  const positions = new Map<string, number[]>();
  const extras: HeaderColumn[] = [];
  const ignored: number[] = [];
  let recognized = 0;
  cells.forEach((cell, i) => {
    const header = normalizeText(cell);
    const name = headerName(header);
    const def = (name.key && mapping?.get(name.key)) || findColumn(defs, header) || null;
    const col: HeaderColumn = { index: i, header, def, unit: name.unit };
    columns.push(col);
    if (def) {
      recognized++;
      const seen = positions.get(def.key) ?? [];
      seen.push(i + 1);
      positions.set(def.key, seen);
      if (!index.has(def.key)) index.set(def.key, i);
    } else if (header === REJECT_ERROR_COLUMN || isRowNumberHeader(header)) {
      ignored.push(i);
    } else if (header !== '') {
      extras.push(col);
    }
  });
  const duplicates: HeaderProblem[] = [];
  for (const def of defs) {
    const p = positions.get(def.key);
    if (p && p.length > 1) duplicates.push({ kind: 'duplicate', def, positions: p });
  }
  const missing = defs.filter((d) => d.required && !index.has(d.key));
  return { map: { columns, index, extras, ignored }, missing, duplicates, recognized };
}

/** Checks a `--mapping` JSON object; returns normalised header → column, or the bad entries. */
export function resolveMapping(json: unknown, defs: readonly ColumnDef[]): Result<Map<string, ColumnDef>> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return err(text('映射文件应为 JSON 对象：{"文件中的列名": "标准列名"}', 'the mapping file must be a JSON object: {"header in the file": "column"}'));
  }
  const out = new Map<string, ColumnDef>();
  const bad: string[] = [];
  for (const [header, target] of Object.entries(json as Record<string, unknown>)) {
    const def = typeof target === 'string' ? findColumn(defs, target) : undefined;
    if (!def) {
      bad.push(`"${header}" → ${JSON.stringify(target)}`);
      continue;
    }
    out.set(headerName(header).key, def);
  }
  if (bad.length > 0) {
    const known = defs.map((d) => d.key).join(', ');
    return err(
      text(`映射文件中的目标列未知：${bad.join('；')}。可用的列：${known}`, `the mapping names unknown columns: ${bad.join('; ')}. Known columns: ${known}`),
    );
  }
  return ok(out);
}

// ---------------------------------------------------------------------------
// Cell values

// Characters NFKC leaves alone: ASCII, CJK unified ideographs (and extension A),
// the CJK punctuation 、。〃〈〉《》「」『』【】 and the middle dot. A cell made of
// them only (most cells) skips String.prototype.normalize, the bulk of the cost.
// eslint-disable-next-line no-control-regex
const NFKC_STABLE = /^[\x00-\x7f\u00b7\u3001-\u3003\u3008-\u3011\u3400-\u4dbf\u4e00-\u9fff]*$/;
// A quote that a CSV exporter put before = + - @ to stop a spreadsheet from
// running it (our own rejects files do this); the cell is what follows it.
const NEUTRALISED = /^'[=+\-@]/;

/** NFKC and trimming, as every text of an import gets (SPEC §4). */
export function normalizeText(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  let s = NFKC_STABLE.test(raw) ? raw.trim() : raw.normalize('NFKC').trim();
  if (NEUTRALISED.test(s)) s = s.slice(1);
  return s;
}

/**
 * Remembers a parser's answers for the last few thousand distinct cells: dates,
 * 万 amounts and yes/no values repeat a great deal in a large file. Results
 * are never mutated, so sharing them is safe; the bound keeps memory flat.
 */
function memo<T>(parse: (s: string) => Result<T>, limit = 8192): (s: string) => Result<T> {
  const seen = new Map<string, Result<T>>();
  return (s) => {
    let r = seen.get(s);
    if (r === undefined) {
      if (seen.size >= limit) seen.clear();
      r = parse(s);
      seen.set(s, r);
    }
    return r;
  };
}

export interface CellError {
  column: string;
  /** Chinese label of the column. */
  zh: string;
  /** The cell as written. */
  value: string;
  text: Text;
}

/** The yes/no words of SPEC §5 (and 有/无), shared by every importer. */
export const TRUE_WORDS: ReadonlySet<string> = new Set(['是', 'yes', 'y', 'true', '1', '有']);
export const FALSE_WORDS: ReadonlySet<string> = new Set(['否', 'no', 'n', 'false', '0', '无']);
const BOOL_ACCEPTED = text('可接受：是/否、yes/no、y/n、true/false、1/0', 'accepted: 是/否, yes/no, y/n, true/false, 1/0');

export const parseBoolean = memo(parseBooleanOnce, 256);

function parseBooleanOnce(s: string): Result<boolean> {
  const v = s.toLowerCase();
  if (TRUE_WORDS.has(v)) return ok(true);
  if (FALSE_WORDS.has(v)) return ok(false);
  return err(text(`「${s}」不是“是/否”；${BOOL_ACCEPTED.zh}`, `"${s}" is not a yes/no value; ${BOOL_ACCEPTED.en}`));
}

const COUNT = /^(\d+|\d{1,3}(?:,\d{3})+)(?:\.0+)?$/;

/** A non-negative whole number: `120`, `1,200`, `12.0` (a typed spreadsheet number). */
export function parseCount(s: string): Result<number> {
  const accepted = text('可接受：不小于 0 的整数，例如 120 或 1,200', 'accepted: a whole number ≥ 0, e.g. 120 or 1,200');
  if (/^-\s*\d/.test(s)) return err(text(`「${s}」是负数；${accepted.zh}`, `"${s}" is negative; ${accepted.en}`));
  const m = COUNT.exec(s);
  const n = m ? Number(m[1].replace(/,/g, '')) : NaN;
  if (!Number.isSafeInteger(n)) return err(text(`「${s}」不是整数；${accepted.zh}`, `"${s}" is not a whole number; ${accepted.en}`));
  return ok(n);
}

const BARE_NUMBER = /^[\d,]+(?:\.\d+)?$/;

// Plain yuan with up to 12 integer digits: below the money limit
// (MAX_MONEY_FEN) and exact in a double, so the common cell needs no BigInt;
// everything else, the limit's refusal too, goes to parseMoney.
const PLAIN_YUAN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

// Plain 万 with up to 8 integer and 6 decimal digits (a bare number under a `（万元）` header, or written with 万 or 万元),
// the officer's common cell: below MAX_MONEY_FEN and exact in a double, so it needs neither NFKC nor BigInt (nor the
// memo, which amounts that rarely repeat only churn). The rest goes to parseMoney.
const PLAIN_WAN = /^(\d{1,8})(?:\.(\d{1,6}))?(万元?)?$/;

const parseMoneyMemo = memo(parseMoney);

/** Money in any form of §4; a bare number under a `（万元）` header is in 万元. */
export function parseAmount(s: string, unit: MoneyUnit | null): Result<number> {
  if (unit !== 'wan') {
    const m = PLAIN_YUAN.exec(s);
    if (m) return ok(Number(m[1]) * 100 + (m[2] === undefined ? 0 : m[2].length === 1 ? Number(m[2]) * 10 : Number(m[2])));
  }
  const w = PLAIN_WAN.exec(s);
  if (w && (w[3] !== undefined || unit === 'wan')) return ok(Number(w[1]) * 1_000_000 + (w[2] === undefined ? 0 : Number(w[2].padEnd(6, '0'))));
  return parseMoneyMemo(unit === 'wan' && BARE_NUMBER.test(s) ? `${s}万` : s);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const parseDateMemo = memo((s: string) => parseDate(s));

/** A date in any form of §4 (parseDate), with a shortcut for YYYY-MM-DD. */
export function parseDateCell(s: string): Result<string> {
  return ISO_DATE.test(s) && isDateInRange(s) ? ok(s) : parseDateMemo(s);
}

// Same rule as round IDs: something an officer can type and a file name can hold.
const APPLICATION_ID = /^[^\s/\\\p{Cc}]{1,64}$/u;

export function parseApplicationId(s: string): Result<string> {
  if (APPLICATION_ID.test(s)) return ok(s);
  return err(text(`申报编号「${s}」无效：应为 1–64 个字符，不含空白或斜杠`, `application_id "${s}" is not valid: 1-64 characters, no spaces or slashes`));
}

export interface UsccCell {
  code: string;
  /** A failed check character: imported, with this warning. */
  warning: Text | null;
}

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** Length and alphabet are row errors; a failed check is a warning (SPEC §4). */
export function parseUsccCell(s: string): Result<UsccCell> {
  // Fast path for the usual, valid code; analyzeUscc builds the messages otherwise.
  const upper = s.toUpperCase();
  if (USCC_SHAPE.test(upper) && computeCheckChar(upper.slice(0, 17)) === upper[17] && computeOrgCheckChar(upper.slice(8, 16)) === upper[16]) {
    return ok({ code: upper, warning: null });
  }
  const a = analyzeUscc(s);
  const fatal = a.errors.filter((e) => e.kind === 'length' || e.kind === 'alphabet');
  if (fatal.length > 0) {
    return err(text(fatal.map((e) => e.text.zh).join('；'), fatal.map((e) => e.text.en).join('; ')));
  }
  const checks = a.errors;
  return ok({
    code: a.code,
    warning: checks.length ? text(`${checks.map((e) => e.text.zh).join('；')}；已导入，check 时交人工复核`, `${checks.map((e) => e.text.en).join('; ')}; imported, check will put it to review`) : null,
  });
}

/** Reads the cells of one record against a header; each getter records its own error. */
export class CellReader {
  readonly errors: CellError[] = [];
  readonly warnings: CellError[] = [];
  constructor(
    private readonly cells: readonly string[],
    private readonly map: HeaderMap,
    private readonly defs: ReadonlyMap<string, ColumnDef>,
  ) {}

  raw(key: string): string {
    const i = this.map.index.get(key);
    return i === undefined ? '' : (this.cells[i] ?? '');
  }

  unit(key: string): MoneyUnit | null {
    const i = this.map.index.get(key);
    return i === undefined ? null : this.map.columns[i].unit;
  }

  /** The normalised cell; '' when the column is absent. */
  text(key: string): string {
    return normalizeText(this.raw(key));
  }

  fail(key: string, t: Text): void {
    const def = this.defs.get(key);
    this.errors.push({ column: key, zh: def?.zh ?? key, value: this.raw(key), text: t });
  }

  warn(key: string, t: Text): void {
    const def = this.defs.get(key);
    this.warnings.push({ column: key, zh: def?.zh ?? key, value: this.raw(key), text: t });
  }

  /** A required value: empty → error, else parsed. */
  required<T, F = T>(key: string, parse: (s: string) => Result<T>, fallback: F): T | F {
    const s = this.text(key);
    if (s === '') {
      this.fail(key, text('为空；此列必须填写', 'is empty; this column is required'));
      return fallback;
    }
    return this.parsed(key, s, parse, fallback);
  }

  /** An optional value: empty → null. */
  optional<T>(key: string, parse: (s: string) => Result<T>): T | null {
    const s = this.text(key);
    if (s === '') return null;
    return this.parsed(key, s, parse, null);
  }

  private parsed<T, F>(key: string, s: string, parse: (s: string) => Result<T>, fallback: F): T | F {
    const r = parse(s);
    if (r.ok) return r.value;
    this.fail(key, r.error);
    return fallback;
  }

  /** Columns of the file that are not in the table, as written (NFKC, trimmed). */
  extras(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.map.extras) out[c.header] = normalizeText(this.cells[c.index]);
    return out;
  }

  /** Cells beyond the header that hold something: the row has too many fields. */
  tooManyFields(): Text | null {
    const n = this.map.columns.length;
    if (this.cells.length <= n) return null;
    for (let i = n; i < this.cells.length; i++) {
      if (this.cells[i].trim() !== '') {
        return text(
          `该行有 ${this.cells.length} 个字段，表头只有 ${n} 列（多出的字段：「${this.cells[i]}」，在第 ${i + 1} 列）；含逗号的值须加引号`,
          `the row has ${this.cells.length} fields but the header has ${n} columns (extra field "${this.cells[i]}" at position ${i + 1}); a value that holds a comma must be quoted`,
        );
      }
    }
    return null;
  }
}

// ---------------------------------------------------------------------------
// Applications

const col = (key: string, zh: string, required: boolean, aliases: string[] = []): ColumnDef => ({ key, zh, required, aliases });

/** The columns of §5, in the order of its table. */
export const APPLICATION_COLUMNS: readonly ColumnDef[] = [
  col('application_id', '申报编号', false, ['编号', '项目编号']),
  col('enterprise_name', '企业名称', true, ['申报单位', '申报单位名称', '单位名称', '申报企业']),
  col('uscc', '统一社会信用代码', true, ['社会信用代码', '信用代码', 'credit_code']),
  col('district', '所属区（市）', true, ['注册地', '所属区', '所属区市', '所在区（市）', '区（市）', '所属地区']),
  col('established_on', '成立日期', true, ['注册日期', '成立时间']),
  col('independent_legal_person', '是否独立法人', true, ['独立法人']),
  col('category', '申报类别', true, ['类别', '申报方向']),
  col('cluster', '产业集群', false, ['集群']),
  col('project_name', '项目名称', true),
  col('total_investment', '项目总投入', true, ['总投入', '项目总投资']),
  col('requested_amount', '申请补贴金额', true, ['申请金额', '申请补助金额', '申请资金']),
  col('employees', '从业人员', false, ['从业人数', '从业人员数']),
  col('annual_revenue', '营业收入', false, ['年营业收入']),
  col('other_fiscal_support', '是否已获其他财政资金支持', true, ['已获其他财政资金支持']),
  col('past_projects_compliant', '近三年财政资金项目执行良好', true),
  col('credit_good', '近三年信用良好', true),
  col('major_accident', '近三年发生重大安全、环保、质量事故', true, ['近三年发生重大事故', '重大事故']),
  col('ready_to_implement', '具备实施条件', true),
  col('training_events', '培训场次', false),
  col('trainees', '培训人数', false),
  col('submitted_on', '申报日期', true, ['申报时间']),
];

const APPLICATION_DEFS = new Map(APPLICATION_COLUMNS.map((d) => [d.key, d]));

/** An application as read from a file; the id is null when it is to be generated. */
export type ImportedApplication = Omit<Application, 'applicationId'> & { applicationId: string | null };

export interface ParsedRow<T> {
  value: T | null;
  errors: CellError[];
  warnings: CellError[];
  /** Not an application: a totals row (合计) or a note (注：…) of the sheet, left out with this warning. */
  notApplication?: CellError;
}

/** What a totals row of a Chinese summary sheet reads in one of its cells (spaces and a colon aside). */
const TOTALS_WORDS: ReadonlySet<string> = new Set(['合计', '总计', '小计', '共计', '总合计', 'total', 'subtotal', 'grandtotal']);

/**
 * A totals row (合计行) of a summary sheet: one cell reads 合计 (总计, 小计,
 * Total …) and the row names no enterprise, credit code or project (its other
 * cells are sums). Its word, else null. A row that names any of them is an
 * application, however it reads.
 */
export function totalsRowWord(cells: readonly string[], map: HeaderMap): string | null {
  for (const key of ['enterprise_name', 'uscc', 'project_name']) {
    const i = map.index.get(key);
    const v = i === undefined ? '' : normalizeText(cells[i]);
    if (v !== '' && !TOTALS_WORDS.has(totalsKey(v))) return null;
  }
  for (const c of cells) {
    const v = normalizeText(c);
    if (v !== '' && v.length <= 16 && TOTALS_WORDS.has(totalsKey(v))) return v;
  }
  return null;
}

const totalsKey = (v: string): string => v.replace(/[\s:：]/g, '').toLowerCase();

/** How a note under a table (注：, 填表人：, 单位（盖章）, 评审专家签名：…) or a group heading within it (一、…, （二）…) starts. */
const NOTE_START = /^(注|备注|说明|填表|制表|审核|审批|经办|负责人|联系人|联系电话|单位|日期|评审专家|专家签|签名|签字|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])/;

/**
 * A note under the table or a group heading within it: a row of one cell,
 * which starts as they do. Such a row could be no application (every other
 * required cell is empty). Its text as written, else null.
 */
export function noteRowText(cells: readonly string[]): string | null {
  // A note starts with a Chinese character or a bracket: a first cell that starts with any other printable ASCII
  // character (an id, a code, a number) makes none, at the cost of one comparison per row of a large sheet.
  const c0 = cells.length > 0 ? cells[0].charCodeAt(0) : NaN;
  if (c0 > 32 && c0 < 0x7f && c0 !== 39 && c0 !== 40) return null;
  // Else the first cell with text must start as a note does, and no other hold any.
  let at = 0;
  while (at < cells.length && normalizeText(cells[at]) === '') at++;
  if (at === cells.length || !NOTE_START.test(normalizeText(cells[at]))) return null;
  for (let i = at + 1; i < cells.length; i++) if (normalizeText(cells[i]) !== '') return null;
  // As written (the test is on its normal form: full-width 注： is 注:).
  return cells[at].trim();
}

/** The warning that leaves out a note row (noteRowText) of a sheet of `noun`s, else null. */
export function noteRowWarning(cells: readonly string[], noun: Text): CellError | null {
  const note = noteRowText(cells);
  if (note === null) return null;
  const shown = note.length > 30 ? `${note.slice(0, 30)}…` : note;
  return {
    column: '',
    zh: '',
    value: note,
    text: text(`「${shown}」行只有一格文字（说明或分组标题），不是${noun.zh}，未导入`, `the row "${shown}" holds one text only (a note or a group heading), not ${noun.en}: left out`),
  };
}

const categoryList = (policy: Policy): Text =>
  text(
    policy.categories.map((c) => `${c.key}（${c.zh}）`).join('、'),
    policy.categories.map((c) => `${c.key} (${c.zh})`).join(', '),
  );

// Lookups by name normalise every policy name on each call; a file repeats a
// handful of spellings, so each import remembers its answers (bounded).
const LOOKUP_LIMIT = 4096;
interface Lookups {
  category: Map<string, string | null>;
  district: Map<string, string>;
  cluster: Map<string, string>;
}
const lookupCache = new WeakMap<Policy, Lookups>();

function remembered<V>(m: Map<string, V>, key: string, compute: () => V): V {
  let v = m.get(key);
  if (v === undefined) {
    if (m.size >= LOOKUP_LIMIT) m.clear();
    v = compute();
    m.set(key, v);
  }
  return v;
}

function lookupsFor(policy: Policy): Lookups {
  let l = lookupCache.get(policy);
  if (!l) lookupCache.set(policy, (l = { category: new Map(), district: new Map(), cluster: new Map() }));
  return l;
}

/** One record of an applications file → an application, or every error of the row. */
export function parseApplicationRow(cells: readonly string[], map: HeaderMap, policy: Policy, roundId: string): ParsedRow<ImportedApplication> {
  const clean = cleanApplicationRow(cells, map, policy, roundId);
  return clean !== null ? { value: clean, errors: NO_PROBLEMS, warnings: NO_PROBLEMS } : readApplicationRow(cells, map, policy, roundId);
}

/** parseApplicationRow the careful way, cell by cell, collecting every error and warning. */
export function readApplicationRow(cells: readonly string[], map: HeaderMap, policy: Policy, roundId: string): ParsedRow<ImportedApplication> {
  const word = totalsRowWord(cells, map);
  if (word !== null) {
    const why = text(`「${word}」行是汇总表的合计行，不是申报，未导入`, `the "${word}" row is the sheet's totals row, not an application: left out`);
    return { value: null, errors: NO_PROBLEMS, warnings: NO_PROBLEMS, notApplication: { column: '', zh: '', value: word, text: why } };
  }
  const note = noteRowWarning(cells, text('申报', 'an application'));
  if (note !== null) return { value: null, errors: NO_PROBLEMS, warnings: NO_PROBLEMS, notApplication: note };
  const r = new CellReader(cells, map, APPLICATION_DEFS);
  const l = lookupsFor(policy);
  const applicationId = r.optional('application_id', parseApplicationId);
  const enterpriseName = r.required('enterprise_name', ok, '');
  const usccCell = r.required('uscc', parseUsccCell, null);
  if (usccCell?.warning) r.warn('uscc', usccCell.warning);
  // A district outside the policy's region is kept as written: the region rule fails it at check.
  const district = r.required('district', (s) => ok(remembered(l.district, s, () => findDistrict(policy, s)?.zh ?? s)), '');
  const establishedOn = r.required('established_on', parseDateCell, '');
  const independentLegalPerson = r.required('independent_legal_person', parseBoolean, false);
  const category = r.required(
    'category',
    (s) => {
      const c = remembered(l.category, s, () => findCategory(policy, s)?.key ?? null);
      if (c !== null) return ok(c);
      const known = categoryList(policy);
      return err(text(`未知的申报类别「${s}」；可接受：${known.zh}`, `unknown category "${s}"; accepted: ${known.en}`));
    },
    '',
  );
  // An unknown cluster is kept as written; the category rule fails it at check.
  const cluster = r.optional('cluster', (s) => ok(remembered(l.cluster, s, () => findCluster(policy, s)?.key ?? s)));
  const projectName = r.required('project_name', ok, '');
  const totalInvestmentFen = r.required('total_investment', (s) => parseAmount(s, r.unit('total_investment')), 0);
  const requestedAmountFen = r.required('requested_amount', (s) => parseAmount(s, r.unit('requested_amount')), 0);
  const employees = r.optional('employees', parseCount);
  const annualRevenueFen = r.optional('annual_revenue', (s) => parseAmount(s, r.unit('annual_revenue')));
  const otherFiscalSupport = r.required('other_fiscal_support', parseBoolean, false);
  const pastProjectsCompliant = r.required('past_projects_compliant', parseBoolean, false);
  const creditGood = r.required('credit_good', parseBoolean, false);
  const majorAccident = r.required('major_accident', parseBoolean, false);
  const readyToImplement = r.required('ready_to_implement', parseBoolean, false);
  const trainingEvents = r.optional('training_events', parseCount);
  const trainees = r.optional('trainees', parseCount);
  const submittedOn = r.required('submitted_on', parseDateCell, '');
  const tooMany = r.tooManyFields();
  if (tooMany) r.errors.push({ column: '', zh: '', value: '', text: tooMany });
  if (r.errors.length > 0 || !usccCell) return { value: null, errors: r.errors, warnings: r.warnings };
  return {
    value: {
      applicationId,
      roundId,
      enterpriseName,
      uscc: usccCell.code,
      district,
      establishedOn,
      independentLegalPerson,
      category,
      cluster,
      projectName,
      totalInvestmentFen,
      requestedAmountFen,
      employees,
      annualRevenueFen,
      otherFiscalSupport,
      pastProjectsCompliant,
      creditGood,
      majorAccident,
      readyToImplement,
      trainingEvents,
      trainees,
      submittedOn,
      extra: r.extras(),
    },
    errors: r.errors,
    warnings: r.warnings,
  };
}

// ---------------------------------------------------------------------------
// The clean row, fast: most rows of a large file have no error and no warning.
// cleanApplicationRow reads them without a CellReader and its closures, with
// the column positions worked out once per header; it gives up (null) at the
// first cell that is not plainly good, and parseApplicationRow then reads the
// row the careful way, which finds every error and warning. For a row it does
// not give up on, it returns exactly what the careful way returns
// (test/domain/import-row.test.ts checks this on generated rows).

const NO_PROBLEMS: CellError[] = [];
Object.freeze(NO_PROBLEMS);

interface CleanColumns {
  at: Int32Array; // cell index of each APPLICATION_COLUMNS entry, -1 when absent
  unit: (MoneyUnit | null)[];
  width: number;
}
const cleanColumnsCache = new WeakMap<HeaderMap, CleanColumns>();

function cleanColumns(map: HeaderMap): CleanColumns {
  let c = cleanColumnsCache.get(map);
  if (!c) {
    const at = new Int32Array(APPLICATION_COLUMNS.length);
    const unit: (MoneyUnit | null)[] = [];
    APPLICATION_COLUMNS.forEach((d, k) => {
      const i = map.index.get(d.key);
      at[k] = i ?? -1;
      unit.push(i === undefined ? null : map.columns[i].unit);
    });
    c = { at, unit, width: map.columns.length };
    cleanColumnsCache.set(map, c);
  }
  return c;
}

/** normalizeText, without its regular expressions for the usual cell (ASCII or CJK, nothing to trim, no leading quote). */
function cleanText(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) return '';
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  if (first <= 32 || last <= 32 || first === 39) return normalizeText(raw);
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x7f ? c < 32 : c < 0x4e00 || c > 0x9fff) return normalizeText(raw);
  }
  return raw;
}

// The yes/no words, by the cell as written (after cleanText).
const CLEAN_BOOLEAN: ReadonlyMap<string, boolean> = new Map([
  ...[...TRUE_WORDS].flatMap((w) => [w, w.toUpperCase()]).map((w): [string, boolean] => [w, true]),
  ...[...FALSE_WORDS].flatMap((w) => [w, w.toUpperCase()]).map((w): [string, boolean] => [w, false]),
  ['Yes', true],
  ['No', false],
  ['True', true],
  ['False', false],
]);

function cleanBoolean(s: string): boolean | null {
  // The usual words without hashing the cell; the others through the map.
  switch (s) {
    case '是':
    case 'yes':
      return true;
    case '否':
    case 'no':
      return false;
  }
  return CLEAN_BOOLEAN.get(s) ?? null;
}

const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;
const USCC_W = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
const ORG_W = [3, 7, 9, 10, 5, 8, 4, 2];

/** An upper-case USCC whose both check characters hold (what parseUsccCell takes without a warning). */
function cleanUscc(s: string): boolean {
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? USCC_VALUE[c] : -1;
    if (v < 0) return false;
    sum += v * USCC_W[i];
  }
  if (USCC_ALPHABET.charCodeAt((31 - (sum % 31)) % 31) !== s.charCodeAt(17)) return false;
  // GB 11714 over characters 9-16 (0-9 = 0-9, A-Z = 10-35); the USCC alphabet is within it.
  let org = 0;
  for (let i = 0; i < 8; i++) {
    const c = s.charCodeAt(8 + i);
    org += (c <= 57 ? c - 48 : c - 55) * ORG_W[i];
  }
  const k = 11 - (org % 11);
  const check = k === 10 ? 88 /* X */ : k === 11 ? 48 : 48 + k;
  return s.charCodeAt(16) === check;
}

const DIGITS = /^\d{1,15}$/;

export function cleanApplicationRow(cells: readonly string[], map: HeaderMap, policy: Policy, roundId: string): ImportedApplication | null {
  const cols = cleanColumns(map);
  if (cells.length > cols.width) return null; // too many fields: the careful way says whether they hold anything
  const at = cols.at;
  const cell = (k: number): string => (at[k] < 0 ? '' : cleanText(cells[at[k]]));
  const l = lookupsFor(policy);
  const bool = (k: number): boolean | null => cleanBoolean(cell(k));
  const count = (k: number): number | null | undefined => {
    const s = cell(k);
    if (s === '') return null;
    if (DIGITS.test(s)) return Number(s);
    const r = parseCount(s);
    return r.ok ? r.value : undefined;
  };
  const money = (k: number, required: boolean): number | null | undefined => {
    const s = cell(k);
    if (s === '') return required ? undefined : null;
    const r = parseAmount(s, cols.unit[k]);
    return r.ok ? r.value : undefined;
  };
  const date = (k: number): string | null => {
    const s = cell(k);
    if (s === '') return null;
    const r = parseDateCell(s);
    return r.ok ? r.value : null;
  };

  const idCell = cell(0);
  if (idCell !== '' && !APPLICATION_ID.test(idCell)) return null;
  const enterpriseName = cell(1);
  const uscc = cell(2);
  const districtCell = cell(3);
  const establishedOn = date(4);
  const independentLegalPerson = bool(5);
  const categoryCell = cell(6);
  const clusterCell = cell(7);
  const projectName = cell(8);
  const totalInvestmentFen = money(9, true);
  const requestedAmountFen = money(10, true);
  const employees = count(11);
  const annualRevenueFen = money(12, false);
  const otherFiscalSupport = bool(13);
  const pastProjectsCompliant = bool(14);
  const creditGood = bool(15);
  const majorAccident = bool(16);
  const readyToImplement = bool(17);
  const trainingEvents = count(18);
  const trainees = count(19);
  const submittedOn = date(20);
  if (
    enterpriseName === '' ||
    !cleanUscc(uscc) ||
    districtCell === '' ||
    establishedOn === null ||
    independentLegalPerson === null ||
    categoryCell === '' ||
    projectName === '' ||
    totalInvestmentFen == null ||
    requestedAmountFen == null ||
    employees === undefined ||
    annualRevenueFen === undefined ||
    otherFiscalSupport === null ||
    pastProjectsCompliant === null ||
    creditGood === null ||
    majorAccident === null ||
    readyToImplement === null ||
    trainingEvents === undefined ||
    trainees === undefined ||
    submittedOn === null
  ) {
    return null;
  }
  const category = remembered(l.category, categoryCell, () => findCategory(policy, categoryCell)?.key ?? null);
  if (category === null) return null;
  const extra: Record<string, string> = {};
  for (const c of map.extras) extra[c.header] = normalizeText(cells[c.index]);
  return {
    applicationId: idCell === '' ? null : idCell,
    roundId,
    enterpriseName,
    uscc,
    district: remembered(l.district, districtCell, () => findDistrict(policy, districtCell)?.zh ?? districtCell),
    establishedOn,
    independentLegalPerson,
    category,
    cluster: clusterCell === '' ? null : remembered(l.cluster, clusterCell, () => findCluster(policy, clusterCell)?.key ?? clusterCell),
    projectName,
    totalInvestmentFen,
    requestedAmountFen,
    employees,
    annualRevenueFen,
    otherFiscalSupport,
    pastProjectsCompliant,
    creditGood,
    majorAccident,
    readyToImplement,
    trainingEvents,
    trainees,
    submittedOn,
    extra,
  };
}

/**
 * The keys a row can be matched by even when it has errors, so that a repeat
 * inside the file is reported whichever occurrence is broken.
 */
export function rowKeys(cells: readonly string[], map: HeaderMap): { applicationId: string | null; uscc: string | null; projectName: string | null } {
  const r = new CellReader(cells, map, APPLICATION_DEFS);
  const id = r.text('application_id');
  const u = analyzeUscc(r.text('uscc'));
  const p = r.text('project_name');
  return { applicationId: id && parseApplicationId(id).ok ? id : null, uscc: u.structural ? u.code : null, projectName: p || null };
}

// ---------------------------------------------------------------------------
// Content: what makes two applications "the same" (idempotence, --update)

/** The fields that make up an application's content, by their §5 JSON names (money in fen). */
export function applicationContent(a: Omit<ImportedApplication, 'applicationId' | 'roundId'>): Record<string, unknown> {
  return {
    enterprise_name: a.enterpriseName,
    uscc: a.uscc,
    district: a.district,
    established_on: a.establishedOn,
    independent_legal_person: a.independentLegalPerson,
    category: a.category,
    cluster: a.cluster,
    project_name: a.projectName,
    total_investment_fen: a.totalInvestmentFen,
    requested_amount_fen: a.requestedAmountFen,
    employees: a.employees,
    annual_revenue_fen: a.annualRevenueFen,
    other_fiscal_support: a.otherFiscalSupport,
    past_projects_compliant: a.pastProjectsCompliant,
    credit_good: a.creditGood,
    major_accident: a.majorAccident,
    ready_to_implement: a.readyToImplement,
    training_events: a.trainingEvents,
    trainees: a.trainees,
    submitted_on: a.submittedOn,
    extra: a.extra,
  };
}

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Fields whose values differ; extra columns are compared one by one (`extra.备注`). */
export function diffContent(oldC: Record<string, unknown>, newC: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of Object.keys(newC)) {
    if (k === 'extra') continue;
    if (!same(oldC[k], newC[k])) out.push({ field: k, old: oldC[k] ?? null, new: newC[k] ?? null });
  }
  const oe = (oldC.extra ?? {}) as Record<string, string>;
  const ne = (newC.extra ?? {}) as Record<string, string>;
  for (const k of [...new Set([...Object.keys(oe), ...Object.keys(ne)])].sort()) {
    // A row number that an earlier release kept among the extra columns is no change of the application.
    if (isRowNumberHeader(k)) continue;
    if ((oe[k] ?? null) !== (ne[k] ?? null)) out.push({ field: `extra.${k}`, old: oe[k] ?? null, new: ne[k] ?? null });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Messages

/**
 * A row error as an officer reads it, in both languages. An applications file
 * names the column by its key and §5 label (`applications.csv:7: column
 * total_investment (项目总投入): …`); a score sheet, whose columns follow the
 * policy, by the header as written, with the value (`scores.csv:5: column
 * "score", value "101": …`).
 */
export function rowErrorText(file: string, line: number, e: { column: string; zh?: string; value: string; text: Text }): Text {
  if (e.zh === undefined) {
    const where = e.column ? text(`${file} 第 ${line} 行，列“${e.column}”，值「${e.value}」：`, `${file}:${line}: column "${e.column}", value "${e.value}": `) : text(`${file} 第 ${line} 行：`, `${file}:${line}: `);
    return text(where.zh + e.text.zh, where.en + e.text.en);
  }
  if (!e.column) return text(`${file}:${line}：${e.text.zh}`, `${file}:${line}: ${e.text.en}`);
  return text(`${file}:${line}：列 ${e.column}（${e.zh}）：${e.text.zh}`, `${file}:${line}: column ${e.column} (${e.zh}): ${e.text.en}`);
}

export function missingColumnsText(file: string, line: number | null, missing: readonly ColumnDef[], duplicates: readonly HeaderProblem[]): Text {
  const at = line === null ? text('', '') : text(`:${line}`, `:${line}`);
  const parts: Text[] = [];
  if (missing.length > 0) {
    parts.push(
      text(
        `缺少必需的列：${missing.map((d) => `${d.key}（${d.zh}）`).join('、')}`,
        `missing required column${missing.length > 1 ? 's' : ''}: ${missing.map((d) => `${d.key} (${d.zh})`).join(', ')}`,
      ),
    );
  }
  for (const d of duplicates) {
    parts.push(
      text(`列 ${d.def.key}（${d.def.zh}）出现了 ${d.positions?.length} 次（第 ${d.positions?.join('、')} 列）`, `column ${d.def.key} (${d.def.zh}) appears ${d.positions?.length} times (positions ${d.positions?.join(', ')})`),
    );
  }
  return text(`${file}${at.zh}：${parts.map((p) => p.zh).join('；')}`, `${file}${at.en}: ${parts.map((p) => p.en).join('; ')}`);
}
