import ArgumentParser
import Foundation
import Store

/// `deepprov migrate`: bring a store made by an older DeepProv to this build's schema.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring an existing store to this build's schema (readers refuse older stores; ingest migrates too).")

    @Option(help: "The SQLite store.")
    var db: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw StoreError(path: db, reason: .noSuchStore) }
        let store = try ProvenanceStore(path: db)
        print("\(db): schema version \(try store.schemaVersion())")
    }
}
