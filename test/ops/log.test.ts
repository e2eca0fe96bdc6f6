// ops/log on a temporary ledger, without a process: each filter of the event
// log alone and together, the newest N, and the refusals.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { getRound, insertRound } from '../../src/ledger/rounds.repo.js';
import { eventLog } from '../../src/ops/log.js';
import { ledgerWithRound } from '../helpers.js';

/** Seven events over three days (China time is UTC+8), two rounds, two officers. */
function ledgerWithEvents() {
  const l = ledgerWithRound('R1');
  const r1 = getRound(l.db, 'R1')!;
  insertRound(l.db, { ...r1, roundId: 'R2' });
  const events: [at: string, officer: string, command: string, round: string | null, apps: string[], details?: Record<string, unknown>][] = [
    ['2022-05-01T02:00:00.000Z', '王科员', 'round create', 'R1', []],
    ['2022-05-01T15:59:59.999Z', '王科员', 'import', 'R1', ['A1', 'A2', 'A3'], { file: 'a.csv' }],
    ['2022-05-01T16:00:00.000Z', '李科长', 'objection add', 'R1', ['A2'], { reason: { zh: '分公司', en: 'a branch' } }],
    ['2022-05-02T01:00:00.000Z', '李科长', 'objection resolve', 'R1', ['A2']],
    ['2022-05-02T03:00:00.000Z', '王科员', 'objections', 'R1', []],
    ['2022-05-02T16:30:00.000Z', '王科员', 'import', 'R2', ['B1']],
    ['2022-05-03T09:00:00.000Z', '李科长', 'allocate', 'R1', ['A1', 'A3']],
  ];
  inTransaction(l.db, () => {
    for (const [at, officer, command, roundId, appIds, details] of events) appendEvent(l.db, { at, officer, command, roundId, appIds, details });
  });
  return l;
}

const seqs = (r: ReturnType<typeof eventLog>) => r.events.map((e) => e.seq);

describe('eventLog', () => {
  it('lists every event oldest first, with application ids and details parsed', () => {
    const { db } = ledgerWithEvents();
    const r = eventLog(db, {});
    expect(r.count).toBe(7);
    expect(seqs(r)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.events[1]).toMatchObject({ seq: 2, officer: '王科员', command: 'import', round_id: 'R1', app_ids: ['A1', 'A2', 'A3'], details: { file: 'a.csv' } });
    expect(r.events[2].details).toEqual({ reason: { zh: '分公司', en: 'a branch' } });
    expect(r.events[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.events[1].prev_hash).toBe(r.events[0].hash);
  });

  it('filters by round, application and officer', () => {
    const { db } = ledgerWithEvents();
    expect(seqs(eventLog(db, { roundId: 'R2' }))).toEqual([6]);
    expect(seqs(eventLog(db, { applicationId: 'A2' }))).toEqual([2, 3, 4]);
    expect(seqs(eventLog(db, { officer: '李科长' }))).toEqual([3, 4, 7]);
    expect(seqs(eventLog(db, { roundId: 'R1', officer: '王科员', applicationId: 'A1' }))).toEqual([2]);
    expect(eventLog(db, { officer: 'nobody' })).toEqual({ events: [], count: 0, matching: 0 });
  });

  it('matches a command or its group, and nothing that only starts with the same letters', () => {
    const { db } = ledgerWithEvents();
    expect(seqs(eventLog(db, { command: 'objection' }))).toEqual([3, 4]);
    expect(seqs(eventLog(db, { command: 'objection add' }))).toEqual([3]);
    expect(seqs(eventLog(db, { command: 'objections' }))).toEqual([5]);
    // LIKE's wildcards are taken literally.
    expect(seqs(eventLog(db, { command: 'obj%' }))).toEqual([]);
    expect(seqs(eventLog(db, { command: 'round_create' }))).toEqual([]);
  });

  it('takes since and until as calendar days in China time, both ends included', () => {
    const { db } = ledgerWithEvents();
    // 2022-05-01T16:00Z is already 2 May in China.
    expect(seqs(eventLog(db, { until: '2022-05-01' }))).toEqual([1, 2]);
    expect(seqs(eventLog(db, { since: '2022-05-02', until: '2022-05-02' }))).toEqual([3, 4, 5]);
    expect(seqs(eventLog(db, { since: '2022-05-03' }))).toEqual([6, 7]);
    expect(seqs(eventLog(db, { since: '2022-05-04' }))).toEqual([]);
  });

  it('keeps the newest N, still oldest first, after the other filters', () => {
    const { db } = ledgerWithEvents();
    expect(seqs(eventLog(db, { limit: 3 }))).toEqual([5, 6, 7]);
    expect(seqs(eventLog(db, { limit: 2, officer: '王科员' }))).toEqual([5, 6]);
    expect(seqs(eventLog(db, { limit: 100 }))).toHaveLength(7);
    // How many match in all, the limit aside (log on a terminal says how many it left out).
    expect(eventLog(db, { limit: 2, officer: '王科员' })).toMatchObject({ count: 2, matching: 4 });
    expect(eventLog(db, { limit: 3 })).toMatchObject({ count: 3, matching: 7 });
  });

  it('refuses an unknown round and a limit below one', () => {
    const { db } = ledgerWithEvents();
    expect(() => eventLog(db, { roundId: 'NOPE' })).toThrow(UserError);
    for (const limit of [0, -1, 1.5]) {
      let e: unknown;
      try {
        eventLog(db, { limit });
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).exitCode).toBe(2);
    }
  });
});
