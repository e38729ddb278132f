import ArgumentParser
import Foundation
import Store
import StoreClickHouse

/// `deepprov migrate`: bring a store made by an older DeepProv to this build's schema.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring an existing store to this build's schema (readers refuse older stores; ingest migrates too).")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    /// Migrates the store `db` names and prints its schema version; a missing file or database
    /// is refused, not created.
    func run() throws {
        switch try StoreLocation(parsing: db) {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError(path: db, reason: .noSuchStore) }
            print("\(db): schema version \(try ProvenanceStore(path: path).schemaVersion())")
        case .clickHouse(let address):
            guard try ClickHouseBackend.exists(address) else { throw StoreError(path: db, reason: .noSuchStore) }
            print("\(db): schema version \(try ClickHouseBackend(address: address, access: .readWrite).schemaVersion())")
        }
    }
}
