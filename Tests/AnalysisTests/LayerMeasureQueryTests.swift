import Foundation
import IPG
import Testing
import TestSupport

/// The summary measures of DEEPPROV.md §2 the language computes over node values — a node's
/// dispersion (variance over mean) and a layer's entropy — recomputed from the traces.
@Suite struct LayerMeasureQueryTests {
    private func values(_ traces: [Trace], tag: String, layer: Int) -> [[Double]] {
        traces.filter { $0.metadata.tag == tag }.map { $0.layerValues[layer].map(Double.init) }
    }

    private func dispersion(_ values: [Double]) -> Double? {
        let average = mean(values)
        return average == 0 ? nil : sumOfSquares(values) / Double(values.count) / average
    }

    @Test func dispersionPerNodeAndPerLayerEqualsVarianceOverMean() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let clean = values(traces, tag: "clean", layer: 1)
        let width = clean[0].count
        // From the statistics (one tag) and by scanning (a condition the statistics cannot answer).
        for (query, selected) in [("tag = 'clean'", clean), ("tag = 'clean' and input < 20", Array(clean.prefix(20)))] {
            let rows = try queryCSV(database, "from traces where \(query) | nodes of layer 1 | summarize dispersion, mean by node")
            #expect(rows.first == ["layer", "node", "dispersion", "mean"])
            #expect(rows.count == width + 1)
            for row in rows.dropFirst() {
                let node = Int(row[1])!
                let column = selected.map { $0[node] }
                if let want = dispersion(column) {
                    #expect(isClose(Double(row[2])!, want, 1e-6), "\(query) node \(node): \(row[2]) vs \(want)")
                } else {
                    #expect(row[2].isEmpty, "\(query) node \(node): a zero mean has no dispersion, got \(row[2])")
                }
            }
            let pooled = try queryCSV(database, "from traces where \(query) | nodes of layer 1 | summarize dispersion by layer")
            #expect(isClose(Double(pooled[1][1])!, dispersion(selected.flatMap { $0 })!, 1e-6))
        }
        // Compared: each side's own, and their difference.
        let shifted = values(traces, tag: "shift", layer: 1)
        let compared = try queryCSV(database, "from traces where tag = 'shift' | nodes of layer 1 | summarize dispersion by layer | versus traces where tag = 'clean'")
        #expect(compared.first == ["layer", "dispersion_a", "dispersion_b", "dispersion_diff"])
        let (a, b) = (dispersion(shifted.flatMap { $0 })!, dispersion(clean.flatMap { $0 })!)
        #expect(isClose(Double(compared[1][1])!, a, 1e-6) && isClose(Double(compared[1][2])!, b, 1e-6) && isClose(Double(compared[1][3])!, a - b, 1e-6))
    }

    @Test func entropyPerLayerIsTheMeanOfEachTracesEntropy() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces | summarize entropy, count by tag, layer")
        #expect(rows.first == ["tag", "layer", "entropy", "count"])
        let layers = traces[0].layerValues.count
        #expect(rows.count == 2 * layers + 1)
        for row in rows.dropFirst() {
            let perTrace = values(traces, tag: row[0], layer: Int(row[1])!).map(shannonEntropyBits)
            #expect(isClose(Double(row[2])!, mean(perTrace), 1e-6), "\(row)")
            #expect(Int(row[3]) == perTrace.count)
        }
        // The same number as the trace measure summarized over the rows.
        let summarized = try queryCSV(database, "from traces where tag = 'shift' | select entropy(2) as h | summarize mean(h)")
        let byLayer = try queryCSV(database, "from traces where tag = 'shift' | nodes of layer 2 | summarize entropy by layer")
        #expect(byLayer.count == 2 && isClose(Double(byLayer[1][1])!, Double(summarized[1][0])!, 1e-9))
    }
}
