import Analysis
import Foundation
import Query
import Store
import Testing
import TestSupport

/// Every query the compiler accepts must also run: pipelines recombined from the stages of
/// valid queries either fail to compile with a diagnostic or give SQL that SQLite runs.
@Suite struct RecombinedQueryTests {
    static let selections = [
        "from traces",
        "from traces where tag = 'shift' and not correct",
        "from traces where tag = 'clean' and child(not correct and attr('source') = 'camera')",
        "from traces where parent(correct) or confidence < 0.7",
        "from traces where input = 3",
        "from traces where tag = $tag and label = $label",
        "from traces where tag = 'shift'",
    ]
    /// Stages in the order a query uses them; a pipeline takes at most one of each group.
    static let groups = [
        ["nodes of layer 1", "nodes of layer 2", "edges into layer 2", "edges into layer 1",
         "lineage depth 2 top 2", "lineage from 2:1 depth 1 top 3", "lineage forward from 0:1 depth 2 top 1",
         "select input, tag, label, predicted, confidence, parent, parent_tag, model, run",
         "nodes of layer 0", "edges into layer $layer", "lineage from layer $layer node $label depth $layer top $label", "select input"],
        ["summarize count, mean, stddev, freq by node", "summarize median, p90, min, max by label, node",
         "summarize mean, freq by layer", "summarize mean, freq by tag, layer", "summarize mean, freq, effect by edge",
         "summarize mean, effect by predicted, node", "summarize count, freq by edge", "summarize count by layer",
         "summarize p1, p99 by node", "summarize mean by label, layer", "summarize stddev, effect by tag, node",
         "summarize mean, distance, max_distance by label, node"],
        ["versus traces where tag = 'clean'", "versus parent", "versus traces", "versus traces where label = 1 and attr('source') = 'scan'"],
        ["where abs(mean_diff) > 0.01", "where step = 2 and flow > 0", "where target = 2:1", "where count > 0", "where mean_a > mean_b",
         "where abs(effect) > 0.1 or freq_diff < 0", "where layer = 1", "where source = 1:0 and contribution > 0", "where mean > $label"],
        ["sort -abs(mean_diff)", "sort -mean, node", "sort step, -flow", "sort -contribution", "sort input", "sort -abs(effect)",
         "sort node", "sort -count", "sort -contribution", "sort target, source", "sort -distance"],
        ["take 3", "take $label"],
    ]

    @Test func everyQueryThatCompilesRuns() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let runner = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        var state: UInt64 = 11
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        var ran = 0
        var shapes = Set<String>()
        var comparisons = (taken: 0, scanned: 0)
        for _ in 0..<4000 {
            var stages = Self.groups.compactMap { group in next(2) == 0 ? group[next(group.count)] : nil }
            if next(5) == 0 {  // one stage out of its place
                let group = Self.groups[next(Self.groups.count)]
                stages.insert(group[next(group.count)], at: next(stages.count + 1))
            }
            let selection = Self.selections[next(Self.selections.count)]
            let text = ([selection] + stages).joined(separator: " | ")
            let prepared: QuerySession.Prepared
            do {
                prepared = try runner.prepare(SourceText(text), parameters: QueryParameters(session: ["tag": "shift", "label": "1", "layer": "2"]))
            } catch is QueryFailure { continue }
            do {
                let rows = try runner.run(prepared).table.rows
                ran += 1
                shapes.insert(prepared.compiled.sql)
                try checkEquivalentForms(selection: selection, stages: stages, rows: rows, runner: runner, counts: &comparisons)
            } catch {
                Issue.record("\(text)\n  compiled, but SQLite refused it: \(error)")
            }
        }
        // Enough distinct accepted queries (distinct SQL) for the check to mean something.
        #expect(ran > 250 && shapes.count > 100, "\(ran) ran, \(shapes.count) distinct statements")
        #expect(comparisons.taken > 50, "equivalent forms compared: \(comparisons)")
    }

    /// Every summary over nodes, layers or edges, alone or compared, answers alike from the
    /// statistics (of one tag, by tag, or of one tag and true label) and from a scan of the traces.
    @Test func statisticsAndScanAgreeOnEverySummary() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let runner = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        var counts = (taken: 0, scanned: 0)
        for selection in ["from traces where tag = 'shift'", "from traces", "from traces where label = 1 and tag = 'shift'"] {
            for input in ["nodes of layer 1", "nodes of layer 2", "edges into layer 2"] {
                for summary in Self.groups[1] {
                    for comparison in [nil, "versus traces where tag = 'clean'"] {
                        let stages = [input, summary] + (comparison.map { [$0] } ?? [])
                        let text = ([selection] + stages).joined(separator: " | ")
                        guard let prepared = try? runner.prepare(SourceText(text), parameters: QueryParameters()) else { continue }
                        let rows = try runner.run(prepared).table.rows
                        try checkEquivalentForms(selection: selection, stages: stages, rows: rows, runner: runner, counts: &counts)
                    }
                }
            }
        }
        #expect(counts.scanned > 10, "summaries read from the statistics and compared with a scan: \(counts.scanned)")
    }

    /// Equivalent forms answer alike: `… | take K` gives K rows (or all) of the query without
    /// it; a summary read from the statistics (one tag, or by tag) equals the same summary
    /// computed by scanning the traces, forced by a condition every trace meets.
    private func checkEquivalentForms(selection: String, stages: [String], rows: [[StoreValue]], runner: QuerySession,
                                      counts: inout (taken: Int, scanned: Int)) throws {
        let parameters = QueryParameters(session: ["tag": "shift", "label": "1", "layer": "2"])
        let text = ([selection] + stages).joined(separator: " | ")
        if stages.last == "take 3" {
            let whole = try runner.run(try runner.prepare(SourceText(([selection] + stages.dropLast()).joined(separator: " | ")), parameters: parameters)).table.rows
            #expect(rows.count == min(3, whole.count), "\(text)")
            if let row = Self.firstRow(of: rows, missingFrom: whole) {
                Issue.record("\(text)\n  row \(row) is not in the answer without take")
            }
            counts.taken += 1
        }
        guard !stages.contains(where: { $0.hasPrefix("take") }) else { return }  // ties may cut differently
        let scanning = selection + (selection.contains(" where ") ? " and confidence >= 0" : " where confidence >= 0")
        let alternative = try runner.prepare(SourceText(([scanning] + stages).joined(separator: " | ")), parameters: parameters)
        let original = try runner.prepare(SourceText(text), parameters: parameters)
        guard alternative.compiled.sql.contains("ipg_") && !original.compiled.sql.contains("ipg_") else { return }
        let other = try runner.run(alternative).table.rows
        #expect(other.count == rows.count, "\(text)")
        // The same rows, in any order (ties in a sort may come out either way).
        if let row = Self.firstRow(of: rows, missingFrom: other) {
            Issue.record("\(text)\n  the statistics give \(row), which the scan does not")
        }
        counts.scanned += 1
    }

    /// The first of `rows` that `answer` does not hold (each row of `answer` matching once).
    private static func firstRow(of rows: [[StoreValue]], missingFrom answer: [[StoreValue]]) -> [StoreValue]? {
        var remaining = answer
        for row in rows {
            guard let match = remaining.firstIndex(where: { same($0, row) }) else { return row }
            remaining.remove(at: match)
        }
        return nil
    }

    /// Rows equal up to floating-point rounding (sums in another order).
    private static func same(_ left: [StoreValue], _ right: [StoreValue]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { a, b in
            if let x = a.number, let y = b.number { return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y)) }
            return a == b
        }
    }
}
