import Engine
import Foundation
import IPG
import Store

/// Stores of the committed CNN fixtures (`Tests/Fixtures/onnx/cnn1d`, `cnn2d`,
/// `cnn2d_dilated`; with merge layers `resnet_cifar`, `resnet_mnist`, `concat_net`) captured
/// over seeded Gaussian inputs: `count` clean traces and, for each, a noisy copy whose parent
/// is the clean one.
public enum ConvStoreFixtures {
    /// The input shape of one sample of each fixture (its `input.npy` without the batch axis).
    public static let sampleShapes: [String: [Int]] = [
        "cnn1d": [3, 16], "cnn2d": [2, 9, 9], "cnn2d_dilated": [3, 11, 11],
        "resnet_cifar": [3, 32, 32], "resnet_mnist": [1, 28, 28], "concat_net": [2, 8, 8],
    ]

    /// The traces of `fixture`: clean inputs 0..<count (labels cycling over `classes`), then
    /// their noisy copies (tag `noisy`, parent the clean trace of the same index).
    public static func traces(_ fixture: String, count: Int, seed: UInt64, classes: Int = 3) throws -> (ModelTopology, [Trace]) {
        let shape = sampleShapes[fixture]!
        let model = try Model.load(path: FixturePaths.onnxFixture(fixture).appendingPathComponent("model.onnx").path)
        let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: shape)
        let size = shape.reduce(1, *)
        var generator = SeededGenerator(seed: seed)
        let clean = (0..<(count * size)).map { _ in generator.nextGaussian() }
        let noisy = clean.map { $0 + 0.5 * generator.nextGaussian() }
        var traces = try capture.capture(Tensor(shape: [count] + shape, values: clean),
                                         samples: (0..<count).map { SampleDescription(inputIndex: $0, trueLabel: $0 % classes, tag: "clean") })
        traces += try capture.capture(Tensor(shape: [count] + shape, values: noisy), samples: (0..<count).map {
            SampleDescription(inputIndex: $0, trueLabel: $0 % classes, tag: "noisy", parent: TraceReference(tag: "clean", inputIndex: $0))
        })
        return (capture.topology, traces)
    }

    /// A store in `directory` holding `traces(fixture, …)`, ingested from a stream; its path,
    /// the topology and the traces.
    public static func store(_ fixture: String, count: Int, seed: UInt64, in directory: TemporaryDirectory) throws
        -> (path: String, topology: ModelTopology, traces: [Trace])
    {
        let (topology, traces) = try traces(fixture, count: count, seed: seed)
        return (try StoreFixtures.storeHolding(traces, topology: topology, in: directory), topology, traces)
    }
}
