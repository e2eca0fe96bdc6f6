// Every fact row under the chain (issue 16; migration 010 explains the tables).
//
// Design: a digest per event over the rows it wrote. While a command runs,
// TEMP triggers (on this connection only, never stored in the ledger) note the
// key of every row inserted, changed or deleted in a fact table. Before the
// transaction commits, each noted row is hashed as it stands and an entry
// (table, key, event, hash) is added to row_seals; the newest event of the
// transaction records per table the SHA-256 of its entries in key order
// (events.sealed, part of its hash), and its hash is computed again (nothing
// refers to it before the commit). verify (verify/rows.ts) recomputes the
// digests from row_seals and each row's hash from the row itself.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';
import { binaryOrder } from './statements.js';

/** The fact tables and the columns that name a row. Derived tables are sealed too: cheaper than recomputing them in verify. */
export const SEALED_TABLES: Readonly<Record<string, readonly string[]>> = {
  rounds: ['round_id'],
  round_budgets: ['round_id', 'category'],
  applications: ['application_id'],
  application_eligibility: ['application_id'],
  prior_funding: ['id'],
  credit_listings: ['id'],
  violations: ['id'],
  accidents: ['id'],
  eligibility_decisions: ['decision_id'],
  eligibility_results: ['application_id', 'rule'],
  eligibility_checks: ['round_id'],
  scores: ['application_id', 'expert_id'],
  score_aggregates: ['application_id'],
  score_expert_stats: ['round_id', 'expert_id'],
  allocations: ['round_id', 'version'],
  allocation_lines: ['round_id', 'version', 'application_id'],
  manual_awards: ['id'],
  notices: ['notice_id'],
  notice_items: ['notice_id', 'application_id'],
  objections: ['objection_id'],
  filings: ['filing_id'],
  filed_awards: ['application_id'],
  acceptances: ['application_id'],
  payments: ['payment_id'],
  clawbacks: ['clawback_id'],
  recoveries: ['recovery_id'],
  spot_checks: ['check_id'],
  spot_check_items: ['check_id', 'application_id'],
  spot_check_findings: ['finding_id'],
};

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `json_array(p.k1, p.k2)`: a row's key as row_seals stores it. */
export const keyExpr = (table: string, prefix: string): string => `json_array(${SEALED_TABLES[table].map((k) => `${prefix}${q(k)}`).join(', ')})`;

/** `t.k1 = json_extract(d.key, '$[0]') AND …`: the row of a stored key, through the table's key index. */
export const keyMatch = (table: string, t: string, key: string): string =>
  SEALED_TABLES[table].map((k, i) => `${t}.${q(k)} = json_extract(${key}, '$[${i}]')`).join(' AND ');

// node:crypto loads only when something is hashed (`round list` starts without it).
type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;
const cryptoModule = (): Crypto => (crypto ??= process.getBuiltinModule('node:crypto') as Crypto);
export const sha256 = () => cryptoModule().createHash('sha256');

const columnsOf = new WeakMap<Db, Map<string, string[]>>();
/** `json_array(r.c1, …, r.cn)` over every column of a table: a row's canonical text, made by SQLite on both sides. */
export function rowText(db: Db, table: string, prefix: string): string {
  let known = columnsOf.get(db);
  if (!known) columnsOf.set(db, (known = new Map()));
  let cols = known.get(table);
  if (!cols) known.set(table, (cols = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]));
  return `json_array(${cols.map((c) => `${prefix}${q(c)}`).join(', ')})`;
}

/** A row's hash: the first 16 bytes of SHA-256 over its table and its canonical text (rowText), as upper-case hex (SQLite's hex()). */
export function rowHashHex(table: string, text: string): string {
  // One-shot digest as hex: Node's 'buffer' output of crypto.hash costs several times more per call, and verify hashes every row.
  return cryptoModule().hash('sha256', `${table}\u0000${text}`).slice(0, 32).toUpperCase();
}

/** rowHashHex as the bytes row_seals stores. */
export const rowHash = (table: string, text: string): Buffer => Buffer.from(rowHashHex(table, text), 'hex');

/** The same as an SQL function, jm_row_hash(table, text) → hex, so that verify compares rows in SQLite (with hex(hash)). */
export function registerRowHash(db: Db): void {
  db.function('jm_row_hash', { deterministic: true }, (t: unknown, s: unknown) => rowHashHex(String(t), String(s)));
}

/**
 * What an event's digest of one table's entries is made of, entry by entry in
 * key order; SEAL_ENTRY_SQL is the same text made by SQLite.
 */
export const entryText = (key: string, hashHex: string | null): string => `${key}\u0000${hashHex ?? '-'}\n`;
// Not coalesce(hex(hash), '-'): SQLite's hex(NULL) is '', so a deleted row's entry never matched its event's digest.
export const SEAL_ENTRY_SQL = "key || char(0) || CASE WHEN hash IS NULL THEN '-' ELSE hex(hash) END || char(10)";

const note = (t: string, row: 'NEW' | 'OLD') => `SELECT jm_note('${t}', ${keyExpr(t, `${row}.`)});`;
const insertTrigger = (t: string) => `CREATE TEMP TRIGGER IF NOT EXISTS jm_seal_${t}_i AFTER INSERT ON main.${q(t)} BEGIN ${note(t, 'NEW')} END;`;

// Per connection, the tables whose changes it notes.
const watched = new WeakMap<Db, Set<string>>();
// Per connection, the keys noted since the last flush into temp.jm_dirty, by table.
const noted = new WeakMap<Db, Map<string, Set<string>>>();

/**
 * The TEMP triggers that note changed rows: per connection, before its first write (and after a migration adds tables).
 * A trigger calls jm_note(table, key), which keeps the key in memory: a trigger's own INSERT into a table costs a
 * statement per row (and cannot be OR IGNORE: the outer statement's conflict policy would replace it). A key noted by
 * a statement or savepoint that was rolled back is harmless: sealing hashes each noted row as it stands.
 */
export function watchFactTables(db: Db): void {
  let done = watched.get(db);
  if (done?.size === Object.keys(SEALED_TABLES).length) return;
  if (!done) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS jm_dirty (tbl TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID');
    const keys = new Map<string, Set<string>>();
    noted.set(db, keys);
    db.function('jm_note', { deterministic: false }, (t: unknown, k: unknown) => {
      let set = keys.get(t as string);
      if (!set) keys.set(t as string, (set = new Set()));
      set.add(k as string);
      return null;
    });
    watched.set(db, (done = new Set()));
  }
  const have = new Set(db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  const sql: string[] = [];
  for (const t of Object.keys(SEALED_TABLES)) {
    if (!have.has(t) || done.has(t)) continue;
    done.add(t);
    sql.push(
      insertTrigger(t),
      // The old key too only when the update changed it (a JS call and a key's JSON per row saved on every state change).
      `CREATE TEMP TRIGGER IF NOT EXISTS jm_seal_${t}_u AFTER UPDATE ON main.${q(t)} BEGIN ${note(t, 'NEW')}
         SELECT jm_note('${t}', ${keyExpr(t, 'OLD.')}) WHERE NOT (${SEALED_TABLES[t].map((k) => `OLD.${q(k)} IS NEW.${q(k)}`).join(' AND ')}); END;`,
      `CREATE TEMP TRIGGER IF NOT EXISTS jm_seal_${t}_d AFTER DELETE ON main.${q(t)} BEGIN ${note(t, 'OLD')} END;`,
    );
  }
  db.exec(sql.join('\n'));
}

/**
 * Moves the keys noted in memory into temp.jm_dirty: before a transaction
 * begins (so that rows written outside one stay noted if it rolls back) and
 * when it seals.
 */
export function flushNoted(db: Db): void {
  const keys = noted.get(db);
  if (!keys?.size) return;
  const add = db.prepare("INSERT OR IGNORE INTO temp.jm_dirty (tbl, key) SELECT ?, value FROM json_each(?)");
  for (const [t, set] of keys) {
    let chunk: string[] = [];
    for (const k of set) {
      chunk.push(k);
      if (chunk.length === 50_000) {
        add.run(t, JSON.stringify(chunk));
        chunk = [];
      }
    }
    if (chunk.length) add.run(t, JSON.stringify(chunk));
  }
  keys.clear();
}

/** A transaction rolled back: the keys it noted are dropped (those flushed before it began stay). */
export function dropNoted(db: Db): void {
  noted.get(db)?.clear();
  dropBulk(db);
}

/**
 * New rows inserted in bulk: the table's insert trigger is dropped until
 * `done()`, and the new rows are sealed straight from the table, not noted key
 * by key (a trigger costs SQLite a sub-program per row, and each noted key is
 * parsed back from JSON to find its row). The new rows are `keys` (an SQL
 * SELECT of the table's key columns, by name: an import's staging table),
 * else every row above the table's largest rowid at the start, whichever
 * statement inserted it (the writer deletes none meanwhile). Inside the
 * caller's transaction: if it rolls back, the trigger is back with it. Updates
 * and deletes stay noted by their triggers; a new row noted by one is sealed
 * once, as noted. `inKeyOrder`: the caller inserts the rows found by rowid in
 * the order of their keys (allocate's lines, aggregate's rows): they are then
 * sealed in rowid order, without SQLite sorting their keys and reading each row
 * back by rowid. A hint only: rows whose keys come out of order all the same
 * are read back in key order for the digest. `hashed`: `keys` also selects
 * each row's hash (rowHashHex of the row as stored, made ahead, e.g. in the
 * import worker by storedRowHash), which is sealed as given, the row not
 * read back: a hash that is not the stored row's is found by verify.
 */
export function bulkInsert(db: Db, table: BulkTable, keys?: string, opts: { inKeyOrder?: boolean; hashed?: boolean } = {}): BulkInsert {
  if (!db.inTransaction) throw new Error('internal error: bulkInsert outside a transaction');
  watchFactTables(db);
  const base = keys === undefined ? (db.prepare(`SELECT coalesce(max(rowid), 0) FROM main.${q(table)}`).pluck().get() as number) : 0;
  db.exec(`DROP TRIGGER IF EXISTS temp.jm_seal_${table}_i`);
  let open = true;
  return {
    sealAhead(rows) {
      if (!open || keys !== undefined) return false;
      let a = aheadRows.get(db)?.get(table);
      if (!a) a = startAhead(db, table, base);
      return hashAhead(a, rows);
    },
    done() {
      if (!open) return;
      open = false;
      let pending = bulkRows.get(db);
      if (!pending) bulkRows.set(db, (pending = new Map()));
      if (keys === undefined) {
        // Two bulk inserts in one transaction: the first one's range holds the second's rows.
        const was = pending.get(table);
        // Each one's rows in key order do not make their union so.
        if (was === undefined) pending.set(table, { kind: 'rowid', base, inKeyOrder: opts.inKeyOrder === true });
        else if (was.kind === 'rowid') pending.set(table, { kind: 'rowid', base: Math.min(base, was.base), inKeyOrder: false });
      } else {
        const cols = SEALED_TABLES[table].map(q).join(', ');
        const hashed = opts.hashed === true;
        db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${bulkKeysTable(table)} (${cols}, hash TEXT, PRIMARY KEY (${cols})) WITHOUT ROWID`);
        db.prepare(`INSERT OR IGNORE INTO ${bulkKeysTable(table)} (${cols}${hashed ? ', hash' : ''}) SELECT ${cols}${hashed ? ', hash' : ''} FROM (${keys})`).run();
        // Two bulk inserts of the table in one transaction are sealed by hash only when both were hashed.
        const was = pending.get(table);
        pending.set(table, { kind: 'keys', hashed: hashed && (was === undefined || (was.kind === 'keys' && was.hashed)) });
      }
      db.exec(insertTrigger(table));
    },
  };
}

type BulkTable =
  | 'applications'
  | 'application_eligibility'
  | 'eligibility_results'
  | 'scores'
  | 'score_aggregates'
  | 'allocation_lines'
  | 'notice_items'
  | 'filed_awards'
  | SideListTable;
/** The side lists' tables (side-lists.repo.ts). */
export type SideListTable = 'prior_funding' | 'credit_listings' | 'violations' | 'accidents';

export interface BulkInsert {
  /**
   * Hashes up to `rows` of the new rows inserted so far (by rowid), ahead of
   * the seal: work for a writer that would otherwise wait (an import waiting
   * for its parser). False when none was left. Only for rows found by rowid.
   */
  sealAhead(rows: number): boolean;
  done(): void;
}

// Per connection, the rows inserted in bulk in its open transaction, by table: sealed from the table itself.
type BulkRows = { kind: 'rowid'; base: number; inKeyOrder: boolean } | { kind: 'keys'; hashed: boolean };
const bulkRows = new WeakMap<Db, Map<string, BulkRows>>();
const bulkKeysTable = (table: string) => `temp.${q(`jm_bulk_${table}`)}`;

// Per connection and table, the new rows hashed ahead of the seal: those of rowid base < rowid <= upTo are in aheadTable.
interface Ahead {
  base: number;
  upTo: number;
  top: Statement;
  hashRange: Statement;
}
const aheadRows = new WeakMap<Db, Map<string, Ahead>>();
const aheadTable = (table: string) => `temp.${q(`jm_ahead_${table}`)}`;

/** The rows of `table` (as `n`) with rowid, key and hash, for aheadTable: a WHERE clause follows. */
const hashedRows = (db: Db, table: string): string =>
  `SELECT n.rowid, ${keyExpr(table, 'n.')}, jm_row_hash('${table}', ${rowText(db, table, 'n.')}) FROM main.${q(table)} n`;

function startAhead(db: Db, table: string, base: number): Ahead {
  let m = aheadRows.get(db);
  if (!m) aheadRows.set(db, (m = new Map()));
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${aheadTable(table)} (rid INTEGER PRIMARY KEY, k TEXT NOT NULL, hash TEXT NOT NULL)`);
  registerRowHash(db);
  const a: Ahead = {
    base,
    upTo: base,
    top: db.prepare(`SELECT coalesce(max(rowid), 0) FROM main.${q(table)}`).pluck(),
    hashRange: db.prepare(`INSERT OR REPLACE INTO ${aheadTable(table)} (rid, k, hash) ${hashedRows(db, table)} WHERE n.rowid > ? AND n.rowid <= ?`),
  };
  m.set(table, a);
  return a;
}

/** Hashes the new rows of rowid upTo < rowid <= upTo + rows (as jm_row_hash, which verify uses) into aheadTable. */
function hashAhead(a: Ahead, rows: number): boolean {
  const top = a.top.get() as number;
  if (top <= a.upTo) return false;
  const to = Math.min(top, a.upTo + rows);
  a.hashRange.run(a.upTo, to);
  a.upTo = to;
  return true;
}

/**
 * Before the seal reads the hashes made ahead: the rows not hashed yet are
 * hashed, and a hash whose rowid now holds another key (a row deleted, its
 * rowid used again) is made again. A row changed or deleted since its hash was
 * made is noted by its trigger and sealed as noted; REPLACE into a fact table,
 * which fires no delete trigger, jmfund never uses.
 */
function completeAhead(db: Db, table: string, base: number): void {
  const a = aheadRows.get(db)?.get(table);
  if (!a) return;
  const t = aheadTable(table);
  db.prepare(`DELETE FROM ${t} WHERE rid <= ? OR NOT EXISTS (SELECT 1 FROM main.${q(table)} n WHERE n.rowid = rid AND ${keyExpr(table, 'n.')} = k)`).run(base);
  hashAhead(a, Number.MAX_SAFE_INTEGER);
  db.prepare(`INSERT INTO ${t} (rid, k, hash) ${hashedRows(db, table)} WHERE n.rowid > ? AND n.rowid <= ? AND n.rowid NOT IN (SELECT rid FROM ${t})`).run(base, a.upTo);
}

/**
 * The new rows of a bulk insert as `k` (keyExpr) and `txt` (rowText), or, if
 * they were hashed ahead, `k` and `hash` (hex), in key order (sorted as keys
 * only, then each row read by its key); null when there are none.
 */
function bulkSource(db: Db, table: string, dirty: boolean): { sql: string; hashed: boolean } | null {
  const b = bulkRows.get(db)?.get(table);
  if (!b) return null;
  // A row also noted by a trigger (changed or deleted after its insert) is sealed as noted.
  const notNoted = (k: string) => (dirty ? ` AND NOT EXISTS (SELECT 1 FROM temp.jm_dirty d WHERE d.tbl = '${table}' AND d.key = ${k})` : '');
  if (b.kind === 'rowid' && aheadRows.get(db)?.has(table)) {
    completeAhead(db, table, b.base);
    return { sql: `SELECT a.k AS k, a.hash AS hash FROM ${aheadTable(table)} a WHERE 1${notNoted('a.k')} ORDER BY 1`, hashed: true };
  }
  if (b.kind === 'keys' && b.hashed) {
    const k = keyExpr(table, 'n.');
    return { sql: `SELECT ${k} AS k, n.hash AS hash FROM ${bulkKeysTable(table)} n WHERE 1${notNoted(k)} ORDER BY 1`, hashed: true };
  }
  return { sql: unhashedSource(db, table, b, notNoted), hashed: false };
}

function unhashedSource(db: Db, table: string, b: BulkRows, notNoted: (k: string) => string): string {
  const cols = SEALED_TABLES[table];
  const txt = rowText(db, table, 'r.');
  if (b.kind === 'rowid' && b.inKeyOrder) {
    const k = keyExpr(table, 'r.');
    return `SELECT ${k} AS k, ${txt} AS txt FROM main.${q(table)} r WHERE r.rowid > ${b.base}${notNoted(k)} ORDER BY r.rowid`;
  }
  if (b.kind === 'rowid') {
    const k = keyExpr(table, 'n.');
    return `SELECT b.k AS k, ${txt} AS txt FROM (SELECT ${k} AS k, n.rowid AS rid FROM main.${q(table)} n WHERE n.rowid > ${b.base}${notNoted(k)} ORDER BY 1) b
      JOIN main.${q(table)} r ON r.rowid = b.rid`;
  }
  const k = keyExpr(table, 'n.');
  return `SELECT b.k AS k, ${txt} AS txt FROM (SELECT ${k} AS k, ${cols.map((c) => `n.${q(c)}`).join(', ')} FROM ${bulkKeysTable(table)} n WHERE 1${notNoted(k)} ORDER BY 1) b
      JOIN main.${q(table)} r ON ${cols.map((c) => `r.${q(c)} = b.${q(c)}`).join(' AND ')}`;
}

/** The transaction is over (sealed or rolled back): its bulk rows are forgotten. */
function dropBulk(db: Db): void {
  const ahead = aheadRows.get(db);
  if (ahead?.size) {
    // Rolled back, the temporary table's rows went with the transaction.
    for (const t of ahead.keys()) if (db.inTransaction) db.exec(`DELETE FROM ${aheadTable(t)}`);
    ahead.clear();
  }
  const pending = bulkRows.get(db);
  if (!pending?.size) return;
  for (const [t, b] of pending) if (b.kind === 'keys' && db.inTransaction) db.exec(`DELETE FROM ${bulkKeysTable(t)}`);
  pending.clear();
}

/** Notes every row of every fact table (or of `tables`), for the baseline seal of a ledger made before row seals. */
export function noteAllRows(db: Db, tables: readonly string[] = Object.keys(SEALED_TABLES)): number {
  watchFactTables(db);
  const have = new Set(db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  let n = 0;
  for (const t of tables) {
    if (have.has(t)) n += db.prepare(`INSERT OR IGNORE INTO temp.jm_dirty (tbl, key) SELECT '${t}', ${keyExpr(t, '')} FROM main.${q(t)}`).run().changes;
  }
  return n;
}

// The table whose entries sealNoted is writing, and the running digest jm_seal_entry adds to.
interface Entries {
  table: string;
  digest: ReturnType<typeof sha256>;
  last: string | null;
  ordered: boolean;
}
let entries: Entries | null = null;

/** Who hears how far sealing has got (a command's progress bar): rows sealed of all, then the end. */
export interface SealListener {
  tick(done: number, total: number): void;
  end(): void;
}
const sealListeners = new WeakMap<Db, SealListener>();
/** The listener of this connection's seals (the last one given; null: none). */
export function onSealProgress(db: Db, listener: SealListener | null): void {
  if (listener) sealListeners.set(db, listener);
  else sealListeners.delete(db);
}
// The seal under way that a listener hears: rows sealed so far, of how many.
let sealCount: { done: number; total: number; listener: SealListener } | null = null;
/** Rows sealed between two ticks. */
const SEAL_TICK = 4096;
const sealEntryReady = new WeakSet<Db>();

/** jm_seal_entry(key, text or NULL): the row's hash (hex, NULL for a deleted row), added to the digest of the table's entries. */
function registerSealEntry(db: Db): void {
  if (sealEntryReady.has(db)) return;
  sealEntryReady.add(db);
  const add = (k: string, hex: string | null): string | null => {
    if (!entries) throw new Error('internal error: a row seal outside sealNoted');
    // SQLite's order (UTF-8), not JavaScript's: a digest made in the wrong order would be a false alarm in verify.
    if (entries.last !== null && binaryOrder(k, entries.last) < 0) entries.ordered = false;
    entries.last = k;
    entries.digest.update(entryText(k, hex));
    if (sealCount && ++sealCount.done % SEAL_TICK === 0) sealCount.listener.tick(sealCount.done, sealCount.total);
    return hex;
  };
  db.function('jm_seal_entry', { deterministic: false }, (key: unknown, rowText: unknown) => {
    if (!entries) throw new Error('internal error: jm_seal_entry outside sealNoted');
    return add(String(key), rowText === null ? null : rowHashHex(entries.table, String(rowText)));
  });
  // The same for a row hashed ahead (bulkInsert's sealAhead).
  db.function('jm_seal_hashed', { deterministic: false }, (key: unknown, hex: unknown) => add(String(key), String(hex)));
}

/**
 * Seals the noted rows to event `seq`: adds their entries to row_seals and
 * returns, per table, the digest of the entries (null when nothing was noted).
 */
export function sealNoted(db: Db, seq: number): Record<string, string> | null {
  if (!watched.has(db)) return null;
  flushNoted(db);
  const dirty = new Set(db.prepare('SELECT DISTINCT tbl FROM temp.jm_dirty').pluck().all() as string[]);
  const tables = [...new Set([...dirty, ...(bulkRows.get(db)?.keys() ?? [])])].sort();
  if (!tables.length) return null;
  registerSealEntry(db);
  const listener = sealListeners.get(db);
  sealCount = listener ? { done: 0, total: rowsToSeal(db, tables), listener } : null;
  try {
    return sealTables(db, seq, tables, dirty);
  } finally {
    sealCount = null;
    listener?.end();
  }
}

/**
 * About how many rows sealNoted will seal (for a progress bar): the noted keys, and the rows inserted in bulk
 * (by their rowids' range: counting 10^5 wide rows would read them all).
 */
function rowsToSeal(db: Db, tables: readonly string[]): number {
  let n = db.prepare('SELECT count(*) FROM temp.jm_dirty').pluck().get() as number;
  for (const t of tables) {
    const b = bulkRows.get(db)?.get(t);
    if (!b) continue;
    n += db.prepare(b.kind === 'rowid' ? `SELECT coalesce(max(rowid), ${b.base}) - ${b.base} FROM main.${q(t)}` : `SELECT count(*) FROM ${bulkKeysTable(t)}`).pluck().get() as number;
  }
  return n;
}

function sealTables(db: Db, seq: number, tables: readonly string[], dirty: ReadonlySet<string>): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const first = SEALED_TABLES[t][0];
    // SQLite reads each noted row in key order (jm_dirty's key) and each row inserted in bulk, and writes
    // its entry; jm_seal_entry hashes it and adds the entry to the digest on the way.
    const acc: Entries = { table: t, digest: sha256(), last: null, ordered: true };
    entries = acc;
    try {
      const seal = (entry: string, from: string) => db.prepare(`INSERT INTO row_seals (tbl, key, seq, hash) SELECT '${t}', k, ?, unhex(${entry}) FROM (${from})`).run(seq);
      const noted = dirty.has(t)
        ? `SELECT d.key AS k, CASE WHEN r.${q(first)} IS NULL THEN NULL ELSE ${rowText(db, t, 'r.')} END AS txt
             FROM temp.jm_dirty d LEFT JOIN main.${q(t)} r ON ${keyMatch(t, 'r', 'd.key')} WHERE d.tbl = '${t}'`
        : null;
      const bulk = bulkSource(db, t, noted !== null);
      if (noted !== null && bulk && !bulk.hashed) {
        // Rows of both kinds (a check moving most of a round to eligible by one statement, and a few one by one):
        // one pass in key order, so that the digest is made on the way, not read back.
        seal('jm_seal_entry(k, txt)', `SELECT k, txt FROM (${noted}) UNION ALL SELECT k, txt FROM (${bulk.sql}) ORDER BY k`);
      } else {
        if (noted !== null) seal('jm_seal_entry(k, txt)', `${noted} ORDER BY k`);
        if (bulk) seal(bulk.hashed ? 'jm_seal_hashed(k, hash)' : 'jm_seal_entry(k, txt)', bulk.sql);
      }
    } finally {
      entries = null;
    }
    // A bulk insert that added no row (a plan without lines, a file whose rows are all there) leaves no entry: nothing to record.
    if (acc.last === null) continue;
    // Noted and bulk rows interleaved in key order (or SQLite read them otherwise): the digest is read back in key order.
    out[t] = acc.ordered ? acc.digest.digest('hex') : entriesDigest(db, t, seq);
  }
  db.exec('DELETE FROM temp.jm_dirty');
  dropBulk(db);
  return Object.keys(out).length ? out : null;
}

/** The digest of one event's entries of a table, read back in key order (when the write did not go in key order). */
function entriesDigest(db: Db, t: string, seq: number): string {
  const digest = sha256();
  for (const e of db.prepare(`SELECT ${SEAL_ENTRY_SQL} FROM row_seals WHERE tbl = ? AND seq = ? ORDER BY key`).pluck().iterate(t, seq) as IterableIterator<string>) digest.update(e);
  return digest.digest('hex');
}
