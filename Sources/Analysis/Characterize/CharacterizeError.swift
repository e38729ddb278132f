import Query

/// Why a characterization cannot be made, said so a person can act on it.
public enum CharacterizeError: Error, CustomStringConvertible, Equatable {
    case noSuchTag(String, known: [String])
    case noSuchLayer(Int, model: String, layers: Int)
    /// The traces of the two tags belong to several models (or none).
    case severalModels(tags: [String], models: [String])
    case negativeEdgeCount(Int)

    public var description: String {
        switch self {
        case .noSuchTag(let tag, let known):
            let hint = NameSuggestion.nearest(to: tag, in: known).map { "; did you mean '\($0)'?" } ?? ""
            return "no traces with tag '\(tag)'\(hint) (the store has \(known.isEmpty ? "no tags" : known.map { "'\($0)'" }.joined(separator: ", ")))"
        case .noSuchLayer(let layer, let model, let layers):
            return "no layer \(layer): model '\(model)' has layers 0 to \(layers - 1)"
        case .severalModels(let tags, let models):
            return "the traces tagged \(tags.map { "'\($0)'" }.joined(separator: " and ")) belong to "
                + (models.isEmpty ? "no model" : "\(models.count) models (\(models.joined(separator: ", ")))") + "; characterize compares traces of one model"
        case .negativeEdgeCount(let count):
            return "the number of edges to keep per layer is \(count); it cannot be negative"
        }
    }
}
