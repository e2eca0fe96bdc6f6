// Row seals on a ledger made before them (migration 010): every row it holds
// is sealed by one baseline event, so the old ledger still verifies and a later
// change behind jmfund's back is named.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH } from '../../src/ledger/events.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, openLedger, schemaVersion, type Db } from '../../src/ledger/open.js';
import { bulkInsert, flushNoted } from '../../src/ledger/seals.js';
import { SCORE_COLUMNS, scoreStoredValues } from '../../src/ledger/scores.repo.js';
import { storedRowHash } from '../../src/ledger/stored-row-hash.js';
import type { ScoreRow } from '../../src/domain/score-row.js';
import { binaryOrder } from '../../src/ledger/statements.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { ledgerWithRound, ROOT, tempDir } from '../helpers.js';
import { addApplications } from './allocation-fixtures.js';

function v9Ledger(): string {
  const path = join(tempDir(), 'v9.db');
  const old = new Database(path);
  for (const f of readdirSync(join(ROOT, 'src', 'ledger', 'migrations')).filter((x) => x < '010').sort()) {
    old.exec(readFileSync(join(ROOT, 'src', 'ledger', 'migrations', f), 'utf8'));
  }
  old.pragma('user_version = 9');
  old.exec(`INSERT INTO rounds VALUES ('R1', '2022-03-01', '2022-04-30', 'p', 'h', '{}', '2022-03-01T00:00:00.000Z', 'o')`);
  old.exec(`INSERT INTO round_budgets VALUES ('R1', 'sme-cloud', 70000000)`);
  // One event, hashed as the release before row seals did.
  const e = { seq: 1, at: '2022-03-01T00:00:00.000Z', officer: 'o', command: 'round create', round_id: 'R1', app_ids: '[]', details: '{}', prev_hash: GENESIS_HASH };
  const hash = eventHash(e);
  old.prepare('INSERT INTO events (seq, at, officer, command, round_id, app_ids, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(...Object.values(e), hash);
  old.prepare("INSERT INTO ledger_meta VALUES ('head', ?)").run(JSON.stringify({ seq: 1, hash }));
  old.close();
  return path;
}

describe('row seals on an older ledger', () => {
  it('seals every existing row with one baseline event dated as the newest event; the ledger verifies', () => {
    const path = v9Ledger();
    const db = openLedger(path);
    const events = db.prepare('SELECT seq, at, command, officer, details, sealed FROM events ORDER BY seq').all() as { seq: number; at: string; command: string; details: string; sealed: string | null }[];
    expect(events.map((e) => e.command)).toEqual(['round create', 'ledger seal']);
    expect(events[1].at).toBe('2022-03-01T00:00:00.000Z');
    expect(JSON.parse(events[1].details)).toEqual({ from_schema: 9, to_schema: schemaVersion(), rows: 2 });
    expect(Object.keys(JSON.parse(events[1].sealed!) as object).sort()).toEqual(['round_budgets', 'rounds']);
    expect(runChecks(db).problems).toEqual([]);
    db.close();
    // Behind jmfund's back, after the upgrade.
    const raw = new Database(path);
    raw.exec('UPDATE round_budgets SET amount_fen = amount_fen * 10');
    raw.close();
    const again = openLedger(path, { readonly: true });
    const p = runChecks(again).problems;
    expect(p.map((x) => [x.check, x.ref.table, x.ref.seq])).toEqual([['chain.rows', 'round_budgets', 2]]);
    expect(p[0].message.en).toBe('a row of round_budgets (round_id=R1, category=sme-cloud) differs from what event #2, which wrote it, recorded: it was changed outside jmfund');
  });

  it('a row deleted by an event and put back behind jmfund\'s back is named with that event', () => {
    const path = v9Ledger();
    const db = openLedger(path);
    inTransaction(db, () => {
      db.prepare("DELETE FROM round_budgets WHERE category = 'sme-cloud'").run();
      appendEvent(db, { at: '2022-03-02T00:00:00.000Z', officer: 'o', command: 'round budget', roundId: 'R1' });
    });
    expect(runChecks(db).problems).toEqual([]);
    db.close();
    const raw = new Database(path);
    raw.exec("INSERT INTO round_budgets VALUES ('R1', 'sme-cloud', 70000000)");
    raw.close();
    const p = runChecks(openLedger(path, { readonly: true })).problems;
    expect(p.map((x) => [x.check, x.ref.table, x.ref.seq])).toEqual([['chain.rows', 'round_budgets', 3]]);
    expect(p[0].message.en).toBe('a row of round_budgets (round_id=R1, category=sme-cloud) was deleted by event #3, yet it is there');
  });

  it('a rolled-back command leaves no seal and no event', () => {
    const path = v9Ledger();
    const db = openLedger(path);
    const before = db.prepare('SELECT count(*) FROM row_seals').pluck().get();
    expect(() =>
      db.transaction(() => {
        db.exec("UPDATE rounds SET created_by = 'x'");
        throw new Error('refused');
      })(),
    ).toThrow('refused');
    expect(db.prepare('SELECT count(*) FROM row_seals').pluck().get()).toBe(before);
    expect(runChecks(db).ok).toBe(true);
  });

  it('an update that changes a row’s key seals the old key as gone and the new one as written', () => {
    const path = v9Ledger();
    const db = openLedger(path);
    inTransaction(db, () => {
      db.prepare("UPDATE round_budgets SET category = 'cluster-pilot' WHERE category = 'sme-cloud'").run();
      db.prepare("UPDATE rounds SET created_by = 'p' WHERE round_id = 'R1'").run();
      appendEvent(db, { at: '2022-03-02T00:00:00.000Z', officer: 'o', command: 'round budget', roundId: 'R1' });
    });
    const seals = db.prepare('SELECT tbl, key, hash IS NULL AS gone FROM row_seals WHERE seq = 3 ORDER BY tbl, key').raw().all();
    expect(seals).toEqual([
      ['round_budgets', '["R1","cluster-pilot"]', 0],
      ['round_budgets', '["R1","sme-cloud"]', 1],
      ['rounds', '["R1"]', 0],
    ]);
    expect(runChecks(db).problems).toEqual([]);
  });

  it('keys moved out of memory in the middle of a command (a large import) are sealed the same; rolled back, they are gone', () => {
    const path = v9Ledger();
    const db = openLedger(path);
    const at = '2022-03-02T00:00:00.000Z';
    inTransaction(db, () => {
      db.prepare("INSERT INTO round_budgets VALUES ('R1', 'cluster-pilot', 1000)").run();
      flushNoted(db);
      db.prepare("UPDATE round_budgets SET amount_fen = 2000 WHERE category = 'cluster-pilot'").run();
      db.prepare("INSERT INTO round_budgets VALUES ('R1', 'talent-training', 3000)").run();
      appendEvent(db, { at, officer: 'o', command: 'round budget', roundId: 'R1' });
    });
    const sealed = db.prepare("SELECT key FROM row_seals WHERE tbl = 'round_budgets' AND seq = 3 ORDER BY key").pluck().all();
    expect(sealed).toEqual(['["R1","cluster-pilot"]', '["R1","talent-training"]']);
    expect(runChecks(db).problems).toEqual([]);
    const before = db.prepare('SELECT count(*) FROM row_seals').pluck().get();
    expect(() =>
      inTransaction(db, () => {
        db.prepare("UPDATE round_budgets SET amount_fen = 1 WHERE category = 'talent-training'").run();
        flushNoted(db);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    inTransaction(db, () => {
      db.prepare("UPDATE round_budgets SET amount_fen = 5000 WHERE category = 'sme-cloud'").run();
      appendEvent(db, { at, officer: 'o', command: 'round budget', roundId: 'R1' });
    });
    // Only the row the second command wrote: nothing of the rolled-back one.
    expect(db.prepare('SELECT count(*) FROM row_seals').pluck().get()).toBe((before as number) + 1);
    expect(runChecks(db).problems).toEqual([]);
  });
});

describe('rows inserted in bulk (seals.bulkInsert)', () => {
  /** A copy of application A5 under another id, inserted the usual way (statement by statement). */
  const insertCopy = (db: Db, id: string) => {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS copy AS SELECT * FROM applications WHERE 0; DELETE FROM temp.copy; INSERT INTO temp.copy SELECT * FROM applications WHERE application_id = 'A5'");
    db.prepare('UPDATE temp.copy SET application_id = ?, project_name = ?').run(id, `项目${id}`);
    db.exec('INSERT INTO main.applications SELECT * FROM temp.copy');
  };
  const at = (day: number) => `2022-05-0${day}T00:00:00.000Z`;

  it('are sealed from the table, once each: a new row changed or deleted later in the same command is sealed as it stands', () => {
    const { db } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A5' }]);
    inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
    const seq = inTransaction(db, () => {
      const rows = bulkInsert(db, 'applications');
      // Out of key order, as an officer's file may list them.
      for (const id of ['A9', 'A1', 'A7', 'A3']) insertCopy(db, id);
      rows.done();
      // A second bulk insert in the same command: its rows are in the first one's range.
      const more = bulkInsert(db, 'applications');
      insertCopy(db, 'A2');
      more.done();
      db.prepare("UPDATE applications SET project_name = '改名' WHERE application_id = 'A7'").run();
      db.prepare("DELETE FROM applications WHERE application_id = 'A3'").run();
      return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
    });
    const seals = db.prepare("SELECT key, hash IS NULL AS gone FROM row_seals WHERE tbl = 'applications' AND seq = ? ORDER BY key").raw().all(seq);
    expect(seals).toEqual([
      ['["A1"]', 0],
      ['["A2"]', 0],
      ['["A3"]', 1],
      ['["A7"]', 0],
      ['["A9"]', 0],
    ]);
    expect(runChecks(db).problems).toEqual([]);
    // The insert trigger is back: a row inserted by a later command is sealed by it.
    const next = inTransaction(db, () => {
      insertCopy(db, 'A4');
      return appendEvent(db, { at: at(3), officer: 'o', command: 'import', roundId: 'R1' }).seq;
    });
    expect(db.prepare("SELECT key FROM row_seals WHERE tbl = 'applications' AND seq = ?").pluck().all(next)).toEqual(['["A4"]']);
    expect(runChecks(db).problems).toEqual([]);
  });

  it('that add no row record nothing for the table: the event names no digest whose entries are missing', () => {
    const { db } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1' }]);
    inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
    // An allocation whose plan has no line (or an import whose every row is there): the bulk insert adds none.
    const seq = inTransaction(db, () => {
      bulkInsert(db, 'allocation_lines').done();
      db.prepare("UPDATE applications SET project_name = '改名' WHERE application_id = 'A1'").run();
      return appendEvent(db, { at: at(2), officer: 'o', command: 'allocate', roundId: 'R1' }).seq;
    });
    const sealed = db.prepare('SELECT sealed FROM events WHERE seq = ?').pluck().get(seq) as string;
    expect(Object.keys(JSON.parse(sealed) as object)).toEqual(['applications']);
    // Nothing else at all: the event seals nothing.
    const none = inTransaction(db, () => {
      bulkInsert(db, 'allocation_lines').done();
      return appendEvent(db, { at: at(3), officer: 'o', command: 'allocate', roundId: 'R1' }).seq;
    });
    expect(db.prepare('SELECT sealed FROM events WHERE seq = ?').pluck().get(none)).toBeNull();
    expect(runChecks(db).problems.filter((p) => p.check === 'chain.rows' && p.ref.table !== 'rounds' && p.ref.table !== 'round_budgets')).toEqual([]);
  });

  /** Row seals (key, hash) and the digest of applications that event `seq` recorded. */
  const sealsOf = (db: Db, seq: number) => ({
    rows: db.prepare("SELECT key, hex(hash) FROM row_seals WHERE tbl = 'applications' AND seq = ? ORDER BY key").raw().all(seq),
    digest: (JSON.parse(db.prepare('SELECT sealed FROM events WHERE seq = ?').pluck().get(seq) as string) as Record<string, string>).applications,
  });

  it('hashed ahead while they come (sealAhead), are sealed exactly as without: changed, deleted and rowids used again included', () => {
    const run = (ahead: boolean) => {
      const { db } = ledgerWithRound('R1');
      addApplications(db, 'R1', [{ id: 'A5' }]);
      inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
      const seq = inTransaction(db, () => {
        const rows = bulkInsert(db, 'applications');
        const hashed: boolean[] = [];
        const step = (n: number) => ahead && hashed.push(rows.sealAhead(n));
        insertCopy(db, 'A9');
        step(1);
        for (const id of ['A1', 'A7', 'A3']) insertCopy(db, id);
        step(2);
        step(10);
        step(10);
        // Changed and deleted after their hashes were made: noted by the triggers.
        db.prepare("UPDATE applications SET project_name = '改名' WHERE application_id = 'A7'").run();
        db.prepare("DELETE FROM applications WHERE application_id = 'A1'").run();
        // The newest row deleted: the next insert takes its rowid, under another key, and no trigger notes it.
        db.prepare("DELETE FROM applications WHERE application_id = 'A3'").run();
        insertCopy(db, 'A4');
        // A savepoint rolled back after its rows were hashed: their hashes go with it, and the rowid is taken again.
        db.exec('SAVEPOINT part');
        insertCopy(db, 'A6');
        step(10);
        db.exec('ROLLBACK TO part; RELEASE part');
        insertCopy(db, 'A8');
        insertCopy(db, 'A2');
        rows.done();
        if (ahead) expect(hashed).toEqual([true, true, true, false, true]);
        return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      // The hashes made ahead are gone with the seal.
      if (ahead) expect(db.prepare('SELECT count(*) FROM temp.jm_ahead_applications').pluck().get()).toBe(0);
      return sealsOf(db, seq);
    };
    const without = run(false);
    expect(without.rows.map((r) => (r as string[])[0])).toEqual(['["A1"]', '["A2"]', '["A3"]', '["A4"]', '["A7"]', '["A8"]', '["A9"]']);
    expect(run(true)).toEqual(without);
  });

  it.each([
    ['in key order', ['A1', 'A2', 'A3', 'A4'], false],
    ['in key order, one changed and one deleted after', ['A1', 'A2', 'A3', 'A4'], true],
    ['out of key order all the same', ['A9', 'A1', 'A7'], false],
    // Key order is the ids' own; their keys' JSON texts sort otherwise ('"' after '!').
    ['whose key texts sort otherwise', ['A', 'A!', 'B'], false],
    // SQLite orders U+FF01 before U+1F600 (UTF-8); JavaScript's < the other way (UTF-16).
    ['out of order as SQLite sees them, not as JavaScript does', ['A\u{1F600}', 'A\uFF01', 'B'], false],
  ] as const)('said to come in key order (inKeyOrder), are sealed exactly as when sorted: %s', (_, ids, changed) => {
    const run = (inKeyOrder: boolean) => {
      const { db } = ledgerWithRound('R1');
      addApplications(db, 'R1', [{ id: 'A5' }]);
      inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
      const seq = inTransaction(db, () => {
        const rows = bulkInsert(db, 'applications', undefined, { inKeyOrder });
        for (const id of ids) insertCopy(db, id);
        rows.done();
        if (changed) {
          db.prepare('UPDATE applications SET project_name = ? WHERE application_id = ?').run('改名', ids[1]);
          db.prepare('DELETE FROM applications WHERE application_id = ?').run(ids[2]);
        }
        return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      return sealsOf(db, seq);
    };
    const sorted = run(false);
    expect(sorted.rows.map((r) => (r as string[])[0])).toEqual(ids.map((id) => JSON.stringify([id])).sort(binaryOrder));
    expect(run(true)).toEqual(sorted);
  });

  it('listed with the hashes made before they were stored (hashed keys), are sealed with them as if read back; a wrong one is named by verify', () => {
    const src = { file: 'scores.csv', sha256: 'f'.repeat(64), at: at(2) };
    const score = (app: string, expert: string, comment: string | null): ScoreRow => ({ line: 2, applicationId: app, expertId: expert, centi: 8000, criteria: null, recused: false, comment });
    /** Scores inserted in bulk, listed by their keys with a hash each (`hashed`): what hashOf gives, or none. */
    const insertScores = (db: Db, rows: ScoreRow[], hashed: boolean, hashOf = (r: ScoreRow) => storedRowHash('scores', scoreStoredValues(r, 'R1', src))) => {
      db.exec('CREATE TEMP TABLE IF NOT EXISTS k (application_id TEXT, expert_id TEXT, hash TEXT); DELETE FROM temp.k');
      for (const r of rows) db.prepare('INSERT INTO temp.k VALUES (?, ?, ?)').run(r.applicationId, r.expertId, hashed ? hashOf(r) : null);
      const bulk = bulkInsert(db, 'scores', `SELECT application_id, expert_id${hashed ? ', hash' : ''} FROM temp.k`, { hashed });
      const ins = db.prepare(`INSERT INTO scores (${SCORE_COLUMNS.join(', ')}) VALUES (${SCORE_COLUMNS.map(() => '?').join(', ')})`);
      for (const r of rows) ins.run(scoreStoredValues(r, 'R1', src).map((v) => (typeof v === 'number' ? BigInt(v) : v)));
      bulk.done();
    };
    const run = (hashed: boolean) => {
      const { db } = ledgerWithRound('R1');
      addApplications(db, 'R1', [{ id: 'A1' }, { id: 'A2' }, { id: 'A3' }]);
      inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
      const seq = inTransaction(db, () => {
        insertScores(db, [score('A3', 'E1', '好'), score('A1', 'E1', 'say "yes"'), score('A2', 'E1', null)], hashed);
        // A second bulk insert of the table in the same command, without hashes: every row is read back.
        insertScores(db, [score('A1', 'E2', null)], false);
        // Changed after its insert: sealed as it stands.
        db.prepare("UPDATE scores SET comment = '改' WHERE application_id = 'A2'").run();
        return appendEvent(db, { at: at(2), officer: 'o', command: 'scores import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      // The other way round: rows without hashes first.
      const unhashedFirst = inTransaction(db, () => {
        insertScores(db, [score('A1', 'E3', null)], false);
        insertScores(db, [score('A2', 'E3', null)], hashed);
        return appendEvent(db, { at: at(2), officer: 'o', command: 'scores import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      const hashedOnly = inTransaction(db, () => {
        insertScores(db, [score('A2', 'E2', '细节'), score('A3', 'E2', null)], true);
        return appendEvent(db, { at: at(3), officer: 'o', command: 'scores import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      return [sealsOf(db, seq), sealsOf(db, unhashedFirst), sealsOf(db, hashedOnly)];
    };
    expect(run(true)).toEqual(run(false));
    // A hash that is not the stored row's: verify names the row.
    const { db } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A1' }]);
    inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
    inTransaction(db, () => {
      insertScores(db, [score('A1', 'E1', 'stored')], true, (r) => storedRowHash('scores', scoreStoredValues({ ...r, comment: 'other' }, 'R1', src)));
      appendEvent(db, { at: at(2), officer: 'o', command: 'scores import', roundId: 'R1' });
    });
    expect(runChecks(db).problems.map((p) => p.message.en)).toEqual([expect.stringContaining('a row of scores (application_id=A1, expert_id=E1) differs from what event #')]);
  });

  it('said to come in key order, two bulk inserts of one command are sealed as when sorted', () => {
    const run = (inKeyOrder: boolean) => {
      const { db } = ledgerWithRound('R1');
      addApplications(db, 'R1', [{ id: 'A5' }]);
      inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
      const seq = inTransaction(db, () => {
        for (const part of [['A6', 'A8'], ['A1', 'A7']]) {
          const rows = bulkInsert(db, 'applications', undefined, { inKeyOrder });
          for (const id of part) insertCopy(db, id);
          rows.done();
        }
        return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      return sealsOf(db, seq);
    };
    const sorted = run(false);
    expect(sorted.rows.map((r) => (r as string[])[0])).toEqual(['["A1"]', '["A6"]', '["A7"]', '["A8"]']);
    expect(run(true)).toEqual(sorted);
  });

  it('listed by their keys and mixed with rows noted one by one (a check), are sealed in key order exactly as if all were noted', () => {
    const run = (bulk: boolean) => {
      const { db } = ledgerWithRound('R1');
      addApplications(db, 'R1', ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'].map((id) => ({ id })));
      const setStatus = db.prepare(
        'INSERT INTO application_eligibility (application_id, eligibility) VALUES (?, ?) ON CONFLICT (application_id) DO UPDATE SET eligibility = excluded.eligibility',
      );
      inTransaction(db, () => {
        setStatus.run('A4', 'needs-review');
        setStatus.run('A7', 'ineligible');
        appendEvent(db, { at: at(1), officer: 'o', command: 'check', roundId: 'R1' });
      });
      const seq = inTransaction(db, () => {
        // One by one, as check stores the applications that are not eligible.
        setStatus.run('A2', 'needs-review');
        setStatus.run('A6', 'ineligible');
        // Then the rest in one statement: new rows, and A4 and A7 updated.
        const eligible = ['A1', 'A3', 'A4', 'A5', 'A7', 'A8'];
        db.exec('CREATE TEMP TABLE IF NOT EXISTS ids (application_id TEXT PRIMARY KEY) WITHOUT ROWID');
        for (const id of eligible) db.prepare('INSERT INTO temp.ids VALUES (?)').run(id);
        const rows = bulk ? bulkInsert(db, 'application_eligibility', 'SELECT application_id FROM temp.ids') : null;
        db.exec("INSERT INTO application_eligibility (application_id, eligibility) SELECT application_id, 'eligible' FROM temp.ids ORDER BY 1 ON CONFLICT (application_id) DO UPDATE SET eligibility = excluded.eligibility");
        rows?.done();
        return appendEvent(db, { at: at(2), officer: 'o', command: 'check', roundId: 'R1' }).seq;
      });
      expect(runChecks(db).problems).toEqual([]);
      return {
        rows: db.prepare("SELECT key, hex(hash) FROM row_seals WHERE tbl = 'application_eligibility' AND seq = ? ORDER BY key").raw().all(seq),
        digest: (JSON.parse(db.prepare('SELECT sealed FROM events WHERE seq = ?').pluck().get(seq) as string) as Record<string, string>).application_eligibility,
      };
    };
    const noted = run(false);
    expect(noted.rows.map((r) => (r as string[])[0])).toEqual(['["A1"]', '["A2"]', '["A3"]', '["A4"]', '["A5"]', '["A6"]', '["A7"]', '["A8"]']);
    expect(run(true)).toEqual(noted);
  });

  it.each([false, true])('rolled back, none of them is sealed and the insert trigger is back (hashed ahead: %s)', (ahead) => {
    const { db } = ledgerWithRound('R1');
    addApplications(db, 'R1', [{ id: 'A5' }]);
    inTransaction(db, () => appendEvent(db, { at: at(1), officer: 'o', command: 'import', roundId: 'R1' }));
    expect(() =>
      inTransaction(db, () => {
        const rows = bulkInsert(db, 'applications');
        insertCopy(db, 'A6');
        if (ahead) expect(rows.sealAhead(100)).toBe(true);
        rows.done();
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(db.prepare("SELECT count(*) FROM sqlite_temp_master WHERE name = 'jm_seal_applications_i'").pluck().get()).toBe(1);
    const seq = inTransaction(db, () => {
      insertCopy(db, 'A8');
      if (!ahead) return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
      // The next bulk insert hashes ahead afresh: nothing of the rolled back one is left to seal.
      const rows = bulkInsert(db, 'applications');
      insertCopy(db, 'A9');
      expect(rows.sealAhead(100)).toBe(true);
      insertCopy(db, 'A7');
      rows.done();
      return appendEvent(db, { at: at(2), officer: 'o', command: 'import', roundId: 'R1' }).seq;
    });
    expect(db.prepare("SELECT key FROM row_seals WHERE tbl = 'applications' AND seq = ?").pluck().all(seq)).toEqual(ahead ? ['["A7"]', '["A8"]', '["A9"]'] : ['["A8"]']);
    expect(runChecks(db).problems).toEqual([]);
  });
});
