/// The saved queries (`Queries/<name>.dpq`) whose rows a test recomputes from the traces.
///
/// `SavedQueryRecomputationTests` (AnalysisTests) runs one check per name and fails for a name
/// it has no check for; `everySavedQueryCompilesAndRuns` (DeepProvCLITests) fails unless the
/// list equals the folder's query names. So a new saved query fails the suite until a check
/// for its rows is written, and a name cannot be listed without one.
public enum SavedQueryCoverage {
    public static let recomputed: [String] = [
        "class-confusion", "class-diff", "class-envelope", "diff-nodes", "diverging-edges", "feature-lineage", "layer-activity",
        "misclassified", "node-stats", "paired-nodes", "repair-candidates", "top-edges", "trace-lineage",
    ]
}
