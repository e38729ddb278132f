import IPG

/// How SQLite and the store's `ipg_*` functions spell what the lowering needs: statistics
/// aggregates over encoded node values, a layer's node values as rows, JSON array access,
/// casts. Column expressions in, SQL text out (a value only as a fragment that binds it).
extension SQLiteLowering {
    enum Spelling {
        static func squareRoot(_ expression: String) -> String { "sqrt(\(expression))" }

        static func real(_ expression: String) -> String { "CAST(\(expression) AS REAL)" }

        static func integer(_ expression: String) -> String { "CAST(\(expression) AS INTEGER)" }

        static func least(_ a: String, _ b: String) -> String { "min(\(a), \(b))" }

        static func greatest(_ a: String, _ b: String) -> String { "max(\(a), \(b))" }

        /// The layer or the node of a node reference `layer:node` (text), as an integer.
        static func nodeReferencePart(_ part: NodePart, of reference: SQLFragment) -> SQLFragment {
            switch part {
            case .layer: return "CAST(substr(\(reference), 1, instr(\(reference), ':') - 1) AS INTEGER)"
            case .node: return "CAST(substr(\(reference), instr(\(reference), ':') + 1) AS INTEGER)"
            }
        }

        /// Element `index` of the JSON array in `json`.
        static func element(_ json: String, _ index: Int) -> String { "json_extract(\(json), '$[\(index)]')" }

        /// Element `index` (an SQL expression) of the JSON array in `json`.
        static func element(_ json: String, at index: String) -> String { "json_extract(\(json), '$' || '[' || \(index) || ']')" }

        /// Rows (`key`, `value`) of the JSON array in `json` (of the row before it in FROM).
        static func arrayRows(_ json: String, alias: String) -> String { "json_each(\(json)) AS \(alias)" }

        /// The `traces` columns that locate a trace's node values (its value block and its row
        /// in it), in the order the `ipg_*` functions take them.
        static let traceValueColumns = ["value_block", "value_row"]

        /// Trace `t`'s node values as the `ipg_*` functions take them (their first arguments,
        /// or the first and the second trace's in functions of two).
        static func traceValues(_ t: String) -> String { traceValueColumns.map { "\(t).\($0)" }.joined(separator: ", ") }

        /// Per node of a layer, over a group of traces, a JSON array of the statistics in
        /// `NodeStatisticsLayout` order.
        static func nodeStatistics(layer l: String) -> String {
            "ipg_node_stats(\(traceValues("t")), \(l).layer, \(l).node_size, \(l).threshold)"
        }

        /// Per node, the statistics of several partial `nodeStatistics` (or `nodePairStatistics`)
        /// arrays of a group merged into one, in the order of `order` (the ranges' order).
        static func mergedNodeStatistics(order: String, statistics: String) -> String {
            "ipg_merge_node_stats(\(order), \(statistics))"
        }

        /// `ipg_merge_edge_stats` of one group's partial edge statistics, in `order`.
        static func mergedEdgeStatistics(order: String, statistics: String) -> String {
            "ipg_merge_edge_stats(\(order), \(statistics))"
        }

        /// `ipg_merge_edge_activity`: one group's partial edge activity counts added up.
        static func mergedEdgeActivity(_ counts: String) -> String {
            "ipg_merge_edge_activity(\(counts))"
        }

        /// Rows (`key`: position, `value`) of the partial states a split query's ranges gave,
        /// bound as one JSON array.
        static func partialStateRows(alias: String) -> SQLFragment {
            "json_each(\(SQLFragment.placeholder(.partialStates))) AS \(raw: alias)"
        }

        /// The Shannon entropy in bits of trace `t`'s |node values| in layer `l`.
        static func layerEntropy(layer l: String) -> String {
            "ipg_entropy(\(traceValues("t")), \(l).layer, \(l).node_size)"
        }

        /// The same over pairs of traces `t` and `p` (`NodeStatisticsLayout`'s paired order).
        static func nodePairStatistics(layer l: String) -> String {
            "ipg_node_pair_stats(\(traceValues("t")), \(traceValues("p")), \(l).layer, \(l).node_size, \(l).threshold)"
        }

        /// Per node, the quantile (0–1, the expression `quantile`) of the node values over a group.
        static func nodeQuantile(layer l: String, quantile: SQLFragment) -> SQLFragment {
            "ipg_node_quantile(\(raw: traceValues("t")), \(raw: l).layer, \(raw: l).node_size, \(quantile))"
        }

        /// One row (`key`: the node, `value`) per node of layer `l` of trace `t` (a FROM item
        /// joined after both).
        static func nodeValueRows(trace t: String, layer l: String, alias: String) -> String {
            "json_each(ipg_nodes(\(traceValues(t)), \(l).layer, \(l).node_size)) AS \(alias)"
        }

        /// A dense layer's weights into one target: `dense_weight_rows` (one row per layer and
        /// target), joined as `alias` on model `model`, layer `layer` and, when given, `target`.
        static func denseWeightRows(alias: String, model: String, layer: String, target: String? = nil) -> String {
            "dense_weight_rows \(alias) ON \(alias).model_id = \(model) AND \(alias).layer = \(layer)" + (target.map { " AND \(alias).target = \($0)" } ?? "")
        }

        /// The weight from source node `source` (an SQL expression) in the `dense_weight_rows`
        /// row `rows`, read in place.
        static func denseWeight(_ rows: String, source: String) -> String { "ipg_float32_at(\(rows).weights, \(source))" }

        /// Per (target, source) pair of dense layer `l` from layer `s`, the traces of a group in
        /// which both nodes are active, as a JSON array indexed target × source count + source.
        static func edgeActivity(source s: String, target l: String) -> String {
            "ipg_edge_activity(\(traceValues("t")), \(s).layer, \(s).node_size, \(s).threshold, \(l).layer, \(l).node_size, \(l).threshold)"
        }

        /// `names` as an SQL list of string literals, `('a', 'b')`.
        private static func sqlList(_ names: [String]) -> String {
            "(" + names.map { "'\($0)'" }.joined(separator: ", ") + ")"
        }

        /// The merge layers' kinds (Add/Sum, Concat): their edges come from every source listed
        /// in `layer_sources`.
        private static let mergeKinds = sqlList(LayerKind.merges.map(\.rawValue))
        /// The edge rules `derivedEdgeRows` derives from maps.
        private static let derivedEdgeRules = sqlList(EdgeRuleKind.derivedFromMaps.map(\.rawValue))
        /// The rules of the `layer_sources` rows whose edges `derivedEdgeRows` derives: those,
        /// and a concatenated source.
        private static let derivedSourceRules = sqlList((EdgeRuleKind.derivedFromMaps + [.concat]).map(\.rawValue))

        /// Whether layer `l`'s edges are the ones `derivedEdgeRows` derives: a rule in
        /// `EdgeRuleKind.derivedFromMaps`, or a merge layer (whose `edge_rule` is only its
        /// first source's; `derivedSource` picks the sources derived).
        static func hasDerivedEdges(_ l: String) -> String {
            "(\(l).edge_rule IN \(derivedEdgeRules) OR \(l).kind IN \(mergeKinds))"
        }

        /// Whether `layer_sources` row `ls` is a source whose edges `derivedEdgeRows` derives:
        /// a rule derived from maps, or a concatenated source.
        static func derivedSource(_ ls: String) -> String {
            "\(ls).edge_rule IN \(derivedSourceRules)"
        }

        /// One row per pair of nodes layer `l` (conv, channel scale, channel output, reshape or
        /// merge) connects from its source layer `s` (the source `layer_sources` row `ls`
        /// lists), for trace `t`, with `k` the layer's `layer_kernels` row (LEFT JOINed): read
        /// its parts with `derivedEdge`.
        static func derivedEdgeRows(trace t: String, source s: String, via ls: String, target l: String, kernel k: String, alias: String) -> String {
            "json_each(\(derivedEdgeFunction("ipg_edges", trace: t, source: s, via: ls, target: l, kernel: k))) AS \(alias)"
        }

        /// Over a group of traces `t`, per pair of nodes layer `l` connects from source `s`, a
        /// JSON array of the pair's ends and its contribution's statistics (read with
        /// `derivedEdgeStatistic`).
        static func derivedEdgeStatistics(trace t: String, source s: String, via ls: String, target l: String, kernel k: String) -> String {
            derivedEdgeFunction("ipg_edge_stats", trace: t, source: s, via: ls, target: l, kernel: k)
        }

        /// The same over pairs of traces `t` and `p` (`NodeStatisticsLayout`'s paired order).
        static func derivedEdgePairStatistics(trace t: String, parent p: String, source s: String, via ls: String, target l: String, kernel k: String) -> String {
            derivedEdgeFunction("ipg_edge_pair_stats", trace: t, alsoTrace: p, source: s, via: ls, target: l, kernel: k)
        }

        /// The rule is the source row's; a merge layer's source also passes its channel offset.
        private static func derivedEdgeFunction(_ name: String, trace t: String, alsoTrace p: String? = nil, source s: String, via ls: String, target l: String, kernel k: String) -> String {
            "\(name)(\(traceValues(t)), \(p.map { "\(traceValues($0)), " } ?? "")\(ls).edge_rule, \(s).layer, \(s).node_size, \(s).threshold, \(l).layer, \(l).node_size, \(l).threshold, \(k).geometry, \(k).weights,"
                + " CASE WHEN \(l).kind IN \(mergeKinds) THEN \(ls).channel_offset END)"
        }

        /// A part of an `ipg_edge_stats` element: its ends, then `NodeStatisticsLayout` fields.
        enum DerivedEdgeStatistic {
            case source, target
            case field(NodeStatisticsLayout.Field)
            case pairField(NodeStatisticsLayout.PairPart, NodeStatisticsLayout.Field)
            case pairAbsoluteMean
        }

        static func derivedEdgeStatistic(_ part: DerivedEdgeStatistic, of json: String) -> String {
            switch part {
            case .source: return element(json, 0)
            case .target: return element(json, 1)
            case .field(let field): return element(json, 2 + field.rawValue)
            case .pairField(let pairPart, let field): return element(json, 2 + NodeStatisticsLayout.pairIndex(pairPart, field))
            case .pairAbsoluteMean: return element(json, 2 + NodeStatisticsLayout.pairAbsoluteMeanIndex)
            }
        }

        /// A part of a `derivedEdgeRows` row.
        enum DerivedEdgePart: Int {
            case source, target, contribution, sourceActive, targetActive
        }

        static func derivedEdge(_ part: DerivedEdgePart, of alias: String) -> String {
            "json_extract(\(alias).value, '$[\(part.rawValue)]')"
        }

        /// A common table computed once, not folded into the query that reads it.
        static func materialized(_ name: String, columns: [String]? = nil, _ query: SQLFragment) -> SQLFragment {
            "\(raw: name)\(raw: columns.map { "(" + $0.joined(separator: ", ") + ")" } ?? "") AS MATERIALIZED (\(query))"
        }
    }
}
