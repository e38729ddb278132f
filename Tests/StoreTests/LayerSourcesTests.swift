import Engine
import Foundation
import GRDB
import IPG
import Store
import Testing
import TestSupport

/// `layer_sources` (migration 0006) lists every source of every layer: a residual model's
/// merge layers with all their addends, and, for stores made before it, every layer's single
/// source taken from `layers`.
@Suite struct LayerSourcesTests {
    private func sourceRows(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT layer, position, source_layer, edge_rule, channel_offset FROM layer_sources ORDER BY model_id, layer, position")
                .map { "\($0[0] as Int) \($0[1] as Int) \($0[2] as Int) \($0[3] as String) \($0[4] as Int)" }
        }
    }

    /// The merge layers' rows, from the fixtures' graphs (scripts/fixtures/make_fixtures.py).
    static let mergeRows = [
        // layer1.0.add reads layer1.0.conv2.bn (7) and the maxpool (3); layer2.0.add reads
        // layer2.0.conv2.bn (12) and the downsample's bn (14)
        "resnet_cifar": ["8 0 7 channel_scale 0", "8 1 3 channel_scale 0", "15 0 12 channel_scale 0", "15 1 14 channel_scale 0"],
        // concat (4) of branch a (2, 2 channels), branch b (3, 3 channels) and the stem (1);
        // the output Sum (11) of left (8), right (9) and tanh(left) (10)
        "concat_net": ["4 0 2 concat 0", "4 1 3 concat 2", "4 2 1 concat 5", "11 0 8 channel_scale 0", "11 1 9 channel_scale 0", "11 2 10 channel_scale 0"],
    ]

    @Test(arguments: ["resnet_cifar", "concat_net"])
    func everySourceOfAMergeLayerIsListed(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let folder = FixturePaths.onnxFixture(fixture)
        let input = try DatasetLoader.load(inputs: folder.appendingPathComponent("input.npy").path).features
        let capture = try ProvenanceCapture(
            session: InferenceSession(model: Model.load(path: folder.appendingPathComponent("model.onnx").path)),
            sampleShape: Array(input.shape.dropFirst()))
        let traces = try capture.capture(input, samples: (0..<input.shape[0]).map { SampleDescription(inputIndex: $0, trueLabel: nil, tag: "clean") })
        let path = try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory)
        let rows = try sourceRows(path)
        let merges = Set(capture.topology.layers.filter(\.isMerge).map(\.index))
        #expect(rows.filter { merges.contains(Int($0.split(separator: " ")[0])!) } == Self.mergeRows[fixture]!)
        // every other layer: one row, its source and rule as in `layers`
        let single = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT layer, source_layer, edge_rule FROM layers WHERE source_layer IS NOT NULL ORDER BY layer")
                .map { "\($0[0] as Int) 0 \($0[1] as Int) \($0[2] as String) 0" }
                .filter { !merges.contains(Int($0.split(separator: " ")[0])!) }
        }
        #expect(rows.filter { !merges.contains(Int($0.split(separator: " ")[0])!) } == single)
        #expect(single.count == capture.topology.layers.count - 1 - merges.count)
    }

    @Test func aStoreOfVersion5GetsThemFromItsLayersWhenMigrated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        let kept = try sourceRows(StoreFixtures.store(at: directory.path("kept.sqlite"), count: 5, seed: 3).path)
        let (topology, traces) = try StoreFixtures.traces(count: 5, seed: 3)
        try LegacyLayoutStore.make(at: path, version: 5, topology: topology, traces: traces)
        _ = try ProvenanceStore(path: path)
        let fromLayers = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT layer, source_layer, edge_rule FROM layers WHERE source_layer IS NOT NULL ORDER BY model_id, layer")
                .map { "\($0[0] as Int) 0 \($0[1] as Int) \($0[2] as String) 0" }
        }
        #expect(fromLayers.count == 2)
        #expect(try sourceRows(path) == fromLayers)
        #expect(kept == fromLayers, "ingest lists the same rows as the migration")
    }
}
