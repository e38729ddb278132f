import Analysis
import Foundation
import Query
import Store
import Testing
import TestSupport

/// The binder's nesting limit keeps the SQL within what SQLite parses: conditions exactly at
/// the limit, built from the constructs that take most of SQLite's parser stack, run in every
/// clause a condition can land in, and one level more is refused before any SQL is made.
@Suite struct NestingLimitQueryTests {
    static let limit = Binder.maximumConditionDepth

    /// Trace conditions nesting exactly `limit` levels (relations counting four).
    static let conditions: [String] = [
        String(repeating: "not ", count: limit) + "correct",
        String(repeating: "correct and (", count: limit - 1) + "attr('source') = 'scan'" + String(repeating: ")", count: limit - 1),
        String(repeating: "correct or (", count: limit - 1) + "model = $m" + String(repeating: ")", count: limit - 1),
        String(repeating: "abs(", count: limit - 1) + "label" + String(repeating: ")", count: limit - 1) + " > 0",
        "label > " + String(repeating: "- ", count: limit) + "1",  // the innermost -1 is a literal
        "label > " + String(repeating: "1 - (", count: limit - 1) + "1" + String(repeating: ")", count: limit - 1),
        String(repeating: "child(", count: 4) + "correct" + String(repeating: ")", count: 4),
        "parent(child(child(" + String(repeating: "correct and (", count: limit - 13) + "attr('source') = 'camera'" + String(repeating: ")", count: limit - 13) + ")))",
        "child(parent(" + String(repeating: "not ", count: limit - 9) + "parent_tag = 'clean'))",
    ]

    /// Every kind of clause a trace condition becomes part of; `{c}` stands for the condition.
    static let shapes = [
        "from traces where {c} | select input, model | sort input | take 3",
        "from traces where {c} | nodes of layer 1 | summarize median, p90, mean by label, node",
        "from traces where {c} | summarize mean, freq by tag, layer",
        "from traces | nodes of layer 1 | summarize mean, effect by node | versus traces where {c}",
        "from traces where {c} | nodes of layer 1 | summarize mean, effect, distance, max_distance by node | versus parent | where mean_diff > 0",
        "from traces where {c} | edges into layer 2 | where contribution > 0",
        "from traces where {c} | edges into layer 2 | summarize mean, freq by edge",
        "from traces | edges into layer 2 | summarize mean, freq, effect by label, edge | versus traces where {c} | where mean_diff > 0 | sort -abs(mean_diff) | take 2",
        "from traces where {c} | edges into layer 2 | summarize mean, freq by edge | versus traces where {c}",
        "from traces where {c} | lineage depth 2 top 2 | where flow > 0",
        "from traces where {c} | lineage forward from 0:1 depth 2 top 1",
        "from traces | summarize mean, freq, stddev, effect by label, layer | versus traces where {c}",
        "from traces | nodes of layer 1 | summarize median, mean, freq by predicted, node | versus traces where {c} | where mean_diff > 0 | take 1",
    ]

    /// Row conditions nesting exactly `limit` levels, after a paired comparison.
    static let rowConditions = [
        String(repeating: "not ", count: limit - 1) + "mean_diff > 0",
        String(repeating: "mean_diff > 0 and (", count: limit - 1) + "mean_a > mean_b" + String(repeating: ")", count: limit - 1),
        "mean_diff > " + String(repeating: "abs(", count: limit - 1) + "mean_b" + String(repeating: ")", count: limit - 1),
    ]

    @Test func conditionsAtTheLimitRunInEveryClause() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let store = try ProvenanceStore(path: database, access: .readOnly)
        let session = QuerySession(backend: store)
        let parameters = QueryParameters(session: ["m": try store.catalog().models[0].name])
        for shape in Self.shapes {
            for condition in Self.conditions {
                let query = shape.replacingOccurrences(of: "{c}", with: condition)
                #expect(throws: Never.self, "\(query)") { try session.run(try session.prepare(SourceText(query), parameters: parameters)) }
                let deeper = shape.replacingOccurrences(of: "{c}", with: "not (\(condition))")
                do {
                    _ = try session.prepare(SourceText(deeper), parameters: parameters)
                    Issue.record("accepted: \(deeper)")
                } catch {
                    #expect("\(error)".contains("error[E047]"), "\(deeper): \(error)")
                }
            }
        }
        for condition in Self.rowConditions {
            let query = "from traces where tag = 'shift' | nodes of layer 1 | summarize mean by node | versus parent | where " + condition
            #expect(throws: Never.self, "\(query)") { try session.run(try session.prepare(SourceText(query), parameters: QueryParameters())) }
        }
    }
}
