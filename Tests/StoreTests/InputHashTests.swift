import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// Since migration 0012 a trace's input hash is recomputed from its layer 0 values (the input as
/// the model saw it) and kept in `explicit_input_hash` only when they do not give it back.
@Suite struct InputHashTests {
    private func ingest(_ traces: [Trace], topology: ModelTopology, encoding: ValueEncoding, into store: ProvenanceStore) throws {
        let run = try store.beginIngest(sources: "test", batchSize: 16)
        try run.beginModel(topology, encoding: encoding, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
    }

    /// The engine hashes a capture's input tensor; the store's recomputation from the stored
    /// layer 0 values gives the same hashes, so captured traces keep none.
    @Test func capturedHashesAreRecomputedFromTheValues() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 40, seed: 8)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        try ingest(traces, topology: topology, encoding: .float32, into: store)
        let (kept, recomputed) = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM traces WHERE explicit_input_hash IS NOT NULL"),
             try String.fetchAll(db, sql: "SELECT lower(hex(ipg_input_hash(value_block, value_row))) FROM traces ORDER BY id"))
        }
        #expect(kept == 0)
        #expect(recomputed == traces.map(\.metadata.inputHash))
        for trace in traces {
            #expect(try store.trace(tag: "clean", inputIndex: trace.metadata.inputIndex).trace.metadata.inputHash == trace.metadata.inputHash)
        }
    }

    /// A hash of another kind (hex or not) is kept; so is every hash of a float16 store, whose
    /// values are not the float32 input. Each reads back as ingested.
    @Test(arguments: [ValueEncoding.float32, .float16])
    func hashesTheValuesDoNotGiveBackAreKept(encoding: ValueEncoding) throws {
        let directory = try TemporaryDirectory()
        let (topology, captured) = try StoreFixtures.traces(count: 20, seed: 9)
        var traces = captured
        traces[3].metadata.inputHash = String(repeating: "ab", count: 32)
        traces[7].metadata.inputHash = "producer's own key"
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        try ingest(traces, topology: topology, encoding: encoding, into: store)
        let kept = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT input_index FROM traces WHERE explicit_input_hash IS NOT NULL ORDER BY id")
        }
        #expect(kept == (encoding == .float32 ? [3, 7] : Array(0..<20)))
        for trace in traces {
            let read = try store.trace(tag: "clean", inputIndex: trace.metadata.inputIndex).trace.metadata.inputHash
            #expect(read == Hex.string(trace.metadata.storedInputHash), "trace \(trace.metadata.inputIndex)")
        }
        // A repeat of each is recognised by its hash, kept or recomputed.
        let again = try store.beginIngest(sources: "again", batchSize: 16)
        try again.beginModel(topology, encoding: encoding, source: "again", onnx: nil)
        for trace in traces { try again.add(trace) }
        #expect(try again.finish().tracesAdded == 0)
    }

    /// A scan reads every input hash as ingested — none kept, all kept, or some — and hashes a
    /// block's inputs only for traces that keep no hash: a store keeping every trace's hash has
    /// no input hashed while it is read (first with its block read ahead, then without).
    @Test(arguments: [0, 1, 3])
    func scansHashOnlyInputsWithoutAKeptHash(keptEvery: Int) throws {
        let directory = try TemporaryDirectory()
        let (topology, captured) = try StoreFixtures.traces(count: 50, seed: 10)
        var traces = captured
        for index in traces.indices where keptEvery > 0 && index % keptEvery == 0 { traces[index].metadata.inputHash = "producer key \(index)" }
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        try ingest(traces, topology: topology, encoding: .float32, into: store)
        let expected = traces.map { Hex.string($0.metadata.storedInputHash) }

        for selection in [TraceSelection(), TraceSelection(inputIndices: Array(0..<50))] {
            var read: [String] = []
            try store.forEachTrace(selection) { read.append($1.metadata.inputHash); return true }
            #expect(read == expected)
        }
        for readingAhead in [true, false] {
            let digests = try store.read { db in
                var blocks = TraceBlockReader(path: store.path, readingAhead: readingAhead)
                return try Row.fetchAll(db, sql: "SELECT value_block, value_row, explicit_input_hash IS NULL FROM traces ORDER BY id").map { row in
                    try blocks.layerValues(block: row[0], row: row[1], hashingInput: row[2], in: db)
                }.map { $0.inputDigest.map { Hex.string($0) } }
            }
            #expect(digests.count == traces.count)
            for (index, digest) in digests.enumerated() {
                if keptEvery == 1 {
                    #expect(digest == nil, "trace \(index) was hashed")
                } else if let digest {
                    #expect(digest == Hex.string(InputDigest.sha256(captured[index].layerValues[0][...])), "trace \(index)")
                }
            }
            if keptEvery == 0 { #expect(digests.allSatisfy { $0 != nil }) }
        }
    }
}
