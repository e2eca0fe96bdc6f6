import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendEvent, verifyChain } from '../../src/ledger/events.js';
import { createLedger, inTransaction, openLedger, schemaVersion } from '../../src/ledger/open.js';
import { getRound, listRounds } from '../../src/ledger/rounds.repo.js';
import { ledgerWithRound, ROOT, tempDir } from '../helpers.js';

describe('ledger file', () => {
  it('is created with mode 0600, migrated to the current schema, and refused a second time', () => {
    const path = join(tempDir(), 'l.db');
    const db = createLedger(path);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion());
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => createLedger(path)).toThrow(/already exists/);
  });

  it('leaves no -wal or -journal file beside it once closed', () => {
    const { db, path } = ledgerWithRound();
    inTransaction(db, () => appendEvent(db, { at: '2022-01-01T00:00:00.000Z', officer: 'a', command: 'x' }));
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-journal`)).toBe(false);
  });

  it('refuses a ledger made by a newer jmfund', () => {
    const { db, path } = ledgerWithRound();
    db.pragma(`user_version = ${schemaVersion() + 1}`);
    db.close();
    expect(() => openLedger(path)).toThrow(/newer jmfund/);
  });

  it('migrates an older ledger forward after a backup', () => {
    // A ledger as the first release made it: only migration 001.
    const path = join(tempDir(), 'old.db');
    const old = new Database(path);
    old.exec(readFileSync(join(ROOT, 'src', 'ledger', 'migrations', '001-initial.sql'), 'utf8'));
    old.pragma('user_version = 1');
    old.close();
    const again = openLedger(path);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion());
    again.close();
    expect(existsSync(`${path}.v1.bak`)).toBe(true);
  });

  it('refuses a file that is not a ledger', () => {
    const path = join(tempDir(), 'x.db');
    new Database(path).close();
    expect(() => openLedger(path)).toThrow(/not a jmfund ledger/);
  });

  it('keeps the round and its policy exactly as created', () => {
    const { db } = ledgerWithRound('R9', { 'sme-cloud': 300_000_000 });
    const r = getRound(db, 'R9')!;
    expect(r.budgets).toEqual({ 'sme-cloud': 300_000_000 });
    expect(r.policy.id).toBe('jiangmen-2021');
    expect(listRounds(db).map((x) => x.roundId)).toEqual(['R9']);
  });
});

describe('one transaction per command', () => {
  it('rolls back everything when the command fails half-way', () => {
    const { db } = ledgerWithRound();
    expect(() =>
      inTransaction(db, () => {
        appendEvent(db, { at: '2022-01-01T00:00:00.000Z', officer: 'a', command: 'x' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
  });
});

describe('event chain (SPEC §11)', () => {
  const setup = () => {
    const { db } = ledgerWithRound();
    for (let i = 0; i < 5; i++) {
      inTransaction(db, () => appendEvent(db, { at: `2022-01-0${i + 1}T00:00:00.000Z`, officer: 'o', command: `c${i}`, roundId: 'R1', appIds: [`A${i}`], details: { i } }));
    }
    return db;
  };

  it('verifies a chain written by appendEvent', () => {
    const db = setup();
    const v = verifyChain(db);
    expect(v.problems).toEqual([]);
    expect(v.count).toBe(5);
  });

  it('names an event whose details were changed behind its back', () => {
    const db = setup();
    db.prepare(`UPDATE events SET details = '{"i":99}' WHERE seq = 3`).run();
    expect(verifyChain(db).problems).toEqual([expect.objectContaining({ seq: 3, problem: 'hash-mismatch' })]);
  });

  it('names a deleted event in the middle and at the end', () => {
    const db = setup();
    db.prepare('DELETE FROM event_apps WHERE seq IN (2, 5)').run();
    db.prepare('DELETE FROM events WHERE seq IN (2, 5)').run();
    const problems = verifyChain(db).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ seq: 3, problem: 'gap' }),
        expect.objectContaining({ seq: 3, problem: 'broken-link' }),
        expect.objectContaining({ problem: 'head-mismatch' }),
      ]),
    );
  });
});
