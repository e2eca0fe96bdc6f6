// The baselines of bench/allocate.mjs, run as their own process on a copy of
// the ledger (so that they include Node's start-up, as `jmfund allocate` does):
//
//   node bench/lib/allocate-floor.mjs sql  DB   the SQL that allocate must run, with
//        no row crossing into JavaScript: read the round (the same join, summed in
//        SQL), write one line per application (INSERT … SELECT), move the
//        participants' states (the same UPDATE), commit: what any tool on this
//        ledger pays, whatever its language.
//   node bench/lib/allocate-floor.mjs rows DB   the same through better-sqlite3 one row
//        at a time, as a Node program must: iterate the round's rows into JS, one
//        INSERT call per line with values from JS, the UPDATE, commit; no plan.
//
// Both write the same number of lines as allocate, with made-up amounts. Opened
// with the ledger's own settings (rollback journal, synchronous FULL, foreign keys).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const [mode, file] = process.argv.slice(2);
if (!['sql', 'rows'].includes(mode) || !file) {
  console.error('usage: node bench/lib/allocate-floor.mjs sql|rows LEDGER.db');
  process.exit(2);
}
const db = new Database(file);
db.pragma('journal_mode = DELETE');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');

const READ = `SELECT a.application_id, a.category, a.cluster, a.uscc, a.enterprise_name, a.requested_amount_fen,
    a.total_investment_fen, a.submitted_on, e.eligibility, s.status, s.score_num, s.score_den, s.score_display
  FROM applications a LEFT JOIN application_eligibility e ON e.application_id = a.application_id
  LEFT JOIN score_aggregates s ON s.application_id = a.application_id
  WHERE +a.round_id = 'B' ORDER BY a.application_id`;

db.exec('BEGIN IMMEDIATE');
db.prepare(
  `INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, ties_json, created_at, created_by)
   VALUES ('B', 1, 'ranked', 'skip', 'score-desc,submitted-on-asc,application-id-asc', '{}', '[]', 'floor', 'floor')`,
).run();
let lines = 0;
if (mode === 'sql') {
  // The read, with every column used so that SQLite cannot skip decoding it.
  db.prepare(
    `SELECT count(*), sum(length(application_id) + length(category) + length(coalesce(cluster, '')) + length(uscc) + length(enterprise_name)
       + requested_amount_fen + total_investment_fen + length(submitted_on) + length(coalesce(eligibility, '')) + length(coalesce(status, ''))
       + length(coalesce(score_num, '')) + length(coalesce(score_den, '')) + length(coalesce(score_display, ''))) FROM (${READ})`,
  ).get();
  lines = db
    .prepare(
      `INSERT INTO allocation_lines (round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding)
       SELECT 'B', 1, a.application_id, a.category, a.cluster, CASE WHEN e.eligibility = 'eligible' THEN a.rowid END, s.score_display,
              a.requested_amount_fen, a.requested_amount_fen, CASE WHEN a.rowid % 3 = 0 THEN a.requested_amount_fen ELSE 0 END,
              CASE WHEN a.rowid % 3 = 0 THEN 'funded' ELSE 'did-not-fit' END, 'requested'
       FROM applications a LEFT JOIN application_eligibility e ON e.application_id = a.application_id
       LEFT JOIN score_aggregates s ON s.application_id = a.application_id
       WHERE +a.round_id = 'B' ORDER BY a.application_id`,
    )
    .run().changes;
} else {
  const ins = db.prepare(
    `INSERT INTO allocation_lines (round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding)
     VALUES ('B', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rows = [];
  for (const r of db.prepare(READ).raw().iterate()) rows.push(r);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const funded = i % 3 === 0;
    ins.run(r[0], r[1], r[2], r[8] === 'eligible' ? i + 1 : null, r[12], r[5], r[5], funded ? r[5] : 0, funded ? 'funded' : 'did-not-fit', 'requested');
    lines++;
  }
}
db.prepare(
  `UPDATE applications SET state = CASE WHEN l.award_fen > 0 THEN 'proposed' ELSE 'not-funded' END, updated_at = 'floor'
   FROM allocation_lines l
   WHERE l.round_id = 'B' AND l.version = 1 AND l.application_id = applications.application_id AND l.rank IS NOT NULL
     AND applications.state <> CASE WHEN l.award_fen > 0 THEN 'proposed' ELSE 'not-funded' END`,
).run();
db.exec('COMMIT');
db.close();
process.stdout.write(`${lines}\n`);
