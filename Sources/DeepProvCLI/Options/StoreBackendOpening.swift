import Foundation
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
    setWaiting(of: backend, busyTimeout: busyTimeout, onWaiting: onWaiting)
    return try StreamIngestor(backend: backend, batchSize: batchSize).ingest(streams, progress: progress)
}

/// Has ingests into `backend` wait at most `busyTimeout` seconds for another writer of a tag,
/// telling `onWaiting` when they wait (ClickHouse; SQLite writers wait on its own lock).
func setWaiting(of backend: any ProvenanceBackend, busyTimeout: Double, onWaiting: (@Sendable (String) -> Void)?) {
    guard let clickHouse = backend as? ClickHouseBackend else { return }
    clickHouse.busyTimeout = busyTimeout
    clickHouse.onWaiting = onWaiting
}

/// Where a command writing a store says that it waits for another writer: standard error,
/// over its progress line, unless `quiet`.
func waitingMessages(quiet: Bool) -> (@Sendable (String) -> Void)? {
    guard !quiet else { return nil }
    return { @Sendable (message: String) in FileHandle.standardError.write(Data("\r\u{1B}[K\(message)\n".utf8)) }
}
