import Store

/// Each trace's entropy and active nodes in one layer, per set: the distributions behind a
/// characterization's per-trace summaries, which its page draws as histograms.
public struct TraceMeasureValues: Sendable, Equatable {
    public var layer: Int
    public var entropyA: [Double]
    public var entropyB: [Double]
    public var activeA: [Double]
    public var activeB: [Double]
}

extension Characterizer {
    /// The per-trace values of every layer of `report` (made by `characterize` on this backend).
    public func traceMeasureValues(for report: Characterization, progress: ((String) -> Void)? = nil) throws -> [TraceMeasureValues] {
        let runner = CharacterizationRunner(session: QuerySession(backend: backend), progress: progress)
        return try report.layers.map { layer in
            let rows = try runner.rows(CharacterizationQueries.traceValues, ["a": report.a, "b": report.b, "layer": "\(layer.layer)"],
                                       what: "layer \(layer.layer): entropy and active nodes of each trace")
            let column = { (measure: String, tag: String) -> [Double] in
                rows.table.rows.indices.filter { rows.table.value($0, "tag")?.text == tag }.compactMap { rows.number($0, measure) }
            }
            return TraceMeasureValues(layer: layer.layer, entropyA: column("entropy", report.a), entropyB: column("entropy", report.b),
                                      activeA: column("active", report.a), activeB: column("active", report.b))
        }
    }
}
