import Foundation
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// The HTTP client against a real server: statements, compressed RowBinary inserts read back
/// bit for bit, and errors that carry ClickHouse's message and the failing SQL.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseClientTests {
    private func client() throws -> ClickHouseClient {
        let server = try ClickHouseServers.shared().servers[0]
        return ClickHouseClient(host: server.host, port: server.httpPort, location: "test")
    }

    @Test func theClusterIsUpWithTwoShards() throws {
        let servers = try ClickHouseServers.shared()
        let rows = TabSeparated.rows(try client().execute(
            "SELECT shard_num, host_address FROM system.clusters WHERE cluster = '\(servers.clusterName)' ORDER BY shard_num FORMAT TabSeparated"))
        #expect(rows == [["1", "127.0.0.2"], ["2", "127.0.0.3"]])
        for server in servers.servers {
            let version = try ClickHouseClient(host: server.host, port: server.httpPort, location: "test").execute("SELECT version() FORMAT TabSeparated")
            #expect(String(decoding: version, as: UTF8.self).hasPrefix("1"))
        }
    }

    /// Floats of every kind (NaN payloads, −0, subnormals, infinities) and strings with
    /// escapes go in as gzip-compressed RowBinary and come back unchanged, in RowBinary and
    /// in TabSeparated.
    @Test func compressedRowBinaryRoundTrips() throws {
        let client = try client()
        let database = ClickHouseServers.uniqueDatabase("client")
        try client.execute("CREATE DATABASE \(database)")
        defer { _ = try? client.execute("DROP DATABASE \(database)") }
        try client.execute("CREATE TABLE \(database).t (id UInt64, name String, label Nullable(Int64), v Array(Float32)) ENGINE = MergeTree ORDER BY id")
        let floats: [Float] = [0, -0.0, 1.5, .nan, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-40]
        let names = ["plain", "tab\there", "quote ' and back\\slash", "newline\nüñí", ""]
        var rows = RowBinaryWriter()
        for (index, name) in names.enumerated() {
            rows.uint64(UInt64(index))
            rows.string(name)
            rows.nullable(index % 2 == 0 ? Int64(index) - 3 : nil) { $0.int64($1) }
            rows.float32Array(Array(floats.prefix(index * 3)))
        }
        try client.insert("INSERT INTO \(database).t FORMAT RowBinary", data: rows.data)
        var reader = RowBinaryReader(try client.execute("SELECT id, name, label, v FROM \(database).t ORDER BY id FORMAT RowBinary"))
        for (index, name) in names.enumerated() {
            #expect(try reader.uint64() == UInt64(index))
            #expect(try reader.string() == name)
            #expect(try reader.nullable { try $0.int64() } == (index % 2 == 0 ? Int64(index) - 3 : nil))
            #expect(try reader.float32Array().map(\.bitPattern) == floats.prefix(index * 3).map(\.bitPattern))
        }
        #expect(reader.atEnd)
        let text = TabSeparated.rows(try client.execute("SELECT name FROM \(database).t ORDER BY id FORMAT TabSeparated"))
        #expect(text.map { $0[0] } == names)
        let quoted = try client.execute("SELECT count() FROM \(database).t WHERE name = \(SQLLiteral.string(names[2])) FORMAT TabSeparated")
        #expect(TabSeparated.integer(quoted) == 1)
    }

    @Test func errorsCarryTheServersMessageAndTheSQL() throws {
        let sql = "SELECT no_such_column FROM system.one"
        let error = #expect(throws: StoreError.self) { try client().execute(sql) }
        #expect(error?.message.hasPrefix("test: ClickHouse error (HTTP ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Code 47: Unknown identifier: no_such_column") == true, "\(error?.message ?? "")")
        #expect(error?.message.hasSuffix("(in: \(sql))") == true)
    }

    @Test func anUnreachableServerIsNamed() throws {
        let error = #expect(throws: StoreError.self) {
            try ClickHouseClient(host: "127.0.0.1", port: 9, location: "clickhouse://127.0.0.1:9/x").execute("SELECT 1")
        }
        #expect(error?.message.hasPrefix("clickhouse://127.0.0.1:9/x: cannot reach the ClickHouse server at 127.0.0.1:9") == true, "\(error?.message ?? "")")
    }
}
