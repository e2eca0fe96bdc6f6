// Nothing jmfund writes can destroy the ledger or the file it reads, or be
// left half-written (issue 16): output paths that are the ledger (its own
// path, a symlink, a hard link, its -journal), the file being imported, a
// folder or a missing folder are refused (exit 2) even with --force, before
// anything is written or committed; an interrupted backup leaves nothing
// behind; what a killed process left is removed by the next writer and listed
// by verify; private files are 0600, public documents follow the umask.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, runChild, runCli, tempDir } from '../helpers.js';

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
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
let copies = 0;
/** A copy of the allocated ledger in a folder of its own. */
const ledgerCopy = () => {
  const sub = join(dir, `l${++copies}`);
  mkdirSync(sub);
  const to = join(sub, 'jmfund.db');
  copyFileSync(allocated, to);
  return { db: to, sub };
};
/** A PID that no process has now: one that has just ended. */
const deadPid = () => runChild(process.execPath, ['-e', '0'], { encoding: 'utf8' }).pid;

beforeAll(() => {
  dir = tempDir('jmfund-outpaths-');
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

describe('an output path that is the ledger is refused, even with --force', () => {
  const cases: [string, (db: string, sub: string) => string][] = [
    ['its own path', (db) => db],
    ['a symlink to it', (db, sub) => (symlinkSync(db, join(sub, 'link.db')), join(sub, 'link.db'))],
    ['a hard link to it', (db, sub) => (linkSync(db, join(sub, 'hard.db')), join(sub, 'hard.db'))],
    ['its -journal (not there now)', (db) => `${db}-journal`],
    ['its -wal', (db) => `${db}-wal`],
  ];
  for (const [name, target] of cases) {
    it(`report audit --out (${name}) --force: exit 2, the ledger byte for byte as it was`, () => {
      const { db, sub } = ledgerCopy();
      const out = target(db, sub);
      const before = sha(db);
      const r = runCli(['report', 'audit', '--round', 'R1', '--format', 'csv', '--out', out, '--force'], env(db));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/is the ledger.*refused even with --force\. Nothing was changed\./);
      expect(sha(db)).toBe(before);
      expect(run(db, ['verify']).code).toBe(0);
      expect(readdirSync(sub).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('publicize --out the ledger --force: exit 2 and no notice recorded', () => {
    const { db } = ledgerCopy();
    const before = sha(db);
    const r = runCli(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', db, '--force', '--yes'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is the ledger/);
    expect(sha(db)).toBe(before);
  });

  it('backup to the ledger itself --force: exit 2, ledger unchanged', () => {
    const { db } = ledgerCopy();
    const before = sha(db);
    const r = runCli(['backup', db, '--force'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is the ledger/);
    expect(sha(db)).toBe(before);
  });

  it('import --rejects the file being imported --force: exit 2, the file and the ledger unchanged', () => {
    const { db, sub } = ledgerCopy();
    const input = join(sub, 'some-bad.csv');
    const header = readFileSync(join(FIXTURES, 'report', 'applications.csv'), 'utf8').split('\n')[0];
    writeFileSync(input, `${header}\nX1,江门市某公司,91440703MA2000019T,蓬江区,not-a-date,是,sme-cloud,,新项目,500000,400000,10,1000000,否,是,是,否,是,,,2022-03-10\n`);
    const before = sha(db);
    const content = readFileSync(input);
    const r = runCli(['import', input, '--round', 'R1', '--skip-invalid', '--rejects', input, '--force'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is the file being read/);
    expect(readFileSync(input).equals(content)).toBe(true);
    expect(sha(db)).toBe(before);
    // …and the ledger, by its path.
    const l = runCli(['import', input, '--round', 'R1', '--skip-invalid', '--rejects', db, '--force'], env(db));
    expect(l.code, l.stderr).toBe(2);
    expect(sha(db)).toBe(before);
  });
});

describe('an output path that cannot be written is refused before anything is committed', () => {
  it('publicize --out FOLDER --force: exit 2, no notice recorded, the folder as it was', () => {
    const { db, sub } = ledgerCopy();
    const folder = join(sub, 'notices');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep.txt'), 'x');
    const before = sha(db);
    const r = runCli(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', folder, '--force', '--yes'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is a folder, not a file\. Nothing was changed\./);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(sha(db)).toBe(before);
    expect(readdirSync(folder)).toEqual(['keep.txt']);
    expect(readdirSync(sub).sort()).toEqual(['jmfund.db', 'notices']);
    // The same notice, then, to a file: recorded, and the list in place.
    const ok = run(db, ['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', join(folder, 'notice-1.csv'), '--yes']);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(folder, 'notice-1.csv'), 'utf8')).toMatch(/^\ufeff/);
    expect(sha(db)).not.toBe(before);
  });

  it('report --out in a missing folder and --out a folder: exit 2, nothing written', () => {
    const { db, sub } = ledgerCopy();
    const missing = runCli(['report', 'awards', '--round', 'R1', '--out', join(sub, 'no', 'such', 'awards.csv')], env(db));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the folder .*no[/\\]such does not exist/);
    const folder = runCli(['report', 'awards', '--round', 'R1', '--out', sub, '--force'], env(db));
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder/);
    expect(readdirSync(sub)).toEqual(['jmfund.db']);
  });

  it('backup DIR/FILE in a folder that does not exist: the folder is made (0700) and the backup is 0600', () => {
    const { db, sub } = ledgerCopy();
    const target = join(sub, 'backups', '2022', 'b.db');
    run(db, ['backup', target]);
    expect(mode(join(sub, 'backups'))).toBe('700');
    expect(mode(join(sub, 'backups', '2022'))).toBe('700');
    expect(mode(target)).toBe('600');
    expect(run(target, ['verify']).code).toBe(0);
  });
});

describe('interrupted and killed writers leave nothing behind', () => {
  /** A ledger of some 40 MB (a padding table beside jmfund's), so that a backup takes long enough to interrupt. */
  const bigLedger = (): { db: string; sub: string } => {
    const l = ledgerCopy();
    const d = new Database(l.db);
    d.exec('CREATE TABLE zz_padding (b BLOB)');
    const ins = d.prepare('INSERT INTO zz_padding VALUES (randomblob(65536))');
    d.transaction(() => {
      for (let i = 0; i < 640; i++) ins.run();
    })();
    d.close();
    return l;
  };

  for (const [signal, code] of [
    ['SIGTERM', 130],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} during backup: the temporary copy and its -journal are removed, exit ${code} with a message`, async () => {
      const { db, sub } = bigLedger();
      const before = sha(db);
      const out = join(sub, 'out');
      mkdirSync(out);
      let caught = false;
      for (let attempt = 0; attempt < 5 && !caught; attempt++) {
        const child = spawn(process.execPath, [BIN, 'backup', join(out, 'b.db'), '--force'], {
          env: { ...process.env, JMFUND_DB: db, JMFUND_NOW: NOW, JMFUND_LANG: 'en', NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
        // Wait for the temporary copy to appear, then interrupt.
        let done = false;
        void exited.then(() => (done = true));
        while (!done && !readdirSync(out).some((f) => f.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 2));
        if (done) continue;
        child.kill(signal);
        const [exitCode] = await exited;
        if (exitCode === 0) continue; // finished before the signal arrived: try again
        caught = true;
        expect(exitCode, stderr).toBe(code);
        expect(stderr).toMatch(new RegExp(`interrupted: nothing was written \\(${signal}\\)\\. The unfinished temporary file was removed: .*\\.b\\.db\\.\\d+\\.[0-9a-f]{12}\\.tmp; the target file was not written`));
        expect(readdirSync(out)).toEqual([]);
      }
      expect(caught, 'the backup was never caught running').toBe(true);
      expect(sha(db)).toBe(before);
    }, 120_000);
  }

  it('a temporary file of a killed process (its -journal too) is removed by the next command writing in that folder; one of a running process is kept', () => {
    const { db, sub } = ledgerCopy();
    const out = join(sub, 'reports');
    mkdirSync(out);
    const dead = deadPid();
    const stale = [`.audit.json.${dead}.0123456789ab.tmp`, `.b.db.${dead}.abcdef012345.tmp`, `.b.db.${dead}.abcdef012345.tmp-journal`];
    const live = `.other.csv.${process.pid}.00000000aaaa.tmp`;
    for (const f of [...stale, live]) writeFileSync(join(out, f), 'partial');
    const unrelated = '.hidden-but-not-ours.tmp';
    writeFileSync(join(out, unrelated), 'x');
    run(db, ['report', 'awards', '--round', 'R1', '--out', join(out, 'awards.csv')]);
    expect(readdirSync(out).sort()).toEqual([live, unrelated, 'awards.csv'].sort());
    // backup cleans the folder it writes in too.
    writeFileSync(join(out, stale[1]), 'partial');
    run(db, ['backup', join(out, 'b.db')]);
    expect(readdirSync(out)).not.toContain(stale[1]);
  });

  it('verify lists the temporary files beside the ledger as a warning, and changes nothing', () => {
    const { db, sub } = ledgerCopy();
    const dead = deadPid();
    const stale = join(sub, `.b.db.${dead}.0123456789ab.tmp`);
    writeFileSync(stale, 'partial');
    const before = sha(db);
    const r = run(db, ['verify']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`a temporary file left by an interrupted jmfund beside the ledger: ${stale} (process ${dead} is gone)`);
    const j = run(db, ['verify', '--json']).json<{ leftover_files: { path: string; pid: number; running: boolean }[] }>();
    expect(j.leftover_files).toEqual([{ path: stale, pid: dead, running: false }]);
    expect(existsSync(stale)).toBe(true);
    expect(sha(db)).toBe(before);
  });
});

describe('modes: private files 0600, public documents follow the umask', () => {
  const withUmask = (umask: string, db: string, args: string[]) =>
    runChild('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
      env: { ...process.env, JMFUND_DB: db, JMFUND_NOW: NOW, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'files-test' },
      encoding: 'utf8',
    });

  it('audit, fund-usage and performance reports and rejects files are 0600; the awards list and the notice list follow the umask', () => {
    const { db, sub } = ledgerCopy();
    const at = (f: string) => join(sub, f);
    const ok = (args: string[], codes = [0]) => {
      const r = withUmask('022', db, args);
      expect(codes, r.stderr).toContain(r.status);
    };
    for (const kind of ['audit', 'fund-usage', 'performance']) ok(['report', kind, '--round', 'R1', '--out', at(`${kind}.csv`)]);
    ok(['report', 'audit', '--round', 'R1', '--out', at('audit.xlsx')]);
    ok(['report', 'awards', '--round', 'R1', '--out', at('awards.csv')]);
    ok(['report', 'notice', '--round', 'R1', '--out', at('notice-report.csv')]);
    ok(['publicize', '--round', 'R1', '--from', '2022-05-01', '--days', '7', '--out', at('notice-1.csv'), '--yes']);
    const input = at('bad.csv');
    const header = readFileSync(join(FIXTURES, 'report', 'applications.csv'), 'utf8').split('\n')[0];
    writeFileSync(input, `${header}\nX1,江门市某公司,91440703MA2000019T,蓬江区,not-a-date,是,sme-cloud,,新项目,500000,400000,10,1000000,否,是,是,否,是,,,2022-03-10\n`);
    ok(['import', input, '--round', 'R1', '--skip-invalid', '--rejects', at('rejects.csv')], [0, 1]);
    for (const f of ['audit.csv', 'fund-usage.csv', 'performance.csv', 'audit.xlsx', 'rejects.csv']) expect([f, mode(at(f))]).toEqual([f, '600']);
    for (const f of ['awards.csv', 'notice-report.csv', 'notice-1.csv']) expect([f, mode(at(f))]).toEqual([f, '644']);
    expect(mode(db)).toBe('600');
  });
});
