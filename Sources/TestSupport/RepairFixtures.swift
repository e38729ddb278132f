import Engine
import Foundation
import IPG
import Store

/// A store whose right node-action repair is known by hand. The model: h = Relu(x) (fc1,
/// identity weights), logits fc2 = [0, h0 + 1.5·(h1 − 1) − 1]. Clean inputs have h1 = 1 and
/// h0 = 0.5 (label 0) or 1.5 (label 1), so they are all classified right; each adversarial
/// child moves only x1, by +0.5 (label 0) or −0.5 (label 1), which flips every prediction.
/// Node 1 of layer 1 carries the whole attack, and pulling it back to its benign mean 1
/// (strength 1, any window wider than 0.5) undoes it.
public enum RepairFixtures {
    public static let cleanTag = "clean", adversarialTag = "shifted"

    public static func model() throws -> Model {
        var builder = GraphBuilder(name: "repairable", inputShape: [nil, 2])
        builder.weights("w1", shape: [2, 2], [1, 0, 0, 1])
        builder.weights("b1", shape: [2], [0, 0])
        let hidden = builder.node("Gemm", ["x", "w1", "b1"], name: "fc1", attributes: ["transB": .int(1)])
        let relu = builder.node("Relu", [hidden], name: "relu1")
        builder.weights("w2", shape: [2, 2], [0, 0, 1, 1.5])
        builder.weights("b2", shape: [2], [0, -2.5])
        let logits = builder.node("Gemm", [relu, "w2", "b2"], name: "fc2", attributes: ["transB": .int(1)])
        return try builder.model(output: logits)
    }

    /// Labels of the clean inputs: alternating 0 and 1.
    public static func label(_ input: Int) -> Int { input % 2 }

    /// A store at `path` with `count` clean traces and one adversarial child each (input i's
    /// child moves x1 by `shift(i)`, toward the wrong class, and x0 up by `shiftX0(i)`), the
    /// model's ONNX bytes kept unless `keepingBytes` is false; returns the model.
    @discardableResult
    public static func store(at path: String, count: Int = 40, keepingBytes: Bool = true, shift: (Int) -> Float = { _ in 0.5 },
                             shiftX0: (Int) -> Float = { _ in 0 }) throws -> Model {
        try store(into: ProvenanceStore(path: path), count: count, keepingBytes: keepingBytes, shift: shift, shiftX0: shiftX0)
    }

    /// The same traces ingested into `backend` (any store: SQLite, ClickHouse) as one run;
    /// `reversingEachTag` stores each tag's traces from the last input to the first (clean
    /// traces still before their adversarial children).
    @discardableResult
    public static func store(into backend: any ProvenanceBackend, count: Int = 40, keepingBytes: Bool = true, shift: (Int) -> Float = { _ in 0.5 },
                             shiftX0: (Int) -> Float = { _ in 0 }, reversingEachTag: Bool = false) throws -> Model {
        let model = try model()
        let bytes = try ONNXExporter.serialize(model.graph)
        let loaded = try Model.load(onnx: bytes, source: "repairable.onnx")
        let capture = try ProvenanceCapture(session: InferenceSession(model: loaded), sampleShape: [2])
        let clean = (0..<count).flatMap { input -> [Float] in [label(input) == 0 ? 0.5 : 1.5, 1] }
        let shifted = (0..<count).flatMap { input -> [Float] in
            [(label(input) == 0 ? 0.5 : 1.5) + shiftX0(input), label(input) == 0 ? 1 + shift(input) : 1 - shift(input)]
        }
        let cleanTraces = try capture.capture(Tensor(shape: [count, 2], values: clean), samples: (0..<count).map {
            SampleDescription(inputIndex: $0, trueLabel: label($0), tag: cleanTag)
        })
        let shiftedTraces = try capture.capture(Tensor(shape: [count, 2], values: shifted), samples: (0..<count).map {
            SampleDescription(inputIndex: $0, trueLabel: label($0), tag: adversarialTag, parent: TraceReference(tag: cleanTag, inputIndex: $0))
        })
        let traces = reversingEachTag ? cleanTraces.reversed() + shiftedTraces.reversed() : cleanTraces + shiftedTraces
        let run = try backend.beginIngest(sources: "repair fixture", batchSize: 64)
        try run.beginModel(capture.topology, encoding: .float32, source: "repairable.onnx", onnx: keepingBytes ? bytes : nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
        return loaded
    }
}
