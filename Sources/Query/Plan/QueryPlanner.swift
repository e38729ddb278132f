/// `BoundQuery` → `QueryPlan`: the output columns spelled out (the source's own when the query
/// neither derives nor selects) and the order completed with the source's keys.
public enum QueryPlanner {
    /// The plan of `query`; with `ordered` false (rows that are grouped next), without the
    /// source's keys for ties.
    public static func plan(_ query: BoundQuery, ordered: Bool = true) -> QueryPlan {
        let source = RowSource(traces: query.filter, shape: query.shape)
        let columns = query.projection ?? source.columns.map { ProjectedColumn(name: $0.name, expression: .output($0.name), type: $0.type) }
        // A key the query already sorts by is not repeated to break ties.
        let sortedNames = Set(query.sort.compactMap { key -> String? in
            if case .output(let name) = key.expression { return name }
            return nil
        })
        let ties = !ordered ? [] : source.keys.filter { key in
            guard case .output(let name) = key.expression else { return true }
            return !sortedNames.contains(name)
        }
        return QueryPlan(source: source, rowFilter: query.rowFilter, columns: columns, order: query.sort + ties,
                         limit: query.limit, requirements: query.requirements)
    }
}
