import Analysis
import Engine
import Foundation
import Store
import Testing
import TestSupport

/// Node-action repair on RepairFixtures' store, where the right repair is known by hand:
/// node 1 of layer 1 pulled back to its benign value 1 with strength 1.
@Suite struct NodeRepairTests {
    static func repair(seed: UInt64 = 7, layers: [Int]? = nil) throws -> (store: ProvenanceStore, model: Model, result: NodeRepair.Result, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let model = try RepairFixtures.store(at: directory.path("store.sqlite"))
        let store = try ProvenanceStore(path: directory.path("store.sqlite"))
        let request = RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag,
                                    adversarialTag: RepairFixtures.adversarialTag, layers: layers, validationFraction: 0.25, seed: seed)
        return (store, model, try NodeRepair.run(request, backend: store), directory)
    }

    @Test func findsTheRepairKnownByHand() throws {
        let (_, model, result, _) = try Self.repair()
        let outcome = result.outcome
        let split = try RepairSplit(cleanInputs: Array(0..<40), validationFraction: 0.25, seed: 7)
        // Layer 1's benign values on the mining part: h0 = 0.5 or 1.5 by label, h1 = 1, pooled.
        let ones = Double(split.mining.filter { RepairFixtures.label($0) == 1 }.count), count = Double(split.mining.count)
        let values = [Double](repeating: 0.5, count: Int(count - ones)) + [Double](repeating: 1.5, count: Int(ones))
            + [Double](repeating: 1, count: Int(count))
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        // The shift is 0.5: a window of one deviation (< 0.5) misses it, two catch it; strength 1
        // is tried first and ties with 0.5, so it stays.
        #expect(deviation < 0.5 && 2 * deviation > 0.5, "the fixture's split should make one deviation miss and two catch the shift: \(deviation)")
        let layers = outcome.layers
        try #require(layers.count == 1)
        #expect(layers[0].layer == 1)
        #expect(layers[0].valueName == "relu1")
        try #require(layers[0].actions.count == 1)
        let action = layers[0].actions[0]
        #expect(action.node == 1)
        #expect(action.target == 1)
        #expect(action.strength == 1)
        #expect(abs(Double(action.window) - 2 * deviation) < 1e-5, "window \(action.window) vs 2σ = \(2 * deviation)")
        #expect(outcome.originalValidation == RepairScores(benign: 1, adversarial: 0))
        #expect(outcome.repairedValidation == RepairScores(benign: 1, adversarial: 1))
        #expect(outcome.originalMining.adversarial == 0 && outcome.repairedMining.adversarial == 1)
        #expect(outcome.validationClean == 10 && outcome.miningClean == 30)
        #expect(outcome.validationAdversarial == 10 && outcome.miningAdversarial == 30)
        #expect(outcome.originalFingerprint == model.fingerprint)
        #expect(outcome.repairedFingerprint == Model.sha256Hex(result.repairedONNX))
        #expect(outcome.notes.isEmpty, "\(outcome.notes)")
    }

    @Test func repairedModelRunsTheSameInOnnxRuntimeAndDeepProv() throws {
        let (_, _, result, _) = try Self.repair()
        let repaired = try Model.load(onnx: result.repairedONNX, source: "repaired.onnx")
        // clean and shifted inputs of both labels, and some inside and outside node 1's window
        let input = Tensor(shape: [6, 2], values: [0.5, 1, 1.5, 1, 0.5, 1.5, 1.5, 0.5, 0.5, 3, 1.5, -1])
        let theirs = try ONNXRuntimeReference.outputs(of: result.repairedONNX, on: input)
        let ours = try InferenceSession(model: repaired).run(input)
        #expect(ours.shape == theirs.shape)
        #expect(zip(ours.values, theirs.values).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(ours.values) vs \(theirs.values)")
        // z1 − z0 by hand: h0 + 1.5·(h1' − 1) − 1 with h1' = 1 inside the window
        let differences = (0..<6).map { ours.values[$0 * 2 + 1] - ours.values[$0 * 2] }
        #expect(Array(differences.prefix(4)) == [-0.5, 0.5, -0.5, 0.5])
        #expect(differences[4] == 0.5 + 1.5 * 2 - 1, "x1 = 3 is outside the window: untouched")
    }

    /// Candidates, their divergence and their targets come from the mining part alone:
    /// changing the validation inputs' adversarial children changes none of them, changing
    /// the mining part's does.
    @Test func validationInputsDoNotChangeWhatIsMined() throws {
        let validation = Set(try RepairSplit(cleanInputs: Array(0..<40), validationFraction: 0.25, seed: 7).validation)
        func outcome(_ shift: (Int) -> Float) throws -> NodeRepairOutcome {
            let directory = try TemporaryDirectory()
            let model = try RepairFixtures.store(at: directory.path("store.sqlite"), shift: shift)
            let request = RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag,
                                        adversarialTag: RepairFixtures.adversarialTag, validationFraction: 0.25, seed: 7)
            return try NodeRepair.run(request, backend: ProvenanceStore(path: directory.path("store.sqlite"))).outcome
        }
        let base = try outcome { _ in 0.5 }
        let validationChanged = try outcome { validation.contains($0) ? 0.9 : 0.5 }
        let miningChanged = try outcome { validation.contains($0) ? 0.5 : 0.7 }
        #expect(base.singleLayer.first?.candidates.map(\.node) == [1])
        #expect(validationChanged.singleLayer.map(\.candidates) == base.singleLayer.map(\.candidates))
        #expect(miningChanged.singleLayer.map(\.candidates) != base.singleLayer.map(\.candidates))
        #expect(validationChanged.originalMining == base.originalMining)
    }

    @Test func theRepairIsRecordedInTheStore() throws {
        let (store, model, result, _) = try Self.repair()
        let records = try store.analyses(kind: "repair")
        #expect(records.count == 1)
        #expect(records.first?.modelFingerprint == model.fingerprint)
        let recorded = try RecordedRepair.all(in: store)
        #expect(recorded.map(\.outcome) == [result.outcome])
        #expect(recorded.first?.request.seed == 7)
        #expect(recorded.first?.request.cleanTag == RepairFixtures.cleanTag)
    }

    @Test func layersThatCannotTakeActionsAreRefused() throws {
        let error = #expect(throws: RepairError.self) { try Self.repair(layers: [2]) }
        #expect(error?.message.contains("layer 2 cannot take node actions") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("repairable: 1 (fc1)") == true, "\(error?.message ?? "")")
    }

    @Test func theModelsBytesMayComeFromTheCallerWhenTheStoreLacksThem() throws {
        let directory = try TemporaryDirectory()
        let model = try RepairFixtures.store(at: directory.path("store.sqlite"), keepingBytes: false)
        let store = try ProvenanceStore(path: directory.path("store.sqlite"))
        let request = RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag, adversarialTag: RepairFixtures.adversarialTag)
        let missing = #expect(throws: RepairError.self) { try NodeRepair.run(request, backend: store) }
        #expect(missing?.message.contains("no ONNX bytes for model \(model.fingerprint.prefix(12))") == true, "\(missing?.message ?? "")")
        let bytes = try ONNXExporter.serialize(model.graph)
        let result = try NodeRepair.run(request, backend: store, knownBytes: bytes)
        #expect(result.outcome.layers.first?.actions.first?.node == 1)
        let other = RepairRequest(modelFingerprint: try StoreFixtures.model().fingerprint, cleanTag: RepairFixtures.cleanTag, adversarialTag: RepairFixtures.adversarialTag)
        let absent = #expect(throws: RepairError.self) { try NodeRepair.run(other, backend: store) }
        #expect(absent?.message.contains("has no traces of model") == true, "\(absent?.message ?? "")")
    }

    @Test func aStoreWithoutTheAdversarialTagIsExplained() throws {
        let directory = try TemporaryDirectory()
        let model = try RepairFixtures.store(at: directory.path("store.sqlite"))
        let store = try ProvenanceStore(path: directory.path("store.sqlite"))
        let request = RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag, adversarialTag: "pgd")
        let error = #expect(throws: RepairError.self) { try NodeRepair.run(request, backend: store) }
        #expect(error?.message.contains("no labelled traces with tag 'pgd'") == true, "\(error?.message ?? "")")
    }
}
