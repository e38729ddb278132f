import Crypto
import Foundation
import IPG
import Store

/// Registers a model's layer table (its layers, every layer's sources, dense weights) once, by
/// fingerprint, as `Store`'s ModelRegistry does in SQLite. Conv and channel-scale kernels are
/// not stored on ClickHouse yet.
struct ClickHouseModelRegistry {
    let backend: ClickHouseBackend

    /// A model's id: its fingerprint's first 15 hex digits (60 bits, so every id is also a
    /// positive Int64), or for a fingerprint that is not hex, an FNV-1a hash of it.
    static func modelID(_ fingerprint: String) -> UInt64 {
        if fingerprint.count >= 15, let id = UInt64(fingerprint.prefix(15), radix: 16) { return id }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fingerprint.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash >> 4
    }

    /// The model's id, inserting it on first sight; a known fingerprint with another layer
    /// table is refused.
    func register(_ topology: ModelTopology, source: String) throws -> UInt64 {
        let id = Self.modelID(topology.fingerprint)
        if let stored = try backend.storedTopology(modelID: id) {
            guard stored == topology else {
                throw StoreError(path: backend.location, reason: .conflictingModel(fingerprint: topology.fingerprint, source: source))
            }
            return id
        }
        // Layers and weights first, the model last: a model row means its table is complete.
        var layers = RowBinaryWriter(), sources = RowBinaryWriter(), weights = RowBinaryWriter()
        for layer in topology.layers {
            layers.uint64(id)
            layers.uint32(UInt32(layer.index))
            layers.string(layer.name)
            layers.string(layer.kind.rawValue)
            layers.string(layer.activation.rawValue)
            layers.float64(Double(layer.threshold))
            layers.uint64(UInt64(layer.nodeCount))
            layers.uint64(UInt64(layer.nodeSize))
            layers.nullable(layer.source) { $0.int32(Int32($1)) }
            layers.string(layer.edgeRule.kind.rawValue)
            for (position, source) in layer.sources.enumerated() {
                var offset = 0
                if case .concat(let channelOffset) = source.edgeRule { offset = channelOffset }
                sources.uint64(id)
                sources.uint32(UInt32(layer.index))
                sources.uint32(UInt32(position))
                sources.int32(Int32(source.layer))
                sources.string(source.edgeRule.kind.rawValue)
                sources.uint64(UInt64(offset))
            }
            if case .dense(let values) = layer.edgeRule, let source = layer.source {
                let count = topology.layers[source].nodeCount
                for target in 0..<layer.nodeCount {
                    weights.uint64(id)
                    weights.uint32(UInt32(layer.index))
                    weights.uint32(UInt32(target))
                    weights.float32Array(Array(values[(target * count)..<((target + 1) * count)]))
                }
            }
        }
        let client = backend.client
        try client.insert("INSERT INTO \(backend.table("layers")) FORMAT RowBinary", data: layers.data)
        if !sources.data.isEmpty { try client.insert("INSERT INTO \(backend.table("layer_sources")) FORMAT RowBinary", data: sources.data) }
        if !weights.data.isEmpty { try client.insert("INSERT INTO \(backend.table("dense_weights")) FORMAT RowBinary", data: weights.data) }
        var model = RowBinaryWriter()
        model.uint64(id)
        model.string(topology.fingerprint)
        model.string(topology.name)
        model.bytes(Data(try StreamHeader(topology: topology).serialized()))
        model.uint32(UInt32(topology.layers.count))
        model.uint64(UInt64(topology.nodeCount))
        model.uint64(UInt64(topology.layers.reduce(0) { $0 + $1.valueCount }))
        model.string(ClickHouseBackend.timestamp())
        model.uint64(ClickHouseBackend.version())
        try client.insert("INSERT INTO \(backend.table("models")) FORMAT RowBinary", data: model.data)
        return id
    }

    /// Keeps `onnx` as the model's bytes; bytes whose sha256 is not the model's fingerprint
    /// (a file changed since it was loaded) are refused.
    func keepBytes(_ onnx: Data, of topology: ModelTopology, modelID: UInt64) throws {
        let digest = Hex.string(SHA256.hash(data: onnx))
        guard digest == topology.fingerprint else {
            throw StoreError(path: backend.location, reason: .damaged(detail: "the ONNX bytes given for model \(topology.fingerprint.prefix(12)) hash to \(digest.prefix(12)) (did the file change?)"))
        }
        var row = RowBinaryWriter()
        row.uint64(modelID)
        row.bytes(onnx)
        try backend.client.insert("INSERT INTO \(backend.table("model_bytes")) FORMAT RowBinary", data: row.data)
    }
}
