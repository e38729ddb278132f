import Analysis
import Foundation
import Query
import Store
import Testing
import TestSupport

/// Whether a query that can split does, by how many traces it reads (`SplitThresholds`): at
/// most the traces its selections' tags and id ranges hold, counted through indexes, twice for
/// pairs with parents; a listing of the traces' own columns against its own threshold. On
/// `SplitQueryTests.Fixture`: 150 traces, 75 clean (ids 1, 3, …) and 75 fgsm (ids 2, 4, …).
@Suite struct SplitDecisionTests {
    /// (query, splits with both thresholds at 100 traces): the traces of a tag (75), fewer of
    /// its inputs, ids up to 99, or 75 + 19 compared, stay one statement; every trace, a
    /// condition no index serves, or a tag paired with its parents (150 read), split.
    static let decisions: [(String, Bool)] = [
        ("from traces where tag = 'clean' and input < 120 | nodes of layer 1 | summarize mean, max by node", false),
        ("from traces where tag = 'clean' and confidence > 0.2 | nodes of layer 1 | summarize mean, freq by node", false),
        ("from traces where trace <= 99 | nodes of layer 2 | summarize mean, stddev by layer", false),
        ("from traces where tag = 'fgsm' and input >= 40 | nodes of layer 1 | summarize mean by node", false),
        ("from traces where confidence > 0.2 | nodes of layer 1 | summarize mean, max by node", true),
        ("from traces where tag = 'clean' or confidence > 0.5 | nodes of layer 1 | summarize mean by node", true),
        ("from traces where input >= 40 | nodes of layer 1 | summarize mean by node", true),
        ("from traces where tag = 'fgsm' | nodes of layer 1 | summarize mean, distance by node | versus parent", true),
        ("from traces where tag = 'clean' and confidence > 0.2 | nodes of layer 1 | summarize mean by node | versus traces where tag = 'fgsm' and confidence > 0.2", true),
        ("from traces where tag = 'clean' and confidence > 0.2 | nodes of layer 1 | summarize mean by node | versus traces where tag = 'fgsm' and trace < 40", false),
        ("from traces where tag = 'fgsm' and confidence > 0.1 | select trace, confidence | sort trace", false),
        ("from traces where confidence > 0.1 | select trace, prob(label) | sort trace", true),
    ]

    @Test(arguments: decisions.indices)
    func queriesSplitByTheTracesTheyRead(_ index: Int) throws {
        let (text, splits) = Self.decisions[index]
        let fixture = try SplitQueryTests.fixture.get()
        let thresholds = SplitThresholds(valueTraces: 100, listedTraces: 100)
        let decided = try Self.rows(fixture.path, text, workers: 2, thresholds: thresholds)
        #expect(decided.statements.contains(2) == splits, "\(text): \(decided.statements)")
        let single = try Self.rows(fixture.path, text, workers: 1, thresholds: thresholds)
        SplitQueryTests.expectEqual(decided.table, single.table, text)
    }

    /// A listing of the traces' own columns splits only past its own threshold; one that reads
    /// node values past the values' threshold.
    @Test func listingsOfTraceColumnsHaveTheirOwnThreshold() throws {
        let fixture = try SplitQueryTests.fixture.get()
        let columns = "from traces where confidence > 0.1 | select trace, tag, confidence | sort trace"
        let measures = "from traces where confidence > 0.1 | select trace, margin | sort trace"
        let columnsOnly = SplitThresholds(valueTraces: 0, listedTraces: 151)
        #expect(try Self.rows(fixture.path, columns, workers: 2, thresholds: columnsOnly).statements == [1])
        #expect(try Self.rows(fixture.path, measures, workers: 2, thresholds: columnsOnly).statements.contains(2))
        let valuesOnly = SplitThresholds(valueTraces: 151, listedTraces: 0)
        #expect(try Self.rows(fixture.path, columns, workers: 2, thresholds: valuesOnly).statements.contains(2))
        #expect(try Self.rows(fixture.path, measures, workers: 2, thresholds: valuesOnly).statements == [1])
    }

    /// The count a split query's extent gives is what SQL counting the selection's tag and id
    /// conditions directly gives, and never below the traces the full condition selects.
    @Test(arguments: [
        ("tag = 'clean' and confidence > 0.4", "tag = 'clean'"),
        ("confidence > 0.4 and tag = 'fgsm' and input < 50", "tag = 'fgsm' AND input_index < 50"),
        ("trace > 30 and not correct", "id > 30"),
        ("input < 50 and trace >= 20 and trace <= 120", "id >= 20 AND id <= 120"),
    ])
    func extentCountsThroughIndexedConditions(_ condition: String, _ indexed: String) throws {
        let fixture = try SplitQueryTests.fixture.get()
        let store = try ProvenanceStore(path: fixture.path, access: .readOnly)
        let text = "from traces where \(condition) | nodes of layer 1 | summarize mean by node"
        let compiled = try QuerySession(backend: store, scanWorkers: 2).prepare(SourceText(text), parameters: QueryParameters()).compiled
        let count = try #require(compiled.split?.extent.count)
        let arguments = count.arguments.map { argument -> StoreValue in
            guard case .query(let value) = argument else { Issue.record("a slot in \(count.sql)"); return .null }
            switch value {
            case .integer(let number): return .integer(Int64(number))
            case .number(let number): return .real(number)
            case .string(let text): return .text(text)
            case .parameter: return .null
            }
        }
        let counted = try store.run(sql: count.sql, arguments: arguments).rows
        let expected = try store.run(sql: "SELECT COUNT(*) FROM traces WHERE \(indexed)", arguments: []).rows
        #expect(counted == expected, "\(count.sql)")
        let selected = try QuerySession(backend: store, scanWorkers: 1)
        let listed = try selected.run(selected.prepare(SourceText("from traces where \(condition) | select trace"), parameters: QueryParameters())).table.rows.count
        guard case .integer(let bound)? = counted.first?.first else { Issue.record("no count: \(counted)"); return }
        #expect(bound >= Int64(listed))
        #expect(bound < 150, "the indexed conditions select fewer than all traces")
    }

    static func rows(_ path: String, _ text: String, workers: Int, thresholds: SplitThresholds) throws -> (table: ResultTable, statements: [Int]) {
        let backend = try CountingBackend(ProvenanceStore(path: path, access: .readOnly))
        var session = QuerySession(backend: backend, scanWorkers: workers)
        session.splitThresholds = thresholds
        let prepared = try session.prepare(SourceText(text), parameters: QueryParameters())
        #expect(prepared.compiled.split != nil, "does not split: \(text)")
        return (try session.run(prepared).table, backend.statements)
    }
}
