import Foundation
import GRDB

/// Read-only connections to a store beside its own reader, opened when statements first need
/// to run at the same time (SQLite runs one statement per connection) and kept for the next.
final class ReaderConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [DatabaseQueue] = []

    /// `count` connections to the store at `path`, opened as `StoreOpening.openReadOnly` opens one.
    func first(_ count: Int, path: String) throws -> [DatabaseQueue] {
        try lock.withLock {
            while queues.count < count { queues.append(try StoreOpening.openReadOnly(path)) }
            return Array(queues.prefix(count))
        }
    }

    /// Interrupts the statements running on every connection opened so far.
    func interrupt() {
        lock.withLock { for queue in queues { queue.interrupt() } }
    }
}
