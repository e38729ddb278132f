import Engine
import IPG
import Store

/// The inputs and labels a repair works on, read from the store: inputs are layer 0 of each
/// trace, labels and parents are trace metadata.
public struct RepairExamples: Sendable {
    /// One input: its values as the model saw them, its true label and, for an adversarial
    /// input, the clean input it was made from.
    public struct Example: Sendable {
        public var inputIndex: Int
        public var values: [Float]
        public var label: Int
        public var parent: Int?
    }

    public var clean: [Example]
    public var adversarial: [Example]
    /// The per-sample shape of the model input (layer 0's nodes).
    public var sampleShape: [Int]
    /// Adversarial traces left out because their parent is not a clean trace of this model.
    public var orphans: Int

    /// Reads the traces of `cleanTag` and `adversarialTag` of the model `fingerprint`, each
    /// tag's examples in input order (then parent), not the order a backend stores traces in,
    /// so that the same traces give the same repair on every backend.
    public static func load(from backend: any ProvenanceBackend, fingerprint: String, cleanTag: String, adversarialTag: String) throws -> RepairExamples {
        var sampleShape: [Int] = []
        func read(_ tag: String) throws -> [Example] {
            var examples: [Example] = [], seen = Set<Int>()
            try backend.forEachTrace(TraceSelection(tag: tag, model: fingerprint)) { topology, trace in
                let inputLayer = topology.layers[0]
                sampleShape = inputLayer.nodeShape.isEmpty ? [inputLayer.nodeCount] : [inputLayer.nodeCount] + inputLayer.nodeShape
                let metadata = trace.metadata
                guard seen.insert(metadata.inputIndex).inserted else { return true }
                guard let label = metadata.trueLabel else {
                    throw RepairError("\(backend.location): the trace of input \(metadata.inputIndex) with tag '\(tag)' has no label; repair needs labelled traces (capture with --labels)")
                }
                examples.append(Example(inputIndex: metadata.inputIndex, values: trace.layerValues[0], label: label,
                                        parent: metadata.parent.map(\.inputIndex)))
                return true
            }
            guard !examples.isEmpty else {
                throw RepairError("\(backend.location): no traces with tag '\(tag)' of model \(fingerprint.prefix(12))")
            }
            return examples.sorted { $0.inputIndex < $1.inputIndex }
        }
        let clean = try read(cleanTag)
        let cleanInputs = Set(clean.map(\.inputIndex))
        var adversarial: [Example] = [], orphans = 0
        try backend.forEachTrace(TraceSelection(tag: adversarialTag, model: fingerprint)) { _, trace in
            let metadata = trace.metadata
            guard let parent = metadata.parent, parent.tag == cleanTag, cleanInputs.contains(parent.inputIndex), let label = metadata.trueLabel else {
                orphans += 1
                return true
            }
            adversarial.append(Example(inputIndex: metadata.inputIndex, values: trace.layerValues[0], label: label, parent: parent.inputIndex))
            return true
        }
        guard !adversarial.isEmpty else {
            throw RepairError("\(backend.location): no labelled traces with tag '\(adversarialTag)' whose parent is a '\(cleanTag)' trace of model \(fingerprint.prefix(12)) (capture them with --parents and --parent-tag \(cleanTag))")
        }
        adversarial.sort { ($0.inputIndex, $0.parent ?? -1) < ($1.inputIndex, $1.parent ?? -1) }
        return RepairExamples(clean: clean, adversarial: adversarial, sampleShape: sampleShape, orphans: orphans)
    }

    /// The clean inputs of `inputs` and the adversarial inputs made from them.
    func part(_ inputs: [Int]) -> RepairPart {
        let chosen = Set(inputs)
        let clean = self.clean.filter { chosen.contains($0.inputIndex) }
        let adversarial = self.adversarial.filter { $0.parent.map(chosen.contains) ?? false }
        func tensor(_ examples: [Example]) -> Tensor {
            Tensor(shape: [examples.count] + sampleShape, values: examples.flatMap(\.values))
        }
        return RepairPart(clean: tensor(clean), cleanLabels: clean.map(\.label), cleanInputs: clean.map(\.inputIndex),
                          adversarial: tensor(adversarial), adversarialLabels: adversarial.map(\.label),
                          adversarialParents: adversarial.compactMap(\.parent))
    }
}

/// The clean and adversarial inputs of one side of the split, batched.
struct RepairPart {
    var clean: Tensor
    var cleanLabels: [Int]
    var cleanInputs: [Int]
    var adversarial: Tensor
    var adversarialLabels: [Int]
    var adversarialParents: [Int]
}
