import Analysis
import Engine
import Foundation
import IPG
import Query
import Store
import Testing
import TestSupport

/// Every saved query in `Queries/`, run in-process as `deepprov query --saved` runs it, with
/// every row it returns checked against a recomputation from the captured traces: their node
/// values, the engine's IPG (`InferenceProvenanceGraph`) for edges and lineage, the model's
/// dense weights, and plain arithmetic. Row counts and the order a query promises (`sort …
/// | take k`) are checked too; ties in a sort key may come in either order.
///
/// `SavedQueryCoverage.recomputed` names the queries checked here; the CLI tests require it to
/// equal the folder's query names.
@Suite struct SavedQueryRecomputationTests {
    @Test(arguments: SavedQueryCoverage.recomputed, RecomputationFixture.kinds)
    func rowsMatchTheirRecomputation(_ name: String, fixture kind: String) throws {
        let fixture = try RecomputationFixture(kind)
        switch name {
        case "class-confusion": try classConfusion(fixture)
        case "class-diff": try classDiff(fixture)
        case "class-envelope": try classEnvelope(fixture)
        case "diff-nodes": try diffNodes(fixture)
        case "diverging-edges": try divergingEdges(fixture)
        case "feature-lineage": try featureLineage(fixture)
        case "layer-activity": try layerActivity(fixture)
        case "misclassified": try misclassified(fixture)
        case "node-stats": try nodeStats(fixture)
        case "paired-nodes": try pairedNodes(fixture)
        case "repair-candidates": try repairCandidates(fixture)
        case "top-edges": try topEdges(fixture)
        case "trace-lineage": try traceLineage(fixture)
        default: Issue.record("no recomputation written for the saved query \(name)")
        }
    }

    @Test(arguments: RecomputationFixture.kinds)
    func theFixtureExercisesWhatTheChecksCompare(_ kind: String) throws {
        let fixture = try RecomputationFixture(kind)
        let clean = fixture.traces(tag: "clean"), fgsm = fixture.traces(tag: fixture.adv)
        #expect(clean.count == fgsm.count && clean.count >= 20)
        #expect(fgsm.allSatisfy { $0.metadata.parent?.tag == "clean" })
        // Only the dead fixture has children whose parent was never stored.
        #expect((kind == "dead") == fgsm.contains { fixture.parent(of: $0) == nil })
        #expect(!fgsm.filter { RecomputationFixture.misclassified($0) }.isEmpty && !clean.filter { RecomputationFixture.misclassified($0) }.isEmpty)
        // Some hidden node is off in some traces and on in others, so frequencies differ.
        let frequencies = (0..<fixture.topology.layers[1].nodeCount).map { fixture.frequency(clean, layer: 1, node: $0) }
        #expect(frequencies.contains { $0 > 0 && $0 < 1 })
        // In the dead fixture, node 0 is off everywhere (no variance, NULL effect sizes).
        #expect((kind == "dead") == (frequencies.first == 0 && fixture.frequency(fgsm, layer: 1, node: 0) == 0))
        #expect((kind == "dead") == fixture.all.contains { $0.metadata.trueLabel == nil })
    }

    // MARK: - Summaries over one set of traces

    private func nodeStats(_ fixture: RecomputationFixture) throws {
        for tag in ["clean", fixture.adv] {
            for layer in [1, 2] {
                let table = try fixture.run("node-stats", ["tag": tag, "layer": "\(layer)"])
                #expect(table.header == ["layer", "node", "count", "mean", "stddev", "freq"])
                let chosen = fixture.traces(tag: tag)
                #expect(table.rows.map { $0.integer("node") }.sorted() == Array(0..<fixture.topology.layers[layer].nodeCount))
                for row in table.rows {
                    let node = row.integer("node"), values = RecomputationFixture.values(chosen, layer: layer, node: node)
                    #expect(row.integer("layer") == layer && row.integer("count") == chosen.count)
                    expectClose(row, "mean", mean(values))
                    expectClose(row, "stddev", populationDeviation(values), 1e-7)
                    expectClose(row, "freq", fixture.frequency(chosen, layer: layer, node: node))
                }
            }
        }
    }

    private func classEnvelope(_ fixture: RecomputationFixture) throws {
        for label in 0..<fixture.topology.layers.last!.nodeCount {
            let table = try fixture.run("class-envelope", ["tag": "clean", "label": "\(label)", "layer": "1"])
            #expect(table.header == ["layer", "node", "count", "mean", "stddev"])
            let chosen = fixture.traces(tag: "clean").filter { $0.metadata.trueLabel == label }
            #expect(table.rows.count == (chosen.isEmpty ? 0 : fixture.topology.layers[1].nodeCount))
            for row in table.rows {
                let node = row.integer("node"), values = RecomputationFixture.values(chosen, layer: 1, node: node)
                #expect(row.integer("layer") == 1 && row.integer("count") == chosen.count)
                expectClose(row, "mean", mean(values))
                expectClose(row, "stddev", populationDeviation(values), 1e-7)
            }
        }
    }

    private func layerActivity(_ fixture: RecomputationFixture) throws {
        for tag in ["clean", fixture.adv] {
            let table = try fixture.run("layer-activity", ["tag": tag])
            #expect(table.header == ["layer", "count", "mean", "stddev", "freq", "min", "max"])
            let chosen = fixture.traces(tag: tag)
            #expect(table.rows.map { $0.integer("layer") } == Array(fixture.topology.layers.indices))
            for row in table.rows {
                let layer = fixture.topology.layers[row.integer("layer")]
                let pooled = chosen.flatMap { $0.layerValues[layer.index].map(Double.init) }
                let active = chosen.map { layer.activeNodes(in: $0.layerValues[layer.index]).filter { $0 }.count }.reduce(0, +)
                #expect(row.integer("count") == chosen.count)
                expectClose(row, "mean", mean(pooled))
                expectClose(row, "stddev", populationDeviation(pooled), 1e-7)
                expectClose(row, "freq", Double(active) / Double(chosen.count * layer.nodeCount))
                expectClose(row, "min", pooled.min()!)
                expectClose(row, "max", pooled.max()!)
            }
        }
    }

    private func misclassified(_ fixture: RecomputationFixture) throws {
        for tag in ["clean", fixture.adv] {
            let table = try fixture.run("misclassified", ["tag": tag])
            #expect(table.header == ["input", "label", "predicted", "confidence"])
            let expected = fixture.traces(tag: tag).filter { RecomputationFixture.misclassified($0) }.sorted { $0.metadata.inputIndex < $1.metadata.inputIndex }
            #expect(table.rows.count == expected.count)
            for (row, trace) in zip(table.rows, expected) {
                #expect(row.integer("input") == trace.metadata.inputIndex && row.integer("label") == trace.metadata.trueLabel!)
                #expect(row.integer("predicted") == trace.metadata.predictedLabel)
                expectClose(row, "confidence", Double(trace.metadata.confidence), 1e-6)
            }
        }
    }

    private func classConfusion(_ fixture: RecomputationFixture) throws {
        for (tag, layer) in [(fixture.adv, 2), ("clean", 1)] {
            let table = try fixture.run("class-confusion", ["tag": tag, "layer": "\(layer)"])
            #expect(table.header == ["predicted", "layer", "node", "count", "mean", "freq"])
            let wrong = fixture.traces(tag: tag).filter { RecomputationFixture.misclassified($0) }
            let predictions = Set(wrong.map(\.metadata.predictedLabel)).sorted()
            let nodes = fixture.topology.layers[layer].nodeCount
            let keys = table.rows.map { [$0.integer("predicted"), $0.integer("node")] }
            #expect(keys.sorted { $0.lexicographicallyPrecedes($1) } == predictions.flatMap { p in (0..<nodes).map { [p, $0] } }, "\(tag) layer \(layer)")
            for row in table.rows {
                let chosen = wrong.filter { $0.metadata.predictedLabel == row.integer("predicted") }
                let node = row.integer("node"), values = RecomputationFixture.values(chosen, layer: layer, node: node)
                #expect(row.integer("layer") == layer && row.integer("count") == chosen.count)
                expectClose(row, "mean", mean(values))
                expectClose(row, "freq", fixture.frequency(chosen, layer: layer, node: node))
            }
        }
    }

    // MARK: - Comparisons of two sets of traces

    private func diffNodes(_ fixture: RecomputationFixture) throws {
        for (a, b, layer, k) in [("clean", fixture.adv, 1, 3), (fixture.adv, "clean", 2, 2), ("clean", fixture.adv, 1, 10)] {
            let table = try fixture.run("diff-nodes", ["a": a, "b": b, "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["node", "mean_a", "mean_b", "diff"])
            let setA = fixture.traces(tag: a), setB = fixture.traces(tag: b)
            func expected(_ node: Int) -> (a: Double, b: Double) {
                (mean(RecomputationFixture.values(setA, layer: layer, node: node)), mean(RecomputationFixture.values(setB, layer: layer, node: node)))
            }
            for row in table.rows {
                let (meanA, meanB) = expected(row.integer("node"))
                expectClose(row, "mean_a", meanA)
                expectClose(row, "mean_b", meanB)
                expectClose(row, "diff", meanA - meanB)
            }
            let candidates = (0..<fixture.topology.layers[layer].nodeCount).map { node in [abs(expected(node).a - expected(node).b)] }
            expectTopK(table.rows.map { [abs($0.number("diff")!)] }, candidates: candidates, k: k, keys: table.rows.map { "\($0.integer("node"))" })
        }
    }

    private func classDiff(_ fixture: RecomputationFixture) throws {
        // The tiny model almost never gets class 0 right: only the MLP has two classes with
        // several correctly classified traces each to compare.
        guard fixture.labels == 3 else { return }
        for (tag, a, b, layer, k) in [("clean", 0, 1, 1, 3), (fixture.adv, 2, 1, 2, 10)] {
            let table = try fixture.run("class-diff", ["tag": tag, "a": "\(a)", "b": "\(b)", "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["layer", "node", "mean_a", "mean_b", "mean_diff", "freq_a", "freq_b", "freq_diff", "effect"])
            #expect(table.rows.allSatisfy { $0.integer("layer") == layer })
            let right = fixture.traces(tag: tag).filter(RecomputationFixture.correct)
            let setA = right.filter { $0.metadata.trueLabel == a }, setB = right.filter { $0.metadata.trueLabel == b }
            #expect(setA.count >= 2 && setB.count >= 2, "\(tag): \(setA.count) and \(setB.count) correct traces of classes \(a) and \(b)")
            let expected = (0..<fixture.topology.layers[layer].nodeCount).map { node in
                fixture.comparison(setA, setB, layer: layer, node: node)
            }
            for row in table.rows {
                let item = expected[row.integer("node")]
                expectClose(row, "mean_a", item.meanA)
                expectClose(row, "mean_b", item.meanB)
                expectClose(row, "mean_diff", item.meanA - item.meanB)
                expectClose(row, "freq_a", item.freqA)
                expectClose(row, "freq_b", item.freqB)
                expectClose(row, "freq_diff", item.freqA - item.freqB)
                expectClose(row, "effect", item.effect, 1e-7)
            }
            expectTopK(table.rows.map { [rankable($0.number("effect").map(abs))] }, candidates: expected.map { [rankable($0.effect.map(abs))] },
                       k: k, keys: table.rows.map { "\($0.integer("node"))" })
        }
    }

    private func repairCandidates(_ fixture: RecomputationFixture) throws {
        for (clean, adv, layer, k) in [("clean", fixture.adv, 1, 3), ("clean", fixture.adv, 2, 10), (fixture.adv, "clean", 1, 10)] {
            let table = try fixture.run("repair-candidates", ["clean": clean, "adv": adv, "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["layer", "node", "freq_a", "freq_b", "freq_diff", "mean_a", "mean_b", "mean_diff",
                                     "stddev_a", "stddev_b", "stddev_diff", "effect"])
            let setA = fixture.traces(tag: adv), setB = fixture.traces(tag: clean)
            let expected = (0..<fixture.topology.layers[layer].nodeCount).map { node in
                fixture.comparison(setA, setB, layer: layer, node: node)
            }
            for row in table.rows {
                let item = expected[row.integer("node")]
                expectClose(row, "freq_a", item.freqA)
                expectClose(row, "freq_b", item.freqB)
                expectClose(row, "freq_diff", item.freqA - item.freqB)
                expectClose(row, "mean_a", item.meanA)
                expectClose(row, "mean_b", item.meanB)
                expectClose(row, "mean_diff", item.meanA - item.meanB)
                expectClose(row, "stddev_a", item.deviationA, 1e-7)
                expectClose(row, "stddev_b", item.deviationB, 1e-7)
                expectClose(row, "stddev_diff", item.deviationA - item.deviationB, 1e-7)
                expectClose(row, "effect", item.effect, 1e-7)
            }
            // Sorted by |freq_diff|, then |effect|, both descending.
            expectTopK(table.rows.map { [abs($0.number("freq_diff")!), rankable($0.number("effect").map(abs))] },
                       candidates: expected.map { [abs($0.freqA - $0.freqB), rankable($0.effect.map(abs))] },
                       k: k, keys: table.rows.map { "\($0.integer("node"))" })
        }
    }

    private func pairedNodes(_ fixture: RecomputationFixture) throws {
        for (layer, k) in [(1, 3), (2, 10), (1, 10)] {
            let table = try fixture.run("paired-nodes", ["adv": fixture.adv, "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["layer", "node", "mean_a", "mean_b", "mean_diff", "freq_a", "freq_b", "freq_diff", "effect", "distance", "max_distance"])
            // A child whose parent was never stored pairs with nothing.
            let children = fixture.traces(tag: fixture.adv).filter { fixture.parent(of: $0) != nil }
            let parents = children.map { fixture.parent(of: $0)! }
            struct Paired { var meanA, meanB, meanDifference, freqA, freqB, distance, maxDistance: Double; var effect: Double? }
            let expected = (0..<fixture.topology.layers[layer].nodeCount).map { node -> Paired in
                let a = RecomputationFixture.values(children, layer: layer, node: node), b = RecomputationFixture.values(parents, layer: layer, node: node)
                let differences = zip(a, b).map { $0 - $1 }
                let deviation = (sumOfSquares(differences) / Double(differences.count - 1)).squareRoot()
                return Paired(meanA: mean(a), meanB: mean(b), meanDifference: mean(differences),
                              freqA: fixture.frequency(children, layer: layer, node: node), freqB: fixture.frequency(parents, layer: layer, node: node),
                              distance: mean(differences.map(abs)), maxDistance: differences.map(abs).max()!,
                              effect: deviation > 0 ? mean(differences) / deviation : nil)
            }
            for row in table.rows {
                let item = expected[row.integer("node")]
                expectClose(row, "mean_a", item.meanA)
                expectClose(row, "mean_b", item.meanB)
                expectClose(row, "mean_diff", item.meanDifference)
                expectClose(row, "freq_a", item.freqA)
                expectClose(row, "freq_b", item.freqB)
                expectClose(row, "freq_diff", item.freqA - item.freqB)
                expectClose(row, "effect", item.effect, 1e-7)
                expectClose(row, "distance", item.distance, 1e-7)
                expectClose(row, "max_distance", item.maxDistance, 1e-7)
            }
            expectTopK(table.rows.map { [$0.number("distance")!] }, candidates: expected.map { [$0.distance] },
                       k: k, keys: table.rows.map { "\($0.integer("node"))" })
        }
    }

    private func divergingEdges(_ fixture: RecomputationFixture) throws {
        for (a, b, layer, k) in [(fixture.adv, "clean", 1, 5), ("clean", fixture.adv, 2, 4), (fixture.adv, "clean", 2, 100)] {
            let table = try fixture.run("diverging-edges", ["a": a, "b": b, "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["source", "target", "mean_a", "mean_b", "mean_diff"])
            let setA = fixture.traces(tag: a), setB = fixture.traces(tag: b)
            // An edge's contribution in a trace is w_ji · a_i; its mean over a tag's traces.
            let target = fixture.topology.layers[layer], source = fixture.topology.layers[target.source!]
            guard case .dense(let weights) = target.edgeRule else { Issue.record("layer \(layer) is not dense"); return }
            func contribution(_ trace: Trace, _ from: Int, _ to: Int) -> Double {
                Double(weights[to * source.nodeCount + from]) * Double(trace.layerValues[source.index][from])
            }
            func expected(_ from: Int, _ to: Int) -> (a: Double, b: Double) {
                (mean(setA.map { contribution($0, from, to) }), mean(setB.map { contribution($0, from, to) }))
            }
            // Where the IPG has the edge, its weight is that contribution.
            for trace in setA.prefix(3) {
                for edge in InferenceProvenanceGraph(topology: fixture.topology, trace: trace).edges where edge.target.layer == layer {
                    #expect(abs(Double(edge.weight) - contribution(trace, edge.source.index, edge.target.index)) <= 1e-5 * max(1, abs(Double(edge.weight))))
                }
            }
            for row in table.rows {
                let (meanA, meanB) = expected(row.node("source", layer: source.index), row.node("target", layer: layer))
                expectClose(row, "mean_a", meanA, 1e-6)
                expectClose(row, "mean_b", meanB, 1e-6)
                expectClose(row, "mean_diff", meanA - meanB, 1e-6)
            }
            let pairs = (0..<source.nodeCount).flatMap { from in (0..<target.nodeCount).map { (from, $0) } }
            expectTopK(table.rows.map { [abs($0.number("mean_diff")!)] }, candidates: pairs.map { [abs(expected($0.0, $0.1).a - expected($0.0, $0.1).b)] },
                       k: k, keys: table.rows.map { "\($0.text("source"))->\($0.text("target"))" }, tolerance: 1e-6)
        }
    }

    // MARK: - One trace's edges and lineage

    private func topEdges(_ fixture: RecomputationFixture) throws {
        for (tag, input, layer, k) in [("clean", 0, 1, 10), (fixture.adv, 7, 2, 4), ("clean", 12, 2, 100)] {
            let table = try fixture.run("top-edges", ["tag": tag, "input": "\(input)", "layer": "\(layer)", "k": "\(k)"])
            #expect(table.header == ["source", "target", "weight"])
            let edges = try fixture.graph(tag: tag, input: input).edges.filter { $0.target.layer == layer }
            let byKey = Dictionary(uniqueKeysWithValues: edges.map { ("\($0.source.index)->\($0.target.index)", Double($0.weight)) })
            let keys = table.rows.map { "\($0.integer("source"))->\($0.integer("target"))" }
            for (row, key) in zip(table.rows, keys) {
                #expect(byKey[key] != nil, "\(tag) \(input): \(key) is no edge of the IPG")
                if let weight = byKey[key] { expectClose(row, "weight", weight, 1e-5) }
            }
            expectTopK(table.rows.map { [$0.number("weight")!] }, candidates: edges.map { [Double($0.weight)] }, k: k, keys: keys, tolerance: 1e-5)
        }
    }

    private func traceLineage(_ fixture: RecomputationFixture) throws {
        var walked = 0
        for (input, depth, k) in [(0, 2, 3), (2, 2, 3), (4, 1, 2), (6, 2, 2), (8, 2, 3), (10, 1, 10), (12, 2, 1), (14, 2, 1)] {
            let graph = try fixture.graph(tag: "clean", input: input)
            let start = NodeID(layer: 2, index: graph.metadata.predictedLabel)
            let table = try fixture.run("trace-lineage", ["tag": "clean", "input": "\(input)", "depth": "\(depth)", "k": "\(k)"])
            expectLineage(table, LineageReference(graph: graph, start: start, depth: depth, top: k, backward: true), input: input)
            walked += table.rows.count
        }
        #expect(walked > 10)
    }

    private func featureLineage(_ fixture: RecomputationFixture) throws {
        var walked = 0, tied = false
        for (tag, input, feature, depth, k) in [("clean", 0, 0, 2, 3), ("clean", 4, 5, 2, 3), (fixture.adv, 3, 2, 2, 2), (fixture.adv, 9, 1, 1, 10),
                                                        ("clean", 14, 1, 2, 1), (fixture.adv, 5, 0, 2, 1), ("clean", 16, 3, 2, 1)] {
            let feature = feature % fixture.topology.layers[0].nodeCount
            let graph = try fixture.graph(tag: tag, input: input)
            let table = try fixture.run("feature-lineage", ["tag": tag, "input": "\(input)", "feature": "\(feature)", "depth": "\(depth)", "k": "\(k)"])
            let reference = LineageReference(graph: graph, start: NodeID(layer: 0, index: feature), depth: depth, top: k, backward: false)
            expectLineage(table, reference, input: input)
            walked += table.rows.count
            tied = tied || reference.keptTies
        }
        #expect(walked > 10)
        // The tiny model's fc2 weighs hidden node 1 equally into both outputs: a walk forward
        // through it keeps both edges even at top 1.
        #expect(tied || fixture.labels == 3)
    }

    /// The walk's rows, each path once, sorted by step and then by descending flow.
    private func expectLineage(_ table: QueryRows, _ reference: LineageReference, input: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(table.header == ["input", "step", "target", "source", "contribution", "path", "flow"], sourceLocation: sourceLocation)
        let expected = Dictionary(uniqueKeysWithValues: reference.rows.map { ($0.path, $0) })
        #expect(table.rows.count == reference.rows.count, "input \(input): \(table.rows.count) rows, \(reference.rows.count) paths walked", sourceLocation: sourceLocation)
        #expect(Set(table.rows.map { $0.text("path") }) == Set(expected.keys), "input \(input)", sourceLocation: sourceLocation)
        for row in table.rows {
            guard let item = expected[row.text("path")] else { continue }
            #expect(row.integer("input") == input && row.integer("step") == item.step, "\(row)", sourceLocation: sourceLocation)
            #expect(row.text("target") == item.target && row.text("source") == item.source, "\(row)", sourceLocation: sourceLocation)
            expectClose(row, "contribution", item.contribution, 1e-5, sourceLocation: sourceLocation)
            expectClose(row, "flow", item.flow, 1e-5, sourceLocation: sourceLocation)
        }
        for (earlier, later) in zip(table.rows, table.rows.dropFirst()) {
            let (stepA, stepB) = (earlier.integer("step"), later.integer("step"))
            let ordered = stepA < stepB || (stepA == stepB && earlier.number("flow")! >= later.number("flow")! - 1e-9 * max(1, abs(later.number("flow")!)))
            #expect(ordered, "\(earlier) before \(later)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Order and tolerance

    /// Rows of `sort -key… | take k`: min(k, candidates) rows, each a different item, whose keys
    /// (compared in order, descending) are the k largest of every candidate's, in that order.
    /// Tied items may come in either order, so keys are compared rather than items.
    private func expectTopK(_ returned: [[Double]], candidates: [[Double]], k: Int, keys: [String], tolerance: Double = 1e-9,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(returned.count == min(k, candidates.count), "\(returned.count) rows of \(candidates.count), take \(k)", sourceLocation: sourceLocation)
        #expect(Set(keys).count == keys.count, "an item twice: \(keys)", sourceLocation: sourceLocation)
        let ranked = candidates.sorted { a, b in
            for (x, y) in zip(a, b) where x != y { return x > y }
            return false
        }
        for (position, (actual, wanted)) in zip(returned, ranked).enumerated() {
            let same = zip(actual, wanted).allSatisfy { $0 == $1 || abs($0 - $1) <= tolerance * max(1, abs($1)) }
            #expect(same, "row \(position) (\(keys[position])) ranks \(actual) where \(wanted) was expected; all \(ranked)", sourceLocation: sourceLocation)
        }
    }

    /// A sort key that may be absent (a NULL effect size) as a number: ranked last.
    private func rankable(_ value: Double?) -> Double { value ?? -.infinity }

    private func expectClose(_ row: ResultRow, _ column: String, _ expected: Double?, _ tolerance: Double = 1e-9,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = row.number(column)
        switch (actual, expected) {
        case (nil, nil): break
        case (let actual?, let expected?):
            #expect(abs(actual - expected) <= tolerance * max(1, abs(expected)), "\(column): \(actual) where \(expected) was expected in \(row)",
                    sourceLocation: sourceLocation)
        default:
            #expect(Bool(false), "\(column): \(actual.map(String.init(describing:)) ?? "NULL") where \(expected.map(String.init(describing:)) ?? "NULL") was expected in \(row)",
                    sourceLocation: sourceLocation)
        }
    }
}
