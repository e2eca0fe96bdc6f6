// Ctrl-C or SIGTERM during a writing command (issue 17): the import's open
// transaction is rolled back, the officer is told "interrupted: nothing was
// written", the exit code is 128 + the signal (130 for Ctrl-C), and the ledger
// file is byte for byte what it was.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers.js';
import Database from 'better-sqlite3';
import { cliEnv, copyLedger, emptyRound, generateApplications, jmAsync, journalOf, ROUND, scoredRound } from '../crash/lib.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const NOTHING_WRITTEN = /^jmfund: interrupted: nothing was written \(SIGINT\)\.$/m;

/** Whether another connection holds the ledger's write lock (a command inside its BEGIN IMMEDIATE). */
function writeLocked(probe: Database.Database): boolean {
  try {
    probe.exec('BEGIN IMMEDIATE');
    probe.exec('ROLLBACK');
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw e;
  }
}

/**
 * Runs jmfund on `db` and sends `signal` at a moment its work has reached, not
 * after a time (a loaded machine moves that anywhere): `locked` once its
 * transaction is open (it holds the write lock, reads and works, nothing of it
 * written yet); `writing` once the transaction writes (its -journal exists).
 * Its exit code and stderr; null when it ended before the signal was sent.
 */
async function interruptedRun(
  db: string,
  args: string[],
  at: 'locked' | 'writing',
  opts: { signal?: NodeJS.Signals; env?: Record<string, string> } = {},
): Promise<{ exitCode: number | null; stderr: string } | null> {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(db, opts.env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'close') as Promise<[number | null, string | null]>;
  let done = false;
  void exited.then(() => (done = true));
  if (at === 'writing') {
    while (!done && !existsSync(journalOf(db))) await new Promise((r) => setTimeout(r, 2));
  } else {
    const probe = new Database(db, { timeout: 0 });
    try {
      while (!done && !writeLocked(probe)) await new Promise((r) => setTimeout(r, 2));
    } finally {
      probe.close();
    }
  }
  if (done) return null;
  child.kill(opts.signal ?? 'SIGINT');
  const [exitCode] = await exited;
  return { exitCode, stderr };
}
/**
 * Runs `args` on a copy of `ledger` and signals it once its transaction is open: exit 130 and no journal left, and
 * either "nothing was written" with the ledger file unchanged (stopped), or, heard only after its commit, words that
 * name the event `command` wrote, which stays.
 */
async function signalWhileWorking(ledger: string, name: string, args: string[], command: string): Promise<{ db: string; stopped: boolean }> {
  const db = copyLedger(ledger, join(dir, `${name}.db`));
  const before = sha(db);
  const r = await interruptedRun(db, args, 'locked');
  expect(r, `${command} ended before it was signalled`).not.toBeNull();
  const { exitCode, stderr } = r!;
  expect(exitCode, stderr).toBe(130);
  expect(existsSync(journalOf(db))).toBe(false);
  if (NOTHING_WRITTEN.test(stderr)) {
    expect(sha(db)).toBe(before);
    return { db, stopped: true };
  }
  expect(stderr).toMatch(new RegExp(`^jmfund: interrupted \\(SIGINT\\) after it had been written: event #\\d+ \\(${command}\\), which stays in the ledger`, 'm'));
  return { db, stopped: false };
}

/**
 * signalWhileWorking up to three times, until one stops the command before it writes (a loaded machine may delay
 * the signal past its last pause); `written` checks the ledger of a try heard after the commit. How many stopped.
 */
async function stoppedBeforeWriting(ledger: string, name: string, args: string[], command: string, written?: (db: string) => void): Promise<number> {
  let stopped = 0;
  for (let attempt = 0; attempt < 3 && stopped === 0; attempt++) {
    const r = await signalWhileWorking(ledger, `${name}-${attempt}`, args, command);
    if (r.stopped) stopped++;
    else written?.(r.db);
  }
  return stopped;
}

let dir: string;
let base: string;
let csv: string;
let scored: string;
let noticed: string;
let imported: string;

beforeAll(async () => {
  dir = tempDir('jmfund-interrupt-');
  base = await emptyRound(dir);
  csv = join(dir, 'apps.csv');
  await generateApplications(csv, { rows: 40_000, idPrefix: 'I-', family: 9, seed: 5 });
  const built = await scoredRound(join(dir, 'scored'), 20_000, { noticed: true });
  scored = built.scored;
  noticed = built.noticed as string;
  imported = copyLedger(base, join(dir, 'imported.db'));
  await jmAsync(imported, ['import', csv, '--round', ROUND]);
}, 300_000);

describe('interrupted work says so', () => {
  // check computes for tens of seconds at 10^6 applications: it lets the event loop run between credit codes.
  it('SIGINT during a check: rolled back, said, exit 130, the ledger unchanged', async () => {
    // Sent once it holds the write lock (its transaction is open; its results are written in batches, later).
    const r = await signalWhileWorking(imported, 'c-locked', ['check', '--round', ROUND], 'check');
    expect(r.stopped, 'check was heard only after its commit').toBe(true);
  }, 300_000);

  for (const [signal, code, lang, words] of [
    ['SIGINT', 130, 'en', /^jmfund: interrupted: nothing was written \(SIGINT\)\.$/m],
    ['SIGTERM', 130, 'en', /^jmfund: interrupted: nothing was written \(SIGTERM\)\.$/m],
    ['SIGINT', 130, 'zh', /^jmfund: 已中断：未写入任何内容（SIGINT）。$/m],
  ] as const) {
    it(`${signal} during an import (${lang}): rolled back, said, exit ${code}, the ledger unchanged`, async () => {
      let caught = false;
      for (let attempt = 0; attempt < 5 && !caught; attempt++) {
        const db = copyLedger(base, join(dir, `l-${signal}-${lang}-${attempt}.db`));
        const before = sha(db);
        // The import's transaction is open once its -journal exists.
        const r = await interruptedRun(db, ['import', csv, '--round', ROUND], 'writing', { signal, env: { JMFUND_LANG: lang } });
        if (!r || r.exitCode === 0) continue; // finished first: try again
        const { exitCode, stderr } = r;
        caught = true;
        expect(exitCode, stderr).toBe(code);
        expect(stderr).toMatch(words);
        expect(stderr).not.toMatch(/internal error|内部错误/);
        expect(existsSync(journalOf(db))).toBe(false);
        expect(sha(db)).toBe(before);
      }
      expect(caught, 'the import was never caught running').toBe(true);
    }, 300_000);
  }
});

describe('scores aggregate interrupted', () => {
  // It pauses between applications (the scores are read a chunk at a time): a signal rolls the aggregation back.
  it('rolled back, said, exit 130, the ledger unchanged', async () => {
    const r = await signalWhileWorking(scored, 'ag-locked', ['scores', 'aggregate', '--round', ROUND], 'scores aggregate');
    expect(r.stopped, 'the aggregation was heard only after its commit').toBe(true);
  }, 300_000);
});

describe('allocate interrupted', () => {
  // It pauses after reading the round and after planning: a signal heard there rolls it back; one heard
  // later (the store, its seals, the commit run in one go) names the version it wrote. Never a wrong word.
  it('while it reads and plans: nothing was written and the ledger is unchanged; later: the words name what stays', async () => {
    // Sent once its transaction is open: heard at the pause after the read (a loaded machine may delay
    // the signal past both pauses: then the words must name the version, and another try is made).
    const stopped = await stoppedBeforeWriting(scored, 'al-locked', ['allocate', '--round', ROUND], 'allocate', (db) => {
      const ledger = new Database(db, { readonly: true });
      try {
        expect(ledger.prepare('SELECT count(*) FROM allocations').pluck().get()).toBe(1);
      } finally {
        ledger.close();
      }
    });
    expect(stopped, 'allocate was never stopped before its store').toBeGreaterThan(0);
  }, 300_000);
});

describe('finalize interrupted', () => {
  // It pauses once, after reading the awards on notice and before filing them.
  it('while it reads: nothing was filed and the ledger is unchanged; later: the words name the filing event', async () => {
    const stopped = await stoppedBeforeWriting(noticed, 'f-locked', ['finalize', '--round', ROUND, '--yes'], 'finalize');
    expect(stopped, 'finalize was never stopped before its filing').toBeGreaterThan(0);
  }, 300_000);
});

describe('a signal heard only after the command committed', () => {
  // allocate reads, plans and stores without a pause: a Ctrl-C while it works is
  // heard after its commit, when it waits for its tables' worker, or after it
  // closed the ledger (test/cli/interrupt.test.ts has that case alone).
  for (const [lang, words] of [
    ['en', /^jmfund: interrupted \(SIGINT\) after it had been written: event #(\d+) \(allocate\), which stays in the ledger; nothing after it was written\.$/m],
    ['zh', /^jmfund: 已中断（SIGINT）：中断前已写入账本 事件 #(\d+)（allocate），这些保留在账本中；其后未写入任何内容。$/m],
  ] as const) {
    it(`names what it wrote, never "nothing was written" (${lang})`, async () => {
      let caught = false;
      for (let attempt = 0; attempt < 5 && !caught; attempt++) {
        const db = copyLedger(scored, join(dir, `a-${lang}-${attempt}.db`));
        // Its transaction is writing once the -journal exists: from there on it does not pause before the commit.
        const r = await interruptedRun(db, ['allocate', '--round', ROUND], 'writing', { env: { JMFUND_LANG: lang, JMFUND_RENDER_WORKER: 'always' } });
        if (!r || r.exitCode === 0) continue; // heard after the process ended its work: try again
        const { exitCode, stderr } = r;
        caught = true;
        expect(exitCode, stderr).toBe(130);
        expect(stderr).not.toMatch(/nothing was written|未写入任何内容（/);
        const seq = Number(words.exec(stderr)?.[1]);
        const ledger = new Database(db, { readonly: true });
        try {
          expect(ledger.prepare("SELECT seq FROM events WHERE command = 'allocate'").pluck().all()).toEqual([seq]);
          expect(ledger.prepare('SELECT count(*) FROM allocations').pluck().get()).toBe(1);
        } finally {
          ledger.close();
        }
      }
      expect(caught, 'allocate was never caught writing').toBe(true);
    }, 300_000);
  }
});
