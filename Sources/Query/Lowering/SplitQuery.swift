/// A query that can also run as several read-only statements, one per range of trace ids, on
/// as many connections at once (SQLite runs one statement per connection), whose rows merge
/// into the rows of the single statement (`CompiledQuery.sql`): a listing ordered by trace id
/// (the parts' rows one after another), or summaries scanning node values (the parts give
/// per-group partial statistics, which a final statement merges and reads as the single
/// statement reads its scan). Made by a lowering for the forms it can split; queries it
/// cannot split (quantiles, entropy, edges, lineage, listings in another order) have none.
public struct SplitQuery: Sendable, Equatable {
    /// A value for one placeholder of a split query's statements.
    public enum Argument: Sendable, Equatable {
        /// What the single statement binds: a literal or a `$parameter`.
        case query(CompiledQuery.Argument)
        /// The first and the last trace id of a range (inclusive).
        case traceRangeStart, traceRangeEnd
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

    /// One range's statement: its `.traceRangeStart` and `.traceRangeEnd` placeholders take
    /// the first and the last trace id of the range (inclusive).
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
        case .partialStates: return .parameter(" partial states")
        }
    }

    init(carried argument: CompiledQuery.Argument) {
        self = [Self.traceRangeStart, .traceRangeEnd, .partialStates].first { $0.carried == argument } ?? .query(argument)
    }
}
