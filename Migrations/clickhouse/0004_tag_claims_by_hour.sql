-- The claims of 0003 (same columns, same meaning) in a table partitioned by the hour of `at`, so
-- that lapsed claims can go away: `tag_claims` only grew (about three rows per tag and ingest
-- batch, forever) while claims are read only for `lease` (60) seconds. ClickHouse 18.16 has no
-- TTL; a writer drops each hour whose every row is older than the lease with `ALTER TABLE …
-- DROP PARTITION` (`ClickHouseTagClaim.dropLapsedHours`), which removes that hour's files and
-- touches no other row (an `ALTER … DELETE` mutation would rewrite every part of the table,
-- live claims' parts too, in the background).
CREATE TABLE IF NOT EXISTS {database}.tag_claims_by_hour (
    model_id UInt64,
    tag String,
    claimant String,                   -- a random token per claim
    event String,                      -- 'claim', 'renew' or 'release'
    at DateTime,                       -- the server's clock when the row was written
    run_id UInt64,                     -- the claiming writer's run (runs.id)
    process_id Int32,
    host String
) ENGINE = MergeTree PARTITION BY intDiv(toUInt32(at), 3600) ORDER BY (model_id, tag, at);

-- The rows of the last hour move over; older ones are lapsed (a claim is read only while one of
-- its rows is younger than the 60 s lease) and are dropped with the old rows. The old table is
-- emptied, not dropped, so that this migration can run again, or twice at once (a row copied
-- twice changes no claim's state): ingests of a build older than 0004 must not run meanwhile.
INSERT INTO {database}.tag_claims_by_hour
SELECT model_id, tag, claimant, event, at, run_id, process_id, host FROM {database}.tag_claims WHERE at >= now() - 3600;
TRUNCATE TABLE {database}.tag_claims;
