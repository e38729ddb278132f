import Foundation
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// `Migrations/clickhouse/`: embedded, applied and recorded with its hash and layout, refused
/// when changed or opened with another layout; readers create nothing.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseMigrationTests {
    private func coordinator() throws -> (ClickHouseServers, ClickHouseClient) {
        let servers = try ClickHouseServers.shared()
        return (servers, ClickHouseClient(host: servers.servers[0].host, port: servers.servers[0].httpPort, location: "test"))
    }

    @Test func embeddedCopyMatchesTheMigrationsFolder() throws {
        let folder = FixturePaths.repositoryRoot.appendingPathComponent("Migrations/clickhouse")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == embeddedClickHouseMigrations.map(\.name), "run scripts/embed-resources")
        for (file, migration) in zip(files, embeddedClickHouseMigrations) {
            #expect(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) == migration.sql, "\(file) changed: run scripts/embed-resources")
        }
    }

    @Test func statementsAndShardedTablesAreFound() {
        let statements = ClickHouseMigrator.statements(of: embeddedClickHouseMigrations[0].sql)
        #expect(statements.count == 9)
        #expect(statements.filter { $0.shardingKey != nil }.map { ClickHouseMigrator.createdTable($0.sql.replacingOccurrences(of: "{database}", with: "d"), database: "d") } == ["traces"])
        #expect(statements.filter { $0.shardingKey != nil }.map(\.shardingKey) == ["intHash64(id)"])
    }

    /// A writer creates the database on a fresh server (on every shard with a cluster) and
    /// records the migration; a reader of a missing database creates nothing.
    @Test(arguments: [false, true])
    func writersCreateReadersDoNot(clustered: Bool) throws {
        let (servers, client) = try coordinator()
        let database = ClickHouseServers.uniqueDatabase("fresh")
        let url = servers.servers[0].url(database: database, cluster: clustered ? servers.clusterName : nil)
        let missing = #expect(throws: StoreError.self) { try ClickHouseBackend(url: url, access: .readOnly) }
        #expect(missing?.message == "\(url): no such store")
        #expect(TabSeparated.integer(try client.execute("SELECT count() FROM system.databases WHERE name = '\(database)' FORMAT TabSeparated")) == 0)

        _ = try ClickHouseBackend(url: url)
        let recorded = TabSeparated.rows(try client.execute("SELECT version, name, sha256, layout FROM \(database).migrations ORDER BY version FORMAT TabSeparated"))
        let layout = clustered ? "cluster:\(servers.clusterName)" : "single"
        #expect(recorded == embeddedClickHouseMigrations.map { ["\($0.version)", $0.name, $0.sha256, layout] })
        #expect(recorded.count == 4)
        _ = try ClickHouseBackend(url: url)  // applied once
        _ = try ClickHouseBackend(url: url, access: .readOnly)
        #expect(TabSeparated.integer(try client.execute("SELECT count() FROM \(database).migrations FORMAT TabSeparated")) == recorded.count)
        for server in servers.servers {
            let tables = TabSeparated.rows(try client.sibling(host: server.host).execute(
                "SELECT name, engine FROM system.tables WHERE database = '\(database)' AND name LIKE 'traces%' ORDER BY name FORMAT TabSeparated"))
            if clustered {
                #expect(tables == [["traces", "Distributed"], ["traces_local", "MergeTree"]])
            } else if server.host == servers.servers[0].host {
                #expect(tables == [["traces", "MergeTree"]])
            } else {
                #expect(tables.isEmpty)
            }
        }
    }

    @Test func aChangedMigrationOrAnotherLayoutIsRefused() throws {
        let (servers, client) = try coordinator()
        let database = ClickHouseServers.uniqueDatabase("changed")
        let url = servers.servers[0].url(database: database)
        _ = try ClickHouseBackend(url: url)
        let clustered = servers.servers[0].url(database: database, cluster: servers.clusterName)
        let layout = #expect(throws: StoreError.self) { try ClickHouseBackend(url: clustered, access: .readOnly) }
        #expect(layout?.message == "\(clustered): the store was made with layout single, not cluster:\(servers.clusterName) (the URL's ?cluster= must match)")

        try client.execute("ALTER TABLE \(database).migrations DELETE WHERE 1")
        try client.execute("INSERT INTO \(database).migrations VALUES (1, '0001_initial', 'x', 'single', '')")
        try client.execute("OPTIMIZE TABLE \(database).migrations FINAL")
        // ALTER … DELETE is a mutation, applied in the background: wait for it.
        for _ in 0..<50 where TabSeparated.integer(try client.execute("SELECT count() FROM \(database).migrations FORMAT TabSeparated")) != 1 { usleep(100_000) }
        let changed = #expect(throws: StoreError.self) { try ClickHouseBackend(url: url) }
        #expect(changed?.message == "\(url): migration 1 was applied from a different text than this build's 0001_initial.sql; refusing to use the store")

        let foreign = ClickHouseServers.uniqueDatabase("foreign")
        try client.execute("CREATE DATABASE \(foreign)")
        try client.execute("CREATE TABLE \(foreign).notes (text String) ENGINE = TinyLog")
        let notAStore = #expect(throws: StoreError.self) { try ClickHouseBackend(url: servers.servers[0].url(database: foreign)) }
        #expect(notAStore?.message.hasSuffix("not a DeepProv store (a database without DeepProv's migrations table); nothing was changed") == true)
    }
}
