import Foundation
import IPG
import Query
import Store

/// Characterizes two sets of traces, chosen by tag, against each other (`deepprov
/// characterize`): per layer, per node and per dense edge, every number computed by the
/// queries of `CharacterizationQueries` run through a `QuerySession`. Reads only.
public struct Characterizer: Sendable {
    public let backend: any ProvenanceBackend

    public init(backend: any ProvenanceBackend) {
        self.backend = backend
    }

    public struct Options: Sendable, Equatable {
        /// The layers to characterize; nil: every layer but the input.
        public var layers: [Int]?
        /// The edges kept per dense layer, the most divergent first.
        public var edges: Int

        public init(layers: [Int]? = nil, edges: Int = 10) {
            self.layers = layers
            self.edges = edges
        }
    }

    /// Tag `a` against tag `b`; `progress` hears what each query was and how long it took.
    public func characterize(a: String, b: String, options: Options = Options(), progress: ((String) -> Void)? = nil) throws -> Characterization {
        let catalog = try backend.catalog()
        for tag in [a, b] where !catalog.tags.contains(tag) {
            throw CharacterizeError.noSuchTag(tag, known: catalog.tags)
        }
        guard options.edges >= 0 else { throw CharacterizeError.negativeEdgeCount(options.edges) }
        let runner = CharacterizationRunner(session: QuerySession(backend: backend), progress: progress)
        let models = try runner.rows(CharacterizationQueries.models, ["a": a, "b": b], what: "models")
        let names = models.table.rows.compactMap { $0.first?.text }
        guard names.count == 1, let model = catalog.models.first(where: { $0.name == names[0] }) else {
            throw CharacterizeError.severalModels(tags: [a, b], models: names)
        }
        let layers = options.layers ?? Array(min(1, model.layers.count - 1)..<model.layers.count)
        for layer in layers where !model.layers.indices.contains(layer) {
            throw CharacterizeError.noSuchLayer(layer, model: model.name, layers: model.layers.count)
        }

        let parents = try runner.rows(CharacterizationQueries.parentTags, ["a": a], what: "the tags of '\(a)'s parents")
        let parentCounts = parents.table.rows.map { (tag: $0[0].text ?? "", count: Int($0[1].number ?? 0)) }
        let paired = parentCounts.contains { $0.tag == b && $0.count > 0 }
        let pairing = Self.pairingNote(a: a, b: b, parents: parentCounts)

        let characterized = try layers.map { index in
            try characterize(layer: model.layers[index], a: a, b: b, paired: paired, edges: options.edges, runner: runner)
        }
        return Characterization(a: a, b: b, model: model.name, paired: paired, pairing: pairing, edgesPerLayer: options.edges, layers: characterized)
    }

    private func characterize(layer: Catalog.Layer, a: String, b: String, paired: Bool, edges: Int, runner: CharacterizationRunner) throws -> LayerCharacterization {
        let parameters = ["a": a, "b": b, "layer": "\(layer.index)"]
        let label = "layer \(layer.index)"
        let pooled = try runner.rows(CharacterizationQueries.layer, parameters, what: "\(label): pooled values")
        let nodes = try runner.rows(CharacterizationQueries.nodes, parameters, what: "\(label): nodes")
        let measures = try runner.rows(CharacterizationQueries.traceMeasures, parameters, what: "\(label): entropy and active nodes per trace")
        let entropyA = measures.overTraces("entropy", tag: a), entropyB = measures.overTraces("entropy", tag: b)
        let activeA = measures.overTraces("active", tag: a), activeB = measures.overTraces("active", tag: b)

        var pairedNodes: [Int: PairedNode] = [:]
        var pairedDistance: PairedDistance?
        if paired {
            let rows = try runner.rows(CharacterizationQueries.pairedNodes, parameters, what: "\(label): nodes against their parents")
            for row in rows.table.rows.indices {
                guard let node = rows.number(row, "node").map(Int.init) else { continue }
                pairedNodes[node] = PairedNode(pairs: Int(rows.number(row, "count_a") ?? 0), meanDifference: rows.number(row, "mean_diff"),
                                               effect: rows.number(row, "effect"), distance: rows.number(row, "distance"),
                                               maxDistance: rows.number(row, "max_distance"))
            }
            let distances = try runner.rows(CharacterizationQueries.pairedLayer, parameters, what: "\(label): distances from the parents")
            pairedDistance = PairedDistance(pairs: Int(distances.number(0, "count") ?? 0), mean: distances.number(0, "mean_distance"),
                                            stddev: distances.number(0, "stddev_distance"), min: distances.number(0, "min_distance"),
                                            max: distances.number(0, "max_distance"))
        }

        var edgeRows: [EdgeCharacterization]?
        if layer.kind == .dense && edges > 0 {
            let rows = try runner.rows(CharacterizationQueries.edges, parameters.merging(["k": "\(edges)"]) { $1 }, what: "\(label): edges")
            edgeRows = rows.table.rows.indices.map { row in
                EdgeCharacterization(source: rows.text(row, "source"), target: rows.text(row, "target"),
                                     mean: rows.compared(row, "mean"), stddev: rows.compared(row, "stddev"))
            }
        }

        return LayerCharacterization(
            layer: layer.index, name: layer.name, kind: layer.kind.rawValue, nodeCount: layer.nodeCount,
            traces: pooled.compared(0, "count"), mean: pooled.compared(0, "mean"), stddev: pooled.compared(0, "stddev"),
            freq: pooled.compared(0, "freq"), min: pooled.compared(0, "min"), max: pooled.compared(0, "max"),
            dispersion: pooled.compared(0, "dispersion"),
            entropyA: entropyA, entropyB: entropyB, activeA: activeA, activeB: activeB,
            entropy: Self.compare(entropyA.mean, entropyB.mean), active: Self.compare(activeA.mean, activeB.mean),
            pairedDistance: pairedDistance,
            nodes: nodes.table.rows.indices.compactMap { row in
                guard let node = nodes.number(row, "node").map(Int.init) else { return nil }
                return NodeCharacterization(
                    node: node, freq: nodes.compared(row, "freq"), mean: nodes.compared(row, "mean"), stddev: nodes.compared(row, "stddev"),
                    min: nodes.compared(row, "min"), max: nodes.compared(row, "max"), dispersion: nodes.compared(row, "dispersion"),
                    effect: nodes.number(row, "effect"), paired: pairedNodes[node])
            },
            edges: edgeRows)
    }

    static func compare(_ a: Double?, _ b: Double?) -> Compared {
        Compared(a: a, b: b, diff: a.flatMap { a in b.map { a - $0 } })
    }

    /// Says whether `b` is the tag of `a`'s parents, from the counts of `a`'s parent tags.
    static func pairingNote(a: String, b: String, parents: [(tag: String, count: Int)]) -> String {
        let withParents = parents.filter { !$0.tag.isEmpty }
        if let match = withParents.first(where: { $0.tag == b }) {
            return "paired: \(match.count) traces of '\(a)' were made from traces of '\(b)', and are compared with their own parents"
        }
        let found = withParents.isEmpty ? "no trace of '\(a)' has a parent"
            : "the parents of '\(a)'s traces are tagged " + withParents.map { "'\($0.tag)'" }.joined(separator: ", ")
        return "not paired: \(found); paired distances need --b to be the tag of --a's parents"
    }
}
