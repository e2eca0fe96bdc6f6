// Writing imported applications (SPEC §5): insert as the file is read, inside
// the caller's one transaction, with the ledger itself as the memory of which
// keys this import has already used (so that a 1,000,000-row file needs no
// in-memory set of keys). Rows inserted by this import have a rowid above the
// one the import started from; repeats of rows that were already there are
// remembered in temporary tables.
import crypto, { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { applicationContent, diffContent, type FieldChange, type ImportedApplication } from '../domain/import-row.js';
import { formatYuan } from '../domain/money.js';
import { type Text, text } from '../domain/text.js';
import { rowToApplication, type ApplicationRow } from './applications.repo.js';
import type { EventRow } from './events.js';
import type { Db } from './open.js';

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
  | { kind: 'updated'; applicationId: string; changes: FieldChange[]; stateBefore: string }
  | { kind: 'error'; column: string; text: Text };

/** States in which import --update may still change an application: before scoring. An update sends it back to imported (check must run again). */
export const UPDATABLE_STATES: readonly string[] = ['imported', 'eligible', 'ineligible', 'needs-review'];

// crypto.hash (Node ≥ 20.12) skips the Hash object: much cheaper for a short string per row.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export const sha256Hex = (s: string): string => (oneShot ? oneShot('sha256', s, 'hex') : createHash('sha256').update(s).digest('hex'));

/** SHA-256 over the content values in column order (CONTENT_COLS; extra with sorted keys). */
export const contentHash = (a: ImportedApplication): string => hashValues(contentValues(a));

const hashValues = (values: unknown[]): string => sha256Hex(JSON.stringify(values));

interface KeyRow {
  rid: number;
  application_id: string;
  round_id: string;
  uscc: string;
  project_name: string;
  source_line: number;
  content_hash: string;
  state: string;
}

const KEY_COLS = 'rowid AS rid, application_id, round_id, uscc, project_name, source_line, content_hash, state';

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

const b = (v: boolean): number => (v ? 1 : 0);

function contentValues(a: ImportedApplication): unknown[] {
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
    // Sorted keys: the same columns in another order are the same content.
    JSON.stringify(a.extra, Object.keys(a.extra).sort()),
  ];
}

type Statement = BetterSqlite3.Statement<unknown[]>;

const showValue = (field: string, v: unknown): string =>
  v === null || v === undefined || v === '' ? '—' : typeof v === 'number' && field.endsWith('_fen') ? formatYuan(v) : typeof v === 'string' ? v : JSON.stringify(v);

/** `requested_amount (900,000.00 → 850,000.00)`: the file's column name, money in yuan. */
const showChange = (c: FieldChange): { name: string; values: string } => ({
  name: c.field.replace(/_fen$/, ''),
  values: `${showValue(c.field, c.old)} → ${showValue(c.field, c.new)}`,
});

/** One import of applications into one round. Every method runs inside the caller's transaction. */
export class ApplicationImportSession {
  private readonly base: number;
  private next: number;
  private seenCount = 0;
  private readonly newIds: string[] = [];
  private newCount = 0;
  private readonly st: {
    insert: Statement;
    byId: Statement;
    byProject: Statement;
    full: Statement;
    update: Statement;
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
    this.next = nextGeneratedNumber(db, roundId);
    const cols = CONTENT_COLS.join(', ');
    this.st = {
      insert: db.prepare(
        `INSERT INTO applications (application_id, round_id, ${cols}, source_file, source_line, source_sha256, content_hash, state, created_at, updated_at)
         VALUES (${Array(2 + CONTENT_COLS.length + 7).fill('?').join(', ')}) ON CONFLICT DO NOTHING`,
      ),
      byId: db.prepare(`SELECT ${KEY_COLS} FROM applications WHERE application_id = ?`),
      byProject: db.prepare(`SELECT ${KEY_COLS} FROM applications WHERE round_id = ? AND uscc = ? AND project_name = ?`),
      full: db.prepare('SELECT * FROM applications WHERE application_id = ?'),
      update: db.prepare(
        `UPDATE applications SET ${CONTENT_COLS.map((c) => `${c} = ?`).join(', ')}, source_file = ?, source_line = ?, source_sha256 = ?, content_hash = ?, state = 'imported', eligibility = NULL, updated_at = ? WHERE application_id = ?`,
      ),
      seenId: db.prepare('SELECT line FROM temp.import_seen_id WHERE application_id = ?'),
      seenProject: db.prepare('SELECT line FROM temp.import_seen_project WHERE uscc = ? AND project_name = ?'),
      addSeenId: db.prepare('INSERT OR IGNORE INTO temp.import_seen_id (application_id, line) VALUES (?, ?)'),
      addSeenProject: db.prepare('INSERT OR IGNORE INTO temp.import_seen_project (uscc, project_name, line) VALUES (?, ?, ?)'),
    };
  }

  /** The line of an earlier row of this file with the same id or the same enterprise and project. */
  duplicateInFile(k: RowKeys, line: number): AcceptOutcome | null {
    if (k.applicationId !== null) {
      const first = this.firstLineById(k.applicationId);
      if (first !== null) return dupError('application_id', first, line, k.applicationId);
    }
    if (k.uscc !== null && k.projectName !== null) {
      const first = this.firstLineByProject(k.uscc, k.projectName);
      if (first !== null) return dupError('project', first, line, `${k.uscc} ${k.projectName}`);
    }
    return null;
  }

  private seenBefore(k: RowKeys, line: number): AcceptOutcome | null {
    if (k.applicationId !== null) {
      const seen = this.st.seenId.get(k.applicationId) as { line: number } | undefined;
      if (seen) return dupError('application_id', seen.line, line, k.applicationId);
    }
    if (k.uscc !== null && k.projectName !== null) {
      const seen = this.st.seenProject.get(k.uscc, k.projectName) as { line: number } | undefined;
      if (seen) return dupError('project', seen.line, line, `${k.uscc} ${k.projectName}`);
    }
    return null;
  }

  /** Remembers the keys of a row that did not insert (a repeat or a bad row). */
  noteSeen(k: RowKeys, line: number): void {
    if (k.applicationId !== null) this.seenCount += this.st.addSeenId.run(k.applicationId, line).changes;
    if (k.uscc !== null && k.projectName !== null) this.seenCount += this.st.addSeenProject.run(k.uscc, k.projectName, line).changes;
  }

  accept(app: ImportedApplication, src: RowSource): AcceptOutcome {
    const keys: RowKeys = { applicationId: app.applicationId, uscc: app.uscc, projectName: app.projectName };
    // Rows this import inserted are caught by the ledger's unique keys below; the
    // temporary tables hold the rest (repeats and bad rows), empty on a fresh import.
    if (this.seenCount > 0) {
      const dup = this.seenBefore(keys, src.line);
      if (dup) return dup;
    }
    const values = contentValues(app);
    const hash = hashValues(values);
    if (app.applicationId !== null) {
      if (this.tryInsert(app.applicationId, values, hash, src)) return this.inserted(app.applicationId);
      return this.conflictWithId(app, app.applicationId, values, hash, src, keys);
    }
    for (;;) {
      const id = generatedId(this.roundId, this.next);
      if (this.tryInsert(id, values, hash, src)) {
        this.next++;
        return this.inserted(id);
      }
      const existing = this.st.byProject.get(this.roundId, app.uscc, app.projectName) as KeyRow | undefined;
      if (existing) {
        if (existing.rid > this.base) return dupError('project', existing.source_line, src.line, `${app.uscc} ${app.projectName}`);
        return this.repeat(existing, values, hash, src, keys, app);
      }
      // The generated id was taken by an explicit one: try the next number.
      this.next++;
    }
  }

  /** New rows beyond the first 1,000 are linked to the event here rather than listed in it. */
  newApplicationIds(): string[] | null {
    return this.newCount <= 1000 ? this.newIds : null;
  }

  linkNewRows(event: EventRow): void {
    this.db.prepare('INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, application_id FROM applications WHERE rowid > ?').run(event.seq, this.base);
  }

  private inserted(id: string): AcceptOutcome {
    this.newCount++;
    if (this.newIds.length <= 1000) this.newIds.push(id);
    return { kind: 'new', applicationId: id };
  }

  private tryInsert(id: string, values: unknown[], hash: string, src: RowSource): boolean {
    const now = this.opts.now;
    return this.st.insert.run(id, this.roundId, ...values, src.file, src.line, src.sha256, hash, 'imported', now, now).changes === 1;
  }

  private firstLineById(id: string): number | null {
    const row = this.st.byId.get(id) as KeyRow | undefined;
    if (row && row.rid > this.base) return row.source_line;
    if (this.seenCount === 0) return null;
    const seen = this.st.seenId.get(id) as { line: number } | undefined;
    return seen?.line ?? null;
  }

  private firstLineByProject(uscc: string, project: string): number | null {
    const row = this.st.byProject.get(this.roundId, uscc, project) as KeyRow | undefined;
    if (row && row.rid > this.base) return row.source_line;
    if (this.seenCount === 0) return null;
    const seen = this.st.seenProject.get(uscc, project) as { line: number } | undefined;
    return seen?.line ?? null;
  }

  private conflictWithId(app: ImportedApplication, id: string, values: unknown[], hash: string, src: RowSource, keys: RowKeys): AcceptOutcome {
    const byId = this.st.byId.get(id) as KeyRow | undefined;
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
      if (byId.rid > this.base) return dupError('application_id', byId.source_line, src.line, id);
      const moved = byId.uscc !== app.uscc || byId.project_name !== app.projectName;
      const other = moved ? (this.st.byProject.get(this.roundId, app.uscc, app.projectName) as KeyRow | undefined) : undefined;
      if (other && other.application_id !== id) {
        if (other.rid > this.base) return dupError('project', other.source_line, src.line, `${app.uscc} ${app.projectName}`);
        return projectTaken(other.application_id, id);
      }
      return this.repeat(byId, values, hash, src, keys, app);
    }
    const byProject = this.st.byProject.get(this.roundId, app.uscc, app.projectName) as KeyRow | undefined;
    if (!byProject) throw new Error(`insert of ${id} conflicted, but no row holds its keys`);
    if (byProject.rid > this.base) return dupError('project', byProject.source_line, src.line, `${app.uscc} ${app.projectName}`);
    return projectTaken(byProject.application_id, id);
  }

  /** The file repeats an application the ledger already holds. */
  private repeat(existing: KeyRow, values: unknown[], hash: string, src: RowSource, keys: RowKeys, app: ImportedApplication): AcceptOutcome {
    const id = existing.application_id;
    // Matched by project: an earlier row may have named this id with other keys.
    if (keys.applicationId === null && this.seenCount > 0) {
      const again = this.st.seenId.get(id) as { line: number } | undefined;
      if (again) return dupError('application_id', again.line, src.line, id);
    }
    this.noteSeen({ ...keys, applicationId: id }, src.line);
    if (existing.content_hash === hash) return { kind: 'unchanged', applicationId: id };
    const row = this.st.full.get(id) as ApplicationRow;
    const changes = diffContent(applicationContent(rowToApplication(row)), applicationContent(app));
    // Same values under a different hash (an older hash formula): nothing to change.
    if (changes.length === 0) return { kind: 'unchanged', applicationId: id };
    const shown = changes.map(showChange);
    const listZh = shown.map((c) => `${c.name}（${c.values}）`).join('、');
    const listEn = shown.map((c) => `${c.name} (${c.values})`).join(', ');
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
    if (!UPDATABLE_STATES.includes(existing.state)) {
      return {
        kind: 'error',
        column: '',
        text: text(
          `申报 ${id} 处于「${existing.state}」状态，导入不能再修改它（只能修改评分前的申报）；不同的字段：${listZh}`,
          `application ${id} is in state "${existing.state}"; import can no longer change it (only before scoring); fields that differ: ${listEn}`,
        ),
      };
    }
    this.st.update.run(...values, src.file, src.line, src.sha256, hash, this.opts.now, id);
    return { kind: 'updated', applicationId: id, changes, stateBefore: existing.state };
  }
}

function dupError(by: 'application_id' | 'project', firstLine: number, line: number, what: string): AcceptOutcome {
  return by === 'application_id'
    ? {
        kind: 'error',
        column: 'application_id',
        text: text(`申报编号 ${what} 在本文件中重复出现（第一次在第 ${firstLine} 行）`, `application_id ${what} appears twice in this file (first on line ${firstLine})`),
      }
    : {
        kind: 'error',
        column: 'project_name',
        text: text(
          `同一企业的同一项目（${what}）在本文件中重复出现（第一次在第 ${firstLine} 行）`,
          `the same enterprise and project (${what}) appear twice in this file (first on line ${firstLine})`,
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

export function iterateApplications(db: Db, f: ApplicationFilter): IterableIterator<ApplicationRow> {
  const where: string[] = [];
  const args: string[] = [];
  if (f.roundId !== undefined) (where.push('round_id = ?'), args.push(f.roundId));
  if (f.category !== undefined) (where.push('category = ?'), args.push(f.category));
  if (f.district !== undefined) (where.push('district = ?'), args.push(f.district));
  if (f.state !== undefined) (where.push('state = ?'), args.push(f.state));
  const sql = `SELECT * FROM applications${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY round_id, application_id`;
  return db.prepare(sql).iterate(...args) as IterableIterator<ApplicationRow>;
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
