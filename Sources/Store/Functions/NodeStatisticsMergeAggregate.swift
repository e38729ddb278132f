import Foundation
import GRDB
import IPG

/// `ipg_merge_node_stats(order, statistics)`: an aggregate merging partial results of
/// `ipg_node_stats` (6 numbers per node) or `ipg_node_pair_stats` (19 per node) for one group —
/// what the ranges of a split query computed each — into the array the whole group gives,
/// taking the parts in increasing `order` whatever order SQLite steps them in. Counts, active
/// counts, minima and maxima come out exact; means and m2 by Chan et al.'s parallel update, so
/// they may differ from one pass over every trace in the last bits (rounding). NULL parts (a
/// range without values) are left out; no parts give NULL.
struct NodeStatisticsMergeAggregate: DatabaseAggregate {
    private var parts: [(order: Int64, statistics: String)] = []

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let order = Int64.fromDatabaseValue(dbValues[0]) else {
            throw DatabaseError(message: "ipg_merge_node_stats: the order is not a whole number")
        }
        guard let statistics = String.fromDatabaseValue(dbValues[1]) else { return }
        parts.append((order, statistics))
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        var merged: [PairedRunningStatistics] = []
        var width = 0
        for part in parts.sorted(by: { $0.order < $1.order }) {
            let nodes = try Self.nodes(part.statistics)
            guard !nodes.isEmpty else { continue }
            if merged.isEmpty { (merged, width) = (nodes.map(\.statistics), nodes[0].width); continue }
            guard nodes.count == merged.count, nodes.allSatisfy({ $0.width == width }) else {
                throw DatabaseError(message: "ipg_merge_node_stats: parts of different layers in one group")
            }
            for node in merged.indices { merged[node].merge(nodes[node].statistics) }
        }
        guard let count = merged.first?.a.count, count > 0 else { return nil }
        if width == NodeStatisticsLayout.width { return RunningNodeStatistics.json(merged.map(\.a)) }
        return "[" + merged.map { "[" + $0.fields(count: count) + "]" }.joined(separator: ",") + "]"
    }

    /// A partial array's nodes, each as paired statistics (only `a` set for 6 numbers a node).
    private static func nodes(_ text: String) throws -> [(statistics: PairedRunningStatistics, width: Int)] {
        guard let nodes = try? JSONDecoder().decode([[Double]].self, from: Data(text.utf8)) else {
            throw DatabaseError(message: "ipg_merge_node_stats: not an array of per-node statistics: \(text.prefix(80))")
        }
        return try nodes.map { numbers in
            switch numbers.count {
            case NodeStatisticsLayout.width:
                return (PairedRunningStatistics(a: RunningNodeStatistics(numbers[...])), numbers.count)
            case NodeStatisticsLayout.pairWidth:
                let part = { (part: NodeStatisticsLayout.PairPart) in
                    RunningNodeStatistics(numbers[NodeStatisticsLayout.pairIndex(part, .count)..<NodeStatisticsLayout.pairIndex(part, .count) + NodeStatisticsLayout.width])
                }
                let count = numbers[NodeStatisticsLayout.pairIndex(.first, .count)]
                return (PairedRunningStatistics(a: part(.first), b: part(.second), difference: part(.difference),
                                                absoluteDifferenceSum: numbers[NodeStatisticsLayout.pairAbsoluteMeanIndex] * count), numbers.count)
            default:
                throw DatabaseError(message: "ipg_merge_node_stats: a node with \(numbers.count) numbers")
            }
        }
    }
}

extension RunningNodeStatistics {
    /// The statistics a node's numbers in `NodeStatisticsLayout` order give.
    init(_ numbers: ArraySlice<Double>) {
        let field = { (field: NodeStatisticsLayout.Field) in numbers[numbers.startIndex + field.rawValue] }
        self.init(count: Int(field(.count)), activeCount: Int(field(.activeCount)), mean: field(.mean), m2: field(.m2),
                  minimum: field(.minimum), maximum: field(.maximum))
    }
}

extension PairedRunningStatistics {
    /// Adds the pairs `other` summarises.
    mutating func merge(_ other: PairedRunningStatistics) {
        a.merge(other.a)
        b.merge(other.b)
        difference.merge(other.difference)
        absoluteDifferenceSum += other.absoluteDifferenceSum
    }
}
