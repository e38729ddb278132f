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

        init() throws {
            directory = try TemporaryDirectory()
            model = try RepairFixtures.store(at: directory.path("store.sqlite"))
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
        let (stdout, stderr, status) = try run(workspace.arguments(["--seed", "3", "--validation-fraction", "0.25"]))
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("repair: --actions both: edge repair is not implemented yet; running node actions only"), "\(stderr)")
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

    @Test func edgeActionsAreNotYetAvailable() throws {
        let workspace = try Workspace()
        let (_, stderr, status) = try run(workspace.arguments(["--actions", "edge"]))
        #expect(status == 64)
        #expect(stderr.contains("--actions edge: edge repair is not implemented yet (use --actions node)"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.out))
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
