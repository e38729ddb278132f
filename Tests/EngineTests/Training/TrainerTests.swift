import Engine
import Foundation
import Testing
import TestSupport

/// Training learns a separable problem, reproducibly, and the trained model exports to ONNX
/// that onnxruntime runs with the same outputs.
@Suite struct TrainerTests {

    static func accuracy(_ session: InferenceSession, _ features: Tensor, _ labels: [Int]) throws -> Double {
        let predicted = try session.predict(features).labels
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    @Test(arguments: [OptimizerKind.sgd, .adam])
    func learnsSeparableBlobs(optimizer: OptimizerKind) throws {
        let (features, labels) = GaussianBlobs.make(count: 400, seed: 3)
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 5))
        let before = try Self.accuracy(session, features, labels)
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: optimizer == .sgd ? 0.05 : 0.01, optimizer: optimizer, seed: 9))
        var losses: [Float] = []
        for _ in 0..<8 { losses.append(try trainer.trainEpoch(features: features, labels: labels).loss) }
        #expect(losses.last! < losses.first! * 0.5, "losses \(losses)")
        let (test, testLabels) = GaussianBlobs.make(count: 200, seed: 4)
        let after = try Self.accuracy(session, test, testLabels)
        #expect(after >= 0.95, "accuracy \(before) → \(after)")
    }

    @Test func sameSeedSameModel() throws {
        let (features, labels) = GaussianBlobs.make(count: 128, seed: 3)
        func train() throws -> String {
            let session = try InferenceSession(model: Architecture(parsing: "mlp:4,8,2").makeModel(seed: 5))
            _ = try Trainer(session: session, options: TrainingOptions(batchSize: 16, seed: 2)).trainEpoch(features: features, labels: labels)
            return try session.currentModel().fingerprint
        }
        #expect(try train() == train())
    }

    @Test func convolutionalModelWithBatchNormTrains() throws {
        var generator = SeededGenerator(seed: 1)
        // Class 1 images have a bright left half, class 0 a bright right half.
        var values: [Float] = [], labels: [Int] = []
        for index in 0..<96 {
            let label = index % 2
            for row in 0..<6 { for column in 0..<6 {
                let bright = (column < 3) == (label == 1)
                values.append((bright ? 1 : 0) + 0.3 * generator.nextGaussian() + Float(row) * 0)
            } }
            labels.append(label)
        }
        let features = Tensor(shape: [96, 1, 6, 6], values: values)
        let session = try InferenceSession(model: Architecture(parsing: "cnn:1x6x6:conv4,bn,pool2,dense8,2").makeModel(seed: 2))
        let statistics = session.model.graph.nodes.first { $0.opType == "BatchNormalization" }!.inputs[3...4]
        #expect(Set(session.trainableParameterNames).isDisjoint(with: statistics), "running statistics stay fixed")
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 16, learningRate: 0.01, seed: 3))
        let first = try trainer.trainEpoch(features: features, labels: labels)
        var last = first
        for _ in 0..<5 { last = try trainer.trainEpoch(features: features, labels: labels) }
        #expect(last.loss < first.loss * 0.5, "\(first.loss) → \(last.loss)")
        #expect(try Self.accuracy(session, features, labels) >= 0.95)
    }

    @Test func trainedModelRunsInOnnxRuntimeWithSameOutputs() throws {
        let (features, labels) = GaussianBlobs.make(count: 64, seed: 8)
        let session = try InferenceSession(model: Architecture(parsing: "cnn:1x2x2:conv3k3,dense5,2").makeModel(seed: 1))
        let images = features.reshaped([64, 1, 2, 2])
        _ = try Trainer(session: session, options: TrainingOptions(batchSize: 16, seed: 1)).trainEpoch(features: images, labels: labels)
        let trained = try session.currentModel()
        let theirs = try ONNXRuntimeReference.outputs(of: ONNXExporter.serialize(trained.graph), on: images)
        let ours = try session.run(images)
        #expect(theirs.shape == ours.shape)
        #expect(zip(ours.values, theirs.values).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        #expect(trained.fingerprint != (try Architecture(parsing: "cnn:1x2x2:conv3k3,dense5,2").makeModel(seed: 1).fingerprint))
    }
}
