import Engine
import IPG

/// The weight matrix of one dense IPG layer (Gemm, or MatMul with an optional bias Add):
/// what edge repair may edit, and where the layer reads its inputs.
struct DenseLayerWeights: Sendable {
    /// The IPG layer the edges go into.
    var layer: Int
    /// The float initializer holding the matrix.
    var weightName: String
    /// The graph value the layer operator reads (its sources).
    var operandName: String
    /// Gemm with transB = 1: the matrix is [targets, sources].
    var transposed: Bool
    var entryCount: Int

    /// Every dense layer of `capture`'s topology whose weights are a trainable float
    /// initializer of its session, in layer order.
    static func all(in capture: ProvenanceCapture) throws -> [DenseLayerWeights] {
        let session = capture.session
        let trainable = Set(session.trainableParameterNames)
        return try capture.topology.layers.filter { $0.kind == .dense }.map { layer in
            guard let node = session.model.graph.nodes.first(where: { $0.name == layer.name }), node.inputs.count >= 2 else {
                throw RepairError("edge repair: no graph node named '\(layer.name)' for dense layer \(layer.index)")
            }
            let weightName = node.inputs[1]
            guard trainable.contains(weightName), let weight = session.parameter(weightName), weight.rank == 2 else {
                throw RepairError("edge repair: layer \(layer.index) (\(layer.name)) reads weights '\(weightName)', which are not a float weight matrix among the model's initializers")
            }
            let transposed: Bool
            if case .int(let value)? = node.attributes["transB"], node.opType == "Gemm" { transposed = value == 1 } else { transposed = false }
            return DenseLayerWeights(layer: layer.index, weightName: weightName, operandName: node.inputs[0], transposed: transposed, entryCount: weight.count)
        }
    }

    /// The layers edge repair edits: `requested` when given (each must be dense), else every
    /// dense layer (the budget then goes to the most shifted entries over all of them).
    static func implicated(_ dense: [DenseLayerWeights], requested: [Int]?) throws -> [DenseLayerWeights] {
        guard let requested else {
            guard !dense.isEmpty else { throw RepairError("edge repair: the model has no dense layer with a weight matrix") }
            return dense
        }
        return try Array(Set(requested)).sorted().map { index in
            guard let layer = dense.first(where: { $0.layer == index }) else {
                let names = dense.map { String($0.layer) }.joined(separator: ", ")
                throw RepairError("--layers: layer \(index) is not a dense layer with a weight matrix, so edge repair cannot edit its edges (dense layers: \(names.isEmpty ? "none" : names))")
            }
            return layer
        }
    }
}
