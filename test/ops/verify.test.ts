// ops/verify and ops/backup on a temporary ledger, without a process: a
// ledger jmfund wrote passes, a row changed behind its back is found and
// named, and a backup is a verified copy that never overwrites by accident.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { backupLedgerFile } from '../../src/ops/backup.js';
import { verifyLedger } from '../../src/ops/verify.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications } from '../ledger/allocation-fixtures.js';

function ledger() {
  const l = ledgerWithRound('R1');
  addApplications(l.db, 'R1', [{ id: 'A1' }, { id: 'A2' }]);
  inTransaction(l.db, () => appendEvent(l.db, { at: '2022-05-01T00:00:00.000Z', officer: 'test', command: 'import', roundId: 'R1', appIds: ['A1', 'A2'] }));
  return l;
}

describe('verifyLedger', () => {
  it('passes a ledger jmfund wrote, and gives the last event hash', async () => {
    const { db, path } = ledger();
    const head = db.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get();
    db.close();
    const v = await verifyLedger(path);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, events: 1, lastHash: head });
    expect(v.checks.every((c) => c.status === 'ok' || c.status === 'skipped')).toBe(true);
  });

  it('finds a tampered row and names it', async () => {
    const { db, path } = ledger();
    db.prepare("UPDATE applications SET state = 'approved-by-mallory' WHERE application_id = 'A2'").run();
    db.close();
    const v = await verifyLedger(path);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.objectContaining({ check: 'chain.rows', where: 'applications[application_id=A2] event #1', ref: { table: 'applications', key: { application_id: 'A2' }, seq: 1 } }),
      expect.objectContaining({ check: 'applications.state', where: 'applications[application_id=A2]', ref: { table: 'applications', key: { application_id: 'A2' } } }),
    ]);
    expect(v.checks.find((c) => c.id === 'applications.state')).toMatchObject({ status: 'problems', problems: 1 });
  });

  it('finds an event changed after it was written', async () => {
    const { db, path } = ledger();
    db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 1").run();
    db.close();
    const v = await verifyLedger(path);
    expect(v.ok).toBe(false);
    expect(v.problems.some((p) => p.ref.seq === 1 && p.where.includes('event #1'))).toBe(true);
  });

  it('refuses a path that holds no ledger', async () => {
    const { dir } = ledger();
    await expect(verifyLedger(join(dir, 'none.db'))).rejects.toThrow(UserError);
  });
});

describe('backupLedgerFile', () => {
  it('writes a verified copy, 0600, with its size and SHA-256', async () => {
    const { db, path, dir } = ledger();
    db.close();
    const target = join(dir, 'copy.db');
    const b = await backupLedgerFile({ path, target });
    const data = readFileSync(target);
    expect(b).toMatchObject({ backup: target, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(b.verify).toMatchObject({ ok: true, events: 1 });
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect((await verifyLedger(target)).lastHash).toBe(b.verify.lastHash);
  });

  it('refuses to overwrite a file unless forced', async () => {
    const { db, path, dir } = ledger();
    db.close();
    const target = join(dir, 'copy.db');
    writeFileSync(target, 'kept');
    await expect(backupLedgerFile({ path, target })).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(target, 'utf8')).toBe('kept');
    expect((await backupLedgerFile({ path, target, force: true })).verify.ok).toBe(true);
  });

  it('copies a tampered ledger faithfully and reports what verify finds in the copy', async () => {
    const { db, path, dir } = ledger();
    db.prepare("UPDATE applications SET state = 'approved-by-mallory' WHERE application_id = 'A1'").run();
    db.close();
    const b = await backupLedgerFile({ path, target: join(dir, 'copy.db') });
    expect(b.verify.ok).toBe(false);
    expect(b.verify.problems.map((p) => p.where)).toEqual(['applications[application_id=A1] event #1', 'applications[application_id=A1]']);
  });
});
