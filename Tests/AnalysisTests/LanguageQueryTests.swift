import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// The language's groupings, units, quantiles, comparisons, pairs, attributes and forward
/// lineage, each checked against a recomputation from the traces (or the engine's IPG).
@Suite struct LanguageQueryTests {
    private func values(_ traces: [Trace], tag: String, layer: Int, node: Int, where keep: (Trace) -> Bool = { _ in true }) -> [Double] {
        traces.filter { $0.metadata.tag == tag && keep($0) }.map { Double($0.layerValues[layer][node]) }
    }

    @Test func groupsByLabelAndByTag() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let byLabel = try queryNumbers(database, "from traces where tag = 'clean' | nodes of layer 1 | summarize count, mean, freq by label, node")
        #expect(byLabel.header == ["label", "layer", "node", "count", "mean", "freq"])
        #expect(byLabel.rows.count == 2 * 3)
        for row in byLabel.rows {
            let values = self.values(traces, tag: "clean", layer: 1, node: Int(row[2])) { $0.metadata.trueLabel == Int(row[0]) }
            #expect(Int(row[3]) == values.count && isClose(row[4], mean(values)))
            #expect(isClose(row[5], Double(values.filter { $0 != 0 }.count) / Double(values.count)))
        }
        // Every tag at once comes from the statistics; a filter that keeps everything scans.
        let fromStatistics = try queryNumbers(database, "from traces | nodes of layer 2 | summarize mean, stddev, min, max by tag, node")
        let fromScan = try queryNumbers(database, "from traces where confidence >= 0 | nodes of layer 2 | summarize mean, stddev, min, max by tag, node")
        #expect(try explanation(database, "from traces | nodes of layer 2 | summarize mean by tag, node").contains("FROM node_statistics"))
        #expect(fromStatistics.rows.count == 4 && fromScan.rows.count == 4)
        let tags = try queryCSV(database, "from traces | nodes of layer 2 | summarize mean by tag, node").dropFirst().map { $0[0] }
        #expect(tags == ["clean", "clean", "shift", "shift"])
        for (a, b) in zip(fromStatistics.rows, fromScan.rows) {
            #expect(zip(a.dropFirst(), b.dropFirst()).allSatisfy { isClose($0, $1) }, "\(a) vs \(b)")
        }
        for (index, row) in fromStatistics.rows.enumerated() {
            let values = self.values(traces, tag: index < 2 ? "clean" : "shift", layer: 2, node: Int(row[2]))
            #expect(isClose(row[3], mean(values)) && isClose(row[4], (sumOfSquares(values) / Double(values.count)).squareRoot()))
            #expect(isClose(row[5], values.min()!) && isClose(row[6], values.max()!))
        }
    }

    @Test func layerSummariesPoolEveryNodeValue() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'shift' | summarize count, mean, stddev, freq, max by layer")
        #expect(result.header == ["layer", "count", "mean", "stddev", "freq", "max"])
        #expect(result.rows.map { Int($0[0]) } == [0, 1, 2])
        for row in result.rows {
            let layer = Int(row[0])
            let all = traces.filter { $0.metadata.tag == "shift" }.flatMap { $0.layerValues[layer].map(Double.init) }
            #expect(Int(row[1]) == 30)
            #expect(isClose(row[2], mean(all)) && isClose(row[3], (sumOfSquares(all) / Double(all.count)).squareRoot(), 1e-7))
            #expect(isClose(row[4], Double(all.filter { $0 != 0 }.count) / Double(all.count)) && isClose(row[5], all.max()!))
        }
    }

    @Test func statisticsAndScanAgreeForLayersAndEdges() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        for (unit, stage) in [("layer", ""), ("edge", "| edges into layer 2 ")] {
            let measures = unit == "layer" ? "count, mean, stddev, freq, min, max" : "count, mean, stddev, min, max"
            let statistics = try queryNumbers(database, "from traces where tag = 'clean' \(stage)| summarize \(measures) by \(unit)")
            let scan = try queryNumbers(database, "from traces where tag = 'clean' and confidence >= 0 \(stage)| summarize \(measures) by \(unit)")
            #expect(statistics.header == scan.header && statistics.rows.count == scan.rows.count && !scan.rows.isEmpty)
            for (a, b) in zip(statistics.rows, scan.rows) { #expect(zip(a, b).allSatisfy { isClose($0, $1, 1e-7) }, "\(unit): \(a) vs \(b)") }
        }
    }

    @Test func quantilesInterpolateBetweenRanks() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'clean' | nodes of layer 1 | summarize median, p90 by node")
        #expect(result.header == ["layer", "node", "median", "p90"])
        func quantile(_ values: [Double], _ q: Double) -> Double {
            let sorted = values.sorted(), position = q * Double(sorted.count - 1)
            let lower = Int(position), upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        for row in result.rows {
            let values = self.values(traces, tag: "clean", layer: 1, node: Int(row[1]))
            #expect(isClose(row[2], quantile(values, 0.5)) && isClose(row[3], quantile(values, 0.9)), "\(row)")
        }
    }

    @Test func comparisonsGiveEveryMeasureAndTheEffectSize() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'shift' | nodes of layer 1 | summarize mean, freq, effect by node | versus traces where tag = 'clean'")
        #expect(result.header == ["layer", "node", "mean_a", "mean_b", "mean_diff", "freq_a", "freq_b", "freq_diff", "effect"])
        #expect(result.rows.allSatisfy { $0[0] == 1 })
        for row in result.rows.map({ Array($0.dropFirst()) }) {
            let a = values(traces, tag: "shift", layer: 1, node: Int(row[0])), b = values(traces, tag: "clean", layer: 1, node: Int(row[0]))
            let pooled = ((sumOfSquares(a) + sumOfSquares(b)) / Double(a.count + b.count - 2)).squareRoot()
            let freq = { (values: [Double]) in Double(values.filter { $0 != 0 }.count) / Double(values.count) }
            #expect(isClose(row[1], mean(a)) && isClose(row[2], mean(b)) && isClose(row[3], mean(a) - mean(b)))
            #expect(isClose(row[4], freq(a)) && isClose(row[5], freq(b)) && isClose(row[6], freq(a) - freq(b)))
            #expect(isClose(row[7], (mean(a) - mean(b)) / pooled, 1e-7), "\(row)")
        }
    }

    @Test func pairsEachTraceWithItsOwnParent() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'shift' and attr('source') = 'scan' | nodes of layer 1 | summarize mean, effect, distance, max_distance by node | versus parent")
        #expect(result.header == ["layer", "node", "mean_a", "mean_b", "mean_diff", "effect", "distance", "max_distance"])
        #expect(result.rows.count == 3)
        let children = traces.filter { $0.metadata.tag == "shift" && $0.metadata.inputIndex % 3 != 0 }
        for row in result.rows.map({ Array($0.dropFirst()) }) {
            let node = Int(row[0])
            let differences = children.map { child in
                let parent = traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == child.metadata.parent!.inputIndex }!
                return Double(child.layerValues[1][node]) - Double(parent.layerValues[1][node])
            }
            let sampleDeviation = (sumOfSquares(differences) / Double(differences.count - 1)).squareRoot()
            #expect(isClose(row[3], mean(differences)) && isClose(row[1] - row[2], mean(differences), 1e-7))
            #expect(isClose(row[4], mean(differences) / sampleDeviation, 1e-7), "\(row)")
            // The activation distance: mean and largest |child − parent|.
            #expect(isClose(row[5], mean(differences.map(abs)), 1e-7) && isClose(row[6], differences.map(abs).max()!, 1e-7), "\(row)")
        }
        // Somewhere pairs move both ways, so the distance is not just |diff|.
        #expect(result.rows.contains { $0[6] > abs($0[4]) + 1e-6 })
    }

    @Test func attributesSelectTraces() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let inputs = try queryCSV(database, "from traces where attr('source') = 'camera' | select input | sort input")
        #expect(inputs.dropFirst().map { Int($0[0])! } == Array(stride(from: 0, to: 30, by: 3)))
        let none = try queryCSV(database, "from traces where attr('nothing') = 'x' | select input")
        #expect(none == [["input"]])
    }

    /// `parent(…)` and `child(…)` select traces by what happened to their related traces.
    @Test func relatedTracesSelectTraces() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let byTag = { (tag: String) in Dictionary(uniqueKeysWithValues: traces.filter { $0.metadata.tag == tag }.map { ($0.metadata.inputIndex, $0) }) }
        let clean = byTag("clean"), shift = byTag("shift")
        let correct = { (trace: Trace) in trace.metadata.predictedLabel == trace.metadata.trueLabel }
        func inputs(_ query: String) throws -> [Int] {
            try queryCSV(database, query + " | select input | sort input").dropFirst().map { Int($0[0])! }
        }
        // Shifted inputs whose clean parent was right: the ones an attack-success rate counts.
        #expect(try inputs("from traces where tag = 'shift' and parent(correct)") == shift.keys.sorted().filter { correct(clean[$0]!) })
        // Clean inputs whose shifted camera copy was misclassified.
        let fooled = clean.keys.sorted().filter { !correct(shift[$0]!) && $0 % 3 == 0 }
        #expect(try inputs("from traces where tag = 'clean' and child(not correct and attr('source') = 'camera')") == fooled)
        #expect(!fooled.isEmpty)
        // Back and forth: a shifted trace's parent has a misclassified child exactly when it is one.
        #expect(try inputs("from traces where tag = 'shift' and parent(child(not correct))") == shift.keys.sorted().filter { !correct(shift[$0]!) })
        #expect(try inputs("from traces where child(tag = 'clean')").isEmpty)
    }

    /// A child whose parent was never stored pairs with nothing, and `not child(…)` still holds
    /// for every trace without a matching child.
    @Test func negatedRelationsSurviveMissingParents() throws {
        let directory = try TemporaryDirectory()
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let inputs = Tensor(shape: [3, 2], values: [1, 2, 3, -1, -2, 0.5])
        var traces = try capture.capture(inputs, samples: (0..<3).map { SampleDescription(inputIndex: $0, trueLabel: 0, tag: "clean") })
        traces += try capture.capture(inputs, samples: [0, 99, 2].map {
            SampleDescription(inputIndex: $0, trueLabel: 1, tag: "shift", parent: TraceReference(tag: "clean", inputIndex: $0))
        })
        let database = try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory)
        let childless = try queryCSV(database, "from traces where tag = 'clean' and not child(tag = 'shift') | select input")
        #expect(childless.dropFirst().map { $0[0] } == ["1"])
        let orphans = try queryCSV(database, "from traces where tag = 'shift' and not parent(input >= 0) | select input")
        #expect(orphans.dropFirst().map { $0[0] } == ["99"])
    }

    @Test func edgesWhoseMeanContributionDivergesMost() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'shift' | edges into layer 1 | summarize mean by edge | versus traces where tag = 'clean' | sort -abs(mean_diff) | take 3")
        #expect(result.header == ["source", "target", "mean_a", "mean_b", "mean_diff"])
        #expect(try queryCSV(database, "from traces where tag = 'shift' | edges into layer 1 | summarize mean by edge").dropFirst().allSatisfy { $0[0].hasPrefix("0:") && $0[1].hasPrefix("1:") },
                "edge ends are node references")
        let weights = try sqlRows(database, "SELECT source, target, weight FROM dense_weights WHERE layer = 1")
        let expected = weights.map { row -> (String, Double) in
            let (source, weight) = (Int(row[0])!, Double(row[2])!)
            let difference = weight * (mean(values(traces, tag: "shift", layer: 0, node: source)) - mean(values(traces, tag: "clean", layer: 0, node: source)))
            return ("\(row[0])->\(row[1])", difference)
        }.sorted { abs($0.1) > abs($1.1) }.prefix(3)
        #expect(result.rows.map { "\(Int($0[0]))->\(Int($0[1]))" } == expected.map(\.0))
        for (row, edge) in zip(result.rows, expected) { #expect(isClose(row[4], edge.1, 1e-6)) }
    }

    @Test func rowsFilterAfterTheShape() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let trace = traces.first { $0.metadata.tag == "shift" && $0.metadata.inputIndex == 4 }!
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
        let into = graph.edges.filter { $0.target == NodeID(layer: 1, index: 0) }.sorted { $0.weight > $1.weight }
        let result = try queryNumbers(database, "from traces where tag = 'shift' and input = 4 | edges into layer 1 | where target = 1:0 | sort -contribution")
        #expect(result.header == ["trace", "tag", "input", "source", "target", "contribution"])
        #expect(result.rows.allSatisfy { $0[2] == 4 })
        #expect(result.rows.map { Int($0[3]) } == into.map(\.source.index))
        for (row, edge) in zip(result.rows, into) { #expect(isClose(row[5], Double(edge.weight), 1e-6)) }
        // Rows of a comparison kept by their difference.
        let all = try queryNumbers(database, "from traces where tag = 'shift' | nodes of layer 1 | summarize mean by node | versus parent")
        let kept = try queryNumbers(database, "from traces where tag = 'shift' | nodes of layer 1 | summarize mean by node | versus parent | where abs(mean_diff) > 0.05 and node != 1")
        #expect(kept.rows == all.rows.filter { abs($0[4]) > 0.05 && $0[1] != 1 })
        #expect(!kept.rows.isEmpty && kept.rows.count < all.rows.count)
    }

    @Test func edgeFrequencyCountsTracesWithBothEndsActive() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryNumbers(database, "from traces where tag = 'shift' | edges into layer 2 | summarize count, freq by label, edge")
        #expect(result.header == ["label", "source", "target", "count", "freq"])
        #expect(result.rows.count == 2 * 3 * 2)
        for row in result.rows {
            let chosen = traces.filter { $0.metadata.tag == "shift" && $0.metadata.trueLabel == Int(row[0]) }
            let both = chosen.filter { $0.layerValues[1][Int(row[1])] != 0 && $0.layerValues[2][Int(row[2])] != 0 }
            #expect(Int(row[3]) == chosen.count && isClose(row[4], Double(both.count) / Double(chosen.count)), "\(row)")
        }
        let compared = try queryNumbers(database, "from traces where tag = 'shift' | edges into layer 2 | summarize freq by edge | versus traces where tag = 'clean'")
        for row in compared.rows {
            let share = { (tag: String) -> Double in
                let chosen = traces.filter { $0.metadata.tag == tag }
                return Double(chosen.filter { $0.layerValues[1][Int(row[0])] != 0 && $0.layerValues[2][Int(row[1])] != 0 }.count) / Double(chosen.count)
            }
            #expect(isClose(row[2], share("shift")) && isClose(row[3], share("clean")) && isClose(row[4], share("shift") - share("clean")), "\(row)")
        }
    }

    @Test func lineageForwardFollowsTheStrongestOutgoingEdges() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        var checked = 0
        for trace in traces where trace.metadata.tag == "clean" && trace.metadata.inputIndex < 10 {
            let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
            // The strongest outgoing edge, and any tied with it (fc2 has equal weights).
            func strongest(from node: NodeID) -> [Edge] {
                let outgoing = graph.edges.filter { $0.source == node }
                return outgoing.filter { edge in !outgoing.contains { $0.weight > edge.weight } }
            }
            let first = strongest(from: NodeID(layer: 0, index: 1))
            let expected = Set((first + first.flatMap { strongest(from: $0.target) }).map { "\($0.source)->\($0.target)" })
            let rows = try queryCSV(database, "from traces where tag = 'clean' and input = \(trace.metadata.inputIndex) | lineage forward from 0:1 depth 2 top 1")
            #expect(rows.first == ["trace", "tag", "input", "step", "target", "source", "contribution", "path", "flow"])
            #expect(Set(rows.dropFirst().map { "\($0[5])->\($0[4])" }) == expected, "input \(trace.metadata.inputIndex)")
            let reference = FlowReference(graph)
            for row in rows.dropFirst() {
                let path = row[7].components(separatedBy: " -> ")
                #expect(path.first == "0:1" && path.last == row[4] && path[path.count - 2] == row[5], "\(row)")
                let flow = reference.flow(along: path, backward: false)
                #expect(abs(Double(row[8])! - flow) <= 1e-5 * max(1, abs(flow)), "\(row)")
            }
            checked += expected.isEmpty ? 0 : 1
        }
        #expect(checked > 3)
    }
}
