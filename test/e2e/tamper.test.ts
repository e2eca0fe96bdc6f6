// Every fact row under the chain (issue 16): on a finished round, each fact
// table is changed behind jmfund's back with plain SQL (better-sqlite3 on the
// file, its guarding triggers dropped first), and `verify` exits 1 naming that
// table. Also: seals forged with the project's own hashing code, events
// deleted at the end together with the head.
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportLedger, fixtureEnv, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { rowHash, rowText, SEALED_TABLES } from '../../src/ledger/seals.js';
import { runCli } from '../helpers.js';

interface VerifyJson {
  ok: boolean;
  problems: { check: string; where: string; ref: { table?: string; key?: Record<string, unknown>; seq?: number }; message: string }[];
}

let L: FixtureLedger;
let n = 0;
beforeAll(() => {
  L = buildReportLedger('final');
}, 300_000);

/** A copy of the finished ledger, changed by `edit` on a plain connection, then verified. */
function tampered(edit: (db: Database.Database) => void): { code: number; v: VerifyJson } {
  const copy = join(L.dir, `tampered-${++n}.db`);
  copyFileSync(L.db, copy);
  const db = new Database(copy);
  db.pragma('foreign_keys = OFF');
  edit(db);
  db.close();
  const r = runCli(['--json', 'verify'], { env: fixtureEnv(copy) });
  return { code: r.code, v: r.json<VerifyJson>() };
}

const dropTriggers = (db: Database.Database, table: string) => {
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").pluck().all(table) as string[]) db.exec(`DROP TRIGGER "${t}"`);
};

/** The first row of a table, and the WHERE clause and values that name it by its key (WITHOUT ROWID tables have no rowid). */
function firstRow(db: Database.Database, table: string): { row: Record<string, unknown>; where: string; key: unknown[] } | undefined {
  const keys = SEALED_TABLES[table];
  const row = db.prepare(`SELECT * FROM "${table}" LIMIT 1`).get() as Record<string, unknown> | undefined;
  return row && { row, where: keys.map((k) => `"${k}" = ?`).join(' AND '), key: keys.map((k) => row[k]) };
}

// Columns whose values a CHECK limits to a few words: changed to another allowed word.
const OTHER_WORD: Record<string, string> = { random: 'above-amount', 'above-amount': 'random', eligible: 'needs-review', 'needs-review': 'eligible', ineligible: 'eligible' };

/** Changes one value of one row: the first column whose change the table's constraints accept. */
function changeOneValue(db: Database.Database, table: string): boolean {
  const first = firstRow(db, table);
  if (!first) return false;
  const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).filter((c) => !SEALED_TABLES[table].includes(c));
  for (const c of cols) {
    const v = first.row[c];
    for (const next of typeof v === 'number' ? [v + 1] : typeof v === 'string' ? [`${v}x`, OTHER_WORD[v]] : []) {
      if (next === undefined) continue;
      try {
        db.prepare(`UPDATE "${table}" SET "${c}" = ? WHERE ${first.where}`).run(next, ...first.key);
        return true;
      } catch {
        /* a CHECK or the type refused it: the next value or column */
      }
    }
  }
  return false;
}

const FACT_TABLES = Object.keys(SEALED_TABLES);
const withRows = (table: string): boolean => {
  const db = new Database(L.db, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number) > 0;
  } finally {
    db.close();
  }
};

const namesTable = (r: { code: number; v: VerifyJson }, table: string) => {
  expect(r.code).toBe(1);
  expect(r.v.ok).toBe(false);
  expect(r.v.problems.filter((p) => p.check === 'chain.rows').map((p) => p.ref.table)).toContain(table);
};

describe('every fact row under the chain', () => {
  it('the finished round verifies, and holds rows in almost every fact table', () => {
    const r = runCli(['--json', 'verify'], { env: fixtureEnv(L.db) });
    expect(r.json<VerifyJson>().problems).toEqual([]);
    expect(r.code).toBe(0);
    const empty = FACT_TABLES.filter((t) => !withRows(t));
    // Side lists are not used by this fixture; everything else is there to tamper with.
    expect(empty.every((t) => ['prior_funding', 'credit_listings', 'violations', 'accidents', 'manual_awards', 'spot_check_findings', 'recoveries'].includes(t)), empty.join(', ')).toBe(true);
  });

  it.each(FACT_TABLES)('%s: a value changed with plain SQL is named', (table) => {
    if (!withRows(table)) return;
    let changed = false;
    const r = tampered((db) => {
      dropTriggers(db, table);
      changed = changeOneValue(db, table);
    });
    expect(changed).toBe(true);
    namesTable(r, table);
    const p = r.v.problems.find((x) => x.check === 'chain.rows' && x.ref.table === table)!;
    expect(p.message).toContain('changed outside jmfund');
    expect(p.ref.key).toBeDefined();
  });

  it.each(FACT_TABLES)('%s: a row deleted with plain SQL is named', (table) => {
    if (!withRows(table)) return;
    const r = tampered((db) => {
      dropTriggers(db, table);
      const first = firstRow(db, table)!;
      db.prepare(`DELETE FROM "${table}" WHERE ${first.where}`).run(...first.key);
    });
    namesTable(r, table);
    expect(r.v.problems.find((x) => x.check === 'chain.rows' && x.ref.table === table)!.message).toContain('deleted outside jmfund');
  });

  it.each(['payments', 'clawbacks', 'objections', 'eligibility_decisions', 'filings', 'notices', 'spot_checks'])('%s: a row inserted with plain SQL is named', (table) => {
    const id = SEALED_TABLES[table][0];
    const r = tampered((db) => {
      const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).map((c) => (c === id ? `(SELECT max("${id}") + 100 FROM "${table}")` : `"${c}"`));
      db.prepare(`INSERT INTO "${table}" SELECT ${cols.join(', ')} FROM "${table}" LIMIT 1`).run();
    });
    namesTable(r, table);
    expect(r.v.problems.find((x) => x.check === 'chain.rows' && x.ref.table === table)!.message).toContain('added outside jmfund');
  });

  it('the issue\'s cases: a budget ×10, expert scores set to 99, the stored policy\'s threshold 60 → 10', () => {
    const r = tampered((db) => {
      db.exec('UPDATE round_budgets SET amount_fen = amount_fen * 10');
      db.exec("UPDATE scores SET score_centi = 9900 WHERE application_id = (SELECT min(application_id) FROM scores)");
      db.exec("UPDATE rounds SET policy_json = json_set(policy_json, '$.scoring.threshold', 10)");
    });
    const tables = new Set(r.v.problems.filter((p) => p.check === 'chain.rows').map((p) => p.ref.table));
    expect([...tables].sort()).toEqual(['round_budgets', 'rounds', 'scores']);
  });

  it('a row changed together with its seal, recomputed with the project\'s own code, is caught by the event\'s digest', () => {
    const r = tampered((db) => {
      dropTriggers(db, 'payments');
      db.exec('UPDATE payments SET amount_fen = amount_fen + 100000 WHERE payment_id = 1');
      const row = db.prepare(`SELECT ${rowText(db, 'payments', '')} FROM payments WHERE payment_id = 1`).pluck().get() as string;
      db.prepare("UPDATE row_seals SET hash = ? WHERE tbl = 'payments' AND key = '[1]' AND seq = (SELECT max(seq) FROM row_seals WHERE tbl = 'payments' AND key = '[1]')").run(rowHash('payments', row));
    });
    namesTable(r, 'payments');
    const p = r.v.problems.find((x) => x.check === 'chain.rows' && x.ref.table === 'payments')!;
    expect(p.ref.seq).toBeGreaterThan(0);
    expect(p.message).toContain('no longer match the digest');
  });

  it('the findings of chain.rows come in one order, whichever thread checked each table: the application\'s and allocation\'s tables, then the scores\' (each table\'s digests first)', () => {
    const r = tampered((db) => {
      for (const t of ['applications', 'allocation_lines', 'scores', 'score_aggregates']) {
        dropTriggers(db, t);
        expect(changeOneValue(db, t)).toBe(true);
      }
      // A forged seal: no row has its key, and the scores' digest no longer adds up.
      db.prepare("INSERT INTO row_seals (tbl, key, seq, hash) SELECT tbl, '[\"Z-1\",\"E01\"]', seq, hash FROM row_seals WHERE tbl = 'scores' LIMIT 1").run();
    });
    const kind = (m: string) => (m.includes('changed outside') ? 'changed' : m.includes('no longer match the digest') ? 'digest' : m.includes('deleted outside') ? 'gone' : m);
    expect(r.v.problems.filter((p) => p.check === 'chain.rows').map((p) => `${p.ref.table} ${kind(p.message)}`)).toEqual([
      'applications changed',
      'allocation_lines changed',
      'scores digest',
      'scores changed',
      'scores gone',
      'score_aggregates changed',
    ]);
  });

  it('seals forged under names that are no fact table, one of them a name every JavaScript object answers to, are named', () => {
    const r = tampered((db) => {
      db.prepare("INSERT INTO row_seals (tbl, key, seq, hash) SELECT 'constructor', key, seq, hash FROM row_seals WHERE tbl = 'scores' LIMIT 1").run();
      db.prepare("INSERT INTO row_seals (tbl, key, seq, hash) SELECT 'no_such_table', key, seq, hash FROM row_seals WHERE tbl = 'applications' LIMIT 1").run();
    });
    expect(r.code).toBe(1);
    const forged = r.v.problems.filter((p) => p.check === 'chain.rows' && p.message.includes('recorded no rows of that table'));
    expect(forged.map((p) => p.ref.table)).toEqual(['constructor', 'no_such_table']);
  });

  it('the last five events deleted together with the head: the rows they wrote are named', () => {
    const r = tampered((db) => {
      const last = db.prepare('SELECT max(seq) FROM events').pluck().get() as number;
      db.prepare('DELETE FROM event_apps WHERE seq > ?').run(last - 5);
      db.prepare('DELETE FROM events WHERE seq > ?').run(last - 5);
      const head = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get();
      db.prepare("UPDATE ledger_meta SET value = ? WHERE key = 'head'").run(JSON.stringify(head));
    });
    expect(r.code).toBe(1);
    expect(r.v.problems.some((p) => p.check === 'chain.rows' && p.message.includes('recorded no rows of that table'))).toBe(true);
  });
});
