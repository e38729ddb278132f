import Foundation
import Query

/// Why a query could not be prepared or run, as data; the text is made at the edge (`description`).
public enum QueryFailure: Error, CustomStringConvertible, Equatable {
    /// The query does not compile, or a parameter value is not what its place needs: the
    /// diagnostics and the text they point into.
    case diagnostics(DiagnosticList, source: SourceText)
    /// The query uses `$name` and no value was given (and there is no default).
    case missingParameter(name: String)
    /// A value was given for a parameter the query does not have.
    case undeclaredParameter(name: String, known: [String])
    /// A value that does not read as the parameter's declared type.
    case invalidParameter(name: String, kind: SavedQuery.Parameter.Kind, value: String)
    /// No saved query of that name.
    case noSavedQuery(name: String, suggestion: String?, known: [String])
    /// A saved query's file whose header is malformed.
    case malformedSavedQuery(file: String, message: String)
    /// The backend speaks an SQL dialect no lowering writes.
    case unsupportedDialect(name: String, location: String)

    public var description: String {
        switch self {
        case .diagnostics(let list, let source):
            return list.render(in: source).trimmingCharacters(in: .newlines)
        case .missingParameter(let name):
            return "the query needs a value for $\(name)"
        case .undeclaredParameter(let name, let known):
            let hint = NameSuggestion.nearest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            let list = known.isEmpty ? "it has none" : "its parameters: " + known.map { "$" + $0 }.joined(separator: ", ")
            return "the query has no parameter $\(name)\(hint) (\(list))"
        case .invalidParameter(let name, let kind, let value):
            return "parameter $\(name) is \(kind == .integer ? "an integer" : "a number"); '\(value)' is not one"
        case .noSavedQuery(let name, let suggestion, let known):
            return "no saved query '\(name)'\(suggestion.map { "; did you mean '\($0)'?" } ?? "") (saved: \(known.joined(separator: ", ")))"
        case .malformedSavedQuery(let file, let message):
            return "\(file): \(message)"
        case .unsupportedDialect(let name, let location):
            return "\(location): queries cannot be lowered to its SQL dialect '\(name)'"
        }
    }
}
