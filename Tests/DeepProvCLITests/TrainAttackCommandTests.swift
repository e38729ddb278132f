import Engine
import Foundation
import Testing
import TestSupport

/// `deepprov train` and `deepprov attack` end to end on a small CSV data set.
@Suite struct TrainAttackCommandTests {
    /// Two separable blobs as CSV with a `label` column.
    static func writeBlobs(to path: String, count: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var text = "a,b,c,label\n"
        for index in 0..<count {
            let label = index % 2
            let center: Float = label == 0 ? 1 : -1
            let row = (0..<3).map { _ in center + 0.5 * generator.nextGaussian() }
            text += row.map { "\($0)" }.joined(separator: ",") + ",\(label)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func trainThenAttack() throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("blobs.csv"), model = directory.path("model.onnx"), adversarial = directory.path("adv.npy")
        try Self.writeBlobs(to: data, count: 200, seed: 1)
        try runDeepProv([
            "train", "--arch", "mlp:3,8,2", "--inputs", data, "--label-column", "label", "--epochs", "6",
            "--batch", "16", "--lr", "0.01", "--optimizer", "adam", "--seed", "3", "--out", model, "--quiet",
        ])
        let session = try InferenceSession(model: Model.load(path: model))
        let dataset = try DatasetLoader.load(inputs: data, labelColumn: "label")
        let predicted = try session.predict(dataset.features).labels
        #expect(zip(predicted, dataset.labels!).filter { $0 == $1 }.count >= 190)

        try runDeepProv([
            "attack", "--model", model, "--inputs", data, "--label-column", "label", "--attack", "pgd",
            "--eps", "1.5", "--iterations", "10", "--out", adversarial, "--quiet",
        ])
        let attacked = try DatasetLoader.load(inputs: adversarial).features
        #expect(attacked.shape == [200, 3])
        #expect(zip(attacked.values, dataset.features.values).allSatisfy { abs($0 - $1) <= 1.5 + 1e-5 })
        #expect(try DatasetLoader.loadIntegers(path: directory.path("adv.parents.npy")) == Array(0..<200))
        #expect(try DatasetLoader.loadIntegers(path: directory.path("adv.labels.npy")) == dataset.labels)
        let fooled = try session.predict(attacked).labels
        #expect(zip(fooled, dataset.labels!).filter { $0 == $1 }.count < 100, "ε 1.5 moves the blobs across")
    }

    @Test func badArgumentsAreExplained() throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("blobs.csv")
        try Self.writeBlobs(to: data, count: 10, seed: 1)
        #expect(deepProvFailure(["train", "--arch", "rnn:3", "--inputs", data, "--label-column", "label", "--out", directory.path("m.onnx")])?
            .contains("architecture 'rnn:3': unknown kind 'rnn'") == true)
        #expect(deepProvFailure(["train", "--arch", "mlp:3,2", "--inputs", data, "--out", directory.path("m.onnx")])
            == "train needs --labels (or --label-column for CSV inputs)")
        #expect(deepProvFailure(["attack", "--model", "m.onnx", "--inputs", data, "--attack", "fgsm", "--eps", "0.1", "--out", "adv.csv"])
            == "--out must name a .npy file")
        #expect(deepProvFailure(["attack", "--model", "m.onnx", "--inputs", data, "--attack", "square", "--eps", "0.1", "--backward-pass", "bpda", "--out", "adv.npy"])
            == "--backward-pass bpda applies to gradient attacks (fgsm, pgd, bim); square uses no gradient")
    }

    /// Node actions that replace every hidden value by a constant leave the model's own
    /// gradient zero: FGSM following it changes nothing, FGSM following BPDA moves every value by ε.
    @Test func attackFollowsTheBackwardPassItIsGiven() throws {
        let directory = try TemporaryDirectory()
        var builder = GraphBuilder(inputShape: [nil, 2])
        builder.weights("w", shape: [2, 2], [1, -1, 2, 0.5])
        let hidden = builder.node("MatMul", ["x", "w"], name: "hidden")
        let output = builder.node("Identity", [hidden], name: "out")
        let flattening = [0, 1].map { NodeAction(node: $0, target: 0, strength: 1, window: 1000) }
        let graph = try builder.model(output: output).graph.applyingNodeActions(flattening, after: hidden, width: 2, label: "act")
        let model = directory.path("flat.onnx"), inputs = directory.path("x.npy"), labels = directory.path("y.npy")
        try ONNXExporter.serialize(graph).write(to: URL(fileURLWithPath: model))
        let clean = Tensor(shape: [2, 2], values: [0.3, -0.2, 0.1, 0.4])
        try NPYWriter.write(clean, to: inputs)
        try NPYWriter.write(integers: [0, 1], to: labels)
        for pass in BackwardPass.allCases {
            let adversarial = directory.path("adv-\(pass.rawValue).npy")
            try runDeepProv([
                "attack", "--model", model, "--inputs", inputs, "--labels", labels, "--attack", "fgsm", "--eps", "0.1",
                "--clip-min", "-1", "--clip-max", "1", "--backward-pass", pass.rawValue, "--out", adversarial, "--quiet",
            ])
            let moved = zip(try DatasetLoader.load(inputs: adversarial).features.values, clean.values).map { abs($0 - $1) }
            if pass == .exact {
                #expect(moved.allSatisfy { $0 == 0 }, "\(moved)")
            } else {
                #expect(moved.allSatisfy { abs($0 - 0.1) < 1e-6 }, "\(moved)")
            }
        }
    }
}
