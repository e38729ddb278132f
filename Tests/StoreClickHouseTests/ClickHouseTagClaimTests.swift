import Foundation
import IPG
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// Ingests of the same (model, tag)s at once take turns through `tag_claims_by_hour`: the traces
/// of one stream ingested by two or three writers at once are stored once, exactly as an SQLite
/// ingest of it stores them; other tags never wait; a claim left by a dead writer is passed over,
/// and a live one makes a writer give up after its timeout with an error naming the tag and
/// holder. Lapsed claims go away by the hour; migrating a 0003 store keeps its recent claims.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseTagClaimTests {
    @Test(arguments: [(2, false), (3, false), (3, true)])
    func writersOfOneStreamStoreItOnce(writers: Int, clustered: Bool) throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), sqlite = directory.path("reference.sqlite")
        let (_, traces) = try StoreFixtures.traces(count: 60, seed: 31, path: stream, frameCapacity: 6, tags: ["clean", "noisy", "blur"])
        _ = try StreamIngestor(backend: ProvenanceStore(path: sqlite)).ingest([stream])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("same_stream"), cluster: clustered ? servers.clusterName : nil)
        _ = try ClickHouseBackend(url: url)  // the schema, made once before the writers start

        // Small batches: many chances for two writers to read the same missing traces at once.
        let summaries = try ingestTogether((0..<writers).map { _ in
            { try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 4).ingest([stream]) }
        }).map { try $0.get() }

        #expect(summaries.allSatisfy { $0.tracesRead == traces.count && $0.tracesAdded + $0.tracesSkipped == traces.count })
        #expect(summaries.map(\.tracesAdded).reduce(0, +) == traces.count, "\(summaries.map(\.tracesAdded))")
        let stored = try storedTraces(ClickHouseBackend(url: url, access: .readOnly))
        #expect(stored.count == traces.count)
        #expect(stored == (try storedTraces(ProvenanceStore(path: sqlite, access: .readOnly))))
    }

    /// Two streams of one model under different tags, ingested at once, both land in full.
    @Test func differentTagsIngestAtOnce() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let first = directory.path("first.ipgz"), second = directory.path("second.ipgz"), sqlite = directory.path("reference.sqlite")
        let (topology, firstTraces) = try StoreFixtures.traces(count: 40, seed: 5, path: first, frameCapacity: 6, tags: ["clean", "noisy"])
        let (sameModel, secondTraces) = try StoreFixtures.traces(count: 30, seed: 6, path: second, frameCapacity: 6, tags: ["blur"])
        #expect(sameModel.fingerprint == topology.fingerprint)
        _ = try StreamIngestor(backend: ProvenanceStore(path: sqlite)).ingest([first, second])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("two_tags"))
        _ = try ClickHouseBackend(url: url)

        let summaries = try ingestTogether([first, second].map { stream in
            { try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 3).ingest([stream]) }
        }).map { try $0.get() }
        #expect(summaries.map(\.tracesAdded) == [firstTraces.count, secondTraces.count])
        #expect(try storedTraces(ClickHouseBackend(url: url, access: .readOnly)) == (try storedTraces(ProvenanceStore(path: sqlite, access: .readOnly))))
    }

    /// A live claim on one tag holds back only that tag: an ingest of another tag of the model
    /// goes through without waiting (a timeout of 0), one of the claimed tag gives up at once.
    @Test func aClaimHoldsBackOnlyItsTag() throws {
        let (url, backend, topology) = try emptyStore("one_tag")
        let directory = try TemporaryDirectory()
        let claimed = directory.path("claimed.ipgz"), free = directory.path("free.ipgz")
        _ = try StoreFixtures.traces(count: 8, seed: 7, path: claimed, tags: ["clean"])
        _ = try StoreFixtures.traces(count: 8, seed: 8, path: free, tags: ["noisy"])
        try backend.client.execute(TagClaimRows.claim(database: backend.address.database, modelID: modelID(topology), tag: "clean",
                                                      claimant: "elsewhere-writer", runID: 99, processID: 4242, host: "elsewhere"))

        let writer = try ClickHouseBackend(url: url)
        writer.busyTimeout = 0
        #expect(try StreamIngestor(backend: writer).ingest([free]).tracesAdded == 8)
        let refused = #expect(throws: StoreError.self) { try StreamIngestor(backend: writer).ingest([claimed]) }
        guard case .busy(let tag, _, let holder, _)? = refused?.reason else { Issue.record("\(String(describing: refused))"); return }
        #expect(tag == "clean" && holder.hasPrefix("held by ingest run 99 (process 4242 on host elsewhere, heard from "), "\(holder)")
    }

    /// Claims of writers that died are passed over: one whose process is gone from this host
    /// at once, one from another host once it has gone unrenewed for a lease. An ingest that
    /// may not wait at all (a timeout of 0) then stores every trace.
    @Test func staleClaimsArePassedOver() throws {
        let (url, backend, topology) = try emptyStore("stale")
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 12, seed: 9, path: stream, tags: ["clean", "noisy"])
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let database = backend.address.database, model = modelID(topology)
        try backend.client.execute(TagClaimRows.claim(database: database, modelID: model, tag: "clean", claimant: "dead-here", runID: 97,
                                                      processID: ended.processIdentifier, host: WriterProcess.current.host))
        try backend.client.execute(TagClaimRows.claim(database: database, modelID: model, tag: "noisy", claimant: "lapsed-elsewhere", runID: 98,
                                                      processID: 4242, host: "elsewhere", secondsAgo: 2 * ClickHouseTagClaim.lease))

        let writer = try ClickHouseBackend(url: url)
        writer.busyTimeout = 0
        #expect(try StreamIngestor(backend: writer).ingest([stream]).tracesAdded == traces.count)
        #expect(try storedTraces(ClickHouseBackend(url: url, access: .readOnly)).count == traces.count)
    }

    /// A live claim of a writer on another host: the ingest waits, says so once, gives up after
    /// its timeout naming the tag and the holding run, and records its run as failed; once the
    /// claim is released, running it again stores every trace.
    @Test func aLiveClaimMakesAWriterGiveUp() throws {
        let (url, backend, topology) = try emptyStore("live")
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 12, seed: 10, path: stream, tags: ["clean", "noisy"])
        let database = backend.address.database, model = modelID(topology)
        try backend.client.execute(TagClaimRows.claim(database: database, modelID: model, tag: "noisy", claimant: "elsewhere-writer",
                                                      runID: 99, processID: 4242, host: "elsewhere"))

        let writer = try ClickHouseBackend(url: url)
        let told = Messages()
        writer.busyTimeout = 3
        writer.onWaiting = { told.append($0) }
        let refused = #expect(throws: StoreError.self) { try StreamIngestor(backend: writer).ingest([stream]) }
        guard case .busy(let tag, let fingerprint, let holder, let waited)? = refused?.reason else {
            Issue.record("\(String(describing: refused))")
            return
        }
        #expect(tag == "noisy" && fingerprint == topology.fingerprint && waited == 3)
        #expect(holder.hasPrefix("held by ingest run 99 (process 4242 on host elsewhere, heard from "), "\(holder)")
        #expect(told.all.count == 1 && told.all.first?.hasPrefix("waiting for tag 'noisy' of model \(topology.fingerprint.prefix(12)), \(holder.prefix(60))") == true,
                "\(told.all)")
        let info = try ClickHouseBackend(url: url, access: .readOnly).info()
        #expect(info.traces == 0 && info.runs.map(\.status) == ["failed"])

        try backend.client.execute(TagClaimRows.release(database: database, modelID: model, tag: "noisy", claimant: "elsewhere-writer"))
        writer.busyTimeout = 0
        #expect(try StreamIngestor(backend: writer).ingest([stream]).tracesAdded == traces.count)
    }

    /// A store holding claims from 2 to 49 hours ago and a few from the last half minute: after
    /// an ingest only the recent ones (and the ingest's own) are left, every old hour dropped.
    @Test func lapsedClaimsGoAwayWithAnIngest() throws {
        let (url, backend, topology) = try emptyStore("lapsed")
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 12, seed: 11, path: stream, tags: ["clean", "noisy"])
        let database = backend.address.database, model = modelID(topology)
        for hours in 2...49 {
            try backend.client.execute(TagClaimRows.claim(database: database, modelID: model, tag: hours % 2 == 0 ? "clean" : "noisy",
                                                          claimant: "old-\(hours)", runID: hours, processID: 4242, host: "elsewhere",
                                                          secondsAgo: hours * 3600))
        }
        for (claimant, secondsAgo) in [("recent-0", 0), ("recent-10", 10), ("recent-30", 30)] {
            try backend.client.execute(TagClaimRows.claim(database: database, modelID: model, tag: "clean", claimant: claimant, runID: 90,
                                                          processID: 4242, host: "elsewhere", secondsAgo: secondsAgo))
            try backend.client.execute(TagClaimRows.release(database: database, modelID: model, tag: "clean", claimant: claimant))
        }
        #expect(try hoursHeld(backend) >= 49)

        let writer = try ClickHouseBackend(url: url)
        writer.busyTimeout = 0
        #expect(try StreamIngestor(backend: writer).ingest([stream]).tracesAdded == traces.count)
        let left = TabSeparated.rows(try backend.client.execute("""
            SELECT claimant, count() FROM \(database).tag_claims_by_hour WHERE claimant LIKE 'old-%' OR claimant LIKE 'recent-%'
            GROUP BY claimant ORDER BY claimant FORMAT TabSeparated
            """))
        #expect(left == [["recent-0", "2"], ["recent-10", "2"], ["recent-30", "2"]])
        let own = TabSeparated.integer(try backend.client.execute(
            "SELECT count() FROM \(database).tag_claims_by_hour WHERE event = 'claim' AND host = '\(WriterProcess.current.host)' FORMAT TabSeparated"))
        #expect((own ?? 0) > 0)
        #expect(try hoursHeld(backend) <= 2)
    }

    /// Migrating a store made before 0004 moves its claims of the last hour to
    /// `tag_claims_by_hour` and no older ones, empties `tag_claims`, and a claim live before the
    /// migration still holds its tag after it.
    @Test func migratingKeepsTheClaimsOfTheLastHour() throws {
        let servers = try ClickHouseServers.shared()
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("claims_0003"))
        let address = try ClickHouseAddress(parsing: url)
        let client = ClickHouseClient(host: address.host, port: address.port, location: url)
        try ClickHouseMigrator(client: client, address: address, migrations: Array(embeddedClickHouseMigrations.prefix(3))).migrate()
        let topology = try StoreFixtures.traces(count: 1, seed: 1).0
        let database = address.database, model = modelID(topology)
        let ages = ["live": 5, "minute": 60, "half-hour": 1800, "hour": 3540, "two-hours": 7200, "day": 86_400]
        for (claimant, secondsAgo) in ages {
            try client.execute(TagClaimRows.claim(database: database, modelID: model, tag: "noisy", claimant: claimant, runID: 99,
                                                  processID: 4242, host: "elsewhere", secondsAgo: secondsAgo, table: "tag_claims"))
        }

        let backend = try ClickHouseBackend(url: url)
        #expect(try backend.schemaVersion() == 4)
        let moved = TabSeparated.rows(try client.execute(
            "SELECT claimant FROM \(database).tag_claims_by_hour ORDER BY claimant FORMAT TabSeparated")).map { $0[0] }
        #expect(moved == ["half-hour", "hour", "live", "minute"])
        #expect(TabSeparated.integer(try client.execute("SELECT count() FROM \(database).tag_claims FORMAT TabSeparated")) == 0)

        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        _ = try StoreFixtures.traces(count: 4, seed: 12, path: stream, tags: ["noisy"])
        backend.busyTimeout = 0
        let refused = #expect(throws: StoreError.self) { try StreamIngestor(backend: backend).ingest([stream]) }
        guard case .busy(let tag, _, let holder, _)? = refused?.reason else { Issue.record("\(String(describing: refused))"); return }
        #expect(tag == "noisy" && holder.hasPrefix("held by ingest run 99 "), "\(holder)")
    }

    /// The number of hours (partitions) of claims the store keeps.
    private func hoursHeld(_ backend: ClickHouseBackend) throws -> Int {
        TabSeparated.integer(try backend.client.execute("""
            SELECT uniqExact(partition) FROM system.parts
            WHERE database = '\(backend.address.database)' AND table = 'tag_claims_by_hour' AND active FORMAT TabSeparated
            """)) ?? -1
    }

    /// A new store on the shared server with the schema made, and the fixture model's topology.
    private func emptyStore(_ stem: String) throws -> (url: String, backend: ClickHouseBackend, topology: ModelTopology) {
        let url = try ClickHouseServers.shared().servers[0].url(database: ClickHouseServers.uniqueDatabase(stem))
        return (url, try ClickHouseBackend(url: url), try StoreFixtures.traces(count: 1, seed: 1).0)
    }

    private func modelID(_ topology: ModelTopology) -> UInt64 {
        ClickHouseModelRegistry.modelID(topology.fingerprint)
    }
}

/// The messages an ingest's `onWaiting` was given.
private final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    var all: [String] { lock.withLock { messages } }

    func append(_ message: String) {
        lock.withLock { messages.append(message) }
    }
}
