/// Why a forensic report cannot be made, said so a person can act on it.
public enum ForensicsError: Error, CustomStringConvertible, Equatable {
    case noSuchTraceID(Int64, store: String)
    case noSuchTrace(tag: String, input: Int, store: String)
    /// Several traces answer to one tag and input (several models, or one input stored twice).
    case ambiguousTrace(tag: String, input: Int, traces: [Int64])
    /// The trace shares its tag and input with an earlier trace of its model, and the store
    /// reads traces by tag and input.
    case sharedAddress(trace: Int64, earlier: Int64, tag: String, input: Int)
    case noSuchTag(String, known: [String])
    case noSuchLayer(Int, layers: Int)
    /// The model's layers cannot be walked as dense layers from the output down to the input.
    case pathsNeedDenseLayers(layer: Int)

    public var description: String {
        switch self {
        case .noSuchTraceID(let id, let store):
            return "no trace with id \(id) in \(store)"
        case .noSuchTrace(let tag, let input, let store):
            return "no trace of input \(input) with tag '\(tag)' in \(store)"
        case .ambiguousTrace(let tag, let input, let traces):
            return "input \(input) of tag '\(tag)' names \(traces.count) traces (ids \(traces.map(String.init).joined(separator: ", "))); choose one with --trace ID"
        case .sharedAddress(let trace, let earlier, let tag, let input):
            return "trace \(trace) shares input \(input) and tag '\(tag)' with trace \(earlier), and only the first of them can be read"
        case .noSuchTag(let tag, let known):
            return "no traces with tag '\(tag)' to compare with (the store has \(known.isEmpty ? "no tags" : known.map { "'\($0)'" }.joined(separator: ", ")))"
        case .noSuchLayer(let layer, let layers):
            return "no layer \(layer): the model has layers 0 to \(layers - 1)"
        case .pathsNeedDenseLayers(let layer):
            return "paths follow dense layers only, and layer \(layer) is not one"
        }
    }
}
