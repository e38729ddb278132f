import Foundation
import GRDB
import IPG

extension ProvenanceStore {
    /// The stored trace of input `inputIndex` with `tag` (of the model whose fingerprint starts
    /// with `model`, needed when several models have such a trace), with its layer table.
    public func trace(tag: String, inputIndex: Int, model: String? = nil) throws -> (topology: ModelTopology, trace: Trace) {
        try Self.describingFailures(path) {
            try pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT t.*, m.fingerprint, m.layer_table FROM traces t JOIN models m ON m.id = t.model_id
                    WHERE t.tag = ? AND t.input_index = ? AND m.fingerprint LIKE ? ORDER BY t.id
                    """, arguments: [tag, inputIndex, (model ?? "") + "%"])
                guard let row = rows.first else {
                    throw StoreError("\(path): no trace for input \(inputIndex) with tag '\(tag)'\(model.map { " of model \($0)" } ?? "")")
                }
                let fingerprints = Set(rows.map { $0["fingerprint"] as String })
                guard fingerprints.count == 1 else {
                    throw StoreError("\(path): input \(inputIndex) with tag '\(tag)' exists for \(fingerprints.count) models; choose one with --model (\(fingerprints.sorted().map { String($0.prefix(12)) }.joined(separator: ", ")))")
                }
                let topology = try StreamHeader(serialized: [UInt8](row["layer_table"] as Data)).topology
                guard let encoding = ValueEncoding(rawValue: UInt8(clamping: row["value_encoding"] as Int)) else {
                    throw StoreError("\(path): trace \(row["id"] as Int64) has an unknown value encoding")
                }
                let layerValues = try TraceValueCodec().decode([UInt8](row["node_values"] as Data), encoding: encoding)
                let attributes = try Row.fetchAll(db, sql: "SELECT key, value FROM trace_attributes WHERE trace_id = ? ORDER BY position", arguments: [row["id"] as Int64])
                    .map { KeyValue($0["key"], $0["value"]) }
                let parentTag: String = row["parent_tag"]
                let metadata = TraceMetadata(
                    inputIndex: row["input_index"], inputHash: Hex.string(row["input_hash"] as Data), trueLabel: row["true_label"],
                    predictedLabel: row["predicted_label"], confidence: Float(row["confidence"] as Double), tag: row["tag"],
                    parent: parentTag.isEmpty ? nil : TraceReference(tag: parentTag, inputIndex: row["parent_index"]),
                    attributes: attributes)
                let trace = Trace(
                    metadata: metadata, layerValues: layerValues,
                    explicitEdges: ExplicitEdgesCodec.decode(row["explicit_edges"]))
                return (topology, trace)
            }
        }
    }
}
