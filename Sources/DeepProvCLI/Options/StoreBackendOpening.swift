import Store
import StoreClickHouse

/// Opens the store a `--db` value names (`StoreLocation` reads it): an SQLite file, or a
/// ClickHouse database `clickhouse://HOST:PORT/DATABASE[?cluster=NAME]`.
func openBackend(_ db: String, access: StoreAccess) throws -> any ProvenanceBackend {
    switch try StoreLocation(parsing: db) {
    case .sqlite(let path): return try ProvenanceStore(path: path, access: access)
    case .clickHouse(let address): return try ClickHouseBackend(address: address, access: access)
    }
}
