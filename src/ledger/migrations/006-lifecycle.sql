-- From public notice to clawback (SPEC §2, §9, §10; Art. 10, 11, 13, 14, 16).
-- Money is integer fen. Every dated action keeps the date the officer stated
-- (…_on) and the instant it was entered (created_at, ISO-8601 UTC).
-- Ledger entries are append-only: triggers refuse UPDATE and DELETE, so a
-- filed award, a payment or a clawback is never edited, only added to.

-- Art. 7(5): awards of manual categories (other), set by an officer with the
-- approving document's number. History kept; the newest row counts.
CREATE TABLE manual_awards (
  id              INTEGER PRIMARY KEY,
  round_id        TEXT NOT NULL REFERENCES rounds(round_id),
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
  basis           TEXT NOT NULL CHECK (length(basis) > 0),
  set_on          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX manual_awards_app ON manual_awards(application_id, id);

-- Art. 11: 公示. A notice from starts_on for days natural days runs through ends_on.
CREATE TABLE notices (
  notice_id           INTEGER PRIMARY KEY,
  round_id            TEXT NOT NULL REFERENCES rounds(round_id),
  allocation_version  INTEGER,
  starts_on           TEXT NOT NULL,
  days                INTEGER NOT NULL CHECK (days > 0),
  ends_on             TEXT NOT NULL CHECK (ends_on >= starts_on),
  out_file            TEXT,
  created_at          TEXT NOT NULL,
  created_by          TEXT NOT NULL
) STRICT;
CREATE INDEX notices_round ON notices(round_id);

-- An award goes on one notice only; a re-allocation's new awards go on a new one.
CREATE TABLE notice_items (
  notice_id       INTEGER NOT NULL REFERENCES notices(notice_id),
  application_id  TEXT NOT NULL UNIQUE REFERENCES applications(application_id),
  award_fen       INTEGER NOT NULL CHECK (award_fen > 0),
  source          TEXT NOT NULL CHECK (source IN ('allocation', 'manual')),
  PRIMARY KEY (notice_id, application_id)
) STRICT;

CREATE TABLE objections (
  objection_id         INTEGER PRIMARY KEY,
  round_id             TEXT NOT NULL REFERENCES rounds(round_id),
  application_id       TEXT NOT NULL REFERENCES applications(application_id),
  notice_id            INTEGER REFERENCES notices(notice_id),
  received_on          TEXT NOT NULL,
  from_name            TEXT,
  text                 TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed', 'not-accepted')),
  not_accepted_reason  TEXT CHECK (not_accepted_reason IN ('anonymous', 'not-on-notice', 'before-notice', 'after-notice')),
  resolution_note      TEXT,
  resolved_on          TEXT,
  resolved_at          TEXT,
  resolved_by          TEXT,
  created_at           TEXT NOT NULL,
  created_by           TEXT NOT NULL,
  CHECK ((status = 'not-accepted') = (not_accepted_reason IS NOT NULL))
) STRICT;
CREATE INDEX objections_round ON objections(round_id, status);
CREATE INDEX objections_app ON objections(application_id);

-- Art. 10(3): 备案. hash = SHA-256 of the canonical list of filed amounts, for verify.
CREATE TABLE filings (
  filing_id    INTEGER PRIMARY KEY,
  round_id     TEXT NOT NULL REFERENCES rounds(round_id),
  filed_on     TEXT NOT NULL,
  award_count  INTEGER NOT NULL,
  total_fen    INTEGER NOT NULL,
  hash         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL
) STRICT;

CREATE TABLE filed_awards (
  application_id  TEXT PRIMARY KEY REFERENCES applications(application_id),
  filing_id       INTEGER NOT NULL REFERENCES filings(filing_id),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0)
) STRICT;
CREATE INDEX filed_awards_filing ON filed_awards(filing_id);

-- Art. 14: 验收, once per project.
CREATE TABLE acceptances (
  application_id         TEXT PRIMARY KEY REFERENCES applications(application_id),
  accepted_on            TEXT NOT NULL,
  claimed_result         TEXT NOT NULL CHECK (claimed_result IN ('pass', 'fail')),
  result                 TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
  reason                 TEXT NOT NULL,
  actual_investment_fen  INTEGER NOT NULL CHECK (actual_investment_fen >= 0),
  training_events        INTEGER,
  trainees               INTEGER,
  cap_fen                INTEGER,
  filed_award_fen        INTEGER NOT NULL,
  final_award_fen        INTEGER NOT NULL CHECK (final_award_fen >= 0 AND final_award_fen <= filed_award_fen),
  note                   TEXT,
  created_at             TEXT NOT NULL,
  created_by             TEXT NOT NULL
) STRICT;

-- Art. 13: 专账专户.
CREATE TABLE payments (
  payment_id      INTEGER PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_on         TEXT NOT NULL,
  voucher         TEXT,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX payments_app ON payments(application_id);

-- Art. 10(4), 16: 追缴 orders and what came back, against what was paid.
CREATE TABLE clawbacks (
  clawback_id     INTEGER PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  source          TEXT NOT NULL CHECK (source IN ('audit', 'spot-check', 'acceptance')),
  reason          TEXT NOT NULL,
  ordered_on      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX clawbacks_app ON clawbacks(application_id);

CREATE TABLE recoveries (
  recovery_id     INTEGER PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  recovered_on    TEXT NOT NULL,
  voucher         TEXT,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX recoveries_app ON recoveries(application_id);

-- Art. 16: 抽查. The seed and the method let anyone redraw the same sample.
CREATE TABLE spot_checks (
  check_id     INTEGER PRIMARY KEY,
  round_id     TEXT NOT NULL REFERENCES rounds(round_id),
  seed         TEXT NOT NULL,
  method_json  TEXT NOT NULL,
  population   INTEGER NOT NULL,
  drawn_on     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL
) STRICT;

CREATE TABLE spot_check_items (
  check_id        INTEGER NOT NULL REFERENCES spot_checks(check_id),
  application_id  TEXT NOT NULL REFERENCES applications(application_id),
  basis           TEXT NOT NULL CHECK (basis IN ('random', 'above-amount')),
  stratum         TEXT,
  PRIMARY KEY (check_id, application_id)
) STRICT;
CREATE INDEX spot_check_items_app ON spot_check_items(application_id);

CREATE TABLE spot_check_findings (
  finding_id      INTEGER PRIMARY KEY,
  check_id        INTEGER NOT NULL,
  application_id  TEXT NOT NULL,
  finding         TEXT NOT NULL CHECK (finding IN ('ok', 'violation')),
  note            TEXT NOT NULL,
  found_on        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  UNIQUE (check_id, application_id),
  FOREIGN KEY (check_id, application_id) REFERENCES spot_check_items(check_id, application_id)
) STRICT;

-- Append-only ledger entries.
CREATE TRIGGER manual_awards_no_update BEFORE UPDATE ON manual_awards BEGIN SELECT RAISE(ABORT, 'manual_awards are append-only'); END;
CREATE TRIGGER manual_awards_no_delete BEFORE DELETE ON manual_awards BEGIN SELECT RAISE(ABORT, 'manual_awards are append-only'); END;
CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;
CREATE TRIGGER notice_items_no_update BEFORE UPDATE ON notice_items BEGIN SELECT RAISE(ABORT, 'notice_items are append-only'); END;
CREATE TRIGGER notice_items_no_delete BEFORE DELETE ON notice_items BEGIN SELECT RAISE(ABORT, 'notice_items are append-only'); END;
CREATE TRIGGER filings_no_update BEFORE UPDATE ON filings BEGIN SELECT RAISE(ABORT, 'filings are immutable'); END;
CREATE TRIGGER filings_no_delete BEFORE DELETE ON filings BEGIN SELECT RAISE(ABORT, 'filings are immutable'); END;
CREATE TRIGGER filed_awards_no_update BEFORE UPDATE ON filed_awards BEGIN SELECT RAISE(ABORT, 'filed awards are immutable'); END;
CREATE TRIGGER filed_awards_no_delete BEFORE DELETE ON filed_awards BEGIN SELECT RAISE(ABORT, 'filed awards are immutable'); END;
CREATE TRIGGER acceptances_no_update BEFORE UPDATE ON acceptances BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
CREATE TRIGGER acceptances_no_delete BEFORE DELETE ON acceptances BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER clawbacks_no_update BEFORE UPDATE ON clawbacks BEGIN SELECT RAISE(ABORT, 'clawbacks are append-only'); END;
CREATE TRIGGER clawbacks_no_delete BEFORE DELETE ON clawbacks BEGIN SELECT RAISE(ABORT, 'clawbacks are append-only'); END;
CREATE TRIGGER recoveries_no_update BEFORE UPDATE ON recoveries BEGIN SELECT RAISE(ABORT, 'recoveries are append-only'); END;
CREATE TRIGGER recoveries_no_delete BEFORE DELETE ON recoveries BEGIN SELECT RAISE(ABORT, 'recoveries are append-only'); END;
CREATE TRIGGER spot_checks_no_update BEFORE UPDATE ON spot_checks BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
CREATE TRIGGER spot_checks_no_delete BEFORE DELETE ON spot_checks BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
CREATE TRIGGER spot_check_items_no_update BEFORE UPDATE ON spot_check_items BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
CREATE TRIGGER spot_check_items_no_delete BEFORE DELETE ON spot_check_items BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
CREATE TRIGGER spot_check_findings_no_update BEFORE UPDATE ON spot_check_findings BEGIN SELECT RAISE(ABORT, 'spot-check findings are append-only'); END;
CREATE TRIGGER spot_check_findings_no_delete BEFORE DELETE ON spot_check_findings BEGIN SELECT RAISE(ABORT, 'spot-check findings are append-only'); END;

-- An objection is resolved once: only an open one may change.
CREATE TRIGGER objections_resolve_once BEFORE UPDATE ON objections WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'an objection is resolved once'); END;
CREATE TRIGGER objections_no_delete BEFORE DELETE ON objections BEGIN SELECT RAISE(ABORT, 'objections are kept'); END;
