import Analysis
import ArgumentParser
import Foundation
import Query
import Store

/// `deepprov query`: run a query in DeepProv's language (or a saved one) against a store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a query (text, --file or --saved NAME) against a store; --saved alone lists the saved queries.")

    @Option(help: "The store: an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Argument(help: "The query text (with --saved: the saved query's name).")
    var text: String?

    @Option(help: "A .dpq file to run.")
    var file: String?

    @Flag(help: "Run the saved query named after it (--saved NAME); alone (or --saved \"\"), list the saved queries.")
    var saved = false

    @Option(name: .customLong("param"), help: "A parameter value, name=value (repeatable).", transform: KeyValueOption.init(parsing:))
    var parameters: [KeyValueOption] = []

    @Option(help: "table, csv or json.")
    var format: QueryOutputFormat = .table

    @Flag(help: "Print the SQL and its arguments instead of running it.")
    var explain = false

    @Flag(help: "Print the compile and run times to standard error.")
    var timer = false

    @Option(help: "Statements a scan runs at once over ranges of traces (default: DEEPPROV_SCAN_WORKERS, else the active processors; 1: one statement).")
    var workers: Int?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers \(workers): give a whole number from 1") }
        if saved {
            guard file == nil else { throw ValidationError("give one of: the query text, --file, --saved") }
            return
        }
        guard text == nil || file == nil else { throw ValidationError("give one of: the query text, --file, --saved") }
        guard text != nil || file != nil else { throw ValidationError("give the query text, --file F.dpq or --saved NAME") }
    }

    func run() throws {
        let library = SavedQueryLibrary()
        if saved && (text ?? "").isEmpty {
            for query in try library.all() { print("\(query.name)\t\(query.description)") }
            return
        }
        let session = QuerySession(backend: try openBackend(db, access: .readOnly), scanWorkers: workers ?? ScanWorkers.standard)
        let given = QueryParameters(given: Dictionary(parameters.map { ($0.pair.key, $0.pair.value) }) { _, last in last })
        let prepared: QuerySession.Prepared
        if saved, let name = text {
            prepared = try session.prepare(try library.named(name), parameters: given)
        } else if let file {
            prepared = try session.prepare(SourceText(try TextFile.contents(of: file), name: file), parameters: given)
        } else {
            prepared = try session.prepare(SourceText(text!, name: "<query>"), parameters: given)
        }
        if explain {
            print(QuerySession.explanation(prepared))
            return
        }
        let outcome = try session.run(prepared)
        print(QueryOutput.render(outcome.table, format: format), terminator: "")
        if timer { FileHandle.standardError.write(Data((QuerySession.timing(compileSeconds: prepared.compileSeconds, outcome: outcome) + "\n").utf8)) }
    }
}
