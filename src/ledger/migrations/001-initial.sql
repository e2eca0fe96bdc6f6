-- Rounds, applications, side lists and the event log. Money is integer fen.
CREATE TABLE rounds (
  round_id     TEXT PRIMARY KEY,
  opens_on     TEXT NOT NULL,
  closes_on    TEXT NOT NULL,
  policy_id    TEXT NOT NULL,
  policy_hash  TEXT NOT NULL,
  policy_json  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL
) STRICT;

CREATE TABLE round_budgets (
  round_id   TEXT NOT NULL REFERENCES rounds(round_id),
  category   TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  PRIMARY KEY (round_id, category)
) STRICT;

-- application_id is unique across the ledger so that commands can name an
-- application without its round.
CREATE TABLE applications (
  application_id            TEXT PRIMARY KEY,
  round_id                  TEXT NOT NULL REFERENCES rounds(round_id),
  enterprise_name           TEXT NOT NULL,
  uscc                      TEXT NOT NULL,
  district                  TEXT NOT NULL,
  established_on            TEXT NOT NULL,
  independent_legal_person  INTEGER NOT NULL,
  category                  TEXT NOT NULL,
  cluster                   TEXT,
  project_name              TEXT NOT NULL,
  total_investment_fen      INTEGER NOT NULL CHECK (total_investment_fen >= 0),
  requested_amount_fen      INTEGER NOT NULL CHECK (requested_amount_fen >= 0),
  employees                 INTEGER,
  annual_revenue_fen        INTEGER,
  other_fiscal_support      INTEGER NOT NULL,
  past_projects_compliant   INTEGER NOT NULL,
  credit_good               INTEGER NOT NULL,
  major_accident            INTEGER NOT NULL,
  ready_to_implement        INTEGER NOT NULL,
  training_events           INTEGER,
  trainees                  INTEGER,
  submitted_on              TEXT NOT NULL,
  extra_json                TEXT NOT NULL DEFAULT '{}',
  source_file               TEXT NOT NULL,
  source_line               INTEGER NOT NULL,
  source_sha256             TEXT NOT NULL,
  content_hash              TEXT NOT NULL,
  -- lifecycle state (SPEC §2): imported, eligible, ineligible, needs-review, ...
  state                     TEXT NOT NULL DEFAULT 'imported',
  created_at                TEXT NOT NULL,
  updated_at                TEXT NOT NULL
) STRICT;
CREATE INDEX applications_round ON applications(round_id, category);
CREATE UNIQUE INDEX applications_project ON applications(round_id, uscc, project_name);

-- Side lists used by check (SPEC §5). row_hash makes re-imports idempotent.
CREATE TABLE prior_funding (
  id            INTEGER PRIMARY KEY,
  uscc          TEXT NOT NULL,
  project_name  TEXT NOT NULL,
  program       TEXT NOT NULL,
  amount_fen    INTEGER,
  year          INTEGER,
  source_file   TEXT NOT NULL,
  source_line   INTEGER NOT NULL,
  row_hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX prior_funding_uscc ON prior_funding(uscc);

CREATE TABLE credit_listings (
  id           INTEGER PRIMARY KEY,
  uscc         TEXT NOT NULL,
  list         TEXT NOT NULL CHECK (list IN ('abnormal-operations', 'serious-dishonesty')),
  listed_on    TEXT NOT NULL,
  removed_on   TEXT,
  source_file  TEXT NOT NULL,
  source_line  INTEGER NOT NULL,
  row_hash     TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX credit_listings_uscc ON credit_listings(uscc);

CREATE TABLE violations (
  id           INTEGER PRIMARY KEY,
  uscc         TEXT NOT NULL,
  occurred_on  TEXT NOT NULL,
  description  TEXT NOT NULL,
  source_file  TEXT NOT NULL,
  source_line  INTEGER NOT NULL,
  row_hash     TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX violations_uscc ON violations(uscc);

CREATE TABLE accidents (
  id           INTEGER PRIMARY KEY,
  uscc         TEXT NOT NULL,
  occurred_on  TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('safety', 'environmental', 'quality')),
  description  TEXT NOT NULL,
  source_file  TEXT NOT NULL,
  source_line  INTEGER NOT NULL,
  row_hash     TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX accidents_uscc ON accidents(uscc);

-- The hash-chained event log (SPEC §11): hash = sha256(prev_hash || canonical content).
CREATE TABLE events (
  seq         INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  officer     TEXT NOT NULL,
  command     TEXT NOT NULL,
  round_id    TEXT,
  app_ids     TEXT NOT NULL DEFAULT '[]',
  details     TEXT NOT NULL DEFAULT '{}',
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX events_round ON events(round_id);
