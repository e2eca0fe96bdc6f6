// Opening the ledger: pragmas, schema version, migrations (SPEC §13).
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, readdirSync, readFileSync, chmodSync, closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { appendEvent, chainHead, forgetTransaction, sealTransaction } from './events.js';
import { flushNoted, noteAllRows, onSealProgress, watchFactTables, type SealListener } from './seals.js';

export type Db = Database.Database;

// The native module loads when a ledger is opened, not for `--help`.
const require = createRequire(import.meta.url);
const sqlite = (): typeof Database => require('better-sqlite3') as typeof Database;
// The addon by its path: better-sqlite3's own lookup (the `bindings` package)
// loads two more packages and probes several paths first.
let addon: string | null | undefined;
function binding(): { nativeBinding?: string } {
  if (addon === undefined) {
    try {
      addon = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      addon = null;
    }
  }
  return addon ? { nativeBinding: addon } : {};
}

/** The page size of a ledger made by `init` (a ledger made before keeps its own). */
export const LEDGER_PAGE_SIZE = 16_384;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Migration {
  version: number;
  name: string;
}

// Only the names are read on every open; the SQL only when a migration runs.
function migrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-.*\.sql$/.test(f))
    .sort()
    .map((f, i) => {
      const version = Number(f.slice(0, 3));
      if (version !== i + 1) throw new Error(`migration ${f} is out of sequence`);
      return { version, name: f };
    });
}

export function schemaVersion(): number {
  return migrations().length;
}

/** How long a command waits for another officer's command to finish. */
export const BUSY_TIMEOUT_MS = Number(process.env.JMFUND_BUSY_TIMEOUT_MS ?? 5000);

function pragmas(db: Db): void {
  // Rollback journal, not WAL: once a command has exited, the .db file alone
  // holds every committed change (no -wal beside it).
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // 64 MiB page cache: a 1,000,000-row import is one transaction.
  db.pragma('cache_size = -65536');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** Creates a new ledger; refuses to touch an existing file. */
export function createLedger(path: string): Db {
  if (existsSync(path)) {
    throw new UserError(
      text(`账本 ${path} 已存在，不会覆盖。`, `ledger ${path} already exists; it will not be overwritten.`),
      2,
      text('换一个 --db 路径，或直接使用现有账本。', 'choose another --db path, or use the existing ledger.'),
    );
  }
  closeSync(openSync(path, 'wx', 0o600));
  chmodSync(path, 0o600);
  const db = new (sqlite())(path, binding());
  // Pages of 16 KiB, not SQLite's 4 KiB: a round of 10^5 applications writes and reads its rows, indexes and row
  // seals in a quarter as many pages (bench/README.md). Only before anything else: auto_vacuum fixes the page size.
  db.pragma(`page_size = ${LEDGER_PAGE_SIZE}`);
  // Free pages go back to the file's end at every commit (moved and truncated): a failed command's transaction,
  // rolled back, then leaves the file byte for byte as it was. SQLite does not journal a free page it reuses
  // (its old content does not matter to the database), so a rolled-back transaction large enough to spill its
  // pages would leave its own bytes in the pages that were free. Set before the first table is made.
  db.pragma('auto_vacuum = FULL');
  pragmas(db);
  migrate(db, path, false);
  // Rows written on this connection are noted from the start, also outside inTransaction (tests, the seed scripts).
  watchFactTables(db);
  return db;
}

/** A ledger brought up to this release's structure as it is opened: from and to which version, and the copy of it as it was. */
export interface LedgerUpgrade {
  from: number;
  to: number;
  backup: string;
}

/**
 * `onUpgrade`: told before a migration runs (a large ledger takes seconds: every row a migration rewrites is sealed
 * again); what it returns hears how far that sealing has got (a progress bar).
 */
export type UpgradeListener = (u: LedgerUpgrade) => SealListener | void;

/**
 * `readonly`: not migrated. `readOnlyFile`: besides, the file is opened read-only (SQLITE_OPEN_READONLY), for a
 * connection that only checks a ledger another has already opened (a worker thread; a backup's copy): SQLite's
 * integrity and quick checks run markedly slower on a connection that could write (bench/README.md, notes on the whole round).
 */
export function openLedger(path: string, opts: { readonly?: boolean; readOnlyFile?: boolean; onUpgrade?: UpgradeListener } = {}): Db {
  if (!existsSync(path)) {
    throw new UserError(
      text(`找不到账本 ${path}。`, `no ledger at ${path}.`),
      2,
      text('先运行 `jmfund init`，或用 --db / JMFUND_DB 指定账本。', 'run `jmfund init` first, or name the ledger with --db or JMFUND_DB.'),
    );
  }
  let db: Db;
  try {
    db = new (sqlite())(path, { fileMustExist: true, readonly: opts.readOnlyFile === true, ...binding() });
    pragmas(db);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    if (busyOr(e) !== e) throw ledgerBusy();
    throw new UserError(text(`${path} 不是可用的 jmfund 账本：${(e as Error).message}`, `${path} is not a usable jmfund ledger: ${(e as Error).message}`), 2);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  const known = schemaVersion();
  if (version > known) {
    db.close();
    throw new UserError(
      text(`账本 ${path} 由更新版本的 jmfund 创建（结构版本 ${version}，本程序支持 ${known}）。`, `ledger ${path} was made by a newer jmfund (schema ${version}; this one knows ${known}).`),
      2,
      text('请升级 jmfund。', 'upgrade jmfund to use it.'),
    );
  }
  if (version === 0) {
    db.close();
    throw new UserError(text(`${path} 不是 jmfund 账本。`, `${path} is not a jmfund ledger.`), 2);
  }
  if (version < known && !opts.readonly) migrate(db, path, true, opts.onUpgrade);
  return db;
}

function migrate(db: Db, path: string, backupFirst: boolean, onUpgrade?: UpgradeListener): void {
  const from = db.pragma('user_version', { simple: true }) as number;
  const todo = migrations().filter((m) => m.version > from);
  if (todo.length === 0) return;
  if (backupFirst) {
    const backup = `${path}.v${from}.bak`;
    const listener = onUpgrade?.({ from, to: todo[todo.length - 1].version, backup });
    if (listener) onSealProgress(db, listener);
    if (!existsSync(backup)) {
      copyFileSync(path, backup);
      chmodSync(backup, 0o600);
    }
  }
  try {
    db.transaction(() => {
      for (const m of todo) db.exec(readFileSync(join(MIGRATIONS_DIR, m.name), 'utf8'));
      db.pragma(`user_version = ${todo[todo.length - 1].version}`);
      if (from > 0 && from < ROW_SEALS_VERSION) sealBaseline(db, from);
      else if (from > 0 && from < ELIGIBILITY_TABLE_VERSION) sealBaseline(db, from, ['applications', 'application_eligibility']);
    }).immediate();
  } finally {
    // The command's own seals are heard by whoever it says, not by the upgrade's bar.
    onSealProgress(db, null);
  }
}

/** The migration that brought row seals (010-row-seals.sql). */
const ROW_SEALS_VERSION = 10;
/** The migration that moved eligibility out of applications (012-eligibility-table.sql): every application row changed. */
const ELIGIBILITY_TABLE_VERSION = 12;

/**
 * A ledger made before row seals: every row it holds is sealed by one event,
 * so that from now on any change behind jmfund's back is seen (`tables`: only
 * the rows of these, which a migration rewrote). Dated as the newest event (a
 * migration is not an officer's act, and must not move the clock).
 */
function sealBaseline(db: Db, from: number, tables?: readonly string[]): void {
  const head = chainHead(db);
  if (head.at === null) return;
  const rows = noteAllRows(db, tables);
  appendEvent(db, { at: head.at, officer: 'jmfund', command: 'ledger seal', details: { from_schema: from, to_schema: schemaVersion(), rows } });
  sealTransaction(db);
}

export interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const expected = new Map<number, Map<string, SchemaObject>>();

/**
 * The schema objects (tables, indexes, triggers) exactly as migrations 1..version
 * create them, by their name: made once per process in an empty in-memory database.
 */
export function expectedSchema(version: number): Map<string, SchemaObject> {
  let s = expected.get(version);
  if (s) return s;
  const db = new (sqlite())(':memory:', binding());
  try {
    for (const m of migrations().filter((x) => x.version <= version)) db.exec(readFileSync(join(MIGRATIONS_DIR, m.name), 'utf8'));
    s = new Map((db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaObject[]).map((o) => [o.name, o]));
  } finally {
    db.close();
  }
  expected.set(version, s);
  return s;
}

/** Runs fn in one IMMEDIATE transaction: the whole command lands or nothing does. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  // A nested call is part of the outer transaction, whose commit seals the rows.
  const outer = !db.inTransaction;
  if (outer) {
    watchFactTables(db);
    flushNoted(db);
  }
  try {
    return db
      .transaction(() => {
        const r = fn();
        if (outer) sealTransaction(db);
        return r;
      })
      .immediate();
  } catch (e) {
    if (outer) forgetTransaction(db);
    throw busyOr(e);
  }
}

/**
 * Runs `fn` inside a transaction that is always rolled back: what a command
 * would do, computed by the command itself, to show before it asks (the
 * operation's own transactions nest as savepoints). Nothing is written.
 */
export async function rehearse<T>(db: Db, fn: () => T | Promise<T>): Promise<T> {
  const tx = beginTransaction(db);
  try {
    return await fn();
  } finally {
    tx.rollback();
  }
}

/** One IMMEDIATE transaction held open across awaits; commit or roll back exactly once. */
export interface Transaction {
  commit(): void;
  rollback(): void;
}

/**
 * Runs `read` (which may await) under one read transaction: SQLite's shared
 * lock is taken at once and held to the end, so no writer commits meanwhile
 * and every read, those of worker threads on their own connections included,
 * sees the ledger in one state (a writer waits, and after its busy timeout says
 * the ledger is busy, having changed nothing). Inside a transaction already, it
 * just runs.
 */
export async function inReadSnapshot<T>(db: Db, read: () => Promise<T>): Promise<T> {
  if (db.inTransaction) return read();
  beginRead(db);
  try {
    return await read();
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

/** inReadSnapshot for work that does not await: what `status`, `applications show` and `log` read in several statements. */
export function inReadSnapshotSync<T>(db: Db, read: () => T): T {
  if (db.inTransaction) return read();
  beginRead(db);
  try {
    return read();
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

function beginRead(db: Db): void {
  db.exec('BEGIN');
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    const busy = busyOr(e);
    if (busy !== e) {
      db.exec('ROLLBACK');
      throw busy;
    }
    // A damaged file: the work's own reads meet it (verify reports it as a finding), and the first that succeeds takes the lock.
  }
}

/**
 * BEGIN IMMEDIATE now, for work that awaits between its writes (an import
 * reads its file asynchronously, perhaps from a worker thread), which
 * better-sqlite3's synchronous db.transaction cannot wrap. The connection is
 * the only one in the process, so nothing else runs inside it.
 */
export function beginTransaction(db: Db): Transaction {
  watchFactTables(db);
  if (!db.inTransaction) flushNoted(db);
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    throw busyOr(e);
  }
  let open = true;
  const rollback = (): void => {
    if (open && db.inTransaction) db.exec('ROLLBACK');
    forgetTransaction(db);
    open = false;
  };
  return {
    commit: () => {
      if (!open) return;
      try {
        sealTransaction(db);
        db.exec('COMMIT');
        open = false;
      } catch (e) {
        rollback();
        throw busyOr(e);
      }
    },
    rollback,
  };
}

function busyOr(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? ledgerBusy() : e;
}

export function ledgerBusy(): UserError {
  return new UserError(
    text('账本正被另一个 jmfund 命令使用，请稍后再试。本命令未作任何更改。', 'ledger busy: another jmfund command is writing it; try again. Nothing was changed.'),
    2,
  );
}
