// ops/verify and ops/backup on a temporary ledger, without a process: a
// ledger jmfund wrote passes, a row changed behind its back is found and
// named, and a backup is a verified copy that never overwrites by accident.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, LEDGER_PAGE_SIZE } from '../../src/ledger/open.js';
import { backupLedgerFile } from '../../src/ops/backup.js';
import { verifyLedger } from '../../src/ops/verify.js';
import { ledgerWithRound, writerDuring } from '../helpers.js';
import { addApplications } from '../ledger/allocation-fixtures.js';

function ledger() {
  const l = ledgerWithRound('R1');
  addApplications(l.db, 'R1', [{ id: 'A1' }, { id: 'A2' }]);
  inTransaction(l.db, () => appendEvent(l.db, { at: '2022-05-01T00:00:00.000Z', officer: 'test', command: 'import', roundId: 'R1', appIds: ['A1', 'A2'] }));
  return l;
}

describe('verifyLedger', () => {
  it('checks one state of the ledger: a command that writes while it runs waits, and goes through after', async () => {
    const { db, path } = ledger();
    db.close();
    const { progress, refused, state, write, close } = writerDuring(path);
    const v = await verifyLedger(path, progress);
    expect(v.ok).toBe(true);
    expect(state.tried).toBe(true);
    expect(refused).toEqual(['SQLITE_BUSY']);
    expect(write().changes).toBe(1);
    close();
  });

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

  it('lists what it checked of the copy: its pages, its schema, its chain and head, the quick check', async () => {
    const { db, path, dir } = ledger();
    db.close();
    const b = await backupLedgerFile({ path, target: join(dir, 'copy.db') });
    expect(b.verify.checks.map((c) => [c.id, c.status])).toEqual([
      ['backup.pages', 'ok'],
      ['sqlite.schema', 'ok'],
      ['chain.hash', 'ok'],
      ['backup.head', 'ok'],
      ['sqlite.quick-check', 'ok'],
    ]);
    expect(b.pages * LEDGER_PAGE_SIZE).toBe(b.bytes);
  });

  it('copies a ledger with a changed row faithfully: the row is the ledger’s, and verify of the copy names it', async () => {
    const { db, path, dir } = ledger();
    db.prepare("UPDATE applications SET state = 'approved-by-mallory' WHERE application_id = 'A1'").run();
    db.close();
    const target = join(dir, 'copy.db');
    const b = await backupLedgerFile({ path, target });
    // Business rules and row seals are verify's: the backup proves only that the copy is the ledger.
    expect(b.verify.ok).toBe(true);
    const v = await verifyLedger(target);
    expect(v.problems.map((p) => p.where)).toEqual(['applications[application_id=A1] event #1', 'applications[application_id=A1]']);
  });

  it('reports a changed event of the ledger in the copy (exit 1), the copy kept: it is the ledger as it is', async () => {
    const { db, path, dir } = ledger();
    db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 1").run();
    db.close();
    const target = join(dir, 'copy.db');
    const b = await backupLedgerFile({ path, target });
    expect(b.verify.ok).toBe(false);
    expect(b.verify.problems).toEqual([expect.objectContaining({ check: 'chain.hash', where: 'events event #1' })]);
    expect(statSync(target).size).toBe(b.bytes);
  });

  describe('a copy that is not the ledger is refused, and nothing is written', () => {
    const damaged: [string, (tmp: string) => void, RegExp][] = [
      ['a byte changed in the last page', (tmp) => flip(tmp, statSync(tmp).size - 100), /page \d+ differs/],
      ['a byte changed in a page in the middle', (tmp) => flip(tmp, LEDGER_PAGE_SIZE * 3 + 17), /page 4 differs/],
      ['the user version in the header changed', (tmp) => flip(tmp, 63), /page 1 differs/],
      ['the last page cut off', (tmp) => truncateSync(tmp, statSync(tmp).size - LEDGER_PAGE_SIZE), /page \d+ differs/],
      ['a page added at the end', (tmp) => appendFileSync(tmp, Buffer.alloc(LEDGER_PAGE_SIZE)), /page \d+ differs/],
    ];
    for (const [what, damage, says] of damaged) {
      it(what, async () => {
        const { db, path, dir } = ledger();
        db.close();
        const before = readFileSync(path);
        const target = join(dir, 'copy.db');
        const e = await backupLedgerFile({ path, target, afterCopy: damage }).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).exitCode).toBe(1);
        expect((e as UserError).message).toMatch(says);
        expect(existsSync(target)).toBe(false);
        expect(readdirSync(dir).sort()).toEqual(['ledger.db']);
        expect(readFileSync(path).equals(before)).toBe(true);
      });
    }
  });

  it('takes the copy to the byte, header included: no byte of it may differ from the ledger', async () => {
    const { db, path, dir } = ledger();
    db.close();
    const b = await backupLedgerFile({ path, target: join(dir, 'copy.db') });
    expect(readFileSync(join(dir, 'copy.db')).equals(readFileSync(path))).toBe(true);
    expect(b.verify.ok).toBe(true);
    // The header's change counter, page count, schema cookie, version-valid-for and SQLite version are the ledger's too.
    for (const at of [24, 27, 31, 43, 92, 99]) {
      const e = await backupLedgerFile({ path, target: join(dir, `copy-${at}.db`), afterCopy: (tmp) => flip(tmp, at) }).catch((x: unknown) => x);
      expect((e as UserError).message).toMatch(/page 1 differs/);
      expect(existsSync(join(dir, `copy-${at}.db`))).toBe(false);
    }
  });
});

/** Changes the byte at `at` of the file. */
function flip(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] ^= 0x5a;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}
