/// The syntax tree written compactly, one stage a line and expressions as prefix trees
/// (`(and (= tag 'clean') (not correct))`), for the REPL's `.ast`.
extension ParsedQuery: CustomStringConvertible {
    public var description: String {
        (["from traces"] + stages.map { "| \($0)" }).joined(separator: "\n")
    }
}

extension ParsedStage: CustomStringConvertible {
    public var description: String {
        switch self {
        case .filter(let condition): return "where \(condition)"
        case .select(let choices):
            return "select " + choices.map { choice in
                choice.column.text + (choice.arguments.map { "(" + $0.map { "\($0)" }.joined(separator: ", ") + ")" } ?? "") + (choice.alias.map { " as \($0.text)" } ?? "")
            }.joined(separator: ", ")
        case .derive(let derivations): return "derive " + derivations.map { "\($0.name.text) = \($0.expression)" }.joined(separator: ", ")
        case .nodes(let layer, _): return "nodes of layer \(layer)"
        case .summarize(let measures, let keys):
            let written = measures.map { measure in measure.name.text + (measure.column.map { "(" + $0.text + ")" } ?? "") }
            return "summarize " + written.joined(separator: ", ") + (keys.isEmpty ? "" : " by " + keys.map(\.text).joined(separator: ", "))
        case .versus(.parent, _): return "versus parent"
        case .versus(.traces(let condition), _): return "versus traces" + (condition.map { " where \($0)" } ?? "")
        case .edges(let layer, _): return "edges into layer \(layer)"
        case .lineage(let start, let kind, let depth, let top, _):
            return "lineage" + (kind == .backward ? "" : " \(kind.rawValue)") + (start.map { " from (node \($0.layer) \($0.node))" } ?? "") + " depth \(depth) top \(top)"
        case .nearest(let count, let trace, let layer, let metric, _):
            return "nearest \(count) to trace \(trace) in layer \(layer)" + (metric.map { " by \($0.text)" } ?? "")
        case .sort(let keys):
            return "sort " + keys.map { ($0.descending ? "-" : "") + "\($0.expression)" }.joined(separator: ", ")
        case .take(let count): return "take \(count)"
        }
    }
}

extension ParsedExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .name(let name): return name.text
        case .integer(let value, _): return "\(value)"
        case .number(let value, _): return "\(value)"
        case .string(let value, _): return "'\(value)'"
        case .parameter(let name, _): return "$\(name)"
        case .nodeReference(let layer, let index, _): return "\(layer):\(index)"
        case .attribute(let key, _): return "(attr '\(key)')"
        case .absolute(let inner, _): return "(abs \(inner))"
        case .nodePart(let part, let inner, _): return "(\(part.rawValue) \(inner))"
        case .traceFunction(let name, let arguments, _): return "(\(name.text)" + arguments.map { " \($0)" }.joined() + ")"
        case .related(let relation, let inner, _): return "(\(relation.rawValue) \(inner))"
        case .not(let inner, _): return "(not \(inner))"
        case .binary(let op, let left, let right): return "(\(op) \(left) \(right))"
        }
    }
}
