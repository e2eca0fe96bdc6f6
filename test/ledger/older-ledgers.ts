// A ledger of this release put back to the shape an older release left it in,
// to test the migrations that bring it up to date.
import type Database from 'better-sqlite3';

/** A ledger of this version put back to the shape of version 12: event_apps with seq declared first (migration 002). */
export function downTo12(raw: Database.Database): void {
  raw.exec(`CREATE TABLE event_apps_old (
  seq             INTEGER NOT NULL REFERENCES events(seq),
  application_id  TEXT NOT NULL,
  PRIMARY KEY (application_id, seq)
) STRICT, WITHOUT ROWID;
    INSERT INTO event_apps_old (seq, application_id) SELECT seq, application_id FROM event_apps;
    DROP TABLE event_apps;
    ALTER TABLE event_apps_old RENAME TO event_apps;`);
}

/**
 * A ledger of this version put back to the shape of version 11: the status in
 * the application rows (migration 003's column, written with the state before
 * allocation), its own table gone. On a plain connection: jmfund's seals are not kept.
 */
export function downTo11(raw: Database.Database): void {
  downTo12(raw);
  raw.exec(`ALTER TABLE applications ADD COLUMN eligibility TEXT
  CHECK (eligibility IS NULL OR eligibility IN ('eligible', 'ineligible', 'needs-review'));
    UPDATE applications SET eligibility = (SELECT e.eligibility FROM application_eligibility e WHERE e.application_id = applications.application_id);
    UPDATE applications SET state = eligibility WHERE eligibility IS NOT NULL AND state IN ('imported', 'eligible', 'ineligible', 'needs-review');
    DROP TABLE application_eligibility;`);
}
