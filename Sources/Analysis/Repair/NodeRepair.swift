import Foundation
import Engine
import IPG
import Store

/// Node-action repair (DEEPPROV.md §3), end to end: everything read from the store through
/// the backend (inputs are layer 0 of each trace, labels and parents trace metadata, the
/// model's bytes), a seeded mining/validation split, the greedy search per layer and across
/// layers, the repaired model as ONNX with the actions as standard operators, and the
/// repair recorded in the store.
public enum NodeRepair {
    /// The analysis kind repairs are recorded under.
    public static let analysisKind = "repair"

    public struct Result: Sendable {
        public var outcome: NodeRepairOutcome
        /// The repaired model's ONNX bytes.
        public var repairedONNX: Data
        /// What `record` stored.
        public var record: AnalysisRecord
    }

    /// Runs the repair of `request.modelFingerprint` and records it in `backend`. The model's
    /// bytes come from the store; `knownBytes` (the file the caller read, with that
    /// fingerprint) serve when the store has none (traces ingested from a stream).
    public static func run(_ request: RepairRequest, backend: any ProvenanceBackend, knownBytes: Data? = nil,
                           progress: @escaping (String) -> Void = { _ in }) throws -> Result {
        guard request.actions == .node || request.actions == .both else {
            throw RepairError("NodeRepair runs --actions node (or node's part of both), not \(request.actions.rawValue)")
        }
        let setup = try RepairSetup.load(request, backend: backend, knownBytes: knownBytes, progress: progress)
        let (outcome, repairedONNX) = try repair(setup, request, progress: progress)
        let record = try makeRecord(request, outcome)
        try backend.record(record)
        return Result(outcome: outcome, repairedONNX: repairedONNX, record: record)
    }

    /// The search on `setup`, without recording it.
    static func repair(_ setup: RepairSetup, _ request: RepairRequest, progress: @escaping (String) -> Void) throws -> (NodeRepairOutcome, Data) {
        let model = setup.model, examples = setup.examples, mining = setup.mining, validation = setup.validation
        let session = try InferenceSession(model: model)
        let capture = try ProvenanceCapture(session: session, sampleShape: examples.sampleShape)
        let layers = try repairableLayers(capture, requested: request.layers, outputs: Set(model.graph.outputs.map(\.name)))
        let valueNames = layers.map { capture.layerValueNames[$0.index] }
        let miningCache = try ActivationCache(part: mining, session: session, values: valueNames)
        let validationCache = try ActivationCache(part: validation, session: session, values: valueNames)

        let originalMining = try fullScores(session, mining), originalValidation = try fullScores(session, validation)
        let benignFloor = originalValidation.benign - request.maxBenignDrop / 100
        let search = NodeActionSearch(benignFloor: benignFloor, progress: progress)
        var steps: [RepairStep] = [], singles: [SingleLayerResult] = []
        for (layer, valueName) in zip(layers, valueNames) {
            let statistics = LayerStatistics(clean: miningCache.clean[valueName]!, adversarial: miningCache.adversarial[valueName]!,
                                             parentRows: miningCache.parentRows, threshold: layer.threshold)
            let miningScorer = try SuffixScorer(graph: model.graph, valueName: valueName, cache: miningCache)
            let validationScorer = try SuffixScorer(graph: model.graph, valueName: valueName, cache: validationCache)
            singles.append(try search.searchLayer(layer.index, statistics: statistics, mining: miningScorer, validation: validationScorer, steps: &steps))
        }
        let chosen = try acrossLayers(singles, graph: model.graph, layers: layers, valueNames: valueNames,
                                      caches: (miningCache, validationCache), floor: benignFloor, steps: &steps)

        let repairedGraph = try apply(chosen, to: model.graph)
        let repairedONNX = try ONNXExporter.serialize(repairedGraph)
        let repaired = try InferenceSession(model: Model.load(onnx: repairedONNX, source: "the repaired model"))
        var notes: [String] = []
        if examples.orphans > 0 { notes.append("\(examples.orphans) '\(request.adversarialTag)' traces without a '\(request.cleanTag)' parent were left out") }
        if chosen.isEmpty { notes.append("no node action raised the mining adversarial accuracy within the benign budget: the repaired model equals the original") }
        let outcome = NodeRepairOutcome(
            originalFingerprint: model.fingerprint, repairedFingerprint: Model.sha256Hex(repairedONNX),
            cleanTag: request.cleanTag, adversarialTag: request.adversarialTag, seed: request.seed,
            validationFraction: request.validationFraction,
            miningClean: mining.cleanLabels.count, miningAdversarial: mining.adversarialLabels.count,
            validationClean: validation.cleanLabels.count, validationAdversarial: validation.adversarialLabels.count,
            originalMining: originalMining, originalValidation: originalValidation,
            repairedMining: try fullScores(repaired, mining), repairedValidation: try fullScores(repaired, validation),
            benignFloor: benignFloor, layers: chosen, singleLayer: singles, steps: steps, notes: notes)
        return (outcome, repairedONNX)
    }

    /// The layers node actions may follow: hidden layers of units (not maps), neither the last
    /// layer (the logits, even when a Softmax follows) nor a graph output.
    static func repairableLayers(_ capture: ProvenanceCapture, requested: [Int]?, outputs: Set<String>) throws -> [Layer] {
        let layers = capture.topology.layers
        let eligible = layers.filter { layer in
            layer.index > 0 && layer.index < layers.count - 1 && layer.nodeShape.isEmpty
                && !outputs.contains(capture.layerValueNames[layer.index])
        }
        guard let requested else {
            guard !eligible.isEmpty else { throw RepairError("the model has no hidden layer of units that node actions could follow") }
            return eligible
        }
        return try Array(Set(requested)).sorted().map { index in
            guard let layer = eligible.first(where: { $0.index == index }) else {
                let names = eligible.map { "\($0.index) (\($0.name))" }.joined(separator: ", ")
                throw RepairError("--layers: layer \(index) cannot take node actions (the model's layers are 0–\(layers.count - 1); repairable: \(names.isEmpty ? "none" : names))")
            }
            return layer
        }
    }

    /// Single-layer results combined greedily, best validation first: a layer's actions join
    /// when they raise the mining adversarial accuracy and keep validation benign above the floor.
    private static func acrossLayers(_ singles: [SingleLayerResult], graph: ModelGraph, layers: [Layer], valueNames: [String],
                                     caches: (mining: ActivationCache, validation: ActivationCache), floor: Double,
                                     steps: inout [RepairStep]) throws -> [LayerNodeActions] {
        func actions(_ single: SingleLayerResult) -> LayerNodeActions {
            let position = layers.firstIndex { $0.index == single.layer }!
            return LayerNodeActions(layer: single.layer, valueName: valueNames[position], width: layers[position].nodeCount, actions: single.actions)
        }
        let ordered = singles.filter { !$0.actions.isEmpty }.sorted {
            $0.validation.adversarial != $1.validation.adversarial ? $0.validation.adversarial > $1.validation.adversarial : $0.layer < $1.layer
        }
        guard let first = ordered.first else { return [] }
        var chosen = [actions(first)], current = first.mining
        for next in ordered.dropFirst() {
            let trial = chosen + [actions(next)]
            let mining = try combinedScores(trial, graph: graph, cache: caches.mining)
            guard mining.adversarial > current.adversarial else { continue }
            let validation = try combinedScores(trial, graph: graph, cache: caches.validation)
            guard validation.benign >= floor else { continue }
            chosen = trial
            current = mining
            steps.append(RepairStep(stage: "across layers", change: "add layer \(next.layer)'s \(next.actions.count) actions", mining: mining, validation: validation))
        }
        return chosen.sorted { $0.layer < $1.layer }
    }

    /// Scores of actions in several layers: the later layers' actions in the graph, the
    /// earliest layer's applied to its cached values, the suffix from there run.
    static func combinedScores(_ layers: [LayerNodeActions], graph: ModelGraph, cache: ActivationCache) throws -> RepairScores {
        let earliest = layers.min { $0.layer < $1.layer }!
        let later = try apply(layers.filter { $0.layer != earliest.layer }, to: graph)
        return try SuffixScorer(graph: later, valueName: earliest.valueName, cache: cache).scores(earliest.actions)
    }

    /// `graph` with every layer's actions inserted as ONNX operators.
    public static func apply(_ layers: [LayerNodeActions], to graph: ModelGraph) throws -> ModelGraph {
        try layers.reduce(graph) { graph, layer in
            try graph.applyingNodeActions(layer.actions, after: layer.valueName, width: layer.width, label: "deepprov_repair_layer\(layer.layer)")
        }
    }

    static func fullScores(_ session: InferenceSession, _ part: RepairPart) throws -> RepairScores {
        func share(_ flags: [Bool]) -> Double { flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count) }
        return RepairScores(benign: share(try SuffixScorer.correct(session, part.clean, part.cleanLabels)),
                            adversarial: share(try SuffixScorer.correct(session, part.adversarial, part.adversarialLabels)))
    }

    private static func makeRecord(_ request: RepairRequest, _ outcome: NodeRepairOutcome) throws -> AnalysisRecord {
        var ran = request
        ran.actions = .node
        return try RecordedRepair.makeRecord(ran, name: "\(request.cleanTag)-\(request.adversarialTag)-seed\(request.seed)-\(outcome.repairedFingerprint.prefix(12))",
                                             originalFingerprint: outcome.originalFingerprint, result: outcome)
    }
}
