import Foundation
import GRDB

/// How a store's file is opened: readers without writing a byte, writers creating a missing
/// store atomically and migrating an older one.
enum StoreOpening {
    /// The SQLite settings every connection shares: DeepProv's functions, a busy timeout.
    static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            StoreFunctions.register(in: db)
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return configuration
    }

    /// One read-only connection to an existing store of this build's schema version. A
    /// store in a folder the user may not write (where SQLite cannot make its shared-memory
    /// file) is opened as immutable.
    static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError(path: path, reason: .noSuchStore) }
        let queue = try openAnotherReader(path)
        let applied = try describingFailures(path) { try queue.read { try SchemaMigrator.verify($0, path: path) } }
        if applied == 0 { throw StoreError(path: path, reason: .notAStore(detail: "an empty SQLite database")) }
        if applied < embeddedMigrations.latestVersion {
            throw StoreError(path: path, reason: .schemaOutdated(version: applied, current: embeddedMigrations.latestVersion))
        }
        return queue
    }

    /// A read-only connection to the store at `path`, without checking its schema: what
    /// `openReadOnly` checks, or, for more connections to a store it opened, has checked.
    static func openAnotherReader(_ path: String) throws -> DatabaseQueue {
        do {
            return try openReadOnlyConnection(path)
        } catch is DatabaseError where !writable(path) {
            // SQLite could not make the shared-memory file a WAL reader needs: no writer can
            // be at work where this user may not write, so the file is read as it stands.
            return try openReadOnlyConnection(path, uri: "file:" + percentEncoded(path) + "?immutable=1")
        }
    }

    /// Opens a connection and reads the schema once, so that a file SQLite cannot open as a
    /// WAL database fails here.
    private static func openReadOnlyConnection(_ path: String, uri: String? = nil) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: uri ?? path, configuration: configuration(readOnly: true))
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
            return queue
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError(path: path, reason: .notAStore(detail: "not an SQLite database"))
        } catch let error as DatabaseError where uri != nil {
            throw storeError(error, path: path)
        }
    }

    /// The write pool of the store at `path`, created first when missing, migrated to this
    /// build's version. A file that is not a DeepProv store is refused before anything is written.
    static func openForWriting(_ path: String) throws -> DatabasePool {
        if FileManager.default.fileExists(atPath: path) {
            // Checked on a read-only connection: opening the pool would switch the file to WAL.
            let isEmptyFile = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) == 0
            if !isEmptyFile {
                let queue = try openReadOnlyConnection(path)
                _ = try describingFailures(path) { try queue.read { try SchemaMigrator.verify($0, path: path) } }
            }
        } else {
            try createAtomically(path)
        }
        let pool = try describingFailures(path) { try DatabasePool(path: path, configuration: configuration(readOnly: false)) }
        try describingFailures(path) { try SchemaMigrator.migrate(pool, path: path) }
        return pool
    }

    /// Makes a complete store beside `path` and links it into place, so that readers see no
    /// store or a whole one; when another process linked its store first, that one is kept.
    private static func createAtomically(_ path: String) throws {
        let staging = path + ".creating-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
        }
        try describingFailures(path) {
            var configuration = configuration(readOnly: false)
            configuration.prepareDatabase { db in
                // Takes effect when the file is created. Value blocks (tens of KB a row) spill into
                // overflow pages that SQLite fills completely, and only a row's remainder shares a
                // page: measured on the MLP's traces, 4 KB pages hold the blocks in 5 % more than
                // their bytes, 64 KB pages (what stores of per-trace blobs used) in 17 % more.
                try db.execute(sql: "PRAGMA page_size = 4096")
            }
            let queue = try DatabaseQueue(path: staging, configuration: configuration)
            try SchemaMigrator.migrate(queue, path: path)
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try queue.close()
        }
        if link(staging, path) != 0 && errno != EEXIST {
            throw StoreError(path: path, reason: .damaged(detail: "cannot create the store: \(String(cString: strerror(errno)))"))
        }
    }

    /// Whether this process may write the file and its folder (SQLite's side files live there).
    private static func writable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(folder.isEmpty ? "." : folder, W_OK) == 0
    }

    private static func percentEncoded(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
    }

    /// Runs `body` and turns SQLite errors into `StoreError`s naming the store and the SQL.
    static func describingFailures<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw storeError(error, path: path)
        }
    }

    /// A SQLite error as a `StoreError` of the store at `path`.
    private static func storeError(_ error: DatabaseError, path: String) -> StoreError {
        StoreError(path: path, reason: .sqlite(
            code: error.extendedResultCode.rawValue, message: error.message ?? "\(error)", sql: error.sql,
            arguments: error.arguments.map { "\($0)" }))
    }
}
