import ArgumentParser
import Foundation
import Query
import Store

/// `deepprov query`: run a query in DeepProv's language (or a saved one) against a store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a query (text, --file or --saved NAME) against a store; --saved alone lists the saved queries.")

    @Option(help: "The SQLite store.")
    var db: String

    @Argument(help: "The query text (with --saved: the saved query's name).")
    var text: String?

    @Option(help: "A .dpq file to run.")
    var file: String?

    @Flag(help: "Run the saved query named after it (--saved NAME); alone (or --saved \"\"), list the saved queries.")
    var saved = false

    @Option(name: .customLong("param"), help: "A parameter value, name=value (repeatable).")
    var parameters: [KeyValueOption] = []

    @Option(help: "table, csv or json.")
    var format: QueryOutputFormat = .table

    @Flag(help: "Print the SQL and its arguments instead of running it.")
    var explain = false

    @Flag(help: "Print the compile and run times to standard error.")
    var timer = false

    func validate() throws {
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
        var defaults: [String: String] = [:]
        let source: SourceText
        if saved, let name = text {
            let query = try library.named(name)
            source = query.source
            for parameter in query.parameters { defaults[parameter.name] = parameter.defaultValue }
        } else if let file {
            let contents = try String(contentsOfFile: file, encoding: .utf8)
            source = SourceText(contents, name: file)
        } else {
            source = SourceText(text!, name: "<query>")
        }
        let runner = QueryRunner(store: try ProvenanceStore(path: db))
        let values = defaults.merging(parameters.map { ($0.pair.key, $0.pair.value) }) { _, given in given }
        let prepared: QueryRunner.Prepared
        do {
            prepared = try runner.prepare(source, parameters: values)
        } catch let missing as MissingParameter {
            throw ValidationError("the query needs --param \(missing.name)=…")
        }
        if explain {
            print(QueryRunner.explanation(prepared))
            return
        }
        let outcome = try runner.run(prepared)
        print(QueryOutput.render(outcome.rows, columns: outcome.columns, format: format), terminator: "")
        if timer { FileHandle.standardError.write(Data((QueryRunner.timing(compileSeconds: prepared.compileSeconds, outcome: outcome) + "\n").utf8)) }
    }
}
