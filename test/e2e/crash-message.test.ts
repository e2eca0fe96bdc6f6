// An error nothing caught (a library's 'error' event without a listener, say)
// ends the command as an internal error, not a stack trace: what was open is
// rolled back, the unfinished temporary file removed, exit 1. The error is
// thrown by a module preloaded with --require, at a point the test chooses.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runChild, tempDir } from '../helpers.js';
import { cliEnv, copyLedger, emptyRound, generateApplications, journalOf, ROUND } from '../crash/lib.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let dir: string;
let base: string;
let csv: string;

beforeAll(async () => {
  dir = tempDir('jmfund-crash-message-');
  base = await emptyRound(dir);
  csv = join(dir, 'apps.csv');
  await generateApplications(csv, { rows: 20_000, idPrefix: 'C-', family: 9, seed: 7 });
}, 300_000);

/** Runs the CLI with `preload` (CommonJS source) required first. */
function runWith(preload: string, db: string, args: string[], env: Record<string, string> = {}) {
  const file = join(dir, `preload-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(file, preload);
  const r = runChild(process.execPath, ['--require', file, BIN, ...args], { env: cliEnv(db, env), encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('an error nothing caught', () => {
  it('is said as an internal error, in the officer language, exit 1, without a stack trace', () => {
    const db = copyLedger(base, join(dir, 'list.db'));
    for (const [lang, words] of [
      ['en', /^jmfund: internal error: boom\nThe ledger was not changed\. Please report this message\.$/m],
      ['zh', /^jmfund: 内部错误：boom\n账本未被更改。请把这条信息报告给维护人员。$/m],
    ] as const) {
      const r = runWith('setImmediate(() => { throw new Error("boom"); });', db, ['round', 'list'], { JMFUND_LANG: lang });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(words);
      noStack(r.stderr);
    }
  });

  it('during an import: its transaction rolled back, the ledger byte for byte what it was', () => {
    let caught = false;
    for (let attempt = 0; attempt < 5 && !caught; attempt++) {
      const db = copyLedger(base, join(dir, `import-${attempt}.db`));
      const before = sha(db);
      // Thrown once the import's transaction is open (its -journal exists).
      // Unref'd: an import that ends before the timer sees the journal exits
      // (code 0, tried again) instead of being kept alive by the timer.
      const preload = `const fs = require('node:fs'); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(journalOf(db))})) { clearInterval(t); throw new Error('stream failed'); } }, 1); t.unref();`;
      const r = runWith(preload, db, ['import', csv, '--round', ROUND]);
      if (r.code === 0) continue; // finished first: try again
      caught = true;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('jmfund: internal error: stream failed\nThe ledger was not changed.');
      noStack(r.stderr);
      expect(existsSync(journalOf(db))).toBe(false);
      expect(sha(db)).toBe(before);
    }
    expect(caught, 'the import was never caught running').toBe(true);
  }, 120_000);

  it('while a report is written: the temporary file removed and named, no report file', () => {
    const db = copyLedger(base, join(dir, 'report.db'));
    const out = join(dir, 'reports');
    const target = join(out, 'awards.csv');
    mkdirSync(out);
    // Thrown as soon as the report's temporary file is open.
    const preload = `const fsp = require('node:fs/promises'); const open = fsp.open; fsp.open = async (...a) => { const fh = await open(...a); if (String(a[0]).endsWith('.tmp')) setImmediate(() => { throw new Error('disk went away'); }); return fh; };`;
    const r = runWith(preload, db, ['report', 'awards', '--round', ROUND, '--format', 'csv', '--out', target]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('jmfund: internal error: disk went away');
    expect(r.stderr).toContain('The unfinished temporary file was removed: ');
    noStack(r.stderr);
    expect(readdirSync(out)).toEqual([]);
  });
});
