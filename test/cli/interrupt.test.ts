// What an interrupted command says it wrote (cli/interrupt.ts): the events it
// committed, also when the signal is heard only after it closed its ledger
// (allocate and check compute without a pause, so Ctrl-C waits for their commit).
import { describe, expect, it } from 'vitest';
import { interruptMessage, settleLedger, unwatchLedger, watchLedger } from '../../src/cli/interrupt.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, openLedger } from '../../src/ledger/open.js';
import { ledgerWithRound } from '../helpers.js';

describe('what an interrupted command wrote', () => {
  it('names what it committed before it closed its ledger, and not what was still open when the signal came', () => {
    const { db: setup, path } = ledgerWithRound('R1');
    setup.close();
    // A command: opens the ledger, commits one event, closes it; the signal is heard after.
    const db = watchLedger(openLedger(path));
    const before = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number;
    const seq = inTransaction(db, () => appendEvent(db, { at: '2022-05-18T01:00:00.000Z', officer: 'o', command: 'allocate', roundId: 'R1' }).seq);
    expect(seq).toBe(before + 1);
    unwatchLedger();
    db.close();
    expect(settleLedger()).toMatchObject([{ seq, command: 'allocate' }]);

    // A second ledger of the same process, its transaction open when the signal comes: rolled back, not named.
    const again = watchLedger(openLedger(path));
    again.exec('BEGIN IMMEDIATE');
    appendEvent(again, { at: '2022-05-18T02:00:00.000Z', officer: 'o', command: 'publicize', roundId: 'R1' });
    expect(settleLedger()).toMatchObject([{ seq, command: 'allocate' }]);
    expect(again.open).toBe(false);
    const after = openLedger(path);
    expect(after.prepare('SELECT command FROM events WHERE seq > ?').pluck().all(before)).toEqual(['allocate']);
    after.close();
  });
});

describe('the words of an interruption', () => {
  it('one temporary file, or several (a notice list staged for after the commit is written through one of its own)', () => {
    expect(interruptMessage('en', 'SIGINT', [], ['/d/.n.csv.1.a.tmp'])).toBe(
      'jmfund: interrupted: nothing was written (SIGINT). The unfinished temporary file was removed: /d/.n.csv.1.a.tmp; the target file was not written.\n',
    );
    expect(interruptMessage('en', 'SIGTERM', [{ seq: 7, command: 'allocate' }], ['/d/a.tmp', '/d/b.tmp'])).toBe(
      'jmfund: interrupted (SIGTERM) after it had been written: event #7 (allocate), which stays in the ledger; nothing after it was written. The unfinished temporary files were removed: /d/a.tmp, /d/b.tmp; the target file was not written.\n',
    );
    expect(interruptMessage('zh', 'SIGINT', [{ seq: 7, command: 'allocate' }], [])).toBe('jmfund: 已中断（SIGINT）：中断前已写入账本 事件 #7（allocate），这些保留在账本中；其后未写入任何内容。\n');
  });
});
