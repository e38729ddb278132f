import ArgumentParser
import Engine
import Foundation

/// `deepprov train`: train a model of a given architecture and save it as ONNX.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (mlp:… or cnn:…) with cross-entropy and save it as ONNX.")

    @Option(help: "Architecture: mlp:784,350,50,10 or cnn:1x28x28:conv8,pool2,conv16,pool2,dense64,10.")
    var arch: String

    @OptionGroup var data: DataOptions

    @Option(help: "Passes over the training data.")
    var epochs: Int = 5

    @Option(help: "Samples per step.")
    var batch: Int = 128

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "sgd (with momentum 0.9) or adam.")
    var optimizer: OptimizerKind = .adam

    @Option(help: "Seed for the initial weights and the shuffling.")
    var seed: UInt64 = 1

    @Option(help: "Test inputs to report accuracy on after each epoch (normalised like --inputs).")
    var testInputs: String?

    @Option(help: "Labels of --test-inputs.")
    var testLabels: String?

    @Option(help: "BLAS threads.")
    var threads: Int = 2

    @Option(help: "Where to write the trained model (.onnx).")
    var out: String

    @Flag(help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard epochs > 0, batch > 0, lr > 0, threads > 0 else { throw ValidationError("--epochs, --batch, --lr and --threads must be positive") }
        guard data.hasLabels else { throw ValidationError("train needs --labels (or --label-column for CSV inputs)") }
        guard (testInputs == nil) == (testLabels == nil) else { throw ValidationError("--test-inputs and --test-labels go together") }
    }

    func run() throws {
        ComputeThreads.setBLASThreads(threads)
        let architecture = try Architecture(parsing: arch)
        let session = try InferenceSession(model: architecture.makeModel(seed: seed))
        let dataset = try data.load()
        let features = try session.shapeForInput(dataset.features, source: data.inputs)
        let labels = try data.requireLabels(dataset, for: "train")
        let test = try testInputs.map { path in
            try DatasetLoader.load(inputs: path, labels: testLabels, normalization: Normalization(scale: data.scale, shift: data.shift))
        }
        let trainer = Trainer(session: session, options: TrainingOptions(
            epochs: epochs, batchSize: batch, learningRate: lr, optimizer: optimizer, seed: seed))
        for epoch in 1...epochs {
            let progress = ProgressReporter(label: "epoch \(epoch)/\(epochs)", total: dataset.count, quiet: quiet)
            let report = try trainer.trainEpoch(features: features, labels: labels) { progress.update(done: $0) }
            progress.finish()
            var line = "epoch \(epoch)/\(epochs): loss \(String(format: "%.4f", report.loss)), train accuracy \(percent(report.accuracy))"
            if let test {
                line += ", test accuracy \(percent(try accuracy(session, test)))"
            }
            line += " (\(String(format: "%.1f", report.seconds)) s)"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let model = try session.currentModel()
        try ONNXExporter.serialize(model.graph).write(to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data("wrote \(out) (\(architecture.description), fingerprint \(model.fingerprint.prefix(12)))\n".utf8))
    }

    private func accuracy(_ session: InferenceSession, _ test: Dataset) throws -> Double {
        var correct = 0
        try BatchLoop(session: session, requestedBatchSize: 512).run(TensorSamples(test)) { batch in
            let predicted = try session.predict(session.shapeForInput(batch.features, source: testInputs ?? test.source)).labels
            correct += zip(predicted, batch.labels ?? []).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(max(test.count, 1))
    }
}

extension OptimizerKind: ExpressibleByArgument {}
