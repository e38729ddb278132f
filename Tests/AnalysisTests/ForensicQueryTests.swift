import Foundation
import IPG
import Testing
import TestSupport

/// The language's forensic stages on a real store, checked against brute force over the
/// traces themselves: the exact nearest traces by node values in a layer.
@Suite struct ForensicQueryTests {
    /// Each stored trace's id, by tag and input.
    private func ids(_ database: String) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try queryCSV(database, "from traces | select trace, tag, input").dropFirst().map { ("\($0[1]) \($0[2])", Int($0[0])!) })
    }

    @Test func nearestTracesAreTheExactNearestByNodeValues() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let ids = try ids(database)
        let query = try #require(traces.first { $0.metadata.tag == "shift" && $0.metadata.inputIndex == 7 })
        let queryID = try #require(ids["shift 7"])
        for (metric, distance) in [("euclidean", euclidean), ("cosine", cosineDistance)] {
            for layer in [1, 2] {
                let rows = try queryCSV(database, "from traces where tag = 'clean' and correct | nearest 5 to trace \(queryID) in layer \(layer) by \(metric)")
                #expect(rows.first == ["trace", "tag", "input", "label", "predicted", "correct", "distance"])
                let candidates = traces.filter { $0.metadata.tag == "clean" && $0.metadata.predictedLabel == $0.metadata.trueLabel }
                    .compactMap { trace in distance(values(trace, layer), values(query, layer)).map { (trace.metadata.inputIndex, $0) } }
                    .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : ids["clean \($0.0)"]! < ids["clean \($1.0)"]! }
                let expected = candidates.prefix(5)
                #expect(rows.count - 1 == expected.count && !expected.isEmpty, "\(metric) layer \(layer)")
                for (row, want) in zip(rows.dropFirst(), expected) {
                    #expect(row[1] == "clean" && Int(row[2]) == want.0 && row[5] == "1", "\(metric) layer \(layer): \(row) vs \(want)")
                    #expect(isClose(Double(row[6])!, want.1, 1e-9), "\(metric) layer \(layer): \(row) vs \(want)")
                }
            }
        }
        // The trace itself is not its own neighbour, even when selected.
        let around = try queryCSV(database, "from traces where tag = 'shift' | nearest 3 to trace \(queryID) in layer 1")
        #expect(around.count == 4 && !around.dropFirst().contains { $0[0] == String(queryID) })
        // Rows to filter and sort further, like any.
        let far = try queryCSV(database, "from traces | nearest 10 to trace \(queryID) in layer 2 | where tag = 'clean' | sort -distance | take 2")
        #expect(far.count == 3 && Double(far[1][6])! >= Double(far[2][6])!)
    }

    @Test func traceMeasuresEqualTheirRecomputationFromNodeValues() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let ids = try ids(database)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | select input, prob(1), prob(label), margin, margin(label), active(1), l1(1), entropy(1), distance(2, parent), distance(1, \(ids["clean 3"]!))")
        #expect(rows.first == ["input", "prob_1", "prob_label", "margin", "margin_label", "active_1", "l1_1", "entropy_1", "distance_2_parent", "distance_1_\(ids["clean 3"]!)"])
        let reference = try #require(traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == 3 })
        #expect(rows.count == 31)
        for row in rows.dropFirst() {
            let trace = try #require(traces.first { $0.metadata.tag == "shift" && String($0.metadata.inputIndex) == row[0] })
            let parent = try #require(traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == trace.metadata.inputIndex })
            let logits = values(trace, trace.layerValues.count - 1)
            let label = trace.metadata.trueLabel!
            let peak = logits.max()!
            let exponentials: [Double] = logits.map { exp($0 - peak) }
            let sum = exponentials.reduce(0, +)
            let softmax: [Double] = exponentials.map { $0 / sum }
            let sorted = logits.sorted(by: >)
            let hidden = values(trace, 1)
            let total: Double = hidden.map(abs).reduce(0, +)
            let entropy = shannonEntropyBits(hidden)
            let active = Double(hidden.filter { $0 != 0 }.count)
            let toParent = euclidean(values(trace, 2), values(parent, 2))!
            let toReference = euclidean(hidden, values(reference, 1))!
            let expected: [Double] = [softmax[1], softmax[label], sorted[0] - sorted[1], peak - logits[label], active, total, entropy, toParent, toReference]
            for (column, (got, want)) in zip(rows[0].dropFirst(), zip(row.dropFirst().map { Double($0)! }, expected)) {
                #expect(isClose(got, want, 1e-6), "input \(row[0]) \(column): \(got) vs \(want)")
            }
        }
        // In a condition on traces, compared like any value.
        let unsure = try queryCSV(database, "from traces where tag = 'shift' and prob(label) < 0.6 and margin > 0 | select input").dropFirst().map { Int($0[0])! }
        let expectedUnsure = traces.filter { trace in
            guard trace.metadata.tag == "shift" else { return false }
            let logits = values(trace, trace.layerValues.count - 1)
            let exponentials = logits.map { exp($0 - logits.max()!) }
            let sorted = logits.sorted(by: >)
            return exponentials[trace.metadata.trueLabel!] / exponentials.reduce(0, +) < 0.6 && sorted[0] - sorted[1] > 0
        }.map(\.metadata.inputIndex)
        #expect(unsure == expectedUnsure && !unsure.isEmpty && unsure.count < 30)
    }

    @Test func distancesToCentroidsAndByCosineEqualTheirRecomputation() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | select input, distance(2, centroid(tag = 'clean' and label = 1)), distance(1, centroid(tag = 'clean'), cosine), distance(2, parent, cosine)")
        #expect(rows.first == ["input", "distance_2_centroid", "distance_1_centroid_cosine", "distance_2_parent_cosine"])
        func centroid(_ layer: Int, _ chosen: (Trace) -> Bool) -> [Double] {
            let selected = traces.filter(chosen).map { values($0, layer) }
            return selected[0].indices.map { node in mean(selected.map { $0[node] }) }
        }
        let (ones, clean) = (centroid(2) { $0.metadata.tag == "clean" && $0.metadata.trueLabel == 1 }, centroid(1) { $0.metadata.tag == "clean" })
        #expect(rows.count == 31)
        for row in rows.dropFirst() {
            let trace = try #require(traces.first { $0.metadata.tag == "shift" && String($0.metadata.inputIndex) == row[0] })
            let parent = try #require(traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == trace.metadata.inputIndex })
            let expected: [Double?] = [euclidean(values(trace, 2), ones), cosineDistance(values(trace, 1), clean), cosineDistance(values(trace, 2), values(parent, 2))]
            for (column, (got, want)) in zip(rows[0].dropFirst(), zip(row.dropFirst(), expected)) {
                if let want { #expect(isClose(Double(got)!, want, 1e-6), "input \(row[0]) \(column): \(got) vs \(want)") } else { #expect(got.isEmpty) }
            }
        }
        // In a condition: the traces far from the clean centroid.
        let far = try queryCSV(database, "from traces where tag = 'shift' and distance(1, centroid(tag = 'clean')) > 1.5 | select input").dropFirst().map { Int($0[0])! }
        let expectedFar = traces.filter { $0.metadata.tag == "shift" && euclidean(values($0, 1), centroid(1) { $0.metadata.tag == "clean" })! > 1.5 }.map(\.metadata.inputIndex)
        #expect(far == expectedFar && !far.isEmpty && far.count < 30)
    }

    private func values(_ trace: Trace, _ layer: Int) -> [Double] { trace.layerValues[layer].map(Double.init) }

    private func euclidean(_ a: [Double], _ b: [Double]) -> Double? { euclideanDistance(a, b) }

    private func cosineDistance(_ a: [Double], _ b: [Double]) -> Double? {
        let norm = { (v: [Double]) in v.map { $0 * $0 }.reduce(0, +).squareRoot() }
        guard norm(a) > 0, norm(b) > 0 else { return nil }
        return 1 - zip(a, b).map(*).reduce(0, +) / (norm(a) * norm(b))
    }
}
