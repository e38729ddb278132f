import IPG

/// `ParsedQuery` → `BoundQuery`: resolves names against the catalog (suggesting the nearest
/// when one is unknown), checks each stage fits what came before, and picks the statistics
/// path for summaries the store's statistics can answer. One type over several files, one
/// concern each (`Binder+Summary`, `Binder+Lineage`, `Binder+Expressions`, `Binder+Nesting`).
public struct Binder {
    let catalog: Catalog
    var filter: BoundCondition?
    var shape: BoundQuery.Shape = .traces(columns: [.input, .tag, .label, .predicted, .confidence])
    /// `nodes of layer N` (before `summarize … by node`).
    var nodesLayer: BoundValue?
    /// `edges into layer N` (before `summarize … by edge`).
    var edgesLayer: BoundValue?
    /// Comparison measures asked for in `summarize` (`effect`, `distance`, …): a `versus` must
    /// follow.
    var comparisonMeasures: [(measure: ComparisonMeasure, span: Span)] = []
    var rowFilter: BoundCondition?
    var sort: [SortKey] = []
    var limit: BoundValue?
    /// The first stage that filters, orders or limits the rows a query computes: nothing may
    /// change what the rows are after it, and nothing at all may follow `take`.
    var rowStage: ParsedStage?
    /// Requirements on `$parameters` (whole numbers in bounds), checked when they have values.
    var requirements: [ValueRequirement] = []

    public static func bind(_ query: ParsedQuery, catalog: Catalog) -> Result<BoundQuery, Diagnostic> {
        var binder = Binder(catalog: catalog)
        return Result { try binder.bind(query) }.mapError { $0 as! Diagnostic }
    }

    private init(catalog: Catalog) {
        self.catalog = catalog
    }

    private mutating func bind(_ query: ParsedQuery) throws -> BoundQuery {
        for stage in query.stages {
            try checkOrder(stage)
            switch stage {
            case .filter(let expression):
                if case .traces = shape, nodesLayer == nil {
                    let condition = try bind(expression)
                    try checkDepth(condition, at: expression.span)
                    let combined: BoundCondition = filter.map { .binary("and", $0, condition) } ?? condition
                    try checkDepth(combined, at: expression.span, combined: true)
                    filter = combined
                } else if nodesLayer != nil, case .traces = shape {
                    throw Diagnostic(code: "E020", message: "'where' between 'nodes of layer' and 'summarize' has nothing to filter: put it before or after", span: expression.span)
                } else {
                    let columns = BoundQuery(filter: nil, shape: shape, sort: [], limit: nil).columns
                    let condition = try bind(expression, columns: columns)
                    try checkDepth(condition, at: expression.span)
                    let combined: BoundCondition = rowFilter.map { .binary("and", $0, condition) } ?? condition
                    try checkDepth(combined, at: expression.span, combined: true)
                    rowFilter = combined
                    rowStage = rowStage ?? stage
                }
            case .select(let names):
                guard case .traces = shape, nodesLayer == nil, rowFilter == nil else {
                    throw Diagnostic(code: "E021", message: "'select' reads trace columns; after 'nodes of layer' use 'summarize … by node'", span: names[0].span)
                }
                shape = .traces(columns: try names.map { try traceColumn($0) })
            case .nodes(let layer, _):
                nodesLayer = try required(layer, .layer(count: layerCount, dense: nil))
            case .summarize(let measures, let keys):
                try summarize(measures, by: keys)
            case .versus(let set, let span):
                try versus(set, span: span)
            case .edges(let layer, let span):
                guard nodesLayer == nil, case .traces = shape else {
                    throw Diagnostic(code: "E032", message: "'edges into layer' reads traces, not summaries", span: span)
                }
                let value = try required(layer, .layer(count: layerCount, dense: denseLayers))
                edgesLayer = value
                shape = .edges(layer: value)
            case .lineage(let start, let forward, let depth, let top, let span):
                try lineage(from: start, forward: forward, depth: depth, top: top, span: span)
            case .sort(let keys):
                let columns = BoundQuery(filter: nil, shape: shape, sort: [], limit: nil).columns
                sort = try keys.map { key in
                    guard columns.contains(key.name.text.lowercased()) else {
                        throw unknown(key.name, kind: "column to sort by", candidates: columns)
                    }
                    return SortKey(column: key.name.text.lowercased(), descending: key.descending, absolute: key.absolute)
                }
                rowStage = rowStage ?? stage
            case .take(let expression):
                limit = try required(expression, .count)
                rowStage = stage
            }
        }
        if nodesLayer != nil, case .traces = shape {
            throw Diagnostic(code: "E026", message: "after 'nodes of layer' say what to compute: | summarize mean, freq by node", span: query.source)
        }
        if let asked = comparisonMeasures.first, case .summary = shape {
            throw Diagnostic(code: "E037", message: "'\(asked.measure.rawValue)' compares two sets: add | versus traces where … (or | versus parent)", span: asked.span)
        }
        return BoundQuery(filter: filter, shape: shape, rowFilter: rowFilter, sort: sort, limit: limit, requirements: requirements)
    }

    /// Rows are computed first, then filtered, sorted and taken: a stage that changes what the
    /// rows are cannot follow one that filters, sorts or limits them, and `take` comes last.
    private func checkOrder(_ stage: ParsedStage) throws {
        guard let rowStage else { return }
        if case .take = rowStage {
            throw Diagnostic(code: "E045", message: "'\(stage.keyword)' cannot follow 'take': 'take' ends a query", span: stage.span,
                             notes: ["filter and sort before taking: | sort -mean | take 10"])
        }
        guard stage.shapesRows else { return }
        let earlier: String
        if case .filter = rowStage { earlier = "'where' on the rows" } else { earlier = "'\(rowStage.keyword)'" }
        throw Diagnostic(code: "E045", message: "'\(stage.keyword)' cannot follow \(earlier): it changes what the rows are", span: stage.span,
                         notes: ["compute first, then filter, sort and take: | summarize mean by node | where mean > 1 | sort -mean | take 5"])
    }

    /// Values that must meet `rule`: literals are checked now; a `$parameter` leaves the
    /// requirement for when its value is known.
    mutating func required(_ expressions: [ParsedExpression], _ rule: ValueRequirement.Rule) throws -> [BoundValue] {
        let requirement = ValueRequirement(rule: rule, values: try expressions.map { try value($0) }, spans: expressions.map(\.span))
        if let problem = requirement.problems().first { throw problem }
        if requirement.readsParameters { requirements.append(requirement) }
        return requirement.values
    }

    mutating func required(_ expression: ParsedExpression, _ rule: ValueRequirement.Rule) throws -> BoundValue {
        try required([expression], rule)[0]
    }

    /// The most layers a model has.
    private var layerCount: Int { catalog.models.map(\.layers.count).max() ?? 0 }

    /// Layers that are dense in some model.
    private var denseLayers: Set<Int> {
        Set(catalog.models.flatMap(\.layers).filter { $0.kind == .dense }.map(\.index))
    }

    /// Per layer index, the most nodes a model has there.
    var nodeCounts: [Int] {
        (0..<layerCount).map { index in catalog.models.compactMap { $0.layers.indices.contains(index) ? $0.layers[index].nodeCount : nil }.max() ?? 0 }
    }

    func unknown(_ name: ParsedName, kind: String, candidates: [String]) -> Diagnostic {
        let suggestion = NameSuggestion.nearest(to: name.text, in: candidates)
        return Diagnostic(
            code: "E029", message: "no \(kind) '\(name.text)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: name.span,
            notes: ["known: " + candidates.joined(separator: ", ")])
    }
}
