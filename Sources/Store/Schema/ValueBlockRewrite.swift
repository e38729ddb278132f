import Foundation
import GRDB
import IPG

/// `ipg_rewrite_values_into_blocks()`: what migration 0008 calls to move the node values of the
/// traces already stored from one blob per trace (`traces.node_values`, coded by IPG's
/// `TraceValueCodec`) into `value_blocks`: the traces in id order, each run of traces of one
/// model and value encoding split into blocks (`ValueBlocks`), their `(value_block, value_row)`
/// set. Reports progress on standard error; returns the number of traces rewritten. Values are
/// moved as they were stored (float16 traces stay float16), so none changes.
enum ValueBlockRewrite {
    /// Traces read and rewritten at a time.
    static let pageSize = 2048

    static func register(in db: Database) {
        let connection = WeakDatabase(db)
        db.add(function: DatabaseFunction("ipg_rewrite_values_into_blocks", argumentCount: 0, pure: false) { _ in
            guard let db = connection.db else { throw DatabaseError(message: "ipg_rewrite_values_into_blocks: the connection is closed") }
            return try rewrite(in: db)
        })
    }

    static func rewrite(in db: Database) throws -> Int {
        let columns = try db.columns(in: "traces").map(\.name)
        guard columns.contains("node_values"), columns.contains("value_block") else { return 0 }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces") ?? 0
        guard total > 0 else { return 0 }
        let traceCodec = TraceValueCodec(), blockCodec = LayerBlockCodec()
        let update = try db.makeStatement(sql: "UPDATE traces SET value_block = ?, value_row = ? WHERE id = ?")
        var nextBlock = try ValueBlocks.nextBlock(in: db)
        var done = 0, lastID: Int64 = .min
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT id, model_id, value_encoding, node_values FROM traces WHERE id > ? ORDER BY id LIMIT ?",
                                        arguments: [lastID, pageSize])
            guard let last = rows.last else { break }
            lastID = last["id"]
            var start = 0
            while start < rows.count {
                let model: Int64 = rows[start]["model_id"], code: Int = rows[start]["value_encoding"]
                var end = start + 1
                while end < rows.count, rows[end]["model_id"] as Int64 == model, rows[end]["value_encoding"] as Int == code { end += 1 }
                guard let encoding = ValueEncoding(rawValue: UInt8(clamping: code)) else {
                    throw DatabaseError(message: "trace \(rows[start]["id"] as Int64) has an unknown value encoding \(code)")
                }
                let run = rows[start..<end]
                let values = try run.map { try traceCodec.decode([UInt8]($0["node_values"] as Data), encoding: encoding) }
                let blocks = try ValueBlocks.encode(values, encoding: encoding, codec: blockCodec)
                try ValueBlocks.insert(blocks, firstBlock: nextBlock, encoding: encoding, in: db)
                for (row, position) in zip(run, ValueBlocks.positions(of: blocks)) {
                    try update.execute(arguments: [nextBlock + Int64(position.block), position.row, row["id"] as Int64])
                }
                nextBlock += Int64(blocks.count)
                start = end
            }
            done += rows.count
            FileHandle.standardError.write(Data("deepprov: migrating node values into blocks: \(done) of \(total) traces\n".utf8))
        }
        return done
    }

    /// The connection, not kept alive by the function registered on it.
    private final class WeakDatabase: @unchecked Sendable {
        weak var db: Database?
        init(_ db: Database) { self.db = db }
    }
}
