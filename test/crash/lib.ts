// Helpers of the crash and concurrency tests: a canonical dump of a ledger,
// the built binary run asynchronously (so that it can be killed or raced),
// a seeded random generator, and a scored round built through the real CLI.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runChild } from '../helpers.js';
import { writeApplicationsCsv, writeScoresCsv } from '../../bench/lib/generate.mjs';

export const ROUND = 'R1';
/** "Today" for every command, so that a command run twice writes the same rows (instants, hashes). */
export const NOW = '2022-06-01T00:00:00.000Z';

export { writeApplicationsCsv as generateApplications, writeScoresCsv as generateScores };

export function cliEnv(db: string, more: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, NO_COLOR: '1', JMFUND_LANG: 'en', JMFUND_OFFICER: 'crash-test', JMFUND_NOW: NOW, JMFUND_DB: db, ...more };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs jmfund to the end (synchronously); throws unless the exit code is one of `ok`. */
export function jm(db: string, args: string[], ok: number[] = [0], env: Record<string, string> = {}): Run {
  const t0 = performance.now();
  const r = runChild(process.execPath, [BIN, ...args], { env: cliEnv(db, env), encoding: 'utf8' });
  const run = { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
  if (!ok.includes(r.status ?? -1)) throw new Error(`jmfund ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stderr.slice(-3000)}`);
  return run;
}

/** As jm, without blocking the event loop (tests that run side by side). */
export async function jmAsync(db: string, args: string[], ok: number[] = [0], env: Record<string, string> = {}): Promise<Run> {
  const r = await start(db, args, { env }).done;
  if (!ok.includes(r.code ?? -1)) throw new Error(`jmfund ${args.join(' ')} exited ${r.code ?? r.signal}\n${r.stderr.slice(-3000)}`);
  return r;
}

export interface Started {
  /** Resolves when the process has exited. */
  done: Promise<Run>;
  kill(): void;
  pid: number | undefined;
}

/** Starts jmfund without waiting; `killAfterMs` sends SIGKILL that long after the spawn. */
export function start(db: string, args: string[], opts: { env?: Record<string, string>; killAfterMs?: number } = {}): Started {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(db, opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Output is kept for messages; a command's long stdout is cut at 1 MiB.
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    if (stdout.length < 1 << 20) stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = opts.killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
  const done = (async () => {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    if (timer) clearTimeout(timer);
    return { code, signal, stdout, stderr, ms: performance.now() - t0 };
  })();
  return { done, kill: () => child.kill('SIGKILL'), pid: child.pid };
}

// ---------------------------------------------------------------------------
// Canonical dump

export interface LedgerDump {
  /** SHA-256 over the schema, user_version and every row of every table in primary-key order. */
  hash: string;
  counts: Record<string, number>;
}

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * Every table's rows (rowid included where there is one) ordered by primary
 * key, plus sqlite_master and user_version; nothing left out. Opened read-only:
 * a hot journal must have been rolled back first (by `jmfund verify`).
 */
export function dumpLedger(path: string): LedgerDump {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const h = createHash('sha256');
    const counts: Record<string, number> = {};
    h.update(`user_version ${String(db.pragma('user_version', { simple: true }))}\n`);
    const master = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').raw().all();
    h.update(`${JSON.stringify(master)}\n`);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string | null }[];
    for (const t of tables) {
      const cols = db.pragma(`table_info(${ident(t.name)})`) as { name: string; pk: number }[];
      const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => ident(c.name));
      const withoutRowid = /WITHOUT\s+ROWID/i.test(t.sql ?? '');
      const order = pk.length > 0 ? pk.join(', ') : withoutRowid ? cols.map((c) => ident(c.name)).join(', ') : 'rowid';
      const sql = `SELECT ${withoutRowid ? '' : 'rowid AS __rowid, '}* FROM ${ident(t.name)} ORDER BY ${order}`;
      h.update(`table ${t.name}\n`);
      let n = 0;
      for (const row of db.prepare(sql).raw().iterate()) {
        h.update(JSON.stringify(row));
        h.update('\n');
        n++;
      }
      counts[t.name] = n;
    }
    return { hash: h.digest('hex'), counts };
  } finally {
    db.close();
  }
}

/** The tables whose row counts differ: for a readable failure message. */
export function countDiff(a: LedgerDump, b: LedgerDump): string {
  const names = [...new Set([...Object.keys(a.counts), ...Object.keys(b.counts)])].sort();
  return names.filter((n) => a.counts[n] !== b.counts[n]).map((n) => `${n}: ${a.counts[n] ?? '—'} vs ${b.counts[n] ?? '—'}`).join(', ') || 'same row counts, different content';
}

export function eventCount(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

const KILL_RUNNER = join(import.meta.dirname, 'kill-runner.mjs');

/**
 * Runs jmfund and kills it with SIGKILL, either `killAfterMs` after the spawn
 * or the moment its rollback journal turns hot (pages are being written to
 * the ledger file: the commit, or a large transaction's cache spill; the
 * worst moment to die). The kill comes from a small process of its own
 * (kill-runner.mjs), so its timing does not depend on this process's event
 * loop. `hot` says whether the journal was seen hot.
 */
export async function runAndKill(db: string, args: string[], how: { killAfterMs: number } | { whenHot: true; limitMs: number }, env: Record<string, string> = {}): Promise<Run & { hot: boolean }> {
  const cfg = {
    argv: [process.execPath, BIN, ...args],
    env: cliEnv(db, env),
    ...('whenHot' in how ? { hotJournal: journalOf(db), limitMs: how.limitMs } : { killAfterMs: how.killAfterMs }),
  };
  const child = spawn(process.execPath, [KILL_RUNNER, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`kill-runner exited ${code}`);
  const r = JSON.parse(out) as { code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string; hot: boolean };
  return { code: r.code, signal: r.signal, ms: r.ms, stderr: r.stderr, stdout: '', hot: r.hot };
}

/** A fresh copy of a ledger file (and no journal beside it). */
export function copyLedger(from: string, to: string): string {
  rmSync(`${to}-journal`, { force: true });
  copyFileSync(from, to);
  return to;
}

export const journalOf = (db: string): string => `${db}-journal`;

/**
 * The rollback journal beside a ledger: none; cold (empty, or its header
 * zeroed: SQLite ignores it, and the next write transaction reuses it); or
 * hot (a transaction was cut short: the next connection rolls it back).
 */
export function journalState(db: string): 'none' | 'cold' | 'hot' {
  let fd: number;
  try {
    fd = openSync(journalOf(db), 'r');
  } catch {
    return 'none';
  }
  try {
    // SQLite calls a journal hot when its first byte is not zero (pager.c,
    // hasHotJournal): the header's magic, written once the journal is synced,
    // just before the first page is written to the ledger file.
    const b = Buffer.alloc(1);
    return readSync(fd, b, 0, 1, 0) === 1 && b[0] !== 0 ? 'hot' : 'cold';
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------
// Seeded randomness

/** The seed: JMFUND_CRASH_SEED if given, else a new one (printed, so that a failure can be repeated). */
export function crashSeed(): number {
  const s = process.env.JMFUND_CRASH_SEED;
  return s !== undefined && s !== '' ? Number(s) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** mulberry32: a float in [0, 1). */
export function random(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Ledgers

export const BUDGETS = [
  '--budget', 'benchmark-enterprise=2000万',
  '--budget', 'benchmark-platform=1000万',
  '--budget', 'sme-cloud=3000万',
  '--budget', 'cluster-pilot=2000万',
  '--budget', 'talent-training=100万',
];

/** A new ledger with round R1 and nothing else. */
export async function emptyRound(dir: string, name = 'round.db'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, name);
  await jmAsync(db, ['init']);
  await jmAsync(db, ['round', 'create', ROUND, '--opens', '2022-03-01', '--closes', '2022-04-30', ...BUDGETS]);
  return db;
}

export interface ScoredRound {
  /** Imported, checked, scored and aggregated: ready for allocate. */
  scored: string;
  /** Then allocated and put on notice (2022-05-01, 7 days): ready for finalize on 2022-05-20. */
  noticed?: string;
}

/** Builds R1 with `apps` applications through the CLI, as an officer would. */
export async function scoredRound(dir: string, apps: number, opts: { noticed?: boolean } = {}): Promise<ScoredRound> {
  const db = await emptyRound(dir, 'build.db');
  const csv = join(dir, 'scored-apps.csv');
  const ids = await writeApplicationsCsv(csv, { rows: apps, idPrefix: 'S-', family: 9, seed: 11 });
  const scoresCsv = join(dir, 'scored-scores.csv');
  await writeScoresCsv(scoresCsv, ids);
  await jmAsync(db, ['import', csv, '--round', ROUND]);
  await jmAsync(db, ['check', '--round', ROUND]);
  await jmAsync(db, ['scores', 'import', scoresCsv, '--round', ROUND]);
  await jmAsync(db, ['scores', 'aggregate', '--round', ROUND]);
  const scored = copyLedger(db, join(dir, 'scored.db'));
  if (!opts.noticed) return { scored };
  await jmAsync(db, ['allocate', '--round', ROUND]);
  await jmAsync(db, ['publicize', '--round', ROUND, '--from', '2022-05-01', '--days', '7', '--yes']);
  return { scored, noticed: copyLedger(db, join(dir, 'noticed.db')) };
}
