import IPG

/// `ParsedQuery` → `BoundQuery`: resolves names against the catalog (suggesting the nearest
/// when one is unknown), checks each stage fits what came before, and picks the statistics
/// path for summaries the store's statistics can answer. One type over several files, one
/// concern each (`Binder+Summary`, `Binder+Lineage`, `Binder+Expressions`, `Binder+Nesting`).
public struct Binder {
    let catalog: Catalog
    var filter: BoundCondition?
    var shape: BoundQuery.Shape = Binder.defaultShape
    /// The trace listing a query without `select` gives.
    static let defaultShape = BoundQuery.Shape.traces(columns: [TraceColumn.input, .tag, .label, .predicted, .confidence].map { TraceField($0) })
    /// `nodes of layer N` (before `summarize … by node`).
    var nodesLayer: BoundValue?
    /// `edges into layer N` (before `summarize … by edge`).
    var edgesLayer: BoundValue?
    /// Comparison measures asked for in `summarize` (`effect`, `distance`, …): a `versus` must
    /// follow.
    var comparisonMeasures: [(measure: ComparisonMeasure, span: Span)] = []
    var rowFilter: BoundCondition?
    /// The output columns `derive` and `select` made (nil: the shape's own).
    var projection: [ProjectedColumn]?
    var sort: [SortKey] = []
    var limit: BoundValue?
    /// The first stage that filters, orders or limits the rows a query computes: nothing may
    /// change what the rows are after it, and nothing at all may follow `take`.
    var rowStage: ParsedStage?
    /// Requirements on `$parameters` (whole numbers in bounds; tags, models and classes the
    /// catalog has), checked when they have values.
    var requirements: [ValueRequirement] = []

    /// The bound query, or every problem found: binding goes on past a stage that fails to
    /// filter, sort or take (it changes nothing later stages depend on) and stops at one that
    /// fails to decide what the rows are.
    public static func bind(_ query: ParsedQuery, catalog: Catalog) -> Result<BoundQuery, DiagnosticList> {
        var binder = Binder(catalog: catalog)
        var diagnostics: [Diagnostic] = []
        for stage in query.stages {
            do {
                try binder.bind(stage)
            } catch {
                diagnostics.append(error)
                if stage.shapesRows { break }
            }
        }
        if diagnostics.isEmpty {
            binder.listNodeValues()
            do { try binder.checkComplete(query) } catch { diagnostics.append(error) }
        }
        if let first = diagnostics.first { return .failure(DiagnosticList(first, Array(diagnostics.dropFirst()))) }
        return .success(BoundQuery(filter: binder.filter, shape: binder.shape, rowFilter: binder.rowFilter, projection: binder.projection, sort: binder.sort,
                                   limit: binder.limit, requirements: binder.requirements))
    }

    private init(catalog: Catalog) {
        self.catalog = catalog
    }

    private mutating func bind(_ stage: ParsedStage) throws(Diagnostic) {
        try checkOrder(stage)
        switch stage {
        case .filter(let expression):
            try applyFilter(expression, stage: stage)
        case .select(let choices):
            try select(choices, stage: stage)
        case .derive(let derivations):
            listNodeValues()
            try derive(derivations)
            rowStage = rowStage ?? stage
        case .nodes(let layer, _):
            nodesLayer = try required(layer, .layer(count: layerCount, withoutEdges: nil))
        case .summarize(let measures, let keys):
            if summarizesRows(measures, by: keys) {
                try summarizeRows(measures, by: keys)
            } else {
                try summarize(measures.map(\.name), by: keys)
            }
        case .versus(let set, let span):
            try versus(set, span: span)
        case .edges(let layer, let span):
            guard nodesLayer == nil, case .traces = shape else {
                throw Diagnostic(code: .edgesAfterSummary, message: "'edges into layer' reads traces, not summaries", span: span)
            }
            let value = try required(layer, .layer(count: layerCount, withoutEdges: layersWithoutEdges))
            if case .integer(let index) = value {
                try requireFullResolution(of: [index], for: "'edges into layer \(index)'", span: span)
            }
            edgesLayer = value
            shape = .edges(layer: value)
        case .lineage(let start, let kind, let depth, let top, let span):
            try lineage(from: start, kind: kind, depth: depth, top: top, span: span)
        case .nearest(let count, let trace, let layer, let metric, let span):
            try nearest(count: count, trace: trace, layer: layer, metric: metric, span: span)
        case .sort(let keys):
            listNodeValues()
            sort = try keys.map { key throws(Diagnostic) in
                let expression = try bindRowValue(key.expression, columns: rowColumns)
                try checkDepth(expression, at: key.expression.span)
                return SortKey(expression: expression, descending: key.descending)
            }
            rowStage = rowStage ?? stage
        case .take(let expression):
            listNodeValues()
            limit = try required(expression, .count)
            rowStage = stage
        }
    }

    /// `where`: on traces until the rows are decided, then on the rows' columns.
    private mutating func applyFilter(_ expression: ParsedExpression, stage: ParsedStage) throws(Diagnostic) {
        if nodesLayer != nil, case .traces = shape {
            listNodeValues()
            do {
                _ = try bind(expression, columns: rowColumns)
            } catch {
                throw Diagnostic(code: .traceFilterAfterNodes, message: "'where' after 'nodes of layer' filters the node rows (trace, tag, input, layer, node, value); \(error.message)",
                                 span: expression.span, notes: ["to choose traces, filter before: from traces where … | nodes of layer N"])
            }
        }
        guard case .traces = shape, projection == nil else {
            let condition = try bind(expression, columns: rowColumns)
            try checkDepth(condition, at: expression.span)
            let combined: BoundCondition = rowFilter.map { .binary("and", $0, condition) } ?? condition
            try checkDepth(combined, at: expression.span, combined: true)
            rowFilter = combined
            rowStage = rowStage ?? stage
            return
        }
        let condition = try bind(expression)
        try checkDepth(condition, at: expression.span)
        let combined: BoundCondition = filter.map { .binary("and", $0, condition) } ?? condition
        try checkDepth(combined, at: expression.span, combined: true)
        filter = combined
    }

    /// `nodes of layer N` followed by anything but a summary lists the layer's node values.
    mutating func listNodeValues() {
        guard let layer = nodesLayer, case .traces = shape else { return }
        shape = .nodeValues(layer: layer)
        nodesLayer = nil
    }

    /// What a query must not end with: comparison measures with nothing compared.
    private func checkComplete(_ query: ParsedQuery) throws(Diagnostic) {
        if let asked = comparisonMeasures.first, case .summary = shape {
            throw Diagnostic(code: .comparisonMeasureWithoutVersus, message: "'\(asked.measure.rawValue)' compares two sets: add | versus traces where … (or | versus parent)", span: asked.span)
        }
    }

    /// Rows are computed first, then filtered, sorted and taken: a stage that changes what the
    /// rows are cannot follow one that filters, sorts or limits them, and `take` comes last.
    private func checkOrder(_ stage: ParsedStage) throws(Diagnostic) {
        guard let rowStage else { return }
        if case .take = rowStage {
            throw Diagnostic(code: .stageOutOfOrder, message: "'\(stage.keyword)' cannot follow 'take': 'take' ends a query", span: stage.span,
                             notes: ["filter and sort before taking: | sort -mean | take 10"])
        }
        // A select there keeps and orders the rows' columns (`Binder+Rows`); a summary of the
        // rows reads them as they are after a filter, derive or select.
        guard stage.shapesRows else { return }
        if case .select = stage { return }
        if case .summarize(let measures, let keys) = stage, summarizesRows(measures, by: keys) {
            switch rowStage {
            case .filter, .derive, .select: return
            default: break
            }
        }
        let earlier: String
        if case .filter = rowStage { earlier = "'where' on the rows" } else { earlier = "'\(rowStage.keyword)'" }
        throw Diagnostic(code: .stageOutOfOrder, message: "'\(stage.keyword)' cannot follow \(earlier): it changes what the rows are", span: stage.span,
                         notes: ["compute first, then filter, sort and take: | summarize mean by node | where mean > 1 | sort -mean | take 5"])
    }

    /// Values that must meet `rule`: literals are checked now; a `$parameter` leaves the
    /// requirement for when its value is known.
    mutating func required(_ expressions: [ParsedExpression], _ rule: ValueRequirement.Rule) throws(Diagnostic) -> [BoundValue] {
        let requirement = ValueRequirement(rule: rule, values: try expressions.map { expression throws(Diagnostic) in try value(expression) }, spans: expressions.map(\.span))
        try require(requirement)
        return requirement.values
    }

    /// Checks `requirement`'s literals now, and keeps it for its `$parameters`' values.
    mutating func require(_ requirement: ValueRequirement) throws(Diagnostic) {
        if let problem = requirement.problems().first { throw problem }
        if requirement.readsParameters { requirements.append(requirement) }
    }

    mutating func required(_ expression: ParsedExpression, _ rule: ValueRequirement.Rule) throws(Diagnostic) -> BoundValue {
        try required([expression], rule)[0]
    }

    /// The columns of the rows the shape computes.
    var shapeColumns: [OutputColumn] { shape.columns }

    /// The output columns as the query stands, each as an expression over the shape's columns:
    /// what a `where`, `derive`, `select` or `sort` on the rows reads.
    var rowColumns: [ProjectedColumn] {
        projection ?? shapeColumns.map { ProjectedColumn(name: $0.name, expression: .output($0.name), type: $0.type) }
    }

    /// The most layers a model has.
    var layerCount: Int { catalog.models.map(\.layers.count).max() ?? 0 }

    /// Layers no model derives edges into, each with why (from the first model that has it).
    private var layersWithoutEdges: [Int: String] {
        let layers = catalog.models.flatMap(\.layers)
        let queryable = Set(layers.filter { $0.hasQueryableEdges }.map(\.index))
        var reasons: [Int: String] = [:]
        for layer in layers where !queryable.contains(layer.index) && reasons[layer.index] == nil {
            reasons[layer.index] = Self.whyNoEdges(layer)
        }
        return reasons
    }

    /// Why queries do not derive the edges into `layer` (whose rule is not queryable).
    static func whyNoEdges(_ layer: Catalog.Layer) -> String {
        if layer.kind.isMerge {
            return "layer \(layer.index) (\(layer.kind.rawValue) '\(layer.name)') merges several layers, and queries derive a merge layer's edges only from sources added or concatenated as they are (this one's first source has rule \(layer.edgeRule?.rawValue ?? "unknown"))"
        }
        switch layer.edgeRule {
        case .none?: return "layer \(layer.index) is the model input: no edges go into it"
        case .explicit?: return "layer \(layer.index) (\(layer.kind.rawValue) '\(layer.name)') keeps its edges with each trace (its operand is not its source layer's values), and queries do not read those yet"
        case nil: return "layer \(layer.index) (\(layer.kind.rawValue) '\(layer.name)') has an edge rule this build does not know; edge queries cover dense, conv, pooling, batch-norm, activation and reshape layers"
        default: return "layer \(layer.index) has no edges queries derive"
        }
    }

    /// Refuses `what` when some model keeps one of `layers` (or a source of one) at summary
    /// resolution: edges need full maps, node values do not.
    func requireFullResolution(of layers: [Int], for what: String, span: Span) throws(Diagnostic) {
        for model in catalog.models {
            guard let layer = model.summarisedLayer(among: layers) else { continue }
            throw resolutionDiagnostic(what, model: model, layer: layer, span: span)
        }
    }

    /// E062: `what` needs `layer`'s map, which `model` keeps at summary resolution.
    func resolutionDiagnostic(_ what: String, model: Catalog.Model, layer: Catalog.Layer, span: Span) -> Diagnostic {
        Diagnostic(
            code: .layerAtSummaryResolution,
            message: "\(what) needs full maps, but model \(model.name) keeps layer \(layer.index) (\(layer.name)) at summary resolution (per-node mean, max and share active)",
            span: span, notes: ["node queries work at any resolution: nodes of layer \(layer.index)", "capture with --resolution full (or \(layer.name)=full) to query its edges"])
    }

    /// Per layer index, the most nodes a model has there.
    var nodeCounts: [Int] {
        (0..<layerCount).map { index in catalog.models.compactMap { $0.layers.indices.contains(index) ? $0.layers[index].nodeCount : nil }.max() ?? 0 }
    }

    func unknown(_ name: ParsedName, kind: String, candidates: [String]) -> Diagnostic {
        let suggestion = NameSuggestion.nearest(to: name.text, in: candidates)
        return Diagnostic(
            code: .unknownName, message: "no \(kind) '\(name.text)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: name.span,
            notes: ["known: " + candidates.joined(separator: ", ")])
    }
}
