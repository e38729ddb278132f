import Foundation
import GRDB
import IPG

/// `ipg_centroid_distance(value_block, value_row, layer, node_size, centroids, model_id,
/// metric)`: the distance ('euclidean' or 'cosine') of a trace's node values in a layer from the
/// centroid of its model's — `centroids` a JSON object from model id to `ipg_node_means`' array
/// for that layer. The object is the same for every row of a query, so the last one parsed is
/// kept.
enum CentroidDistanceFunction {
    static func register(in db: Database, cache: ValueBlockCache) {
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
