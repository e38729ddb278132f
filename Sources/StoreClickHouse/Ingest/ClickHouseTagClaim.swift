import Dispatch
import Foundation
import Store

/// Makes an ingest batch's "read the stored traces, insert the missing ones" one writer's at a
/// time per (model, tag) on ClickHouse, which has no transactions
/// (`Migrations/clickhouse/0003_tag_claims.sql`; kept by the hour since 0004). The writer
/// inserts a claim row per tag of the batch, under a token of its own, then reads the tags'
/// live claims: it holds the tags when none is another writer's. Why two writers never both
/// hold a tag: each reads after its own claim was stored, so of two claims made at once the
/// writer reading second sees both and does not hold. A writer that does not hold releases its
/// claim (a `release` row) and tries again, after a random pause, while another writer's claim
/// is live: so two ingests of one stream take turns batch by batch, and the later of the two
/// finds each batch's traces stored. Different tags never wait for each other.
///
/// A claim is live until released, unless it is stale: its holder renews it every `renewal`
/// seconds, and a claim not renewed for `lease` seconds (by the server's clock) lapses, as does
/// one whose process is gone from this host (a killed ingest on this machine frees its tags at
/// once; one on another machine after `lease` seconds). A writer kept out by one claim for
/// `backend.busyTimeout` seconds gives up with an error naming the tag and the run holding it.
/// Lapsed claims go away by the hour (`dropLapsedHours`).
struct ClickHouseTagClaim: Sendable {
    /// Seconds an unrenewed claim stays live.
    static let lease = 60
    /// The claims' table (migration 0004), partitioned by the hour of `at`.
    private static let claimsTable = "tag_claims_by_hour"
    /// Seconds between a holder's renewals.
    static let renewal = 10

    let backend: ClickHouseBackend
    /// The claiming writer's run.
    let runID: Int64
    let modelID: UInt64
    /// The model's fingerprint, for messages.
    let fingerprint: String

    /// Runs `body` holding `tags` of the model: waits (telling `backend.onWaiting` once it has
    /// waited a second) while another writer holds one, and throws `StoreError.Reason.busy`
    /// when one claim has kept it out for `backend.busyTimeout` seconds.
    func holding<T>(_ tags: Set<String>, _ body: () throws -> T) throws -> T {
        let tags = tags.sorted()
        let token = try claim(tags)
        let renewing = Renewal(every: Self.renewal) { try? self.write("renew", tags, token: token) }
        defer {
            renewing.stop()
            try? write("release", tags, token: token)
        }
        return try body()
    }

    /// The token of a claim that holds `tags`. The wait is timed per claim in the way: a writer
    /// taking turns with another (a new claim per batch) is waited for as long as it goes on.
    private func claim(_ tags: [String]) throws -> String {
        var (attempt, told) = (0, false)
        var blocking: (claimant: String, since: Date)?
        while true {
            attempt += 1
            let holder: LiveClaim
            if let live = try liveClaims(of: tags).first {
                holder = live
            } else {
                let token = UUID().uuidString
                try write("claim", tags, token: token)
                guard let other = try liveClaims(of: tags).first(where: { $0.claimant != token }) else { return token }
                try write("release", tags, token: token)
                holder = other
            }
            if blocking?.claimant != holder.claimant { blocking = (holder.claimant, Date()) }
            let waited = Date().timeIntervalSince(blocking?.since ?? Date())
            if waited >= backend.busyTimeout {
                throw StoreError(path: backend.location, reason: .busy(
                    tag: holder.tag, model: fingerprint, holder: holder.description, waited: Int(backend.busyTimeout.rounded())))
            }
            if !told && waited >= 1 {
                told = true
                backend.onWaiting?("waiting for tag '\(holder.tag)' of model \(fingerprint.prefix(12)), \(holder) "
                    + "(giving up if it holds the tag for \(Int(backend.busyTimeout.rounded())) s)")
            }
            // Short pauses while writers collide, up to half a second while one holds the tag.
            usleep(UInt32.random(in: 5_000...(50_000 * UInt32(min(attempt, 10)))))
        }
    }

    /// Adds a row per tag for the claim `token`, stamped with the server's clock.
    private func write(_ event: String, _ tags: [String], token: String) throws {
        let process = WriterProcess.current
        try backend.client.execute("""
            INSERT INTO \(backend.table(Self.claimsTable)) (model_id, tag, claimant, event, at, run_id, process_id, host)
            SELECT \(modelID), tag, \(SQLLiteral.string(token)), \(SQLLiteral.string(event)), now(), \(runID), \(process.processID), \(SQLLiteral.string(process.host))
            FROM system.one ARRAY JOIN [\(tags.map(SQLLiteral.string).joined(separator: ", "))] AS tag
            """)
    }

    /// Drops the hours of claims (partitions of `tag_claims_by_hour`) whose every row is older
    /// than `lease` by the server's clock, and returns their number. No live claim is dropped:
    /// an hour's last second is then more than a lease ago, and rows are stamped with the
    /// server's clock, which moves on, so no row of a dropped hour is read again or added later.
    @discardableResult
    static func dropLapsedHours(on backend: ClickHouseBackend) throws -> Int {
        let hours = TabSeparated.rows(try backend.client.execute("""
            SELECT DISTINCT partition FROM system.parts
            WHERE database = \(SQLLiteral.string(backend.address.database)) AND table = \(SQLLiteral.string(claimsTable)) AND active
              AND toUInt64(partition) < intDiv(toUInt32(now()) - \(lease), 3600)
            FORMAT TabSeparated
            """))
        for hour in hours {
            guard hour.count == 1, let number = UInt64(hour[0]) else {
                throw StoreError(path: backend.location, reason: .damaged(detail: "a \(claimsTable) partition that is not an hour number: \(hour)"))
            }
            try backend.client.execute("ALTER TABLE \(backend.table(Self.claimsTable)) DROP PARTITION \(number)")
        }
        return hours.count
    }

    /// The claims on `tags` that are neither released nor stale, oldest first.
    private func liveClaims(of tags: [String]) throws -> [LiveClaim] {
        let rows = TabSeparated.rows(try backend.client.execute("""
            SELECT tag, claimant, any(run_id), any(process_id), any(host), toInt64(now()) - toInt64(max(at)) AS silent
            FROM \(backend.table(Self.claimsTable))
            WHERE model_id = \(modelID) AND tag IN (\(tags.map(SQLLiteral.string).joined(separator: ", "))) AND at >= now() - \(Self.lease)
            GROUP BY tag, claimant HAVING countIf(event = 'release') = 0
            ORDER BY min(at), claimant FORMAT TabSeparated
            """))
        return try rows.map { row in
            guard row.count == 6, let run = Int64(row[2]), let process = Int32(row[3]), let silent = Int(row[5]) else {
                throw StoreError(path: backend.location, reason: .damaged(detail: "a tag_claims row that does not read: \(row)"))
            }
            return LiveClaim(tag: row[0], claimant: row[1], runID: run, processID: process, host: row[4], silentSeconds: silent)
        }.filter { WriterProcess.mayBeRunning(processID: $0.processID, host: $0.host) }
    }
}

/// Another writer's claim on a tag, as a waiting writer reports it.
private struct LiveClaim: CustomStringConvertible {
    var tag: String
    var claimant: String
    var runID: Int64
    var processID: Int32
    var host: String
    /// Seconds since it was last claimed or renewed.
    var silentSeconds: Int

    var description: String {
        "held by ingest run \(runID) (process \(processID) on host \(host), heard from \(silentSeconds) s ago)"
    }
}

/// Calls `renew` every `seconds` seconds, on another thread, until stopped (a call under way
/// when `stop` is called ends before it returns).
private final class Renewal: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    private let lock = NSLock()
    private var stopped = false

    init(every seconds: Int, _ renew: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .seconds(seconds), repeating: .seconds(seconds))
        timer.setEventHandler { [lock = self.lock, weak self] in
            lock.withLock { if self?.stopped == false { renew() } }
        }
        timer.resume()
    }

    func stop() {
        lock.withLock {
            stopped = true
            timer.cancel()
        }
    }
}
