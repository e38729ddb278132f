import Foundation
import Query
import Store

/// Compiles queries in DeepProv's language against one backend's catalog, binds their
/// parameters (typed by a saved query's header) and runs them read-only, timing both phases.
/// What `deepprov query`, the REPL and the analyses share.
public struct QuerySession: Sendable {
    public let backend: any ProvenanceBackend
    /// How many statements a query that splits over ranges of traces runs at once (see
    /// `SplitQuery`); 1 runs every query as one statement.
    public var scanWorkers: Int
    /// Queries that read fewer traces than these (at most, as counted through indexes: their
    /// tags, ranges of ids) run as one statement: the split's fixed cost outweighs its gain.
    public var splitThresholds = SplitThresholds.standard

    public init(backend: any ProvenanceBackend, scanWorkers: Int = ScanWorkers.standard) {
        self.backend = backend
        self.scanWorkers = max(1, scanWorkers)
    }

    /// A compiled query with its arguments bound, ready to run.
    public struct Prepared: Sendable {
        public var source: SourceText
        public var compiled: CompiledQuery
        public var arguments: [StoreValue]
        /// The `$parameters`' values, by name.
        public var parameterValues: [String: StoreValue]
        public var compileSeconds: Double
    }

    /// The rows of a query that ran, and how long it took.
    public struct Outcome: Sendable {
        public var table: ResultTable
        public var seconds: Double
    }

    /// Compiles `source` and binds its parameters; `declared` types them (a saved query's header).
    public func prepare(_ source: SourceText, parameters: QueryParameters, declared: [SavedQuery.Parameter] = []) throws -> Prepared {
        let catalog = try backend.catalog(includingParentTags: Self.pairsWithParents(source))
        let lowering = try Self.lowering(for: backend)
        let started = DispatchTime.now().uptimeNanoseconds
        let result = QueryCompiler.compile(source, catalog: catalog, lowering: lowering)
        let compileSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let compiled: CompiledQuery
        switch result {
        case .success(let query): compiled = query
        case .failure(let diagnostics): throw QueryFailure.diagnostics(diagnostics, source: source)
        }
        let values = try parameters.bind(compiled, declared: declared)
        // A value given for this query or the session is checked where the query needs it
        // (whole numbers in bounds: take, layers, lineage depth and width; tags, models and
        // classes the store has), as the same literal would be, with any defaults it goes
        // with. A saved query's defaults alone are not: its author chose them, and a store
        // may lack a default tag.
        let chosen = Set(values.keys.filter { parameters.given[$0] != nil || parameters.session[$0] != nil })
        let problems = compiled.problems(withParameters: values.mapValues(\.argument), checking: chosen)
        if let first = problems.first { throw QueryFailure.diagnostics(DiagnosticList(first, Array(problems.dropFirst())), source: source) }
        let arguments = compiled.arguments.map { Self.value(of: $0, parameters: values) }
        return Prepared(source: source, compiled: compiled, arguments: arguments, parameterValues: values, compileSeconds: compileSeconds)
    }

    /// Compiles a saved query, its parameters typed and defaulted by its header.
    public func prepare(_ saved: SavedQuery, parameters: QueryParameters) throws -> Prepared {
        try prepare(saved.source, parameters: parameters, declared: saved.parameters)
    }

    /// The value bound for a query's argument (a literal, or a `$parameter`'s value).
    static func value(of argument: CompiledQuery.Argument, parameters: [String: StoreValue]) -> StoreValue {
        switch argument {
        case .integer(let value): return .integer(Int64(value))
        case .number(let value): return .real(value)
        case .string(let value): return .text(value)
        case .parameter(let name): return parameters[name]!
        }
    }

    /// Runs a prepared query; the rows come back with the query's columns, in its order. A
    /// query that splits runs as `scanWorkers` statements over ranges of traces at once, merged.
    public func run(_ prepared: Prepared) throws -> Outcome {
        var outcome: Outcome
        let started = DispatchTime.now().uptimeNanoseconds
        if scanWorkers > 1, let split = prepared.compiled.split,
           let table = try SplitExecution(backend: backend, workers: scanWorkers, thresholds: splitThresholds).run(split, parameters: prepared.parameterValues) {
            outcome = Outcome(table: table, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        } else {
            outcome = try run(sql: prepared.compiled.sql, arguments: prepared.arguments)
        }
        let names = outcome.table.columnNames
        let positions = prepared.compiled.columns.compactMap { names.firstIndex(of: $0) }
        if positions.count == prepared.compiled.columns.count && positions != Array(names.indices) {
            outcome.table = ResultTable(columnNames: prepared.compiled.columns, rows: outcome.table.rows.map { row in positions.map { row[$0] } })
        }
        return outcome
    }

    /// Runs read-only SQL.
    public func run(sql: String, arguments: [StoreValue]) throws -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let table = try backend.run(sql: sql, arguments: arguments)
        return Outcome(table: table, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// The lowering that writes the backend's SQL dialect.
    static func lowering(for backend: any ProvenanceBackend) throws -> any QueryLowering {
        let lowerings: [any QueryLowering] = [SQLiteLowering(), ClickHouseLowering()]
        guard let lowering = lowerings.first(where: { $0.dialectName == backend.dialectName }) else {
            throw QueryFailure.unsupportedDialect(name: backend.dialectName, location: backend.location)
        }
        return lowering
    }

    /// Whether the query has a `versus parent` stage (then the catalog says which tags have parents).
    static func pairsWithParents(_ source: SourceText) -> Bool {
        guard case .success(let parsed) = Parser.parse(Lexer.tokenize(source).tokens) else { return false }
        return parsed.stages.contains { stage in
            if case .versus(.parent, _) = stage { return true }
            return false
        }
    }

    /// The SQL of a prepared query and its bound arguments, then its plan as SQL comments, as
    /// `--explain` prints them.
    public static func explanation(_ prepared: Prepared) -> String {
        let plan = prepared.compiled.plan.description.split(separator: "\n").map { "\n-- " + $0 }.joined()
        return prepared.compiled.sql + "\n-- arguments: " + prepared.arguments.map(\.sqlLiteral).joined(separator: ", ") + "\n-- plan:" + plan
    }

    /// `timer: compile 0.123 ms, run 0.456 s, 10 rows`
    public static func timing(compileSeconds: Double?, outcome: Outcome) -> String {
        let compile = compileSeconds.map { "compile " + String(format: "%.3f", $0 * 1000) + " ms, " } ?? ""
        return "timer: \(compile)run " + String(format: "%.3f", outcome.seconds) + " s, \(outcome.table.rows.count) rows"
    }
}

extension StoreValue {
    /// The value as the compiler's argument type (parameter values are numbers or text).
    fileprivate var argument: CompiledQuery.Argument {
        switch self {
        case .integer(let number): return .integer(Int(number))
        case .real(let number): return .number(number)
        default: return .string(text ?? "")
        }
    }
}
