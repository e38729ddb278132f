import Foundation
import IPG
import Store

/// DeepProv's store on ClickHouse, reached over HTTP at `clickhouse://HOST:PORT/DATABASE`,
/// with its traces sharded over a configured cluster when the URL says `?cluster=NAME`
/// (`Migrations/clickhouse/` describes the tables). The second implementation of
/// `ProvenanceBackend`: ingest, traces, info, catalog, model bytes, analyses and read-only
/// SQL, which runs the query language's ClickHouse lowering (every saved query lowers).
public final class ClickHouseBackend: ProvenanceBackend, @unchecked Sendable {
    public let address: ClickHouseAddress
    let client: ClickHouseClient

    public var location: String { address.description }
    public var dialectName: String { "clickhouse" }

    /// Seconds an ingest waits while one claim of another writer holds a tag it writes (the
    /// same model's) before giving up (`ClickHouseTagClaim`). Set before `beginIngest`.
    public var busyTimeout: TimeInterval = 600
    /// Told once, with a message naming the tag and the run holding it, when an ingest has
    /// waited a second for another writer. Set before `beginIngest`.
    public var onWaiting: (@Sendable (String) -> Void)?

    /// Opens the store at `address`: a reader needs the database at this build's schema
    /// version; a writer creates the database (on every shard) and migrates it forward.
    public init(address: ClickHouseAddress, access: StoreAccess = .readWrite) throws {
        self.address = address
        client = ClickHouseClient(host: address.host, port: address.port, location: address.description)
        let migrator = ClickHouseMigrator(client: client, address: address)
        switch access {
        case .readOnly:
            let applied = try migrator.verify()
            if applied == 0 { throw StoreError(path: location, reason: .noSuchStore) }
            let latest = embeddedClickHouseMigrations.latestVersion
            if applied < latest { throw StoreError(path: location, reason: .schemaOutdated(version: applied, current: latest)) }
        case .readWrite:
            try migrator.migrate()
        }
    }

    /// Whether `address` names a DeepProv store (a database with migrations applied), without
    /// creating or migrating anything.
    public static func exists(_ address: ClickHouseAddress) throws -> Bool {
        let client = ClickHouseClient(host: address.host, port: address.port, location: address.description)
        return try ClickHouseMigrator(client: client, address: address).verify() > 0
    }

    /// The schema version: the number of ClickHouse migrations applied (0: no such database).
    public func schemaVersion() throws -> Int {
        try ClickHouseMigrator(client: client, address: address).verify()
    }

    /// Opens the store a `clickhouse://` URL names.
    public convenience init(url: String, access: StoreAccess = .readWrite) throws {
        try self.init(address: ClickHouseAddress(parsing: url), access: access)
    }

    /// `database.name`: the database is a checked identifier, table names are DeepProv's own.
    func table(_ name: String) -> String { "\(address.database).\(name)" }

    /// Settings for inserts: into a `Distributed` table, wait until every shard has its rows
    /// (by default ClickHouse queues them and returns at once).
    var insertSettings: [String: String] { address.cluster == nil ? [:] : ["insert_distributed_sync": "1"] }

    public func interrupt() {
        client.cancelAll()
    }

    public func beginIngest(sources: String, batchSize: Int) throws -> any TraceIngestion {
        try ClickHouseIngestRun(backend: self, sources: sources, batchSize: batchSize)
    }

    public func modelBytes(fingerprint: String) throws -> Data? {
        guard let id = try modelIDs()[fingerprint] else { return nil }
        var reader = RowBinaryReader(try client.execute(
            "SELECT onnx FROM \(table("model_bytes")) FINAL WHERE model_id = \(id) LIMIT 1 FORMAT RowBinary"))
        return reader.atEnd ? nil : Data(try reader.bytesValue())
    }

    public func record(_ analysis: AnalysisRecord) throws {
        let known = try analysis.modelFingerprint.flatMap { try modelIDs()[$0] == nil ? nil : $0 }
        var row = RowBinaryWriter()
        row.string(analysis.kind)
        row.string(analysis.name)
        row.nullable(known) { $0.string($1) }
        row.string(Self.timestamp())
        row.string(analysis.parameters)
        row.bytes(analysis.result)
        row.uint64(Self.version())
        try client.insert("INSERT INTO \(table("analyses")) (kind, name, model_fingerprint, created_at, parameters, result, version) FORMAT RowBinary", data: row.data)
    }

    public func analyses(kind: String) throws -> [AnalysisRecord] {
        var reader = RowBinaryReader(try client.execute("""
            SELECT kind, name, model_fingerprint, created_at, parameters, result FROM \(table("analyses")) FINAL
            WHERE kind = \(SQLLiteral.string(kind)) ORDER BY name FORMAT RowBinary
            """))
        var records: [AnalysisRecord] = []
        while !reader.atEnd {
            let kind = try reader.string(), name = try reader.string()
            let model = try reader.nullable { try $0.string() }
            let created = try reader.string(), parameters = try reader.string()
            records.append(AnalysisRecord(kind: kind, name: name, modelFingerprint: model, parameters: parameters,
                                          result: Data(try reader.bytesValue()), createdAt: created))
        }
        return records
    }

    /// Every stored model's id, by fingerprint.
    func modelIDs() throws -> [String: UInt64] {
        let rows = TabSeparated.rows(try client.execute("SELECT fingerprint, id FROM \(table("models")) FINAL FORMAT TabSeparated"))
        return Dictionary(rows.compactMap { row in row.count == 2 ? UInt64(row[1]).map { (row[0], $0) } : nil }) { first, _ in first }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// A row version for ReplacingMergeTree tables: later writes get larger ones.
    static func version() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
    }
}
