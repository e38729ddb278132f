import Engine
import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// A trace looked up alone (`trace(tag:inputIndex:)`, which takes only its own row out of its
/// value block and hashes only its own input) equals the same trace read in a whole-store scan
/// (`forEachTrace`, which decodes and hashes every trace of a block), bit for bit: values,
/// summaries, explicit edges and metadata with the input hash. Every trace of each store is
/// looked up, so every row of every block (first, middle and last) is; the stores cover every
/// value block layout, float16, summarised and derived layers, parents, attributes and input
/// hashes kept explicitly.
@Suite struct SingleTraceReadingTests {
    private func bits(_ trace: Trace) -> [[UInt32]] { trace.layerValues.map { $0.map(\.bitPattern) } }
    private func summaryBits(_ trace: Trace) -> [Int: [UInt32]] { trace.summaries.mapValues { $0.storedValues.map(\.bitPattern) } }

    /// Looks up every trace of `store` alone and compares it with the scan's; returns how many.
    @discardableResult
    private func expectAloneEqualsScanned(_ store: ProvenanceStore, _ what: String) throws -> Int {
        var scanned: [Trace] = []
        try store.forEachTrace(TraceSelection()) { _, trace in
            scanned.append(trace)
            return true
        }
        #expect(!scanned.isEmpty, "\(what): no traces")
        for trace in scanned {
            let alone = try store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex).trace
            let name = "\(what): \(trace.metadata.tag) \(trace.metadata.inputIndex)"
            #expect(alone.metadata == trace.metadata, "\(name): metadata")
            #expect(bits(alone) == bits(trace), "\(name): values")
            #expect(summaryBits(alone) == summaryBits(trace), "\(name): summaries")
            #expect(alone.explicitEdges == trace.explicitEdges, "\(name): explicit edges")
        }
        return scanned.count
    }

    /// Each block's row count; every row is looked up, so blocks of three rows or more have a
    /// first, middle and last one.
    private func blockRowCounts(_ store: ProvenanceStore) throws -> [Int] {
        try store.run(sql: "SELECT count(*) FROM traces GROUP BY value_block", arguments: []).rows.map {
            guard case .integer(let count) = $0[0] else { return 0 }
            return Int(count)
        }
    }

    /// The layouts of the store's value blocks (format 2's second byte).
    private func layouts(_ store: ProvenanceStore) throws -> Set<LayerBlockCodec.Layout> {
        Set(try store.run(sql: "SELECT DISTINCT substr(data, 1, 2) FROM value_blocks WHERE length(data) > 2", arguments: []).rows.compactMap {
            guard case .blob(let header) = $0[0], header.first == 2 else { return nil }
            return LayerBlockCodec.Layout(rawValue: header[header.startIndex + 1])
        })
    }

    /// `traces` ingested from memory into a new store in `directory`, blocks of `batchSize`.
    private func store(_ traces: [Trace], topology: ModelTopology, encoding: ValueEncoding, resolutions: [LayerResolution]?,
                       batchSize: Int, in directory: TemporaryDirectory) throws -> ProvenanceStore {
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try store.beginIngest(sources: "test", batchSize: batchSize)
        try run.beginModel(topology, encoding: encoding, source: "test", onnx: nil, resolutions: resolutions)
        for trace in traces { try run.add(trace) }
        #expect(try run.finish().tracesAdded == traces.count)
        return store
    }

    /// The tiny MLP's traces, clean and noisy (parents, attributes), the inputs of every other
    /// trace on a few levels (pixel-like: dictionary layouts) and the rest Gaussian; two keep
    /// their own input hash.
    private func mlpTraces() throws -> (ModelTopology, [Trace]) {
        let capture = try ProvenanceCapture(session: InferenceSession(model: StoreFixtures.model()), sampleShape: [6])
        var generator = SeededGenerator(seed: 7)
        let count = 300
        let inputs = (0..<(count * 6)).map { index in
            let value = generator.nextGaussian()
            return (index / 6) % 2 == 0 ? (value * 4).rounded() / 4 : value
        }
        let tags = ["clean", "noisy"]
        var traces = try capture.capture(Tensor(shape: [count, 6], values: inputs), samples: (0..<count).map { index in
            SampleDescription(inputIndex: index, trueLabel: index % 3, tag: tags[index % 2],
                              parent: index % 2 == 0 ? nil : TraceReference(tag: "clean", inputIndex: index - 1),
                              attributes: index % 5 == 0 ? [KeyValue("k", "\(index)")] : [])
        })
        traces[0].metadata.inputHash = "producer's own key"
        traces[101].metadata.inputHash = "another key"
        return (capture.topology, traces)
    }

    @Test(arguments: [(ValueEncoding.float32, false), (.float16, false), (.float32, true)])
    func aTraceReadAloneEqualsItsScan(encoding: ValueEncoding, summarised: Bool) throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try mlpTraces()
        // Blocks of one trace's values per layer each (whole-block layouts: bitmap, shuffled,
        // dictionaries) and of 150 traces: block rows 0, 1…148 and 149 looked up.
        let store = try store(traces, topology: topology, encoding: encoding, resolutions: summarised ? [.full, .summary, .full] : nil,
                              batchSize: 150, in: directory)
        #expect(try expectAloneEqualsScanned(store, "\(encoding), summarised \(summarised)") == traces.count)
        #expect(try blockRowCounts(store).allSatisfy { $0 >= 3 })
    }

    /// Every layout, forced on a block's layer 0 (the decoding the alone path shares with the
    /// scan, below the store): each row read alone equals that row of the whole block read
    /// and the values encoded, its input hash that of the whole-block read.
    @Test(arguments: LayerBlockCodec.Layout.allCases)
    func eachRowOfEveryLayoutReadsAloneAsInTheWholeBlock(layout: LayerBlockCodec.Layout) throws {
        var generator = SeededGenerator(seed: 13)
        // Seven 28×28 images on 16 grey levels (any dictionary fits), a quarter of them zero.
        let rows = (0..<7).map { _ in (0..<784).map { _ in Float(max(0, min(15, Int(generator.next() % 20) - 4))) / 15 } }
        let codec = LayerBlockCodec()
        let input = try codec.encode(rows, encoding: .float32, layout: layout)
        #expect(input.layout == layout)
        let hidden = try codec.encode(rows.map { $0.prefix(50).map { $0 - 0.5 } }, encoding: .float32)
        let stored = [
            DecodingBlock.StoredLayer(kept: .full, bytes: input.bytes), DecodingBlock.StoredLayer(kept: .full, bytes: hidden.bytes),
            DecodingBlock.StoredLayer(kept: ValueBlocks.KeptLayer(resolution: .derived, source: 1), bytes: []),
        ]
        let whole = try DecodingBlock.decode(3, stored, only: nil, hashingInput: true, path: "test")
        for row in rows.indices {
            let alone = try DecodingBlock.decode(3, stored, only: row, hashingInput: true, path: "test").trace(at: row, path: "test")
            let scanned = try whole.trace(at: row, path: "test")
            #expect(alone.values.map { $0.map(\.bitPattern) } == scanned.values.map { $0.map(\.bitPattern) }, "\(layout), row \(row)")
            #expect(alone.values[0] == rows[row] && alone.values[2] == alone.values[1], "\(layout), row \(row)")
            #expect(alone.inputDigest != nil && alone.inputDigest == scanned.inputDigest, "\(layout), row \(row): input hash")
            let unhashed = try DecodingBlock.decode(3, stored, only: row, hashingInput: false, path: "test").trace(at: row, path: "test")
            #expect(unhashed.inputDigest == nil && unhashed.values == alone.values)
        }
    }

    /// Blocks of pixel-like inputs on few levels, of Gaussian ones and of post-ReLU values
    /// land in dictionary, shuffled and bitmap layouts (which layouts the encoder picks
    /// for pixel-like blocks depends on their sizes); every trace reads alone as scanned.
    @Test func blocksOfSeveralLayoutsReadAloneAsScanned() throws {
        let directory = try TemporaryDirectory()
        var builder = GraphBuilder(inputShape: [nil, 784])
        var generator = SeededGenerator(seed: 9)
        builder.weights("w1", shape: [40, 784], (0..<(40 * 784)).map { _ in 0.05 * generator.nextGaussian() })
        let relu = builder.node("Relu", [builder.node("Gemm", ["x", "w1"], name: "fc1", attributes: ["transB": .int(1)])])
        builder.weights("w2", shape: [3, 40], (0..<120).map { _ in generator.nextGaussian() })
        let logits = builder.node("Gemm", [relu, "w2"], name: "fc2", attributes: ["transB": .int(1)])
        let model = try builder.model(output: logits)
        let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: [784])
        // Images: smooth blobs on 16 grey levels (modelled and predicted layouts); then images
        // of 1,000 levels (more than 256 distinct: a 16-bit dictionary); then Gaussian noise.
        func images(_ count: Int, levels: Float) -> [Float] {
            (0..<count).flatMap { image in
                let (cx, cy) = (Float(image % 7) * 4, Float(image % 5) * 5)
                return (0..<784).map { pixel in
                    let (x, y) = (Float(pixel % 28), Float(pixel / 28))
                    return (levels * exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 60)).rounded() / levels
                }
            }
        }
        let groups: [(tag: String, values: [Float])] = [
            ("smooth", images(40, levels: 15)), ("fine", images(40, levels: 999)),
            ("noise", (0..<(40 * 784)).map { _ in generator.nextGaussian() }),
        ]
        var traces: [Trace] = []
        for group in groups {
            traces += try capture.capture(Tensor(shape: [40, 784], values: group.values),
                                          samples: (0..<40).map { SampleDescription(inputIndex: $0, trueLabel: $0 % 3, tag: group.tag) })
        }
        let store = try store(traces, topology: capture.topology, encoding: .float32, resolutions: nil, batchSize: 40, in: directory)
        let present = try layouts(store)
        #expect(present.isSuperset(of: [.dictionary8, .rotatedBitmap, .shuffled]), "layouts: \(present)")
        #expect(try blockRowCounts(store) == [40, 40, 40])
        try expectAloneEqualsScanned(store, "every layout")
    }

    /// A CNN's traces with their derived Flatten layer and a summarised convolution, noisy
    /// copies with parents; through a stream as `deepprov ingest` reads it too.
    @Test func convolutionTracesWithDerivedAndSummarisedLayersReadAloneAsScanned() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try ConvStoreFixtures.traces("cnn2d", count: 30, seed: 5)
        let copied = Set(topology.layers.filter(\.isCopyOfSource).compactMap(\.source))
        let resolutions: [LayerResolution] = topology.layers.map { layer in
            if layer.isCopyOfSource { return .derived }
            return layer.kind == .conv && !copied.contains(layer.index) ? .summary : .full
        }
        #expect(topology.resolutionProblem(resolutions) == nil)
        #expect(resolutions.contains(.derived) && resolutions.contains(.summary), "\(resolutions)")
        let store = try store(traces, topology: topology, encoding: .float32, resolutions: resolutions, batchSize: 60, in: directory)
        try expectAloneEqualsScanned(store, "cnn2d, derived and summarised")
        #expect(try blockRowCounts(store).allSatisfy { $0 >= 3 })

        let streamed = try ProvenanceStore(path: StoreFixtures.storeHolding(traces, topology: topology, in: directory))
        try expectAloneEqualsScanned(streamed, "cnn2d through a stream")
    }

    /// The alone path reports a row its block lacks as damage, naming the block and row, as
    /// the scan does.
    @Test func aRowPastItsBlockIsReportedAsDamage() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try mlpTraces()
        let store = try store(Array(traces.prefix(10)), topology: topology, encoding: .float32, resolutions: nil, batchSize: 10, in: directory)
        try DatabaseQueue(path: directory.path("s.sqlite")).write { db in
            try db.execute(sql: "UPDATE traces SET value_row = 10 WHERE tag = 'clean' AND input_index = 2")
        }
        #expect { try store.trace(tag: "clean", inputIndex: 2) } throws: { error in
            "\(error)".contains("value block") && "\(error)".contains("has no row 10")
        }
    }
}
