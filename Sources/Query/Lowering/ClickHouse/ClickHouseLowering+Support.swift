import IPG

extension ClickHouseLowering {
    /// Which plans the ClickHouse lowering writes: trace listings over the traces' metadata
    /// columns, node values of a layer, per-node summaries of one layer and per-layer summaries
    /// of one or every layer (count, mean, stddev, freq, min, max, dispersion) by label,
    /// prediction or tag, and their comparisons `versus traces` and `versus parent`; dense
    /// edges and summaries by edge; lineage back or forward through dense layers; summaries
    /// of any of these rows; trace measures but `distance` to a centroid (`active` and
    /// `distance` in a listing's columns only), a parent's columns but its
    /// model, `parent(…)` and `child(…)` conditions; after each, `where`, `derive`/`select`, `sort` and `take`.
    enum Support {
        /// What the plan needs that this lowering does not write, or nil.
        static func refusal(of plan: QueryPlan, catalog: Catalog) -> String? {
            if let traces = plan.source.traces, let missing = refusal(of: traces) ?? refusal(ofMeasuresIn: traces, catalog: catalog) { return missing }
            switch plan.source.shape {
            case .traces(let columns):
                for field in columns {
                    if field.ofParent, case .measure = field.value { return "a parent's trace measures (\(field.name))" }
                    if field.ofParent && field.value == .column(.model) { return "a parent's model (\(field.name))" }
                    if case .measure(let measure) = field.value {
                        if case .distance(_, .centroid, _) = measure { return "trace measures (\(field.name))" }
                        if let missing = refusal(of: measure, catalog: catalog) { return missing }
                    }
                }
            case .nodeValues(let layer):
                if let missing = refusal(ofLayer: layer, catalog: catalog) { return missing }
            case .summary(let summary):
                if let missing = refusal(of: summary, catalog: catalog) { return missing }
            case .comparison(let comparison):
                if comparison.second == .parents && comparison.first.layer == nil { return "versus parent over every layer" }
                if comparison.second == .parents && comparison.first.unit == .edge { return "versus parent by edge" }
                if let missing = refusal(of: comparison.first, catalog: catalog) { return missing }
                if case .traces(let filter?, _) = comparison.second, let missing = refusal(of: filter) ?? refusal(ofMeasuresIn: filter, catalog: catalog) {
                    return missing
                }
            case .grouped(let summary):
                if let missing = refusal(of: QueryPlanner.plan(summary.rows, ordered: false), catalog: catalog) { return missing }
            case .nearest: return "nearest"
            case .edges(let layer):
                if let missing = refusal(ofEdgesInto: layer, catalog: catalog) { return missing }
            case .lineage(let walk):
                if walk.contrast { return "lineage contrast" }
                if walk.versusParent { return "lineage versus parent" }
                // Forward, a node's strongest edges are ranked per layer they go into.
                let feeding = catalog.models.flatMap { model in model.layers.flatMap(\.sources).map { "\(model.name):\($0)" } }
                if walk.direction == .forward && Set(feeding).count < feeding.count { return "lineage forward from a layer feeding several layers" }
                if let missing = refusal(ofEdgesInto: .parameter(""), catalog: catalog) { return "lineage through " + missing }
            }
            let expressions = plan.columns.map(\.expression) + plan.order.map(\.expression) + [plan.rowFilter].compactMap { $0 }
            return expressions.lazy.compactMap { refusal(of: $0, columns: plan.source.columns) }.first
        }

        /// What a summary (or either side of a comparison) needs that this lowering does not write, or nil.
        static func refusal(of summary: Summary, catalog: Catalog) -> String? {
            if summary.unit == .edge {
                if summary.measures.contains(.freq) { return "the measure freq by edge" }
                if let missing = refusal(ofEdgesInto: summary.layer!, catalog: catalog) { return missing }
            }
            if summary.layer == nil && summary.unit == .node { return "summaries by node over every layer" }
            if let missing = refusal(ofLayer: summary.unit == .edge ? nil : summary.layer, catalog: catalog) { return missing }
            if let measure = summary.measures.first(where: { !supportedMeasures.contains($0) }) {
                // 18.16's quantiles do not interpolate between ranks as SQLite's do.
                if case .quantile = measure { return "the measure \(measure.name) (an interpolating quantile)" }
                return "the measure \(measure.name)"
            }
            return nil
        }

        /// What the measures a condition reads need that this lowering does not write, or nil.
        static func refusal(ofMeasuresIn condition: BoundCondition, catalog: Catalog) -> String? {
            switch condition {
            case .measure(let measure): return refusal(of: measure, catalog: catalog)
            case .related(_, let inner), .absolute(let inner), .not(let inner), .nodePart(_, let inner): return refusal(ofMeasuresIn: inner, catalog: catalog)
            case .binary(_, let left, let right): return refusal(ofMeasuresIn: left, catalog: catalog) ?? refusal(ofMeasuresIn: right, catalog: catalog)
            case .column, .output, .value, .attribute, .node: return nil
            }
        }

        /// A trace measure reads one value per node of its layer (the output layer for `prob`
        /// and `margin`).
        static func refusal(of measure: TraceMeasure, catalog: Catalog) -> String? {
            switch measure {
            case .probability, .margin:
                let outputs = catalog.models.compactMap(\.layers.last)
                guard let several = outputs.first(where: { $0.nodeSize != 1 }) else { return nil }
                return "layers whose nodes hold several values (layer \(several.index), \(several.nodeSize) values a node)"
            case .activeNodes(let layer), .l1(let layer), .entropy(let layer), .distance(let layer, _, _):
                return refusal(ofLayer: layer, catalog: catalog)
            }
        }

        /// Dense edges are derived here; edges derived from maps (conv, pooling, reshape, merge) are not.
        static func refusal(ofEdgesInto layer: BoundValue, catalog: Catalog) -> String? {
            let layers = catalog.models.flatMap(\.layers).filter { candidate in
                if case .integer(let index) = layer { return candidate.index == index }
                return true
            }
            guard let derived = layers.first(where: { $0.hasQueryableEdges && $0.edgeRule != .dense }) else { return nil }
            return "edges derived from maps (layer \(derived.index), \(derived.edgeRule?.rawValue ?? ""))"
        }

        static let supportedMeasures: [NodeMeasure] = [.count, .mean, .stddev, .freq, .min, .max, .dispersion]

        /// Each value is a node here: a layer whose nodes hold several values (a channel of a
        /// convolution: its node value is their mean) is refused, and so is a `$layer` or every layer when any
        /// layer is one.
        static func refusal(ofLayer layer: BoundValue?, catalog: Catalog) -> String? {
            let layers = catalog.models.flatMap(\.layers).filter { candidate in
                if case .integer(let index)? = layer { return candidate.index == index }
                return true
            }
            guard let several = layers.first(where: { $0.nodeSize != 1 }) else { return nil }
            return "layers whose nodes hold several values (layer \(several.index), \(several.nodeSize) values a node)"
        }

        /// What a condition or expression over `columns` (a shape's) needs that this lowering
        /// does not write, or nil.
        static func refusal(of condition: BoundCondition, columns: [OutputColumn] = []) -> String? {
            switch condition {
            case .column(.model): return "the model column (but in model = … and model != …)"
            case .column, .output, .value, .attribute, .node: return nil
            // `active` and `distance` read what only a trace listing's columns join.
            case .measure(.distance): return "trace measures (distance)"
            case .measure(.activeNodes): return "trace measures (active) in conditions"
            case .measure(.probability(let label)): return refusal(of: label, columns: columns)
            case .measure(.margin(let label)): return label.flatMap { refusal(of: $0, columns: columns) }
            case .measure: return nil
            case .related(_, let inner): return refusal(of: inner, columns: [])
            case .absolute(let inner), .not(let inner), .nodePart(_, let inner): return refusal(of: inner, columns: columns)
            case .binary(let op, let left, let right):
                if modelComparison(op, left, right) != nil { return nil }
                // SQLite divides whole numbers to a whole number, others to a real one: which
                // one a `$parameter` asks for is known only when the query runs.
                if op == "/", wholenessUnknown(left, columns: columns) || wholenessUnknown(right, columns: columns) {
                    return "division with a $parameter"
                }
                return refusal(of: left, columns: columns) ?? refusal(of: right, columns: columns)
            }
        }

        /// `model = value` or `model != value` (either way round): whether it is `=`, and the value.
        static func modelComparison(_ op: String, _ left: BoundCondition, _ right: BoundCondition) -> (equal: Bool, value: BoundValue)? {
            guard op == "=" || op == "!=" else { return nil }
            switch (left, right) {
            case (.column(.model), .value(let value)), (.value(let value), .column(.model)): return (op == "=", value)
            default: return nil
            }
        }

        /// Whether a condition's value may be whole or not depending on a `$parameter` (or an
        /// output column of unknown type) in it.
        static func wholenessUnknown(_ condition: BoundCondition, columns: [OutputColumn]) -> Bool {
            switch condition {
            case .binary(let op, let left, let right) where ["+", "-", "*", "/"].contains(op):
                return wholenessUnknown(left, columns: columns) || wholenessUnknown(right, columns: columns)
            case .absolute(let inner): return wholenessUnknown(inner, columns: columns)
            default: return condition.valueType(columns: columns) == .unknown
            }
        }
    }
}
