import Analysis
import Engine
import Foundation
import Store
import StoreClickHouse
import Testing
import TestSupport

/// Repair through the backend seam: RepairFixtures' traces ingested into SQLite and into
/// ClickHouse (one server, and the two-shard cluster) give the same repair — the same split,
/// actions or selected edges, accuracies, seeds and byte-identical repaired ONNX — and the same
/// recorded repair. ClickHouse gets each tag's traces in the reverse order, so the repair cannot
/// lean on the order a backend stores traces in. The expected repairs are the ones known by hand
/// (NodeRepairTests, EdgeRepairTests), so that both backends being wrong the same way fails too.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseRepairEquivalenceTests {
    struct Stores {
        let directory: TemporaryDirectory
        let model: Model
        let sqlite: ProvenanceStore
        let clickHouse: ClickHouseBackend

        init(clustered: Bool, shift: @escaping (Int) -> Float) throws {
            let servers = try ClickHouseServers.shared()
            directory = try TemporaryDirectory()
            sqlite = try ProvenanceStore(path: directory.path("store.sqlite"))
            model = try RepairFixtures.store(into: sqlite, shift: shift)
            let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("repair"), cluster: clustered ? servers.clusterName : nil)
            clickHouse = try ClickHouseBackend(url: url)
            try RepairFixtures.store(into: clickHouse, shift: shift, reversingEachTag: true)
        }

        func request(_ actions: RepairActions) -> RepairRequest {
            RepairRequest(modelFingerprint: model.fingerprint, cleanTag: RepairFixtures.cleanTag, adversarialTag: RepairFixtures.adversarialTag,
                          actions: actions, validationFraction: 0.25, seed: 7, maxBenignDrop: 100, maxWeightChange: 12.5,
                          epochs: 4, repairEpsilon: 0.3, learningRate: 0.2, adaptiveEpsilon: 0.3)
        }

        /// The recorded repairs of both stores, with their times (which differ) checked and cleared.
        func recordedRepairs() throws -> (sqlite: [RecordedRepair], clickHouse: [RecordedRepair]) {
            func cleared(_ records: [RecordedRepair]) -> [RecordedRepair] {
                records.map { record in
                    #expect(ISO8601DateFormatter().date(from: record.createdAt) != nil, "created at '\(record.createdAt)'")
                    var record = record
                    record.createdAt = ""
                    return record
                }
            }
            return (cleared(try RecordedRepair.all(in: sqlite)), cleared(try RecordedRepair.all(in: clickHouse)))
        }
    }

    @Test(arguments: [false, true])
    func nodeRepairIsTheSameOnBothBackends(clustered: Bool) throws {
        let stores = try Stores(clustered: clustered) { _ in 0.5 }
        let request = stores.request(.node)
        let reference = try NodeRepair.run(request, backend: stores.sqlite)
        let got = try NodeRepair.run(request, backend: stores.clickHouse)
        // by hand (NodeRepairTests): node 1 of layer 1 pulled back to its benign value 1
        let actions = reference.outcome.layers.flatMap(\.actions)
        #expect(reference.outcome.layers.map(\.layer) == [1] && actions.map(\.node) == [1] && actions.map(\.target) == [1])
        #expect(reference.outcome.repairedValidation == RepairScores(benign: 1, adversarial: 1))
        #expect(got.outcome == reference.outcome)
        #expect(got.repairedONNX == reference.repairedONNX)
        #expect(got.record == reference.record)
        let recorded = try stores.recordedRepairs()
        #expect(recorded.sqlite.count == 1 && recorded.clickHouse == recorded.sqlite)
        #expect(recorded.clickHouse.first?.outcome == reference.outcome)
    }

    @Test(arguments: [false, true])
    func edgeRepairIsTheSameOnBothBackends(clustered: Bool) throws {
        let stores = try Stores(clustered: clustered, shift: EdgeRepairFixture.oneWayShift)
        let request = stores.request(.edge)
        let reference = try EdgeRepair.run(request, backend: stores.sqlite)
        let got = try EdgeRepair.run(request, backend: stores.clickHouse)
        // by hand (EdgeRepairTests): a 12.5 % budget is one entry, w2[3]
        #expect(reference.outcome.budget == 1 && reference.outcome.layers.map(\.selected) == [[], [3]])
        #expect(reference.outcome.epochScores.count == 5 && reference.outcome.epochScores[0] == RepairScores(benign: 1, adversarial: 0))
        #expect(got.outcome == reference.outcome)
        #expect(got.repairedONNX == reference.repairedONNX)
        #expect(got.record == reference.record)
        let recorded = try stores.recordedRepairs()
        #expect(recorded.sqlite.count == 1 && recorded.clickHouse == recorded.sqlite)
        #expect(recorded.clickHouse.first?.edge == reference.outcome)
    }

    /// `both` (node actions, edge repair, the three candidates scored) and the whole-model
    /// baseline, on the cluster: the same choice and model as on SQLite, and both recorded.
    @Test func bothAndTheBaselineAreTheSameOnTheCluster() throws {
        let stores = try Stores(clustered: true, shift: EdgeRepairFixture.oneWayShift)
        let both = try RepairComparison.run(stores.request(.both), backend: stores.sqlite)
        let gotBoth = try RepairComparison.run(stores.request(.both), backend: stores.clickHouse)
        #expect(both.choice.candidates.map(\.name) == ["original", "node", "edge"])
        #expect(gotBoth.choice == both.choice)
        #expect(gotBoth.repairedONNX == both.repairedONNX)
        let baseline = try EdgeRepair.run(stores.request(.wholeModel), backend: stores.sqlite)
        let gotBaseline = try EdgeRepair.run(stores.request(.wholeModel), backend: stores.clickHouse)
        #expect(gotBaseline.outcome == baseline.outcome && gotBaseline.repairedONNX == baseline.repairedONNX)
        let recorded = try stores.recordedRepairs()
        #expect(recorded.sqlite.map(\.request.actions) == [.both, .wholeModel] || recorded.sqlite.map(\.request.actions) == [.wholeModel, .both])
        #expect(recorded.clickHouse == recorded.sqlite)
    }
}

/// EdgeRepairTests' fixture: every adversarial child moves x1 up by 0.5 (label 0: 1 → 1.5;
/// label 1: 1 − (−0.5)), so only source 1 of each dense layer shifts in mean.
enum EdgeRepairFixture {
    static func oneWayShift(_ input: Int) -> Float { RepairFixtures.label(input) == 0 ? 0.5 : -0.5 }
}
