import Foundation
import Query
import Store

/// Runs a `SplitQuery` as `workers` statements at the same time (each on its own connection):
/// a listing over contiguous ranges of trace ids, a scan over every `workers`-th value block (of
/// the traces stored when it began: traces are only ever added, with larger ids); their rows
/// merged in part order — concatenated, or bound as partial states to the final statement.
struct SplitExecution {
    let backend: any ProvenanceBackend
    let workers: Int
    /// Fewer traces than this (by id span) run as the single statement: a second connection
    /// costs about 0.1 s to open and check, the time one statement scans some 100,000 traces in.
    var minimumTraces = SplitExecution.standardMinimumTraces

    /// The span of trace ids below which queries run as one statement by default.
    static let standardMinimumTraces: Int64 = 50_000

    /// The query's rows, or nil when the store has fewer traces than `minimumTraces`, or a
    /// listing's a single one (then the single statement runs). `parameters` are the `$parameters`' values, by name.
    func run(_ split: SplitQuery, parameters: [String: StoreValue]) throws -> ResultTable? {
        let bounds = try backend.run(sql: "SELECT MIN(id), MAX(id) FROM traces", arguments: [])
        guard case .integer(let first)? = bounds.rows.first?[0], case .integer(let last)? = bounds.rows.first?[1],
              last - first + 1 >= minimumTraces else { return nil }
        let ranges: [ClosedRange<Int64>]
        if case .concatenate = split.merge {
            ranges = Self.ranges(first...last, parts: workers)
            guard ranges.count > 1 else { return nil }
        } else {
            ranges = Array(repeating: first...last, count: workers)
        }
        var states = StoreValue.null
        let bind = { (argument: SplitQuery.Argument, part: Int) -> StoreValue in
            switch argument {
            case .query(let argument): return QuerySession.value(of: argument, parameters: parameters)
            case .slot(.traceRangeStart): return .integer(ranges[part].lowerBound)
            case .slot(.traceRangeEnd): return .integer(ranges[part].upperBound)
            case .slot(.partCount): return .integer(Int64(ranges.count))
            case .slot(.partIndex): return .integer(Int64(part))
            case .slot(.partialStates): return states
            }
        }
        let parts = ranges.indices.map { part in BoundStatement(sql: split.part.sql, arguments: split.part.arguments.map { bind($0, part) }) }
        let tables = try backend.run(concurrently: parts)
        switch split.merge {
        case .concatenate(let limit):
            var rows = tables.flatMap(\.rows)
            if let limit, case .integer(let count) = bind(limit, 0), count >= 0, rows.count > count { rows = Array(rows.prefix(Int(count))) }
            return ResultTable(columnNames: tables[0].columnNames, rows: rows)
        case .final(let statement):
            // Each part's rows are one JSON array each: the states, in part order, as one array.
            states = .text("[" + tables.flatMap { $0.rows.compactMap { $0.first?.text } }.joined(separator: ",") + "]")
            return try backend.run(sql: statement.sql, arguments: statement.arguments.map { bind($0, 0) })
        }
    }

    /// `ids` cut into at most `parts` contiguous ranges of nearly equal width.
    static func ranges(_ ids: ClosedRange<Int64>, parts: Int) -> [ClosedRange<Int64>] {
        let count = Int64(ids.count), parts = min(Int64(parts), count)
        let width = count / parts, longer = count % parts
        var start = ids.lowerBound
        return (0..<parts).map { part in
            let end = start + width + (part < longer ? 1 : 0) - 1
            defer { start = end + 1 }
            return start...end
        }
    }
}

/// How many statements a split query runs at once by default: `DEEPPROV_SCAN_WORKERS` when it
/// is a whole number from 1 (1: every query as one statement), else the active processors.
public enum ScanWorkers {
    public static var standard: Int {
        if let text = ProcessInfo.processInfo.environment["DEEPPROV_SCAN_WORKERS"], let count = Int(text), count >= 1 { return count }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
