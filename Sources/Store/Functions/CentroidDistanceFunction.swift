import Foundation
import GRDB
import IPG

/// `ipg_centroid_distance(value_block, value_row, layer, node_size, centroids, model_id,
/// metric)`: the distance ('euclidean' or 'cosine') of a trace's node values in a layer from the
/// centroid of its model's — `centroids` a JSON object from model id to `ipg_node_means`' array
/// for that layer. The object is the same for every row of a query, so the last one parsed is
/// kept.
///
/// `ipg_point_distance(value_block, value_row, layer, node_size, point)`: the Euclidean distance
/// of a trace's node values in a layer from a point given as a BLOB of float64 little-endian
/// node values — exact, where numbers in JSON text may not read back bit for bit (forensics'
/// nearest search).
enum CentroidDistanceFunction {
    static func register(in db: Database, cache: ValueBlockCache) {
        db.add(function: DatabaseFunction("ipg_point_distance", argumentCount: 5, pure: true) { arguments in
            guard let values = try TraceMeasureFunctions.layerNodes(arguments, cache: cache) else { return nil }
            guard let point = Data.fromDatabaseValue(arguments[4]), point.count % 8 == 0 else {
                throw DatabaseError(message: "ipg_point_distance: the point is not a BLOB of float64 values")
            }
            guard point.count / 8 == values.count else { return nil }
            let coordinates = point.withUnsafeBytes { bytes in
                values.indices.map { Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            }
            return LayerMeasures.euclideanDistance(values, coordinates)
        })
        let centroids = ParsedCentroids()
        db.add(function: DatabaseFunction("ipg_centroid_distance", argumentCount: 7, pure: true) { arguments in
            guard let values = try TraceMeasureFunctions.layerNodes(arguments, cache: cache),
                  let text = String.fromDatabaseValue(arguments[4]), let model = Int64.fromDatabaseValue(arguments[5]),
                  let metric = String.fromDatabaseValue(arguments[6]) else { return nil }
            guard let centroid = try centroids.means(text)[model], values.count == centroid.count else { return nil }
            switch metric {
            case "euclidean": return LayerMeasures.euclideanDistance(values, centroid)
            case "cosine": return LayerMeasures.cosineDistance(values, centroid)
            default: throw DatabaseError(message: "ipg_centroid_distance: no metric '\(metric)' (euclidean or cosine)")
            }
        })
    }

    /// The per-model node means of the last centroid object parsed.
    private final class ParsedCentroids: @unchecked Sendable {
        private let lock = NSLock()
        private var last: (text: String, means: [Int64: [Double]])?

        func means(_ text: String) throws -> [Int64: [Double]] {
            lock.lock()
            defer { lock.unlock() }
            if let last, last.text == text { return last.means }
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [Double]] else {
                throw DatabaseError(message: "ipg_centroid_distance: the centroids are not a JSON object of node mean arrays")
            }
            var means: [Int64: [Double]] = [:]
            for (model, nodes) in object {
                guard let id = Int64(model) else { continue }
                means[id] = nodes
            }
            last = (text, means)
            return means
        }
    }
}
