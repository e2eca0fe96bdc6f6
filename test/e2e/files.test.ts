// Files jmfund writes besides the ledger's rows (SPEC §11, §12, §13):
// the ledger and its backups are private (0600, whatever the umask); an
// --out file (report, publicize, import --rejects) is never overwritten
// without --force; and a report is written to a temporary file and renamed,
// so that a kill in the middle leaves no file, or the old one, never half a
// file.
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, runChild, runCli, tempDir } from '../helpers.js';
import { crashSeed, dumpLedger, random, runAndKill } from '../crash/lib.js';

const NOW = '2022-09-30T08:00:00.000Z';
let dir: string;
/** A round imported, checked, scored and allocated (proposed awards, ready for publicize). */
let allocated: string;

const env = (db: string, more: Record<string, string> = {}) => ({ db, env: { JMFUND_NOW: NOW, ...more } });
const run = (db: string, args: string[], ok: number[] = [0]) => {
  const r = runCli(args, env(db));
  if (!ok.includes(r.code)) throw new Error(`jmfund ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r;
};
const mode = (p: string) => statSync(p).mode & 0o777;
let copies = 0;
const copyOf = (db: string) => {
  const to = join(dir, `copy-${++copies}.db`);
  copyFileSync(db, to);
  return to;
};
/** Runs jmfund through sh with a umask, as an officer's shell would. */
const withUmask = (umask: string, db: string, args: string[]) =>
  runChild('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
    env: { ...process.env, JMFUND_DB: db, JMFUND_NOW: NOW, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'files-test' },
    encoding: 'utf8',
  });

beforeAll(() => {
  dir = tempDir('jmfund-files-');
  allocated = join(dir, 'allocated.db');
  const F = join(FIXTURES, 'report');
  run(allocated, ['init']);
  run(allocated, ['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'benchmark-enterprise=1500000', '--budget', 'benchmark-platform=1000000', '--budget', 'sme-cloud=700000', '--budget', 'cluster-pilot=1000000']);
  run(allocated, ['import', join(F, 'applications.csv'), '--round', 'R1']);
  run(allocated, ['check', '--round', 'R1'], [0, 1]);
  // publicize waits until no application needs review (SPEC §15).
  run(allocated, ['decide', 'R013', 'legal-person', '--fail', '--reason', '分公司，非独立法人']);
  run(allocated, ['scores', 'import', join(F, 'scores.csv'), '--round', 'R1']);
  run(allocated, ['scores', 'aggregate', '--round', 'R1']);
  run(allocated, ['allocate', '--round', 'R1']);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('permissions', () => {
  for (const umask of ['022', '000']) {
    it(`the ledger and a backup are created 0600 (umask ${umask})`, () => {
      const sub = join(dir, `umask-${umask}`);
      mkdirSync(sub);
      const db = join(sub, 'ledger.db');
      const init = withUmask(umask, db, ['init']);
      expect(init.status, init.stderr).toBe(0);
      expect(mode(db).toString(8)).toBe('600');
      // A write transaction leaves the ledger as it was made.
      expect(withUmask(umask, db, ['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30']).status).toBe(0);
      expect(mode(db).toString(8)).toBe('600');
      const backup = join(sub, 'backup.db');
      const b = withUmask(umask, db, ['backup', backup]);
      expect(b.status, b.stderr).toBe(0);
      expect(mode(backup).toString(8)).toBe('600');
      // Overwriting with --force keeps it private too.
      const again = withUmask(umask, db, ['backup', backup, '--force']);
      expect(again.status, again.stderr).toBe(0);
      expect(mode(backup).toString(8)).toBe('600');
      // No temporary file is left beside them.
      expect(readdirSync(sub).sort()).toEqual(['backup.db', 'ledger.db']);
    });
  }

  it('a backup of a copy of a fully used ledger is 0600 and verifies', () => {
    const db = copyOf(allocated);
    const backup = join(dir, 'full-backup.db');
    run(db, ['backup', backup]);
    expect(mode(backup).toString(8)).toBe('600');
    expect(run(backup, ['verify']).code).toBe(0);
  });
});

describe('--out never overwrites without --force', () => {
  const OLD = 'an officer’s own file, not to be lost\n';

  it('backup FILE: refused when FILE exists (a file, or a symlink to one); --force replaces it', () => {
    const db = copyOf(allocated);
    const target = join(dir, 'exists.backup');
    writeFileSync(target, OLD);
    const r = runCli(['backup', target], env(db));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists/);
    expect(readFileSync(target, 'utf8')).toBe(OLD);
    expect(run(db, ['backup', target, '--force']).code).toBe(0);
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  for (const format of ['csv', 'xlsx', 'md'] as const) {
    it(`report --out FILE (${format}): refused when FILE exists, a symlink included; --force replaces it`, () => {
      const db = copyOf(allocated);
      const target = join(dir, `exists-report.${format}`);
      writeFileSync(target, OLD);
      const r = runCli(['report', 'awards', '--round', 'R1', '--format', format, '--out', target], env(db));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/exists; use --force to overwrite/);
      expect(readFileSync(target, 'utf8')).toBe(OLD);
      // A symlink (even one whose target is missing) is not written through.
      const link = join(dir, `link-report.${format}`);
      const pointee = join(dir, `pointee-${format}.txt`);
      symlinkSync(pointee, link);
      expect(runCli(['report', 'awards', '--round', 'R1', '--format', format, '--out', link], env(db)).code).toBe(2);
      expect(existsSync(pointee)).toBe(false);
      writeFileSync(pointee, OLD);
      expect(runCli(['report', 'awards', '--round', 'R1', '--format', format, '--out', link], env(db)).code).toBe(2);
      expect(readFileSync(pointee, 'utf8')).toBe(OLD);
      // --force: the new report, whole.
      run(db, ['report', 'awards', '--round', 'R1', '--format', format, '--out', target, '--force']);
      expect(readFileSync(target, 'utf8')).not.toBe(OLD);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('publicize --out FILE: refused when FILE exists, and then the ledger is unchanged; --force replaces it and records the notice', () => {
    const db = copyOf(allocated);
    const before = dumpLedger(db);
    const target = join(dir, 'exists-notice.csv');
    writeFileSync(target, OLD);
    const r = runCli(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', target, '--yes'], env(db));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists; use --force to overwrite/);
    expect(readFileSync(target, 'utf8')).toBe(OLD);
    expect(dumpLedger(db).hash).toBe(before.hash);
    run(db, ['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', target, '--force', '--yes']);
    const csv = readFileSync(target, 'utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).not.toContain(OLD.trim());
    expect(dumpLedger(db).hash).not.toBe(before.hash);
  });

  it('publicize --out FILE --force that cannot record the notice (ledger busy) leaves the old FILE, not a list of a notice that was never made', () => {
    const db = copyOf(allocated);
    const before = dumpLedger(db);
    const target = join(dir, 'busy-notice.csv');
    writeFileSync(target, OLD);
    const holder = new Database(db);
    let r: ReturnType<typeof runCli>;
    try {
      holder.exec('BEGIN IMMEDIATE');
      r = runCli(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', target, '--force', '--yes'], env(db, { JMFUND_BUSY_TIMEOUT_MS: '200' }));
      holder.exec('ROLLBACK');
    } finally {
      holder.close();
    }
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/ledger busy/);
    expect(dumpLedger(db).hash).toBe(before.hash);
    expect(readFileSync(target, 'utf8')).toBe(OLD);
  });

  it('import --skip-invalid --rejects FILE: refused when FILE exists, and nothing is imported; --force replaces it', () => {
    const db = copyOf(allocated);
    const before = dumpLedger(db);
    const input = join(dir, 'some-bad.csv');
    const good = readFileSync(join(FIXTURES, 'report', 'applications.csv'), 'utf8').split('\n')[0];
    writeFileSync(input, `${good}\nX1,江门市某公司,91440703MA2000019T,蓬江区,not-a-date,是,sme-cloud,,新项目,500000,400000,10,1000000,否,是,是,否,是,,,2022-03-10\n`);
    const target = join(dir, 'exists-rejects.csv');
    writeFileSync(target, OLD);
    const r = runCli(['import', input, '--round', 'R1', '--skip-invalid', '--rejects', target], env(db));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists; use --force to overwrite/);
    expect(readFileSync(target, 'utf8')).toBe(OLD);
    expect(dumpLedger(db).hash).toBe(before.hash);
    const f = runCli(['import', input, '--round', 'R1', '--skip-invalid', '--rejects', target, '--force'], env(db));
    expect(f.code, f.stderr).toBe(1);
    expect(readFileSync(target, 'utf8')).toMatch(/^\ufeff.*error/);
  });
});

describe('a report is renamed into place: a kill leaves no file or the old one', () => {
  const KILLS = Math.max(3, Number(process.env.JMFUND_FILES_KILLS ?? 6));
  const SEED = crashSeed();

  it(`report audit --format xlsx killed ${KILLS} times at random moments (seed ${SEED})`, async () => {
    const db = copyOf(allocated);
    const out = join(dir, 'kill');
    mkdirSync(out);
    // The uninterrupted run: how long it takes, and what a complete report holds.
    const reference = join(out, 'reference.xlsx');
    const t0 = performance.now();
    run(db, ['report', 'audit', '--round', 'R1', '--format', 'xlsx', '--out', reference]);
    const usual = performance.now() - t0;
    const sheets = async (p: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(p);
      return wb.worksheets.map((w) => `${w.name}:${w.rowCount}`);
    };
    const complete = await sheets(reference);
    const OLD = Buffer.from('PK old report, kept until the new one is whole');
    const rnd = random(SEED ^ 0x5eed);
    const outcomes = { none: 0, old: 0, complete: 0 };
    let leftovers = 0;
    for (let i = 0; i < KILLS; i++) {
      // Odd kills: a new file; even kills: replacing an old one with --force.
      const target = join(out, `audit-${i}.xlsx`);
      const replacing = i % 2 === 0;
      if (replacing) writeFileSync(target, OLD);
      const at = Math.floor(((i + rnd()) / KILLS) * usual * 1.2);
      const r = await runAndKill(db, ['report', 'audit', '--round', 'R1', '--format', 'xlsx', '--out', target, ...(replacing ? ['--force'] : [])], { killAfterMs: at }, { JMFUND_NOW: NOW });
      const where = `kill ${i + 1}/${KILLS} at ${at} ms of ${Math.round(usual)} ms (seed ${SEED}; ${r.signal ?? `exit ${r.code}`})`;
      if (!existsSync(target)) {
        expect(replacing, `${where}: the old file is gone`).toBe(false);
        outcomes.none++;
      } else if (readFileSync(target).equals(OLD)) {
        outcomes.old++;
      } else {
        expect(await sheets(target), `${where}: a partial report`).toEqual(complete);
        outcomes.complete++;
      }
      leftovers += readdirSync(out).filter((f) => f.startsWith(`.audit-${i}.xlsx.`)).length;
    }
    console.log(`report kill test: usual ${Math.round(usual)} ms; ${KILLS} kills → no file ${outcomes.none}, old file ${outcomes.old}, complete new file ${outcomes.complete}; ${leftovers} temporary file(s) left behind by the kills; seed ${SEED}`);
    expect(outcomes.none + outcomes.old + outcomes.complete).toBe(KILLS);
    // What SIGKILL left (nothing can clean up then) is removed by the next report written in that folder.
    run(db, ['report', 'awards', '--round', 'R1', '--format', 'csv', '--out', join(out, 'after-kills.csv')]);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 300_000);
});
