import Foundation

/// Reading and replacing a session's float initializers (its parameters), and exporting the
/// model with the current values: what training and repair build on. Not thread-safe: do not
/// change parameters while another thread runs the session.
extension InferenceSession {
    /// Float initializers training updates: all except BatchNormalization's running mean and
    /// variance (the inference form keeps them fixed).
    public var trainableParameterNames: [String] {
        let statistics = Set(model.graph.nodes.filter { $0.opType == "BatchNormalization" }.flatMap { $0.inputs.dropFirst(3) })
        return constantValues.keys.map { valueNames[$0] }.filter { !statistics.contains($0) }.sorted()
    }

    /// The current value of a float initializer.
    public func parameter(_ name: String) -> Tensor? {
        slots[name].flatMap { constantValues[$0] }
    }

    /// Replaces a float initializer's value; the shape must not change.
    public func setParameter(_ name: String, _ value: Tensor) throws {
        guard let slot = slots[name], let current = constantValues[slot] else {
            throw EngineError("\(model.source): no float initializer named '\(name)'")
        }
        guard current.shape == value.shape else {
            throw EngineError("\(model.source): initializer '\(name)' has shape \(current.shape), not \(value.shape)")
        }
        constantValues[slot] = value
    }

    /// The model with the current parameter values, as it would be saved (new fingerprint).
    public func currentModel() throws -> Model {
        var graph = model.graph
        for (slot, tensor) in constantValues { graph.initializers[valueNames[slot]] = .float(tensor) }
        return try Model.load(onnx: ONNXExporter.serialize(graph), source: model.source)
    }
}
