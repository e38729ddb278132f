import Foundation
import IPG
import Store

/// Forensics of one trace (`deepprov forensics`, the REPL's `.forensics`): its prediction and
/// margins, the strongest paths into the predicted and the true output, the hidden nodes far
/// from the clean traces of its true class, its nearest correctly classified neighbours, and
/// its clean parent. Reads only.
public struct Forensics: Sendable {
    public let backend: any ProvenanceBackend

    public init(backend: any ProvenanceBackend) {
        self.backend = backend
    }

    /// What to compute beside the trace's own numbers.
    public struct Options: Sendable, Equatable {
        /// The tag of the benign reference traces; nil: the trace's parent tag, else `clean`.
        public var cleanTag: String?
        /// The layer of the nearest-neighbour search; nil: the last hidden layer.
        public var nearestLayer: Int?
        public var neighbours = 5
        /// Paths per class.
        public var paths = 3
        public var outliers = 10
        /// Traces the nearest-neighbour search decodes in its first step (then twice as many
        /// each step): a speed setting; the neighbours are exact whatever it is.
        public var nearestChunk = 1024

        public init(cleanTag: String? = nil, nearestLayer: Int? = nil) {
            self.cleanTag = cleanTag
            self.nearestLayer = nearestLayer
        }
    }

    /// The report on the chosen trace; `timing`, when given, hears how long each phase took
    /// (trace, paths, outliers, nearest, parent), in seconds.
    public func report(for choice: TraceChoice, options: Options = Options(), timing: ((String, Double) -> Void)? = nil) throws -> ForensicsReport {
        let clock = PhaseClock(report: timing)
        let subject = try clock.measure("trace") { try ForensicsSubject.read(choice, from: backend) }
        let layers = subject.topology.layers
        let hidden = Array(1..<max(1, subject.outputLayer))
        let nearestLayer = options.nearestLayer ?? hidden.last ?? subject.outputLayer
        guard layers.indices.contains(nearestLayer) else { throw ForensicsError.noSuchLayer(nearestLayer, layers: layers.count) }
        let cleanTag = options.cleanTag ?? subject.trace.metadata.parent?.tag ?? "clean"
        let tags = try backend.catalog().tags
        guard tags.contains(cleanTag) else { throw ForensicsError.noSuchTag(cleanTag, known: tags) }

        let outputs = OutputMargins(logits: subject.nodeValues[subject.outputLayer], predicted: subject.predicted)
        let graph = try? DenseFlowGraph(topology: subject.topology, nodeValues: subject.nodeValues)
        let paths = clock.measure("paths") { strongestPaths(subject, graph: graph, count: options.paths) }
        let (outliers, likePredicted) = try clock.measure("outliers") {
            try deviations(subject, hidden: hidden, cleanTag: cleanTag, count: options.outliers)
        }
        let nearest = try clock.measure("nearest") {
            let request = NearestTraceRequest(
                modelFingerprint: subject.topology.fingerprint, layer: nearestLayer, point: subject.nodeValues[nearestLayer],
                classes: [subject.predicted] + (subject.label.map { [$0] } ?? []), count: options.neighbours, excluding: subject.id,
                chunk: options.nearestChunk)
            let found = try backend.nearestCorrectTraces(request).mapValues { $0.map { Neighbour(trace: $0.id, distance: $0.distance) } }
            return NearestTraces(layer: nearestLayer, trueClass: subject.label.map { found[$0] ?? [] } ?? [], predictedClass: found[subject.predicted] ?? [])
        }
        let parent = try clock.measure("parent") {
            try subject.parentID.map { id in
                try ParentComparison(subject: subject, parent: ForensicsSubject.read(.id(id), from: backend), nearestLayer: nearestLayer,
                                     differences: options.outliers, graph: graph)
            }
        }
        return ForensicsReport(
            trace: subject.id, tag: subject.trace.metadata.tag, input: subject.trace.metadata.inputIndex, label: subject.label,
            predicted: subject.predicted, confidence: Double(subject.trace.metadata.confidence), runnerUp: outputs.runnerUp,
            margin: outputs.margin, probabilityMargin: outputs.probabilityMargin, paths: paths, cleanTag: cleanTag,
            outliers: outliers, likePredicted: likePredicted, nearest: nearest, parent: parent)
    }

    /// The strongest paths into the predicted class and, when it differs, the true class.
    private func strongestPaths(_ subject: ForensicsSubject, graph: DenseFlowGraph?, count: Int) -> [FlowPath] {
        guard let graph else { return [] }
        let classes = [subject.predicted] + (subject.label.map { $0 == subject.predicted ? [] : [$0] } ?? [])
        return classes.flatMap { target in
            graph.strongestPaths(from: NodeID(layer: subject.outputLayer, index: target), count: count)
                .map { FlowPath(class: target, nodes: $0.nodes, flow: $0.flow) }
        }
    }

    /// Hidden nodes by |z| against the clean traces of the true class, and those that lie
    /// far from them (|z| > 2) but near the predicted class's (|z| < 1).
    private func deviations(_ subject: ForensicsSubject, hidden: [Int], cleanTag: String, count: Int) throws
        -> (outliers: [NodeDeviation], likePredicted: [NodeDeviation])
    {
        guard let label = subject.label, let first = hidden.first, let last = hidden.last else { return ([], []) }
        let envelope = { (label: Int) in
            try CleanEnvelope(backend: backend, fingerprint: subject.topology.fingerprint, tag: cleanTag, label: label, layers: first...last)
        }
        let benign = try envelope(label)
        let asPredicted = label == subject.predicted ? benign : try envelope(subject.predicted)
        let deviations = hidden.flatMap { layer in
            subject.nodeValues[layer].indices.map { node in
                let value = subject.nodeValues[layer][node]
                return NodeDeviation(layer: layer, node: node, value: value, z: benign.z(value, layer: layer, node: node),
                                     zPredicted: asPredicted.z(value, layer: layer, node: node))
            }
        }
        let outliers = deviations.filter { $0.z != nil }.sorted { abs($0.z!) > abs($1.z!) }.prefix(count)
        guard label != subject.predicted else { return (Array(outliers), []) }
        let likePredicted = deviations.filter { ($0.z.map(abs) ?? 0) > 2 && ($0.zPredicted.map(abs) ?? .infinity) < 1 }
            .sorted { abs($0.z!) - abs($0.zPredicted!) > abs($1.z!) - abs($1.zPredicted!) }.prefix(count)
        return (Array(outliers), Array(likePredicted))
    }
}

/// Times the phases of a report for whoever asked (`deepprov forensics --timer`).
private struct PhaseClock {
    let report: ((String, Double) -> Void)?

    func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        report?(phase, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return result
    }
}

/// The predicted class against the runner-up, from the output layer's values (the logits:
/// a final Softmax is not an IPG layer).
struct OutputMargins {
    var runnerUp: Int?
    var margin: Double?
    var probabilityMargin: Double?

    init(logits: [Double], predicted: Int) {
        guard logits.indices.contains(predicted),
              let second = logits.indices.filter({ $0 != predicted }).max(by: { logits[$0] < logits[$1] })
        else { return }
        runnerUp = second
        margin = logits[predicted] - logits[second]
        probabilityMargin = LayerMeasures.probability(logits, of: predicted)! - LayerMeasures.probability(logits, of: second)!
    }
}
