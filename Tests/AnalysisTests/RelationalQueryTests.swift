import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// The language's relational stages on a real store, each checked against the traces
/// themselves or against an equivalent query: node value listings, summaries of rows, a
/// parent's columns, and node references sorted by layer and node.
@Suite struct RelationalQueryTests {
    @Test func nodesOfALayerListEachTracesValues() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' and input < 4 | nodes of layer 1")
        #expect(rows.first == ["trace", "tag", "input", "layer", "node", "value"])
        let expected = traces.filter { $0.metadata.tag == "shift" && $0.metadata.inputIndex < 4 }
            .flatMap { trace in trace.layerValues[1].enumerated().map { [String(trace.metadata.inputIndex), String($0.offset), Double($0.element)] as [Any] } }
        #expect(rows.count - 1 == expected.count && expected.count == 4 * traces[0].layerValues[1].count)
        for (row, want) in zip(rows.dropFirst(), expected) {
            #expect(row[1] == "shift" && row[2] == want[0] as! String && row[3] == "1" && row[4] == want[1] as! String)
            #expect(isClose(Double(row[5])!, want[2] as! Double, 1e-6), "\(row)")
        }
        // A filter on the node rows keeps the active ones only.
        let active = try queryCSV(database, "from traces where tag = 'shift' and input < 4 | nodes of layer 1 | where value != 0 | select input, node")
        #expect(active.count - 1 == expected.filter { ($0[2] as! Double) != 0 }.count)
    }

    @Test func summariesOfTraceRowsCountAndAverageByAnyColumn() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | summarize count, mean(correct), max(confidence) by label, predicted")
        #expect(rows.first == ["label", "predicted", "count", "mean_correct", "max_confidence"])
        let shifted = traces.filter { $0.metadata.tag == "shift" }
        let groups = Dictionary(grouping: shifted) { [$0.metadata.trueLabel!, $0.metadata.predictedLabel] }
        #expect(rows.count - 1 == groups.count)
        for row in rows.dropFirst() {
            let group = try #require(groups[[Int(row[0])!, Int(row[1])!]])
            #expect(Int(row[2]) == group.count)
            #expect(isClose(Double(row[3])!, row[0] == row[1] ? 1 : 0))
            #expect(isClose(Double(row[4])!, Double(group.map(\.metadata.confidence).max()!), 1e-6))
        }
        #expect(rows.dropFirst().map { [Int($0[0])!, Int($0[1])!] } == groups.keys.sorted { $0.lexicographicallyPrecedes($1) }, "ordered by the keys")
        // One row over everything, and a summary of a summary.
        #expect(try queryCSV(database, "from traces | summarize count") == [["count"], ["60"]])
        let largest = try queryCSV(database, "from traces where tag = 'shift' | summarize count by label, predicted | summarize max(count)")
        #expect(largest == [["max_count"], [String(groups.values.map(\.count).max()!)]])
    }

    @Test func aSummaryOfLineageRowsEqualsGroupingThemByHand() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let walk = "from traces where tag = 'shift' | lineage depth 2 top 1 | where step = 2"
        let paths = try queryCSV(database, walk + " | select path, flow").dropFirst()
        let summary = try queryCSV(database, walk + " | summarize count, sum(flow) by path | sort -count, path")
        #expect(summary.first == ["path", "count", "sum_flow"])
        let byHand = Dictionary(grouping: paths, by: { $0[0] })
        #expect(summary.count - 1 == byHand.count && byHand.count > 1)
        for row in summary.dropFirst() {
            let group = try #require(byHand[row[0]])
            #expect(Int(row[1]) == group.count)
            #expect(isClose(Double(row[2])!, group.map { Double($0[1])! }.reduce(0, +), 1e-9))
        }
        let counts = summary.dropFirst().map { Int($0[1])! }
        #expect(counts == counts.sorted(by: >))
    }

    @Test func aListingSelectsItsParentsColumns() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where input < 5 | select tag, input, parent.confidence, parent.input, parent.correct")
        #expect(rows.first == ["tag", "input", "parent_confidence", "parent_input", "parent_correct"])
        #expect(rows.count - 1 == 10)
        for row in rows.dropFirst() {
            guard row[0] == "shift" else {
                let empty = row[2...].allSatisfy { $0.isEmpty }
                #expect(empty, "a clean trace has no parent: \(row)")
                continue
            }
            let parent = try #require(traces.first { $0.metadata.tag == "clean" && String($0.metadata.inputIndex) == row[1] })
            #expect(isClose(Double(row[2])!, Double(parent.metadata.confidence), 1e-6) && row[3] == row[1])
            #expect(row[4] == (parent.metadata.predictedLabel == parent.metadata.trueLabel ? "1" : "0"))
        }
    }

    @Test func nodeReferencesSortByLayerThenNodeAsNumbers() throws {
        // 12 inputs into 11 ReLU units: lineage rows name nodes 1:0 … 1:10.
        var builder = GraphBuilder(inputShape: [nil, 12])
        var generator = SeededGenerator(seed: 5)
        builder.weights("w", shape: [11, 12], (0..<132).map { _ in abs(generator.nextGaussian()) + 0.1 })
        let relu = builder.node("Relu", [builder.node("Gemm", ["x", "w"], name: "fc", attributes: ["transB": .int(1)])])
        let capture = try ProvenanceCapture(session: InferenceSession(model: try builder.model(output: relu)), sampleShape: [12])
        let traces = try capture.capture(Tensor(shape: [1, 12], values: (0..<12).map { _ in abs(generator.nextGaussian()) + 0.1 }),
                                         samples: [SampleDescription(inputIndex: 0, trueLabel: 0, tag: "clean")])
        let directory = try TemporaryDirectory()
        let database = try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory)
        let rows = try queryCSV(database, "from traces | lineage forward from 0:3 depth 1 top 10 | sort target")
        let targets = rows.dropFirst().map { $0[4] }
        #expect(targets.count >= 10 && targets.contains("1:10"))
        let numeric = targets.sorted { Int($0.dropFirst(2))! < Int($1.dropFirst(2))! }
        #expect(targets == numeric, "1:2 comes before 1:10")
        #expect(targets != targets.sorted(), "as text they would sort differently")
    }
}
