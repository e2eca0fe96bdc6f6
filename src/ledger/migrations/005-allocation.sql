-- Allocation versions (Art. 8, SPEC §8): each non-dry run of `allocate` is a
-- new numbered version; the latest is the proposal. Money is integer fen.
CREATE TABLE allocations (
  round_id      TEXT NOT NULL REFERENCES rounds(round_id),
  version       INTEGER NOT NULL CHECK (version >= 1),
  method        TEXT NOT NULL CHECK (method IN ('ranked', 'pro-rata')),
  shortfall     TEXT NOT NULL CHECK (shortfall IN ('skip', 'partial', 'stop')),
  -- The chain used, comma-separated, e.g. score-desc,submitted-on-asc,application-id-asc.
  tie_break     TEXT NOT NULL,
  -- Effective budget per category in fen (round, --budget overrides, policy defaults).
  budgets_json  TEXT NOT NULL,
  -- Ties across the funding line left to a collective decision (集体审议).
  ties_json     TEXT NOT NULL DEFAULT '[]',
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  PRIMARY KEY (round_id, version)
) STRICT;

-- One line per application of the round in each version, participants or not,
-- so that every reason and binding limit stays on record. A rowid table: lines
-- arrive in rank order, and appending them is ~2.5× faster than inserting into
-- a WITHOUT ROWID tree keyed by application_id.
CREATE TABLE allocation_lines (
  round_id         TEXT NOT NULL,
  version          INTEGER NOT NULL,
  application_id   TEXT NOT NULL REFERENCES applications(application_id),
  category         TEXT NOT NULL,
  cluster          TEXT,
  rank             INTEGER CHECK (rank IS NULL OR rank >= 1),
  score_display    TEXT,
  cap_fen          INTEGER NOT NULL CHECK (cap_fen >= 0),
  entitled_fen     INTEGER NOT NULL CHECK (entitled_fen >= 0),
  award_fen        INTEGER NOT NULL CHECK (award_fen >= 0 AND award_fen <= cap_fen),
  reason           TEXT NOT NULL CHECK (reason IN ('funded', 'funded-in-part', 'funded-pro-rata', 'did-not-fit', 'no-budget-left',
                     'enterprise-cap-used-up', 'no-budget', 'not-allocated', 'ineligible', 'needs-review', 'insufficient-reviews',
                     'below-threshold', 'withdrawn')),
  binding          TEXT CHECK (binding IS NULL OR binding IN ('requested', 'ratio', 'per-project-cap', 'enterprise-cap',
                     'category-budget', 'cluster-pool', 'pro-rata')),
  cap_detail_json  TEXT NOT NULL,
  PRIMARY KEY (round_id, version, application_id),
  FOREIGN KEY (round_id, version) REFERENCES allocations(round_id, version)
) STRICT;
