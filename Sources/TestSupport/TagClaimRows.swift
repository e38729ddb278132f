/// Statements that write claim rows (Migrations/clickhouse/0003_tag_claims.sql; in
/// `tag_claims_by_hour` since 0004, or in `table`) as another writer would have, for tests of
/// what an ingest does with them: a live claim of a writer elsewhere, a stale one, its release.
public enum TagClaimRows {
    /// A `claim` row on (`modelID`, `tag`) by `claimant`, stamped `secondsAgo` seconds before the
    /// server's clock.
    public static func claim(database: String, modelID: UInt64, tag: String, claimant: String, runID: Int, processID: Int32,
                             host: String, secondsAgo: Int = 0, table: String = "tag_claims_by_hour") -> String {
        row(database: database, modelID: modelID, tag: tag, claimant: claimant, event: "claim", runID: runID, processID: processID,
            host: host, secondsAgo: secondsAgo, table: table)
    }

    /// The `release` row of `claimant`'s claim.
    public static func release(database: String, modelID: UInt64, tag: String, claimant: String) -> String {
        row(database: database, modelID: modelID, tag: tag, claimant: claimant, event: "release", runID: 0, processID: 0, host: "", secondsAgo: 0,
            table: "tag_claims_by_hour")
    }

    private static func row(database: String, modelID: UInt64, tag: String, claimant: String, event: String, runID: Int, processID: Int32,
                            host: String, secondsAgo: Int, table: String) -> String {
        """
        INSERT INTO \(database).\(table) (model_id, tag, claimant, event, at, run_id, process_id, host)
        SELECT \(modelID), '\(tag)', '\(claimant)', '\(event)', now() - \(secondsAgo), \(runID), \(processID), '\(host)'
        """
    }
}
