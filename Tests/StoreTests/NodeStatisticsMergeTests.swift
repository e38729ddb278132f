import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// `ipg_merge_node_stats`: partial `ipg_node_stats` / `ipg_node_pair_stats` arrays of a group
/// merged in `order`, checked against statistics computed by hand from the values the parts
/// summarise, and against `ipg_node_stats` of every trace at once.
@Suite struct NodeStatisticsMergeTests {
    static func merged(_ store: ProvenanceStore, _ parts: [(order: Int, statistics: String?)]) throws -> String? {
        let values = parts.map { "(\($0.order), ?)" }.joined(separator: ", ")
        return try store.read { db in
            try String.fetchOne(db, sql: "SELECT ipg_merge_node_stats(column1, column2) FROM (VALUES \(values))",
                                arguments: StatementArguments(parts.map(\.statistics)))
        }
    }

    static func numbers(_ json: String?) throws -> [[Double]] {
        try JSONDecoder().decode([[Double]].self, from: Data(try #require(json).utf8))
    }

    @Test func partsMergeIntoTheStatisticsOfAllTheirValues() throws {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 3, seed: 1)
        // Node 0: {1, 2} (1 active) and {1, 2, 3} (2 active): all five values have count 5, mean
        // 9/5, m2 Σ(x − 1.8)² = 2.8, 3 active, min 1, max 3. Node 1: {4, 4} and {−1, 0, 1}.
        let first = "[[2,1.5,0.5,1,1,2],[2,4,0,2,4,4]]", second = "[[3,2,2,2,1,3],[3,0,2,2,-1,1]]"
        for parts in [[(1, first), (0, second)], [(0, second), (1, first)], [(0, second), (2, nil), (1, first)]] as [[(Int, String?)]] {
            let nodes = try Self.numbers(try Self.merged(store, parts.map { (order: $0.0, statistics: $0.1) }))
            #expect(nodes.count == 2)
            let (node0, node1) = (nodes[0], nodes[1])
            #expect(node0[0] == 5 && node0[3] == 3 && node0[4] == 1 && node0[5] == 3)
            #expect(abs(node0[1] - 1.8) < 1e-15 && abs(node0[2] - 2.8) < 1e-14)
            // {4, 4, −1, 0, 1}: mean 8/5, m2 = 2·2.4² + 2.6² + 1.6² + 0.6² = 21.2.
            #expect(node1[0] == 5 && node1[3] == 4 && node1[4] == -1 && node1[5] == 4)
            #expect(abs(node1[1] - 1.6) < 1e-15 && abs(node1[2] - 21.2) < 1e-13)
        }
        #expect(try Self.merged(store, [(0, nil)]) == nil)
        #expect(throws: (any Error).self) { try Self.merged(store, [(0, first), (1, "[[1,2]]")]) }
        #expect(throws: (any Error).self) { try Self.merged(store, [(0, first), (1, "[[3,2,2,2,1,3]]")]) }
    }

    @Test func pairedPartsMergeTheirAbsoluteMeansByCount() throws {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 3, seed: 1)
        // a, b and a − b of 2 pairs with mean |a − b| 0.5, then of 3 pairs with 1: (2·0.5 + 3·1) / 5.
        let set = { (count: Int, absolute: Double) in "[[" + Array(repeating: "\(count),1,0,0,1,1", count: 3).joined(separator: ",") + ",\(absolute)]]" }
        let nodes = try Self.numbers(try Self.merged(store, [(0, set(2, 0.5)), (1, set(3, 1))]))
        #expect(nodes.count == 1 && nodes[0].count == 19)
        #expect(nodes[0][0] == 5 && nodes[0][6] == 5 && nodes[0][12] == 5)
        #expect(abs(nodes[0][18] - 0.8) < 1e-15)
    }

    @Test func mergingTheTracesByBlockGivesTheStatisticsOfAll() throws {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 40, seed: 8)
        let all = try store.read { db in
            try String.fetchOne(db, sql: "SELECT ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = 1")
        }
        let merged = try store.read { db in
            try String.fetchOne(db, sql: """
                SELECT ipg_merge_node_stats(part, stats) FROM (SELECT t.value_block % 3 AS part,
                    ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
                    FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = 1 GROUP BY t.value_block % 3)
                """)
        }
        let (expected, actual) = (try Self.numbers(all), try Self.numbers(merged))
        #expect(expected.count == 5 && actual.count == 5)
        for (x, y) in zip(expected, actual) {
            #expect(x[0] == y[0] && x[3] == y[3] && x[4] == y[4] && x[5] == y[5], "\(x) vs \(y)")
            #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($0)) }, "\(x) vs \(y)")
        }
    }
}
