// Shared test helpers: a temporary folder, a real ledger file, and the built
// binary run as an officer would run it.
import Database from 'better-sqlite3';
import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { join, resolve } from 'node:path';
import { createLedger, type Db } from '../src/ledger/open.js';
import { insertRound } from '../src/ledger/rounds.repo.js';
import { loadPolicy } from '../src/io/policies.js';
import { tempDir } from './temp.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'jmfund.js');
export const FIXTURES = join(ROOT, 'fixtures');

/** How long a test's child process may run before it is killed. */
const CHILD_LIMIT_MS = 300_000;

/**
 * spawnSync with a limit: vitest cannot time out a test blocked in synchronous
 * code, so a child that never ends (a timer left alive, say) would hold the
 * whole suite until CI gives up. Killed at the limit, it throws, naming it.
 */
export function runChild(file: string, args: readonly string[], opts: SpawnSyncOptionsWithStringEncoding, limitMs = CHILD_LIMIT_MS): SpawnSyncReturns<string> {
  // maxBuffer: Node's 1 MiB would kill a command printing a large table (allocate of 20,000 lines).
  const r = spawnSync(file, args, { timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, ...opts });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    const shown = [file, ...args].map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a)).join(' ');
    throw new Error(`still running after ${limitMs / 1000} s, killed: ${shown}\n${(r.stderr ?? '').slice(-2000)}`);
  }
  return r;
}

export { tempDir };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = unknown>(): T;
}

/** Runs bin/jmfund with NO_COLOR, English messages and a fixed officer unless env overrides. */
export function runCli(args: string[], opts: { db?: string; env?: Record<string, string>; cwd?: string; input?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    JMFUND_LANG: 'en',
    JMFUND_OFFICER: 'test-officer',
    ...(opts.db ? { JMFUND_DB: opts.db } : {}),
    ...opts.env,
  };
  const r = runChild(process.execPath, [BIN, ...args], { env, cwd: opts.cwd ?? ROOT, encoding: 'utf8', input: opts.input ?? '' });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json<T>() {
      return JSON.parse(r.stdout) as T;
    },
  };
}

/** A new ledger file in a temp folder, with one round under the default policy. */
export function ledgerWithRound(roundId = 'R1', budgets: Record<string, number> = {}, dates = { opensOn: '2022-03-01', closesOn: '2022-04-30' }): { db: Db; path: string; dir: string } {
  const dir = tempDir();
  const path = join(dir, 'ledger.db');
  const db = createLedger(path);
  const { policy, hash } = loadPolicy();
  insertRound(db, {
    roundId,
    ...dates,
    policyId: policy.id,
    policyHash: hash,
    policy,
    createdAt: '2022-03-01T00:00:00.000Z',
    createdBy: 'test',
    budgets,
  });
  return { db, path, dir };
}

/**
 * Another connection to the ledger at `path` (as another jmfund process would open it, not waiting for a lock), and a
 * Progress that, at its first tick, has it try to commit a change: `refused` gets the error code if it could not.
 */
export function writerDuring(path: string) {
  const other = new Database(path, { timeout: 0 });
  const write = () => other.prepare("UPDATE rounds SET closes_on = closes_on WHERE round_id = 'R1'").run();
  const refused: string[] = [];
  const state = { tried: false };
  const progress = {
    phase: () => undefined,
    tick: () => {
      if (state.tried) return;
      state.tried = true;
      try {
        write();
      } catch (e) {
        refused.push((e as { code?: string }).code ?? String(e));
      }
    },
    done: () => undefined,
  };
  return { progress, refused, state, write, close: () => other.close() };
}

/** What a run of importing commands told and left in the ledger (importBothWays). */
export interface ImportRun<T> {
  told: { code: number; stdout: string; stderr: string }[];
  /** The rejects file (REJECTS in the commands), '' when none was written. */
  rejects: string;
  seals: unknown[][];
  events: unknown[][];
  rows: T;
}

/**
 * The same commands on a new ledger each (`ledger()` makes it), once with the
 * import worker forced on and once off: each command's exit code and output
 * (its rejects file, REJECTS in `commands`, named REJECTS in them), a file
 * refused whole leaving the ledger byte for byte as it was, verify passing
 * after them, the row seals, the events, and what `rows` reads.
 */
export function importBothWays<T>(
  ledger: () => string,
  commands: readonly string[][],
  rejectsDir: string,
  env: Record<string, string>,
  rows: (all: (sql: string) => unknown[][]) => T,
): [ImportRun<T>, ImportRun<T>] {
  const [w, m] = (['always', 'never'] as const).map((mode): ImportRun<T> => {
    const path = ledger();
    const rejects = join(rejectsDir, `rejects-${mode}.csv`);
    const told = commands.map((argv) => {
      const before = readFileSync(path);
      const r = runCli(argv.map((a) => (a === 'REJECTS' ? rejects : a)), { db: path, env: { ...env, JMFUND_IMPORT_WORKER: mode } });
      if (r.code !== 0 && !argv.includes('--skip-invalid')) expect(readFileSync(path).equals(before), `${mode}: ${argv.join(' ')}`).toBe(true);
      return { code: r.code, stdout: r.stdout.replaceAll(rejects, 'REJECTS'), stderr: r.stderr.replaceAll(rejects, 'REJECTS') };
    });
    const v = runCli(['verify'], { db: path });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const db = new Database(path, { readonly: true });
    try {
      const all = (sql: string) => db.prepare(sql).raw().all() as unknown[][];
      return {
        told,
        rejects: existsSync(rejects) ? readFileSync(rejects, 'utf8') : '',
        seals: all('SELECT tbl, key, seq, hex(hash) FROM row_seals ORDER BY tbl, key, seq'),
        events: all('SELECT details, sealed, hash FROM events ORDER BY seq'),
        rows: rows(all),
      };
    } finally {
      db.close();
    }
  });
  return [w, m];
}
