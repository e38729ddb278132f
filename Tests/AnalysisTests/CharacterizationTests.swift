import Analysis
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// `Characterizer` against numbers recomputed here from the captured traces themselves (not
/// from the store): per node and per layer, both sets, paired with parents, per dense edge.
@Suite struct CharacterizationTests {
    /// 90 traces of the 6-5-3 fixture MLP: 45 clean, 45 noisy (noisy input i's parent is clean input i − 1).
    struct Fixture {
        let directory: TemporaryDirectory
        let store: ProvenanceStore
        let topology: ModelTopology
        let traces: [Trace]

        init() throws {
            directory = try TemporaryDirectory()
            store = try StoreFixtures.store(at: directory.path("store.sqlite"), count: 90, seed: 5, tags: ["clean", "noisy"])
            (topology, traces) = try StoreFixtures.traces(count: 90, seed: 5, tags: ["clean", "noisy"])
        }

        func tagged(_ tag: String) -> [Trace] { traces.filter { $0.metadata.tag == tag } }
        /// Node `node` of `layer` over the traces.
        func values(_ traces: [Trace], layer: Int, node: Int) -> [Double] { traces.map { Double($0.layerValues[layer][node]) } }
        func active(_ value: Double, layer: Int) -> Bool { abs(value) > Double(topology.layers[layer].threshold) }
        func parent(of trace: Trace) -> Trace {
            traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == trace.metadata.parent!.inputIndex }!
        }
    }

    /// Equal up to float32 storage, or both missing.
    private func close(_ found: Double?, _ expected: Double?, _ what: @autoclosure () -> String) {
        guard let expected else { return #expect(found == nil, "\(what()): \(String(describing: found)) where none is expected") }
        guard let found else { return #expect(Bool(false), "\(what()): missing, expected \(expected)") }
        #expect(abs(found - expected) <= 1e-6 * max(1, abs(expected)), "\(what()): \(found) vs \(expected)")
    }

    private static func dispersion(_ values: [Double]) -> Double? {
        let m = mean(values)
        return m == 0 ? nil : populationDeviation(values) * populationDeviation(values) / m
    }

    /// Shannon entropy in bits of |values| / Σ|values|, 0 when all are 0 (written out here, not LayerMeasures').
    private static func entropy(_ values: [Double]) -> Double {
        let total = values.map(abs).reduce(0, +)
        guard total > 0 else { return 0 }
        return -values.map { abs($0) / total }.filter { $0 > 0 }.map { $0 * log2($0) }.reduce(0, +)
    }

    @Test func nodesAndLayersMatchTheTraces() throws {
        let fixture = try Fixture()
        let report = try Characterizer(backend: fixture.store).characterize(a: "noisy", b: "clean")
        let a = fixture.tagged("noisy"), b = fixture.tagged("clean")
        #expect(report.a == "noisy" && report.b == "clean" && report.layers.map(\.layer) == [1, 2])
        for layer in report.layers {
            let index = layer.layer, count = fixture.topology.layers[index].nodeCount
            #expect(layer.nodes.map(\.node) == Array(0..<count) && layer.nodeCount == count)
            close(layer.traces.a, Double(a.count), "traces a")
            close(layer.traces.b, Double(b.count), "traces b")
            for node in layer.nodes {
                let name = "node \(index):\(node.node)"
                let valuesA = fixture.values(a, layer: index, node: node.node), valuesB = fixture.values(b, layer: index, node: node.node)
                close(node.mean.a, mean(valuesA), "\(name) mean a")
                close(node.mean.b, mean(valuesB), "\(name) mean b")
                close(node.mean.diff, mean(valuesA) - mean(valuesB), "\(name) mean diff")
                close(node.stddev.a, populationDeviation(valuesA), "\(name) stddev a")
                close(node.stddev.b, populationDeviation(valuesB), "\(name) stddev b")
                close(node.freq.a, Double(valuesA.filter { fixture.active($0, layer: index) }.count) / Double(a.count), "\(name) freq a")
                close(node.freq.b, Double(valuesB.filter { fixture.active($0, layer: index) }.count) / Double(b.count), "\(name) freq b")
                close(node.min.a, valuesA.min(), "\(name) min a")
                close(node.max.b, valuesB.max(), "\(name) max b")
                close(node.dispersion.a, Self.dispersion(valuesA), "\(name) dispersion a")
                close(node.dispersion.b, Self.dispersion(valuesB), "\(name) dispersion b")
                let pooled = ((sumOfSquares(valuesA) + sumOfSquares(valuesB)) / Double(a.count + b.count - 2)).squareRoot()
                close(node.effect, pooled == 0 ? nil : (mean(valuesA) - mean(valuesB)) / pooled, "\(name) effect")
            }
            // The layer: every value of its nodes pooled.
            let pooledA = (0..<count).flatMap { fixture.values(a, layer: index, node: $0) }
            let pooledB = (0..<count).flatMap { fixture.values(b, layer: index, node: $0) }
            close(layer.mean.a, mean(pooledA), "layer \(index) mean a")
            close(layer.stddev.b, populationDeviation(pooledB), "layer \(index) stddev b")
            close(layer.freq.a, Double(pooledA.filter { fixture.active($0, layer: index) }.count) / Double(pooledA.count), "layer \(index) freq a")
            close(layer.dispersion.a, Self.dispersion(pooledA), "layer \(index) dispersion a")
            close(layer.dispersion.diff, Self.dispersion(pooledA).flatMap { x in Self.dispersion(pooledB).map { x - $0 } }, "layer \(index) dispersion diff")
            close(layer.max.b, pooledB.max(), "layer \(index) max b")
            // Entropy and active nodes per trace, over the traces.
            for (traces, entropy, active, set) in [(a, layer.entropyA, layer.activeA, "a"), (b, layer.entropyB, layer.activeB, "b")] {
                let entropies = traces.map { Self.entropy($0.layerValues[index].map(Double.init)) }
                let actives = traces.map { Double($0.layerValues[index].filter { fixture.active(Double($0), layer: index) }.count) }
                close(entropy.mean, mean(entropies), "layer \(index) entropy mean \(set)")
                close(entropy.stddev, populationDeviation(entropies), "layer \(index) entropy stddev \(set)")
                close(entropy.min, entropies.min(), "layer \(index) entropy min \(set)")
                close(entropy.max, entropies.max(), "layer \(index) entropy max \(set)")
                close(active.mean, mean(actives), "layer \(index) active mean \(set)")
                close(active.max, actives.max(), "layer \(index) active max \(set)")
            }
            let meanEntropyA = mean(a.map { Self.entropy($0.layerValues[index].map(Double.init)) })
            let meanEntropyB = mean(b.map { Self.entropy($0.layerValues[index].map(Double.init)) })
            close(layer.entropy.a, meanEntropyA, "layer \(index) entropy a")
            close(layer.entropy.b, meanEntropyB, "layer \(index) entropy b")
            close(layer.entropy.diff, meanEntropyA - meanEntropyB, "layer \(index) entropy diff")
        }
    }

    @Test func pairedMeasuresCompareEachTraceWithItsParent() throws {
        let fixture = try Fixture()
        let report = try Characterizer(backend: fixture.store).characterize(a: "noisy", b: "clean")
        let children = fixture.tagged("noisy")
        #expect(report.paired && report.pairing.hasPrefix("paired: \(children.count) traces of 'noisy'"), "\(report.pairing)")
        for layer in report.layers {
            let index = layer.layer
            for node in layer.nodes {
                let paired = try #require(node.paired, "node \(index):\(node.node) is paired")
                let differences = children.map { Double($0.layerValues[index][node.node]) - Double(fixture.parent(of: $0).layerValues[index][node.node]) }
                #expect(paired.pairs == children.count)
                close(paired.meanDifference, mean(differences), "\(index):\(node.node) paired mean")
                close(paired.distance, mean(differences.map(abs)), "\(index):\(node.node) distance")
                close(paired.maxDistance, differences.map(abs).max(), "\(index):\(node.node) max distance")
                let spread = (sumOfSquares(differences) / Double(differences.count - 1)).squareRoot()
                close(paired.effect, spread == 0 ? nil : mean(differences) / spread, "\(index):\(node.node) d_z")
            }
            let distances = children.map {
                euclideanDistance($0.layerValues[index].map(Double.init), fixture.parent(of: $0).layerValues[index].map(Double.init))
            }
            let distance = try #require(layer.pairedDistance)
            #expect(distance.pairs == children.count)
            close(distance.mean, mean(distances), "layer \(index) distance mean")
            close(distance.stddev, populationDeviation(distances), "layer \(index) distance stddev")
            close(distance.min, distances.min(), "layer \(index) distance min")
            close(distance.max, distances.max(), "layer \(index) distance max")
        }
    }

    @Test func withoutParentsInBThereIsNothingPaired() throws {
        let fixture = try Fixture()
        // Clean traces have no parents at all; noisy against noisy: their parents are clean.
        for (a, b, reason) in [("clean", "noisy", "no trace of 'clean' has a parent"), ("noisy", "noisy", "the parents of 'noisy's traces are tagged 'clean'")] {
            let report = try Characterizer(backend: fixture.store).characterize(a: a, b: b, options: .init(layers: [2]))
            #expect(!report.paired && report.pairing.hasPrefix("not paired: \(reason);"), "\(report.pairing)")
            #expect(report.layers.allSatisfy { $0.pairedDistance == nil && $0.nodes.allSatisfy { $0.paired == nil } })
        }
    }

    @Test func edgesAreTheMostDivergentContributions() throws {
        let fixture = try Fixture()
        let report = try Characterizer(backend: fixture.store).characterize(a: "noisy", b: "clean", options: .init(layers: [0, 1, 2], edges: 4))
        let a = fixture.tagged("noisy"), b = fixture.tagged("clean")
        #expect(report.layers[0].edges == nil, "the input has no edges into it")
        for layer in report.layers.dropFirst() {
            let index = layer.layer
            guard case .dense(let weights) = fixture.topology.layers[index].edgeRule else { Issue.record("layer \(index) is dense"); continue }
            let sources = fixture.topology.layers[index - 1].nodeCount
            // Every edge's mean contribution weight × source value in each set.
            let all = (0..<fixture.topology.layers[index].nodeCount).flatMap { target in
                (0..<sources).map { source in
                    let weight = Double(weights[target * sources + source])
                    let contributionsA = fixture.values(a, layer: index - 1, node: source).map { $0 * weight }
                    let contributionsB = fixture.values(b, layer: index - 1, node: source).map { $0 * weight }
                    return (source: "\(index - 1):\(source)", target: "\(index):\(target)", a: contributionsA, b: contributionsB,
                            diff: mean(contributionsA) - mean(contributionsB))
                }
            }.sorted { abs($0.diff) > abs($1.diff) }
            let edges = try #require(layer.edges)
            #expect(edges.count == 4)
            for (edge, expected) in zip(edges, all.prefix(4)) {
                #expect(edge.source == expected.source && edge.target == expected.target, "\(edge) vs \(expected.source) -> \(expected.target)")
                close(edge.mean.a, mean(expected.a), "edge mean a")
                close(edge.mean.diff, expected.diff, "edge mean diff")
                close(edge.stddev.b, populationDeviation(expected.b), "edge stddev b")
            }
        }
    }

    @Test func perTraceValuesAreEachTracesEntropyAndActiveNodes() throws {
        let fixture = try Fixture()
        let characterizer = Characterizer(backend: fixture.store)
        let report = try characterizer.characterize(a: "noisy", b: "clean")
        let values = try characterizer.traceMeasureValues(for: report)
        #expect(values.map(\.layer) == [1, 2])
        for layer in values {
            for (found, tag, measure) in [(layer.entropyA, "noisy", "entropy"), (layer.entropyB, "clean", "entropy"),
                                          (layer.activeA, "noisy", "active"), (layer.activeB, "clean", "active")] {
                let expected = fixture.tagged(tag).map { trace in
                    let values = trace.layerValues[layer.layer].map(Double.init)
                    return measure == "entropy" ? Self.entropy(values) : Double(values.filter { fixture.active($0, layer: layer.layer) }.count)
                }.sorted()
                #expect(found.count == expected.count, "layer \(layer.layer) \(measure) \(tag)")
                for (value, reference) in zip(found.sorted(), expected) { close(value, reference, "layer \(layer.layer) \(measure) \(tag)") }
            }
        }
    }

    @Test func tagsAreBoundAsParametersNotPastedIntoTheQueries() throws {
        let directory = try TemporaryDirectory()
        let tag = "it's noisy' or tag = 'clean"
        let store = try StoreFixtures.store(at: directory.path("store.sqlite"), count: 30, seed: 3, tags: ["clean", tag])
        let report = try Characterizer(backend: store).characterize(a: tag, b: "clean", options: .init(layers: [2]))
        #expect(report.paired && report.layers[0].traces == Compared(a: 15, b: 15, diff: 0))
        #expect(report.layers[0].pairedDistance?.pairs == 15)
    }

    @Test func badTagsAndLayersAreRefusedClearly() throws {
        let fixture = try Fixture()
        let characterizer = Characterizer(backend: fixture.store)
        #expect(throws: CharacterizeError.noSuchTag("nosy", known: ["clean", "noisy"])) { try characterizer.characterize(a: "nosy", b: "clean") }
        #expect("\(CharacterizeError.noSuchTag("nosy", known: ["clean", "noisy"]))"
            == "no traces with tag 'nosy'; did you mean 'noisy'? (the store has 'clean', 'noisy')")
        #expect(throws: CharacterizeError.noSuchLayer(3, model: fixture.topology.name, layers: 3)) {
            try characterizer.characterize(a: "noisy", b: "clean", options: .init(layers: [1, 3]))
        }
        #expect("\(CharacterizeError.noSuchLayer(3, model: "m", layers: 3))" == "no layer 3: model 'm' has layers 0 to 2")
    }
}
