import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendEvent, verifyChain } from '../../src/ledger/events.js';
import { createLedger, inTransaction, openLedger, schemaVersion, type Db } from '../../src/ledger/open.js';
import { hasColumn } from '../../src/ledger/schema.js';
import { eligibilitySql, stateSql } from '../../src/ledger/states.js';
import { getRound, listRounds } from '../../src/ledger/rounds.repo.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { ledgerWithRound, ROOT, tempDir } from '../helpers.js';
import { addApplications } from './allocation-fixtures.js';
import { downTo11, downTo12 } from './older-ledgers.js';
// The shell an auditor is likeliest to check a ledger with, installed from Debian's packages when missing, as the bench does.
import { ensureSqlite3 } from '../../bench/lib/measure.mjs';

describe('ledger file', () => {
  it('is created with mode 0600, migrated to the current schema, and refused a second time', () => {
    const path = join(tempDir(), 'l.db');
    const db = createLedger(path);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion());
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => createLedger(path)).toThrow(/already exists/);
  });

  it('a transaction rolled back after spilling pages to the file leaves it byte for byte as it was, pages freed earlier included', () => {
    const { db, path } = ledgerWithRound();
    const sha = () => createHash('sha256').update(readFileSync(path)).digest('hex');
    // Pages freed by an earlier command: SQLite reuses a free page without journaling it, so a rollback would
    // not put back what it held; a new ledger moves free pages to its end and truncates them at each commit.
    db.exec('CREATE TABLE scratch (x BLOB)');
    const fill = (n: number) => db.prepare('WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) INSERT INTO scratch SELECT randomblob(3000) FROM k').run(n);
    fill(300);
    db.exec('DELETE FROM scratch WHERE rowid % 2 = 0');
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    const before = sha();
    // A small page cache: the transaction writes its pages to the file before it ends, as a 10^5-row import does.
    db.pragma('cache_size = 20');
    db.exec('BEGIN');
    fill(2000);
    db.exec('ROLLBACK');
    expect(sha()).toBe(before);
    db.close();
  });

  it('leaves no -wal or -journal file beside it once closed', () => {
    const { db, path } = ledgerWithRound();
    inTransaction(db, () => appendEvent(db, { at: '2022-01-01T00:00:00.000Z', officer: 'a', command: 'x' }));
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-journal`)).toBe(false);
  });

  it('refuses a ledger made by a newer jmfund', () => {
    const { db, path } = ledgerWithRound();
    db.pragma(`user_version = ${schemaVersion() + 1}`);
    db.close();
    expect(() => openLedger(path)).toThrow(/newer jmfund/);
  });

  it('migrates an older ledger forward after a backup', () => {
    // A ledger as the first release made it: only migration 001.
    const path = join(tempDir(), 'old.db');
    const old = new Database(path);
    old.exec(readFileSync(join(ROOT, 'src', 'ledger', 'migrations', '001-initial.sql'), 'utf8'));
    old.pragma('user_version = 1');
    old.close();
    const again = openLedger(path);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion());
    again.close();
    expect(existsSync(`${path}.v1.bak`)).toBe(true);
  });

  it('migration 011 replaces the unread rank index of score_aggregates by one on round_id; the ledger verifies', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1', score: 80 }, { id: 'A2', score: 70 }]);
    inTransaction(db, () => appendEvent(db, { at: '2022-05-02T00:00:00.000Z', officer: 'o', command: 'scores aggregate', roundId: 'R1' }));
    db.close();
    // Back to version 10 as it was: the rank index, not the round one, and the status in the application rows (before 012).
    const raw = new Database(path);
    raw.exec('DROP INDEX score_aggregates_round; CREATE INDEX score_aggregates_rank ON score_aggregates(round_id, status, score_key)');
    downTo11(raw);
    raw.pragma('user_version = 10');
    const events = raw.prepare('SELECT count(*) FROM events').pluck().get();
    raw.close();
    const again = openLedger(path);
    const indexes = again.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'score_aggregates' AND sql IS NOT NULL").pluck().all();
    expect(indexes).toEqual(['score_aggregates_round']);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion());
    // Migration 011 adds no event; 012 seals the application rows it rewrote.
    expect(again.prepare('SELECT command FROM events WHERE seq > ?').pluck().all(events)).toEqual(['ledger seal']);
    expect(runChecks(again).problems).toEqual([]);
    again.close();
    expect(existsSync(`${path}.v10.bak`)).toBe(true);
  });

  it('migration 012 moves every status to application_eligibility, leaves the states as they read, seals the rows again; a later change is named', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [
      { id: 'A1' },
      { id: 'A2', eligibility: 'ineligible', state: 'ineligible' },
      { id: 'A3', eligibility: 'needs-review', state: 'needs-review' },
      { id: 'A4', eligibility: null, state: 'imported' },
      { id: 'A5', eligibility: 'ineligible', state: 'withdrawn' },
    ]);
    inTransaction(db, () => appendEvent(db, { at: '2022-05-02T00:00:00.000Z', officer: 'o', command: 'check', roundId: 'R1' }));
    const read = (d: Db) => d.prepare(`SELECT a.application_id, ${stateSql(d, 'a')} AS state, ${eligibilitySql(d, 'a')} AS eligibility FROM applications a ORDER BY 1`).all();
    const before = read(db);
    expect(before).toEqual([
      { application_id: 'A1', state: 'eligible', eligibility: 'eligible' },
      { application_id: 'A2', state: 'ineligible', eligibility: 'ineligible' },
      { application_id: 'A3', state: 'needs-review', eligibility: 'needs-review' },
      { application_id: 'A4', state: 'imported', eligibility: null },
      { application_id: 'A5', state: 'withdrawn', eligibility: 'ineligible' },
    ]);
    db.close();
    const raw = new Database(path);
    downTo11(raw);
    raw.pragma('user_version = 11');
    const events = raw.prepare('SELECT count(*) FROM events').pluck().get() as number;
    raw.close();
    // Read-only, a version-11 ledger is read as it is: the status from the row.
    const old = openLedger(path, { readonly: true });
    expect(read(old)).toEqual(before);
    old.close();

    const again = openLedger(path);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion());
    expect(hasColumn(again, 'applications', 'eligibility')).toBe(false);
    expect(read(again)).toEqual(before);
    const seal = again.prepare('SELECT command, details, sealed FROM events WHERE seq > ?').all(events) as { command: string; details: string; sealed: string }[];
    expect(seal.map((e) => [e.command, JSON.parse(e.details)])).toEqual([['ledger seal', { from_schema: 11, to_schema: schemaVersion(), rows: 9 }]]);
    expect(Object.keys(JSON.parse(seal[0].sealed) as object).sort()).toEqual(['application_eligibility', 'applications']);
    expect(runChecks(again).problems).toEqual([]);
    again.close();
    expect(existsSync(`${path}.v11.bak`)).toBe(true);

    const tamper = new Database(path);
    tamper.exec("UPDATE application_eligibility SET eligibility = 'eligible' WHERE application_id = 'A2'");
    tamper.close();
    const p = runChecks(openLedger(path, { readonly: true })).problems;
    expect(p.map((x) => [x.check, x.ref.table])).toEqual([['chain.rows', 'application_eligibility']]);
  });

  it('readOnlyFile opens the file read-only: the checks find what they find on a writable connection, and nothing can be written', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1' }]);
    db.close();
    const before = readFileSync(path);
    const rw = openLedger(path, { readonly: true });
    const found = runChecks(rw).problems;
    rw.close();
    // The fixture's rows were added without events: the same findings either way.
    expect(found.length).toBeGreaterThan(0);
    const ro = openLedger(path, { readonly: true, readOnlyFile: true });
    expect(ro.readonly).toBe(true);
    expect(ro.pragma('quick_check', { simple: true })).toBe('ok');
    expect(runChecks(ro).problems).toEqual(found);
    expect(() => ro.prepare("UPDATE applications SET project_name = 'x'").run()).toThrow(/readonly/);
    ro.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('migration 013 puts event_apps in its key order, every link kept; the ledger verifies', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1' }, { id: 'A2' }, { id: 'A3' }]);
    inTransaction(db, () => appendEvent(db, { at: '2022-05-02T00:00:00.000Z', officer: 'o', command: 'check', roundId: 'R1', appIds: ['A3', 'A1'] }));
    inTransaction(db, () => appendEvent(db, { at: '2022-05-03T00:00:00.000Z', officer: 'o', command: 'decide', roundId: 'R1', appIds: ['A1'] }));
    const links = (d: Db) => d.prepare('SELECT application_id, seq FROM event_apps ORDER BY application_id, seq').all();
    const before = links(db);
    expect(before).toHaveLength(3);
    const checked = runChecks(db).problems;
    db.close();
    const raw = new Database(path);
    downTo12(raw);
    raw.pragma('user_version = 12');
    raw.close();
    const again = openLedger(path);
    expect(again.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('event_apps')).toEqual(['application_id', 'seq']);
    expect(links(again)).toEqual(before);
    // Found through the key, as `log --app` finds them.
    expect(again.prepare('SELECT seq FROM event_apps WHERE application_id = ? ORDER BY seq').pluck().all('A1')).toHaveLength(2);
    expect(again.pragma('quick_check', { simple: true })).toBe('ok');
    // No event: the links are not sealed rows. The fixture's own findings (rows added without events) are all there is.
    expect(runChecks(again).problems).toEqual(checked);
    again.close();
    expect(existsSync(`${path}.v12.bak`)).toBe(true);
  });

  it.skipIf(ensureSqlite3(() => {}) === null)('the sqlite3 shell of this machine finds nothing wrong in a ledger with its quick check or its integrity check', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1', score: 80 }, { id: 'A2', score: 70 }]);
    inTransaction(db, () => appendEvent(db, { at: '2022-05-02T00:00:00.000Z', officer: 'o', command: 'check', roundId: 'R1', appIds: ['A1', 'A2'] }));
    db.close();
    for (const pragma of ['quick_check', 'integrity_check']) {
      expect(execFileSync('sqlite3', ['-readonly', path, `PRAGMA ${pragma}(1000)`], { encoding: 'utf8' }).trim()).toBe('ok');
    }
  });

  it('the upgrade tells its listener of the rows it seals again, and only of those', () => {
    const { db, path } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1' }, { id: 'A2', eligibility: 'ineligible', state: 'ineligible' }]);
    inTransaction(db, () => appendEvent(db, { at: '2022-05-02T00:00:00.000Z', officer: 'o', command: 'check', roundId: 'R1' }));
    db.close();
    const raw = new Database(path);
    downTo11(raw);
    raw.pragma('user_version = 11');
    raw.close();
    const heard: string[] = [];
    const again = openLedger(path, {
      onUpgrade: (u) => {
        heard.push(`upgrade ${u.from}→${u.to}`);
        return { tick: (done, total) => heard.push(`${done}/${total}`), end: () => heard.push('end') };
      },
    });
    expect(heard).toEqual([`upgrade 11→${schemaVersion()}`, 'end']);
    // A later write's seals are the command's to report, not the upgrade's.
    inTransaction(again, () => {
      again.prepare("UPDATE application_eligibility SET eligibility = 'needs-review' WHERE application_id = 'A2'").run();
      appendEvent(again, { at: '2022-05-03T00:00:00.000Z', officer: 'o', command: 'decide', roundId: 'R1' });
    });
    expect(heard).toEqual([`upgrade 11→${schemaVersion()}`, 'end']);
    expect(runChecks(again).problems).toEqual([]);
    again.close();
  });

  it('migration 008 keeps every allocation line of a v7 ledger and still refuses an unknown reason or binding', () => {
    const path = join(tempDir(), 'v7.db');
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    for (const f of ['001-initial', '002-event-apps', '003-eligibility', '004-scores', '005-allocation', '006-lifecycle', '007-audit']) {
      old.exec(readFileSync(join(ROOT, 'src', 'ledger', 'migrations', `${f}.sql`), 'utf8'));
    }
    old.pragma('user_version = 7');
    old.exec(`INSERT INTO rounds VALUES ('R1', '2022-03-01', '2022-04-30', 'p', 'h', '{}', 't', 'o')`);
    const app = old.prepare(`INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category,
      project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement,
      submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
      VALUES (?, 'R1', 'E', ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100, 100, 0, 1, 1, 0, 1, '2022-03-02', 'f.csv', 2, 'x', 'x', 't', 't')`);
    app.run('A1', '91440703MA00000001', 'P1');
    app.run('A2', '91440703MA00000002', 'P2');
    old.exec(`INSERT INTO allocations VALUES ('R1', 1, 'ranked', 'skip', 'score-desc', '{}', '[]', 't', 'o')`);
    old.exec(`INSERT INTO allocation_lines VALUES ('R1', 1, 'A1', 'sme-cloud', NULL, 1, '80.00', 100, 100, 100, 'funded', 'requested', '{"cap_fen":100}'),
      ('R1', 1, 'A2', 'sme-cloud', NULL, NULL, NULL, 100, 0, 0, 'ineligible', NULL, '{}')`);
    old.close();

    const db = openLedger(path);
    expect(db.prepare('SELECT * FROM allocation_lines ORDER BY application_id').all()).toEqual([
      { round_id: 'R1', version: 1, application_id: 'A1', category: 'sme-cloud', cluster: null, rank: 1, score_display: '80.00', cap_fen: 100, entitled_fen: 100, award_fen: 100, reason: 'funded', binding: 'requested' },
      { round_id: 'R1', version: 1, application_id: 'A2', category: 'sme-cloud', cluster: null, rank: null, score_display: null, cap_fen: 100, entitled_fen: 0, award_fen: 0, reason: 'ineligible', binding: null },
    ]);
    const line = db.prepare(`INSERT INTO allocation_lines VALUES ('R1', 2, ?, 'sme-cloud', NULL, NULL, NULL, 100, 0, 0, ?, ?)`);
    db.exec(`INSERT INTO allocations VALUES ('R1', 2, 'ranked', 'skip', 'score-desc', '{}', '[]', 't', 'o')`);
    expect(() => line.run('A1', 'lucky', null)).toThrow(/CHECK constraint/);
    expect(() => line.run('A1', 'funded', 'mood')).toThrow(/CHECK constraint/);
    expect(() => db.prepare(`INSERT INTO allocation_lines VALUES ('R1', 2, 'A9', 'sme-cloud', NULL, NULL, NULL, 100, 0, 0, 'funded', NULL)`).run()).toThrow(/FOREIGN KEY/);
    db.prepare(`INSERT INTO allocation_lines VALUES ('R1', 2, 'A1', 'sme-cloud', NULL, NULL, NULL, 100, 0, 0, 'did-not-fit', 'cluster-pool')`).run();
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('refuses a file that is not a ledger', () => {
    const path = join(tempDir(), 'x.db');
    new Database(path).close();
    expect(() => openLedger(path)).toThrow(/not a jmfund ledger/);
  });

  it('keeps the round and its policy exactly as created', () => {
    const { db } = ledgerWithRound('R9', { 'sme-cloud': 300_000_000 });
    const r = getRound(db, 'R9')!;
    expect(r.budgets).toEqual({ 'sme-cloud': 300_000_000 });
    expect(r.policy.id).toBe('jiangmen-2021');
    expect(listRounds(db).map((x) => x.roundId)).toEqual(['R9']);
  });
});

describe('one transaction per command', () => {
  it('rolls back everything when the command fails half-way', () => {
    const { db } = ledgerWithRound();
    expect(() =>
      inTransaction(db, () => {
        appendEvent(db, { at: '2022-01-01T00:00:00.000Z', officer: 'a', command: 'x' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
  });
});

describe('event chain (SPEC §11)', () => {
  const setup = () => {
    const { db } = ledgerWithRound();
    for (let i = 0; i < 5; i++) {
      inTransaction(db, () => appendEvent(db, { at: `2022-01-0${i + 1}T00:00:00.000Z`, officer: 'o', command: `c${i}`, roundId: 'R1', appIds: [`A${i}`], details: { i } }));
    }
    return db;
  };

  it('verifies a chain written by appendEvent', () => {
    const db = setup();
    const v = verifyChain(db);
    expect(v.problems).toEqual([]);
    expect(v.count).toBe(5);
  });

  it('names an event whose details were changed behind its back', () => {
    const db = setup();
    db.prepare(`UPDATE events SET details = '{"i":99}' WHERE seq = 3`).run();
    expect(verifyChain(db).problems).toEqual([expect.objectContaining({ seq: 3, problem: 'hash-mismatch' })]);
  });

  it('names a deleted event in the middle and at the end', () => {
    const db = setup();
    db.prepare('DELETE FROM event_apps WHERE seq IN (2, 5)').run();
    db.prepare('DELETE FROM events WHERE seq IN (2, 5)').run();
    const problems = verifyChain(db).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ seq: 3, problem: 'gap' }),
        expect.objectContaining({ seq: 3, problem: 'broken-link' }),
        expect.objectContaining({ problem: 'head-mismatch' }),
      ]),
    );
  });
});
