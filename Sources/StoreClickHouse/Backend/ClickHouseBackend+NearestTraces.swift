import Foundation
import IPG
import Store

extension ClickHouseBackend {
    /// The exact search on ClickHouse: every candidate's distance computed by the servers over
    /// its stored values (one scan, on every shard; `PREWHERE` picks the candidates before
    /// their values are read), the nearest `count` per class kept by `ORDER BY distance, id …
    /// LIMIT count BY class` — ties to the smaller id, as on SQLite.
    public func nearestCorrectTraces(_ request: NearestTraceRequest) throws -> [Int: [TraceDistance]] {
        let classes = Array(Set(request.classes)).sorted()
        guard !classes.isEmpty, request.count > 0, let modelID = try modelIDs()[request.modelFingerprint],
              let topology = try storedTopology(modelID: modelID), topology.layers.indices.contains(request.layer),
              request.point.count == topology.layers[request.layer].nodeCount
        else { return [:] }
        let values = Self.nodeValuesExpression(layer: request.layer, in: topology)
        let point = Self.arrayLiteral(request.point)
        var reader = RowBinaryReader(try client.execute("""
            SELECT toInt64(id) AS trace_id, assumeNotNull(true_label) AS nearest_class,
                   sqrt(arraySum(arrayMap((x, q) -> (x - q) * (x - q), \(values), \(point)))) AS distance
            FROM \(table("traces"))
            PREWHERE model_id = \(modelID) AND true_label IN \(SQLLiteral.list(classes)) AND predicted_label = true_label AND id != \(max(0, request.excluding))
            WHERE length(layer_values) > \(request.layer) AND length(layer_values[\(request.layer + 1)]) = \(topology.layers[request.layer].valueCount)
            ORDER BY nearest_class, distance, trace_id LIMIT \(request.count) BY nearest_class
            FORMAT RowBinary
            """))
        var found = Dictionary(uniqueKeysWithValues: classes.map { ($0, [TraceDistance]()) })
        while !reader.atEnd {
            let id = try reader.int64(), label = Int(try reader.int64()), distance = try reader.float64()
            found[label, default: []].append(TraceDistance(id: id, distance: distance))
        }
        return found
    }
}
