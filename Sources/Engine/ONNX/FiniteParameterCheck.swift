/// A model's numbers must be finite: a NaN or infinite weight or constant turns every value it
/// reaches into NaN or infinity, which no trace can record. The ONNX import refuses them where
/// it reads them (initializers, tensor and float attributes such as a Constant node's value).
enum FiniteParameterCheck {
    /// Throws when `values` hold a NaN or an infinity; `context` names where they were read.
    static func require(_ values: [Float], context: String) throws {
        guard let index = values.firstIndex(where: { !$0.isFinite }) else { return }
        let position = values.count == 1 ? "" : " at element \(index) of \(values.count)"
        throw EngineError("\(context) holds \(values[index])\(position); a model's weights and constants must be finite numbers")
    }
}
