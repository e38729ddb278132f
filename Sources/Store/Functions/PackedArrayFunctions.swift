import Foundation
import GRDB
import GRDBSQLite

/// SQL functions over packed columns (`PackedElement`), what migration 0014's tables and views
/// use:
///
/// - `ipg_float32_at(blob, position)`, `ipg_float64_at(…)`, `ipg_int32_at(…)`: the value at
///   `position` (from 0), NULL when the blob or the position is NULL or the position is outside
///   the blob. They read the blob in place (no copy), so a join may call them once per pair of
///   nodes: a dense edge's weight is `ipg_float32_at(dense_weight_rows.weights, source)`.
/// - `ipg_positions(count)`: the JSON array `[0, 1, …, count − 1]`, whose `json_each` rows
///   enumerate a packed column's positions (the views `dense_weights` and
///   `node_label_statistics`).
/// - `ipg_pack_float32(position, value)`, `ipg_pack_float64(…)`, `ipg_pack_int32(…)`:
///   aggregates, a group's values packed at their positions; every position from 0 to the
///   largest must be given exactly once.
enum PackedArrayFunctions {
    static func register(in db: Database) {
        for element in PackedElement.allCases {
            registerElementReader(element, in: db)
        }
        db.add(function: DatabaseFunction("ipg_positions", argumentCount: 1, pure: true) { arguments in
            guard let count = Int.fromDatabaseValue(arguments[0]) else { return nil }
            guard (0...(1 << 24)).contains(count) else { throw DatabaseError(message: "ipg_positions: \(count) positions is not a packed column's length") }
            return "[" + (0..<count).map(String.init).joined(separator: ",") + "]"
        })
        db.add(function: DatabaseFunction("ipg_pack_float32", argumentCount: 2, pure: true, aggregate: PackAggregate<Float32Element>.self))
        db.add(function: DatabaseFunction("ipg_pack_float64", argumentCount: 2, pure: true, aggregate: PackAggregate<Float64Element>.self))
        db.add(function: DatabaseFunction("ipg_pack_int32", argumentCount: 2, pure: true, aggregate: PackAggregate<Int32Element>.self))
    }

    /// `ipg_<element>_at`, registered through SQLite's C interface: GRDB would copy the blob
    /// into a `Data` on every call.
    private static func registerElementReader(_ element: PackedElement, in db: Database) {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        let definition = Unmanaged.passRetained(ElementBox(element)).toOpaque()
        sqlite3_create_function_v2(db.sqliteConnection, "ipg_\(element.rawValue)_at", 2, flags, definition, { context, _, values in
            guard let context, let values else { return }
            let element = Unmanaged<ElementBox>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue().element
            let blob = values[0], position = values[1]
            guard sqlite3_value_type(blob) == SQLITE_BLOB, sqlite3_value_type(position) == SQLITE_INTEGER else {
                return sqlite3_result_null(context)
            }
            let index = Int(sqlite3_value_int64(position))
            let count = Int(sqlite3_value_bytes(blob))
            guard index >= 0, index < count / element.size, let bytes = sqlite3_value_blob(blob) else { return sqlite3_result_null(context) }
            let value = element.read(UnsafeRawBufferPointer(start: bytes, count: count), at: index * element.size)
            if element == .int32 { sqlite3_result_int64(context, Int64(value)) } else { sqlite3_result_double(context, value) }
        }, nil, nil, { definition in
            if let definition { Unmanaged<ElementBox>.fromOpaque(definition).release() }
        })
    }

    private final class ElementBox {
        let element: PackedElement
        init(_ element: PackedElement) { self.element = element }
    }
}

/// The element type of a `PackAggregate` (GRDB makes aggregates with `init()`).
protocol PackedElementType { static var element: PackedElement { get } }
enum Float32Element: PackedElementType { static let element = PackedElement.float32 }
enum Float64Element: PackedElementType { static let element = PackedElement.float64 }
enum Int32Element: PackedElementType { static let element = PackedElement.int32 }

/// `ipg_pack_<element>(position, value)`: a group's values packed at their positions.
struct PackAggregate<Element: PackedElementType>: DatabaseAggregate {
    private var values: [Int: Double] = [:]

    private var name: String { "ipg_pack_\(Element.element.rawValue)" }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let position = Int.fromDatabaseValue(dbValues[0]), position >= 0, let value = Double.fromDatabaseValue(dbValues[1]) else {
            throw DatabaseError(message: "\(name): a position from 0 and a number are needed, got \(dbValues[0]) and \(dbValues[1])")
        }
        switch Element.element {
        case .float32 where Double(Float(value)) != value && !value.isNaN:
            throw DatabaseError(message: "\(name): \(value) at position \(position) is not a float32 value")
        case .int32 where value.rounded() != value || abs(value) > Double(Int32.max):
            throw DatabaseError(message: "\(name): \(value) at position \(position) is not an int32 value")
        default: break
        }
        guard values.updateValue(value, forKey: position) == nil else {
            throw DatabaseError(message: "\(name): position \(position) given twice in one group")
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let last = values.keys.max() else { return nil }
        guard values.count == last + 1 else {
            let missing = (0...last).first { values[$0] == nil }!
            throw DatabaseError(message: "\(name): position \(missing) missing in a group of positions 0 to \(last)")
        }
        return PackedArray.pack((0...last).map { values[$0]! }, as: Element.element)
    }
}
