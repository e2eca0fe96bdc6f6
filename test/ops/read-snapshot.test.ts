// status, applications show and log read the ledger in several statements:
// each reads them under one read transaction, so that a change committed
// meanwhile shows in all of the output or in none of it.
import { describe, expect, it } from 'vitest';
import { inReadSnapshotSync, type Db } from '../../src/ledger/open.js';
import { showApplication } from '../../src/ops/applications.js';
import { eventLog } from '../../src/ops/log.js';
import { roundStatus } from '../../src/ops/status.js';
import { lifecycleLedger, storeVersion } from '../../fixtures/lifecycle/seed.js';
import { writerDuring } from '../helpers.js';

/** The ledger, and a record of whether each statement it prepares is prepared inside a transaction. */
function watched(db: Db): { db: Db; inside: boolean[] } {
  const inside: boolean[] = [];
  const proxy = new Proxy(db, {
    get(target, name) {
      if (name === 'prepare') {
        return (sql: string) => {
          inside.push(target.inTransaction);
          return target.prepare(sql);
        };
      }
      const v = Reflect.get(target, name, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: proxy, inside };
}

describe('one state of the ledger per output', () => {
  it('status: a command that commits while it reads waits, and goes through after', () => {
    const { db, path } = lifecycleLedger();
    storeVersion(db, 'R1', { A1: 300_000, T1: 800_000 });
    const { progress, refused, state, write, close } = writerDuring(path);
    // The day is asked for after the round is read and before its money, objections and notices are.
    const op = { db, officer: 'tester', now: () => '2022-05-30T08:00:00.000Z', today: () => (progress.tick(), '2022-05-30') };
    const s = roundStatus(op, { roundId: 'R1' });
    expect(s.states.proposed.count).toBe(2);
    expect(state.tried).toBe(true);
    expect(refused).toEqual(['SQLITE_BUSY']);
    expect(db.inTransaction).toBe(false);
    expect(write().changes).toBe(1);
    close();
  });

  it('applications show and log prepare every statement inside one read transaction, and end it', () => {
    const l = lifecycleLedger();
    storeVersion(l.db, 'R1', { A1: 300_000 });
    const { db, inside } = watched(l.db);
    const op = { db, officer: 'tester', now: () => '2022-05-30T08:00:00.000Z', today: () => '2022-05-30' };
    expect(showApplication(op, { id: 'A1' }).award_fen).toBeGreaterThan(0);
    const shown = inside.length;
    expect(eventLog(db, { limit: 1 }).matching).toBe(2);
    expect(shown).toBeGreaterThan(2);
    expect(inside.length - shown).toBeGreaterThan(1);
    expect(inside.every(Boolean)).toBe(true);
    expect(l.db.inTransaction).toBe(false);
  });

  it('inside a transaction already, it just runs; an error ends the read', () => {
    const { db } = lifecycleLedger();
    db.exec('BEGIN');
    expect(inReadSnapshotSync(db, () => db.inTransaction)).toBe(true);
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
    expect(() =>
      inReadSnapshotSync(db, () => {
        throw new Error('read failed');
      }),
    ).toThrow('read failed');
    expect(db.inTransaction).toBe(false);
  });
});
