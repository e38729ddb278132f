import Foundation
import Query
import Store

/// Runs the characterization's queries through one session, telling `progress` about each.
struct CharacterizationRunner {
    let session: QuerySession
    let progress: ((String) -> Void)?

    func rows(_ query: SavedQuery, _ values: [String: String], what: String) throws -> QueryRows {
        let outcome = try session.run(try session.prepare(query, parameters: QueryParameters(given: values)))
        let rows = outcome.table.rows.count
        progress?("\(what): \(rows) row\(rows == 1 ? "" : "s") in " + String(format: "%.2f", outcome.seconds) + " s")
        return QueryRows(table: outcome.table)
    }
}

/// A query's rows read by column name.
struct QueryRows {
    let table: ResultTable

    func number(_ row: Int, _ column: String) -> Double? {
        guard table.rows.indices.contains(row) else { return nil }
        return table.value(row, column)?.number
    }

    func text(_ row: Int, _ column: String) -> String { table.value(row, column)?.plainText ?? "" }

    /// `<measure>_a`, `<measure>_b`, `<measure>_diff` of a comparison.
    func compared(_ row: Int, _ measure: String) -> Compared {
        Compared(a: number(row, measure + "_a"), b: number(row, measure + "_b"), diff: number(row, measure + "_diff"))
    }

    /// The row of a summary `by tag` for `tag`: `mean_<measure>`, `stddev_…`, `min_…`, `max_…`.
    func overTraces(_ measure: String, tag: String) -> OverTraces {
        guard let row = table.rows.indices.first(where: { table.value($0, "tag")?.text == tag }) else {
            return OverTraces(mean: nil, stddev: nil, min: nil, max: nil)
        }
        return OverTraces(mean: number(row, "mean_" + measure), stddev: number(row, "stddev_" + measure),
                          min: number(row, "min_" + measure), max: number(row, "max_" + measure))
    }
}
