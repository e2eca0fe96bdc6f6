// Triggers and schema compared with the exact SQL the migrations create
// (issue 16), not a pattern: a guard replaced by a `… WHEN 0 …` one, a CHECK
// dropped by rebuilding a table, an object added or removed are all named.
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/ledger/verify/index.js';
import { ledgerWithRound } from '../helpers.js';

const problems = (db: ReturnType<typeof ledgerWithRound>['db'], check: string) => runChecks(db).problems.filter((p) => p.check === check).map((p) => p.message.en);

describe('schema exactly as the migrations create it', () => {
  it('a fresh ledger has nothing to report', () => {
    const { db } = ledgerWithRound();
    expect(problems(db, 'sqlite.schema')).toEqual([]);
    expect(problems(db, 'lifecycle.guards')).toEqual([]);
  });

  it('names a guard replaced by one that never fires (WHEN 0), which passes any pattern', () => {
    const { db } = ledgerWithRound();
    db.exec('DROP TRIGGER payments_no_update');
    db.exec("CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments WHEN 0 BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END");
    expect(problems(db, 'lifecycle.guards')).toEqual([
      "the trigger that refuses UPDATE on payments, payments_no_update, was rewritten (it differs from what the migrations create: CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments WHEN 0 BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END)",
    ]);
    db.exec('DROP TRIGGER objections_resolve_once');
    db.exec("CREATE TRIGGER objections_resolve_once BEFORE UPDATE ON objections WHEN 0 BEGIN SELECT RAISE(ABORT, 'an objection is resolved once'); END");
    expect(problems(db, 'sqlite.schema')).toEqual([expect.stringMatching(/^trigger objections_resolve_once differs from what the migrations create: it is now CREATE TRIGGER .* WHEN 0 /)]);
  });

  it('names a CHECK dropped by rebuilding a table, a dropped index and an added trigger', () => {
    const { db } = ledgerWithRound();
    db.pragma('foreign_keys = OFF');
    db.exec(`CREATE TABLE round_budgets_new (round_id TEXT NOT NULL REFERENCES rounds(round_id), category TEXT NOT NULL, amount_fen INTEGER NOT NULL, PRIMARY KEY (round_id, category)) STRICT;
      INSERT INTO round_budgets_new SELECT * FROM round_budgets; DROP TABLE round_budgets; ALTER TABLE round_budgets_new RENAME TO round_budgets;`);
    db.exec('DROP INDEX payments_app');
    db.exec('CREATE TRIGGER sneaky AFTER INSERT ON payments BEGIN SELECT 1; END');
    expect(problems(db, 'sqlite.schema').sort()).toEqual([
      expect.stringMatching(/^index payments_app has been removed$/),
      expect.stringMatching(/^table round_budgets differs from what the migrations create: it is now CREATE TABLE "round_budgets" \(round_id TEXT NOT NULL/),
      'the ledger has a trigger the migrations do not create, sneaky: CREATE TRIGGER sneaky AFTER INSERT ON payments BEGIN SELECT 1; END',
    ]);
  });
});
