import Foundation
import GRDB

/// DeepProv's SQLite store: models (weights once), runs, traces with their compressed node
/// values, and statistics kept current at ingest. Opened in WAL mode, so readers keep reading
/// while a nightly ingest writes; every connection has DeepProv's SQL functions (see
/// `StoreFunctions`). The file remains an ordinary SQLite database for the `sqlite3` shell.
public final class ProvenanceStore: Sendable {
    public let path: String
    /// Where reads go: the writer's pool, or one read-only connection.
    let reader: any DatabaseReader
    /// The pool writes go through; nil for a read-only store.
    let pool: DatabasePool?
    /// More read-only connections of a read-only store, for statements run at the same time.
    let extraReaders = ReaderConnections()

    /// Opens the store at `path`. Read-only: it must exist, be a DeepProv store and have this
    /// build's schema. Read-write: a missing store is created, an older one migrated.
    public init(path: String, access: StoreAccess = .readWrite) throws {
        self.path = path
        switch access {
        case .readOnly:
            let queue = try StoreOpening.openReadOnly(path)
            reader = queue
            pool = nil
        case .readWrite:
            let pool = try StoreOpening.openForWriting(path)
            reader = pool
            self.pool = pool
        }
    }

    /// The schema version (number of applied migrations).
    public func schemaVersion() throws -> Int {
        try read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
    }

    /// Runs `body` on the write connection in a transaction.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard let pool else { preconditionFailure("\(path): opened read-only, written to") }
        return try StoreOpening.describingFailures(path) { try pool.write(body) }
    }

    /// Runs `body` on a read-only connection.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreOpening.describingFailures(path) { try reader.read(body) }
    }
}

extension ProvenanceStore {
    /// Makes the statements running on the store's connections stop at their earliest
    /// opportunity (`sqlite3_interrupt`), failing with SQLite's "interrupted". Safe to call
    /// from any thread, e.g. on Ctrl-C.
    public func interrupt() {
        reader.interrupt()
        extraReaders.interrupt()
    }
}
