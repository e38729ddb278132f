import Foundation
import GRDB

/// Read-only connections to a store beside its own reader, for statements that run at the same
/// time (SQLite runs one statement per connection). Each is opened on the thread that first
/// needs it, so that opening overlaps the statements already running, and kept for the next
/// (a session's or a REPL's later queries reuse it).
final class ReaderConnections: @unchecked Sendable {
    /// One connection, opened once; its lock held while it opens.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var queue: DatabaseQueue?
    }

    private let lock = NSLock()
    private var slots: [Slot] = []

    /// Connection `index` (from 0) to the store at `path`, opened now if it is not yet:
    /// `StoreOpening.openAnotherReader`, without the checks the store's own reader made.
    func connection(_ index: Int, path: String) throws -> DatabaseQueue {
        let slot = lock.withLock {
            while slots.count <= index { slots.append(Slot()) }
            return slots[index]
        }
        return try slot.lock.withLock {
            if let queue = slot.queue { return queue }
            let queue = try StoreOpening.openAnotherReader(path)
            slot.queue = queue
            return queue
        }
    }

    /// Interrupts the statements running on every connection opened so far.
    func interrupt() {
        for slot in lock.withLock({ slots }) {
            slot.lock.withLock { slot.queue?.interrupt() }
        }
    }
}
