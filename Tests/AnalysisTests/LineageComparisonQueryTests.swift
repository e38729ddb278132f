import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// Lineages that compare: `lineage contrast` (paths into the predicted class minus those into
/// the true class) recomputed from node values and weights, and `lineage … | versus parent`
/// equal to the two traces' own lineages side by side.
@Suite struct LineageComparisonQueryTests {
    @Test func versusParentSetsEachPathBesideTheParentsOwnWalk() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let rows = try queryCSV(database, "from traces where tag = 'shift' and input < 12 | lineage depth 2 top 1 | versus parent")
        #expect(rows.first == ["trace", "tag", "input", "step", "target", "source", "path", "contribution_a", "contribution_b", "contribution_diff",
                               "flow_a", "flow_b", "flow_diff", "shared"])
        // Each trace's own walk, asked alone: path → (contribution, flow).
        func walk(_ tag: String, _ input: Int) throws -> [String: (Double, Double)] {
            let own = try queryCSV(database, "from traces where tag = '\(tag)' and input = \(input) | lineage depth 2 top 1")
            return Dictionary(uniqueKeysWithValues: own.dropFirst().map { ($0[3] + " " + $0[7], (Double($0[6])!, Double($0[8])!)) })
        }
        var shared = 0, parted = 0
        for input in 0..<12 {
            let (child, parent) = (try walk("shift", input), try walk("clean", input))
            let mine = rows.dropFirst().filter { $0[2] == String(input) }
            #expect(Set(mine.map { $0[3] + " " + $0[6] }) == Set(child.keys).union(parent.keys), "input \(input)")
            for row in mine {
                let key = row[3] + " " + row[6]
                let (a, b) = (child[key], parent[key])
                let number = { (text: String) in Double(text) }
                #expect(number(row[7]) == a?.0 && number(row[8]) == b?.0 && number(row[10]) == a?.1 && number(row[11]) == b?.1, "\(row)")
                if let a, let b {
                    #expect(isClose(Double(row[9])!, a.0 - b.0) && isClose(Double(row[12])!, a.1 - b.1) && row[13] == "1", "\(row)")
                    shared += 1
                } else {
                    #expect(row[9].isEmpty && row[12].isEmpty && row[13] == "0", "\(row)")
                    parted += 1
                }
            }
        }
        #expect(shared > 0 && parted > 0, "the fixture has paths both walk and paths only one walks")
        // The first step at which a trace's paths part from its parent's: one query.
        let firstParting = try queryCSV(database, "from traces where tag = 'shift' and input < 12 | lineage depth 2 top 1 | versus parent | where not shared | summarize min(step) by input")
        for row in firstParting.dropFirst() {
            let steps = rows.dropFirst().filter { $0[2] == row[0] && $0[13] == "0" }.map { Int($0[3])! }
            #expect(Int(row[1]) == steps.min(), "\(row)")
        }
    }

    @Test func contrastWalksBackFromThePredictedMinusTheTrueOutput() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        // weight[layer]["source target"]
        var weight: [Int: [String: Double]] = [:]
        for row in try sqlRows(database, "SELECT layer, source, target, weight FROM dense_weights") {
            weight[Int(row[0])!, default: [:]]["\(row[1]) \(row[2])"] = Double(row[3])!
        }
        let wrong = traces.filter { $0.metadata.tag == "shift" && $0.metadata.predictedLabel != $0.metadata.trueLabel }
        #expect(wrong.count >= 3)
        let rows = try queryCSV(database, "from traces where tag = 'shift' | lineage contrast depth 2 top 1")
        #expect(Set(rows.dropFirst().map { Int($0[2])! }) == Set(wrong.map(\.metadata.inputIndex)), "only the traces the model gets wrong")
        for trace in wrong {
            let (predicted, label) = (trace.metadata.predictedLabel, trace.metadata.trueLabel!)
            let hidden = trace.layerValues[1].map(Double.init)
            // Step 1: value × (weight into the predicted − weight into the true class), active sources.
            let contrast = hidden.indices.filter { hidden[$0] != 0 }.map { ($0, hidden[$0] * (weight[2]!["\($0) \(predicted)"]! - weight[2]!["\($0) \(label)"]!)) }
            let best = contrast.map { $0.1 }.max()!
            let first = contrast.filter { $0.1 == best }
            let mine = rows.dropFirst().filter { $0[2] == String(trace.metadata.inputIndex) }
            let stepOne = mine.filter { $0[3] == "1" }
            #expect(stepOne.map { $0[5] } == first.map { "1:\($0.0)" } && stepOne.allSatisfy { $0[4] == "2:\(predicted)" }, "input \(trace.metadata.inputIndex)")
            for (row, edge) in zip(stepOne, first) {
                #expect(isClose(Double(row[6])!, edge.1, 1e-6) && isClose(Double(row[8])!, edge.1, 1e-6) && row[7] == "2:\(predicted) - 2:\(label) <- 1:\(edge.0)")
            }
            // Step 2 walks on as any lineage: the strongest edge into the node reached, with its
            // share of that node's inflow.
            let reference = FlowReference(InferenceProvenanceGraph(topology: capture.topology, trace: trace))
            for row in mine where row[3] == "2" {
                let (node, source) = (row[4], row[5])
                let contribution = Double(trace.layerValues[0][Int(source.dropFirst(2))!]) * weight[1]!["\(source.dropFirst(2)) \(node.dropFirst(2))"]!
                let reached = first.first { "1:\($0.0)" == node }!
                #expect(isClose(Double(row[6])!, contribution, 1e-6))
                #expect(isClose(Double(row[8])!, reached.1 * contribution / reference.inflow(node), 1e-5), "\(row)")
            }
        }
    }
}
