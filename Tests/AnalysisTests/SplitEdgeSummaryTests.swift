import Analysis
import Foundation
import IPG
import Query
import Store
import Testing
import TestSupport

/// Edge summaries of layers whose edges are derived from maps (conv, batch norm, pooling,
/// reshape, merge) split as node summaries do: each part aggregates its value blocks' edges
/// (`ipg_edge_stats`, `ipg_edge_pair_stats`), merged by `ipg_merge_edge_stats`; run as 2 or 3
/// statements they give the rows of the single statement (reals within
/// `SplitQueryTests.tolerance`).
@Suite struct SplitEdgeSummaryTests {
    /// 2 × 24 traces of a fixture CNN (clean, and noisy children of them) ingested in batches of
    /// 5, so that every part reads several value blocks; its layers with edges derived from
    /// maps, merge layers (several sources) among them.
    static func store(_ fixture: String, in directory: TemporaryDirectory) throws -> (path: String, layers: [Int]) {
        let (topology, traces) = try ConvStoreFixtures.traces(fixture, count: 24, seed: 41)
        let stream = directory.path("traces.ipgz"), path = directory.path("store.sqlite")
        try TraceStreamFixtures.writeStream(traces, topology: topology, to: stream)
        _ = try StreamIngestor(backend: ProvenanceStore(path: path), batchSize: 5).ingest([stream])
        let blocks = try ProvenanceStore(path: path, access: .readOnly).run(sql: "SELECT COUNT(DISTINCT value_block) FROM traces", arguments: [])
        #expect(blocks.rows == [[.integer(10)]])
        let layers = topology.layers.filter { EdgeRuleKind.derivedFromMaps.contains($0.edgeRule.kind) || $0.isMerge }.map(\.index)
        return (path, layers)
    }

    @Test(arguments: ["cnn2d", "concat_net"])
    func derivedEdgeSummariesGiveTheRowsOfOneStatement(_ fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, layers) = try Self.store(fixture, in: directory)
        #expect(!layers.isEmpty)
        for layer in layers {
            for text in [
                "from traces where confidence > 0.2 | edges into layer \(layer) | summarize count, mean, stddev, freq, min, max by edge",
                "from traces where tag = 'noisy' and input > 3 | edges into layer \(layer) | summarize mean, effect, distance, max_distance by edge | versus parent",
                "from traces where tag = 'clean' and input < 20 | edges into layer \(layer) | summarize mean, freq by edge | versus traces where tag = 'noisy' and confidence > 0.1",
            ] {
                let single = try SplitQueryTests.rows(path, text, workers: 1)
                #expect(single.split, "does not split: \(text)")
                for workers in [2, 3] {
                    let split = try SplitQueryTests.rows(path, text, workers: workers)
                    #expect(split.statements.contains(workers), "\(workers) workers ran \(split.statements): \(text)")
                    SplitQueryTests.expectEqual(split.table, single.table, "\(fixture), \(workers) workers: \(text)")
                }
            }
        }
    }
}
