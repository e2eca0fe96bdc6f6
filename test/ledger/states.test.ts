// The state as read (ledger/states.ts): noticedStateIn gives the same rows as
// noticedStateSql IN (…) for any set of states, whether it looks the status up or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLICATION_STATES } from '../../src/domain/application.js';
import { noticedStateIn, noticedStateSql } from '../../src/ledger/states.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications } from './allocation-fixtures.js';

const STATUSES = ['eligible', 'ineligible', 'needs-review', null] as const;

describe('noticedStateIn', () => {
  it('selects the rows whose state as read is in the set, for every stored state and status', () => {
    const { db } = ledgerWithRound('R1');
    const specs = APPLICATION_STATES.flatMap((state, i) => STATUSES.map((eligibility, j) => ({ id: `A${i}-${j}`, state, eligibility })));
    addApplications(db, 'R1', specs);
    const ids = (where: string) => db.prepare(`SELECT a.application_id FROM applications a WHERE ${where} ORDER BY 1`).pluck().all();
    // A stored state before allocation reads as the status: the sets that split those states are the ones that need it.
    expect(ids(noticedStateIn(db, 'a', ['imported']))).toEqual(['A0-3']);
    expect(ids(noticedStateIn(db, 'a', ['eligible'])).length).toBe(4 + 1);
    fc.assert(
      fc.property(fc.subarray([...APPLICATION_STATES], { minLength: 1 }), (states) => {
        const list = states.map((s) => `'${s}'`).join(', ');
        expect(ids(noticedStateIn(db, 'a', states))).toEqual(ids(`${noticedStateSql(db, 'a')} IN (${list})`));
      }),
      { numRuns: 300 },
    );
  });
});
