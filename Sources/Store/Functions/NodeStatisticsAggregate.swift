import Foundation
import GRDB
import IPG

/// `ipg_node_stats(node_values, value_encoding, layer, node_size, threshold)`: an aggregate
/// giving, over the rows of a group, per node of one layer `[count, mean, m2, active count,
/// min, max]` as a JSON array — the same quantities the statistics tables keep (node value =
/// mean element; active = some element's |value| above the threshold), computed by scanning,
/// for trace sets the statistics cannot serve.
struct NodeStatisticsAggregate: DatabaseAggregate {
    private var count = 0
    private var means: [Double] = [], m2: [Double] = [], minima: [Double] = [], maxima: [Double] = []
    private var active: [Int] = []
    private let codec = TraceValueCodec()

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let data = Data.fromDatabaseValue(dbValues[0]), let code = Int.fromDatabaseValue(dbValues[1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code)),
              let layer = Int.fromDatabaseValue(dbValues[2]), let size = Int.fromDatabaseValue(dbValues[3]), size > 0,
              let threshold = Double.fromDatabaseValue(dbValues[4])
        else { throw DatabaseError(message: "ipg_node_stats takes (node_values, value_encoding, layer, node_size, threshold)") }
        let layers = try codec.decode([UInt8](data), encoding: encoding, only: layer)
        guard layers.indices.contains(layer) else { throw DatabaseError(message: "ipg_node_stats: no layer \(layer)") }
        let values = layers[layer]
        let nodes = values.count / size
        if count == 0 {
            means = [Double](repeating: 0, count: nodes)
            m2 = means
            minima = [Double](repeating: .infinity, count: nodes)
            maxima = [Double](repeating: -.infinity, count: nodes)
            active = [Int](repeating: 0, count: nodes)
        }
        guard means.count == nodes else { throw DatabaseError(message: "ipg_node_stats: traces of different models in one group") }
        count += 1
        for node in 0..<nodes {
            var sum = 0.0, isActive = false
            for position in (node * size)..<((node + 1) * size) {
                sum += Double(values[position])
                if Double(abs(values[position])) > threshold { isActive = true }
            }
            let value = sum / Double(size)
            let delta = value - means[node]
            means[node] += delta / Double(count)
            m2[node] += delta * (value - means[node])
            minima[node] = min(minima[node], value)
            maxima[node] = max(maxima[node], value)
            if isActive { active[node] += 1 }
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard count > 0 else { return nil }
        return "[" + means.indices.map { "[\(count),\(means[$0]),\(m2[$0]),\(active[$0]),\(minima[$0]),\(maxima[$0])]" }.joined(separator: ",") + "]"
    }
}
