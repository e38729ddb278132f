import Foundation
import GRDB
import IPG

extension ProvenanceStore: ProvenanceBackend {
    public var location: String { path }
    public var dialectName: String { "sqlite" }

    /// Runs one statement on a read-only connection: a statement that would write fails.
    public func run(sql: String, arguments: [StoreValue]) throws -> ResultTable {
        try run(sql: sql, arguments: arguments, on: reader)
    }

    /// Runs one statement on `connection`, a read-only one of this store.
    func run(sql: String, arguments: [StoreValue], on connection: any DatabaseReader) throws -> ResultTable {
        do {
            return try StoreOpening.describingFailures(path) {
                try connection.read { db in
                    let statement = try db.makeStatement(sql: sql)
                    let rows = try Row.fetchAll(statement, arguments: StatementArguments(arguments.map(\.databaseValue)))
                    return ResultTable(columnNames: statement.columnNames, rows: rows.map { $0.databaseValues.map(StoreValue.init) })
                }
            }
        } catch var error as StoreError {
            if case .sqlite(let code, let message, let failingSQL, nil) = error.reason {
                error.reason = .sqlite(code: code, message: message, sql: failingSQL ?? sql, arguments: arguments.isEmpty ? nil : "\(arguments)")
            }
            throw error
        }
    }

    public func beginIngest(sources: String, batchSize: Int) throws -> any TraceIngestion {
        try IngestRun(store: self, sources: sources, batchSize: batchSize)
    }

    public func modelBytes(fingerprint: String) throws -> Data? {
        try read { try Data.fetchOne($0, sql: "SELECT onnx FROM models WHERE fingerprint = ?", arguments: [fingerprint]) }
    }

    public func record(_ analysis: AnalysisRecord) throws {
        try write { db in
            let modelID = try analysis.modelFingerprint.flatMap {
                try Int64.fetchOne(db, sql: "SELECT id FROM models WHERE fingerprint = ?", arguments: [$0])
            }
            try db.execute(
                sql: """
                    INSERT INTO analyses (kind, name, model_id, created_at, parameters, result) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, name) DO UPDATE SET model_id = excluded.model_id, created_at = excluded.created_at,
                        parameters = excluded.parameters, result = excluded.result
                    """,
                arguments: [analysis.kind, analysis.name, modelID, IngestRun.timestamp(), analysis.parameters, analysis.result])
        }
    }

    public func analyses(kind: String) throws -> [AnalysisRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, m.fingerprint FROM analyses a LEFT JOIN models m ON m.id = a.model_id WHERE a.kind = ? ORDER BY a.name
                """, arguments: [kind]).map { row in
                AnalysisRecord(kind: row["kind"], name: row["name"], modelFingerprint: row["fingerprint"],
                               parameters: row["parameters"], result: row["result"], createdAt: row["created_at"])
            }
        }
    }
}

extension StoreValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .real(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let data): return data.databaseValue
        }
    }
}
