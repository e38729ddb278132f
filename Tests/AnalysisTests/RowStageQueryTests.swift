import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// `derive`, `select` and `sort` by an expression on computed rows, run against a store and
/// checked against recomputations from the traces (or the engine's IPG).
@Suite struct RowStageQueryTests {
    /// Per node of `layer`, the values of every trace of `tag`.
    private func nodeValues(_ traces: [Trace], tag: String, layer: Int) -> [[Double]] {
        let chosen = traces.filter { $0.metadata.tag == tag }
        return (0..<chosen[0].layerValues[layer].count).map { node in chosen.map { Double($0.layerValues[layer][node]) } }
    }

    @Test func aDerivedScoreFiltersAndSortsTheRows() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let shifted = nodeValues(traces, tag: "shift", layer: 2), clean = nodeValues(traces, tag: "clean", layer: 2)
        let scores = shifted.indices.map { node in
            (node: node, difference: mean(shifted[node]) - mean(clean[node]),
             z: (mean(shifted[node]) - mean(clean[node])) / populationDeviation(clean[node]))
        }
        let result = try queryNumbers(database, "from traces where tag = 'shift' | nodes of layer 2 | summarize mean, stddev by node | versus traces where tag = 'clean'"
            + " | derive z = mean_diff / stddev_b, shifted = z > 0 | where abs(z) > 0.01 | sort -abs(z) | select node, mean_a, mean_b, mean_diff, stddev_a, stddev_b, stddev_diff, z, shifted")
        #expect(result.header == ["node", "mean_a", "mean_b", "mean_diff", "stddev_a", "stddev_b", "stddev_diff", "z", "shifted"])
        let expected = scores.filter { abs($0.z) > 0.01 }.sorted { abs($0.z) > abs($1.z) }
        #expect(!expected.isEmpty)
        #expect(result.rows.map { Int($0[0]) } == expected.map(\.node))
        for (row, score) in zip(result.rows, expected) {
            #expect(isClose(row[7], score.z, 1e-6), "node \(score.node): \(row[7]) vs \(score.z)")
            #expect(row[8] == (score.z > 0 ? 1 : 0))
        }
        // An expression key needs no column of its own.
        let byDifference = try queryNumbers(database, "from traces where tag = 'shift' | nodes of layer 2 | summarize mean by node | versus traces where tag = 'clean' | sort -(mean_b - mean_a)")
        #expect(byDifference.rows.map { Int($0[1]) } == scores.sorted { $0.difference < $1.difference }.map(\.node))
    }

    @Test func selectKeepsOrdersAndRenamesColumns() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let trace = traces.first { $0.metadata.tag == "shift" && $0.metadata.inputIndex == 4 }!
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
        let into = graph.edges.filter { $0.target.layer == 2 }.sorted { abs($0.weight) > abs($1.weight) }
        #expect(into.count > 1)
        // Sorted by a column the select then leaves out: the order stays.
        let result = try queryNumbers(database, "from traces where tag = 'shift' and input = 4 | edges into layer 2 | sort -abs(contribution) | select contribution as weight, target")
        #expect(result.header == ["weight", "target"])
        #expect(result.rows.map { Int($0[1]) } == into.map(\.target.index))
        for (row, edge) in zip(result.rows, into) { #expect(isClose(row[0], Double(edge.weight), 1e-6)) }
        // A renamed column is read by its new name.
        let strongest = try queryNumbers(database, "from traces where tag = 'shift' and input = 4 | edges into layer 2 | select source, contribution as weight | where weight > 0 | sort weight")
        let positive = graph.edges.filter { $0.target.layer == 2 && $0.weight > 0 }.sorted { $0.weight < $1.weight }
        #expect(strongest.rows.map { Int($0[0]) } == positive.map(\.source.index))
        #expect(zip(strongest.rows, positive).allSatisfy { isClose($0[1], Double($1.weight), 1e-6) })
    }

    @Test func aTraceListingDerivesFromItsColumns() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let result = try queryCSV(database, "from traces where tag = 'shift' | select input, label, predicted | derive wrong = label != predicted, next = input + 1 | where wrong | sort -input")
        #expect(result.first == ["input", "label", "predicted", "wrong", "next"])
        let wrong = traces.filter { $0.metadata.tag == "shift" && $0.metadata.trueLabel != $0.metadata.predictedLabel }
            .sorted { $0.metadata.inputIndex > $1.metadata.inputIndex }
        #expect(!wrong.isEmpty)
        #expect(result.dropFirst().map { [$0[0], $0[4]] } == wrong.map { ["\($0.metadata.inputIndex)", "\($0.metadata.inputIndex + 1)"] })
    }

    @Test func edgeRowsSayWhichTraceTheyComeFrom() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let result = try queryCSV(database, "from traces where input = 5 | edges into layer 2")
        #expect(result.first == ["trace", "tag", "input", "source", "target", "contribution"])
        let rows = result.dropFirst()
        // One trace id per tag, and each tag's rows are that trace's edges.
        #expect(Set(rows.map(\.[1])) == ["clean", "shift"])
        for tag in ["clean", "shift"] {
            let trace = traces.first { $0.metadata.tag == tag && $0.metadata.inputIndex == 5 }!
            let edges = InferenceProvenanceGraph(topology: capture.topology, trace: trace).edges.filter { $0.target.layer == 2 }
            let own = rows.filter { $0[1] == tag }
            #expect(Set(own.map(\.[0])).count == 1 && own.allSatisfy { $0[2] == "5" })
            let weights = Dictionary(uniqueKeysWithValues: edges.map { ("\($0.source)->\($0.target)", Double($0.weight)) })
            #expect(Set(own.map { "\($0[3])->\($0[4])" }) == Set(weights.keys), "\(tag)")
            for row in own { #expect(isClose(Double(row[5])!, weights["\(row[3])->\(row[4])"] ?? .nan, 1e-6), "\(tag) \(row)") }
        }
        #expect(Set(rows.filter { $0[1] == "clean" }.map(\.[0])) != Set(rows.filter { $0[1] == "shift" }.map(\.[0])))
        // A row's trace is the one a trace filter names by that id.
        let shifted = try #require(rows.first { $0[1] == "shift" })
        #expect(try queryCSV(database, "from traces where trace = \(shifted[0]) | select trace, tag, input").dropFirst().map { $0 } == [[shifted[0], "shift", "5"]])
    }
}
