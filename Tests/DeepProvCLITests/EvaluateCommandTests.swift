import Engine
import Foundation
import Testing
import TestSupport

/// `deepprov evaluate --attack …` from outside: exit status, standard error, JSON fields, and
/// transfer accuracy equal to evaluating on the model what `deepprov attack` writes against
/// the original.
@Suite struct EvaluateCommandTests {
    struct Workspace {
        let directory: TemporaryDirectory
        var data: String { directory.path("blobs.csv") }
        var original: String { directory.path("original.onnx") }
        var model: String { directory.path("model.onnx") }

        /// Two blob MLPs trained with different seeds: the original and the model evaluated.
        init() throws {
            directory = try TemporaryDirectory()
            try TrainAttackCommandTests.writeBlobs(to: data, count: 120, seed: 1)
            for (path, seed) in [(original, "3"), (model, "4")] {
                try runDeepProv([
                    "train", "--arch", "mlp:3,8,2", "--inputs", data, "--label-column", "label", "--epochs", "4",
                    "--batch", "16", "--lr", "0.01", "--optimizer", "adam", "--seed", seed, "--out", path, "--quiet",
                ])
            }
        }
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(arguments).finish()
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func transferEqualsEvaluatingWhatAttackWritesAgainstTheOriginal() throws {
        let workspace = try Workspace()
        let data = ["--inputs", workspace.data, "--label-column", "label"]
        let clip = ["--clip-min", "-4", "--clip-max", "4"]
        let (stdout, stderr, status) = try run(
            ["evaluate", "--model", workspace.model] + data + ["--attack", "pgd", "--eps", "1.2", "--against", workspace.original, "--seed", "5", "--format", "json"] + clip)
        #expect(status == 0, "\(stderr)")
        for stage in ["benign", "transfer", "adaptive (exact gradient)", "adaptive (bpda)"] {
            #expect(stderr.contains("evaluate: \(stage) on 120 inputs"), "\(stderr)")
        }
        #expect(stderr.contains("evaluate: done in "), "\(stderr)")
        let report = try json(stdout)
        #expect(report["model"] as? String == workspace.model && report["against"] as? String == workspace.original)
        #expect(report["attack"] as? String == "pgd" && report["seed"] as? Int == 5)
        #expect(report["clip_min"] as? Double == -4 && report["clip_max"] as? Double == 4)

        let adversarial = workspace.directory.path("adv.npy")
        let (_, attackErrors, attackStatus) = try run(
            ["attack", "--model", workspace.original] + data + ["--attack", "pgd", "--eps", "1.2", "--seed", "5", "--out", adversarial, "--quiet"] + clip)
        #expect(attackStatus == 0, "\(attackErrors)")
        let (scored, scoreErrors, scoreStatus) = try run(
            ["evaluate", "--model", workspace.model, "--inputs", adversarial, "--labels", workspace.directory.path("adv.labels.npy"), "--format", "json"])
        #expect(scoreStatus == 0 && scoreErrors.isEmpty, "\(scoreErrors)")
        let (benign, _, _) = try run(["evaluate", "--model", workspace.model] + data + ["--format", "json"])

        let transfer = try #require(report["transfer"] as? [String: Any])
        let transferScore = try #require(transfer["score"] as? [String: Any])
        #expect(transferScore["accuracy"] as? Double == (try json(scored)["accuracy"] as? Double))
        #expect(transferScore["correct"] as? Int == (try json(scored)["correct"] as? Int))
        #expect(transfer["seed"] as? Int == 5 && transfer["random_start"] as? Bool == true && transfer["iterations"] as? Int == 10)
        let benignScore = try #require(report["benign"] as? [String: Any])
        #expect(benignScore["accuracy"] as? Double == (try json(benign)["accuracy"] as? Double))

        let adaptive = try #require(report["adaptive"] as? [String: Any])
        #expect(adaptive["steps"] as? Int == 10 && adaptive["step"] as? Double == 0.3 && adaptive["random_start"] as? Bool == false)
        for pass in ["exact", "bpda"] {
            let attack = try #require(adaptive[pass] as? [String: Any])
            #expect(attack["backward_pass"] as? String == pass)
            #expect((attack["accuracy_per_step"] as? [Double])?.count == 11)
            #expect((attack["robust_at_every_step"] as? [String: Any])?["inputs"] as? Int == 120)
        }
        #expect((adaptive["robust_to_both"] as? [String: Any])?["inputs"] as? Int == 120)
        #expect(report["square"] is NSNull || report["square"] == nil)
    }

    @Test func squareTableShowsItsSeedQueriesAndInputs() throws {
        let workspace = try Workspace()
        let (stdout, stderr, status) = try run([
            "evaluate", "--model", workspace.model, "--inputs", workspace.data, "--label-column", "label", "--attack", "square",
            "--eps", "1", "--square-inputs", "30", "--queries", "40", "--seed", "7", "--adaptive-steps", "3",
        ])
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("evaluate: square on 30 inputs"), "\(stderr)")
        #expect(!stderr.contains("transfer"), "no --against, no transfer: \(stderr)")
        #expect(stdout.contains("square ε 1.0 in ["), "\(stdout)")
        #expect(stdout.contains(", seed 7\n"), "\(stdout)")
        #expect(stdout.contains("square 40 queries, seed 7 (benign on them "), "\(stdout)")
        #expect(stdout.contains("/30)"), "\(stdout)")
        #expect(!stdout.contains("adaptive"), "\(stdout)")
    }

    @Test func attackOptionsWithoutAnAttackAreRefused() throws {
        let workspace = try Workspace()
        let data = ["--inputs", workspace.data, "--label-column", "label"]
        let (_, stderr, status) = try run(["evaluate", "--model", workspace.model] + data + ["--eps", "0.2"])
        #expect(status != 0)
        #expect(stderr.hasPrefix("Error: --eps, --against, --adaptive-step, --clip-min and --clip-max need --attack\n"), "\(stderr)")
        let (_, missingEps, missingStatus) = try run(["evaluate", "--model", workspace.model] + data + ["--attack", "fgsm"])
        #expect(missingStatus != 0)
        #expect(missingEps.hasPrefix("Error: --attack needs --eps\n"), "\(missingEps)")
        let (_, missingOriginal, originalStatus) = try run(
            ["evaluate", "--model", workspace.model] + data + ["--attack", "fgsm", "--eps", "0.2", "--against", workspace.directory.path("none.onnx")])
        #expect(originalStatus != 0)
        #expect(missingOriginal.contains("none.onnx"), "\(missingOriginal)")
        #expect(!missingOriginal.contains("Fatal error"), "\(missingOriginal)")
    }
}
