-- score_aggregates_rank (round_id, status, score_key) was read by no query:
-- the ranking is made in JS from the exact values, and a round's aggregates
-- are found by round_id alone. Kept in (status, score_key) order, each
-- inserted aggregate landed at a random place in it: about half the cost of
-- writing a round's aggregates (measured with the sqlite3 shell at 100,000).
DROP INDEX score_aggregates_rank;
CREATE INDEX score_aggregates_round ON score_aggregates(round_id);
