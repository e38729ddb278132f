import ArgumentParser
import Foundation
import GRDB
import Query
import Store

/// `deepprov query`: run a query in DeepProv's language (or a saved one) against a store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a query (text, --file or --saved NAME) against a store; --saved alone lists the saved queries.")

    @Option(help: "The SQLite store.")
    var db: String

    @Argument(help: "The query text.")
    var text: String?

    @Option(help: "A .dpq file to run.")
    var file: String?

    @Option(help: "A saved query's name (Queries/<name>.dpq); give the option with no value to list them.")
    var saved: String?

    @Option(name: .customLong("param"), help: "A parameter value, name=value (repeatable).")
    var parameters: [KeyValueOption] = []

    @Option(help: "table, csv or json.")
    var format: QueryOutputFormat = .table

    @Flag(help: "Print the SQL and its arguments instead of running it.")
    var explain = false

    func validate() throws {
        let sources = [text != nil, file != nil, saved != nil].filter { $0 }.count
        guard sources <= 1 else { throw ValidationError("give one of: the query text, --file, --saved") }
        guard sources == 1 else { throw ValidationError("give the query text, --file F.dpq or --saved NAME") }
    }

    func run() throws {
        let library = SavedQueryLibrary()
        if saved == "" {
            for query in try library.all() { print("\(query.name)\t\(query.description)") }
            return
        }
        var defaults: [String: String] = [:]
        let source: SourceText
        if let saved {
            let query = try library.named(saved)
            source = query.source
            for parameter in query.parameters { defaults[parameter.name] = parameter.defaultValue }
        } else if let file {
            let contents = try String(contentsOfFile: file, encoding: .utf8)
            source = SourceText(contents, name: file)
        } else {
            source = SourceText(text!, name: "<query>")
        }
        let store = try ProvenanceStore(path: db)
        let compiled: CompiledQuery
        switch QueryCompiler.compile(source, catalog: try store.catalog()) {
        case .success(let query): compiled = query
        case .failure(let diagnostic): throw QueryFailure(message: diagnostic.render(in: source).trimmingCharacters(in: .newlines))
        }
        let values = defaults.merging(parameters.map { ($0.pair.key, $0.pair.value) }) { _, given in given }
        let arguments = try compiled.arguments.map { argument -> DatabaseValue in
            switch argument {
            case .integer(let value): return value.databaseValue
            case .number(let value): return value.databaseValue
            case .string(let value): return value.databaseValue
            case .parameter(let name):
                guard let text = values[name] else { throw ValidationError("the query needs --param \(name)=…") }
                return Int(text)?.databaseValue ?? Double(text)?.databaseValue ?? text.databaseValue
            }
        }
        if explain {
            print(compiled.sql)
            print("-- arguments: " + arguments.map { "\($0)" }.joined(separator: ", "))
            return
        }
        let rows = try store.read { try Row.fetchAll($0, sql: compiled.sql, arguments: StatementArguments(arguments)) }
        print(QueryOutput.render(rows, columns: compiled.columns, format: format), terminator: "")
    }
}

/// A query that does not compile: its rendered diagnostic (no usage text after it).
struct QueryFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Where saved queries live: `$DEEPPROV_QUERIES`, else `./Queries`, else the repository's
/// `Queries/` (for development builds).
struct SavedQueryLibrary {
    var folder: URL {
        if let path = ProcessInfo.processInfo.environment["DEEPPROV_QUERIES"] { return URL(fileURLWithPath: path) }
        let local = URL(fileURLWithPath: "Queries")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Queries")
    }

    func all() throws -> [SavedQuery] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".dpq") }.sorted().map { try load(folder.appendingPathComponent($0)) }
    }

    func named(_ name: String) throws -> SavedQuery {
        let url = folder.appendingPathComponent("\(name).dpq")
        guard FileManager.default.fileExists(atPath: url.path) else {
            let known = try all().map(\.name)
            let hint = NameSuggestion.nearest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw ValidationError("no saved query '\(name)'\(hint) (saved: \(known.joined(separator: ", ")))")
        }
        return try load(url)
    }

    private func load(_ url: URL) throws -> SavedQuery {
        do {
            return try SavedQuery(text: String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch let diagnostic as Diagnostic {
            throw ValidationError(diagnostic.message)
        }
    }
}
