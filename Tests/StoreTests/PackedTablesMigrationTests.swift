import Engine
import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// Migration 0014: a store of version 13's `dense_weights` and `node_label_statistics` rows
/// packed into `dense_weight_rows` and `node_label_layer_statistics`, whose views of the old
/// names give back every row inserted, bit for bit; groups that cannot be packed fail the
/// migration. Ingest's merge into a packed row gives the old upsert's numbers. The
/// packed-column functions read in place and refuse what is not a column.
@Suite struct PackedTablesMigrationTests {
    /// A store of version 13 holding `weights` (model 1, layer, target, source, weight) and
    /// `statistics` (model 1, tag, label, layer, node, count, active count, mean, m2, min, max).
    private func version13Store(at path: String, weights: [[DatabaseValue]], statistics: [[DatabaseValue]]) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrator.migrate(queue, path: path, migrations: embeddedMigrations.filter { $0.version <= 13 })
        try queue.write { db in
            for row in weights {
                try db.execute(sql: "INSERT INTO dense_weights (model_id, layer, target, source, weight) VALUES (1, ?, ?, ?, ?)", arguments: StatementArguments(row))
            }
            for row in statistics {
                try db.execute(sql: """
                    INSERT INTO node_label_statistics (model_id, tag, label, layer, node, count, active_count, mean, m2, minimum, maximum)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(row))
            }
        }
        return queue
    }

    private func rows(_ queue: DatabaseQueue, _ sql: String) throws -> [[DatabaseValue]] {
        try queue.read { db in try Row.fetchAll(db, sql: sql).map { Array($0.databaseValues) } }
    }

    @Test func version13RowsReadBackExactlyThroughTheViews() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        // float32 weights that a decimal or float64 detour would change (0.1f is not 0.1).
        var generator = SystemRandomNumberGenerator()
        var weights: [[DatabaseValue]] = []
        for (layer, sources, targets) in [(1, 5, 3), (2, 3, 2)] {
            for target in 0..<targets {
                for source in 0..<sources {
                    let weight = Double(Float.random(in: -2...2, using: &generator))
                    weights.append([layer.databaseValue, target.databaseValue, source.databaseValue, weight.databaseValue])
                }
            }
        }
        weights.append([1.databaseValue, 0.databaseValue, 4.databaseValue, Double(Float(0.1)).databaseValue])
        weights.removeAll { $0[0] == 1.databaseValue && $0[1] == 0.databaseValue && $0[2] == 4.databaseValue && $0[3] != Double(Float(0.1)).databaseValue }
        var statistics: [[DatabaseValue]] = []
        for (tag, label, count) in [("clean", 0, 7), ("clean", 3, 2), ("fgsm", 0, 11)] {
            for (layer, nodes) in [(0, 4), (1, 3)] {
                for node in 0..<nodes {
                    let mean = Double.random(in: -1...1, using: &generator), m2 = Double.random(in: 0...5, using: &generator)
                    let minimum = mean - 0.25, maximum = Double.pi * Double(node + 1)
                    let row: [any DatabaseValueConvertible] = [tag, label, layer, node, count, node % (count + 1), mean, m2, minimum, maximum]
                    statistics.append(row.map(\.databaseValue))
                }
            }
        }
        let queue = try version13Store(at: path, weights: weights, statistics: statistics)
        let weightsBefore = try rows(queue, "SELECT * FROM dense_weights ORDER BY model_id, layer, target, source")
        let statisticsBefore = try rows(queue, "SELECT * FROM node_label_statistics ORDER BY model_id, tag, label, layer, node")
        #expect(weightsBefore.count == 21 && statisticsBefore.count == 21)

        try SchemaMigrator.migrate(queue, path: path)
        #expect(try rows(queue, "SELECT * FROM dense_weights ORDER BY model_id, layer, target, source") == weightsBefore)
        #expect(try rows(queue, "SELECT * FROM node_label_statistics ORDER BY model_id, tag, label, layer, node") == statisticsBefore)
        // One packed row per dense target and per (tag, label, layer); the old index is gone.
        #expect(try rows(queue, "SELECT layer, target, length(weights) FROM dense_weight_rows ORDER BY layer, target")
                == [[1, 0, 20], [1, 1, 20], [1, 2, 20], [2, 0, 12], [2, 1, 12]].map { $0.map(\.databaseValue) })
        #expect(try rows(queue, "SELECT count(*), sum(length(means)) FROM node_label_layer_statistics") == [[6, 21 * 8].map(\.databaseValue)])
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name IN ('dense_weights_by_source', 'dense_weights') AND type != 'view'") } == 0)
        // The view of edge statistics reads the weights through the new view.
        try queue.write { db in
            try db.execute(sql: "INSERT INTO models (id, fingerprint, name, layer_table, layer_count, node_count, value_count, added_at) VALUES (1, 'f', 'm', x'', 2, 8, 8, '')")
            try db.execute(sql: """
                INSERT INTO layers (model_id, layer, name, kind, activation, threshold, node_count, node_size, source_layer, edge_rule)
                VALUES (1, 0, 'in', 'input', 'identity', 0, 5, 1, NULL, 'none'), (1, 1, 'd', 'dense', 'relu', 0, 3, 1, 0, 'dense')
                """)
            try db.execute(sql: "INSERT INTO node_statistics (model_id, tag, layer, node, count, active_count, mean, m2, minimum, maximum) VALUES (1, 'clean', 0, 4, 3, 3, 2.5, 4, 1, 4)")
        }
        let edge = try rows(queue, "SELECT target, count, mean, variance FROM dense_edge_statistics WHERE layer = 1 AND source = 4 ORDER BY target")
        let weight04 = Double(Float(0.1))
        let expected: [any DatabaseValueConvertible] = [0, 3, weight04 * 2.5, weight04 * weight04 * 4 / 2]
        #expect(edge.first == expected.map(\.databaseValue))
        #expect(edge.count == 3)
    }

    @Test func groupsThatCannotBePackedFailTheMigration() throws {
        let directory = try TemporaryDirectory()
        // Two nodes of one group counted different numbers of traces.
        let uneven = directory.path("uneven.sqlite")
        let rows: [[any DatabaseValueConvertible]] = [["clean", 0, 0, 0, 3, 1, 0.5, 0, 0, 1], ["clean", 0, 0, 1, 4, 1, 0.5, 0, 0, 1]]
        let statistics = rows.map { $0.map(\.databaseValue) }
        let queue = try version13Store(at: uneven, weights: [], statistics: statistics)
        #expect(throws: (any Error).self) { try SchemaMigrator.migrate(queue, path: uneven) }
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 13, "the failed migration is rolled back")
        // A weight missing from a target's row.
        let gap = directory.path("gap.sqlite")
        let weightRows: [[any DatabaseValueConvertible]] = [[1, 0, 0, 0.5], [1, 0, 2, 0.25]]
        let weights = weightRows.map { $0.map(\.databaseValue) }
        let gapped = try version13Store(at: gap, weights: weights, statistics: [])
        let error = #expect(throws: (any Error).self) { try SchemaMigrator.migrate(gapped, path: gap) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("ipg_pack_float32: position 1 missing"))
    }

    /// Ingest merges a batch into a packed row with the arithmetic of the per-node upsert the
    /// unpacked table had (its SQL, as builds before 0014 ran it, is the reference): equal bits.
    @Test func aBatchMergesIntoAPackedRowAsTheOldUpsertMergedEachNode() throws {
        // Seeded; over 64 nodes a merge that rounds another way (say mean + Δ·m/n) differs at some.
        var generator = SeededGenerator(seed: 14)
        func statistics(traces: Int) -> [RunningNodeStatistics] {
            (0..<64).map { node in
                var running = RunningNodeStatistics()
                for _ in 0..<traces {
                    let value = node == 0 ? 0 : Double(Float.random(in: -3...3, using: &generator))
                    running.add(value, active: abs(value) > 0.5)
                }
                return running
            }
        }
        let stored = statistics(traces: 13), batch = statistics(traces: 5)
        let queue = try DatabaseQueue()
        let upserted = try queue.write { db in
            try db.execute(sql: "CREATE TABLE s (node INTEGER PRIMARY KEY, count INTEGER NOT NULL, active_count INTEGER NOT NULL, mean REAL NOT NULL, m2 REAL NOT NULL, minimum REAL NOT NULL, maximum REAL NOT NULL)")
            for rows in [stored, batch] {
                for (node, a) in rows.enumerated() {
                    try db.execute(sql: """
                        INSERT INTO s (node, count, active_count, mean, m2, minimum, maximum) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (node) DO UPDATE SET
                            count = count + excluded.count,
                            active_count = active_count + excluded.active_count,
                            mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
                            m2 = m2 + excluded.m2 + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count / (count + excluded.count),
                            minimum = min(minimum, excluded.minimum),
                            maximum = max(maximum, excluded.maximum)
                        """, arguments: [node, a.count, a.activeCount, a.mean, a.m2, a.minimum, a.maximum])
                }
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM s ORDER BY node")
        }
        var packed = LabelLayerStatistics(stored[...])
        packed.merge(LabelLayerStatistics(batch[...]))
        #expect(packed.count == 18)
        for (node, row) in upserted.enumerated() {
            #expect(row["count"] as Int == packed.count && row["active_count"] as Int == Int(packed.activeCounts[node]))
            #expect((row["mean"] as Double).bitPattern == packed.means[node].bitPattern, "node \(node)")
            #expect((row["m2"] as Double).bitPattern == packed.m2s[node].bitPattern, "node \(node)")
            #expect(row["minimum"] as Double == packed.minima[node] && row["maximum"] as Double == packed.maxima[node])
        }
    }

    @Test func packedColumnFunctionsReadInPlaceAndRefuseWhatIsNotAColumn() throws {
        let queue = try DatabaseQueue()
        try queue.write { StoreFunctions.register(in: $0) }
        let subnormal = Double(Float.leastNormalMagnitude / 4)
        let values: [Double] = [1.5, -0.1, subnormal, .infinity]
        let float64 = PackedArray.pack(values, as: .float64), float32 = PackedArray.pack(values, as: .float32)
        let read = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT ipg_float64_at(?, 1), ipg_float32_at(?, 1), ipg_float32_at(?, 2), ipg_float32_at(?, 4), ipg_float32_at(?, -1), ipg_int32_at(?, 0), ipg_float32_at(NULL, 0)",
                             arguments: [float64, float32, float32, float32, float32, PackedArray.pack([-7], as: .int32)])!
        }
        #expect(read[0] as Double == -0.1)
        #expect(read[1] as Double == Double(Float(-0.1)))
        #expect(read[2] as Double == subnormal, "a float32 subnormal")
        #expect(read[3] as Double? == nil && read[4] as Double? == nil && read[6] as Double? == nil)
        #expect(read[5] as Int == -7)
        #expect(try queue.read { try String.fetchOne($0, sql: "SELECT ipg_positions(3)") } == "[0,1,2]")
        let packed = try queue.read { try Data.fetchOne($0, sql: "SELECT ipg_pack_float64(p, v) FROM (SELECT 1 AS p, 2.5 AS v UNION ALL SELECT 0, -1.0)") }
        #expect(packed.flatMap { PackedArray.unpack($0, as: .float64) } == [-1, 2.5], "positions, not arrival order")
        let twice = #expect(throws: (any Error).self) { try queue.read { try Data.fetchOne($0, sql: "SELECT ipg_pack_int32(0, 1) FROM (SELECT 1 UNION ALL SELECT 2)") } }
        #expect("\(twice.map { "\($0)" } ?? "")".contains("position 0 given twice"))
        let notFloat32 = #expect(throws: (any Error).self) { try queue.read { try Data.fetchOne($0, sql: "SELECT ipg_pack_float32(0, 0.1)") } }
        #expect("\(notFloat32.map { "\($0)" } ?? "")".contains("not a float32 value"))
    }
}
