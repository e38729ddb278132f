extension Binder {
    /// `nearest K to trace ID in layer N [by euclidean|cosine]`, right after the trace selection.
    mutating func nearest(count: ParsedExpression, trace: ParsedExpression, layer: ParsedExpression, metric: ParsedName?, span: Span) throws(Diagnostic) {
        guard nodesLayer == nil, case .traces = shape, projection == nil else {
            throw Diagnostic(code: .stageOutOfOrder, message: "'nearest' measures traces; use it right after the trace selection", span: span)
        }
        let chosenMetric: NearestSearch.Metric
        if let metric {
            guard let known = NearestSearch.Metric(rawValue: metric.text.lowercased()) else {
                let suggestion = NameSuggestion.nearest(to: metric.text, in: NearestSearch.Metric.allCases.map(\.rawValue))
                throw Diagnostic(code: .noSuchTrace, message: "no distance '\(metric.text)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: metric.span,
                                 notes: ["known: " + NearestSearch.Metric.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            chosenMetric = known
        } else {
            chosenMetric = .euclidean
        }
        let values = try required([count, trace], .nearest)
        let layerValue = try required(layer, .layer(count: layerCount, withoutEdges: nil))
        shape = .nearest(NearestSearch(count: values[0], trace: values[1], layer: layerValue, metric: chosenMetric))
    }
}
