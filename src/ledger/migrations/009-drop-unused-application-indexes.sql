-- Two indexes on applications that no query needs: every query that filters
-- on round_id alone (with or without category, state or eligibility) is served
-- by applications_project (round_id, uscc, project_name), and none looks
-- applications up by category or eligibility within a round. Each index costs
-- every insert of a 1,000,000-row import and every `check` that sets eligibility.
DROP INDEX IF EXISTS applications_round;
DROP INDEX IF EXISTS applications_eligibility;
