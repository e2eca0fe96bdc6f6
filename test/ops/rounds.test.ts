// init, round create/list/show and the policy operations, called directly:
// what is stored, the one event, and the refusals that write nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusedError, UserError } from '../../src/domain/errors.js';
import { openLedger } from '../../src/ledger/open.js';
import { initLedger } from '../../src/ops/ledger.js';
import { listPolicies, showPolicy, validatePolicyFile } from '../../src/ops/policies.js';
import { createRound, rounds, showRound } from '../../src/ops/rounds.js';
import { addApplications } from '../ledger/allocation-fixtures.js';
import { FIXTURES, tempDir } from '../helpers.js';
import { eventsOf, opContextFor, thrown } from './op-context.js';

function emptyLedger() {
  const path = join(tempDir(), 'ledger.db');
  const r = initLedger({ path, officer: 'tester', at: '2022-03-01T00:00:00.000Z' });
  const db = openLedger(path);
  return { path, r, db, op: opContextFor(db, 'tester', '2022-03-01T09:00:00.000Z') };
}

async function thrownAsync(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    return e as UserError;
  }
  throw new Error('expected a refusal');
}

describe('initLedger', () => {
  it('creates the ledger with its first event, and refuses to overwrite it', () => {
    const { path, r, db } = emptyLedger();
    expect(r.path).toBe(path);
    expect(r.schema).toBeGreaterThan(0);
    expect(eventsOf(db, 'init')).toEqual([{ officer: 'tester', round_id: null, details: { schema: r.schema } }]);
    const e = thrown(() => initLedger({ path, officer: 'x', at: 'y' }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.text!.en).toContain('already exists');
  });
});

describe('createRound', () => {
  it('stores the round under the default policy with its budgets and the yearly default of talent training, with one event', async () => {
    const { db, op } = emptyLedger();
    const r = await createRound(op, { roundId: ' 2022-R1 ', opensOn: '2022-03-01', closesOn: '2022-04-30', budgets: ['sme-cloud=300万'] });
    expect(r).toMatchObject({ roundId: '2022-R1', policyId: 'jiangmen-2021', createdBy: 'tester', createdAt: '2022-03-01T09:00:00.000Z' });
    expect(r.budgets).toEqual({ 'sme-cloud': 300_000_000, 'talent-training': r.policy.categories.find((c) => c.key === 'talent-training')!.defaultBudgetFen });
    expect(rounds(op).map((x) => [x.roundId, x.budgets])).toEqual([['2022-R1', r.budgets]]);
    const [ev] = eventsOf(db, 'round create');
    expect(ev).toMatchObject({ round_id: '2022-R1', details: { round: '2022-R1', opens_on: '2022-03-01', budgets_fen: r.budgets, policy_hash: r.policyHash } });
  });

  it('refuses a bad ID, a period that ends before it starts, a budget it cannot read, a second round of the same ID (exit 2) and a period outside the policy (Art. 18, exit 3)', async () => {
    const { db, op } = emptyLedger();
    const base = { roundId: 'R', opensOn: '2022-03-01', closesOn: '2022-04-30' };
    await createRound(op, base);
    const cases: [Parameters<typeof createRound>[1], number, string][] = [
      [{ ...base, roundId: 'a/b' }, 2, 'is not valid'],
      [{ ...base, roundId: 'R2', closesOn: '2022-02-01' }, 2, 'closes (2022-02-01) before it opens'],
      [{ ...base, roundId: 'R2', budgets: ['nope=1'] }, 2, 'unknown category "nope"'],
      [{ ...base, roundId: 'R2', policy: join(FIXTURES, 'policy', 'broken-policy.json') }, 2, 'is not valid'],
      [base, 2, 'round R already exists'],
      [{ ...base, roundId: 'R2', opensOn: '2019-03-01', closesOn: '2019-04-30' }, 3, 'outside the validity of jiangmen-2021'],
    ];
    for (const [input, code, words] of cases) {
      const e = await thrownAsync(createRound(op, input));
      expect(e.exitCode, words).toBe(code);
      expect(e.text.en).toContain(words);
      if (code === 3) expect(e).toBeInstanceOf(RefusedError);
    }
    expect(rounds(op).map((r) => r.roundId)).toEqual(['R']);
    expect(eventsOf(db, 'round create')).toHaveLength(1);
  });
});

describe('showRound', () => {
  it('counts the applications by state; an unknown round names the known ones', async () => {
    const { db, op } = emptyLedger();
    await createRound(op, { roundId: 'R1', opensOn: '2022-03-01', closesOn: '2022-04-30' });
    expect(showRound(op, { roundId: 'R1' }).applications).toEqual({});
    addApplications(db, 'R1', [{ id: 'A' }, { id: 'B' }, { id: 'C', state: 'scored' }]);
    expect(showRound(op, { roundId: 'R1' }).applications).toEqual({ eligible: 2, scored: 1 });
    const e = thrown(() => showRound(op, { roundId: 'R9' }));
    expect(e.exitCode).toBe(2);
    expect((e as UserError).hint?.en).toContain('R1');
  });
});

describe('policies', () => {
  it('lists the bundled policies with the default marked, shows one, and validates a file naming each problem’s path', () => {
    const list = listPolicies();
    expect(list.find((p) => p.isDefault)).toMatchObject({ id: 'jiangmen-2021', effectiveFrom: '2021-05-16' });
    const { policy, hash } = showPolicy({});
    expect(policy.id).toBe('jiangmen-2021');
    expect(hash).toBe(list.find((p) => p.isDefault)!.hash);
    expect(thrown(() => showPolicy({ idOrFile: 'nope' })).exitCode).toBe(2);
    const broken = validatePolicyFile({ file: join(FIXTURES, 'policy', 'broken-policy.json') });
    expect(broken.valid).toBe(false);
    if (!broken.valid) expect(broken.issues.length).toBeGreaterThan(0);
    expect(broken.valid === false && broken.issues.every((i) => i.path !== '')).toBe(true);
    expect(validatePolicyFile({ file: join(FIXTURES, '..', 'policies', 'jiangmen-2021.json') })).toEqual({ valid: true, id: 'jiangmen-2021', hash });
    expect(thrown(() => validatePolicyFile({ file: '/no/such/file.json' })).exitCode).toBe(2);
  });
});
