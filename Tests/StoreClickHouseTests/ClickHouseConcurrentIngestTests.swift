import Dispatch
import Foundation
import IPG
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// Ingests started at the same moment into one ClickHouse store (one server and the two-shard
/// cluster): each completes with its own run id, and every trace is stored once under a
/// distinct trace id (a trace id is its run's id times 2^32 plus its place in the run).
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseConcurrentIngestTests {
    @Test(arguments: [false, true])
    func ingestsStartedTogetherGetDistinctRunIDs(clustered: Bool) throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("concurrent"), cluster: clustered ? servers.clusterName : nil)
        // One stream per writer, each under tags of its own, so that no writer skips another's traces.
        let counts = [30, 24, 18, 12]
        let streams = try counts.enumerated().map { writer, count in
            let path = directory.path("writer\(writer).ipgz")
            _ = try StoreFixtures.traces(count: count, seed: UInt64(20 + writer), path: path, frameCapacity: 6, tags: ["w\(writer)a", "w\(writer)b"])
            return path
        }
        _ = try ClickHouseBackend(url: url)  // the schema, made once before the writers start

        let summaries = try ingestTogether(streams.map { stream in
            { try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 5).ingest([stream]) }
        }).map { try $0.get() }
        #expect(summaries.map(\.tracesAdded) == counts)
        // Distinct ids (an id two writers claimed at once goes to neither: ids may skip numbers).
        let runIDs = summaries.map(\.runID)
        #expect(Set(runIDs).count == counts.count && runIDs.allSatisfy { $0 >= 1 }, "\(runIDs)")
        let backend = try ClickHouseBackend(url: url, access: .readOnly)
        let info = try backend.info()
        #expect(info.traces == counts.reduce(0, +))
        #expect(info.runs.map(\.id).sorted() == runIDs.sorted())
        #expect(info.runs.allSatisfy { $0.status == "finished" })
        for summary in summaries {
            #expect(info.runs.first { $0.id == summary.runID }?.tracesAdded == summary.tracesAdded)
        }
        let ids = TabSeparated.rows(try backend.client.execute("SELECT count(), uniqExact(id) FROM \(backend.table("traces")) FORMAT TabSeparated"))
        #expect(ids == [["\(counts.reduce(0, +))", "\(counts.reduce(0, +))"]])
    }
}

/// Runs each of `ingests` on a thread of its own, all released at once, and returns how each ended.
func ingestTogether(_ ingests: [@Sendable () throws -> IngestSummary]) -> [Result<IngestSummary, any Error>] {
    let outcomes = Outcomes(count: ingests.count)
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for (writer, ingest) in ingests.enumerated() {
        done.enter()
        Thread.detachNewThread {
            defer { done.leave() }
            start.wait()
            outcomes.set(writer, Result { try ingest() })
        }
    }
    for _ in ingests { start.signal() }
    done.wait()
    return outcomes.all()
}

/// What each writer thread ended with.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<IngestSummary, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ writer: Int, _ result: Result<IngestSummary, any Error>) {
        lock.withLock { results[writer] = result }
    }

    func all() -> [Result<IngestSummary, any Error>] {
        lock.withLock { results.map { $0 ?? .failure(CancellationError()) } }
    }
}
