import Foundation
import Store

/// Brings a ClickHouse store's schema to this build's version: `Migrations/clickhouse/`,
/// statement by statement, each migration recorded in `migrations` with its text's hash and
/// the layout it was applied with. With a cluster, the tables a migration marks `-- sharded by
/// EXPRESSION` are made on every shard as `<name>_local` with a `Distributed` table of the
/// name over them (ClickHouse 18.16's `ON CLUSTER` needs ZooKeeper, so each shard is sent its
/// statements over HTTP: every node of the cluster serves HTTP on the URL's port).
struct ClickHouseMigrator {
    let client: ClickHouseClient
    let address: ClickHouseAddress
    var migrations: [EmbeddedMigration] = embeddedClickHouseMigrations

    /// How the tables are laid out: `single`, or `cluster:NAME`.
    var layout: String { address.cluster.map { "cluster:\($0)" } ?? "single" }

    private var database: String { address.database }

    /// The number of migrations the store has applied (0: no database or an empty one), after
    /// checking that each is one this build knows, from the same text, with this layout.
    @discardableResult
    func verify() throws -> Int {
        let databases = try client.execute("SELECT count() FROM system.databases WHERE name = \(SQLLiteral.string(database)) FORMAT TabSeparated")
        guard TabSeparated.integer(databases) == 1 else { return 0 }
        let tables = try TabSeparated.rows(client.execute(
            "SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(database)) FORMAT TabSeparated")).map { $0[0] }
        guard tables.contains("migrations") else {
            guard tables.isEmpty else { throw error(.notAStore(detail: "a database without DeepProv's migrations table")) }
            return 0
        }
        let rows = try TabSeparated.rows(client.execute(
            "SELECT version, any(sha256), any(layout) FROM \(database).migrations GROUP BY version ORDER BY version FORMAT TabSeparated"))
        var applied = 0
        for row in rows {
            guard row.count == 3, let version = Int(row[0]) else { throw error(.damaged(detail: "a migrations row that does not read: \(row)")) }
            guard let migration = migrations.migration(numbered: version) else {
                throw error(.schemaFromNewerBuild(version: version, known: migrations.latestVersion))
            }
            guard row[1] == migration.sha256 else { throw error(.migrationChanged(version: version, name: migration.name)) }
            guard row[2] == layout else {
                throw error(.badLocation(detail: "the store was made with layout \(row[2]), not \(layout) (the URL's ?cluster= must match)"))
            }
            applied = max(applied, version)
        }
        return applied
    }

    /// Creates the database (on every shard too) and applies the migrations it lacks.
    func migrate() throws {
        let shards = try shardClients()
        for target in [client] + shards { try target.execute("CREATE DATABASE IF NOT EXISTS \(database)") }
        let applied = try verify()
        for migration in migrations where migration.version > applied {
            for statement in Self.statements(of: migration.sql) {
                let sql = statement.sql.replacingOccurrences(of: "{database}", with: database)
                guard let shardingKey = statement.shardingKey, let cluster = address.cluster else {
                    try client.execute(sql)
                    continue
                }
                guard let table = Self.createdTable(sql, database: database) else {
                    throw error(.damaged(detail: "migration \(migration.name): a sharded statement that creates no table"))
                }
                let local = sql.replacingOccurrences(of: "\(database).\(table) ", with: "\(database).\(table)_local ")
                for shard in shards {
                    try shard.execute(local)
                    try shard.execute("""
                        CREATE TABLE IF NOT EXISTS \(database).\(table) AS \(database).\(table)_local
                        ENGINE = Distributed(\(cluster), \(database), \(table)_local, \(shardingKey))
                        """)
                }
            }
            try client.execute("""
                INSERT INTO \(database).migrations (version, name, sha256, layout, applied_at) VALUES
                (\(migration.version), \(SQLLiteral.string(migration.name)), \(SQLLiteral.string(migration.sha256)), \(SQLLiteral.string(layout)), \(SQLLiteral.string(ClickHouseBackend.timestamp())))
                """)
        }
    }

    /// A client per host of the cluster (none without one), in shard order.
    func shardClients() throws -> [ClickHouseClient] {
        guard let cluster = address.cluster else { return [] }
        let hosts = try TabSeparated.rows(client.execute(
            "SELECT host_address FROM system.clusters WHERE cluster = \(SQLLiteral.string(cluster)) ORDER BY shard_num, replica_num FORMAT TabSeparated")).map { $0[0] }
        guard !hosts.isEmpty else {
            throw error(.badLocation(detail: "the server has no cluster '\(cluster)' (see its remote_servers configuration and system.clusters)"))
        }
        return hosts.map { client.sibling(host: $0) }
    }

    /// A migration's statements (each ends with `;` at the end of a line), with the sharding
    /// expression of those under a `-- sharded by` line.
    static func statements(of text: String) -> [(sql: String, shardingKey: String?)] {
        var statements: [(String, String?)] = []
        var lines: [Substring] = [], shardingKey: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-- sharded by ") {
                shardingKey = String(trimmed.dropFirst("-- sharded by ".count))
                continue
            }
            if trimmed.hasPrefix("--") && lines.isEmpty { continue }
            lines.append(line)
            if trimmed.hasSuffix(";") {
                var sql = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                sql.removeLast()
                statements.append((sql, shardingKey))
                lines = []
                shardingKey = nil
            }
        }
        return statements
    }

    /// The table a `CREATE TABLE [IF NOT EXISTS] database.name` statement creates.
    static func createdTable(_ sql: String, database: String) -> String? {
        guard let range = sql.range(of: "\(database).") else { return nil }
        let name = sql[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }

    private func error(_ reason: StoreError.Reason) -> StoreError {
        StoreError(path: address.description, reason: reason)
    }
}
