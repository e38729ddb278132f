import Foundation
import IPG
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// `deepprov ingest` processes writing one ClickHouse store at once: two or three ingests of the
/// same stream store its traces once (as an ingest into SQLite does), and an ingest that finds
/// its tag held by a live writer elsewhere says it waits, then exits with status 1 naming the
/// tag and the holding run; so does a capture into the store, after its own `--busy-timeout`.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseConcurrentIngestCommandTests {
    @Test(arguments: [2, 3])
    func processesIngestingOneStreamStoreItOnce(processes: Int) throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), sqlite = directory.path("reference.sqlite")
        let (_, traces) = try StoreFixtures.traces(count: 60, seed: 12, path: stream, frameCapacity: 6, tags: ["clean", "noisy", "blur"])
        _ = try deepProvOutput(["ingest", "--db", sqlite, "--quiet", stream])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_same_stream"))
        _ = try ClickHouseBackend(url: url)  // the schema, made before the writers start

        let running = try (0..<processes).map { _ in try DeepProvProcess(["ingest", "--db", url, "--batch-size", "4", "--quiet", stream]) }
        let outcomes = try running.map { try $0.finish() }
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        // "ingested 60 traces into URL in S s (R traces/s): N new, M already stored (run K)"
        let added = outcomes.compactMap { outcome in
            outcome.stderr.components(separatedBy: "): ").last?.split(separator: " ").first.flatMap { Int($0) }
        }
        #expect(added.count == processes && added.reduce(0, +) == traces.count, "\(outcomes.map(\.stderr))")
        let stored = try storedTraces(ClickHouseBackend(url: url, access: .readOnly))
        #expect(stored.count == traces.count)
        #expect(stored == (try storedTraces(ProvenanceStore(path: sqlite, access: .readOnly))))
    }

    @Test func ingestGivesUpOnAHeldTag() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, _) = try StoreFixtures.traces(count: 12, seed: 13, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_held"))
        let backend = try ClickHouseBackend(url: url)
        try backend.client.execute(TagClaimRows.claim(
            database: backend.address.database, modelID: ClickHouseModelRegistry.modelID(topology.fingerprint), tag: "noisy",
            claimant: "elsewhere-writer", runID: 99, processID: 4242, host: "elsewhere"))

        let (stdout, stderr, status) = try DeepProvProcess(["ingest", "--db", url, "--busy-timeout", "3", stream]).finish()
        #expect(status == 1 && stdout.isEmpty)
        let model = topology.fingerprint.prefix(12), holder = "held by ingest run 99 (process 4242 on host elsewhere, heard from "
        #expect(stderr.contains("waiting for tag 'noisy' of model \(model), \(holder)"), "\(stderr)")
        #expect(stderr.contains("\(url): gave up after 3 s waiting to write tag 'noisy' of model \(model), \(holder)"), "\(stderr)")
        #expect(stderr.contains("Run it again once that run has finished (stored traces are skipped), or wait longer (--busy-timeout SECONDS)"), "\(stderr)")
    }

    /// `capture --db clickhouse://… --busy-timeout S` waits for a held tag as `ingest` does:
    /// says it waits, gives up after S seconds naming the tag and holder (exit status 1), and
    /// stores none of that tag's traces; a negative timeout is refused before anything runs.
    @Test func captureGivesUpOnAHeldTagAfterItsBusyTimeout() throws {
        let servers = try ClickHouseServers.shared()
        let fixture = FixturePaths.onnxFixture("cnn1d")
        let arguments = ["capture", "--model", fixture.appendingPathComponent("model.onnx").path,
                         "--inputs", fixture.appendingPathComponent("input.npy").path]
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_capture_held"))
        let first = try DeepProvProcess(arguments + ["--db", url, "--tag", "first", "--quiet"]).finish()
        #expect(first.status == 0, "\(first.stderr)")
        let backend = try ClickHouseBackend(url: url)
        let fingerprint = try backend.info().models[0].fingerprint
        try backend.client.execute(TagClaimRows.claim(
            database: backend.address.database, modelID: ClickHouseModelRegistry.modelID(fingerprint), tag: "clean",
            claimant: "elsewhere-writer", runID: 99, processID: 4242, host: "elsewhere"))

        let (stdout, stderr, status) = try DeepProvProcess(arguments + ["--db", url, "--busy-timeout", "2"]).finish()
        #expect(status == 1 && stdout.isEmpty)
        let model = fingerprint.prefix(12), holder = "held by ingest run 99 (process 4242 on host elsewhere, heard from "
        #expect(stderr.contains("waiting for tag 'clean' of model \(model), \(holder)"), "\(stderr)")
        #expect(stderr.contains("\(url): gave up after 2 s waiting to write tag 'clean' of model \(model), \(holder)"), "\(stderr)")
        let info = try ClickHouseBackend(url: url, access: .readOnly).info()
        #expect(info.runs.map(\.status) == ["finished", "failed"] && info.tags["clean"] == nil && info.tags["first"] != nil)

        // Refused as ingest refuses it (a usage error, the same message).
        for value in ["-1", "soon"] {
            let capture = try DeepProvProcess(arguments + ["--db", url, "--busy-timeout=\(value)"]).finish()
            let ingest = try DeepProvProcess(["ingest", "--db", url, "--busy-timeout=\(value)", "t.ipgz"]).finish()
            #expect(capture.status == 64 && ingest.status == 64)
            #expect(capture.stderr.split(separator: "\n").first == ingest.stderr.split(separator: "\n").first, "\(capture.stderr)")
        }
        let negative = try DeepProvProcess(arguments + ["--db", url, "--busy-timeout=-1"]).finish()
        #expect(negative.stderr.hasPrefix("Error: --busy-timeout must not be negative\n"), "\(negative.stderr)")
    }
}
