-- Expert scores and their aggregate (Art. 11, SPEC §7).
-- One row per (application, expert). A plain score is in hundredths of a
-- point (score_centi); per-criterion scores are in criteria_json as
-- {"key": hundredths}. A recused row may have no score; it is kept, never averaged.
CREATE TABLE scores (
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  -- Same as the application's round (which never changes): lets
  -- aggregation read a round from one index without a join.
  round_id        TEXT NOT NULL REFERENCES rounds(round_id),
  expert_id       TEXT NOT NULL,
  score_centi     INTEGER CHECK (score_centi IS NULL OR score_centi >= 0),
  criteria_json   TEXT,
  recused         INTEGER NOT NULL CHECK (recused IN (0, 1)),
  comment         TEXT,
  source_file     TEXT NOT NULL,
  source_line     INTEGER NOT NULL,
  source_sha256   TEXT NOT NULL,
  imported_at     TEXT NOT NULL,
  PRIMARY KEY (application_id, expert_id)
) STRICT, WITHOUT ROWID;
-- Covering, in aggregation order: reading a round's 1,000,000 scores is one
-- index scan, with no lookups into the table and no sort.
CREATE INDEX scores_round ON scores(round_id, application_id, expert_id, recused, score_centi, criteria_json);

-- The round's aggregate, replaced as a whole by each `scores aggregate`.
-- score_num/score_den: the exact value (BigInt as text; for z-score a
-- fixed-point value over 10^40). score_key sorts as text in the order of the
-- exact values, so that allocation can ORDER BY it.
CREATE TABLE score_aggregates (
  application_id  TEXT PRIMARY KEY REFERENCES applications(application_id),
  round_id        TEXT NOT NULL REFERENCES rounds(round_id),
  method          TEXT NOT NULL CHECK (method IN ('mean', 'trimmed-mean', 'median', 'z-score')),
  status          TEXT NOT NULL CHECK (status IN ('scored', 'insufficient-reviews', 'below-threshold')),
  score_num       TEXT,
  score_den       TEXT,
  score_display   TEXT,
  score_key       TEXT,
  experts         INTEGER NOT NULL,
  recused         INTEGER NOT NULL,
  outliers_json   TEXT NOT NULL DEFAULT '[]',
  details_json    TEXT NOT NULL DEFAULT '{}',
  computed_at     TEXT NOT NULL,
  CHECK ((status = 'insufficient-reviews') = (score_num IS NULL))
) STRICT; -- a rowid table: rows of 100-400 bytes update faster than WITHOUT ROWID (measured)
CREATE INDEX score_aggregates_rank ON score_aggregates(round_id, status, score_key);

-- Each expert's mean and population SD over the round's valid scores when
-- the aggregate was computed (the μ_e, σ_e of the z-score), replaced with it.
CREATE TABLE score_expert_stats (
  round_id    TEXT NOT NULL REFERENCES rounds(round_id),
  expert_id   TEXT NOT NULL,
  scored      INTEGER NOT NULL,
  recused     INTEGER NOT NULL,
  mean        TEXT,
  sd          TEXT,
  PRIMARY KEY (round_id, expert_id)
) STRICT, WITHOUT ROWID;
