/// The registry of diagnostic codes: each code has one meaning, shown as `error[E…]` and
/// explained in Queries/README.md ("Diagnostics").
public enum DiagnosticCode: String, Sendable, CaseIterable {
    // Lexer: text → tokens.
    /// A number or node reference too large to hold.
    case numberOutOfRange = "E001"
    /// `$` without a parameter name after it.
    case parameterWithoutName = "E002"
    /// A string not closed on its line.
    case unterminatedString = "E003"
    /// A character that starts no token.
    case unexpectedCharacter = "E004"

    // Parser: tokens → syntax.
    /// Something other than what the grammar allows at that place.
    case unexpectedToken = "E010"
    /// A condition nested deeper than the parser follows.
    case nestedTooDeeply = "E011"

    // Binder: syntax → a query resolved against the store's catalog.
    /// `where` right after `nodes of layer` on something its node rows do not have (a trace column).
    case traceFilterAfterNodes = "E020"
    /// A layer number the models do not have.
    case noSuchLayer = "E022"
    /// `summarize … by node` without `nodes of layer`, or `by edge` without `edges into layer`.
    case summaryUnitWithoutStage = "E023"
    /// A summary's last key is not node, layer or edge.
    case unknownSummaryUnit = "E024"
    /// `take` with a negative count.
    case negativeCount = "E025"
    /// A tag or model name the store does not have.
    case unknownTagOrModel = "E027"
    /// Something other than a literal or `$parameter` where a value is needed.
    case notAValue = "E028"
    /// An unknown column, measure, group or sort key.
    case unknownName = "E029"
    /// `versus` without a summary before it.
    case versusWithoutSummary = "E030"
    /// `versus parent` over measures that cannot be paired.
    case unpairedMeasures = "E031"
    /// `edges into layer` after a summary or `nodes of layer`.
    case edgesAfterSummary = "E032"
    /// Edges (`edges into layer`, `lineage`) of a layer whose edges queries do not derive:
    /// the input, a layer whose edges are stored with each trace, a rule this build does not know.
    case edgesNotDerived = "E033"
    /// `lineage` anywhere but right after the trace selection.
    case lineageOutOfPlace = "E034"
    /// A node the models do not have (a lineage start, or one compared with `source`/`target`).
    case noSuchNode = "E035"
    /// `lineage forward` without a start node.
    case forwardLineageWithoutStart = "E036"
    /// `effect`, `distance` or `max_distance` without `versus`.
    case comparisonMeasureWithoutVersus = "E037"
    /// A quantile summarised by layer or edge.
    case quantileNotPerNode = "E038"
    /// A summary of comparison measures alone.
    case onlyComparisonMeasures = "E039"
    /// `summarize` where the rows are not traces, nodes or edges of traces.
    case summarizeOutOfPlace = "E040"
    /// `versus` after a summary grouped by tag.
    case versusGroupedByTag = "E041"
    /// A trace condition (`attr`, `parent(…)`, `child(…)`) in a filter on output rows.
    case traceConditionOnRows = "E042"
    /// A value of the wrong type: a condition or number expected.
    case wrongType = "E043"
    /// A comparison of values of different types.
    case incomparableTypes = "E044"
    /// A stage after one it cannot follow (anything after `take`; a shaping stage after a row filter or sort).
    case stageOutOfOrder = "E045"
    /// `distance` or `max_distance` compared with another trace set.
    case pairedMeasureWithoutParent = "E046"
    /// A condition nesting deeper than SQL allows.
    case conditionTooDeep = "E047"
    /// Something other than a whole number where one is needed.
    case notAWholeNumber = "E048"
    /// A lineage's depth or top beyond its bounds.
    case lineageOutOfBounds = "E049"
    /// A whole-number column compared for equality with a fraction.
    case wholeNumberEqualsFraction = "E050"
    /// A node column (a lineage's `source`, `target`) compared with a number, a string, or a
    /// `$parameter` whose value is not `layer:node`.
    case nodeComparedWithValue = "E051"
    /// A node reference compared by order (`<`, `>`, …) rather than `=` or `!=`.
    case nodeReferenceOrdered = "E052"
    /// `label` or `predicted` compared for equality with a class the models do not have.
    case noSuchClass = "E053"
    /// `versus parent` over traces whose tags have no parents.
    case noParentsToPair = "E054"
    /// A `derive` or `select … as` name that another output column already has.
    case columnNameTaken = "E055"
    /// A function of the rows in `summarize` without its column (`mean` for `mean(flow)`), or `count` with one.
    case rowMeasureWithoutColumn = "E056"
    /// A trace id that cannot exist (below 1), or a `nearest` metric that is not one.
    case noSuchTrace = "E057"
    /// `entropy` summarized by node or edge: it is a measure of a layer in one trace.
    case entropyNotPerLayer = "E058"
    /// `lineage contrast from …`: a contrast starts at the predicted output.
    case contrastWithStart = "E059"

    // Saved queries: the header of a `.dpq` file.
    /// A `param:` line that does not read `param: <name> <type> [default]`.
    case savedQueryParameterLine = "E060"
    /// A saved query without `name:` or `description:`.
    case savedQueryHeaderIncomplete = "E061"

    // Resolution: what a layer kept at summary resolution cannot answer.
    /// `edges into layer`, an edge summary or `lineage` through a layer kept at summary
    /// resolution (per-node mean, max, share active), whose map edges need.
    case layerAtSummaryResolution = "E062"

    // Lowering: a plan → one backend's SQL.
    /// A query whose plan the backend's SQL dialect cannot be written for (yet): ClickHouse's
    /// lowering writes trace listings, node values and per-node or per-layer summaries of one layer.
    case notLowerable = "E063"
}
