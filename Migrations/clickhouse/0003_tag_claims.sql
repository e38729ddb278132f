-- Claims on a (model, tag) by the ingest writing it, so that "read the stored traces, insert the
-- missing ones" is done by one writer at a time per (model, tag) (ClickHouse has no transactions;
-- on SQLite a transaction does this). Each batch of an ingest claims the tags it holds, then reads
-- the claims of those tags: it holds them when no other writer's claim is live. Of two writers
-- claiming at once, the one reading second sees both (an insert is visible once it returns), so
-- at most one holds a tag; a writer that does not hold all its tags releases its claim and tries
-- again. A claim is live until its release row, unless it lapses: its writer renews it every
-- 10 s while it holds it, and one not renewed for 60 s (by the server's clock, `at`) is stale,
-- as is one whose process is gone from the claiming host. Plain MergeTree: rows are only added.
CREATE TABLE IF NOT EXISTS {database}.tag_claims (
    model_id UInt64,
    tag String,
    claimant String,                   -- a random token per claim
    event String,                      -- 'claim', 'renew' or 'release'
    at DateTime,                       -- the server's clock when the row was written
    run_id UInt64,                     -- the claiming writer's run (runs.id)
    process_id Int32,
    host String
) ENGINE = MergeTree ORDER BY (model_id, tag, at);
