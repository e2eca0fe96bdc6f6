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
import { cliEnv, copyLedger, emptyRound, generateApplications, journalOf, ROUND } from '../crash/lib.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let dir: string;
let base: string;
let csv: string;

beforeAll(async () => {
  dir = tempDir('jmfund-interrupt-');
  base = await emptyRound(dir);
  csv = join(dir, 'apps.csv');
  await generateApplications(csv, { rows: 40_000, idPrefix: 'I-', family: 9, seed: 5 });
}, 300_000);

describe('interrupted work says so', () => {
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
        const child = spawn(process.execPath, [BIN, 'import', csv, '--round', ROUND], { env: cliEnv(db, { JMFUND_LANG: lang }), stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const exited = once(child, 'close') as Promise<[number | null, string | null]>;
        let done = false;
        void exited.then(() => (done = true));
        // The import's transaction is open once its -journal exists.
        while (!done && !existsSync(journalOf(db))) await new Promise((r) => setTimeout(r, 2));
        if (done) continue;
        child.kill(signal);
        const [exitCode] = await exited;
        if (exitCode === 0) continue; // finished first: try again
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
