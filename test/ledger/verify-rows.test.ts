// chain.rows's one pass over row_seals (verify/rows.ts sealPass): each event's
// digest of each table and each table's live row count, as SQLite makes them
// on its own (each event's entries sorted by key; each key's newest entry),
// whatever row_seals holds: keys written, rewritten and deleted by many
// events, in every unit's table and under names that are no fact table.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { SEAL_ENTRY_SQL, SEALED_TABLES, sha256 } from '../../src/ledger/seals.js';
import { liveRows, OTHER_NAMES, ROWS_UNITS, sealPass, type RowsUnit } from '../../src/ledger/verify/rows.js';
import { ledgerWithRound } from '../helpers.js';

/** What SQLite makes on its own: digests from each event's entries sorted by key, live rows by liveRows. */
function expected(db: Database.Database | ReturnType<typeof openLedger>, unit: RowsUnit) {
  const tables = (db.prepare('SELECT DISTINCT tbl FROM row_seals').pluck().all() as string[]).filter((t) => (unit === OTHER_NAMES ? !Object.hasOwn(SEALED_TABLES, t) : t === unit));
  const digests: [string, number, string][] = [];
  const live = new Map<string, number>();
  for (const t of tables) {
    const groups = db.prepare(`SELECT seq, group_concat(${SEAL_ENTRY_SQL}, '' ORDER BY key) FROM row_seals WHERE tbl = ? GROUP BY seq`).raw().all(t) as [number, string][];
    for (const [seq, entries] of groups) digests.push([t, seq, sha256().update(entries).digest('hex')]);
    live.set(t, liveRows(db as ReturnType<typeof openLedger>, t));
  }
  return { digests, live };
}

const sorted = (d: readonly [string, number, string][]) => [...d].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));

describe('chain.rows: one pass over row_seals', () => {
  it('gives the digests and live counts SQLite gives, for any entries (property)', () => {
    const { db, path } = ledgerWithRound();
    db.close();
    const entry = fc.record({
      tbl: fc.constantFrom('applications', 'scores', 'allocation_lines', 'no_such_table', 'constructor'),
      key: fc.oneof(fc.constantFrom('["A1"]', '["A1","E1"]', '["A10"]', '["A2"]', '["A"]', '["A!"]', '["é"]'), fc.string({ maxLength: 6 }).map((s) => JSON.stringify([s]))),
      seq: fc.integer({ min: 1, max: 6 }),
      gone: fc.boolean(),
      hash: fc.uint8Array({ minLength: 0, maxLength: 16 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const raw = new Database(path);
        raw.exec('DELETE FROM row_seals');
        const add = raw.prepare('INSERT OR IGNORE INTO row_seals (tbl, key, seq, hash) VALUES (?, ?, ?, ?)');
        for (const e of entries) add.run(e.tbl, e.key, e.seq, e.gone ? null : Buffer.from(e.hash));
        raw.close();
        const v = openLedger(path, { readonly: true });
        try {
          for (const unit of ROWS_UNITS) {
            const got = sealPass(v, unit);
            const want = expected(v, unit);
            expect(sorted(got.digests)).toEqual(sorted(want.digests));
            expect(got.live).toEqual(want.live);
          }
        } finally {
          v.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('one event\'s entries of a table longer than what is hashed at a time: the same digest', () => {
    const { db, path } = ledgerWithRound();
    db.close();
    const raw = new Database(path);
    raw.exec('DELETE FROM row_seals');
    // 6,000 keys written by event 3 (about 300 KiB of entries), every third rewritten by event 4, every seventh deleted by 5.
    raw.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
      INSERT INTO row_seals (tbl, key, seq, hash)
      SELECT 'scores', json_array(printf('A-%07d', i), 'E1'), 3, randomblob(16) FROM n
      UNION ALL SELECT 'scores', json_array(printf('A-%07d', i), 'E1'), 4, randomblob(16) FROM n WHERE i % 3 = 0
      UNION ALL SELECT 'scores', json_array(printf('A-%07d', i), 'E1'), 5, NULL FROM n WHERE i % 7 = 0`);
    raw.close();
    const v = openLedger(path, { readonly: true });
    const got = sealPass(v, 'scores');
    const want = expected(v, 'scores');
    expect(sorted(got.digests)).toEqual(sorted(want.digests));
    expect(got.live.get('scores')).toBe(6000 - Math.floor(6000 / 7));
    expect(want.live.get('scores')).toBe(6000 - Math.floor(6000 / 7));
    v.close();
  });
});
