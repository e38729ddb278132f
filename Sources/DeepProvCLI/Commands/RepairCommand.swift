import Analysis
import ArgumentParser
import Engine
import Foundation
import Store

extension RepairActions: ExpressibleByArgument {}

/// `deepprov repair`: repair a model from the provenance of clean and adversarial inputs in a
/// store, write the repaired ONNX and record the repair in the store.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Repair a model with node actions found from the IPGs of clean and adversarial inputs in a store.")

    @Option(help: "The SQLite store holding the model's clean and adversarial traces.")
    var db: String

    @Option(help: "The ONNX model to repair (its traces must be in the store).")
    var model: String

    @Option(help: "Tag of the clean traces.")
    var clean: String

    @Option(help: "Tag of the adversarial traces (each with a clean parent).")
    var adv: String

    @Option(help: "Where to write the repaired ONNX model.")
    var out: String

    @Option(help: "node, edge or both (edge repair is not implemented yet; both runs node actions).")
    var actions: RepairActions = .both

    @Option(help: "Comma-separated IPG layers to repair (default: every hidden layer of units).")
    var layers: String?

    @Option(name: .customLong("validation-fraction"), parsing: .unconditional, help: "Share of clean inputs (with their adversarial children) held out for validation.")
    var validationFraction: Double = 0.2

    @Option(help: "Seed of the mining/validation split.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-benign-drop"), parsing: .unconditional, help: "Largest allowed drop of validation benign accuracy, in percentage points.")
    var maxBenignDrop: Double = 1.0

    @Option(name: .customLong("max-weight-change"), parsing: .unconditional, help: "Edge repair's budget of changed weight entries, in percent.")
    var maxWeightChange: Double = 10

    func validate() throws {
        if actions == .edge {
            throw ValidationError("--actions edge: edge repair is not implemented yet (use --actions node)")
        }
        _ = try layerList()
        if let problem = try request(fingerprint: "").validationProblem() { throw ValidationError(problem) }
    }

    func run() throws {
        let modelBytes = try Model.readBytes(path: model)
        let fingerprint = Model.sha256Hex(modelBytes)
        _ = try ProvenanceStore(path: db, access: .readOnly)  // a missing path or a foreign file is refused, not created
        let store = try ProvenanceStore(path: db, access: .readWrite)
        let started = Date()
        func note(_ line: String) {
            FileHandle.standardError.write(Data("repair: \(line)  [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]\n".utf8))
        }
        if actions == .both { note("--actions both: edge repair is not implemented yet; running node actions only") }
        let result = try NodeRepair.run(try request(fingerprint: fingerprint), backend: store, knownBytes: modelBytes, progress: note)
        try result.repairedONNX.write(to: URL(fileURLWithPath: out))
        let outcome = result.outcome
        note("done")
        print("repaired \(outcome.originalFingerprint.prefix(12)) -> \(outcome.repairedFingerprint.prefix(12)): \(out)")
        print("recorded as repair '\(result.record.name)' in \(db)")
        for single in outcome.singleLayer {
            print("single layer \(single.layer): \(single.actions.count) actions (\(single.target) target, α \(single.strength), β \(single.windowInDeviations)σ), validation adversarial \(percentText(single.validation.adversarial)), benign \(percentText(single.validation.benign))")
        }
        for layer in outcome.layers {
            print("layer \(layer.layer): \(layer.actions.count) node actions on \(layer.actions.map { String($0.node) }.joined(separator: ","))")
        }
        print("validation benign     \(percentText(outcome.originalValidation.benign)) -> \(percentText(outcome.repairedValidation.benign)) (floor \(percentText(outcome.benignFloor)))")
        print("validation adversarial \(percentText(outcome.originalValidation.adversarial)) -> \(percentText(outcome.repairedValidation.adversarial)) (transfer: made on the original)")
        for line in outcome.notes { print("note: \(line)") }
    }

    private func request(fingerprint: String) throws -> RepairRequest {
        RepairRequest(
            modelFingerprint: fingerprint, cleanTag: clean, adversarialTag: adv, actions: actions, layers: try layerList(),
            validationFraction: validationFraction, seed: seed, maxBenignDrop: maxBenignDrop, maxWeightChange: maxWeightChange)
    }

    private func layerList() throws -> [Int]? {
        guard let layers else { return nil }
        return try layers.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let layer = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--layers: '\(part)' is not a layer number (expected e.g. 1,2)")
            }
            return layer
        }
    }
}

func percentText(_ share: Double) -> String {
    String(format: "%.2f%%", share * 100)
}
