import Foundation
import GRDB
import IPG

/// SQL functions registered on every connection, so plain SQL can reach inside the compressed
/// per-trace node values:
///
/// - `ipg_value(node_values, value_encoding, value_count, position)`: the value at `position`
///   of a trace's concatenated values (layer `value_offset` + node · node_size + element);
/// - `ipg_node(node_values, value_encoding, value_count, value_offset, node_size, node)`: a
///   node's value, the mean of its elements (a unit's value, a channel map's mean);
/// - `ipg_node_sum(…same…)`: the sum of a node's elements (what a channel edge carries).
///
/// A dense edge of a trace is then `dense_weights.weight * ipg_node(…source node…)`. The most
/// recently decoded blob is cached per connection, so scanning a trace's nodes decodes it once.
enum StoreFunctions {
    static func register(in db: Database) {
        let cache = DecodedValuesCache()
        db.add(function: DatabaseFunction("ipg_value", argumentCount: 4, pure: true) { arguments in
            let values = try cache.values(arguments)
            guard let position = Int.fromDatabaseValue(arguments[3]), values.indices.contains(position) else { return nil }
            return Double(values[position])
        })
        for (name, summarize) in [("ipg_node", true), ("ipg_node_sum", false)] {
            db.add(function: DatabaseFunction(name, argumentCount: 6, pure: true) { arguments in
                let values = try cache.values(arguments)
                guard let offset = Int.fromDatabaseValue(arguments[3]), let size = Int.fromDatabaseValue(arguments[4]),
                      let node = Int.fromDatabaseValue(arguments[5]), size > 0
                else { return nil }
                let start = offset + node * size
                guard start >= 0, start + size <= values.count else { return nil }
                let sum = values[start..<(start + size)].reduce(0.0) { $0 + Double($1) }
                return summarize ? sum / Double(size) : sum
            })
        }
    }
}

/// The last decoded `node_values` blob of a connection (functions run on one connection at a time).
private final class DecodedValuesCache: @unchecked Sendable {
    private var blob: [UInt8] = []
    private var decoded: [Float] = []
    private let codec = TraceValueCodec()

    func values(_ arguments: [DatabaseValue]) throws -> [Float] {
        guard let data = Data.fromDatabaseValue(arguments[0]), let code = Int.fromDatabaseValue(arguments[1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code)), let count = Int.fromDatabaseValue(arguments[2])
        else { throw DatabaseError(message: "ipg functions take (node_values BLOB, value_encoding INTEGER, value_count INTEGER, …)") }
        let bytes = [UInt8](data)
        if bytes != blob {
            decoded = try codec.decode(bytes, valueCount: count, encoding: encoding)
            blob = bytes
        }
        return decoded
    }
}
