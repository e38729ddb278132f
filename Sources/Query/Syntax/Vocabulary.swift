/// The words of the language, for completion and help in the REPL.
public enum Vocabulary {
    /// Keywords, in the order a query usually uses them.
    public static let keywords = [
        "from", "traces", "where", "select", "nodes", "of", "layer", "summarize", "by", "node", "versus",
        "edges", "into", "edge", "lineage", "forward", "contrast", "depth", "top", "nearest", "to", "trace", "in", "euclidean", "cosine", "derive", "as", "sort", "abs", "take", "and", "or", "not", "attr", "child",
    ]

    /// Names a query can use after `where`, `select`, `summarize` or `sort`.
    public static var names: [String] {
        var seen = Set<String>()
        return (TraceColumn.allCases.map(\.rawValue) + TraceFunction.allCases.map(\.rawValue) + NodeMeasure.names + TraceGroup.allCases.map(\.rawValue)).filter { seen.insert($0).inserted }
    }
}
