import IPG

extension ClickHouseLowering {
    /// Which plans this slice of the ClickHouse lowering writes: trace listings over the
    /// traces' metadata columns, node values of a layer, and per-node or per-layer summaries of one layer
    /// (count, mean, stddev, min, max, freq) by label, prediction or tag; after each, `where`,
    /// `derive`/`select`, `sort` and `take` over those columns.
    enum Support {
        /// What the plan needs that this lowering does not write, or nil.
        static func refusal(of plan: QueryPlan, catalog: Catalog) -> String? {
            if let traces = plan.source.traces, let missing = refusal(of: traces) { return missing }
            switch plan.source.shape {
            case .traces(let columns):
                for field in columns {
                    guard case .column(let column) = field.value else { return "trace measures (\(field.name))" }
                    if field.ofParent { return "a parent's columns (\(field.name))" }
                    if column == .model { return "the model column" }
                }
            case .nodeValues(let layer):
                if let missing = refusal(ofLayer: layer, catalog: catalog) { return missing }
            case .summary(let summary):
                if summary.unit == .edge { return "summaries by edge" }
                guard let layer = summary.layer else { return "summaries over every layer" }
                if let missing = refusal(ofLayer: layer, catalog: catalog) { return missing }
                let supported: [NodeMeasure] = [.count, .mean, .stddev, .freq, .min, .max]
                if let measure = summary.measures.first(where: { !supported.contains($0) }) { return "the measure \(measure.name)" }
            case .comparison(let comparison):
                return comparison.second == .parents ? "versus parent" : "versus"
            case .grouped: return "summaries of rows"
            case .nearest: return "nearest"
            case .edges: return "edges"
            case .lineage: return "lineage"
            }
            let expressions = plan.columns.map(\.expression) + plan.order.map(\.expression) + [plan.rowFilter].compactMap { $0 }
            return expressions.lazy.compactMap(refusal(of:)).first
        }

        /// Each value is a node here: a layer whose nodes hold several values (a channel of a
        /// convolution: its node value is their mean) is refused, and so is a `$layer` when any
        /// layer is one.
        static func refusal(ofLayer layer: BoundValue, catalog: Catalog) -> String? {
            let layers = catalog.models.flatMap(\.layers).filter { candidate in
                if case .integer(let index) = layer { return candidate.index == index }
                return true
            }
            guard let several = layers.first(where: { $0.nodeSize != 1 }) else { return nil }
            return "layers whose nodes hold several values (layer \(several.index), \(several.nodeSize) values a node)"
        }

        /// What a condition or expression needs that this lowering does not write, or nil.
        static func refusal(of condition: BoundCondition) -> String? {
            switch condition {
            case .column(.model): return "the model column"
            case .column, .output, .value: return nil
            case .attribute(let key): return "attributes (\(key))"
            case .node, .nodePart: return "node references"
            case .measure: return "trace measures"
            case .related(let relation, _): return "\(relation.rawValue)(…) conditions"
            case .absolute(let inner), .not(let inner): return refusal(of: inner)
            case .binary(let op, let left, let right):
                // SQLite divides whole numbers to a whole number; ClickHouse's `/` does not.
                if op == "/" { return "division" }
                return refusal(of: left) ?? refusal(of: right)
            }
        }
    }
}
