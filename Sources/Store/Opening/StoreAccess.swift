/// How a command uses a store.
public enum StoreAccess: Sendable {
    /// Reads only: the store must exist at this build's schema version; nothing is created,
    /// migrated or written, and a store the user may not write can still be read.
    case readOnly
    /// Ingests: the store is created when missing (atomically: concurrent creators end with
    /// one store) and migrated forward when older.
    case readWrite
}
