// verify runs SQLite's integrity check and foreign-key check, and backup
// SQLite's quick check of the ledger while it copies, in a worker thread on a large ledger
// (ledger/integrity.ts): forced on here (JMFUND_VERIFY_WORKER=always),
// the output must be the same as with the check in the main thread, for a
// sound ledger and for one changed behind jmfund's back.
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportLedger, fixtureEnv, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { runCli } from '../helpers.js';

let L: FixtureLedger;
beforeAll(() => {
  L = buildReportLedger('final');
}, 300_000);

const run = (db: string, worker: 'always' | 'never', args: string[]) => runCli(args, { env: { ...fixtureEnv(db), JMFUND_VERIFY_WORKER: worker } });

describe('integrity check in a worker thread', () => {
  it('verify: the same output as in the main thread, sound or changed', () => {
    const changed = join(L.dir, 'worker-changed.db');
    copyFileSync(L.db, changed);
    const db = new Database(changed);
    db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 2").run();
    db.prepare("UPDATE applications SET state = 'approved-by-mallory' WHERE rowid = 1").run();
    // Rows of tables in several units of chain.rows (the two threads share them on a large ledger), and a seal under a name that is no fact table.
    db.prepare('UPDATE scores SET score_centi = 9900 WHERE (application_id, expert_id) IN (SELECT application_id, expert_id FROM scores LIMIT 1)').run();
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'allocation_lines'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${t}"`);
    db.prepare('UPDATE allocation_lines SET score_display = score_display || \'x\' WHERE rowid IN (SELECT rowid FROM allocation_lines WHERE score_display IS NOT NULL LIMIT 1)').run();
    db.prepare("INSERT INTO row_seals (tbl, key, seq, hash) SELECT 'no_such_table', key, seq, hash FROM row_seals WHERE tbl = 'scores' LIMIT 1").run();
    // A row pointing at a missing event: found by the foreign-key check, which runs in the worker too.
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO event_apps (seq, application_id) VALUES (999999, 'no-such-application')").run();
    db.close();
    for (const file of [L.db, changed]) {
      const a = run(file, 'always', ['--json', 'verify']);
      const b = run(file, 'never', ['--json', 'verify']);
      expect(a.code, a.stderr).toBe(b.code);
      expect(a.stdout).toBe(b.stdout);
      expect(a.json<{ checks: { id: string }[] }>().checks[0].id).toBe('sqlite.integrity');
    }
    const found = run(changed, 'always', ['--json', 'verify']).json<{ problems: { check: string; ref: { table?: string } }[] }>().problems;
    expect(found.map((p) => p.check)).toContain('sqlite.foreign-keys');
    expect(found.filter((p) => p.check === 'chain.rows').map((p) => p.ref.table)).toEqual(expect.arrayContaining(['applications', 'allocation_lines', 'no_such_table', 'scores']));
    expect(run(changed, 'always', ['verify']).code).toBe(1);
  });

  it('backup: the copy verified with the check in a worker', () => {
    const a = run(L.db, 'always', ['--json', 'backup', join(L.dir, 'worker-a.db')]);
    const b = run(L.db, 'never', ['--json', 'backup', join(L.dir, 'worker-b.db')]);
    expect(a.code, a.stderr).toBe(0);
    const strip = (s: string) => ({ ...JSON.parse(s), backup: null, verify_command: null });
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
  });

  it('backup of a damaged ledger: the same findings of the quick check in the worker and in the main thread, the copy kept', () => {
    const changed = join(L.dir, 'worker-changed-b.db');
    copyFileSync(L.db, changed);
    // A leaf page of the applications table made unreadable: SQLite's quick check names it; the backup copies it as it is.
    const db = new Database(changed);
    const page = db.prepare("SELECT pageno FROM dbstat WHERE name = 'applications' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1").pluck().get() as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(changed, 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, (page - 1) * size);
    closeSync(fd);
    const a = run(changed, 'always', ['--json', 'backup', join(L.dir, 'worker-c.db')]);
    const b = run(changed, 'never', ['--json', 'backup', join(L.dir, 'worker-d.db')]);
    expect(a.code, a.stderr).toBe(1);
    const strip = (s: string) => ({ ...JSON.parse(s), backup: null, verify_command: null });
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
    const out = a.json<{ problems: { check: string; message: string }[]; checks: { id: string; status: string }[] }>();
    expect(out.problems.map((p) => p.check)).toEqual(['sqlite.quick-check']);
    // SQLite stops its quick check at such a page (SQLITE_CORRUPT): a finding, not a crash.
    expect(out.problems[0].message).toMatch(/malformed/);
    expect(out.checks.find((c) => c.id === 'backup.pages')?.status).toBe('ok');
    expect(readFileSync(join(L.dir, 'worker-c.db')).equals(readFileSync(join(L.dir, 'worker-d.db')))).toBe(true);
  });
});
