import Foundation
import Engine
import Store

/// Edge repair (ours; DEEPPROV.md §3), end to end, and the whole-model baseline it is
/// compared with. Edge repair: the weight entries of the implicated dense layers (`--layers`,
/// else every dense layer) whose mean contribution moves most between the mining part's clean and
/// adversarial inputs, at most `--max-weight-change` percent of the weight-matrix entries of
/// the whole model, are fine-tuned on adversarial inputs (`--repair-attack`) regenerated from the mining inputs against
/// the model being repaired, everything else frozen; the epoch is chosen on the validation
/// part under the benign budget against the adaptive attack of `deepprov evaluate`
/// (`EdgeFineTuning`, `AdaptiveValidation`). The baseline (`whole-model`, not a
/// repair) trains every parameter the same way. The repaired ONNX keeps every initializer's
/// name and shape; edited weights are the same initializers with new values.
public enum EdgeRepair {
    public struct Result: Sendable {
        public var outcome: EdgeRepairOutcome
        /// The repaired model's ONNX bytes.
        public var repairedONNX: Data
        /// What `run` stored (nil when the repair ran as a candidate of `both`).
        public var record: AnalysisRecord?
    }

    /// Batch size of the fine-tuning.
    static let batchSize = 128

    /// Runs `request` (`actions` edge or whole-model) and records it in `backend`; the model's
    /// bytes as in `NodeRepair.run`.
    public static func run(_ request: RepairRequest, backend: any ProvenanceBackend, knownBytes: Data? = nil,
                           progress: @escaping (String) -> Void = { _ in }) throws -> Result {
        guard request.actions == .edge || request.actions == .wholeModel else {
            throw RepairError("EdgeRepair runs --actions edge or whole-model, not \(request.actions.rawValue)")
        }
        let setup = try RepairSetup.load(request, backend: backend, knownBytes: knownBytes, progress: progress)
        var result = try repair(setup, request, kind: request.actions, progress: progress)
        let record = try RecordedRepair.makeRecord(
            request, name: "\(request.cleanTag)-\(request.adversarialTag)-\(request.actions.rawValue)-seed\(request.seed)-\(result.outcome.repairedFingerprint.prefix(12))",
            originalFingerprint: result.outcome.originalFingerprint, result: result.outcome)
        try backend.record(record)
        result.record = record
        return result
    }

    /// The repair (`kind` edge) or baseline (`kind` whole-model) on `setup`, not recorded.
    static func repair(_ setup: RepairSetup, _ request: RepairRequest, kind: RepairActions, progress: @escaping (String) -> Void) throws -> Result {
        let original = try InferenceSession(model: setup.model)
        let session = try InferenceSession(model: setup.model)
        let capture = try ProvenanceCapture(session: session, sampleShape: setup.examples.sampleShape)
        let dense = try DenseLayerWeights.all(in: capture)
        let weightEntries = dense.reduce(0) { $0 + $1.entryCount }
        let clip = try setup.clipRange(request)
        let before = Dictionary(uniqueKeysWithValues: session.trainableParameterNames.map { ($0, session.parameter($0)!) })
        var notes: [String] = []
        if setup.examples.orphans > 0 {
            notes.append("\(setup.examples.orphans) '\(request.adversarialTag)' traces without a '\(request.cleanTag)' parent were left out")
        }

        let edited: [DenseLayerWeights], mask: ParameterMask, budget: Int?
        if kind == .wholeModel {
            edited = dense
            mask = ParameterMask(before.mapValues { [Bool](repeating: true, count: $0.count) })
            budget = nil
            progress("whole-model baseline (not a repair): every one of \(mask.changeableCount) parameter entries may change")
        } else {
            edited = try DenseLayerWeights.implicated(dense, requested: request.layers)
            let allowed = EdgeSelection.budget(percent: request.maxWeightChange, of: weightEntries)
            mask = try selectEdges(edited, session: session, mining: setup.mining, budget: allowed)
            budget = allowed
            progress("edge repair of layers \(edited.map { String($0.layer) }.joined(separator: ",")): \(mask.changeableCount) of \(weightEntries) weight-matrix entries may change (budget \(allowed), \(request.maxWeightChange) %)")
        }

        let fgsm = AttackOptions(kind: .fgsm, epsilon: request.repairEpsilon, seed: request.seed, clipMin: clip.min, clipMax: clip.max)
        let bim = AttackOptions(kind: .bim, epsilon: request.repairEpsilon, step: request.repairEpsilon / 4, iterations: AdaptiveValidation.steps,
                                seed: request.seed, clipMin: clip.min, clipMax: clip.max)
        let attacks = switch request.repairAttack {
        case .fgsm: [fgsm]
        case .bim: [bim]
        case .mixed: [fgsm, bim]
        }
        let scoring = AdaptiveValidation(epsilon: request.adaptiveEpsilon, clipMin: clip.min, clipMax: clip.max, seed: request.seed)
        let validation = EdgeFineTuning.LabeledInputs(inputs: setup.validation.clean, labels: setup.validation.cleanLabels)
        let tuning: EdgeFineTuning.Result
        if mask.changeableCount == 0 {
            notes.append("no weight entry may change (budget \(budget ?? 0), or no selected edge's mean contribution moves): the repaired model equals the original")
            tuning = EdgeFineTuning.Result(scores: [try scoring.scores(session, validation.inputs, labels: validation.labels)], chosenEpoch: nil, parameters: [:])
        } else {
            tuning = try EdgeFineTuning.run(
                session, mask: mask, mining: EdgeFineTuning.LabeledInputs(inputs: setup.mining.clean, labels: setup.mining.cleanLabels),
                validation: validation,
                options: .init(epochs: request.epochs, attacks: attacks, scoring: scoring,
                               training: TrainingOptions(batchSize: batchSize, learningRate: request.learningRate, seed: request.seed),
                               maxBenignDrop: request.maxBenignDrop),
                progress: { progress("\(kind == .wholeModel ? "whole-model baseline" : "edge repair") \($0)") })
            if tuning.chosenEpoch == nil {
                notes.append("no epoch raised the validation adaptive accuracy within the benign budget: the repaired model equals the original")
            }
        }

        let repairedONNX = try ONNXExporter.serialize(session.currentModel().graph)
        let changes = edited.map { layer in
            let now = session.parameter(layer.weightName)!.values, then = before[layer.weightName]!.values
            return EdgeLayerChange(
                layer: layer.layer, weightName: layer.weightName, entries: layer.entryCount,
                selected: kind == .wholeModel ? nil : mask.trainable[layer.weightName]!.indices.filter { mask.trainable[layer.weightName]![$0] },
                changed: zip(now, then).count { $0 != $1 })
        }
        let weightNames = Set(dense.map(\.weightName))
        let otherChanged = before.filter { !weightNames.contains($0.key) }.reduce(0) { total, entry in
            total + zip(session.parameter(entry.key)!.values, entry.value.values).count { $0 != $1 }
        }
        let weightsChanged = changes.reduce(0) { $0 + $1.changed }
        let outcome = EdgeRepairOutcome(
            kind: kind, originalFingerprint: setup.model.fingerprint, repairedFingerprint: Model.sha256Hex(repairedONNX),
            cleanTag: request.cleanTag, adversarialTag: request.adversarialTag, seed: request.seed, validationFraction: request.validationFraction,
            miningClean: setup.mining.cleanLabels.count, miningAdversarial: setup.mining.adversarialLabels.count,
            validationClean: setup.validation.cleanLabels.count, validationAdversarial: setup.validation.adversarialLabels.count,
            weightEntries: weightEntries, budget: budget, layers: changes, weightsChanged: weightsChanged,
            weightsChangedPercent: weightEntries == 0 ? 0 : Double(weightsChanged) / Double(weightEntries) * 100,
            otherParametersChanged: otherChanged, epochs: request.epochs, repairEpsilon: request.repairEpsilon, repairAttack: request.repairAttack,
            learningRate: request.learningRate, clipMin: clip.min, clipMax: clip.max,
            adaptiveEpsilon: request.adaptiveEpsilon, epochScores: tuning.scores, chosenEpoch: tuning.chosenEpoch,
            originalValidation: try NodeRepair.fullScores(original, setup.validation),
            repairedValidation: try NodeRepair.fullScores(session, setup.validation), notes: notes)
        return Result(outcome: outcome, repairedONNX: repairedONNX, record: nil)
    }

    /// The mask of the `budget` entries, over all `layers`' weight matrices, whose mean
    /// contribution moves most between the mining part's clean and adversarial inputs (the
    /// layers' inputs computed once for the part).
    static func selectEdges(_ layers: [DenseLayerWeights], session: InferenceSession, mining: RepairPart, budget: Int) throws -> ParameterMask {
        let operands = Array(Set(layers.map(\.operandName))).sorted()
        let cache = try ActivationCache(part: mining, session: session, values: operands)
        let selections = try layers.map { layer in
            try EdgeSelection(clean: cache.clean[layer.operandName]!, adversarial: cache.adversarial[layer.operandName]!,
                              weight: session.parameter(layer.weightName)!, transposed: layer.transposed)
        }
        let flags = EdgeSelection.mostShifted(selections, budget: budget)
        return ParameterMask(Dictionary(zip(layers.map(\.weightName), flags)) { first, second in zip(first, second).map { $0 || $1 } })
    }
}
