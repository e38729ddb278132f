import Foundation
import GRDB
import IPG
import Store
import Testing
import TestSupport

/// Migration 0011 drops `traces_by_prediction`. A store as the build before it left one (this
/// build's store with the index put back and the migration's record removed, which is all that
/// 0011 changes, and its traces as they were before 0012) migrates to a store whose query answers and stored rows are those of a store
/// that never had the index, and an ingest of the same traces again adds none.
@Suite struct PredictionIndexMigrationTests {
    /// The saved queries' parameters on the paired store (tags `clean` and `shift`).
    private static let parameters = ["tag": "shift", "adv": "shift", "a": "clean", "b": "shift", "clean": "clean"]

    /// Every saved query (with its tag parameters set) and two label filters, as JSON.
    private func answers(_ database: String) throws -> [String] {
        let folder = FixturePaths.repositoryRoot.appendingPathComponent("Queries")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dpq") }.sorted()
        var results: [String] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let declared = text.split(separator: "\n").compactMap { line -> String? in  // its tag parameters
                let words = line.dropFirst("# param: ".count).split(separator: " ")
                return line.hasPrefix("# param: ") && words.count > 1 && words[1] == "string" ? String(words[0]) : nil
            }
            let arguments = declared.filter { Self.parameters[$0] != nil }.flatMap { ["--param", "\($0)=\(Self.parameters[$0]!)"] }
            results.append(try deepProvOutput(["query", "--db", database, "--saved", String(file.dropLast(4)), "--format", "json"] + arguments))
        }
        for query in ["from traces where tag = 'shift' and not correct | nodes of layer 1 | summarize count, mean by predicted, node",
                      "from traces where predicted = 1 | nodes of layer 1 | summarize count, mean, freq by tag, node"] {
            results.append(try deepProvOutput(["query", "--db", database, "--format", "json", query]))
        }
        return results
    }

    /// The rows that grow with traces, in full (blobs as hex).
    private func rows(_ database: String) throws -> [String] {
        try DatabaseQueue(path: database).read { db in
            try ["SELECT id, model_id, run_id, tag, input_index, true_label, predicted_label, confidence, parent_tag, parent_index, hex(explicit_edges), value_block, value_row, hex(explicit_input_hash) FROM traces ORDER BY id",
                 "SELECT * FROM value_blocks ORDER BY block, layer",
                 "SELECT block, layer, hex(norms) FROM value_block_norms ORDER BY block, layer",
                 "SELECT model_id, tag, label, layer, count, hex(active_counts), hex(means), hex(m2s), hex(minima), hex(maxima) FROM node_label_layer_statistics ORDER BY model_id, tag, label, layer"]
                .flatMap { sql in try Row.fetchAll(db, sql: sql).map(\.description) }
        }
    }

    private func indexes(_ database: String) throws -> [String] {
        try DatabaseQueue(path: database).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'traces' ORDER BY name")
        }
    }

    @Test func migratedStoreAnswersAsBeforeWithoutTheIndex() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let expectedAnswers = try answers(database), expectedRows = try rows(database)
        #expect(try indexes(database) == ["traces_by_input", "traces_by_parent"])
        // Back to the layout before 0011: its index (0009's statement) and no record of it,
        // with the traces as they were before 0012 (which 0011 came before).
        try StoreBeforeMigrations.revertInputHash(database)
        try DatabaseQueue(path: database).write { db in
            try db.execute(sql: """
                CREATE INDEX traces_by_prediction ON traces (model_id, tag, predicted_label, true_label);
                DELETE FROM migrations WHERE version = 11;
                PRAGMA user_version = 10;
                """)
        }
        #expect(try indexes(database) == ["traces_by_input", "traces_by_parent", "traces_by_prediction"])
        let store = try ProvenanceStore(path: database)
        #expect(try indexes(database) == ["traces_by_input", "traces_by_parent"])
        #expect(try DatabaseQueue(path: database).read { try Int.fetchOne($0, sql: "SELECT max(version) FROM migrations") } == 14)
        #expect(try rows(database) == expectedRows)
        let migratedAnswers = try answers(database)
        #expect(migratedAnswers == expectedAnswers)
        #expect(migratedAnswers.filter { $0.hasPrefix("[{") }.count >= 10, "most answers hold rows: \(migratedAnswers)")
        // Ingesting the same traces again recognises every one of them.
        let summary = try StreamIngestor(backend: store).ingest([directory.path("traces.ipgz")])  // the stream storeHolding wrote
        #expect((summary.tracesRead, summary.tracesAdded) == (traces.count, 0))
        #expect(try rows(database) == expectedRows)
    }
}
