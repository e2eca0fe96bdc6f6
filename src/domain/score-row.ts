// Reading one row of an expert score sheet (Art. 11, SPEC §7): header
// matching, score and boolean parsing, and the row errors an officer reads.
import { type ColumnDef, FALSE_WORDS, type HeaderMap, type HeaderMatch, TRUE_WORDS, matchHeader } from './import-row.js';
import type { ScoringRules } from './scoring.js';
import { type Result, type Text, err, ok, text } from './text.js';

/** A score sheet row as the domain sees it. Scores in hundredths of a point. */
export interface ScoreRow {
  line: number;
  applicationId: string;
  expertId: string;
  /** Plain score; null for per-criterion sheets and for a recused row without a score. */
  centi: number | null;
  /** Per-criterion scores by policy key; null for plain sheets. */
  criteria: Record<string, number> | null;
  recused: boolean;
  comment: string | null;
}

export interface RowError {
  line: number;
  /** The header as written in the file ('' when the error is about the row). */
  column: string;
  value: string;
  /** Why, and what would be accepted. */
  message: Text;
}

/** NFKC, trimmed, lower case, without a unit or note in brackets, spaces/hyphens as '_'. */
export function normalizeHeader(s: string): string {
  return s
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/\s*[(\[【][^)\]】]*[)\]】]\s*$/u, '')
    .trim()
    .replace(/[\s_-]+/g, '_');
}

export interface ScoreColumns {
  /** Headers as written, by index. */
  headers: string[];
  applicationId: number;
  expertId: number;
  score: number | null;
  recused: number;
  comment: number | null;
  /** Criterion key → column index. */
  criteria: Record<string, number>;
}

/**
 * The columns of a score sheet. With policy criteria, one column per
 * criterion (by key, Chinese or English name) is required and `score` is
 * optional (then checked against the weighted sum).
 */
export function scoreColumnDefs(rules: ScoringRules): ColumnDef[] {
  return [
    { key: 'application_id', zh: '申报编号', aliases: [], required: true },
    { key: 'expert_id', zh: '专家编号', aliases: [], required: true },
    { key: 'score', zh: '评分', aliases: [], required: rules.criteria.length === 0 },
    ...rules.criteria.map((c) => ({ key: c.key, zh: c.zh, aliases: [c.en], required: true })),
    { key: 'recused', zh: '是否回避', aliases: [], required: true },
    { key: 'comment', zh: '评审意见', aliases: [], required: false },
  ];
}

/** One candidate header row read as a score sheet's (a note in brackets after a name is dropped: `评分(0-100)`). */
export const matchScoreColumns = (cells: readonly string[], defs: readonly ColumnDef[]): HeaderMatch => matchHeader(cells.map(normalizeHeader), defs);

/** Names of the required columns, for messages: "application_id (申报编号)". */
export function requiredColumnNames(rules: ScoringRules): string[] {
  return scoreColumnDefs(rules)
    .filter((d) => d.required)
    .map((d) => `${d.key} (${d.zh})`);
}

/** The header row that matched, as the row parser reads it. */
export function scoreColumns(cells: readonly string[], map: HeaderMap, rules: ScoringRules): ScoreColumns {
  const at = (key: string): number | null => map.index.get(key) ?? null;
  const criteria: Record<string, number> = {};
  for (const c of rules.criteria) criteria[c.key] = at(c.key) as number;
  return {
    headers: cells.map((c) => c.trim()),
    applicationId: at('application_id') as number,
    expertId: at('expert_id') as number,
    score: at('score'),
    recused: at('recused') as number,
    comment: at('comment'),
    criteria,
  };
}

export type ScoreHeaderMatch = { ok: true; columns: ScoreColumns } | { ok: false; missing: string[]; duplicates: string[] };

/** Whether one row is a score sheet's header (SPEC §5: the first row holding the required columns). */
export function matchScoreHeader(cells: string[], rules: ScoringRules): ScoreHeaderMatch {
  const m = matchScoreColumns(cells, scoreColumnDefs(rules));
  if (m.missing.length > 0 || m.duplicates.length > 0) {
    return {
      ok: false,
      missing: m.missing.map((d) => `${d.key} (${d.zh})`),
      duplicates: m.duplicates.flatMap((d) => (d.positions ?? []).slice(1).map((p) => cells[p - 1].trim())),
    };
  }
  return { ok: true, columns: scoreColumns(cells, m.map, rules) };
}

const BOOLEAN_ACCEPTED = text('可接受：是/否、yes/no、y/n、true/false、1/0', 'accepted: 是/否, yes/no, y/n, true/false, 1/0');
// One vocabulary for yes/no in every file an officer imports.
const TRUE = TRUE_WORDS;
const FALSE = FALSE_WORDS;
const TRUE_RESULT = ok(true);
const FALSE_RESULT = ok(false);

/** 是/否, yes/no, y/n, true/false, 1/0 (SPEC §5). */
export function parseBoolean(raw: string): Result<boolean> {
  // Fast path: the words as usually written.
  if (TRUE.has(raw)) return TRUE_RESULT;
  if (FALSE.has(raw)) return FALSE_RESULT;
  const s = raw.normalize('NFKC').trim().toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return err(text(`不是是/否值；${BOOLEAN_ACCEPTED.zh}`, `is not a yes/no value; ${BOOLEAN_ACCEPTED.en}`));
}

const PLAIN_SCORE = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/**
 * A score in points with at most 2 decimals → hundredths, within [0, max].
 * Accepts `85`, `85.5`, `85.50`, `85分`, full-width digits.
 */
export function parseCenti(raw: string, max: number): Result<number> {
  // Fast path: digits with at most 2 decimals, as nearly every sheet writes them (10^6 rows).
  const plain = PLAIN_SCORE.exec(raw);
  if (plain) {
    const frac = plain[2];
    const centi = Number(plain[1]) * 100 + (frac === undefined ? 0 : frac.length === 1 ? Number(frac) * 10 : Number(frac));
    if (centi <= max * 100) return ok(centi);
  }
  const accepted = text(`可接受：0 至 ${max} 之间、最多两位小数的数，如 85 或 85.5`, `accepted: a number from 0 to ${max} with at most 2 decimals, e.g. 85 or 85.5`);
  const s = raw.normalize('NFKC').trim().replace(/\s*分$/u, '');
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return err(text(`不是数字；${accepted.zh}`, `is not a number; ${accepted.en}`));
  const frac = m[3] ?? '';
  if (/[1-9]/.test(frac.slice(2))) return err(text(`小数超过两位；${accepted.zh}`, `has more than 2 decimals; ${accepted.en}`));
  if (m[2].length > 9) return err(text(`超出 0 至 ${max} 的范围；${accepted.zh}`, `is outside 0-${max}; ${accepted.en}`));
  // Whole digit strings as integers, never a binary fraction: "85.5" → 85·100 + 50.
  const centi = Number(m[2]) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  if ((m[1] === '-' && centi > 0) || centi > max * 100) {
    return err(text(`超出 0 至 ${max} 的范围；${accepted.zh}`, `is outside 0-${max}; ${accepted.en}`));
  }
  return ok(centi);
}

/** 8550 → "85.50", by digits (no float division). */
export function centiText(centi: number): string {
  const s = String(centi).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** SPEC §4: NFKC and trimmed (ASCII needs no NFKC, which matters at 1,000,000 rows). */
const cell = (cells: string[], i: number | null): string => {
  const raw = i === null ? '' : (cells[i] ?? '');
  return ASCII.test(raw) ? raw.trim() : raw.normalize('NFKC').trim();
};

/**
 * Parses one data row; every problem of the row is reported, not just the
 * first. Whether the application exists and duplicates are the caller's
 * (they need the ledger and the whole file).
 */
export function parseScoreRow(
  line: number,
  cells: string[],
  cols: ScoreColumns,
  rules: ScoringRules,
  weightedTotal: (criteria: Record<string, number>) => string,
  /** Errors are appended here (no array per row: files have 1,000,000 rows). */
  errors: RowError[],
): ScoreRow | null {
  const before = errors.length;
  const header = (i: number | null) => (i === null ? '' : cols.headers[i] || `#${i + 1}`);
  const fail = (i: number | null, value: string, message: Text) => errors.push({ line, column: header(i), value, message });

  const applicationId = cell(cells, cols.applicationId);
  if (applicationId === '') fail(cols.applicationId, '', text('申报编号为空；应为本批次中已导入的申报编号', 'application ID is empty; expected the ID of an application imported in this round'));
  const expertId = cell(cells, cols.expertId);
  if (expertId === '') fail(cols.expertId, '', text('专家编号为空；每行应注明评分专家', 'expert ID is empty; each row must name the expert who scored'));

  const recusedRaw = cell(cells, cols.recused);
  let recused = false;
  // An empty recusal cell reads as 否: most sheets mark only the recusals.
  if (recusedRaw !== '') {
    const b = parseBoolean(recusedRaw);
    if (b.ok) recused = b.value;
    else fail(cols.recused, recusedRaw, b.error);
  }

  const needScore = (i: number | null, what: Text) =>
    fail(i, '', text(`${what.zh}为空；除回避（是否回避 = 是）外必须填写`, `${what.en} is empty; required unless the expert recused (recused = yes)`));

  let centi: number | null = null;
  let criteria: Record<string, number> | null = null;
  const scoreRaw = cell(cells, cols.score);
  if (rules.criteria.length === 0) {
    // Art. 11: a plain score from 0 to the policy's maximum.
    if (scoreRaw === '') {
      if (!recused) needScore(cols.score, text('评分', 'score'));
    } else {
      const c = parseCenti(scoreRaw, rules.maxScore);
      if (c.ok) centi = c.value;
      else fail(cols.score, scoreRaw, c.error);
    }
  } else {
    // Art. 11 with policy criteria: each within its own maximum.
    const got: Record<string, number> = {};
    let complete = true;
    for (const c of rules.criteria) {
      const i = cols.criteria[c.key];
      const raw = cell(cells, i);
      if (raw === '') {
        complete = false;
        if (!recused) needScore(i, text(`评分项“${c.zh}”`, `criterion ${c.key}`));
        continue;
      }
      const v = parseCenti(raw, c.max);
      if (v.ok) got[c.key] = v.value;
      else {
        complete = false;
        fail(i, raw, v.error);
      }
    }
    if (Object.keys(got).length > 0) criteria = got;
    if (scoreRaw !== '' && complete && criteria) {
      // A total column, if the sheet has one, must agree with the weighted sum.
      const total = weightedTotal(criteria);
      const c = parseCenti(scoreRaw, rules.maxScore);
      if (!c.ok) fail(cols.score, scoreRaw, c.error);
      else if (centiText(c.value) !== total) {
        fail(cols.score, scoreRaw, text(`与各评分项按权重计算的总分 ${total} 不一致；可留空或填 ${total}`, `does not match the weighted sum of the criteria, ${total}; leave it empty or write ${total}`));
      }
    }
  }

  const comment = cell(cells, cols.comment);
  if (errors.length > before) return null;
  return { line, applicationId, expertId, centi, criteria, recused, comment: comment === '' ? null : comment };
}

/** What makes two rows of the same (application, expert) "the same": the score(s), recusal and comment. */
export function scoreContent(r: Pick<ScoreRow, 'centi' | 'criteria' | 'recused' | 'comment'>): string {
  const crit = r.criteria ? Object.fromEntries(Object.keys(r.criteria).sort().map((k) => [k, centiText((r.criteria as Record<string, number>)[k])])) : null;
  return JSON.stringify({ score: r.centi === null ? null : centiText(r.centi), criteria: crit, recused: r.recused, comment: r.comment });
}

/** A row's criteria as `scores` stores them: JSON in policy order, or null for a plain score. */
export const criteriaJson = (r: Pick<ScoreRow, 'criteria'>): string | null => (r.criteria ? JSON.stringify(r.criteria) : null);

/** A compact form of the same content, cheap to compare for 1,000,000 rows (criteria as stored: criteriaJson). */
export function contentKey(centi: number | null, criteriaJson: string | null, recused: boolean, comment: string | null): string {
  return `${centi ?? ''}\u0001${criteriaJson ?? ''}\u0001${recused ? 1 : 0}\u0001${comment ?? '\u0002'}`;
}

/**
 * A map keyed by (application, expert) without a key string per pair: one
 * entry per application holding its few experts. At 1,000,000 rows this
 * halves the memory and time of a Map keyed by concatenated strings.
 */
export class PairMap<V> {
  private readonly m = new Map<string, { experts: string[]; values: V[] }>();
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(applicationId: string, expertId: string): V | undefined {
    const e = this.m.get(applicationId);
    if (!e) return undefined;
    const i = e.experts.indexOf(expertId);
    return i < 0 ? undefined : e.values[i];
  }

  set(applicationId: string, expertId: string, value: V): void {
    let e = this.m.get(applicationId);
    if (!e) this.m.set(applicationId, (e = { experts: [], values: [] }));
    const i = e.experts.indexOf(expertId);
    if (i >= 0) e.values[i] = value;
    else {
      e.experts.push(expertId);
      e.values.push(value);
      this.n++;
    }
  }

  applications(): IterableIterator<string> {
    return this.m.keys();
  }
}
