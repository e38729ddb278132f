import ArgumentParser
import Foundation
import Analysis
import Store

/// `deepprov sql`: run read-only SQL on a store, with DeepProv's functions (`ipg_node`, …).
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run read-only SQL on a store (in SQLite with DeepProv's ipg_* functions; on ClickHouse its own SQL); prints rows as TSV.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Argument(help: "One SQL statement; use ? placeholders with --bind.")
    var statement: String

    @Option(help: "A value for the next ? placeholder (repeatable); always bound, never pasted.")
    var bind: [String] = []

    @Flag(help: "Print the time the query took on standard error.")
    var time = false

    func run() throws {
        let session = QuerySession(backend: try openBackend(db, access: .readOnly))
        let outcome = try session.run(sql: statement, arguments: bind.map { .text($0) })
        if !outcome.table.rows.isEmpty { print(outcome.table.columnNames.joined(separator: "\t")) }
        for row in outcome.table.rows {
            print(row.map(\.plainText).joined(separator: "\t"))
        }
        if time { FileHandle.standardError.write(Data("\(outcome.table.rows.count) rows in \(String(format: "%.3f", outcome.seconds)) s\n".utf8)) }
    }
}
