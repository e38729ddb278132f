import Foundation
import IPG
import Query
import Testing

/// SQLite-specific SQL lives in `SQLiteDialect` only: compiled with another dialect, no query
/// of the corpus (every saved query and a few more) may contain SQLite's spellings.
@Suite struct DialectSeamTests {
    /// Marks every piece it renders, so anything unmarked came from the generator itself.
    struct MarkedDialect: SQLDialect {
        func squareRoot(_ expression: String) -> String { "⟨sqrt \(expression)⟩" }
        func cast(_ expression: String, to type: SQLNumberType) -> String { "⟨\(type) \(expression)⟩" }
        func least(_ a: String, _ b: String) -> String { "⟨least \(a), \(b)⟩" }
        func greatest(_ a: String, _ b: String) -> String { "⟨greatest \(a), \(b)⟩" }
        func jsonElement(_ json: String, _ path: [JSONIndex]) -> String { "⟨element \(json)⟩" }
        func jsonArrayRows(_ json: String, alias: String) -> String { "⟨rows \(json)⟩ AS \(alias)" }
        func nodeStatisticsAggregate(values: String, encoding: String, layer: String, nodeSize: String, threshold: String) -> String { "⟨stats⟩" }
        func nodePairStatisticsAggregate(a: (values: String, encoding: String), b: (values: String, encoding: String), layer: String, nodeSize: String, threshold: String) -> String { "⟨pairs⟩" }
        func nodeQuantileAggregate(values: String, encoding: String, layer: String, nodeSize: String, quantile: String) -> String { "⟨quantile⟩" }
        func nodeValueRows(_ values: String, encoding: String, layer: String, nodeSize: String, alias: String) -> String { "⟨nodes⟩ AS \(alias)" }
        func edgeActivityAggregate(values: String, encoding: String, source: (layer: String, nodeSize: String, threshold: String), target: (layer: String, nodeSize: String, threshold: String)) -> String { "⟨coactivity⟩" }
        func integerDivision(_ a: String, _ b: String) -> String { "⟨div \(a), \(b)⟩" }
        func materializedTable(_ name: String, columns: [String]?, _ query: String) -> String { "\(name) AS ⟨once \(query)⟩" }
        func indexHint(_ index: String) -> String { "" }
    }

    @Test func sqliteSpellingsStayInTheDialect() throws {
        let queries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Queries")
        let saved = try FileManager.default.contentsOfDirectory(atPath: queries.path).filter { $0.hasSuffix(".dpq") }
            .map { try SavedQuery(text: String(contentsOf: queries.appendingPathComponent($0), encoding: .utf8), file: $0).source }
        let more = [
            "from traces where tag = 'fgsm' | nodes of layer 1 | summarize median, p90, stddev by label, node",
            "from traces | nodes of layer 2 | summarize mean, freq by tag, layer",
            "from traces where tag = 'clean' | edges into layer 2 | summarize min, max by edge",
            "from traces where tag = 'clean' | edges into layer 2 | summarize freq, mean, effect by label, edge | versus traces where tag = 'fgsm'",
        ].map { SourceText($0) }
        #expect(saved.count >= 6)
        for source in saved + more {
            let compiled = try QueryCompiler.compile(source, catalog: QueryCompilerTests.catalog, dialect: MarkedDialect()).get()
            for spelling in ["json_", "ipg_", "INDEXED BY", "CAST(", "sqrt(", "min(", "max(", " REAL", "MATERIALIZED"] {
                #expect(!compiled.sql.contains(spelling), "\(spelling) in \(source.text)")
            }
        }
    }
}
