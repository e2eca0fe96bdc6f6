// How far sealing has got is told to the connection's listener (a command's
// progress bar): ticks of rows sealed out of all the transaction seals, noted
// rows and rows inserted in bulk alike, then one end; and the seals are the same.
import { describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import { bulkInsert, onSealProgress } from '../../src/ledger/seals.js';
import { ledgerWithRound } from '../helpers.js';

function write(db: Db, n: number, bulk: boolean, at: string): void {
  inTransaction(db, () => {
    // bulkInsert names the four tables that use it; any rowid table is sealed the same way.
    const rows = bulk ? bulkInsert(db, 'credit_listings' as 'applications') : null;
    const ins = db.prepare("INSERT INTO credit_listings (uscc, list, listed_on, source_file, source_line, row_hash) VALUES (?, 'abnormal-operations', '2022-01-01', 'f.csv', ?, ?)");
    for (let i = 0; i < n; i++) ins.run(`9144070${String(i).padStart(11, '0')}`, i + 1, `${at}-${i}`);
    rows?.done();
    appendEvent(db, { officer: 'a', command: 'lists import', at });
  });
}

describe('seal progress', () => {
  for (const bulk of [false, true]) {
    it(`ticks every 4,096 rows of the ${bulk ? 'bulk' : 'noted'} rows sealed, out of all of them, then ends once`, () => {
      const { db } = ledgerWithRound();
      const heard: string[] = [];
      onSealProgress(db, { tick: (done, total) => heard.push(`${done}/${total}`), end: () => heard.push('end') });
      write(db, 10_000, bulk, '2022-06-01T08:00:00.000Z');
      // Every row the event sealed (the round's own row, written before any transaction, with them).
      const sealed = db.prepare('SELECT count(*) FROM row_seals WHERE seq = (SELECT max(seq) FROM events)').pluck().get() as number;
      expect(sealed).toBe(10_001);
      expect(heard).toEqual([`4096/${sealed}`, `8192/${sealed}`, 'end']);
      // A small seal: no tick, one end.
      heard.length = 0;
      write(db, 10, bulk, '2022-06-02T08:00:00.000Z');
      expect(heard).toEqual(['end']);
    });
  }
});
