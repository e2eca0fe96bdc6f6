// roundExactTexts: what `allocations show` writes beside a tied rounded score, read once for the round.
import { describe, expect, it } from 'vitest';
import { scoreExact, scoreFromStored } from '../../src/domain/scoring.js';
import { roundExactTexts } from '../../src/ledger/scores.repo.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications } from './allocation-fixtures.js';

describe('roundExactTexts', () => {
  it('gives each scored application its rounded form and exact value, one shared text per equal stored aggregate', () => {
    const { db } = ledgerWithRound('R1', {});
    addApplications(db, 'R1', [
      { id: 'A', score: [241, 3] },
      { id: 'B', score: [241, 3] },
      { id: 'C', score: [482, 6] },
      { id: 'D', score: 80 },
      { id: 'E', score: null },
    ]);
    const t = roundExactTexts(db, 'R1');
    expect([...t.keys()].sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(t.get('A')).toEqual({ display: '80.33', exact: scoreExact(scoreFromStored('mean', '241', '3')) });
    // Equal stored aggregates: one object; the same value stored otherwise (482/6) is its own.
    expect(t.get('B')).toBe(t.get('A'));
    expect(t.get('C')).not.toBe(t.get('A'));
    expect(t.get('C')).toEqual(t.get('A'));
    expect(t.get('D')).toEqual({ display: '80.00', exact: scoreExact(scoreFromStored('mean', '8000', '100')) });
    // A stored display that no longer matches is kept as stored: the caller compares it with the line's.
    db.prepare(`UPDATE score_aggregates SET score_display = '80.34' WHERE application_id = 'B'`).run();
    const again = roundExactTexts(db, 'R1');
    expect(again.get('B')).toMatchObject({ display: '80.34' });
    expect(again.get('A')).toMatchObject({ display: '80.33' });
  });
});
