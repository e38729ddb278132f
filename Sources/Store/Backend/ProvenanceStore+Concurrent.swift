import Foundation
import GRDB

extension ProvenanceStore {
    /// Runs the statements at the same time, each in a read-only transaction of its own
    /// connection: the write pool's readers, or the read-only connection (the first statement,
    /// at once) and as many more as needed, each opened by the thread of its statement the
    /// first time (while the first statement already runs) and kept. The results come back
    /// in the statements' order; the first failure, in that order, is thrown.
    public func run(concurrently statements: [BoundStatement]) throws -> [ResultTable] {
        guard statements.count > 1 else { return try statements.map { try run(sql: $0.sql, arguments: $0.arguments) } }
        let outcomes = Outcomes(count: statements.count)
        DispatchQueue.concurrentPerform(iterations: statements.count) { index in
            let statement = statements[index]
            outcomes.set(index, Result {
                try run(sql: statement.sql, arguments: statement.arguments, on: readerForStatement(index))
            })
        }
        return try outcomes.results.map { try $0!.get() }
    }

    /// The connection statement `index` of several runs on.
    private func readerForStatement(_ index: Int) throws -> any DatabaseReader {
        if let pool { return pool }
        if index == 0 { return reader }
        return try StoreOpening.describingFailures(path) { try extraReaders.connection(index - 1, path: path) }
    }

    /// What each statement gave, filled in from several threads.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Result<ResultTable, any Error>?]

        init(count: Int) { stored = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Result<ResultTable, any Error>) { lock.withLock { stored[index] = result } }

        var results: [Result<ResultTable, any Error>?] { lock.withLock { stored } }
    }
}
