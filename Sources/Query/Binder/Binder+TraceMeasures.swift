/// Measures of a trace (`prob(3)`, `margin`, `margin(label)`, `active(2)`, `l1(2)`,
/// `entropy(2)`, `distance(2, 17)`, `distance(2, parent, cosine)`, `distance(2, centroid(tag =
/// 'clean' and label = 3))`): values in a condition on traces,
/// and columns a trace listing selects.
extension Binder {
    /// The measure `name(arguments)` of the trace a condition is about.
    mutating func traceMeasure(_ name: ParsedName, _ arguments: [ParsedExpression], span: Span) throws(Diagnostic) -> TraceMeasure {
        guard let function = TraceFunction(rawValue: name.text.lowercased()) else {
            throw unknown(name, kind: "function", candidates: TraceFunction.allCases.map(\.rawValue))
        }
        let arity: ClosedRange<Int>
        switch function {
        case .prob, .active, .l1, .entropy: arity = 1...1
        case .margin: arity = 0...1
        case .distance: arity = 2...3
        case .centroid:
            // Only distance's argument (`distanceTarget`), never a measure of its own.
            throw Diagnostic(code: .wrongType, message: "'centroid(…)' is a place to measure from: distance(2, centroid(tag = 'clean' and label = 3))", span: span)
        }
        guard arity.contains(arguments.count) else {
            throw Diagnostic(code: .wrongType, message: "'\(function.rawValue)' takes \(Self.usage(function))", span: span)
        }
        switch function {
        case .prob, .margin:
            guard let classExpression = arguments.first else { return .margin(nil) }
            let bound = try bindClass(classExpression)
            return function == .prob ? .probability(bound) : .margin(bound)
        case .active, .l1, .entropy:
            let layer = try required(arguments[0], .layer(count: layerCount, withoutEdges: nil))
            return function == .active ? .activeNodes(layer: layer) : function == .l1 ? .l1(layer: layer) : .entropy(layer: layer)
        case .distance, .centroid:
            let layer = try required(arguments[0], .layer(count: layerCount, withoutEdges: nil))
            var metric = NearestSearch.Metric.euclidean
            if arguments.count == 3 {
                guard case .name(let name) = arguments[2], let known = NearestSearch.Metric(rawValue: name.text.lowercased()) else {
                    throw Diagnostic(code: .noSuchTrace, message: "a distance is euclidean or cosine", span: arguments[2].span,
                                     notes: ["write: distance(2, parent, cosine)"])
                }
                metric = known
            }
            return .distance(layer: layer, to: try distanceTarget(arguments[1]), metric: metric)
        }
    }

    /// A trace id, `parent`, or `centroid(<condition on traces>)`.
    private mutating func distanceTarget(_ argument: ParsedExpression) throws(Diagnostic) -> DistanceTarget {
        switch argument {
        case .name(let name) where name.text.lowercased() == "parent":
            return .parent
        case .traceFunction(let name, let arguments, let span) where name.text.lowercased() == TraceFunction.centroid.rawValue:
            guard arguments.count == 1 else {
                throw Diagnostic(code: .wrongType, message: "'centroid' takes one condition on traces: centroid(tag = 'clean' and label = 3)", span: span)
            }
            let condition = try bind(arguments[0])
            try checkDepth(condition, at: arguments[0].span)
            return .centroid(condition)
        default:
            return .trace(try required(argument, .traceID))
        }
    }

    /// A class: a whole number the models have, or an integer expression of the trace (`label`).
    private mutating func bindClass(_ expression: ParsedExpression) throws(Diagnostic) -> BoundCondition {
        switch expression {
        case .integer, .parameter, .binary("-", .integer(0, _), .integer):
            let classes = catalog.models.compactMap { $0.layers.last?.nodeCount }.max() ?? 0
            return .value(try required(expression, .classIndex(column: "", classes: classes)))
        default:
            let bound = try bindValue(expression)
            guard type(of: bound) == .integer else {
                throw Diagnostic(code: .wrongType, message: "a class is a whole number (3, or label, predicted)", span: expression.span)
            }
            return bound
        }
    }

    /// A selected trace measure's column name: `prob_3`, `margin`, `entropy_2`, `distance_2_parent`.
    static func columnName(_ function: ParsedName, _ arguments: [ParsedExpression]) -> String {
        let parts = arguments.map { argument -> String in
            switch argument {
            case .integer(let value, _): return String(value)
            case .name(let name): return name.text.lowercased()
            case .parameter(let name, _): return name
            case .traceFunction(let name, _, _): return name.text.lowercased()
            default: return "x"
            }
        }
        return ([function.text.lowercased()] + parts).joined(separator: "_")
    }

    private static func usage(_ function: TraceFunction) -> String {
        switch function {
        case .prob: return "a class: prob(3), prob(label)"
        case .margin: return "no class (the runner-up) or one: margin(), margin(label)"
        case .active, .l1, .entropy: return "a layer: \(function.rawValue)(2)"
        case .distance: return "a layer, a trace id, parent or centroid(…), and maybe a metric: distance(2, 17), distance(2, parent, cosine), distance(2, centroid(tag = 'clean'))"
        case .centroid: return "a condition on traces: centroid(tag = 'clean')"
        }
    }
}
