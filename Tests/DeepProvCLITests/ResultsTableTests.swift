import Engine
import Foundation
import Testing
import TestSupport

/// `scripts/results-table` (what `scripts/reproduce` writes docs/results.md with) on the
/// `deepprov evaluate --format json` files of three small models: every cell is the JSON's
/// number, differences are to the original, weight changes and added operators counted by hand.
@Suite struct ResultsTableTests {
    struct Workspace {
        let directory: TemporaryDirectory
        var data: String { directory.path("blobs.csv") }
        func model(_ name: String) -> String { directory.path("\(name).onnx") }

        /// original: a trained blob MLP; node: it with node actions after its hidden Relu (two
        /// operators and three constants per action block, weights untouched); whole-model: it
        /// with 3 of its 40 weight-matrix entries changed.
        init() throws {
            directory = try TemporaryDirectory()
            try TrainAttackCommandTests.writeBlobs(to: data, count: 60, seed: 2)
            try runDeepProv([
                "train", "--arch", "mlp:3,8,2", "--inputs", data, "--label-column", "label", "--epochs", "3",
                "--batch", "16", "--lr", "0.01", "--optimizer", "adam", "--seed", "3", "--out", model("original"), "--quiet",
            ])
            let original = try Model.load(path: model("original"))
            let relu = try #require(original.graph.nodes.first { $0.opType == "Relu" }).outputs[0]
            let actions = (0..<8).map { NodeAction(node: $0, target: 0.5, strength: 0.5, window: 0.5) }
            let acted = try original.graph.applyingNodeActions(actions, after: relu, width: 8, label: "act")
            try ONNXExporter.serialize(acted).write(to: URL(fileURLWithPath: model("node")))
            let session = try InferenceSession(model: original)
            let weight = try #require(session.trainableParameterNames.first { session.parameter($0)?.shape == [8, 3] })
            var changed = try #require(session.parameter(weight))
            for index in [0, 5, 17] { changed.values[index] += 0.25 }
            try session.setParameter(weight, changed)
            try ONNXExporter.serialize(session.currentModel().graph).write(to: URL(fileURLWithPath: model("whole-model")))
            addedOperators = acted.nodes.count - original.graph.nodes.count
        }

        private(set) var addedOperators = 0
    }

    private func evaluate(_ workspace: Workspace, _ name: String, _ attack: String) throws -> [String: Any] {
        var arguments = [
            "evaluate", "--model", workspace.model(name), "--inputs", workspace.data, "--label-column", "label", "--attack", attack,
            "--eps", "0.8", "--seed", "5", "--square-inputs", "20", "--queries", "30", "--format", "json",
        ]
        if attack == "fgsm" { arguments += ["--against", workspace.model("original")] }
        let (stdout, stderr, status) = try DeepProvProcess(arguments).finish()
        #expect(status == 0, "\(stderr)")
        try stdout.write(toFile: workspace.directory.path("\(name).\(attack).json"), atomically: true, encoding: .utf8)
        return try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    }

    private func accuracy(_ report: [String: Any], _ path: [String]) -> Double {
        var value: Any? = report
        for key in path { value = (value as? [String: Any])?[key] }
        return value as? Double ?? .nan
    }

    @Test func everyCellIsTheEvaluationsNumber() throws {
        let workspace = try Workspace()
        let names = ["original", "node", "whole-model"]
        var reports: [String: ([String: Any], [String: Any])] = [:]
        for name in names { reports[name] = (try evaluate(workspace, name, "fgsm"), try evaluate(workspace, name, "square")) }
        let out = workspace.directory.path("results.md")
        let result = try PythonScript.run("results-table", arguments: ["--work", workspace.directory.url.path, "--models"] + names + ["--seed", "5", "--out", out])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.errorOutput.isEmpty, "\(result.errorOutput)")
        let table = try String(contentsOfFile: out, encoding: .utf8)
        #expect(table.contains("seed 5 everywhere"), "\(table)")
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| model") && !$0.hasPrefix("| ---") }.map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.count == 3)
        let columns: [(Bool, [String])] = [
            (true, ["benign", "accuracy"]), (true, ["transfer", "score", "accuracy"]),
            (true, ["adaptive", "exact", "robust_at_every_step", "accuracy"]), (true, ["adaptive", "bpda", "robust_at_every_step", "accuracy"]),
            (true, ["adaptive", "robust_to_both", "accuracy"]), (false, ["square", "score", "accuracy"]),
        ]
        let (originalFGSM, originalSquare) = reports["original"]!
        for (row, name) in zip(rows, names) {
            let (fgsm, square) = reports[name]!
            for (column, (fromFGSM, path)) in columns.enumerated() {
                let value = accuracy(fromFGSM ? fgsm : square, path)
                var expected = String(format: "%.1f", 100 * value)
                if name != "original" {
                    let points = 100 * (value - accuracy(fromFGSM ? originalFGSM : originalSquare, path))
                    expected += " (\(points >= 0 ? "+" : "−")\(String(format: "%.1f", abs(points))))"
                }
                #expect(row[column + 1] == expected, "\(name) \(path)")
            }
        }
        #expect(rows[0].suffix(2) == ["0.0 %", "0"])
        #expect(rows[1].suffix(2) == ["0.0 %", "\(workspace.addedOperators)"])
        #expect(rows[2].suffix(2) == ["7.5 %", "0"])
        #expect(workspace.addedOperators > 0)
        let transfer = String(format: "%.1f", 100 * accuracy(originalFGSM, ["transfer", "score", "accuracy"]))
        #expect(result.output.contains("the original keeps \(transfer) % under FGSM"), "\(result.output)")
    }

    @Test func aMissingEvaluationIsNamed() throws {
        let workspace = try Workspace()
        _ = try evaluate(workspace, "original", "fgsm")
        let result = try PythonScript.run(
            "results-table", arguments: ["--work", workspace.directory.url.path, "--models", "original", "--seed", "1", "--out", workspace.directory.path("r.md")])
        #expect(result.status != 0)
        #expect(result.errorOutput.contains("original.square.json: [Errno 2] No such file or directory"), "\(result.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: workspace.directory.path("r.md")))
    }
}
