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

    private func values(_ trace: Trace, _ layer: Int) -> [Double] { trace.layerValues[layer].map(Double.init) }

    private func euclidean(_ a: [Double], _ b: [Double]) -> Double? {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    private func cosineDistance(_ a: [Double], _ b: [Double]) -> Double? {
        let norm = { (v: [Double]) in v.map { $0 * $0 }.reduce(0, +).squareRoot() }
        guard norm(a) > 0, norm(b) > 0 else { return nil }
        return 1 - zip(a, b).map(*).reduce(0, +) / (norm(a) * norm(b))
    }
}
