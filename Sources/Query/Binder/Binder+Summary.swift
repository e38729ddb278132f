import IPG

extension Binder {
    /// `summarize <measures> by [groups,] node|layer|edge`.
    mutating func summarize(_ measureNames: [ParsedName], by keys: [ParsedName]) throws(Diagnostic) {
        let last = keys[keys.count - 1]
        guard let unit = SummaryUnit(rawValue: last.text.lowercased()) else {
            throw Diagnostic(code: .unknownSummaryUnit, message: "a summary is by node, layer or edge (last, after any of label, predicted, tag)", span: last.span,
                             notes: ["write: summarize mean, freq by node — or by label, node"])
        }
        let groups = try keys.dropLast().map { key throws(Diagnostic) -> TraceGroup in
            guard let group = TraceGroup(rawValue: key.text.lowercased()) else {
                throw unknown(key, kind: "group", candidates: TraceGroup.allCases.map(\.rawValue))
            }
            return group
        }
        var measures: [NodeMeasure] = []
        for name in measureNames {
            if let comparing = ComparisonMeasure(rawValue: name.text.lowercased()) {
                comparisonMeasures.append((comparing, name.span))
                continue
            }
            guard let measure = NodeMeasure(name: name.text) else {
                throw unknown(name, kind: "measure", candidates: NodeMeasure.names)
            }
            if case .quantile = measure, unit != .node {
                throw Diagnostic(code: .quantileNotPerNode, message: "quantiles are per node: summarize \(measure.name) by node", span: name.span)
            }
            if measure == .entropy, unit != .layer {
                throw Diagnostic(code: .entropyNotPerLayer, message: "entropy is a measure of a layer's values in one trace: summarize entropy by layer", span: name.span,
                                 notes: ["a node's spread over the traces is its stddev or dispersion"])
            }
            measures.append(measure)
        }
        guard !measures.isEmpty else {
            throw Diagnostic(code: .onlyComparisonMeasures, message: "say what to compute besides comparison measures, e.g. summarize mean, effect by node", span: measureNames[0].span)
        }
        let layer: BoundValue?
        switch unit {
        case .node:
            guard let nodesLayer else {
                throw Diagnostic(code: .summaryUnitWithoutStage, message: "'summarize … by node' needs 'nodes of layer N' before it", span: last.span)
            }
            layer = nodesLayer
        case .layer:
            layer = nodesLayer
        case .edge:
            guard case .edges(let into) = shape else {
                throw Diagnostic(code: .summaryUnitWithoutStage, message: "'summarize … by edge' needs 'edges into layer N' before it", span: last.span)
            }
            layer = into
        }
        switch (shape, unit) {
        case (.traces, .node), (.traces, .layer), (.edges, .edge): break
        default:
            throw Diagnostic(code: .summarizeOutOfPlace, message: "'summarize' comes once, after the trace selection (and 'nodes of layer' or 'edges into layer')", span: last.span)
        }
        shape = .summary(Summary(layer: layer, measures: measures, groups: groups, unit: unit, path: path(filter, groups: groups, measures: measures, unit: unit)))
    }

    /// `versus traces [where …]` or `versus parent`, after a summary.
    mutating func versus(_ set: ParsedComparedSet, span: Span) throws(Diagnostic) {
        if case .lineage(var walk) = shape, !walk.versusParent {
            guard set == .parent else {
                throw Diagnostic(code: .versusWithoutSummary, message: "a lineage is compared with each trace's own parent's: use | versus parent", span: span)
            }
            try requireParents(at: span)
            walk.versusParent = true
            shape = .lineage(walk)
            return
        }
        guard case .summary(let summary) = shape else {
            throw Diagnostic(code: .versusWithoutSummary, message: "'versus' compares summaries: put it after 'summarize … by node'", span: span)
        }
        if summary.groups.contains(.tag) {
            throw Diagnostic(code: .versusGroupedByTag, message: "'versus' compares two trace sets row by row; group by label or predicted, not by tag", span: span)
        }
        let second: Comparison.ComparedSet
        switch set {
        case .traces(let condition):
            if let paired = comparisonMeasures.first(where: { $0.measure.isPaired }) {
                throw Diagnostic(code: .pairedMeasureWithoutParent, message: "'\(paired.measure.rawValue)' compares each trace with its own parent: use | versus parent", span: paired.span)
            }
            let secondFilter = try condition.map { expression throws(Diagnostic) in
                let bound = try bind(expression)
                try checkDepth(bound, at: expression.span)
                return bound
            }
            second = .traces(filter: secondFilter, path: path(secondFilter, groups: summary.groups, measures: summary.measures, unit: summary.unit))
        case .parent:
            guard summary.measures.allSatisfy(NodeMeasure.fixed.contains), !(summary.unit == .edge && summary.measures.contains(.freq)) else {
                throw Diagnostic(code: .unpairedMeasures, message: "'versus parent' pairs node values: summarize count, mean, stddev, \(summary.unit == .edge ? "" : "freq, ")min, max or dispersion by \(summary.unit.rawValue)",
                                 span: span, notes: summary.unit == .edge ? ["an edge's freq counts traces with both ends active, which pairing does not keep"] : [])
            }
            try requireParents(at: span)
            second = .parents
        }
        var first = summary
        if second == .parents { first.path = .scan }
        shape = .comparison(Comparison(first: first, second: second, extras: comparisonMeasures.map(\.measure)))
        comparisonMeasures = []
    }

    /// `versus parent` over traces of tags that have no parents would pair nothing: refused
    /// when the selection names its tags (`tag = 'clean'`), or once a `$parameter` tag has a
    /// value. Checked only when the catalog knows which tags have parents.
    private mutating func requireParents(at span: Span) throws(Diagnostic) {
        guard let known = catalog.tagsWithParents, let tags = Self.selectedTags(filter) else { return }
        try require(ValueRequirement(rule: .tagWithParents(known: known), values: tags, spans: tags.map { _ in span }))
    }

    /// The tags a trace condition limits the selection to when it names them (`tag = 'fgsm'`,
    /// `tag = 'a' or tag = 'b'`, either side of an `and`); nil when it may select any tag.
    static func selectedTags(_ condition: BoundCondition?) -> [BoundValue]? {
        switch condition {
        case .binary("=", .column(.tag), .value(let tag))?, .binary("=", .value(let tag), .column(.tag))?: return [tag]
        case .binary("and", let left, let right)?: return selectedTags(left) ?? selectedTags(right)
        case .binary("or", let left, let right)?:
            guard let leftTags = selectedTags(left), let rightTags = selectedTags(right) else { return nil }
            return leftTags + rightTags
        default: return nil
        }
    }

    /// Statistics serve all traces of one tag, every tag grouped by tag, or the traces of one tag
    /// with one true label, for the measures they keep; anything else scans.
    private func path(_ filter: BoundCondition?, groups: [TraceGroup], measures: [NodeMeasure], unit: SummaryUnit) -> SummaryPath {
        // No quantiles, and no co-activity of an edge's two ends.
        let kept = measures.allSatisfy { NodeMeasure.fixed.contains($0) } && !(unit == .edge && measures.contains(.freq))
        guard kept, groups.allSatisfy({ $0 == .tag }) else { return .scan }
        switch filter {
        case .binary("=", .column(.tag), .value(let tag))?, .binary("=", .value(let tag), .column(.tag))?: return .statistics(tag: tag)
        case nil where groups == [.tag]: return .statistics(tag: nil)
        case .binary("and", let left, let right)? where groups.isEmpty:
            for (first, second) in [(left, right), (right, left)] {
                if let tag = Self.equality(first, .tag), let label = Self.equality(second, .label) { return .statistics(tag: tag, label: label) }
            }
            return .scan
        default: return .scan
        }
    }

    /// The value `column = value` (either way round) compares the column with.
    private static func equality(_ condition: BoundCondition, _ column: TraceColumn) -> BoundValue? {
        switch condition {
        case .binary("=", .column(column), .value(let value)), .binary("=", .value(let value), .column(column)): return value
        default: return nil
        }
    }
}
