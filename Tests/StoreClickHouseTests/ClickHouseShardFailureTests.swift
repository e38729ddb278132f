import Foundation
import IPG
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// A shard's server killed in the middle of an ingest into the cluster: the ingest fails
/// naming the store, and once the shard is back, running the stream again completes it with
/// every trace stored once, bit for bit. On a pair of servers of its own.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseShardFailureTests {
    @Test func killedShardMidIngestThenResumeLosesAndDoublesNothing() throws {
        let servers = try ClickHouseServers.start()
        defer { servers.stop() }
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 120, seed: 13, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: "resume", cluster: servers.clusterName)
        let backend = try ClickHouseBackend(url: url)

        let run = try backend.beginIngest(sources: stream, batchSize: 10)
        try run.beginModel(topology, encoding: .float32, source: stream, onnx: nil)
        var failure: (any Error)?
        for (number, trace) in traces.enumerated() {
            if number == 50 { servers.kill(shard: 2) }
            do { try run.add(trace) } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure as? StoreError)
        #expect(error.path == url)
        // The batch's check of what is stored reads both shards: it names the one gone.
        #expect(error.message.contains("Connection refused (\(servers.servers[1].host):"), "\(error.message)")
        #expect(!error.message.components(separatedBy: " (in: ")[0].contains("\n"))  // the server's message on one line
        run.fail(error)
        #expect(run.summary.tracesAdded == 50)

        try servers.restart(shard: 2)
        let resumed = try StreamIngestor(backend: backend, batchSize: 16).ingest([stream])
        #expect(resumed.tracesRead == 120 && resumed.tracesAdded + resumed.tracesSkipped == 120)
        #expect(resumed.tracesSkipped >= 50)
        let counts = TabSeparated.rows(try backend.client.execute(
            "SELECT count(), uniqExact(tag, input_index, input_hash, parent_tag, parent_index) FROM resume.traces FORMAT TabSeparated"))
        #expect(counts == [["120", "120"]])
        var stored: [String: Trace] = [:]
        try backend.forEachTrace(TraceSelection()) { stored["\($1.metadata.tag)/\($1.metadata.inputIndex)"] = $1; return true }
        for trace in traces {
            let read = stored["\(trace.metadata.tag)/\(trace.metadata.inputIndex)"]
            #expect(read?.metadata == trace.metadata)
            #expect(read?.layerValues.map { $0.map(\.bitPattern) } == trace.layerValues.map { $0.map(\.bitPattern) })
        }
        #expect(try backend.info().runs.map(\.status) == ["failed", "finished"])
    }
}
