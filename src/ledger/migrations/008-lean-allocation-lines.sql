-- allocation_lines, rebuilt for speed at 10^5–10^6 lines per version (measured
-- with `npm run bench:allocate`):
--  * The cap arithmetic is no longer stored per line (cap_detail_json): it is a
--    pure function of the application and the round's stored policy, which
--    `jmfund caps` prints; cap_fen and binding stay on every line. Building and
--    writing ~200 bytes of JSON per line was a third of the time of allocate.
--  * The reason and binding checks are chains of `=` instead of `IN (...)`:
--    SQLite builds an ephemeral index for a constant IN list on every execution
--    of an INSERT, which cost 3–5 µs per line; the chains cost almost nothing.
CREATE TABLE allocation_lines_v8 (
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
  reason           TEXT NOT NULL CHECK (reason = 'funded' OR reason = 'funded-in-part' OR reason = 'funded-pro-rata'
                     OR reason = 'did-not-fit' OR reason = 'no-budget-left' OR reason = 'enterprise-cap-used-up'
                     OR reason = 'no-budget' OR reason = 'not-allocated' OR reason = 'ineligible' OR reason = 'needs-review'
                     OR reason = 'insufficient-reviews' OR reason = 'below-threshold' OR reason = 'withdrawn'),
  binding          TEXT CHECK (binding IS NULL OR binding = 'requested' OR binding = 'ratio' OR binding = 'per-project-cap'
                     OR binding = 'enterprise-cap' OR binding = 'category-budget' OR binding = 'cluster-pool' OR binding = 'pro-rata'),
  PRIMARY KEY (round_id, version, application_id),
  FOREIGN KEY (round_id, version) REFERENCES allocations(round_id, version)
) STRICT;

INSERT INTO allocation_lines_v8 (round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding)
  SELECT round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding
  FROM allocation_lines ORDER BY rowid;
DROP TABLE allocation_lines;
ALTER TABLE allocation_lines_v8 RENAME TO allocation_lines;
