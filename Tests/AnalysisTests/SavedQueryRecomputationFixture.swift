import Analysis
import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// The stores `SavedQueryRecomputationTests` runs the saved queries on, and the lineage walk it
/// recomputes their rows with (the arithmetic is in Arithmetic.swift).
/// A returned row, its values by column name.
struct ResultRow: CustomStringConvertible {
    let values: [String: StoreValue]
    func number(_ column: String) -> Double? { values[column]!.number }
    func integer(_ column: String) -> Int {
        guard case .integer(let value) = values[column]! else { Issue.record("\(column) is not an integer in \(self)"); return -1 }
        return Int(value)
    }
    func text(_ column: String) -> String { values[column]!.text ?? "" }
    /// The node index of a node reference column (`layer:node`), which must be of `layer`.
    func node(_ column: String, layer: Int) -> Int {
        let parts = text(column).split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, parts[0] == layer else { Issue.record("\(column) is not a node of layer \(layer) in \(self)"); return -1 }
        return parts[1]
    }
    var description: String { values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

struct QueryRows {
    let header: [String]
    let rows: [ResultRow]
}

/// Traces in a store, of one of two kinds:
/// - `mlp`: 90 traces of `StoreFixtures.model()` (a 6-5-3 ReLU MLP with random weights; labels
///   cycle 0, 1, 2) tagged clean and fgsm in turn, each fgsm trace the child of the clean trace
///   before it;
/// - `tiny`: `StoreFixtures.pairedStore`, 30 clean traces of `TinyModels.gemmReluScaledGemm()`
///   (2-3-2, labels 0 and 1) and 30 shifted children; its zero and repeated weights make
///   edges and lineage contributions tie;
/// - `dead`: 20 clean traces of the tiny model whose inputs keep hidden node 0 off (and the
///   model predicting class 0), and 20 fgsm children nudged from them: node 0 has no
///   variance, so its effect sizes are NULL and rank last; every fifth input has no label, so
///   its traces are neither correct nor misclassified; two clean inputs come twice (a child
///   pairs with the first stored) and two fgsm traces have no stored parent;
/// - `runs`: the `mlp` traces ingested in three runs, the later half first in batches of 7,
///   then the first half twice (the second time every trace is already held), so the
///   statistics the store keeps at ingest are merged across runs and batches.
struct RecomputationFixture {
    static let kinds = ["mlp", "tiny", "dead", "runs"]

    let directory: TemporaryDirectory
    let topology: ModelTopology
    let all: [Trace]
    /// `all` in the order the store took them in.
    let stored: [Trace]
    let session: QuerySession
    let library: SavedQueryLibrary
    /// The tag of the children (adversarial or shifted inputs); the parents are tagged clean.
    let adv: String
    /// How many classes the labels take.
    let labels: Int

    init(_ kind: String) throws {
        directory = try TemporaryDirectory()
        let database: String
        if kind == "tiny" {
            (database, all) = try StoreFixtures.pairedStore(in: directory)
            stored = all
            topology = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2]).topology
            (adv, labels) = ("shift", 2)
        } else if kind == "dead" {
            let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
            var generator = SeededGenerator(seed: 5)
            // x0 + 2 x1 < 0 throughout: fc1's node 0 never fires.
            let clean = (0..<22).flatMap { _ in [0.3 * generator.nextGaussian(), -1.5 + 0.3 * generator.nextGaussian()] }
            let nudged = clean.map { $0 + 0.1 * generator.nextGaussian() }
            // Inputs 17 and 19 come twice under clean (a second dataset: their children pair
            // with the first); the children of 30 and 31 have no stored parent.
            let label = { (input: Int) in input % 5 == 4 ? nil : input % 2 }
            var traces = try capture.capture(Tensor(shape: [22, 2], values: clean),
                                             samples: (Array(0..<20) + [17, 19]).map { SampleDescription(inputIndex: $0, trueLabel: label($0), tag: "clean") })
            traces += try capture.capture(Tensor(shape: [22, 2], values: nudged), samples: (Array(0..<20) + [30, 31]).map {
                SampleDescription(inputIndex: $0, trueLabel: label($0), tag: "fgsm", parent: TraceReference(tag: "clean", inputIndex: $0))
            })
            (topology, all, stored) = (capture.topology, traces, traces)
            database = try StoreFixtures.storeHolding(all, topology: topology, in: directory)
            (adv, labels) = ("fgsm", 2)
        } else if kind == "runs" {
            (topology, all) = try StoreFixtures.traces(count: 90, seed: 17, tags: ["clean", "fgsm"])
            database = directory.path("runs.sqlite")
            var streams: [String] = []
            for (index, part) in [all[..<40], all[40...]].enumerated() {
                streams.append(directory.path("part\(index).ipgz"))
                let writer = try TraceStreamWriter(path: streams[index], header: StreamHeader(topology: topology))
                for trace in part { try writer.append(trace) }
                try writer.finish()
            }
            let store = try ProvenanceStore(path: database)
            let added = try [(streams[1], 7), (streams[0], 2000), (streams[0], 2000)].map {
                try StreamIngestor(backend: store, batchSize: $0.1).ingest([$0.0]).tracesAdded
            }
            #expect(added == [50, 40, 0])
            stored = Array(all[40...] + all[..<40])
            (adv, labels) = ("fgsm", 3)
        } else {
            (topology, all) = try StoreFixtures.traces(count: 90, seed: 17, tags: ["clean", "fgsm"])
            stored = all
            database = try StoreFixtures.storeHolding(all, topology: topology, in: directory)
            (adv, labels) = ("fgsm", 3)
        }
        session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        library = SavedQueryLibrary(folder: FixturePaths.repositoryRoot.appendingPathComponent("Queries"))
    }

    /// The saved query `name` run with `parameters` (the rest at their defaults).
    func run(_ name: String, _ parameters: [String: String]) throws -> QueryRows {
        let saved = try library.named(name)
        let table = try session.run(try session.prepare(saved, parameters: QueryParameters(given: parameters))).table
        let header = table.columnNames
        return QueryRows(header: header, rows: table.rows.map { ResultRow(values: Dictionary(uniqueKeysWithValues: zip(header, $0))) })
    }

    func traces(tag: String) -> [Trace] { all.filter { $0.metadata.tag == tag } }

    /// The trace's parent: the first stored of the parent tag's traces with the parent's input
    /// index (a tag may hold one index twice, for two datasets); nil when none was stored.
    func parent(of trace: Trace) -> Trace? {
        let reference = trace.metadata.parent!
        return stored.first { $0.metadata.tag == reference.tag && $0.metadata.inputIndex == reference.inputIndex }
    }

    func graph(tag: String, input: Int) throws -> InferenceProvenanceGraph {
        let trace = try #require(all.first { $0.metadata.tag == tag && $0.metadata.inputIndex == input })
        return InferenceProvenanceGraph(topology: topology, trace: trace)
    }

    static func correct(_ trace: Trace) -> Bool { trace.metadata.predictedLabel == trace.metadata.trueLabel }

    /// Labelled and predicted otherwise: a trace without a label is neither correct nor not.
    static func misclassified(_ trace: Trace) -> Bool { trace.metadata.trueLabel.map { $0 != trace.metadata.predictedLabel } ?? false }

    static func values(_ traces: [Trace], layer: Int, node: Int) -> [Double] { traces.map { Double($0.layerValues[layer][node]) } }

    /// The share of `traces` in which the node is active (the layer's own activity rule).
    func frequency(_ traces: [Trace], layer: Int, node: Int) -> Double {
        let active = traces.filter { topology.layers[layer].activeNodes(in: $0.layerValues[layer])[node] }
        return Double(active.count) / Double(traces.count)
    }

    struct Comparison { var meanA, meanB, freqA, freqB, deviationA, deviationB: Double; var effect: Double? }

    /// One node over two trace sets; the effect is Cohen's d (pooled sample standard deviation),
    /// absent when that deviation is zero.
    func comparison(_ a: [Trace], _ b: [Trace], layer: Int, node: Int) -> Comparison {
        let x = Self.values(a, layer: layer, node: node), y = Self.values(b, layer: layer, node: node)
        let pooled = ((sumOfSquares(x) + sumOfSquares(y)) / Double(x.count + y.count - 2)).squareRoot()
        return Comparison(meanA: mean(x), meanB: mean(y), freqA: frequency(a, layer: layer, node: node), freqB: frequency(b, layer: layer, node: node),
                          deviationA: populationDeviation(x), deviationB: populationDeviation(y),
                          effect: pooled > 0 ? (mean(x) - mean(y)) / pooled : nil)
    }
}

/// A lineage walk recomputed from an IPG: from `start`, at every node reached, the `top`
/// strongest (largest signed) incoming edges walking back, outgoing walking forward, with
/// every edge tied with the `top`-th kept; one row per path, `flow` from `FlowReference`.
struct LineageReference {
    struct Step { var step: Int; var target, source: String; var contribution: Double; var path: String; var flow: Double }
    let rows: [Step]
    /// Whether some node kept more than `top` edges (ties at the `top`-th place).
    let keptTies: Bool

    init(graph: InferenceProvenanceGraph, start: NodeID, depth: Int, top: Int, backward: Bool) {
        let flows = FlowReference(graph)
        var rows: [Step] = []
        var paths: [[NodeID]] = [[start]]
        var keptTies = false
        for step in 1...depth {
            var next: [[NodeID]] = []
            for path in paths {
                let node = path.last!
                let candidates = graph.edges.filter { backward ? $0.target == node : $0.source == node }
                let weights = candidates.map(\.weight).sorted(by: >)
                guard !weights.isEmpty else { continue }
                let threshold = weights[min(top, weights.count) - 1]
                keptTies = keptTies || candidates.filter { $0.weight >= threshold }.count > top
                for edge in candidates where edge.weight >= threshold {
                    let extended = path + [backward ? edge.source : edge.target]
                    let names = extended.map(\.description)
                    rows.append(Step(step: step, target: "\(edge.target)", source: "\(edge.source)", contribution: Double(edge.weight),
                                    path: names.joined(separator: backward ? " <- " : " -> "), flow: flows.flow(along: names, backward: backward)))
                    next.append(extended)
                }
            }
            paths = next
        }
        self.rows = rows
        self.keptTies = keptTies
    }
}
