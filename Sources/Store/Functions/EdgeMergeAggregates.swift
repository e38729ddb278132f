import Foundation
import GRDB

/// `ipg_merge_edge_stats(order, statistics)`: an aggregate merging partial results of
/// `ipg_edge_stats` or `ipg_edge_pair_stats` for one group (each edge its source, its target,
/// then 6 or 19 numbers) — what the parts of a split query computed each — as
/// `ipg_merge_node_stats` merges node statistics, in increasing `order`.
struct EdgeStatisticsMergeAggregate: DatabaseAggregate {
    private var merge = PartialStatisticsMerge(function: "ipg_merge_edge_stats", keys: 2)

    mutating func step(_ dbValues: [DatabaseValue]) throws { try merge.step(dbValues) }

    func finalize() throws -> (any DatabaseValueConvertible)? { try merge.finalize() }
}

/// `ipg_merge_edge_activity(counts)`: an aggregate adding up partial results of
/// `ipg_edge_activity` for one group (per dense edge, the traces in which both ends are
/// active) element by element. NULL parts are left out; no parts give NULL.
struct EdgeActivityMergeAggregate: DatabaseAggregate {
    private var counts: [Int64] = []

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let text = String.fromDatabaseValue(dbValues[0]) else { return }
        guard let part = try? JSONDecoder().decode([Int64].self, from: Data(text.utf8)) else {
            throw DatabaseError(message: "ipg_merge_edge_activity: not an array of counts: \(text.prefix(80))")
        }
        if counts.isEmpty { counts = part; return }
        guard part.count == counts.count else { throw DatabaseError(message: "ipg_merge_edge_activity: parts of different layers in one group") }
        for index in counts.indices { counts[index] += part[index] }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        counts.isEmpty ? nil : "[" + counts.map(String.init).joined(separator: ",") + "]"
    }
}
