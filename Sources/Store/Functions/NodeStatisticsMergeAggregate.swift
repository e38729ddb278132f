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
    private var merge = PartialStatisticsMerge(function: "ipg_merge_node_stats", keys: 0)

    mutating func step(_ dbValues: [DatabaseValue]) throws { try merge.step(dbValues) }

    func finalize() throws -> (any DatabaseValueConvertible)? { try merge.finalize() }
}

/// Partial arrays of per-element statistics merged in order: each element is `keys` leading
/// numbers that name it (none for a node, source and target for an edge), then the 6 numbers
/// of `NodeStatisticsLayout` or the 19 of its paired layout. Every part lists the same
/// elements in the same order (one layer's nodes or edges).
struct PartialStatisticsMerge {
    let function: String
    let keys: Int
    private var parts: [(order: Int64, statistics: String)] = []

    init(function: String, keys: Int) {
        self.function = function
        self.keys = keys
    }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let order = Int64.fromDatabaseValue(dbValues[0]) else {
            throw DatabaseError(message: "\(function): the order is not a whole number")
        }
        guard let statistics = String.fromDatabaseValue(dbValues[1]) else { return }
        parts.append((order, statistics))
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        var merged: [PairedRunningStatistics] = []
        var names: [String] = []
        var width = 0
        for part in parts.sorted(by: { $0.order < $1.order }) {
            let elements = try elements(part.statistics)
            guard !elements.isEmpty else { continue }
            if merged.isEmpty { (merged, names, width) = (elements.map(\.statistics), elements.map(\.name), elements[0].width); continue }
            guard elements.count == merged.count, elements.allSatisfy({ $0.width == width }), elements.map(\.name) == names else {
                throw DatabaseError(message: "\(function): parts of different layers in one group")
            }
            for element in merged.indices { merged[element].merge(elements[element].statistics) }
        }
        guard let count = merged.first?.a.count, count > 0 else { return nil }
        let fields = { (element: Int) in
            width == NodeStatisticsLayout.width ? merged[element].a.fields(count: count) : merged[element].fields(count: count)
        }
        return "[" + merged.indices.map { "[" + names[$0] + fields($0) + "]" }.joined(separator: ",") + "]"
    }

    /// A partial array's elements: the numbers naming each (as written back, with a trailing
    /// comma), its statistics (only `a` set for 6 numbers) and their count.
    private func elements(_ text: String) throws -> [(name: String, statistics: PairedRunningStatistics, width: Int)] {
        guard let elements = try? JSONDecoder().decode([[Double]].self, from: Data(text.utf8)) else {
            throw DatabaseError(message: "\(function): not an array of statistics: \(text.prefix(80))")
        }
        return try elements.map { numbers in
            guard numbers.count >= keys else { throw DatabaseError(message: "\(function): an element with \(numbers.count) numbers") }
            let name = numbers.prefix(keys).map { "\(Int($0))," }.joined()
            let statistics = numbers.dropFirst(keys)
            switch statistics.count {
            case NodeStatisticsLayout.width:
                return (name, PairedRunningStatistics(a: RunningNodeStatistics(statistics)), statistics.count)
            case NodeStatisticsLayout.pairWidth:
                let part = { (part: NodeStatisticsLayout.PairPart) in
                    let first = statistics.startIndex + NodeStatisticsLayout.pairIndex(part, .count)
                    return RunningNodeStatistics(statistics[first..<first + NodeStatisticsLayout.width])
                }
                let count = statistics[statistics.startIndex + NodeStatisticsLayout.pairIndex(.first, .count)]
                let absoluteMean = statistics[statistics.startIndex + NodeStatisticsLayout.pairAbsoluteMeanIndex]
                return (name, PairedRunningStatistics(a: part(.first), b: part(.second), difference: part(.difference),
                                                      absoluteDifferenceSum: absoluteMean * count), statistics.count)
            default:
                throw DatabaseError(message: "\(function): an element with \(numbers.count) numbers")
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
