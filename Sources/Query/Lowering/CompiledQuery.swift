/// SQL text for a query, the values to bind to its `?` placeholders in order, and the plan it
/// was lowered from (its output columns, typed, and what `$parameters` must be).
public struct CompiledQuery: Sendable, Equatable {
    /// A value for one placeholder: a literal of the query, or a `$parameter` given at run time.
    public enum Argument: Sendable, Equatable {
        case integer(Int)
        case number(Double)
        case string(String)
        case parameter(String)
    }

    public var sql: String
    public var arguments: [Argument]
    public var plan: QueryPlan
    /// The same query as statements over ranges of trace ids, merged; nil when it cannot be
    /// split (it then runs as `sql` alone).
    public var split: SplitQuery?

    /// The output columns, in order, with the types of their values.
    public var outputColumns: [OutputColumn] { plan.outputColumns }

    /// The output columns' names, in order.
    public var columns: [String] { plan.outputColumns.map(\.name) }

    /// What `$parameters` must be where they are used (a whole number in bounds, a tag, model
    /// or class the store has), beyond what SQL checks: see `problems(withParameters:)`.
    public var requirements: [ValueRequirement] { plan.requirements }

    /// The `$parameters` the query needs, in first-use order.
    public var parameterNames: [String] {
        var seen: [String] = []
        for case .parameter(let name) in arguments where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// What is wrong with the values given for `$parameters` (keyed by name), as diagnostics
    /// pointing at where each parameter is used; empty when they fit. Run it before binding
    /// the arguments: `take $k` with k = 1.5 would otherwise reach the database as a type error.
    /// With `checking`, only requirements that read one of those parameters are checked (with
    /// every value in `values`): a lineage's `$depth` default is checked with a given `$top`,
    /// while a saved query's default tag alone, which a store may lack, is not.
    public func problems(withParameters values: [String: Argument], checking: Set<String>? = nil) -> [Diagnostic] {
        requirements.filter { requirement in
            guard let checking else { return true }
            return requirement.values.contains { value in
                if case .parameter(let name) = value { return checking.contains(name) }
                return false
            }
        }.flatMap { $0.problems(withParameters: values) }
    }
}
