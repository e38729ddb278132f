import Analysis
import Query
import Store

/// A query run in-process against a store, its rows as plain text (exact numbers), header first.
func queryCSV(_ database: String, _ text: String) throws -> [[String]] {
    let session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
    let table = try session.run(try session.prepare(SourceText(text), parameters: QueryParameters())).table
    return [table.columnNames] + table.rows.map { $0.map(\.plainText) }
}

/// A query's rows as numbers, header apart; a node reference `layer:node` as its node index
/// (the tests know its layer).
func queryNumbers(_ database: String, _ text: String) throws -> (header: [String], rows: [[Double]]) {
    let csv = try queryCSV(database, text)
    return (csv.first ?? [], csv.dropFirst().map { $0.map { Double($0) ?? $0.split(separator: ":").last.flatMap { Double($0) } ?? .nan } })
}

/// The SQL a query compiles to against a store (as `--explain` shows it).
func explanation(_ database: String, _ text: String) throws -> String {
    let session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
    return QuerySession.explanation(try session.prepare(SourceText(text), parameters: QueryParameters()))
}

/// The diagnostics `session` gives for `text` (or `saved`) with `given` parameter values,
/// rendered; nil when it prepares.
func refusal(_ session: QuerySession, _ text: String, given: [String: String] = [:], declared saved: SavedQuery? = nil) -> String? {
    do {
        if let saved { _ = try session.prepare(saved, parameters: QueryParameters(given: given)) }
        else { _ = try session.prepare(SourceText(text), parameters: QueryParameters(given: given)) }
        return nil
    } catch {
        return "\(error)"
    }
}

/// Rows of read-only SQL run in-process, as text.
func sqlRows(_ database: String, _ sql: String) throws -> [[String]] {
    try ProvenanceStore(path: database, access: .readOnly).run(sql: sql, arguments: []).rows.map { $0.map(\.plainText) }
}
