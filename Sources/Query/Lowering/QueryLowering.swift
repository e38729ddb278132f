import IPG

/// Turns a backend-neutral `QueryPlan` into one engine's SQL: a second engine implements this
/// protocol (its own statement shapes, functions and limits) without touching the binder or
/// the plan. Every value stays a bound argument.
public protocol QueryLowering: Sendable {
    /// The dialect the SQL is written in, as a backend names it (`ProvenanceBackend.dialectName`).
    var dialectName: String { get }
    /// What in `plan`, over the store `catalog` describes, this lowering cannot write (a
    /// phrase: "versus parent"), or nil when it writes all of it; `lower` is only given plans
    /// without one.
    func refusal(of plan: QueryPlan, catalog: Catalog) -> String?
    func lower(_ plan: QueryPlan) -> CompiledQuery
}

extension QueryLowering {
    /// Writes every plan.
    public func refusal(of plan: QueryPlan, catalog: Catalog) -> String? { nil }
}
