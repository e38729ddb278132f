import GRDB

/// A run's status as readers report it: a run recorded as `running` whose process has ended
/// reads as `interrupted` (worked out, not written: readers write nothing).
public enum RunStatus {
    public static func effective(recorded: String, processID: Int32?, host: String?) -> String {
        recorded == "running" && !WriterProcess.mayBeRunning(processID: processID, host: host) ? "interrupted" : recorded
    }

    /// Records as interrupted the runs left `running` by processes that have ended: the next
    /// writer's first act.
    static func recordInterrupted(in db: Database) throws {
        let running = try Row.fetchAll(db, sql: "SELECT id, process_id, host FROM runs WHERE status = 'running'")
        for row in running where !WriterProcess.mayBeRunning(processID: row["process_id"], host: row["host"]) {
            try db.execute(
                sql: "UPDATE runs SET status = 'interrupted', message = COALESCE(message, 'its process ended before the run finished') WHERE id = ?",
                arguments: [row["id"] as Int64])
        }
    }
}
