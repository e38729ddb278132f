import Foundation
import GRDB

/// DeepProv's SQLite store: models (weights once), runs, traces with their compressed node
/// values, and statistics kept current at ingest. Opened in WAL mode, so readers keep reading
/// while a nightly ingest writes; every connection has DeepProv's SQL functions (see
/// `StoreFunctions`). The file remains an ordinary SQLite database for the `sqlite3` shell.
public final class ProvenanceStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) and migrates the store at `path`.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            StoreFunctions.register(in: db)
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Takes effect when the file is created: traces rows (~2 KB) pack densely in 64 KB pages.
            try db.execute(sql: "PRAGMA page_size = 65536")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StoreError("\(path): cannot open the store: \(error.message ?? "\(error)")")
        }
        try Self.describingFailures(path) { try SchemaMigrator.migrate(pool, path: path) }
    }

    /// The schema version (number of applied migrations).
    public func schemaVersion() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
    }

    /// Runs `body` and turns SQLite errors into `StoreError`s naming the store and the SQL.
    static func describingFailures<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            var message = "\(path): SQLite error \(error.resultCode.rawValue): \(error.message ?? "")"
            if let sql = error.sql { message += " (in: \(sql))" }
            throw StoreError(message)
        }
    }
}

extension ProvenanceStore {
    /// Runs read-only SQL against the store (DeepProv's functions are available).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.describingFailures(path) { try pool.read(body) }
    }
}

extension ProvenanceStore {
    /// Makes the statements running on the store's connections stop at their earliest
    /// opportunity (`sqlite3_interrupt`), failing with SQLite's "interrupted". Safe to call
    /// from any thread, e.g. on Ctrl-C.
    public func interrupt() {
        pool.interrupt()
    }
}
