import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// `layer_kernels` (migration 0007): the conv kernels (with their geometry) and channel scales
/// a model's layer table holds, written once when the model is registered, and the same when
/// migration 0007 reads them from an older store's layer tables; `ipg_edges` refuses what it
/// cannot derive with an error, never a crash.
@Suite struct LayerKernelsTests {
    private func kernels(_ store: ProvenanceStore) throws -> [Int: LayerKernel] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT layer, geometry, weights FROM layer_kernels ORDER BY layer").reduce(into: [:]) { result, row in
                result[row["layer"]] = try LayerKernel(geometryJSON: row["geometry"], weightsBlob: row["weights"])
            }
        }
    }

    /// The kernels in the topology itself, by layer.
    private func expected(_ topology: ModelTopology) -> [Int: LayerKernel] {
        topology.layers.reduce(into: [:]) { result, layer in
            switch layer.edgeRule {
            case .conv(let geometry, let weights): result[layer.index] = LayerKernel(rule: .conv(geometry, weights: weights))
            case .channelScale(let scales): result[layer.index] = LayerKernel(rule: .channelScale(scales: scales))
            default: break
            }
        }
    }

    @Test(arguments: ["cnn1d", "cnn2d", "cnn2d_dilated"])
    func registeredOnceAndBackfilledByTheMigration(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, _) = try ConvStoreFixtures.store(fixture, count: 2, seed: 3, in: directory)
        let expected = expected(topology)
        #expect(expected.values.contains { $0.geometry != nil }, "\(fixture) has a conv layer")
        let registered = try kernels(ProvenanceStore(path: path))
        #expect(registered == expected)
        // The geometry column is readable JSON.
        let conv = try #require(topology.layers.first { $0.edgeRule.kind == .conv })
        guard case .conv(let geometry, _) = conv.edgeRule else { return }
        let groups = try ProvenanceStore(path: path).run(sql: "SELECT json_extract(geometry, '$.groups'), json_extract(geometry, '$.kernel_shape') FROM layer_kernels WHERE layer = ?",
                                                         arguments: [.integer(Int64(conv.index))]).rows
        #expect(groups.first?.map(\.plainText) == ["\(geometry.groups)", "[" + geometry.kernelShape.map(String.init).joined(separator: ",") + "]"])
        // The same traces in a store as version 5 left it: no kernels; migrating reads them
        // from the layer table.
        let (legacyTopology, traces) = try ConvStoreFixtures.traces(fixture, count: 2, seed: 3)
        let legacy = directory.path("legacy.sqlite")
        try LegacyLayoutStore.make(at: legacy, version: 5, topology: legacyTopology, traces: traces)
        #expect(try kernels(ProvenanceStore(path: legacy)) == expected)
    }

    @Test func derivingRefusesWhatItCannotDerive() throws {
        let directory = try TemporaryDirectory()
        let (path, topology, _) = try ConvStoreFixtures.store("cnn2d", count: 1, seed: 3, in: directory)
        let store = try ProvenanceStore(path: path, access: .readOnly)
        let conv = try #require(topology.layers.first { $0.edgeRule.kind == .conv }).index
        let call = { (rule: String, kernel: String) in
            "SELECT ipg_edges(t.value_block, t.value_row, '\(rule)', s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, \(kernel), NULL)"
                + " FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(conv) JOIN layers s ON s.model_id = l.model_id AND s.layer = l.source_layer"
                + " LEFT JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer"
        }
        #expect(try store.run(sql: call("conv", "k.geometry, k.weights"), arguments: []).rows.count == 2, "a clean trace and its noisy copy")
        for (rule, kernel, message) in [
            ("merge", "k.geometry, k.weights", "edges of rule 'merge' are not derived here"),
            ("conv", "NULL, NULL", "has no kernel"),
            ("conv", "k.geometry, x'0000'", "is not float32 values"),
            ("conv", "json_set(k.geometry, '$.groups', 0), k.weights", "does not describe a 1-D or 2-D convolution"),
            ("conv", "json_set(k.geometry, '$.input_spatial', json('[5, 5]')), k.weights", "does not fit the sizes of layers"),
            ("channel_scale", "k.geometry, k.weights", "does not fit rule 'channel_scale'"),
        ] {
            let error = #expect(throws: (any Error).self) { try store.run(sql: call(rule, kernel), arguments: []) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(message), "\(rule) with \(kernel): \(error.map { "\($0)" } ?? "no error")")
        }
    }
}
