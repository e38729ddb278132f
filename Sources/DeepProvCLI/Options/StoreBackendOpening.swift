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

/// The existing store `db` names, opened for writing: a missing file or database, or one that
/// is not a DeepProv store, is refused rather than created.
func openExistingBackend(_ db: String) throws -> any ProvenanceBackend {
    _ = try openBackend(db, access: .readOnly)
    return try openBackend(db, access: .readWrite)
}

/// Loads trace streams into the store `db` names (created when missing) as one run; on
/// ClickHouse, waiting at most `busyTimeout` seconds for another writer of a tag, telling
/// `onWaiting` when it waits.
func ingestStreams(_ streams: [String], into db: String, batchSize: Int, busyTimeout: Double, onWaiting: (@Sendable (String) -> Void)?,
                   progress: (IngestSummary) -> Void) throws -> IngestSummary {
    let backend = try openBackend(db, access: .readWrite)
    if let clickHouse = backend as? ClickHouseBackend {
        clickHouse.busyTimeout = busyTimeout
        clickHouse.onWaiting = onWaiting
    }
    return try StreamIngestor(backend: backend, batchSize: batchSize).ingest(streams, progress: progress)
}
