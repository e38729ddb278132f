import Engine
import Foundation
import Testing
import TestSupport

/// `deepprov repair` and `deepprov repairs` from outside: exit status, standard error, the
/// repaired model written, the repair listed.
@Suite struct RepairCommandTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let model: Model
        var store: String { directory.path("store.sqlite") }
        var modelPath: String { directory.path("model.onnx") }
        var out: String { directory.path("repaired.onnx") }

        init(shift: (Int) -> Float = { _ in 0.5 }) throws {
            directory = try TemporaryDirectory()
            model = try RepairFixtures.store(at: directory.path("store.sqlite"), shift: shift)
            try ONNXExporter.serialize(model.graph).write(to: URL(fileURLWithPath: directory.path("model.onnx")))
        }

        func arguments(_ extra: [String] = [], store: String? = nil) -> [String] {
            ["repair", "--db", store ?? self.store, "--model", modelPath, "--clean", RepairFixtures.cleanTag,
             "--adv", RepairFixtures.adversarialTag, "--out", out] + extra
        }
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(arguments).finish()
    }

    @Test func repairWritesTheModelRecordsItAndShowsProgress() throws {
        let workspace = try Workspace()
        let (stdout, stderr, status) = try run(workspace.arguments(["--seed", "3", "--validation-fraction", "0.25", "--actions", "node"]))
        #expect(status == 0, "\(stderr)")
        #expect(!stderr.contains("edge"), "\(stderr)")
        #expect(stderr.contains("repair: split (seed 3): mining 30 clean + 30 adversarial, validation 10 + 10"), "\(stderr)")
        #expect(stdout.contains("\nlayer 1: 1 node actions on 1\n"), "\(stdout)")
        #expect(stdout.contains("single layer 1: 1 actions (mean target, α 1.0, β 2.0σ), validation adversarial 100.00%, benign 100.00%"), "\(stdout)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.out))
        let repaired = try Model.load(onnx: bytes, source: workspace.out)
        for (name, constant) in workspace.model.graph.initializers {
            #expect(repaired.graph.initializers[name] == constant, "\(name) changed")
        }
        let (listing, listingErrors, listingStatus) = try run(["repairs", "--db", workspace.store, "--format", "json"])
        #expect(listingStatus == 0, "\(listingErrors)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
        #expect(records.count == 1)
        let outcome = try #require(records.first?["outcome"] as? [String: Any])
        #expect(outcome["repairedFingerprint"] as? String == Model.sha256Hex(bytes))
        #expect(outcome["seed"] as? Int == 3)
        let (table, _, tableStatus) = try run(["repairs", "--db", workspace.store])
        #expect(tableStatus == 0)
        #expect(table.contains("\(RepairFixtures.cleanTag)-\(RepairFixtures.adversarialTag)-seed3-"), "\(table)")
    }

    @Test func aStoreWithoutRepairsSaysSo() throws {
        let workspace = try Workspace()
        let (stdout, stderr, status) = try run(["repairs", "--db", workspace.store])
        #expect(status == 0, "\(stderr)")
        #expect(stdout == "no repairs recorded\n")
        let (json, _, jsonStatus) = try run(["repairs", "--db", workspace.store, "--format", "json"])
        #expect(jsonStatus == 0)
        #expect(json == "[]\n")
    }

    @Test func missingStoreIsRefusedAndNotCreated() throws {
        let workspace = try Workspace()
        let missing = workspace.directory.path("typo.sqlite")
        let (_, stderr, status) = try run(workspace.arguments(store: missing))
        #expect(status != 0)
        #expect(stderr == "Error: \(missing): no such store\n", "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(!FileManager.default.fileExists(atPath: workspace.out))
        let (_, listingErrors, listingStatus) = try run(["repairs", "--db", missing])
        #expect(listingStatus != 0)
        #expect(listingErrors == "Error: \(missing): no such store\n", "\(listingErrors)")
    }

    @Test func aModelTheStoreDoesNotKnowIsNamed() throws {
        let workspace = try Workspace()
        let other = workspace.directory.path("other.onnx")
        let otherModel = try StoreFixtures.model()
        try ONNXExporter.serialize(otherModel.graph).write(to: URL(fileURLWithPath: other))
        var arguments = workspace.arguments()
        arguments[arguments.firstIndex(of: workspace.modelPath)!] = other
        let (_, stderr, status) = try run(arguments)
        #expect(status == 1)
        #expect(stderr.contains("Error: \(workspace.store): the store has no traces of model \(Model.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: other))).prefix(12))"), "\(stderr)")
        arguments[arguments.firstIndex(of: other)!] = workspace.directory.path("absent.onnx")
        let (_, missingError, missingStatus) = try run(arguments)
        #expect(missingStatus == 1)
        #expect(missingError.contains("absent.onnx: cannot read the model"), "\(missingError)")
        #expect(!FileManager.default.fileExists(atPath: workspace.out))
    }

    /// The fixture of EdgeRepairTests: every adversarial child moves x1 up by 0.5, so the
    /// edges that shift are w1[3] and w2[3] (by hand), and with 25 % of the 8 weight-matrix
    /// entries both may change.
    static func oneWayWorkspace() throws -> Workspace {
        try Workspace { RepairFixtures.label($0) == 0 ? 0.5 : -0.5 }
    }

    static let edgeFlags = ["--seed", "7", "--validation-fraction", "0.25", "--max-benign-drop", "100", "--epochs", "4",
                            "--learning-rate", "0.2", "--repair-eps", "0.3"]

    /// The initializers' entries that differ between the workspace's model and the written one.
    private func changedEntries(_ workspace: Workspace) throws -> [String: [Int]] {
        let repaired = try Model.load(onnx: Data(contentsOf: URL(fileURLWithPath: workspace.out)), source: workspace.out)
        var changed: [String: [Int]] = [:]
        for (name, constant) in workspace.model.graph.initializers {
            guard case .float(let before) = constant, case .float(let after)? = repaired.graph.initializers[name] else { continue }
            changed[name] = before.values.indices.filter { before.values[$0] != after.values[$0] }
        }
        return changed
    }

    @Test func edgeRepairChangesOnlyTheSelectedWeights() throws {
        let workspace = try Self.oneWayWorkspace()
        let (stdout, stderr, status) = try run(workspace.arguments(Self.edgeFlags + ["--actions", "edge", "--max-weight-change", "25", "--adaptive-eps", "0.3"]))
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("repair: edge repair of layers 1,2: 2 of 8 weight-matrix entries may change (budget 2, 25.0 %)"), "\(stderr)")
        #expect(stderr.contains("repair: edge repair epoch 4: validation benign"), "\(stderr)")
        #expect(stdout.contains("weights changed: 2 of 8 weight-matrix entries (25.00 %, budget 2); other parameter entries changed: 0"), "\(stdout)")
        #expect(stdout.contains("layer 2 (w2): 1 of 4 entries changed, 1 selected"), "\(stdout)")
        #expect(try changedEntries(workspace) == ["w1": [3], "b1": [], "w2": [3], "b2": []])
        let (listing, listingErrors, listingStatus) = try run(["repairs", "--db", workspace.store])
        #expect(listingStatus == 0, "\(listingErrors)")
        #expect(listing.contains("edge repair: ") && listing.contains("2 of 8 weight-matrix entries changed"), "\(listing)")
    }

    @Test func theRepairAttackIsUsedPrintedAndRecorded() throws {
        let workspace = try Self.oneWayWorkspace()
        let (stdout, stderr, status) = try run(workspace.arguments(Self.edgeFlags + ["--actions", "edge", "--repair-attack", "mixed"]))
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("fine-tuning: 4 epochs on mixed inputs at ε 0.3 regenerated each epoch, learning rate 0.2, seed 7"), "\(stdout)")
        let (listing, _, listingStatus) = try run(["repairs", "--db", workspace.store, "--format", "json"])
        #expect(listingStatus == 0)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
        let request = try #require(records.first?["request"] as? [String: Any])
        #expect(request["repairAttack"] as? String == "mixed" || request["repair_attack"] as? String == "mixed", "\(request)")
    }

    @Test func wholeModelIsTheBaselineAndSaysSo() throws {
        let workspace = try Self.oneWayWorkspace()
        // the same flags as the edge repair it is compared with: those that do not apply are named and ignored
        let (stdout, stderr, status) = try run(workspace.arguments(Self.edgeFlags + ["--actions", "whole-model", "--max-weight-change", "25", "--layers", "2"]))
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("repair: --max-weight-change does not apply to the whole-model baseline (every weight of every layer may change): ignored"), "\(stderr)")
        #expect(stderr.contains("repair: --layers does not apply to the whole-model baseline"), "\(stderr)")
        #expect(stderr.contains("repair: whole-model baseline (not a repair): every one of 12 parameter entries may change"), "\(stderr)")
        #expect(stdout.hasPrefix("whole-model baseline (not a repair) "), "\(stdout)")
        let changed = try changedEntries(workspace)
        #expect(changed.values.reduce(0) { $0 + $1.count } > 2, "\(changed)")
        let (listing, _, listingStatus) = try run(["repairs", "--db", workspace.store, "--format", "json"])
        #expect(listingStatus == 0)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
        #expect((records.first?["request"] as? [String: Any])?["actions"] as? String == "whole-model")
        #expect((records.first?["edge"] as? [String: Any])?["kind"] as? String == "whole-model")
    }

    @Test func bothPrintsEveryCandidateAndWhyOneWon() throws {
        let workspace = try Self.oneWayWorkspace()
        let (stdout, stderr, status) = try run(workspace.arguments(Self.edgeFlags + ["--max-weight-change", "25", "--adaptive-eps", "0.3"]))
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("repair: scoring the edge model against the adaptive attack (ε 0.3, exact gradient and BPDA)"), "\(stderr)")
        let candidates = stdout.split(separator: "\n").filter { $0.hasPrefix("candidate ") }
        #expect(candidates.map { $0.split(separator: ":")[0] } == ["candidate original", "candidate node", "candidate edge"], "\(stdout)")
        func adaptive(_ line: Substring) -> Double? {
            line.components(separatedBy: "adaptive ").last?.split(separator: "%").first.flatMap { Double($0) }
        }
        let scores = candidates.compactMap(adaptive)
        try #require(scores.count == 3, "\(stdout)")
        let best = ["original", "node", "edge"][scores.firstIndex(of: scores.max()!)!]
        #expect(stdout.contains("\nchosen: \(best): highest adaptive validation accuracy"), "\(stdout)")
        #expect(stdout.hasPrefix("chose \(best) ("), "\(stdout)")
    }

    @Test(arguments: [
        (["--actions", "node", "--epochs", "2"], "--epochs applies to edge repair (--actions edge, both or whole-model); --actions node changes no weights"),
        (["--actions", "node", "--max-weight-change", "5"], "--max-weight-change applies to edge repair"),
        (["--actions", "node", "--repair-attack", "bim"], "--repair-attack applies to edge repair"),
        (["--actions", "edge", "--repair-attack", "pgd"], "--repair-attack"),
        (["--actions", "node", "--adaptive-eps", "0.1"], "--adaptive-eps applies to edge repair (--actions edge, both or whole-model"),
        (["--actions", "edge", "--repair-eps", "0"], "--repair-eps must be a positive number, got 0.0"),
        (["--clip-min", "1", "--clip-max", "0"], "--clip-min (1.0) must be below --clip-max (0.0)"),
    ])
    func badEdgeFlagCombinationsAreUsageErrors(extra: [String], message: String) throws {
        let workspace = try Workspace()
        let (_, stderr, status) = try run(workspace.arguments(extra))
        #expect(status == 64, "\(extra): \(stderr)")
        #expect(stderr.contains(message), "\(extra): \(stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.out))
    }

    @Test func aLayerWithoutWeightsCannotTakeEdgeRepair() throws {
        let workspace = try Workspace()
        let (_, stderr, status) = try run(workspace.arguments(["--actions", "edge", "--layers", "3"]))
        #expect(status == 1)
        #expect(stderr.contains("Error: --layers: layer 3 is not a dense layer with a weight matrix, so edge repair cannot edit its edges (dense layers: 1, 2)"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.out))
    }

    @Test func helpDescribesTheBaselineAndTheEdgeOptions() throws {
        let (stdout, stderr, status) = try run(["repair", "--help"])
        #expect(status == 0, "\(stderr)")
        let text = stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        for phrase in ["whole-model (the baseline, not a repair", "--repair-eps", "--epochs", "--adaptive-eps", "--learning-rate", "--clip-min"] {
            #expect(text.contains(phrase), "\(phrase): \(stdout)")
        }
    }

    @Test(arguments: [
        (["--validation-fraction", "1.5"], "--validation-fraction must be between 0 and 1"),
        (["--max-benign-drop", "-1"], "--max-benign-drop must be between 0 and 100"),
        (["--max-weight-change", "nan"], "--max-weight-change must be between 0 and 100"),
        (["--layers", "1,x"], "--layers: 'x' is not a layer number"),
        (["--layers", "0"], "--layers must name hidden layers"),
        (["--actions", "all"], "--actions"),
    ])
    func badFlagsAreUsageErrors(extra: [String], message: String) throws {
        let workspace = try Workspace()
        let (_, stderr, status) = try run(workspace.arguments(extra))
        #expect(status == 64, "\(extra): \(stderr)")
        #expect(stderr.contains(message), "\(extra): \(stderr)")
    }

    @Test func aLayerThatCannotBeRepairedIsNamed() throws {
        let workspace = try Workspace()
        let (_, stderr, status) = try run(workspace.arguments(["--layers", "2", "--actions", "node"]))
        #expect(status == 1)
        #expect(stderr.contains("Error: --layers: layer 2 cannot take node actions"), "\(stderr)")
        #expect(!stderr.contains("edge repair"), "--actions node says nothing of edges: \(stderr)")
    }
}
