import Foundation
import GRDB
import IPG

/// `ipg_kernel_geometry(layer_table, layer)` and `ipg_kernel_weights(layer_table, layer)`: a
/// layer's `layer_kernels` columns read from a model's stored layer table (`models.layer_table`),
/// NULL for a layer whose rule needs no kernel. Migration 0007 fills `layer_kernels` for the
/// models stored before it with them; a model registered later writes its row directly.
enum KernelBackfillFunctions {
    static func register(in db: Database) {
        db.add(function: DatabaseFunction("ipg_kernel_geometry", argumentCount: 2, pure: true) { arguments in
            try kernel(arguments, function: "ipg_kernel_geometry")?.geometryJSON
        })
        db.add(function: DatabaseFunction("ipg_kernel_weights", argumentCount: 2, pure: true) { arguments in
            try kernel(arguments, function: "ipg_kernel_weights")?.weightsBlob
        })
    }

    private static func kernel(_ arguments: [DatabaseValue], function: String) throws -> LayerKernel? {
        guard let table = Data.fromDatabaseValue(arguments[0]), let layer = Int.fromDatabaseValue(arguments[1]) else {
            throw DatabaseError(message: "\(function): expected (layer_table BLOB, layer INTEGER)")
        }
        let layers = try StreamHeader(serialized: [UInt8](table)).topology.layers
        guard layers.indices.contains(layer) else { throw DatabaseError(message: "\(function): the layer table has no layer \(layer)") }
        return LayerKernel(rule: layers[layer].edgeRule)
    }
}
