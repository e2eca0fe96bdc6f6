-- An application's eligibility status (SPEC §6) in a narrow table of its own.
-- In applications it made `check` rewrite and seal again every wide row of the
-- round (its 31 columns, Chinese names and all) to change one word: that was
-- a third of the command at 200,000 applications. A row here is written only
-- when the status changes, and the pre-allocation state is read from it
-- (ledger/states.ts): check and decide no longer touch applications.
-- No row: not checked (or imported again since).
CREATE TABLE application_eligibility (
  application_id  TEXT PRIMARY KEY REFERENCES applications(application_id),
  eligibility     TEXT NOT NULL CHECK (eligibility IN ('eligible', 'ineligible', 'needs-review'))
) STRICT, WITHOUT ROWID;

INSERT INTO application_eligibility (application_id, eligibility)
  SELECT application_id, eligibility FROM applications WHERE eligibility IS NOT NULL ORDER BY application_id;

ALTER TABLE applications DROP COLUMN eligibility;
