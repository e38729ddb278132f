import Foundation
import GRDB
import IPG

/// `ipg_edge_stats`: per pair of nodes a layer connects, the running statistics of its
/// contribution over a group's traces (Welford, as the node statistics).
struct DerivedEdgeStatisticsAggregate: ValueScanAggregate {
    static let name = "ipg_edge_stats"
    private var pairs: [(source: Int, target: Int)] = []
    private var statistics: [RunningNodeStatistics] = []
    private let cache: ValueBlockCache
    private let kernels = DecodedKernelCache()

    init(cache: ValueBlockCache) { self.cache = cache }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        let derived = try DerivedEdgesFunction.derive(dbValues, layerValues: { try cache.values(dbValues, first: 0, layer: $0) }, kernels: kernels, function: Self.name)
        if pairs.isEmpty {
            pairs = derived.edges.map { ($0.source.index, $0.target.index) }
            statistics = [RunningNodeStatistics](repeating: RunningNodeStatistics(), count: pairs.count)
        }
        guard derived.edges.count == pairs.count else { throw DatabaseError(message: "\(Self.name): traces of different models in one group") }
        for (position, edge) in derived.edges.enumerated() {
            statistics[position].add(Double(edge.weight), active: derived.sourceActive[edge.source.index] && derived.targetActive[edge.target.index])
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let count = statistics.first?.count, count > 0 else { return nil }
        return "[" + pairs.indices.map { "[\(pairs[$0].source),\(pairs[$0].target)," + statistics[$0].fields(count: count) + "]" }.joined(separator: ",") + "]"
    }
}

/// `ipg_edge_pair_stats`: `DerivedEdgeStatisticsAggregate` over pairs of traces.
struct DerivedEdgePairStatisticsAggregate: ValueScanAggregate {
    static let name = "ipg_edge_pair_stats"
    private var pairs: [(source: Int, target: Int)] = []
    private var statistics: [PairedRunningStatistics] = []
    private let cache: ValueBlockCache
    private let kernels = DecodedKernelCache()

    init(cache: ValueBlockCache) { self.cache = cache }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        let first = try DerivedEdgesFunction.derive(dbValues, first: 4, layerValues: { try cache.values(dbValues, first: 0, layer: $0) }, kernels: kernels, function: Self.name)
        let second = try DerivedEdgesFunction.derive(dbValues, first: 4, layerValues: { try cache.values(dbValues, first: 2, layer: $0) }, kernels: kernels, function: Self.name)
        if pairs.isEmpty {
            pairs = first.edges.map { ($0.source.index, $0.target.index) }
            statistics = [PairedRunningStatistics](repeating: PairedRunningStatistics(), count: pairs.count)
        }
        guard first.edges.count == pairs.count, second.edges.count == pairs.count else {
            throw DatabaseError(message: "\(Self.name): traces of different models in one group")
        }
        for position in pairs.indices {
            let (edgeA, edgeB) = (first.edges[position], second.edges[position])
            let activeA = first.sourceActive[edgeA.source.index] && first.targetActive[edgeA.target.index]
            let activeB = second.sourceActive[edgeB.source.index] && second.targetActive[edgeB.target.index]
            statistics[position].add(Double(edgeA.weight), Double(edgeB.weight), activeA: activeA, activeB: activeB)
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let count = statistics.first?.a.count, count > 0 else { return nil }
        return "[" + pairs.indices.map { "[\(pairs[$0].source),\(pairs[$0].target)," + statistics[$0].fields(count: count) + "]" }.joined(separator: ",") + "]"
    }
}
