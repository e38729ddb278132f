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
    var thresholds = SplitThresholds.standard

    /// The query's rows, or nil when it reads fewer traces than `thresholds` ask, or a
    /// listing's traces are a single one (then the single statement runs). `parameters` are
    /// the `$parameters`' values, by name.
    func run(_ split: SplitQuery, parameters: [String: StoreValue]) throws -> ResultTable? {
        // The first and last ids (each its own MIN or MAX, which SQLite reads from the ends of
        // the key; both in one SELECT would scan every trace), and at most how many traces the
        // query reads.
        let bounds = try backend.run(sql: Self.boundsSQL + (split.extent.count.map { ", (\($0.sql))" } ?? ""),
                                     arguments: (split.extent.count?.arguments ?? []).map { Self.value(of: $0, parameters: parameters) })
        guard let row = bounds.rows.first, case .integer(let first) = row[0], case .integer(let last) = row[1] else { return nil }
        var read = last - first + 1
        if row.count > 2, case .integer(let count) = row[2] { read = min(read, count) }
        guard read >= (split.extent.readsOnlyTraceColumns ? thresholds.listedTraces : thresholds.valueTraces) else { return nil }
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
            case .query: return Self.value(of: argument, parameters: parameters)
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

    /// The start of the statement that reads the first and the last trace id.
    static let boundsSQL = "SELECT (SELECT MIN(id) FROM traces), (SELECT MAX(id) FROM traces)"

    /// The value bound for an argument of a statement that has no slots.
    private static func value(of argument: SplitQuery.Argument, parameters: [String: StoreValue]) -> StoreValue {
        guard case .query(let argument) = argument else { preconditionFailure("a slot outside a split query's parts") }
        return QuerySession.value(of: argument, parameters: parameters)
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

/// Below how many traces read a split query runs as one statement: opening a second
/// connection, running a statement on it and merging cost a few milliseconds, which a scan of
/// a few thousand traces does not win back.
public struct SplitThresholds: Sendable, Equatable {
    /// Traces whose node values a query reads (scans; listings with measures, parents or
    /// attributes). A scan decodes some 100,000 traces a second per core.
    public var valueTraces: Int64
    /// Traces of a listing that reads only their own columns (some 10 million a second: a
    /// listing of the 1.06M-trace bench store ran no faster in two parts, 0.43 s and 0.53 s,
    /// the same CPU seconds, so such listings split only past that size).
    public var listedTraces: Int64

    public init(valueTraces: Int64, listedTraces: Int64) {
        self.valueTraces = valueTraces
        self.listedTraces = listedTraces
    }

    public static let standard = SplitThresholds(valueTraces: 50_000, listedTraces: 2_000_000)
    /// Every query that splits does (tests).
    public static let none = SplitThresholds(valueTraces: 0, listedTraces: 0)
}

/// How many statements a split query runs at once by default: `DEEPPROV_SCAN_WORKERS` when it
/// is a whole number from 1 (1: every query as one statement), else the active processors.
public enum ScanWorkers {
    public static var standard: Int {
        if let text = ProcessInfo.processInfo.environment["DEEPPROV_SCAN_WORKERS"], let count = Int(text), count >= 1 { return count }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
