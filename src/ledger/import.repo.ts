// Writing imported applications (SPEC §5): insert as the file is read, inside
// the caller's one transaction, with the ledger itself as the memory of which
// keys this import has already used (so that a 1,000,000-row file needs no
// in-memory set of keys). Rows inserted by this import have a rowid above the
// one the import started from; repeats of rows that were already there are
// remembered in temporary tables.
import crypto, { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { APPLICATION_COLUMNS, applicationContent, diffContent, type FieldChange, type ImportedApplication } from '../domain/import-row.js';
import { formatYuan } from '../domain/money.js';
import { type Text, text } from '../domain/text.js';
import { rowToApplication, type ApplicationRow } from './applications.repo.js';
import type { EventRow } from './events.js';
import type { Db } from './open.js';
import { type BulkInsert, bulkInsert, flushNoted } from './seals.js';
import { byIdWalk } from './round-walk.js';
import { tableColumns } from './schema.js';
import { stateSql } from './states.js';
import { sqlText } from './statements.js';

/** Rows between two moves of the noted keys out of memory (seals.ts flushNoted). */
const NOTES_FLUSH_EVERY = 50_000;
/** New rows hashed ahead at a time while the parser is behind: a few milliseconds, so that its next rows do not wait. */
export const AHEAD_ROWS = 2048;

export interface RowSource {
  /** File name (no directory), as kept with the application. */
  file: string;
  line: number;
  sha256: string;
}

export interface RowKeys {
  applicationId: string | null;
  uscc: string | null;
  projectName: string | null;
}

export type AcceptOutcome =
  | { kind: 'new'; applicationId: string }
  | { kind: 'unchanged'; applicationId: string }
  /** The row repeats an earlier row of this file value for value: the application is taken once. */
  | { kind: 'repeated'; applicationId: string; firstLine: number }
  | { kind: 'updated'; applicationId: string; changes: FieldChange[]; stateBefore: string }
  /** `value`: the value of `column` the error is about, when it is one cell's. */
  | { kind: 'error'; column: string; value?: string; text: Text };

/** States in which import --update may still change an application: before scoring. An update sends it back to imported (check must run again). */
export const UPDATABLE_STATES: readonly string[] = ['imported', 'eligible', 'ineligible', 'needs-review'];

// crypto.hash (Node ≥ 20.12) skips the Hash object: much cheaper for a short string per row.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export const sha256Hex = (s: string): string => (oneShot ? oneShot('sha256', s, 'hex') : createHash('sha256').update(s).digest('hex'));

/** SHA-256 over the content values in column order (CONTENT_COLS; extra with sorted keys). */
export const contentHash = (a: ImportedApplication): string => hashValues(contentValues(a));

const hashValues = (values: ContentValues): string => sha256Hex(JSON.stringify(values));

/** The content values of an application in column order, as stored. */
export type ContentValues = (string | number | null)[];

/**
 * An application as the ledger takes it, made where the row was parsed (the
 * import worker): one flat array in the order of the INSERT's parameters —
 * application id (null: to be generated), the content values (CONTENT_COLS),
 * the line of the file, the content hash. Flat, because a worker sends a
 * 24-element array at half the cost of an object holding an array. The hash
 * is left null where the record is made: the import worker adds it while the
 * thread that writes is behind (withContentHash), else acceptRecord makes it.
 */
export type ApplicationRecord = readonly (string | number | null)[];

const ID_AT = 0;
const VALUES_AT = 1;
const LINE_AT = 22;
const HASH_AT = 23;
/** Elements of a record: what follows them on the wire is not the record's (import-worker-protocol.ts). */
export const RECORD_LENGTH = HASH_AT + 1;

export function applicationRecord(a: ImportedApplication, line: number): ApplicationRecord {
  const values = contentValues(a);
  values.unshift(a.applicationId);
  values.push(line, null);
  return values;
}

const recordValues = (r: ApplicationRecord): ContentValues => r.slice(VALUES_AT, VALUES_AT + CONTENT_COLS.length);

/** The record with its content hash, made now if it has none yet. */
export function withContentHash(r: ApplicationRecord): ApplicationRecord {
  if (r[HASH_AT] === null) (r as (string | number | null)[])[HASH_AT] = hashValues(recordValues(r));
  return r;
}
/** The line of the file a record comes from. */
export const recordLine = (r: ApplicationRecord): number => r[LINE_AT] as number;

interface KeyRow {
  rid: number;
  application_id: string;
  round_id: string;
  uscc: string;
  project_name: string;
  source_line: number;
  content_hash: string;
}

const KEY_COLS = 'rowid AS rid, application_id, round_id, uscc, project_name, source_line, content_hash';

const CONTENT_COLS = [
  'enterprise_name',
  'uscc',
  'district',
  'established_on',
  'independent_legal_person',
  'category',
  'cluster',
  'project_name',
  'total_investment_fen',
  'requested_amount_fen',
  'employees',
  'annual_revenue_fen',
  'other_fiscal_support',
  'past_projects_compliant',
  'credit_good',
  'major_accident',
  'ready_to_implement',
  'training_events',
  'trainees',
  'submitted_on',
  'extra_json',
] as const;
/** Positions in a record of texts that most rows share with many others (a worker sends each once per message). */
export const RECORD_COMMON_TEXT_AT: readonly number[] = (['district', 'established_on', 'category', 'cluster', 'submitted_on', 'extra_json'] as const).map(
  (c) => VALUES_AT + CONTENT_COLS.indexOf(c),
);
const USCC_AT = VALUES_AT + CONTENT_COLS.indexOf('uscc');
const PROJECT_AT = VALUES_AT + CONTENT_COLS.indexOf('project_name');
const BOOLEAN_COLS: ReadonlySet<string> = new Set(['independent_legal_person', 'other_fiscal_support', 'past_projects_compliant', 'credit_good', 'major_accident', 'ready_to_implement']);

const b = (v: boolean): number => (v ? 1 : 0);

function contentValues(a: ImportedApplication): ContentValues {
  return [
    a.enterpriseName,
    a.uscc,
    a.district,
    a.establishedOn,
    b(a.independentLegalPerson),
    a.category,
    a.cluster,
    a.projectName,
    a.totalInvestmentFen,
    a.requestedAmountFen,
    a.employees,
    a.annualRevenueFen,
    b(a.otherFiscalSupport),
    b(a.pastProjectsCompliant),
    b(a.creditGood),
    b(a.majorAccident),
    b(a.readyToImplement),
    a.trainingEvents,
    a.trainees,
    a.submittedOn,
    extraJson(a.extra),
  ];
}

/** Sorted keys: the same columns in another order are the same content. */
function extraJson(extra: Record<string, string>): string {
  const keys = Object.keys(extra);
  // One key or none needs no sorting (the usual file has a 备注 column or no extra one).
  if (keys.length === 0) return '{}';
  return keys.length === 1 ? JSON.stringify(extra) : JSON.stringify(extra, keys.sort());
}

/** applicationContent() of the application whose content values these are. */
export function contentOfValues(values: ContentValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  CONTENT_COLS.forEach((c, i) => {
    const v = values[i];
    if (c === 'extra_json') out.extra = JSON.parse(v as string) as Record<string, string>;
    else out[c] = BOOLEAN_COLS.has(c) ? v === 1 : v;
  });
  return out;
}

type Statement = BetterSqlite3.Statement<unknown[]>;

const showValue = (field: string, v: unknown): string =>
  v === null || v === undefined || v === '' ? '—' : typeof v === 'number' && field.endsWith('_fen') ? formatYuan(v) : typeof v === 'string' ? v : JSON.stringify(v);

const COLUMN_ZH = new Map(APPLICATION_COLUMNS.map((d) => [d.key, d.zh]));
const showValueZh = (field: string, v: unknown): string =>
  typeof v === 'boolean' ? (v ? '是' : '否') : typeof v === 'number' && field.endsWith('_fen') ? `${formatYuan(v)} 元` : showValue(field, v);

/**
 * The fields that differ, old → new: in English by the file's column name
 * (`requested_amount (900,000.00 → 850,000.00)`, money in yuan), in Chinese by
 * its §5 label (`申请补贴金额（900,000.00 元 → 850,000.00 元）`); an extra column by its header.
 */
function changeList(changes: readonly FieldChange[]): Text {
  const name = (c: FieldChange) => c.field.replace(/_fen$/, '');
  const zh = changes.map((c) => {
    const n = name(c);
    const label = n.startsWith('extra.') ? n.slice('extra.'.length) : (COLUMN_ZH.get(n) ?? n);
    return `${label}（${showValueZh(c.field, c.old)} → ${showValueZh(c.field, c.new)}）`;
  });
  const en = changes.map((c) => `${name(c)} (${showValue(c.field, c.old)} → ${showValue(c.field, c.new)})`);
  return text(zh.join('、'), en.join(', '));
}


/**
 * The first line of this file that matched each application the ledger held
 * before the import, by rowid: a re-import of a large file remembers its
 * repeats in 4 bytes per ledger row instead of a table of keys.
 */
class RepeatLines {
  private lines: Uint32Array | Map<number, number> | null = null;
  constructor(private readonly base: number) {}
  get(rid: number): number | null {
    if (this.lines === null) return null;
    const v = this.lines instanceof Map ? this.lines.get(rid) : this.lines[rid];
    return v ? v : null;
  }
  set(rid: number, line: number): void {
    // A ledger whose rowids went far beyond its size (never by jmfund itself) gets a Map.
    this.lines ??= this.base < 64 * 1024 * 1024 ? new Uint32Array(this.base + 1) : new Map();
    if (this.lines instanceof Map) {
      if (!this.lines.has(rid)) this.lines.set(rid, line);
    } else if (this.lines[rid] === 0) this.lines[rid] = line;
  }
}

/** One import of applications into one round. Every method runs inside the caller's transaction. */
export class ApplicationImportSession {
  private readonly base: number;
  private next: number;
  /** Keys in the temporary tables: bad rows, and repeats whose keys differ from the ledger's. */
  private seenCount = 0;
  private readonly repeats: RepeatLines;
  /** Ledger rows whose first repeat in this file was refused (other values, no --update): a later copy is no exact repeat of it. */
  private readonly refusedRepeats = new Set<number>();
  /** The last row repeated one already in the ledger: look it up before trying to insert (a re-import). */
  private lookupFirst = false;
  private readonly newIds: string[] = [];
  private newCount = 0;
  private accepted = 0;
  private insert: { file: string; sha256: string; st: Statement } | null = null;
  /** New rows are noted for their seals at the end, by rowid, not one by one by a trigger. */
  private readonly newRows: BulkInsert;
  private readonly st: {
    byId: Statement;
    byProject: Statement;
    full: Statement;
    update: Statement;
    unchecked: Statement;
    seenId: Statement;
    seenProject: Statement;
    addSeenId: Statement;
    addSeenProject: Statement;
  };

  constructor(
    private readonly db: Db,
    private readonly roundId: string,
    private readonly opts: { update: boolean; now: string },
  ) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS import_seen_id (application_id TEXT PRIMARY KEY, line INTEGER NOT NULL) STRICT;
      CREATE TEMP TABLE IF NOT EXISTS import_seen_project (uscc TEXT NOT NULL, project_name TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (uscc, project_name)) STRICT;
      DELETE FROM import_seen_id; DELETE FROM import_seen_project;`);
    this.base = (db.prepare('SELECT coalesce(max(rowid), 0) AS m FROM applications').get() as { m: number }).m;
    this.repeats = new RepeatLines(this.base);
    this.newRows = bulkInsert(db, 'applications');
    this.next = nextGeneratedNumber(db, roundId);
    this.st = {
      byId: db.prepare(`SELECT ${KEY_COLS} FROM applications WHERE application_id = ?`),
      byProject: db.prepare(`SELECT ${KEY_COLS} FROM applications WHERE round_id = ? AND uscc = ? AND project_name = ?`),
      // The state as read (ledger/states.ts): an allocated participant's row still says eligible.
      full: db.prepare(`SELECT a.*, ${stateSql(db, 'a')} AS jm_state FROM applications a WHERE a.application_id = ?`),
      update: db.prepare(
        `UPDATE applications SET ${CONTENT_COLS.map((c) => `${c} = ?`).join(', ')}, source_file = ?, source_line = ?, source_sha256 = ?, content_hash = ?, state = 'imported', updated_at = ? WHERE application_id = ?`,
      ),
      // Imported again with new content: not checked until the next check.
      unchecked: db.prepare('DELETE FROM application_eligibility WHERE application_id = ?'),
      seenId: db.prepare('SELECT line FROM temp.import_seen_id WHERE application_id = ?'),
      seenProject: db.prepare('SELECT line FROM temp.import_seen_project WHERE uscc = ? AND project_name = ?'),
      addSeenId: db.prepare('INSERT OR IGNORE INTO temp.import_seen_id (application_id, line) VALUES (?, ?)'),
      addSeenProject: db.prepare('INSERT OR IGNORE INTO temp.import_seen_project (uscc, project_name, line) VALUES (?, ?, ?)'),
    };
  }

  /** The line of an earlier row of this file with the same id or the same enterprise and project. */
  duplicateInFile(k: RowKeys, line: number): AcceptOutcome | null {
    if (k.applicationId !== null) {
      const first = this.firstLine(this.st.byId.get(k.applicationId) as KeyRow | undefined, () => this.st.seenId.get(k.applicationId));
      if (first !== null) return dupError('application_id', first, line, idNamed(k.applicationId));
    }
    if (k.uscc !== null && k.projectName !== null) {
      const first = this.firstLine(this.st.byProject.get(this.roundId, k.uscc, k.projectName) as KeyRow | undefined, () =>
        this.st.seenProject.get(k.uscc, k.projectName),
      );
      if (first !== null) return dupError('project', first, line, projectNamed(k.uscc, k.projectName));
    }
    return null;
  }

  private seenBefore(k: RowKeys, line: number): AcceptOutcome | null {
    if (k.applicationId !== null) {
      const seen = this.st.seenId.get(k.applicationId) as { line: number } | undefined;
      if (seen) return dupError('application_id', seen.line, line, idNamed(k.applicationId));
    }
    if (k.uscc !== null && k.projectName !== null) {
      const seen = this.st.seenProject.get(k.uscc, k.projectName) as { line: number } | undefined;
      if (seen) return dupError('project', seen.line, line, projectNamed(k.uscc, k.projectName));
    }
    return null;
  }

  /** Remembers the keys of a row that did not insert (a repeat or a bad row). */
  noteSeen(k: RowKeys, line: number): void {
    if (k.applicationId !== null) this.seenCount += this.st.addSeenId.run(k.applicationId, line).changes;
    if (k.uscc !== null && k.projectName !== null) this.seenCount += this.st.addSeenProject.run(k.uscc, k.projectName, line).changes;
  }

  accept(app: ImportedApplication, src: RowSource): AcceptOutcome {
    return this.acceptRecord(applicationRecord(app, src.line), src);
  }

  /** `src.line` must be the record's line. */
  acceptRecord(record: ApplicationRecord, src: RowSource): AcceptOutcome {
    const rec = withContentHash(record);
    // The keys noted for the row seals move from memory into the temporary table now and then: 10^6 would hold ~100 MB.
    if (++this.accepted % NOTES_FLUSH_EVERY === 0) flushNoted(this.db);
    const applicationId = rec[ID_AT] as string | null;
    const uscc = rec[USCC_AT] as string;
    const projectName = rec[PROJECT_AT] as string;
    const keys: RowKeys = { applicationId, uscc, projectName };
    // Rows this import inserted are caught by the ledger's unique keys below,
    // repeats of ledger rows by `repeats`; the temporary tables hold the rest
    // (bad rows, repeats under other keys), empty on a usual import.
    if (this.seenCount > 0) {
      const dup = this.seenBefore(keys, src.line);
      if (dup) return dup;
    }
    if (applicationId !== null) {
      if (this.lookupFirst) {
        const byId = this.st.byId.get(applicationId) as KeyRow | undefined;
        if (byId) return this.conflictWithId(byId, rec, src, keys);
      }
      if (this.tryInsert(applicationId, rec, src)) return this.inserted(applicationId);
      return this.conflictWithId(this.st.byId.get(applicationId) as KeyRow | undefined, rec, src, keys);
    }
    if (this.lookupFirst) {
      const existing = this.st.byProject.get(this.roundId, uscc, projectName) as KeyRow | undefined;
      if (existing) return this.sameProject(existing, rec, src, keys);
    }
    for (;;) {
      const id = generatedId(this.roundId, this.next);
      if (this.tryInsert(id, rec, src)) {
        this.next++;
        return this.inserted(id);
      }
      const existing = this.st.byProject.get(this.roundId, uscc, projectName) as KeyRow | undefined;
      if (existing) return this.sameProject(existing, rec, src, keys);
      // The generated id was taken by an explicit one: try the next number.
      this.next++;
    }
  }

  /** New rows beyond the first 1,000 are linked to the event here rather than listed in it. */
  newApplicationIds(): string[] | null {
    return this.newCount <= 1000 ? this.newIds : null;
  }

  /** While the parser is behind: a few of the new rows hashed for their seals (false: none was left). */
  sealAhead(): boolean {
    return this.newRows.sealAhead(AHEAD_ROWS);
  }

  /** Before the commit: the rows this import inserted are noted for the row seals. */
  noteNewRows(): void {
    this.newRows.done();
  }

  linkNewRows(event: EventRow): void {
    // When the ledger held fewer rows than this import added, the ids are read
    // from the key index in key order (ORDER BY makes SQLite scan it): a
    // smaller scan than the rows themselves, and event_apps receives them in
    // its own key order. 1,000,000 new rows: 0.46 s instead of 0.9-1.3 s of CPU.
    const order = this.base <= this.newCount ? ' ORDER BY application_id' : '';
    this.db
      .prepare(`INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, application_id FROM applications WHERE rowid > ?${order}`)
      .run(event.seq, this.base);
  }

  private inserted(id: string): AcceptOutcome {
    this.lookupFirst = false;
    this.newCount++;
    if (this.newIds.length <= 1000) this.newIds.push(id);
    return { kind: 'new', applicationId: id };
  }

  private tryInsert(id: string, rec: ApplicationRecord, src: RowSource): boolean {
    let ins = this.insert;
    if (ins === null || ins.file !== src.file || ins.sha256 !== src.sha256) {
      const now = sqlText(this.opts.now);
      const st = this.db.prepare(
        `INSERT INTO applications (application_id, ${CONTENT_COLS.join(', ')}, source_line, content_hash, round_id, source_file, source_sha256, state, created_at, updated_at)
         VALUES (${Array(1 + CONTENT_COLS.length + 2).fill('?').join(', ')}, ${sqlText(this.roundId)}, ${sqlText(src.file)}, ${sqlText(src.sha256)}, 'imported', ${now}, ${now})
         ON CONFLICT DO NOTHING`,
      );
      ins = this.insert = { file: src.file, sha256: src.sha256, st };
    }
    if (id === rec[ID_AT]) return ins.st.run(rec).changes === 1;
    const params = rec.slice();
    params[ID_AT] = id;
    return ins.st.run(params).changes === 1;
  }

  /** The line of this file that first named the ledger row `row` (or, failing that, the temporary tables' line). */
  private firstLine(row: KeyRow | undefined, seen: () => unknown): number | null {
    if (row) {
      if (row.rid > this.base) return row.source_line;
      const line = this.repeats.get(row.rid);
      if (line !== null) return line;
    }
    if (this.seenCount === 0) return null;
    return (seen() as { line: number } | undefined)?.line ?? null;
  }

  /** A row without an id matched `existing` by enterprise and project. */
  private sameProject(existing: KeyRow, rec: ApplicationRecord, src: RowSource, keys: RowKeys): AcceptOutcome {
    const what = projectNamed(keys.uscc as string, keys.projectName as string);
    if (existing.rid > this.base) return this.again(existing, existing.source_line, rec, src, 'project', what);
    const first = this.repeats.get(existing.rid);
    if (first !== null) return this.again(existing, first, rec, src, 'project', what);
    return this.repeat(existing, rec, src, keys);
  }

  /**
   * A second row of this file for the application `row` (first named on line
   * `first`): the same values as that line, an exact repeat taken once (SPEC
   * §5: a repeat adds nothing); other values, an error (which of the two?).
   * `row` holds the first line's values: it inserted them, or was the same as
   * them, or --update made it so; a refused first repeat is never the same.
   */
  private again(row: KeyRow, first: number, rec: ApplicationRecord, src: RowSource, by: 'application_id' | 'project', what: Named): AcceptOutcome {
    if (!this.refusedRepeats.has(row.rid)) {
      if (row.content_hash === rec[HASH_AT]) return { kind: 'repeated', applicationId: row.application_id, firstLine: first };
      const changes = this.changesFrom(row.application_id, rec);
      // A ledger row's hash may be of an older formula: then its values are compared.
      if (row.rid <= this.base && changes.length === 0) return { kind: 'repeated', applicationId: row.application_id, firstLine: first };
      // The row holds the first line's values: the error says which of them this line gives otherwise.
      return dupError(by, first, src.line, what, changes);
    }
    return dupError(by, first, src.line, what);
  }

  private conflictWithId(byId: KeyRow | undefined, rec: ApplicationRecord, src: RowSource, keys: RowKeys): AcceptOutcome {
    const id = rec[ID_AT] as string;
    const { uscc, projectName } = keys;
    if (byId) {
      if (byId.round_id !== this.roundId) {
        return {
          kind: 'error',
          column: 'application_id',
          text: text(
            `申报编号 ${id} 已在批次 ${byId.round_id} 中使用；申报编号在整个账本中必须唯一`,
            `application_id ${id} is already used in round ${byId.round_id}; application ids are unique across the ledger`,
          ),
        };
      }
      if (byId.rid > this.base) return this.again(byId, byId.source_line, rec, src, 'application_id', idNamed(id));
      const first = this.repeats.get(byId.rid);
      if (first !== null) return this.again(byId, first, rec, src, 'application_id', idNamed(id));
      const moved = byId.uscc !== uscc || byId.project_name !== projectName;
      const other = moved ? (this.st.byProject.get(this.roundId, uscc, projectName) as KeyRow | undefined) : undefined;
      if (other && other.application_id !== id) return this.projectOf(other, id, src.line, keys, rec);
      return this.repeat(byId, rec, src, keys);
    }
    const byProject = this.st.byProject.get(this.roundId, uscc, projectName) as KeyRow | undefined;
    if (!byProject) throw new Error(`insert of ${id} conflicted, but no row holds its keys`);
    return this.projectOf(byProject, id, src.line, keys, rec);
  }

  /** The file gives id `id` to a project that `other` already is. */
  private projectOf(other: KeyRow, id: string, line: number, keys: RowKeys, rec: ApplicationRecord): AcceptOutcome {
    const what = projectNamed(keys.uscc as string, keys.projectName as string);
    // The first line's row holds its values under its own id (generated when that line gave none): both are said.
    const first = other.rid > this.base ? other.source_line : this.repeats.get(other.rid);
    // A ledger row whose first repeat was refused does not hold that line's values: nothing to compare then.
    const changes = first === null || this.refusedRepeats.has(other.rid) ? [] : this.changesFrom(other.application_id, rec);
    if (first !== null) return dupError('project', first, line, { ...what, firstId: other.application_id }, changes);
    return projectTaken(other.application_id, id);
  }

  /** The file repeats an application the ledger already holds. */
  private repeat(existing: KeyRow, rec: ApplicationRecord, src: RowSource, keys: RowKeys): AcceptOutcome {
    this.lookupFirst = true;
    const id = existing.application_id;
    // Matched by project: an earlier row may have named this id with other keys.
    if (keys.applicationId === null && this.seenCount > 0) {
      const again = this.st.seenId.get(id) as { line: number } | undefined;
      if (again) return dupError('application_id', again.line, src.line, idNamed(id));
    }
    // The usual repeat has the ledger row's keys: remembered by rowid. One
    // whose enterprise or project differs goes to the temporary tables, since
    // a later row may name it by those keys.
    const remembered = existing.uscc === keys.uscc && existing.project_name === keys.projectName;
    if (remembered) this.repeats.set(existing.rid, src.line);
    else this.noteSeen({ ...keys, applicationId: id }, src.line);
    const hash = rec[HASH_AT] as string;
    if (existing.content_hash === hash) return { kind: 'unchanged', applicationId: id };
    const changes = this.changesFrom(id, rec);
    // Same values under a different hash (an older hash formula): nothing to change.
    if (changes.length === 0) return { kind: 'unchanged', applicationId: id };
    const state = (this.st.full.get(id) as { jm_state: string }).jm_state;
    const { zh: listZh, en: listEn } = changeList(changes);
    const refused = !this.opts.update || !UPDATABLE_STATES.includes(state);
    if (refused && remembered) this.refusedRepeats.add(existing.rid);
    if (!this.opts.update) {
      return {
        kind: 'error',
        column: '',
        text: text(
          `申报 ${id} 已在账本中，但以下字段不同：${listZh}；如要以文件为准，请加 --update`,
          `application ${id} is already in the ledger with different values: ${listEn}; use --update to replace them`,
        ),
      };
    }
    if (!UPDATABLE_STATES.includes(state)) {
      return {
        kind: 'error',
        column: '',
        text: text(
          `申报 ${id} 处于「${state}」状态，导入不能再修改它（只能修改评分前的申报）；不同的字段：${listZh}`,
          `application ${id} is in state "${state}"; import can no longer change it (only before scoring); fields that differ: ${listEn}`,
        ),
      };
    }
    this.st.update.run(...recordValues(rec), src.file, src.line, src.sha256, hash, this.opts.now, id);
    this.st.unchecked.run(id);
    return { kind: 'updated', applicationId: id, changes, stateBefore: state };
  }

  /** The fields in which the record differs from the ledger's application `id`. */
  private changesFrom(id: string, rec: ApplicationRecord): FieldChange[] {
    const row = this.st.full.get(id) as ApplicationRow;
    return diffContent(applicationContent(rowToApplication(row)), contentOfValues(recordValues(rec)));
  }
}

/** What a repeat is named by: as the message shows it, and the value of its column (the id, or the project name). */
interface Named {
  shown: string;
  value: string;
  /** The application the first line became, when it is not the id this line gives. */
  firstId?: string;
}
const idNamed = (id: string): Named => ({ shown: id, value: id });
const projectNamed = (uscc: string, projectName: string): Named => ({ shown: `${uscc} ${projectName}`, value: projectName });

/** A second row of the file for one application; `changes`: the fields in which it differs from the first, when known. */
function dupError(by: 'application_id' | 'project', firstLine: number, _line: number, named: Named, changes: readonly FieldChange[] = []): AcceptOutcome {
  const what = named.shown;
  const column = by === 'application_id' ? 'application_id' : 'project_name';
  const said =
    by === 'application_id'
      ? text(`申报编号 ${what} 在本文件中重复出现（第一次在第 ${firstLine} 行）`, `application_id ${what} appears twice in this file (first on line ${firstLine})`)
      : named.firstId === undefined
        ? text(
            `同一企业的同一项目（${what}）在本文件中重复出现（第一次在第 ${firstLine} 行）`,
            `the same enterprise and project (${what}) appear twice in this file (first on line ${firstLine})`,
          )
        : text(
            `同一企业的同一项目（${what}）在本文件中重复出现（第一次在第 ${firstLine} 行，即申报 ${named.firstId}）`,
            `the same enterprise and project (${what}) appear twice in this file (first on line ${firstLine}, as application ${named.firstId})`,
          );
  if (changes.length === 0) return { kind: 'error', column, value: named.value, text: said };
  const list = changeList(changes);
  return {
    kind: 'error',
    column,
    value: named.value,
    text: text(
      `${said.zh}，两行的内容不同（第 ${firstLine} 行 → 本行）：${list.zh}；请核对，只保留正确的一行`,
      `${said.en} with different values (line ${firstLine} → this line): ${list.en}; keep only the right one of the two rows`,
    ),
  };
}

function projectTaken(existingId: string, givenId: string): AcceptOutcome {
  return {
    kind: 'error',
    column: 'application_id',
    text: text(
      `该企业的这个项目已是本批次的申报 ${existingId}，文件却给出申报编号 ${givenId}；申报编号不能通过导入更改`,
      `this enterprise's project is already application ${existingId} in this round, but the file gives application_id ${givenId}; import does not change ids`,
    ),
  };
}

export const generatedId = (roundId: string, n: number): string => `${roundId}-${String(n).padStart(4, '0')}`;

/** 1 + the largest NNNN of the ids `ROUND-NNNN` in the ledger. */
export function nextGeneratedNumber(db: Db, roundId: string): number {
  const prefix = `${roundId}-`;
  // '-' + 1 is '.': the range holds exactly the ids that start with the prefix.
  const row = db
    .prepare(
      `SELECT max(CAST(substr(application_id, ?) AS INTEGER)) AS m FROM applications
       WHERE application_id >= ? AND application_id < ? AND length(application_id) > ? AND substr(application_id, ?) NOT GLOB '*[^0-9]*'`,
    )
    .get(prefix.length + 1, prefix, `${roundId}.`, prefix.length, prefix.length + 1) as { m: number | null };
  return (row.m ?? 0) + 1;
}

// ---------------------------------------------------------------------------
// Reading back

export interface ApplicationFilter {
  roundId?: string;
  category?: string;
  district?: string;
  state?: string;
}

/** The rows of one round that match the filter: its WHERE clause and arguments, and the state as read (ledger/states.ts). */
function roundFilter(db: Db, roundId: string, f: ApplicationFilter): { where: string; args: string[]; state: string } {
  const where: string[] = [`${byIdWalk(db, roundId, 'a')} = ?`];
  const args: string[] = [roundId];
  const state = stateSql(db, 'a');
  if (f.category !== undefined) (where.push('a.category = ?'), args.push(f.category));
  if (f.district !== undefined) (where.push('a.district = ?'), args.push(f.district));
  if (f.state !== undefined) (where.push(`${state} = ?`), args.push(f.state));
  return { where: where.join(' AND '), args, state };
}

/** The rounds a filter covers, in order: its own, or every round with applications (from the round index). */
const filterRounds = (db: Db, f: ApplicationFilter): string[] =>
  f.roundId !== undefined ? [f.roundId] : (db.prepare('SELECT DISTINCT round_id FROM applications ORDER BY round_id').pluck().all() as string[]);

/**
 * Rows with the state as read (ledger/states.ts), streamed in round and
 * application_id order (the first `limit` only, with one). The state comes
 * from SQLite in the row's own column; a round that is most of the ledger is
 * walked in application_id order, not sorted; one query per round (one over
 * every round would sort all the ledger's rows).
 */
export function* iterateApplications(db: Db, f: ApplicationFilter, limit = Infinity): IterableIterator<ApplicationRow> {
  let left = limit;
  for (const roundId of filterRounds(db, f)) {
    if (left <= 0) return;
    const { where, args, state } = roundFilter(db, roundId, f);
    const names = [...(tableColumns(db, 'applications') ?? [])];
    const cols = names.map((c) => (c === 'state' ? `${state} AS state` : `a."${c}"`));
    const sql = `SELECT ${cols.join(', ')} FROM applications a WHERE ${where} ORDER BY a.application_id${Number.isFinite(left) ? ` LIMIT ${left}` : ''}`;
    // Read as arrays, each made an object here: better-sqlite3's own objects of ~30 columns cost twice the read.
    for (const r of db.prepare(sql).raw().iterate(...args) as IterableIterator<unknown[]>) {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < names.length; k++) row[names[k]] = r[k];
      left--;
      yield row as unknown as ApplicationRow;
    }
  }
}

/** How many rows iterateApplications gives for the filter, counted by SQLite. */
export function countApplications(db: Db, f: ApplicationFilter): number {
  let n = 0;
  for (const roundId of filterRounds(db, f)) {
    const { where, args } = roundFilter(db, roundId, f);
    n += db.prepare(`SELECT count(*) FROM applications a WHERE ${where}`).pluck().get(...args) as number;
  }
  return n;
}

export interface ApplicationEvent {
  seq: number;
  at: string;
  officer: string;
  command: string;
  details: Record<string, unknown>;
}

export function applicationEvents(db: Db, applicationId: string): ApplicationEvent[] {
  const rows = db
    .prepare('SELECT e.seq, e.at, e.officer, e.command, e.details FROM event_apps a JOIN events e ON e.seq = a.seq WHERE a.application_id = ? ORDER BY e.seq')
    .all(applicationId) as { seq: number; at: string; officer: string; command: string; details: string }[];
  return rows.map((r) => ({ seq: r.seq, at: r.at, officer: r.officer, command: r.command, details: JSON.parse(r.details) as Record<string, unknown> }));
}

/** The submission date of a parsed record (YYYY-MM-DD). */
export const recordSubmittedOn = (r: ApplicationRecord): string => r[VALUES_AT + CONTENT_COLS.indexOf('submitted_on')] as string;
