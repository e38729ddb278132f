import Query
import Store

/// The `$parameter` values offered to a query. Values given for this query (`--param`,
/// `.saved NAME k=v`) must name parameters it has; session values (the REPL's `.params`) are
/// offered to every query and ignored where unused. Given values win over session values,
/// which win over a saved query's defaults.
public struct QueryParameters: Sendable, Equatable {
    public var given: [String: String]
    public var session: [String: String]

    public init(given: [String: String] = [:], session: [String: String] = [:]) {
        self.given = given
        self.session = session
    }

    /// The value bound for each `$parameter` of `compiled`: typed as the saved query declares
    /// it (text stays text: `1e5` for a string parameter is the string `1e5`), otherwise read
    /// as an integer, else a number, else text.
    func bind(_ compiled: CompiledQuery, declared: [SavedQuery.Parameter]) throws -> [String: StoreValue] {
        let used = compiled.parameterNames
        let known = used + declared.map(\.name).filter { !used.contains($0) }
        for name in given.keys.sorted() where !known.contains(name) {
            throw QueryFailure.undeclaredParameter(name: name, known: known)
        }
        var values: [String: StoreValue] = [:]
        for name in used {
            let declaration = declared.first { $0.name == name }
            guard let text = given[name] ?? session[name] ?? declaration?.defaultValue else {
                throw QueryFailure.missingParameter(name: name)
            }
            values[name] = try Self.value(text, name: name, kind: declaration?.kind)
        }
        return values
    }

    static func value(_ text: String, name: String, kind: SavedQuery.Parameter.Kind?) throws -> StoreValue {
        switch kind {
        case .string: return .text(text)
        case .integer:
            guard let number = Int64(text) else { throw QueryFailure.invalidParameter(name: name, kind: .integer, value: text) }
            return .integer(number)
        case .number:
            guard let number = Double(text), number.isFinite else { throw QueryFailure.invalidParameter(name: name, kind: .number, value: text) }
            return .real(number)
        case nil:
            if let number = Int64(text) { return .integer(number) }
            if let number = Double(text), number.isFinite { return .real(number) }
            return .text(text)
        }
    }
}
