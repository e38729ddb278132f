import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// Migration 0012 drops `traces.input_hash`: a store as the build before it left one
/// (`StoreBeforeMigrations.revertInputHash`) is migrated by `deepprov migrate` with progress on standard
/// error, to the rows of a store that never had the column; every trace's hash reads back as the
/// capture made it, and an ingest of the same traces again adds none.
@Suite struct InputHashMigrationTests {
    /// The rows of `traces` with every trace's input hash as this build reads it.
    private func rows(_ database: String) throws -> [String] {
        try ProvenanceStore(path: database).read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, model_id, run_id, tag, input_index, true_label, predicted_label, confidence, parent_tag, parent_index,
                    hex(explicit_edges), value_block, value_row, explicit_input_hash IS NOT NULL AS kept,
                    hex(coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))) AS hash
                FROM traces ORDER BY id
                """).map(\.description)
        }
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(arguments).finish()
    }

    @Test func anOlderStoreIsMigratedWithProgressAndReingestAddsNothing() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let expected = try rows(database)
        let answer = ["query", "--db", database, "--format", "csv", "from traces where tag = 'shift' | nodes of layer 1 | summarize count, mean by node"]
        let expectedAnswer = try deepProvOutput(answer)
        // The captured traces' hashes (sha256 of their inputs, made by the engine) are all recomputed.
        #expect(expected.count == traces.count)
        for (row, trace) in zip(expected, traces) {
            #expect(row.contains("hash:\"\(trace.metadata.inputHash.uppercased())\""), "\(row)")
            #expect(row.contains("kept:0"), "\(row)")
        }
        try StoreBeforeMigrations.revertInputHash(database)
        let columns = try DatabaseQueue(path: database).read { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('traces')") }
        #expect(columns.contains("input_hash") && !columns.contains("explicit_input_hash"))

        let migrated = try run(["migrate", "--db", database])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout == "\(database): schema version \(embeddedMigrations.latestVersion)\n")
        #expect(migrated.stderr == "deepprov: migrating traces (input hashes recomputed from their values): \(traces.count) of \(traces.count) traces\n")
        #expect(try rows(database) == expected)
        #expect(try deepProvOutput(answer) == expectedAnswer)
        let summary = try StreamIngestor(backend: try ProvenanceStore(path: database)).ingest([directory.path("traces.ipgz")])
        #expect((summary.tracesRead, summary.tracesAdded) == (traces.count, 0))
        #expect(try rows(database) == expected)
    }
}
