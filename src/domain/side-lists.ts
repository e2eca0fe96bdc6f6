// The side lists that check consults (SPEC §5): prior funding, credit
// listings, violations, accidents. Ledger-wide, keyed by USCC. Pure parsing.
import { CellReader, type ColumnDef, type HeaderMap, noteRowWarning, type ParsedRow, parseAmount, parseDateCell, parseUsccCell } from './import-row.js';
import { type Result, err, ok, text } from './text.js';

export const SIDE_LIST_KINDS = ['prior-funding', 'credit', 'violations', 'accidents'] as const;
export type SideListKind = (typeof SIDE_LIST_KINDS)[number];

export const CREDIT_LISTS = ['abnormal-operations', 'serious-dishonesty'] as const;
export type CreditList = (typeof CREDIT_LISTS)[number];
export const ACCIDENT_KINDS = ['safety', 'environmental', 'quality'] as const;
export type AccidentKind = (typeof ACCIDENT_KINDS)[number];

export interface PriorFunding {
  uscc: string;
  projectName: string;
  program: string;
  amountFen: number | null;
  year: number | null;
}
export interface CreditListing {
  uscc: string;
  list: CreditList;
  listedOn: string;
  removedOn: string | null;
}
export interface Violation {
  uscc: string;
  occurredOn: string;
  description: string;
}
export interface Accident {
  uscc: string;
  occurredOn: string;
  kind: AccidentKind;
  description: string;
}

export type SideListRecord =
  | { kind: 'prior-funding'; row: PriorFunding }
  | { kind: 'credit'; row: CreditListing }
  | { kind: 'violations'; row: Violation }
  | { kind: 'accidents'; row: Accident };

const col = (key: string, zh: string, required: boolean, aliases: string[] = []): ColumnDef => ({ key, zh, required, aliases });
const USCC = col('uscc', '统一社会信用代码', true, ['社会信用代码', '信用代码', 'credit_code']);

export const SIDE_LIST_COLUMNS: Readonly<Record<SideListKind, readonly ColumnDef[]>> = {
  'prior-funding': [
    USCC,
    col('project_name', '项目名称', true),
    col('program', '资金项目', false, ['项目类别', '资金名称', '专项资金', '资金类别']),
    col('amount', '金额', false, ['资助金额', '扶持金额', '支持金额', 'amount_yuan']),
    col('year', '年度', false, ['年份']),
  ],
  credit: [
    USCC,
    col('list', '名录', true, ['名录类别', '列入名录', '名单']),
    col('listed_on', '列入日期', true, ['列入时间']),
    col('removed_on', '移出日期', false, ['移出时间']),
  ],
  violations: [USCC, col('date', '日期', true, ['发生日期', '处罚日期', 'occurred_on']), col('description', '说明', false, ['情况', '违规情况', '描述'])],
  accidents: [
    USCC,
    col('date', '日期', true, ['发生日期', 'occurred_on']),
    col('kind', '类型', true, ['事故类型']),
    col('description', '说明', false, ['情况', '事故情况', '描述']),
  ],
};

const DEFS: Readonly<Record<SideListKind, ReadonlyMap<string, ColumnDef>>> = {
  'prior-funding': new Map(SIDE_LIST_COLUMNS['prior-funding'].map((d) => [d.key, d])),
  credit: new Map(SIDE_LIST_COLUMNS.credit.map((d) => [d.key, d])),
  violations: new Map(SIDE_LIST_COLUMNS.violations.map((d) => [d.key, d])),
  accidents: new Map(SIDE_LIST_COLUMNS.accidents.map((d) => [d.key, d])),
};

const word = (s: string): string => s.toLowerCase().replace(/[\s_\-·]/g, '');

const CREDIT_WORDS: Readonly<Record<string, CreditList>> = {
  abnormaloperations: 'abnormal-operations',
  经营异常名录: 'abnormal-operations',
  经营异常: 'abnormal-operations',
  经营异常名单: 'abnormal-operations',
  seriousdishonesty: 'serious-dishonesty',
  严重违法失信: 'serious-dishonesty',
  严重违法失信名单: 'serious-dishonesty',
  严重违法失信企业名单: 'serious-dishonesty',
  严重违法失信名录: 'serious-dishonesty',
};

const ACCIDENT_WORDS: Readonly<Record<string, AccidentKind>> = {
  safety: 'safety',
  安全: 'safety',
  安全事故: 'safety',
  安全生产: 'safety',
  安全生产事故: 'safety',
  environmental: 'environmental',
  environment: 'environmental',
  环保: 'environmental',
  环境: 'environmental',
  环保事故: 'environmental',
  环境事故: 'environmental',
  quality: 'quality',
  质量: 'quality',
  质量事故: 'quality',
};

export function parseCreditList(s: string): Result<CreditList> {
  const v = CREDIT_WORDS[word(s)];
  if (v) return ok(v);
  return err(
    text(`未知的名录「${s}」；可接受：abnormal-operations（经营异常名录）、serious-dishonesty（严重违法失信）`, `unknown list "${s}"; accepted: abnormal-operations (经营异常名录), serious-dishonesty (严重违法失信)`),
  );
}

export function parseAccidentKind(s: string): Result<AccidentKind> {
  const v = ACCIDENT_WORDS[word(s)];
  if (v) return ok(v);
  return err(text(`未知的事故类型「${s}」；可接受：safety（安全）、environmental（环保）、quality（质量）`, `unknown accident kind "${s}"; accepted: safety (安全), environmental (环保), quality (质量)`));
}

export function parseYear(s: string): Result<number> {
  const m = /^(\d{4})\s*年?(?:度)?$/u.exec(s);
  const y = m ? Number(m[1]) : NaN;
  if (y >= 1949 && y <= 9999) return ok(y);
  return err(text(`「${s}」不是年度；可接受：四位年份，例如 2021 或 2021年`, `"${s}" is not a year; accepted: a four-digit year, e.g. 2021 or 2021年`));
}

/** One record of a side-list file → a typed row, or every error of the row. */
export function parseSideListRow(kind: SideListKind, cells: readonly string[], map: HeaderMap): ParsedRow<SideListRecord> {
  const note = noteRowWarning(cells, text('名单记录', 'a list entry'));
  if (note !== null) return { value: null, errors: [], warnings: [], notApplication: note };
  const r = new CellReader(cells, map, DEFS[kind]);
  const u = r.required('uscc', parseUsccCell, null);
  if (u?.warning) r.warn('uscc', u.warning);
  let rec: SideListRecord | null = null;
  const uscc = u?.code ?? '';
  switch (kind) {
    case 'prior-funding': {
      const projectName = r.required('project_name', ok, '');
      const program = r.text('program');
      const amountFen = r.optional('amount', (s) => parseAmount(s, r.unit('amount')));
      const year = r.optional('year', parseYear);
      rec = { kind, row: { uscc, projectName, program, amountFen, year } };
      break;
    }
    case 'credit': {
      const list = r.required('list', parseCreditList, 'abnormal-operations');
      const listedOn = r.required('listed_on', parseDateCell, '');
      const removedOn = r.optional('removed_on', parseDateCell);
      if (listedOn && removedOn && removedOn < listedOn) {
        r.fail('removed_on', text(`移出日期 ${removedOn} 早于列入日期 ${listedOn}`, `removed on ${removedOn}, before it was listed on ${listedOn}`));
      }
      rec = { kind, row: { uscc, list, listedOn, removedOn } };
      break;
    }
    case 'violations': {
      const occurredOn = r.required('date', parseDateCell, '');
      rec = { kind, row: { uscc, occurredOn, description: r.text('description') } };
      break;
    }
    case 'accidents': {
      const occurredOn = r.required('date', parseDateCell, '');
      const accidentKind = r.required('kind', parseAccidentKind, 'safety');
      rec = { kind, row: { uscc, occurredOn, kind: accidentKind, description: r.text('description') } };
      break;
    }
  }
  const tooMany = r.tooManyFields();
  if (tooMany) r.errors.push({ column: '', zh: '', value: '', text: tooMany });
  if (r.errors.length > 0 || !u) return { value: null, errors: r.errors, warnings: r.warnings };
  return { value: rec, errors: r.errors, warnings: r.warnings };
}

/** What the row hash is taken over: the normalised values, not their spelling in the file. */
export function sideListContent(rec: SideListRecord): Record<string, unknown> {
  return { kind: rec.kind, ...rec.row };
}
