// Public notice periods, objections and when filing becomes possible (Art. 11, 10(3)).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetweenInclusive } from '../../src/domain/dates.js';
import { admitObjection, checkNoticedAward, checkObjectionState, filingBlockers, noticeEnd, noticePeriod, noticeProgress, stateAfterObjection } from '../../src/domain/notice-period.js';
import { loadPolicy } from '../../src/io/policies.js';

const POLICY = loadPolicy().policy;

describe('notice period: DATE0 for N days runs through DATE0 + N − 1', () => {
  it.each([
    ['2022-05-30', 7, '2022-06-05', '2022-06-06'], // across a 31-day month end
    ['2022-04-27', 7, '2022-05-03', '2022-05-04'], // across a 30-day month end
    ['2022-12-28', 7, '2023-01-03', '2023-01-04'], // across the year end
    ['2022-12-25', 7, '2022-12-31', '2023-01-01'], // ends on 31 Dec, filing on New Year's Day
    ['2024-02-25', 7, '2024-03-02', '2024-03-03'], // leap February
    ['2023-02-25', 7, '2023-03-03', '2023-03-04'], // common February
    ['2024-02-23', 7, '2024-02-29', '2024-03-01'], // ends on 29 Feb
    ['2022-06-01', 30, '2022-06-30', '2022-07-01'],
  ])('%s for %i days → through %s, filing from %s', (from, days, through, fileFrom) => {
    const r = noticePeriod(from, days, POLICY);
    expect(r).toEqual({ ok: true, value: { startsOn: from, days, endsOn: through, fileFrom } });
    expect(daysBetweenInclusive(from, through)).toBe(days);
  });

  it('refuses fewer days than the policy minimum (7, Art. 11), citing it', () => {
    const r = noticePeriod('2022-06-01', 6, POLICY);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.en).toContain('minimum of 7 days (Art. 11)');
    expect(!r.ok && r.error.zh).toContain('公示期不少于7日');
    expect(noticePeriod('2022-06-01', 0, POLICY).ok).toBe(false);
    expect(noticePeriod('2022-06-01', 7.5, POLICY).ok).toBe(false);
  });

  it('counts natural days, inclusive, for any start and length (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40000 }), fc.integer({ min: 1, max: 400 }), (offset, days) => {
        const from = addDays('1990-01-01', offset);
        expect(daysBetweenInclusive(from, noticeEnd(from, days))).toBe(days);
      }),
    );
  });
});

describe('objections (Art. 11)', () => {
  const notice = { startsOn: '2022-05-30', endsOn: '2022-06-05' };
  it('accepts a named objection received on any day of the notice, both ends included', () => {
    for (const d of ['2022-05-30', '2022-06-01', '2022-06-05']) {
      expect(admitObjection({ fromName: '张三', receivedOn: d, notice })).toEqual({ status: 'open', reason: null });
    }
  });
  it('does not accept an anonymous one, even in time', () => {
    expect(admitObjection({ fromName: null, receivedOn: '2022-06-01', notice })).toEqual({ status: 'not-accepted', reason: 'anonymous' });
    expect(admitObjection({ fromName: ' \u3000 ', receivedOn: '2022-06-01', notice })).toEqual({ status: 'not-accepted', reason: 'anonymous' });
  });
  it('does not accept one received after the period, or before it starts', () => {
    expect(admitObjection({ fromName: '李四', receivedOn: '2022-06-06', notice }).reason).toBe('after-notice');
    expect(admitObjection({ fromName: '李四', receivedOn: '2022-05-29', notice }).reason).toBe('before-notice');
  });
  it('does not accept one against an application that is on no notice', () => {
    expect(admitObjection({ fromName: '李四', receivedOn: '2022-06-01', notice: null }).reason).toBe('not-on-notice');
  });
});

describe('filing (Art. 10(3))', () => {
  const notices = [{ noticeId: 1, endsOn: '2022-06-05' }];
  it('is blocked on the last day of the notice and free the day after', () => {
    expect(filingBlockers('2022-06-05', notices, []).running).toEqual([{ noticeId: 1, endsOn: '2022-06-05', fileFrom: '2022-06-06' }]);
    expect(filingBlockers('2022-06-06', notices, []).running).toEqual([]);
  });
  it('waits for every notice and lists open objections', () => {
    const b = filingBlockers('2022-06-10', [...notices, { noticeId: 2, endsOn: '2022-06-12' }], [{ objectionId: 4, applicationId: 'A2' }]);
    expect(b.running.map((r) => r.noticeId)).toEqual([2]);
    expect(b.openObjections).toEqual([{ objectionId: 4, applicationId: 'A2' }]);
  });
});

describe('days left on notice', () => {
  const n = { startsOn: '2022-12-28', days: 7, endsOn: '2023-01-03' };
  it.each([
    ['2022-12-27', 'not-started', 7],
    ['2022-12-28', 'running', 7],
    ['2022-12-31', 'running', 4],
    ['2023-01-03', 'running', 1],
    ['2023-01-04', 'ended', 0],
  ])('on %s: %s, %i left', (today, phase, daysLeft) => {
    expect(noticeProgress(n, today)).toEqual({ phase, daysLeft });
  });
});

describe('objections against an award as it stands', () => {
  const open = { status: 'open' as const, reason: null };
  const late = { status: 'not-accepted' as const, reason: 'after-notice' as const };
  it.each(['in-notice', 'withdrawn'])('admits an objection in time while the award is %s', (state) => {
    expect(checkObjectionState('A1', state, open)).toEqual({ ok: true, value: open });
  });
  it.each(['filed', 'accepted', 'disbursed'])('refuses one in time once the award is %s: a filed award cannot change', (state) => {
    const r = checkObjectionState('A1', state, open);
    expect(r.ok ? '' : r.error.en).toBe(`A1 is ${state}; objections received during the notice must be recorded before filing, and a filed award cannot change.`);
  });
  it('records one not accepted whatever the state', () => {
    expect(checkObjectionState('A1', 'filed', late).ok).toBe(true);
  });
  it('withdraws on an upheld objection, once; a dismissed one leaves the state', () => {
    expect(stateAfterObjection('upheld', 'in-notice')).toBe('withdrawn');
    expect(stateAfterObjection('upheld', 'withdrawn')).toBeNull();
    expect(stateAfterObjection('dismissed', 'in-notice')).toBeNull();
  });
});

describe('an award on notice never changes (SPEC §8)', () => {
  const a = { applicationId: 'A1', state: 'in-notice', awardFen: 30_000_00 };
  it('lets a later version keep the amount, or drop a withdrawn or rejected award', () => {
    expect(checkNoticedAward(a, undefined).ok).toBe(true);
    expect(checkNoticedAward(a, { noticeId: 1, awardFen: 30_000_00 }).ok).toBe(true);
    expect(checkNoticedAward({ ...a, state: 'withdrawn' }, { noticeId: 1, awardFen: 1 }).ok).toBe(true);
    expect(checkNoticedAward({ ...a, state: 'rejected-at-acceptance' }, { noticeId: 1, awardFen: 1 }).ok).toBe(true);
  });
  it('refuses another amount for an award on notice or filed', () => {
    const r = checkNoticedAward({ ...a, state: 'filed' }, { noticeId: 2, awardFen: 25_000_00 });
    expect(r.ok ? '' : r.error.en).toBe('the latest allocation version gives A1 30,000.00, not the 25,000.00 on notice #2; an award on notice cannot change.');
  });
});
