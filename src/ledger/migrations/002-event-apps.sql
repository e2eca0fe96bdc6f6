-- Which applications each event touched, so `log --app` does not scan JSON.
CREATE TABLE event_apps (
  seq             INTEGER NOT NULL REFERENCES events(seq),
  application_id  TEXT NOT NULL,
  PRIMARY KEY (application_id, seq)
) STRICT, WITHOUT ROWID;

-- The head of the event chain, so that deleting the newest events is seen too.
CREATE TABLE ledger_meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) STRICT;
