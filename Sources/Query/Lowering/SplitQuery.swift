/// A query that can also run as several read-only statements, each over a part of the traces,
/// on as many connections at once (SQLite runs one statement per connection), whose rows merge
/// into the rows of the single statement (`CompiledQuery.sql`): a listing ordered by trace id
/// (parts are ranges of ids; their rows one after another), or summaries scanning node values
/// (part i of N reads the value blocks whose number is i modulo N, and gives per-group partial
/// statistics, which a final statement merges and reads as the single statement reads its scan). Made by a lowering for the forms it can split; queries it
/// cannot split (quantiles, entropy, edges, lineage, listings in another order) have none.
public struct SplitQuery: Sendable, Equatable {
    /// A value for one placeholder of a split query's statements.
    public enum Argument: Sendable, Equatable {
        /// What the single statement binds: a literal or a `$parameter`.
        case query(CompiledQuery.Argument)
        /// The first and the last trace id of a range (inclusive).
        case traceRangeStart, traceRangeEnd
        /// How many parts there are, and which one this is (from 0).
        case partCount, partIndex
        /// The partial states of every range (a JSON array), which a final statement merges.
        case partialStates
    }

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

    /// One part's statement: a range of trace ids (`.traceRangeStart`, `.traceRangeEnd`) or the
    /// part's index among the parts (`.partIndex`, `.partCount`).
    public var part: Statement
    public var merge: Merge
}

extension SplitQuery.Argument {
    /// While the lowering builds a statement (`SQLFragment` holds compiled-query arguments), a
    /// range's end or the states travel as a parameter no query can name (its name is not an
    /// identifier).
    var carried: CompiledQuery.Argument {
        switch self {
        case .query(let argument): return argument
        case .traceRangeStart: return .parameter(" trace range start")
        case .traceRangeEnd: return .parameter(" trace range end")
        case .partCount: return .parameter(" part count")
        case .partIndex: return .parameter(" part index")
        case .partialStates: return .parameter(" partial states")
        }
    }

    init(carried argument: CompiledQuery.Argument) {
        self = [Self.traceRangeStart, .traceRangeEnd, .partCount, .partIndex, .partialStates].first { $0.carried == argument } ?? .query(argument)
    }
}
