extension InferenceSession {
    /// Reshapes `features` ([count, …]) to the model input's per-sample shape when the
    /// element counts agree (e.g. IDX images [N, 28, 28] for an input [N, 784]); dynamic
    /// non-batch axes keep the data's own shape.
    public func shapeForInput(_ features: Tensor, source: String) throws -> Tensor {
        let sampleShape = try modelSampleShape(for: Array(features.shape.dropFirst()), source: source)
        return features.reshaped([features.shape[0]] + sampleShape)
    }

    /// The per-sample shape `shapeForInput` gives samples of `sampleShape`; throws when the
    /// model's input cannot take them.
    public func modelSampleShape(for sampleShape: [Int], source: String) throws -> [Int] {
        let declared = Array(inputShape.dropFirst())
        guard !declared.isEmpty, declared.allSatisfy({ $0 != nil }) else { return sampleShape }
        let expected = declared.map { $0! }
        guard expected.reduce(1, *) == sampleShape.reduce(1, *) else {
            throw EngineError(
                "\(source): each input has shape \(sampleShape) (\(sampleShape.reduce(1, *)) values) but model input "
                + "'\(model.graph.inputs[0].name)' expects \(expected) (\(expected.reduce(1, *)) values)")
        }
        return expected
    }
}
