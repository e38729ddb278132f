import ArgumentParser
import Foundation
import GRDB
import Store

/// `deepprov sql`: run read-only SQL on a store, with DeepProv's functions (`ipg_node`, …).
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run read-only SQL on a store (DeepProv's ipg_* functions available); prints rows as TSV.")

    @Option(help: "The SQLite store.")
    var db: String

    @Argument(help: "One SQL statement; use ? placeholders with --bind.")
    var statement: String

    @Option(help: "A value for the next ? placeholder (repeatable); always bound, never pasted.")
    var bind: [String] = []

    @Flag(help: "Print the time the query took on standard error.")
    var time = false

    func validate() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db): no such store") }
    }

    func run() throws {
        let store = try ProvenanceStore(path: db)
        let clock = ContinuousClock()
        var rows: [Row] = []
        let elapsed = try clock.measure {
            rows = try store.read { try Row.fetchAll($0, sql: statement, arguments: StatementArguments(bind)) }
        }
        if let first = rows.first { print(first.columnNames.joined(separator: "\t")) }
        for row in rows {
            print(row.databaseValues.map { $0.isNull ? "" : "\($0.storage.value ?? "")" }.joined(separator: "\t"))
        }
        if time { FileHandle.standardError.write(Data("\(rows.count) rows in \(String(format: "%.3f", elapsed.seconds)) s\n".utf8)) }
    }
}
