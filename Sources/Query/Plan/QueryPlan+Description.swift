/// A plan as text, one part per line: what `--explain` and the REPL's `.plan` show, and what
/// the golden plan files hold. Values appear as written (`'fgsm'`, `2`, `$layer`).
extension QueryPlan: CustomStringConvertible {
    public var description: String {
        var lines = ["traces: " + (source.traces.map(\.planText) ?? "all")]
        lines.append("rows: " + source.shape.planText)
        if let rowFilter { lines.append("where: " + rowFilter.planText) }
        lines.append("columns: " + columns.map { column in
            let expression = column.expression == .output(column.name) ? "" : " = " + column.expression.planText
            return "\(column.name) \(column.type.rawValue)\(expression)"
        }.joined(separator: ", "))
        if !order.isEmpty { lines.append("order: " + order.map { $0.expression.planText + ($0.descending ? " desc" : "") }.joined(separator: ", ")) }
        if let limit { lines.append("limit: " + limit.planText) }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension BoundQuery.Shape {
    /// What the shape computes, in words.
    var planText: String {
        switch self {
        case .traces(let columns):
            return "one per trace: " + columns.map { field in
                switch field.value {
                case .column(let column): return (field.ofParent ? "parent." : "") + column.rawValue
                case .measure(let measure): return measure.planText + " as " + field.name
                }
            }.joined(separator: ", ")
        case .summary(let summary):
            return summary.planText
        case .comparison(let comparison):
            let second: String
            switch comparison.second {
            case .traces(let filter, let path): second = "traces " + (filter.map(\.planText) ?? "all") + " (" + path.planText + ")"
            case .parents: second = "each trace's parent, paired"
            }
            let extras = comparison.extras.isEmpty ? "" : "; also " + comparison.extras.map(\.rawValue).joined(separator: ", ")
            return comparison.first.planText + " versus " + second + extras
        case .grouped(let summary):
            let measures = summary.measures.map { $0.function.rawValue + ($0.argument.map { "(" + $0.name + ")" } ?? "") }
            let keys = summary.keys.isEmpty ? "all rows" : "by " + summary.keys.map(\.name).joined(separator: ", ")
            let inner = QueryPlanner.plan(summary.rows, ordered: false).description.split(separator: "\n").map { "\n  " + $0 }.joined()
            return "grouped \(keys): " + measures.joined(separator: ", ") + ", of the rows of" + inner
        case .nearest(let search):
            return "the \(search.count.planText) traces nearest trace \(search.trace.planText) by \(search.metric.rawValue) distance of layer \(search.layer.planText)'s node values"
        case .nodeValues(let layer):
            return "node values of layer " + layer.planText + ", per trace"
        case .edges(let layer):
            return "active dense edges into layer " + layer.planText + ", per trace"
        case .lineage(let walk):
            let from = walk.start.map { "node " + $0.layer.planText + ":" + $0.node.planText }
                ?? (walk.contrast ? "the predicted output minus the true class's" : "the predicted output")
            return "lineage \(walk.direction.rawValue) from \(from), depth \(walk.depth.planText) (at most \(walk.maxSteps)), top \(walk.top.planText) per node, per trace"
                + (walk.versusParent ? ", beside its parent's path by path" : "")
        }
    }
}

extension Summary {
    var planText: String {
        let keys = (groups.map(\.rawValue) + [unit.rawValue]).joined(separator: ", ")
        let layerText = layer.map { (unit == .edge ? " into layer " : " of layer ") + $0.planText } ?? " of every layer"
        return "summary by \(keys)\(layerText): " + measures.map(\.name).joined(separator: ", ") + " (" + path.planText + ")"
    }
}

extension SummaryPath {
    var planText: String {
        switch self {
        case .statistics(let tag, let label?): return "from the per-label statistics of tag " + (tag?.planText ?? "") + ", label " + label.planText
        case .statistics(let tag, nil): return "from the statistics" + (tag.map { " of tag " + $0.planText } ?? " of every tag")
        case .scan: return "scanning the traces"
        }
    }
}

extension BoundValue {
    var planText: String {
        switch self {
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let text): return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .parameter(let name): return "$" + name
        }
    }
}

extension BoundCondition {
    /// The condition in the language's own notation, fully parenthesised.
    var planText: String {
        switch self {
        case .column(let column): return column.rawValue
        case .output(let name): return name
        case .attribute(let key): return "attr(" + BoundValue.string(key).planText + ")"
        case .value(let value): return value.planText
        case .node(let layer, let index): return "\(layer):\(index)"
        case .absolute(let inner): return "abs(" + inner.planText + ")"
        case .nodePart(let part, let inner): return part.rawValue + "(" + inner.planText + ")"
        case .measure(let measure): return measure.planText
        case .related(let relation, let inner): return relation.rawValue + "(" + inner.planText + ")"
        case .not(let inner): return "not " + inner.planText
        case .binary(let op, let left, let right): return "(" + left.planText + " " + op + " " + right.planText + ")"
        }
    }
}

extension TraceMeasure {
    var planText: String {
        switch self {
        case .probability(let label): return "prob(" + label.planText + ")"
        case .margin(let label): return "margin(" + (label?.planText ?? "") + ")"
        case .activeNodes(let layer): return "active(" + layer.planText + ")"
        case .l1(let layer): return "l1(" + layer.planText + ")"
        case .entropy(let layer): return "entropy(" + layer.planText + ")"
        case .distance(let layer, let target, let metric):
            let from: String
            switch target {
            case .trace(let trace): from = trace.planText
            case .parent: from = "parent"
            case .centroid(let condition): from = "centroid(" + condition.planText + ")"
            }
            return "distance(" + layer.planText + ", " + from + (metric == .euclidean ? "" : ", " + metric.rawValue) + ")"
        }
    }
}
