import Foundation
import Store

/// Allocates an ingest run's id on ClickHouse, which has no sequences or transactions (see
/// `Migrations/clickhouse/0002_run_claims.sql`): the writer claims the next free id in
/// `run_claims` with a token of its own and holds it when its claim is the only one of that id.
/// Writers that claimed the same id at once all let it go and claim again after a random pause,
/// so two ingests started together get distinct ids (and their traces distinct trace ids); an id
/// given up that way is not used again, so ids may skip numbers.
enum ClickHouseRunClaim {
    /// Claims tried before giving up.
    static let attempts = 50

    /// An id no other run of the store has or will get.
    static func claim(on backend: ClickHouseBackend) throws -> Int64 {
        let client = backend.client
        let runs = backend.table("runs"), claims = backend.table("run_claims")
        let token = UUID().uuidString
        for attempt in 1...attempts {
            let highest = TabSeparated.integer(try client.execute(
                "SELECT max(id) FROM (SELECT id FROM \(runs) UNION ALL SELECT id FROM \(claims)) FORMAT TabSeparated")) ?? 0
            let candidate = highest + 1
            var row = RowBinaryWriter()
            row.uint64(UInt64(candidate))
            row.string(token)
            row.string(ClickHouseBackend.timestamp())
            try client.insert("INSERT INTO \(claims) (id, claimant, claimed_at) FORMAT RowBinary", data: row.data)
            let claimants = TabSeparated.rows(try client.execute("SELECT claimant FROM \(claims) WHERE id = \(candidate) FORMAT TabSeparated"))
            if claimants == [[token]] { return Int64(candidate) }
            // Another writer claimed it too: pause a random while (longer after each collision).
            usleep(UInt32.random(in: 1_000...(20_000 * UInt32(min(attempt, 10)))))
        }
        throw StoreError(path: backend.location, reason: .server(
            message: "could not claim an ingest run id: \(attempts) claims collided with other writers'", sql: nil))
    }
}
