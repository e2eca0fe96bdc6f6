-- Eligibility (SPEC §6): one result per (application, rule) from the latest
-- `check`, and every officer decision on a needs-review item.

-- Derived status (eligible / ineligible / needs-review); NULL until checked.
ALTER TABLE applications ADD COLUMN eligibility TEXT
  CHECK (eligibility IS NULL OR eligibility IN ('eligible', 'ineligible', 'needs-review'));
CREATE INDEX applications_eligibility ON applications(round_id, eligibility);

-- Decisions are never updated or deleted: the history is the audit trail.
-- evidence_hash is the hash of the check result's evidence the officer saw.
CREATE TABLE eligibility_decisions (
  decision_id     INTEGER PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  rule            TEXT NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome IN ('pass', 'fail')),
  reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  evidence_hash   TEXT NOT NULL,
  evidence_json   TEXT NOT NULL,
  decided_by      TEXT NOT NULL,
  decided_at      TEXT NOT NULL,
  event_seq       INTEGER NOT NULL REFERENCES events(seq)
) STRICT;
CREATE INDEX eligibility_decisions_app ON eligibility_decisions(application_id, rule);

-- outcome is what the rule itself found; decision_id points at the officer
-- decision that currently settles a needs-review result (same evidence hash).
-- reopened_decision_id remembers a decision set aside because the evidence
-- changed. event_seq is the check that last changed the row: a re-check
-- rewrites only the rows whose outcome, reason or evidence changed.
CREATE TABLE eligibility_results (
  application_id        TEXT NOT NULL REFERENCES applications(application_id),
  rule                  TEXT NOT NULL,
  outcome               TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'needs-review')),
  article               TEXT NOT NULL,
  reason_zh             TEXT NOT NULL,
  reason_en             TEXT NOT NULL,
  evidence_json         TEXT NOT NULL,
  evidence_hash         TEXT NOT NULL,
  event_seq             INTEGER NOT NULL REFERENCES events(seq),
  decision_id           INTEGER REFERENCES eligibility_decisions(decision_id),
  reopened_decision_id  INTEGER REFERENCES eligibility_decisions(decision_id),
  PRIMARY KEY (application_id, rule),
  CHECK (decision_id IS NULL OR outcome = 'needs-review')
) STRICT;

-- The latest check of each round: the as-of date its results were made on.
CREATE TABLE eligibility_checks (
  round_id    TEXT PRIMARY KEY REFERENCES rounds(round_id),
  as_of       TEXT NOT NULL,
  checked_at  TEXT NOT NULL,
  checked_by  TEXT NOT NULL,
  event_seq   INTEGER NOT NULL REFERENCES events(seq)
) STRICT;

-- A digest of each application's stored results (outcomes, reasons, evidence
-- hashes, decisions), so that a re-check of a large round skips the
-- applications whose results did not change. Dropped when a decision changes them.
CREATE TABLE eligibility_digests (
  application_id  TEXT PRIMARY KEY REFERENCES applications(application_id),
  digest          TEXT NOT NULL
) STRICT, WITHOUT ROWID;
