import Analysis
import ArgumentParser
import Engine
import Foundation

extension RepairActions: ExpressibleByArgument {}
extension RepairAttack: ExpressibleByArgument {}

/// `deepprov repair`: repair a model from the provenance of clean and adversarial inputs in a
/// store, write the repaired ONNX and record the repair in the store.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Repair a model from the IPGs of clean and adversarial inputs in a store: node actions, edge repair, or both.",
        discussion: """
            Edge repair (edge, both) fine-tunes only the weight entries of the implicated dense layers (--layers, else \
            every dense layer) whose mean contribution moves most between clean and adversarial inputs, at most \
            --max-weight-change percent of all weight-matrix entries, on adversarial inputs (--repair-attack, ε --repair-eps) regenerated \
            against the model being repaired. Models are scored on the validation part against deepprov evaluate's \
            adaptive attack regenerated on each (10 steps of ε/4 from the clean input, ε --adaptive-eps, exact gradient \
            and BPDA; robust only when right at every step of both): edge repair keeps the best epoch within \
            --max-benign-drop, and both keeps the best of the original, the node-repaired and the edge-repaired model \
            within it. whole-model is the baseline, not a repair: the same fine-tuning of every parameter, its epoch \
            chosen the same way (it accepts, and ignores, --max-weight-change and --layers, so it can run with the \
            same flags as the repairs). Attacks clip to --clip-min/--clip-max, default the range of the stored inputs.
            """)

    @Option(help: "The store holding the model's clean and adversarial traces (the repair is recorded there): an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String

    @Option(help: "The ONNX model to repair (its traces must be in the store).")
    var model: String

    @Option(help: "Tag of the clean traces.")
    var clean: String

    @Option(help: "Tag of the adversarial traces (each with a clean parent).")
    var adv: String

    @Option(help: "Where to write the repaired ONNX model.")
    var out: String

    @Option(help: "node, edge, both (runs both, keeps the better against an adaptive attack), or whole-model (the baseline, not a repair: adversarial fine-tuning that changes every weight).")
    var actions: RepairActions = .both

    @Option(help: "Comma-separated IPG layers to repair (default: node actions every hidden layer of units, edge repair every dense layer).")
    var layers: String?

    @Option(name: .customLong("validation-fraction"), parsing: .unconditional, help: "Share of clean inputs (with their adversarial children) held out for validation.")
    var validationFraction: Double = 0.2

    @Option(help: "Seed of the mining/validation split.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-benign-drop"), parsing: .unconditional, help: "Largest allowed drop of validation benign accuracy, in percentage points.")
    var maxBenignDrop: Double = 1.0

    @Option(name: .customLong("max-weight-change"), parsing: .unconditional, help: "Edge repair's budget of changed weight entries, in percent of all weight-matrix entries (default \(RepairRequest.defaults.maxWeightChange)).")
    var maxWeightChange: Double?

    @Option(help: "Fine-tuning epochs of edge repair and the whole-model baseline (default \(RepairRequest.defaults.epochs)).")
    var epochs: Int?

    @Option(name: .customLong("repair-eps"), parsing: .unconditional, help: "ε of the adversarial inputs edge repair regenerates against the model being repaired (default \(RepairRequest.defaults.repairEpsilon)).")
    var repairEps: Float?

    @Option(name: .customLong("repair-attack"), help: "The attack edge repair regenerates its training inputs with: fgsm, bim (10 steps of ε/4) or mixed (each mining input once with each) (default \(RepairRequest.defaults.repairAttack.rawValue)).")
    var repairAttack: RepairAttack?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam's learning rate for edge repair and the whole-model baseline (default \(RepairRequest.defaults.learningRate)).")
    var learningRate: Float?

    @Option(name: .customLong("adaptive-eps"), parsing: .unconditional, help: "ε of the adaptive attack edge repair's epochs and both's candidates are scored against on the validation part (default \(RepairRequest.defaults.adaptiveEpsilon)).")
    var adaptiveEps: Float?

    @Option(name: .customLong("clip-min"), parsing: .unconditional, help: "Smallest input value attacks may produce (default: the smallest stored input value).")
    var clipMin: Float?

    @Option(name: .customLong("clip-max"), parsing: .unconditional, help: "Largest input value attacks may produce (default: the largest stored input value).")
    var clipMax: Float?

    func validate() throws {
        let tuning = [("--max-weight-change", maxWeightChange != nil), ("--epochs", epochs != nil), ("--repair-eps", repairEps != nil), ("--repair-attack", repairAttack != nil),
                      ("--learning-rate", learningRate != nil), ("--clip-min", clipMin != nil), ("--clip-max", clipMax != nil)]
        if actions == .node, let flag = tuning.first(where: \.1)?.0 {
            throw ValidationError("\(flag) applies to edge repair (--actions edge, both or whole-model); --actions node changes no weights")
        }
        if actions == .node, adaptiveEps != nil {
            throw ValidationError("--adaptive-eps applies to edge repair (--actions edge, both or whole-model: the attack epochs and candidates are scored against); --actions node changes no weights")
        }
        _ = try LayerListOption.parse(layers)
        if let problem = try request(fingerprint: "").validationProblem() { throw ValidationError(problem) }
    }

    func run() throws {
        let modelBytes = try Model.readBytes(path: model)
        let fingerprint = Model.sha256Hex(modelBytes)
        let store = try openExistingBackend(db)
        let started = Date()
        func note(_ line: String) {
            FileHandle.standardError.write(Data("repair: \(line)  [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]\n".utf8))
        }
        let request = try request(fingerprint: fingerprint)
        for flag in ignoredByTheBaseline {
            note("\(flag) does not apply to the whole-model baseline (every weight of every layer may change): ignored")
        }
        switch actions {
        case .node:
            let result = try NodeRepair.run(request, backend: store, knownBytes: modelBytes, progress: note)
            try write(result.repairedONNX, note: note)
            RepairPrinter.printNode(result.outcome, out: out, recordName: result.record.name, db: db)
        case .edge, .wholeModel:
            let result = try EdgeRepair.run(request, backend: store, knownBytes: modelBytes, progress: note)
            try write(result.repairedONNX, note: note)
            RepairPrinter.printEdge(result.outcome, out: out, recordName: result.record?.name ?? "", db: db)
        case .both:
            let result = try RepairComparison.run(request, backend: store, knownBytes: modelBytes, progress: note)
            try write(result.repairedONNX, note: note)
            RepairPrinter.printChoice(result.choice, out: out, recordName: result.record.name, db: db)
        }
    }

    /// Flags `--actions whole-model` accepts so that it runs with the same flags as the repair
    /// it is compared with, and ignores.
    private var ignoredByTheBaseline: [String] {
        guard actions == .wholeModel else { return [] }
        return [("--max-weight-change", maxWeightChange != nil), ("--layers", layers != nil)]
            .filter(\.1).map(\.0)
    }

    private func write(_ bytes: Data, note: (String) -> Void) throws {
        try bytes.write(to: URL(fileURLWithPath: out))
        note("done")
    }

    private func request(fingerprint: String) throws -> RepairRequest {
        RepairRequest(
            modelFingerprint: fingerprint, cleanTag: clean, adversarialTag: adv, actions: actions, layers: try LayerListOption.parse(layers),
            validationFraction: validationFraction, seed: seed, maxBenignDrop: maxBenignDrop, maxWeightChange: maxWeightChange ?? RepairRequest.defaults.maxWeightChange, epochs: epochs ?? RepairRequest.defaults.epochs,
            repairEpsilon: repairEps ?? RepairRequest.defaults.repairEpsilon, learningRate: learningRate ?? RepairRequest.defaults.learningRate,
            repairAttack: repairAttack ?? RepairRequest.defaults.repairAttack,
            adaptiveEpsilon: adaptiveEps ?? RepairRequest.defaults.adaptiveEpsilon,
            clipMin: clipMin, clipMax: clipMax)
    }
}

