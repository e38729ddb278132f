/// A query that can also run as several read-only statements, each over a part of the traces,
/// on as many connections at once (SQLite runs one statement per connection), whose rows merge
/// into the rows of the single statement (`CompiledQuery.sql`): a listing ordered by trace id
/// (parts are ranges of ids; their rows one after another), or summaries scanning node values
/// (part i of N reads the value blocks whose number is i modulo N, and gives per-group partial
/// statistics, which a final statement merges and reads as the single statement reads its scan). Made by a lowering for the forms it can split; queries it
/// cannot split (quantiles, entropy, edge lists, lineage, listings in another order) have none.
public struct SplitQuery: Sendable, Equatable {
    /// What running a split query binds to a placeholder of its statements, part by part.
    public enum Slot: Sendable, Equatable {
        /// The first and the last trace id of a range (inclusive).
        case traceRangeStart, traceRangeEnd
        /// How many parts there are, and which one this is (from 0).
        case partCount, partIndex
        /// The partial states of every range (a JSON array), which a final statement merges.
        case partialStates
    }

    /// A value for one placeholder of a split query's statements: what the single statement
    /// binds (a literal or a `$parameter`), or a slot.
    public typealias Argument = SQLFragment.Binding

    /// SQL with its placeholders' arguments, in order.
    public struct Statement: Sendable, Equatable {
        public var sql: String
        public var arguments: [Argument]
    }

    /// How the parts' rows become the query's rows.
    public enum Merge: Sendable, Equatable {
        /// The parts' rows in range order, then the first `limit` of them (every part is
        /// ordered by trace id and keeps at most `limit` rows itself).
        case concatenate(limit: Argument?)
        /// Every part's rows are one JSON array each (a partial state: the scan it belongs to,
        /// its group and its statistics); `final` reads all of them, as one JSON array of the
        /// parts' rows in range order bound to each `.partialStates` placeholder, and gives the
        /// query's rows.
        case final(Statement)
    }

    /// How much of the store a query reads, so that what runs it can tell whether splitting
    /// pays: a few thousand traces read faster as one statement than a second connection and
    /// a merge cost.
    public struct Extent: Sendable, Equatable {
        /// A statement giving (one row, one value) at most the traces the query reads, counted
        /// through indexes (its selections' tags, ranges of trace ids); nil when it may read
        /// every trace.
        public var count: Statement?
        /// Whether it reads no more than the traces' own columns (a listing without measures,
        /// parents or attributes), far cheaper per trace than decoding node values.
        public var readsOnlyTraceColumns: Bool
    }

    /// One part's statement: a range of trace ids (`.traceRangeStart`, `.traceRangeEnd`) or the
    /// part's index among the parts (`.partIndex`, `.partCount`).
    public var part: Statement
    public var merge: Merge
    public var extent: Extent
}
