import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// `ipg_merge_edge_stats` and `ipg_merge_edge_activity`: partial edge statistics (each edge its
/// source and target, then its statistics) and edge activity counts of a group merged, checked
/// against values computed by hand.
@Suite struct EdgeMergeAggregateTests {
    static func merged(_ sql: String, _ parts: [(order: Int, value: String?)]) throws -> String? {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 1, seed: 1)
        let values = parts.map { "(\($0.order), ?)" }.joined(separator: ", ")
        return try store.read { db in
            try String.fetchOne(db, sql: "SELECT \(sql) FROM (VALUES \(values))", arguments: StatementArguments(parts.map(\.value)))
        }
    }

    @Test func edgeStatisticsMergePerEdgeKeepingItsEnds() throws {
        // Edge 3→1: {1, 2} (1 active) and {1, 2, 3} (2 active): count 5, mean 1.8, m2 2.8, 3
        // active, min 1, max 3. Edge 4→1: {4, 4} and {−1, 0, 1}: mean 1.6, m2 21.2.
        let first = "[[3,1,2,1.5,0.5,1,1,2],[4,1,2,4,0,2,4,4]]", second = "[[3,1,3,2,2,2,1,3],[4,1,3,0,2,2,-1,1]]"
        let text = try #require(try Self.merged("ipg_merge_edge_stats(column1, column2)", [(1, first), (2, nil), (0, second)]))
        let edges = try JSONDecoder().decode([[Double]].self, from: Data(text.utf8))
        #expect(edges.count == 2)
        #expect(edges[0][0...1] == [3, 1] && edges[1][0...1] == [4, 1])
        #expect(edges[0][2] == 5 && edges[0][5] == 3 && edges[0][6] == 1 && edges[0][7] == 3)
        #expect(abs(edges[0][3] - 1.8) < 1e-15 && abs(edges[0][4] - 2.8) < 1e-14)
        #expect(edges[1][2] == 5 && edges[1][5] == 4 && edges[1][6] == -1 && edges[1][7] == 4)
        #expect(abs(edges[1][3] - 1.6) < 1e-15 && abs(edges[1][4] - 21.2) < 1e-13)
        // Parts naming other edges, or without their ends, are refused.
        #expect(throws: (any Error).self) { try Self.merged("ipg_merge_edge_stats(column1, column2)", [(0, first), (1, "[[3,2,3,2,2,2,1,3],[4,1,3,0,2,2,-1,1]]")]) }
        #expect(throws: (any Error).self) { try Self.merged("ipg_merge_edge_stats(column1, column2)", [(0, "[[2,1.5,0.5,1,1,2]]")]) }
        #expect(try Self.merged("ipg_merge_edge_stats(column1, column2)", [(0, nil)]) == nil)
    }

    @Test func edgeActivityCountsAddUp() throws {
        #expect(try Self.merged("ipg_merge_edge_activity(column2)", [(0, "[1,0,2]"), (1, nil), (2, "[0,3,1]")]) == "[1,3,3]")
        #expect(try Self.merged("ipg_merge_edge_activity(column2)", [(0, nil)]) == nil)
        #expect(throws: (any Error).self) { try Self.merged("ipg_merge_edge_activity(column2)", [(0, "[1,0,2]"), (1, "[1]")]) }
        #expect(throws: (any Error).self) { try Self.merged("ipg_merge_edge_activity(column2)", [(0, "[[1]]")]) }
    }
}
