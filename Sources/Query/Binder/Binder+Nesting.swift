/// How deep a bound condition nests in its SQL. SQLite 3.40 parses a statement on a stack of
/// 100 entries: a nested operator, `NOT` or `abs(` takes two or three, a `parent(…)` or
/// `child(…)` subquery about eleven, and the clause a condition lands in up to about thirty
/// (the second set of an edge comparison). Measured there, conditions of the costliest
/// constructs parse up to 19 levels deep (relations counting four); 16 are allowed.
extension Binder {
    /// Levels a condition may nest, relations counting `relationLevels` each.
    public static let maximumConditionDepth = 16
    /// Levels a `parent(…)` or `child(…)` counts: its subquery nests like four operators.
    public static let relationLevels = 4

    /// Refuses `condition` (written at `span`) when it nests deeper than SQL allows;
    /// `combined` says it includes the conditions of earlier `where` stages.
    func checkDepth(_ condition: BoundCondition, at span: Span, combined: Bool = false) throws(Diagnostic) {
        let depth = Self.depth(of: condition)
        guard depth > Self.maximumConditionDepth else { return }
        let subject = combined ? "with the 'where' stages before it, this condition nests" : "this condition nests"
        throw Diagnostic(
            code: .conditionTooDeep, message: "\(subject) \(depth) levels deep; one query allows \(Self.maximumConditionDepth)", span: span,
            notes: ["each operator, not, - and abs(…) is a level, parent(…) and child(…) are \(Self.relationLevels) each"])
    }

    static func depth(of condition: BoundCondition) -> Int {
        switch condition {
        case .column, .output, .attribute, .value, .node: return 0
        case .absolute(let inner), .not(let inner), .nodePart(_, let inner), .measure(.probability(let inner)), .measure(.margin(let inner?)): return 1 + depth(of: inner)
        case .measure: return 1
        case .related(_, let inner): return relationLevels + depth(of: inner)
        case .binary(_, let left, let right): return 1 + max(depth(of: left), depth(of: right))
        }
    }
}
