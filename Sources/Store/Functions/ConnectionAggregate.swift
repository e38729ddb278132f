import Foundation
import GRDB
import GRDBSQLite

/// An SQL aggregate over traces' node values, stepped and finalised as a GRDB
/// `DatabaseAggregate` is, but made by `ConnectionAggregate` with its connection's cache.
protocol ValueScanAggregate {
    mutating func step(_ dbValues: [DatabaseValue]) throws
    func finalize() throws -> (any DatabaseValueConvertible)?
}

/// Registers an SQL aggregate whose instances are made by a closure — GRDB makes aggregates
/// with `init()`, which cannot reach the connection's `ValueBlockCache`. Errors fail the
/// statement with their text.
enum ConnectionAggregate {
    static func register(_ name: String, argumentCount: Int32, in db: Database, make: @escaping () -> any ValueScanAggregate) {
        let definition = Unmanaged.passRetained(Definition(make: make)).toOpaque()
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(db.sqliteConnection, name, argumentCount, flags, definition, nil, { context, count, values in
            guard let context, let state = ConnectionAggregate.state(context, creating: true) else { return }
            let arguments = (0..<Int(count)).map { ConnectionAggregate.databaseValue(values![$0]) }
            do { try state.aggregate.step(arguments) } catch { ConnectionAggregate.fail(context, error) }
        }, { context in
            guard let context else { return }
            let aggregate = ConnectionAggregate.state(context, creating: false)?.aggregate
                ?? Unmanaged<Definition>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue().make()
            do {
                ConnectionAggregate.setResult(context, try aggregate.finalize()?.databaseValue ?? .null)
            } catch {
                ConnectionAggregate.fail(context, error)
            }
            ConnectionAggregate.release(context)
        }, { definition in
            if let definition { Unmanaged<Definition>.fromOpaque(definition).release() }
        })
    }

    private final class Definition {
        let make: () -> any ValueScanAggregate
        init(make: @escaping () -> any ValueScanAggregate) { self.make = make }
    }

    private final class State {
        var aggregate: any ValueScanAggregate
        init(_ aggregate: any ValueScanAggregate) { self.aggregate = aggregate }
    }

    /// The group's state, kept as a retained pointer in SQLite's aggregate context.
    private static func state(_ context: OpaquePointer, creating: Bool) -> State? {
        guard let raw = sqlite3_aggregate_context(context, creating ? Int32(MemoryLayout<UnsafeMutableRawPointer?>.size) : 0) else { return nil }
        let slot = raw.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        if let existing = slot.pointee { return Unmanaged<State>.fromOpaque(existing).takeUnretainedValue() }
        guard creating else { return nil }
        let definition = Unmanaged<Definition>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
        let state = State(definition.make())
        slot.pointee = Unmanaged.passRetained(state).toOpaque()
        return state
    }

    private static func release(_ context: OpaquePointer) {
        guard let raw = sqlite3_aggregate_context(context, 0) else { return }
        let slot = raw.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        if let existing = slot.pointee { Unmanaged<State>.fromOpaque(existing).release() }
        slot.pointee = nil
    }

    private static func databaseValue(_ value: OpaquePointer?) -> DatabaseValue {
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER: return sqlite3_value_int64(value).databaseValue
        case SQLITE_FLOAT: return sqlite3_value_double(value).databaseValue
        case SQLITE_TEXT: return String(cString: sqlite3_value_text(value)).databaseValue
        case SQLITE_BLOB:
            let count = Int(sqlite3_value_bytes(value))
            guard count > 0, let bytes = sqlite3_value_blob(value) else { return Data().databaseValue }
            return Data(bytes: bytes, count: count).databaseValue
        default: return .null
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies the text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func setResult(_ context: OpaquePointer, _ value: DatabaseValue) {
        switch value.storage {
        case .null: sqlite3_result_null(context)
        case .int64(let integer): sqlite3_result_int64(context, integer)
        case .double(let double): sqlite3_result_double(context, double)
        case .string(let text): sqlite3_result_text(context, text, -1, transient)
        case .blob(let data): data.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, Int32($0.count), transient) }
        }
    }

    private static func fail(_ context: OpaquePointer, _ error: any Error) {
        let message = (error as? DatabaseError)?.message ?? "\(error)"
        sqlite3_result_error(context, message, -1)
    }
}
