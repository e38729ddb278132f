import Foundation
import Engine
import Store

/// What every repair starts from, read once: the model (bytes from the store, or the
/// caller's file with the same fingerprint), its clean and adversarial examples, and the
/// seeded mining/validation split (a clean input and its adversarial children on one side).
struct RepairSetup {
    let model: Model
    let examples: RepairExamples
    let split: RepairSplit
    let mining: RepairPart
    let validation: RepairPart

    static func load(_ request: RepairRequest, backend: any ProvenanceBackend, knownBytes: Data?,
                     progress: (String) -> Void) throws -> RepairSetup {
        if let problem = request.validationProblem() { throw RepairError(problem) }
        let bytes = try modelBytes(request.modelFingerprint, backend: backend, knownBytes: knownBytes)
        let model = try Model.load(onnx: bytes, source: "model \(request.modelFingerprint.prefix(12)) of \(backend.location)")
        progress("reading traces '\(request.cleanTag)' and '\(request.adversarialTag)'")
        let examples = try RepairExamples.load(from: backend, fingerprint: request.modelFingerprint,
                                               cleanTag: request.cleanTag, adversarialTag: request.adversarialTag)
        let split = try RepairSplit(cleanInputs: examples.clean.map(\.inputIndex), validationFraction: request.validationFraction, seed: request.seed)
        let mining = examples.part(split.mining), validation = examples.part(split.validation)
        progress("split (seed \(request.seed)): mining \(mining.cleanLabels.count) clean + \(mining.adversarialLabels.count) adversarial, validation \(validation.cleanLabels.count) + \(validation.adversarialLabels.count)")
        return RepairSetup(model: model, examples: examples, split: split, mining: mining, validation: validation)
    }

    /// The range attacks clip to: the request's, else the range of the stored inputs (clean
    /// and adversarial), which for pixel data scaled to [−1, 1] is that interval.
    func clipRange(_ request: RepairRequest) throws -> (min: Float, max: Float) {
        var low = Float.infinity, high = -Float.infinity
        for example in examples.clean + examples.adversarial {
            for value in example.values {
                low = min(low, value)
                high = max(high, value)
            }
        }
        let lower = request.clipMin ?? low, upper = request.clipMax ?? high
        guard lower < upper else {
            throw RepairError("the attacks' clip range [\(lower), \(upper)] is empty (taken from the stored inputs where not given): pass --clip-min and --clip-max")
        }
        return (lower, upper)
    }

    /// The ONNX bytes of the model with `fingerprint`: the store's, else `knownBytes` when
    /// they have that fingerprint; an error saying which is missing otherwise.
    private static func modelBytes(_ fingerprint: String, backend: any ProvenanceBackend, knownBytes: Data?) throws -> Data {
        if let stored = try backend.modelBytes(fingerprint: fingerprint) { return stored }
        guard try backend.info().models.contains(where: { $0.fingerprint == fingerprint }) else {
            throw RepairError("\(backend.location): the store has no traces of model \(fingerprint.prefix(12)) (capture or ingest its clean and adversarial traces first)")
        }
        guard let knownBytes, Model.sha256Hex(knownBytes) == fingerprint else {
            throw RepairError("\(backend.location): the store has no ONNX bytes for model \(fingerprint.prefix(12)); pass the model file it was captured with")
        }
        return knownBytes
    }
}
