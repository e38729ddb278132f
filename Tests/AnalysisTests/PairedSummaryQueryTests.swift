import Foundation
import IPG
import Testing
import TestSupport

/// `versus parent` by layer and by edge: each trace's values paired with its parent's, pooled
/// over a layer's nodes or carried along an edge's weight, recomputed from the traces.
@Suite struct PairedSummaryQueryTests {
    /// (child, parent) value pairs of `layer` for the tag's traces (fixture: the parent is
    /// the clean trace of the same input).
    private func pairs(_ traces: [Trace], layer: Int) -> [(child: [Double], parent: [Double])] {
        traces.filter { $0.metadata.tag == "shift" }.map { child in
            let parent = traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == child.metadata.inputIndex }!
            return (child.layerValues[layer].map(Double.init), parent.layerValues[layer].map(Double.init))
        }
    }

    private func sampleDeviation(_ values: [Double]) -> Double { (sumOfSquares(values) / Double(values.count - 1)).squareRoot() }

    @Test func layerPairsPoolEveryNodesPairs() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | summarize mean, stddev, dispersion, effect, distance, max_distance by layer | versus parent")
        #expect(rows.first == ["layer", "mean_a", "mean_b", "mean_diff", "stddev_a", "stddev_b", "stddev_diff", "dispersion_a", "dispersion_b", "dispersion_diff",
                               "effect", "distance", "max_distance"])
        #expect(rows.count == traces[0].layerValues.count + 1)
        for row in rows.dropFirst() {
            let paired = pairs(traces, layer: Int(row[0])!)
            let (a, b) = (paired.flatMap(\.child), paired.flatMap(\.parent))
            let differences = paired.flatMap { zip($0.child, $0.parent).map { $0 - $1 } }
            let dispersion = { (v: [Double]) in populationDeviation(v) * populationDeviation(v) / mean(v) }
            let expected = [mean(a), mean(b), mean(differences), populationDeviation(a), populationDeviation(b), populationDeviation(a) - populationDeviation(b),
                            dispersion(a), dispersion(b), dispersion(a) - dispersion(b), mean(differences) / sampleDeviation(differences),
                            mean(differences.map(abs)), differences.map(abs).max()!]
            for (column, (got, want)) in zip(rows[0].dropFirst(), zip(row.dropFirst(), expected)) {
                #expect(isClose(Double(got)!, want, 1e-6), "layer \(row[0]) \(column): \(got) vs \(want)")
            }
        }
    }

    @Test func edgePairsCarryTheSourcePairsAlongTheWeight() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | edges into layer 2 | summarize mean, min, max, effect, distance, max_distance by edge | versus parent")
        #expect(rows.first == ["source", "target", "mean_a", "mean_b", "mean_diff", "min_a", "min_b", "min_diff", "max_a", "max_b", "max_diff",
                               "effect", "distance", "max_distance"])
        var weight: [String: Double] = [:]
        for row in try sqlRows(database, "SELECT source, target, weight FROM dense_weights WHERE layer = 2") { weight["1:\(row[0]) 2:\(row[1])"] = Double(row[2])! }
        #expect(rows.count == weight.count + 1)
        let paired = pairs(traces, layer: 1)
        for row in rows.dropFirst() {
            let w = try #require(weight["\(row[0]) \(row[1])"])
            let source = Int(row[0].dropFirst(2))!
            let a = paired.map { w * $0.child[source] }, b = paired.map { w * $0.parent[source] }
            let differences = zip(a, b).map { $0 - $1 }
            let expected = [mean(a), mean(b), mean(differences), a.min()!, b.min()!, a.min()! - b.min()!, a.max()!, b.max()!, a.max()! - b.max()!,
                            mean(differences) / sampleDeviation(differences), mean(differences.map(abs)), differences.map(abs).max()!]
            for (column, (got, want)) in zip(rows[0].dropFirst(2), zip(row.dropFirst(2), expected)) {
                if want.isNaN { #expect(got.isEmpty, "\(row[0])->\(row[1]) \(column)") } else {
                    #expect(isClose(Double(got)!, want, 1e-6), "\(row[0])->\(row[1]) \(column): \(got) vs \(want)")
                }
            }
        }
    }
}
