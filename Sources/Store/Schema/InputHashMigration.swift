import Foundation
import GRDB
import IPG

/// `ipg_copy_traces_without_input_hash()`: what migration 0012 calls to copy every trace into
/// `traces_rebuilt` without `input_hash`, in id order, keeping a trace's hash in
/// `explicit_input_hash` only when its layer 0 values do not give it back (`InputHash`; each
/// value block's layer 0 decoded once). Reports progress on standard error; returns the number
/// of traces copied.
enum InputHashMigration {
    /// Traces read and copied at a time.
    static let pageSize = 4096
    /// Traces between two progress lines.
    static let progressInterval = 65_536

    static func register(in db: Database) {
        let connection = WeakDatabase(db)
        db.add(function: DatabaseFunction("ipg_copy_traces_without_input_hash", argumentCount: 0, pure: false) { _ in
            guard let db = connection.db else { throw DatabaseError(message: "ipg_copy_traces_without_input_hash: the connection is closed") }
            return try copy(in: db)
        })
    }

    static func copy(in db: Database) throws -> Int {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces") ?? 0
        let columns = "id, model_id, run_id, tag, input_index, true_label, predicted_label, confidence, parent_tag, parent_index, explicit_edges, value_block, value_row"
        let insert = try db.makeStatement(sql: "INSERT INTO traces_rebuilt (\(columns), explicit_input_hash) VALUES (\(Array(repeating: "?", count: 14).joined(separator: ", ")))")
        var reader = InputHash.Reader()
        var done = 0, lastID: Int64 = .min
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT \(columns), input_hash FROM traces WHERE id > ? ORDER BY id LIMIT ?", arguments: [lastID, pageSize])
            guard let last = rows.last else { break }
            lastID = last["id"]
            for row in rows {
                let hash: Data = row["input_hash"]
                let input = try reader.input(block: row["value_block"], row: row["value_row"], in: db)
                var arguments = StatementArguments(row.databaseValues.dropLast())
                arguments += [InputHash.explicit([UInt8](hash), input: input)]
                try insert.execute(arguments: arguments)
            }
            let before = done
            done += rows.count
            if done / progressInterval != before / progressInterval || done == total {
                FileHandle.standardError.write(Data("deepprov: migrating traces (input hashes recomputed from their values): \(done) of \(total) traces\n".utf8))
            }
        }
        return done
    }

    /// The connection, not kept alive by the function registered on it.
    private final class WeakDatabase: @unchecked Sendable {
        weak var db: Database?
        init(_ db: Database) { self.db = db }
    }
}
