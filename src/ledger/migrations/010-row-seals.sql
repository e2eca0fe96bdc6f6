-- Every fact row under the chain (issue 16). Each event that writes rows seals
-- them: one entry per row it inserted, changed or deleted, with a hash of the
-- row as it left the event (NULL: deleted), and the event's hashed content
-- (events.sealed) holds, per table, a digest of its entries. verify recomputes
-- both: a row changed, added or deleted behind jmfund's back no longer matches
-- its newest entry, and an entry changed to match it no longer matches the
-- event's digest, which the chain (and an anchor) protects. The history is
-- kept: an entry is never changed, a later event adds a newer one.
CREATE TABLE row_seals (
  tbl   TEXT NOT NULL,
  -- The row's key columns as a JSON array, e.g. ["A1","expert-3"].
  key   TEXT NOT NULL,
  seq   INTEGER NOT NULL,
  -- First 16 bytes of SHA-256 over the table name and the row's values.
  hash  BLOB,
  PRIMARY KEY (tbl, key, seq)
) STRICT, WITHOUT ROWID;

ALTER TABLE events ADD COLUMN sealed TEXT;
