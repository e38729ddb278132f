/// Turns a backend-neutral `QueryPlan` into one engine's SQL: a second engine implements this
/// protocol (its own statement shapes, functions and limits) without touching the binder or
/// the plan. Every value stays a bound argument.
public protocol QueryLowering: Sendable {
    /// The dialect the SQL is written in, as a backend names it (`ProvenanceBackend.dialectName`).
    var dialectName: String { get }
    func lower(_ plan: QueryPlan) -> CompiledQuery
}
