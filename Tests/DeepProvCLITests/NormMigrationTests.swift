import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// Migration 0013 keeps of each trace's layer norms only the L2 norm, as float32: a store as the
/// build before it left one (`StoreBeforeMigrations.revertNorms`: 0009's L1 norm and sum of
/// squares, two float64 per trace) is migrated to the norms a fresh ingest stores, bit for bit,
/// `trace_layer_norms` answers as before, and so do forensics' nearest neighbours.
@Suite struct NormMigrationTests {
    private func norms(_ database: String) throws -> [String] {
        try ProvenanceStore(path: database).read { db in
            try ["SELECT block, layer, hex(norms) FROM value_block_norms ORDER BY block, layer",
                 "SELECT trace_id, layer, l1, sum_of_squares FROM trace_layer_norms ORDER BY trace_id, layer"]
                .flatMap { try Row.fetchAll(db, sql: $0).map(\.description) }
        }
    }

    @Test func anOlderStoresNormsBecomeThoseOfAFreshStore() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let expected = try norms(database)
        #expect(expected.count > traces.count * 2)
        let nearest = ["forensics", "--db", database, "--tag", "shift", "--input", "4", "--format", "json"]
        let expectedNearest = try deepProvOutput(nearest)
        try StoreBeforeMigrations.revertNorms(database)
        let widths = try DatabaseQueue(path: database).read { db in
            try Int.fetchAll(db, sql: "SELECT DISTINCT length(n.norms) / b.trace_count FROM value_block_norms n JOIN value_blocks b USING (block, layer)")
        }
        #expect(widths == [16])
        let migrated = try DeepProvProcess(["migrate", "--db", database]).finish()
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stderr == "")
        #expect(try norms(database) == expected)
        #expect(try deepProvOutput(nearest) == expectedNearest)
    }
}
