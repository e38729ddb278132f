import Analysis
import Engine
import Foundation
import IPG
import Query
import Store
import Testing
import TestSupport

/// Split queries (`SplitQuery`): run as 2 or 3 statements over ranges of trace ids and merged,
/// a query gives the rows of the single statement (scanWorkers 1, which never splits) — text,
/// whole numbers and NULLs equal, reals equal within `SplitQueryTests.tolerance` (summaries
/// merge their ranges' means and m2 by Chan's update, which rounds differently from one pass).
@Suite struct SplitQueryTests {
    /// Reals of a split query and of the single statement differ by at most this, relative to
    /// the larger magnitude (absolute below 1).
    static let tolerance = 1e-12

    /// 150 traces of `StoreFixtures.model()` (6-5-3), tagged clean and fgsm in turn, each fgsm
    /// trace the child of the clean trace before it, ingested in batches of 7 (22 value blocks,
    /// so that every part of a scan reads several).
    final class Fixture: @unchecked Sendable {
        let directory: TemporaryDirectory
        let path: String

        init() throws {
            directory = try TemporaryDirectory()
            let stream = directory.path("traces.ipgz")
            _ = try StoreFixtures.traces(count: 150, seed: 29, path: stream, tags: ["clean", "fgsm"])
            path = directory.path("store.sqlite")
            _ = try StreamIngestor(backend: ProvenanceStore(path: path), batchSize: 7).ingest([stream])
            let blocks = try ProvenanceStore(path: path, access: .readOnly).run(sql: "SELECT COUNT(DISTINCT value_block) FROM traces", arguments: [])
            guard blocks.rows == [[.integer(22)]] else { throw StoreError(path: path, reason: .damaged(detail: "value blocks: \(blocks.rows)")) }
        }
    }

    static let fixture = Result { try Fixture() }

    /// Random instances of the forms that split: scanned summaries by node, layer and edge,
    /// comparisons with a second set and with parents, listings ordered by trace id.
    static func splittableForm(_ seed: Int) -> String {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 3)
        let threshold = String(format: "%.3f", 0.3 + 0.6 * Double(generator.next() % 1000) / 1000)
        let layer = Int(generator.next() % 3), hidden = 1 + Int(generator.next() % 2), label = Int(generator.next() % 3)
        let take = 1 + Int(generator.next() % 80), input = Int(generator.next() % 120)
        let forms = [
            "from traces where confidence > \(threshold) | nodes of layer \(layer) | summarize count, mean, stddev, freq, min, max, dispersion by node",
            "from traces where not correct or label = \(label) | nodes of layer \(hidden) | summarize count, mean, stddev, freq by predicted, node",
            "from traces where confidence < \(threshold) | summarize count, mean, stddev, freq, min, max by tag, layer",
            "from traces where tag = 'clean' and confidence > \(threshold) | nodes of layer \(layer) | summarize mean, freq, stddev, effect by node | versus traces where tag = 'fgsm' and input > \(input)",
            "from traces where tag = 'clean' | summarize mean, freq, dispersion by layer | versus traces where tag = 'fgsm' and not correct",
            "from traces where tag = 'fgsm' and input > \(input) | nodes of layer \(layer) | summarize mean, freq, effect, distance, max_distance by node | versus parent",
            "from traces where tag = 'fgsm' and confidence > \(threshold) | summarize mean, stddev, effect, distance by layer | versus parent | sort -distance | take 2",
            "from traces where confidence > \(threshold) | select trace, input, label, predicted, confidence | sort trace | take \(take)",
            "from traces where tag = 'fgsm' and label = \(label) | select trace, input, prob(label), margin, l1(\(hidden)) | sort trace",
            "from traces where input < \(input) | select trace, tag, confidence | derive score = confidence * 2 | sort trace | take \(take)",
            "from traces where confidence > \(threshold) | edges into layer \(hidden) | summarize count, mean, stddev, freq, min, max by edge",
            "from traces where tag = 'fgsm' and input > \(input) | edges into layer \(hidden) | summarize mean, stddev, effect, distance by edge | versus parent",
            "from traces where not correct | edges into layer \(hidden) | summarize mean, freq by predicted, edge | versus traces where tag = 'clean' and confidence > \(threshold)",
        ]
        return forms[seed % forms.count]
    }

    @Test(arguments: 0..<65)
    func languageFormsGiveTheRowsOfOneStatement(_ seed: Int) throws {
        let fixture = try Self.fixture.get()
        let text = Self.splittableForm(seed)
        let single = try Self.rows(fixture.path, text, workers: 1)
        #expect(single.statements == [1], "\(text)")
        #expect(single.split, "does not split: \(text)")
        for workers in [2, 3] {
            let split = try Self.rows(fixture.path, text, workers: workers)
            #expect(split.statements.contains(workers), "\(workers) workers ran \(split.statements): \(text)")
            Self.expectEqual(split.table, single.table, "\(workers) workers: \(text)")
        }
    }

    @Test func everySavedQueryGivesTheRowsOfOneStatement() throws {
        let fixture = try Self.fixture.get()
        let library = SavedQueryLibrary(folder: FixturePaths.repositoryRoot.appendingPathComponent("Queries"))
        let queries = try library.all()
        #expect(queries.map(\.name).sorted() == SavedQueryCoverage.recomputed.sorted())
        var (splits, compared) = (0, 0)
        for saved in queries {
            // Defaults; every tag parameter set to one tag (with an input of that tag: clean
            // traces have even inputs); layer 2.
            let names = Set(saved.parameters.map(\.name))
            var variants: [[String: String]] = [[:]]
            for (tag, input) in [("clean", "30"), ("fgsm", "31")] {
                var given = Dictionary(uniqueKeysWithValues: saved.parameters.filter { $0.kind == .string }.map { ($0.name, tag) })
                if names.contains("input") { given["input"] = input }
                variants.append(given)
            }
            if names.contains("layer") { variants.append(["layer": "2"]) }
            for given in variants {
                let single: (table: ResultTable, split: Bool, statements: [Int])
                do {
                    single = try Self.rows(fixture.path, saved, given, workers: 1)
                } catch is QueryFailure {
                    continue  // e.g. `versus parent` of the clean traces, which have no parents
                }
                if single.split { splits += 1 }
                if !single.table.rows.isEmpty { compared += 1 }
                for workers in [2, 3] {
                    let split = try Self.rows(fixture.path, saved, given, workers: workers)
                    #expect(split.statements.contains(workers) == single.split, "\(saved.name) \(given): \(split.statements)")
                    Self.expectEqual(split.table, single.table, "\(saved.name) \(given), \(workers) workers", requireRows: false)
                }
            }
        }
        #expect(compared >= 30)
        // Scans split (class-confusion, paired-nodes, …); the statistics tables' answers do not.
        #expect(splits >= 4)
    }

    @Test(arguments: [
        "from traces where not correct | nodes of layer 1 | summarize median, p90 by node",
        "from traces where tag = 'fgsm' | nodes of layer 1 | summarize entropy by layer",
        "from traces where not correct and input < 20 | edges into layer 2",
        "from traces where confidence > 0.5 | select trace, confidence | sort -confidence | take 5",
        "from traces where confidence > 0.5 | select trace, input | sort input | take 5",
        "from traces | summarize count by label",
        "from traces where tag = 'clean' | nodes of layer 1 | summarize mean by node",
    ])
    func formsThatCannotSplitRunAsOneStatement(_ text: String) throws {
        let fixture = try Self.fixture.get()
        let single = try Self.rows(fixture.path, text, workers: 1)
        let many = try Self.rows(fixture.path, text, workers: 3)
        #expect(!many.split)
        #expect(many.statements == [1], "\(text): \(many.statements)")
        Self.expectEqual(many.table, single.table, text)
    }

    /// A store whose traces span fewer ids than the session's minimum runs a splittable scan as
    /// one statement, with the same rows.
    @Test func smallStoresRunScansAsOneStatement() throws {
        let fixture = try Self.fixture.get()
        let text = "from traces where not correct | nodes of layer 1 | summarize mean, max by node"
        let backend = try CountingBackend(ProvenanceStore(path: fixture.path, access: .readOnly))
        var session = QuerySession(backend: backend, scanWorkers: 2)
        session.splitThresholds = SplitThresholds(valueTraces: 151, listedTraces: 151)
        let prepared = try session.prepare(SourceText(text), parameters: QueryParameters())
        #expect(prepared.compiled.split != nil)
        let table = try session.run(prepared).table
        #expect(!backend.statements.contains(2), "\(backend.statements)")
        Self.expectEqual(table, try Self.rows(fixture.path, text, workers: 2).table, text)
    }

    // MARK: Running and comparing

    /// A query's rows with `workers`, whether it compiled to a split query, and how many
    /// statements each call to the store ran at once.
    static func rows(_ path: String, _ text: String, workers: Int) throws -> (table: ResultTable, split: Bool, statements: [Int]) {
        let backend = try CountingBackend(ProvenanceStore(path: path, access: .readOnly))
        var session = QuerySession(backend: backend, scanWorkers: workers)
        session.splitThresholds = .none
        let prepared = try session.prepare(SourceText(text), parameters: QueryParameters())
        let table = try session.run(prepared).table
        return (table, prepared.compiled.split != nil, backend.statements)
    }

    static func rows(_ path: String, _ saved: SavedQuery, _ given: [String: String], workers: Int) throws -> (table: ResultTable, split: Bool, statements: [Int]) {
        let backend = try CountingBackend(ProvenanceStore(path: path, access: .readOnly))
        var session = QuerySession(backend: backend, scanWorkers: workers)
        session.splitThresholds = .none
        let prepared = try session.prepare(saved, parameters: QueryParameters(given: given))
        let table = try session.run(prepared).table
        return (table, prepared.compiled.split != nil, backend.statements)
    }

    static func expectEqual(_ actual: ResultTable, _ expected: ResultTable, _ context: String, requireRows: Bool = true) {
        #expect(actual.columnNames == expected.columnNames, "\(context)")
        #expect(actual.rows.count == expected.rows.count, "\(context)")
        if requireRows && expected.rows.isEmpty { Issue.record("no rows to compare: \(context)") }
        for (row, (a, b)) in zip(actual.rows, expected.rows).enumerated() {
            for (column, (x, y)) in zip(a, b).enumerated() where !same(x, y) {
                Issue.record("\(context): row \(row) column \(expected.columnNames[column]): \(x) split, \(y) single")
            }
        }
    }

    static func same(_ x: StoreValue, _ y: StoreValue) -> Bool {
        if case .real(let a) = x, case .real(let b) = y {
            return a == b || abs(a - b) <= tolerance * max(1, abs(a), abs(b))
        }
        return x == y
    }
}

/// A store that counts, per call, the statements it ran at once (1 for `run(sql:)`).
final class CountingBackend: ProvenanceBackend, @unchecked Sendable {
    private let store: ProvenanceStore
    private let lock = NSLock()
    private var counts: [Int] = []

    init(_ store: ProvenanceStore) { self.store = store }

    /// Statements per call, leaving out the look-up of the traces' id range and the selection's size.
    var statements: [Int] { lock.withLock { counts } }

    var location: String { store.location }
    var dialectName: String { store.dialectName }
    func catalog(includingParentTags: Bool) throws -> Catalog { try store.catalog(includingParentTags: includingParentTags) }
    func run(sql: String, arguments: [StoreValue]) throws -> ResultTable {
        if !sql.hasPrefix("SELECT (SELECT MIN(id) FROM traces), (SELECT MAX(id) FROM traces)") { lock.withLock { counts.append(1) } }
        return try store.run(sql: sql, arguments: arguments)
    }
    func run(concurrently statements: [BoundStatement]) throws -> [ResultTable] {
        lock.withLock { counts.append(statements.count) }
        return try store.run(concurrently: statements)
    }
    func interrupt() { store.interrupt() }
    func info() throws -> StoreInfo { try store.info() }
    func trace(tag: String, inputIndex: Int, model: String?) throws -> (topology: ModelTopology, trace: Trace) {
        try store.trace(tag: tag, inputIndex: inputIndex, model: model)
    }
    func forEachTrace(_ selection: TraceSelection, _ body: (ModelTopology, Trace) throws -> Bool) throws { try store.forEachTrace(selection, body) }
    func traceLocations(_ lookup: TraceLookup) throws -> [TraceLocation] { try store.traceLocations(lookup) }
    func nodeValues(trace id: Int64, layer: Int) throws -> [Double]? { try store.nodeValues(trace: id, layer: layer) }
    func classNodeStatistics(model: String, tag: String, label: Int, layers: ClosedRange<Int>) throws -> [NodeClassStatistics] {
        try store.classNodeStatistics(model: model, tag: tag, label: label, layers: layers)
    }
    func nearestCorrectTraces(_ request: NearestTraceRequest) throws -> [Int: [TraceDistance]] { try store.nearestCorrectTraces(request) }
    func beginIngest(sources: String, batchSize: Int) throws -> any TraceIngestion { try store.beginIngest(sources: sources, batchSize: batchSize) }
    func modelBytes(fingerprint: String) throws -> Data? { try store.modelBytes(fingerprint: fingerprint) }
    func record(_ analysis: AnalysisRecord) throws { try store.record(analysis) }
    func analyses(kind: String) throws -> [AnalysisRecord] { try store.analyses(kind: kind) }
}
