-- Ingest runs' ids, claimed before a run is recorded (ClickHouse has no sequences or
-- transactions, and `runs` folds the rows of one id). A writer inserts a claim on the next free
-- id (one more than any run or claim) with a token of its own, then reads that id's claims: it
-- holds the id when its claim is the only one. Of two writers claiming one id, the one reading
-- second sees both claims, so at most one holds it; writers that collide claim again. Plain
-- MergeTree: claims are never folded or removed.
CREATE TABLE IF NOT EXISTS {database}.run_claims (
    id UInt64,
    claimant String,                   -- a random token of the claiming writer
    claimed_at String
) ENGINE = MergeTree ORDER BY (id, claimant);
