import Foundation
import GRDB
import Query
import Store

/// Compiles queries in DeepProv's language against one store's catalog, binds their
/// parameters and runs them read-only, timing both phases. Shared by `deepprov query` and the REPL.
struct QueryRunner {
    let store: ProvenanceStore

    /// A compiled query with its arguments bound, ready to run.
    struct Prepared {
        var source: SourceText
        var compiled: CompiledQuery
        var arguments: [DatabaseValue]
        var compileSeconds: Double
    }

    /// Rows of a query that ran, and how long it took.
    struct Outcome {
        var rows: [Row]
        var columns: [String]
        var seconds: Double
    }

    /// Compiles `source` against the store's current catalog and binds `$parameters` from
    /// `parameters` (text converted to an integer or a number when it reads as one).
    /// A query that does not compile throws `QueryFailure` with the rendered diagnostic; a
    /// parameter with no value throws `MissingParameter`.
    func prepare(_ source: SourceText, parameters: [String: String]) throws -> Prepared {
        let catalog = try store.catalog()
        let started = DispatchTime.now().uptimeNanoseconds
        let result = QueryCompiler.compile(source, catalog: catalog)
        let compileSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let compiled: CompiledQuery
        switch result {
        case .success(let query): compiled = query
        case .failure(let diagnostic): throw QueryFailure(message: diagnostic.render(in: source).trimmingCharacters(in: .newlines))
        }
        // Parameter values where a query needs whole numbers in bounds (take, layers, lineage).
        let given = parameters.mapValues { text -> CompiledQuery.Argument in Int(text).map { .integer($0) } ?? Double(text).map { .number($0) } ?? .string(text) }
        if let problem = compiled.problems(withParameters: given).first {
            throw QueryFailure(message: problem.render(in: source).trimmingCharacters(in: .newlines))
        }
        let arguments = try compiled.arguments.map { argument -> DatabaseValue in
            switch argument {
            case .integer(let value): return value.databaseValue
            case .number(let value): return value.databaseValue
            case .string(let value): return value.databaseValue
            case .parameter(let name):
                guard let text = parameters[name] else { throw MissingParameter(name: name) }
                return Int(text)?.databaseValue ?? Double(text)?.databaseValue ?? text.databaseValue
            }
        }
        return Prepared(source: source, compiled: compiled, arguments: arguments, compileSeconds: compileSeconds)
    }

    /// Runs a prepared query on a read-only connection.
    func run(_ prepared: Prepared) throws -> Outcome {
        try run(sql: prepared.compiled.sql, arguments: prepared.arguments, columns: prepared.compiled.columns)
    }

    /// Runs read-only SQL; `columns` nil takes the statement's own column names.
    func run(sql: String, arguments: [DatabaseValue], columns: [String]? = nil) throws -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let (rows, names) = try store.read { db -> ([Row], [String]) in
            let statement = try db.makeStatement(sql: sql)
            let rows = try Row.fetchAll(statement, arguments: StatementArguments(arguments))
            return (rows, columns ?? statement.columnNames)
        }
        return Outcome(rows: rows, columns: names, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// The SQL of a prepared query and its bound arguments, as `--explain` prints them.
    static func explanation(_ prepared: Prepared) -> String {
        prepared.compiled.sql + "\n-- arguments: " + prepared.arguments.map { "\($0)" }.joined(separator: ", ")
    }

    /// `timer: compile 0.123 ms, run 0.456 s, 10 rows`
    static func timing(compileSeconds: Double?, outcome: Outcome) -> String {
        let compile = compileSeconds.map { "compile " + String(format: "%.3f", $0 * 1000) + " ms, " } ?? ""
        return "timer: \(compile)run " + String(format: "%.3f", outcome.seconds) + " s, \(outcome.rows.count) rows"
    }
}

/// A query that does not compile: its rendered diagnostic (no usage text after it).
struct QueryFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A `$parameter` the query uses with no value given.
struct MissingParameter: Error {
    var name: String
}
