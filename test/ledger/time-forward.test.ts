// Time runs forward in the event log (issue 16): a write whose clock reads
// earlier than the newest event is refused, and verify names events out of order.
import { describe, expect, it } from 'vitest';
import { appendEvent, eventHash, GENESIS_HASH, verifyChain, type EventRow } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { ledgerWithRound } from '../helpers.js';
import { thrown } from '../ops/op-context.js';

describe('time runs forward', () => {
  it('refuses an event dated before the newest one (exit 3, both instants named), and writes nothing', () => {
    const { db } = ledgerWithRound();
    inTransaction(db, () => appendEvent(db, { officer: 'a', command: 'round create', at: '2022-06-01T08:00:00.000Z' }));
    // The same instant is not earlier.
    inTransaction(db, () => appendEvent(db, { officer: 'a', command: 'objection add', at: '2022-06-01T08:00:00.000Z' }));
    const e = thrown(() => inTransaction(db, () => appendEvent(db, { officer: 'a', command: 'objection add', at: '2019-01-01T00:00:00.000Z' })));
    expect(e.exitCode).toBe(3);
    expect(e.text?.en).toContain('2019-01-01T00:00:00.000Z');
    expect(e.text?.en).toContain('2022-06-01T08:00:00.000Z');
    expect(e.text?.en).toContain('event #2');
    expect(e.text?.zh).toContain('2019-01-01T00:00:00.000Z');
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(2);
  });

  it('verify names a pair of events out of order, even in a chain re-sealed with the source formula', () => {
    const { db } = ledgerWithRound();
    for (const at of ['2022-06-01T08:00:00.000Z', '2022-06-02T08:00:00.000Z', '2022-06-03T08:00:00.000Z']) {
      inTransaction(db, () => appendEvent(db, { officer: 'a', command: 'objection add', at }));
    }
    // Behind jmfund's back: event 2 back-dated, and the chain re-sealed so that every hash agrees.
    const rows = db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
    rows[1].at = '2019-01-01T00:00:00.000Z';
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const { hash: _old, ...rest } = r;
      const hash = eventHash({ ...rest, prev_hash: prev });
      db.prepare('UPDATE events SET at = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(r.at, prev, hash, r.seq);
      prev = hash;
    }
    db.prepare("UPDATE ledger_meta SET value = ? WHERE key = 'head'").run(JSON.stringify({ seq: 3, hash: prev }));
    const chain = verifyChain(db);
    expect(chain.problems).toEqual([
      { seq: 2, problem: 'out-of-order', detail: 'event #2 at 2019-01-01T00:00:00.000Z is dated before event #1 at 2022-06-01T08:00:00.000Z' },
    ]);
    const v = runChecks(db);
    expect(v.ok).toBe(false);
    const p = v.problems.find((x) => x.check === 'chain.hash');
    expect(p?.message.en).toContain('event #2 at 2019-01-01T00:00:00.000Z is dated before event #1');
    expect(p?.message.zh).toContain('事件 #2（2019-01-01T00:00:00.000Z）早于其前的事件 #1');
  });
});
