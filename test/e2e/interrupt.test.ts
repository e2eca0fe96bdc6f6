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

/**
 * Runs jmfund on `db` and sends `signal` `at` a moment: so many ms after the
 * start, or once its transaction writes (its -journal exists). Its exit code
 * and stderr; null when it ended before the signal was sent.
 */
async function interruptedRun(
  db: string,
  args: string[],
  at: number | 'writing',
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
  } else await new Promise((r) => setTimeout(r, at));
  if (done) return null;
  child.kill(opts.signal ?? 'SIGINT');
  const [exitCode] = await exited;
  return { exitCode, stderr };
}
let dir: string;
let base: string;
let csv: string;
let scored: string;
let imported: string;

beforeAll(async () => {
  dir = tempDir('jmfund-interrupt-');
  base = await emptyRound(dir);
  csv = join(dir, 'apps.csv');
  await generateApplications(csv, { rows: 40_000, idPrefix: 'I-', family: 9, seed: 5 });
  ({ scored } = await scoredRound(join(dir, 'scored'), 20_000));
  imported = copyLedger(base, join(dir, 'imported.db'));
  await jmAsync(imported, ['import', csv, '--round', ROUND]);
}, 300_000);

describe('interrupted work says so', () => {
  // check computes for tens of seconds at 10^6 applications: it lets the event loop run between credit codes.
  it('SIGINT during a check: rolled back, said, exit 130, the ledger unchanged', async () => {
    // Its first write comes late (results are written in batches): the signal is sent part way through a full run's time.
    const full = await jmAsync(copyLedger(imported, join(dir, 'c-full.db')), ['check', '--round', ROUND]);
    let caught = false;
    for (const part of [0.4, 0.55, 0.3, 0.7, 0.25]) {
      if (caught) break;
      const db = copyLedger(imported, join(dir, `c-${part}.db`));
      const before = sha(db);
      const r = await interruptedRun(db, ['check', '--round', ROUND], full.ms * part);
      // Finished first, or killed before its handlers were set: another moment.
      if (!r || r.exitCode === 0 || r.exitCode === null) continue;
      const { exitCode, stderr } = r;
      caught = true;
      expect(exitCode, stderr).toBe(130);
      expect(stderr).toMatch(NOTHING_WRITTEN);
      expect(existsSync(journalOf(db))).toBe(false);
      expect(sha(db)).toBe(before);
    }
    expect(caught, 'check was never caught running').toBe(true);
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
    const full = await jmAsync(copyLedger(scored, join(dir, 'ag-full.db')), ['scores', 'aggregate', '--round', ROUND]);
    let caught = false;
    for (const part of [0.5, 0.35, 0.65, 0.25, 0.75]) {
      const db = copyLedger(scored, join(dir, `ag-${part}.db`));
      const before = sha(db);
      const r = await interruptedRun(db, ['scores', 'aggregate', '--round', ROUND], full.ms * part);
      if (!r || r.exitCode === 0 || r.exitCode === null) continue;
      const { exitCode, stderr } = r;
      expect(exitCode, stderr).toBe(130);
      expect(existsSync(journalOf(db))).toBe(false);
      // Heard after the commit (its last part runs in one go), the words name the event instead.
      if (!NOTHING_WRITTEN.test(stderr)) {
        expect(stderr).toMatch(/^jmfund: interrupted \(SIGINT\) after it had been written: event #\d+ \(scores aggregate\)/m);
        continue;
      }
      caught = true;
      expect(sha(db)).toBe(before);
      break;
    }
    expect(caught, 'the aggregation was never stopped while it worked').toBe(true);
  }, 300_000);
});

describe('allocate interrupted', () => {
  // It pauses after reading the round and after planning: a signal heard there rolls it back; one heard
  // later (the store, its seals, the commit run in one go) names the version it wrote. Never a wrong word.
  it('before its store: nothing was written and the ledger is unchanged; after: the words name what stays', async () => {
    const full = await jmAsync(copyLedger(scored, join(dir, 'al-full.db')), ['allocate', '--round', ROUND]);
    const seen = { before: 0, after: 0 };
    for (const part of [0.45, 0.3, 0.6, 0.4, 0.5, 0.35, 0.55]) {
      const db = copyLedger(scored, join(dir, `al-${part}.db`));
      const before = sha(db);
      const r = await interruptedRun(db, ['allocate', '--round', ROUND], full.ms * part);
      if (!r || r.exitCode === 0 || r.exitCode === null) continue;
      const { exitCode, stderr } = r;
      expect(exitCode, stderr).toBe(130);
      expect(existsSync(journalOf(db))).toBe(false);
      if (NOTHING_WRITTEN.test(stderr)) {
        seen.before++;
        expect(sha(db)).toBe(before);
      } else {
        seen.after++;
        expect(stderr).toMatch(/^jmfund: interrupted \(SIGINT\) after it had been written: event #\d+ \(allocate\), which stays in the ledger/m);
        const ledger = new Database(db, { readonly: true });
        try {
          expect(ledger.prepare('SELECT count(*) FROM allocations').pluck().get()).toBe(1);
        } finally {
          ledger.close();
        }
      }
      if (seen.before > 0 && seen.after > 0) break;
    }
    expect(seen.before, 'allocate was never stopped before its store').toBeGreaterThan(0);
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
