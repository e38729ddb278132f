import Analysis
import Foundation
import Query
import Store
import StoreClickHouse
import Testing
import TestSupport

/// The ClickHouse lowering against the independent reference, SQLite's: the same stream
/// ingested into an SQLite store, a single ClickHouse server and the two-shard cluster; every
/// supported query gives the same columns and the same rows in the same order (reals within
/// 1e-9 relative; trace ids, which differ between backends, are left out). Unsupported forms
/// are refused with E063, naming the backend.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseQueryEquivalenceTests {
    /// One query per supported form; `$k` is 4.
    static let corpus: [String] = [
        "from traces | select tag, input, label, predicted, confidence, correct | sort input",
        "from traces where tag = 'noisy' and confidence > 0.5 | select input, confidence | sort -confidence, input",
        "from traces where not correct or label = 2 | select input, tag, parent, parent_tag, run | sort tag, -input | take 7",
        "from traces | select input, parent, parent_tag | sort parent, -input",
        "from traces | derive c2 = confidence * 2 + 1 | where c2 > 1.8 | select input, c2 | sort -c2, input",
        "from traces where input >= 10 and input < 40 and tag != 'blur' | select input, tag | sort -input | take $k",
        "from traces where tag = 'clean' and input < 12 | nodes of layer 1 | where value > 0",
        "from traces | nodes of layer 2 | sort -value, input, node | take 10",
        "from traces | nodes of layer 1 | summarize count, mean, stddev, min, max, freq by node",
        "from traces where tag = 'noisy' | nodes of layer 2 | summarize count, mean, stddev, freq by label, node",
        "from traces | nodes of layer 2 | summarize mean, freq by predicted, node | where freq > 0.3 | sort -freq, predicted, node",
        "from traces | nodes of layer 0 | summarize min, max by tag, node | sort tag, -node",
        "from traces where correct | nodes of layer 1 | summarize mean, stddev by tag, label, node | sort -mean | take 5",
        "from traces | nodes of layer 1 | summarize mean by node | derive m = abs(mean) | select node, m | sort -m",
        "from traces where label = 1 and confidence < 0.9 | nodes of layer 0 | summarize count, mean, max by node",
        "from traces | nodes of layer 1 | summarize count, mean, stddev, freq, min, max by layer",
        "from traces where not correct | nodes of layer 2 | summarize count, mean, stddev, freq by tag, label, layer | sort -freq, tag, label",
        // Every layer.
        "from traces | summarize count, mean, stddev, freq, min, max, dispersion by layer",
        "from traces where confidence > 0.4 | summarize mean, freq by tag, label, layer | sort tag, -layer",
        // `versus traces`: Cohen's d (NULL below three traces), dispersion, all layers.
        "from traces where tag = 'noisy' | nodes of layer 1 | summarize freq, mean, stddev, effect by node | versus traces where tag = 'clean' | sort -abs(freq_diff), -abs(effect)",
        "from traces where input = 0 | nodes of layer 1 | summarize count, mean, stddev, effect by node | versus traces where input = 3",
        "from traces | nodes of layer 2 | summarize mean, dispersion, min by predicted, node | versus traces where label = 1 | where mean_diff > -1 | sort -mean_diff",
        "from traces | summarize count, mean, dispersion, freq by predicted, layer | versus traces where label = 1",
        // `versus parent`: d_z (NULL for one pair), distances; blur's parents are not stored.
        "from traces where tag = 'noisy' | nodes of layer 1 | summarize mean, freq, effect, distance, max_distance by node | versus parent | sort -distance",
        "from traces where tag != 'clean' | nodes of layer 2 | summarize count, mean, stddev, freq, min, max, effect, distance, max_distance by label, node | versus parent",
        "from traces where tag = 'noisy' and input < 5 | nodes of layer 1 | summarize mean, effect by node | versus parent",
        "from traces where tag = 'noisy' | nodes of layer 2 | summarize mean, distance, count, freq by layer | versus parent | take $k",
        // Attributes (NULL when missing), the model column, whole and real division (NULL by zero).
        "from traces where attr('k') = '3' or attr('zz') = 'a' or attr('k') > '55' | select input, model, tag | sort input",
        "from traces where model = 'test' and attr('k') > '5' | nodes of layer 1 | summarize mean, freq by node",
        "from traces where model != 'test' or input < 3 | select input, model | sort -input",
        "from traces | derive h = input / 7, r = confidence / (input - 3), q = (input - 30) / 4 | select input, h, r, q | sort q, -input",
        "from traces | nodes of layer 1 | summarize mean, count by node | derive c = count / 7, m = mean / (node - 2) | where c > 1",
        // Outputs named as other source columns.
        "from traces | nodes of layer 1 | summarize mean, count by node | select node as mean, mean as node | sort -node",
        // Dense edges: rows (node references sorted as numbers), and summaries by edge.
        "from traces where tag = 'clean' and input = 3 | edges into layer 2 | sort -contribution | take 5",
        "from traces where input < 4 | edges into layer 1",
        "from traces where input < 9 | edges into layer 2 | sort -contribution | derive s = node(source), l = layer(target) | select input, s as source, l as target, contribution",
        "from traces where input < 9 | edges into layer 1 | sort -target, source | take 12",
        "from traces where tag = 'noisy' | edges into layer 2 | summarize mean, stddev, min, max, count by edge | versus traces where tag = 'clean' | sort -abs(mean_diff) | take 6",
        "from traces | edges into layer 1 | summarize mean, min, max by label, edge | where target = 1:2 or node(source) = 3",
        "from traces where tag = 'noisy' | edges into layer 2 | summarize mean, effect by edge | versus traces where tag = 'clean'",
        // Lineage, unrolled to the query's depth: back from the prediction or a node, forward from a node.
        "from traces where input < 6 | lineage depth 2 top 2",
        "from traces where tag = 'noisy' | lineage from 2:0 depth 2 top 3 | where target = 1:3 or step = 1",
        "from traces where input < 10 | lineage depth 1 top 1 | sort -flow",
        "from traces where input < 6 | lineage forward from 0:3 depth 2 top 2",
        "from traces where tag = 'noisy' | lineage forward from 1:2 depth 1 top 2 | sort -contribution",
        "from traces where input < 12 | lineage forward from 0:1 depth 1 top $k",
        // Summaries of rows: of traces, of summaries, of lineage paths, of comparisons.
        "from traces where tag = 'noisy' | summarize count, mean(correct), min(confidence), stddev(confidence), sum(correct) by label | where count > 1",
        "from traces | summarize count by label, predicted | summarize max(count)",
        "from traces where input < 8 | lineage depth 2 top 2 | where step = 2 | summarize count, sum(flow), mean(contribution) by path | sort -count | take 5",
        "from traces | nodes of layer 1 | summarize mean by node | versus traces where tag = 'clean' | summarize max(mean_diff), min(mean_a)",
        // Trace measures: of the output layer (a class's probability and margin, the runner-up's
        // margin), of a layer (entropy, l1, active nodes); in conditions of every shape.
        "from traces | select input, tag, prob(label), prob(2), margin, margin(label), margin(0), entropy(1), l1(2), active(1), entropy(0) | sort input",
        "from traces where entropy(2) > 1 and prob(predicted) < 0.9 | select input, tag, entropy(2), prob(predicted) | sort -entropy_2, input",
        "from traces where margin < 1 or l1(1) > 2 | nodes of layer 1 | summarize mean, freq by node",
        "from traces where tag = 'noisy' | nodes of layer 2 | summarize mean by node | versus traces where prob(label) > 0.5",
        "from traces where margin(label) > 0 | edges into layer 2 | sort -contribution | take 5",
        "from traces | select tag, entropy(1) as entropy, active(1) as active | summarize count, mean(entropy), stddev(entropy), min(entropy), max(active), mean(active) by tag",
        "from traces | select model, input, entropy(2) as e, active(2) | derive e2 = e * 2 | sort -e2, input | take 9",
        // The distance to the parent (NULL when it is not stored: blur's; clean traces have none).
        "from traces | select input, tag, distance(1, parent), distance(2, parent, cosine) | sort tag, input",
        "from traces where tag != 'clean' and confidence > 0.2 | select model, tag, input, active(1), distance(2, parent) as d | sort -d, tag, input",
        "from traces where tag = 'noisy' and parent_tag = 'clean' | select distance(1, parent) as distance | summarize count, mean(distance), stddev(distance), min(distance), max(distance)",
        // A parent's columns (NULL when it is not stored or there is none).
        "from traces | select input, tag, parent.confidence, parent.correct, parent.label, parent.input, parent.parent_tag | sort tag, input",
        "from traces where tag != 'clean' | select model, tag, input, parent.predicted, distance(1, parent), active(1) | sort -parent_predicted, tag, input",
        "from traces where parent(correct) | select input, parent.confidence | summarize count, mean(parent_confidence)",
        // parent(…) and child(…): the first stored trace of the parent's tag and input index.
        "from traces where parent(confidence > 0.3 or correct) | select input, tag | sort tag, input",
        "from traces where not parent(label = 1) | select input, tag, parent_tag | sort tag, input",
        "from traces where child(not correct) or input = 1 | select input, tag | sort tag, input",
        "from traces where child(parent(attr('k') > '2')) | select input, tag | sort input, tag",
        "from traces where tag = 'noisy' and parent(entropy(1) > 1) | nodes of layer 1 | summarize mean, effect by node | versus parent",
        "from traces where child(tag = 'noisy') | nodes of layer 2 | summarize mean, freq by node | versus traces where not child(correct)",
    ]

    /// The saved queries in the supported shapes: every one in Queries/.
    static let supportedSaved = ["class-confusion", "class-diff", "class-envelope", "diff-nodes", "diverging-edges", "feature-lineage", "layer-activity",
                                 "misclassified", "node-stats", "paired-nodes", "repair-candidates", "top-edges", "trace-lineage"]
    /// Values for saved queries whose defaults select no traces of the fixture.
    static let savedParameters = ["class-confusion": ["tag": "noisy"], "diff-nodes": ["a": "noisy", "b": "clean"], "paired-nodes": ["adv": "noisy"],
                                  "diverging-edges": ["a": "noisy", "b": "clean"],
                                  "repair-candidates": ["adv": "noisy"]]
    /// Saved queries that also run over a second fixture (clean and noisy traces alternating,
    /// so that a tag holds every class; each noisy trace's clean parent stored), with their
    /// values there.
    static let secondParameters = ["class-diff": ["tag": "clean", "a": "1", "b": "2"], "paired-nodes": ["adv": "noisy"],
                                   "repair-candidates": ["adv": "noisy"], "diff-nodes": ["a": "noisy", "b": "clean"]]

    /// Forms this slice refuses, with the phrase the diagnostic names.
    static let refused: [(query: String, missing: String)] = [
        ("from traces | summarize mean by layer | versus parent", "versus parent over every layer"),
        ("from traces | nodes of layer 1 | summarize median, mean by node", "the measure median (an interpolating quantile)"),
        ("from traces | select input, parent.model", "a parent's model (parent_model)"),
        ("from traces | derive h = input / $k | select h", "division with a $parameter"),
        ("from traces | edges into layer 2 | summarize freq by edge", "the measure freq by edge"),
        ("from traces where tag = 'noisy' | edges into layer 2 | summarize mean by edge | versus parent", "versus parent by edge"),
        ("from traces where not correct | lineage contrast depth 2 top 2", "lineage contrast"),
        ("from traces where tag = 'noisy' | lineage depth 2 top 1 | versus parent", "lineage versus parent"),
        ("from traces | select input, distance(1, centroid(tag = 'clean'), cosine)", "trace measures (distance_1_centroid_cosine)"),
        ("from traces where distance(2, parent) < 1 | select input", "trace measures (distance)"),
        ("from traces where distance(2, 3) < 1 | select input", "trace measures (distance)"),
        ("from traces where active(1) > 2 | select input", "trace measures (active) in conditions"),
    ]

    /// The stores, filled once per suite: each fixture's stream ingested into SQLite, a single
    /// server and the cluster.
    struct Stores {
        let directory: TemporaryDirectory
        let sqlite: ProvenanceStore
        let clickhouse: [(name: String, backend: ClickHouseBackend)]
        /// The same for the second fixture.
        let secondSQLite: ProvenanceStore
        let secondClickHouse: [(name: String, backend: ClickHouseBackend)]

        init() throws {
            directory = try TemporaryDirectory()
            let stream = directory.path("t.ipgz"), path = directory.path("s.sqlite")
            _ = try StoreFixtures.traces(count: 60, seed: 11, path: stream, tags: ["clean", "noisy", "blur"])
            _ = try StreamIngestor(backend: ProvenanceStore(path: path)).ingest([stream])
            sqlite = try ProvenanceStore(path: path, access: .readOnly)
            clickhouse = try Self.clickHouseStores(holding: stream, stem: "equivalence")
            let secondStream = directory.path("t2.ipgz"), secondPath = directory.path("s2.sqlite")
            _ = try StoreFixtures.traces(count: 60, seed: 12, path: secondStream, tags: ["clean", "noisy"])
            _ = try StreamIngestor(backend: ProvenanceStore(path: secondPath)).ingest([secondStream])
            secondSQLite = try ProvenanceStore(path: secondPath, access: .readOnly)
            secondClickHouse = try Self.clickHouseStores(holding: secondStream, stem: "second")
        }

        /// A single server's store and the cluster's, each holding the stream at `stream`.
        static func clickHouseStores(holding stream: String, stem: String) throws -> [(name: String, backend: ClickHouseBackend)] {
            let servers = try ClickHouseServers.shared()
            return try [nil, servers.clusterName].map { cluster in
                let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase(stem), cluster: cluster)
                _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 16).ingest([stream])
                return (cluster == nil ? "single server" : "cluster", try ClickHouseBackend(url: url, access: .readOnly))
            }
        }
    }
    nonisolated(unsafe) static let stores = Result { try Stores() }

    static func savedQueries() throws -> [SavedQuery] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Queries")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dpq") }.sorted().map { file in
            try SavedQuery(text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), file: file)
        }
    }

    @Test(arguments: corpus)
    func corpusQueryGivesSQLitesRows(_ query: String) throws {
        let stores = try Self.stores.get()
        let parameters = QueryParameters(given: query.contains("$k") ? ["k": "4"] : [:])
        let reference = try Self.rows(QuerySession(backend: stores.sqlite), SourceText(query), parameters)
        #expect(reference.rows.count > 0, "the reference has rows: \(query)")
        for (name, backend) in stores.clickhouse {
            let got = try Self.rows(QuerySession(backend: backend), SourceText(query), parameters)
            Self.expectSame(got, reference, "\(name): \(query)")
        }
    }

    /// `distance(L, $t)` from each backend's own id of one trace (the first noisy one) (ids differ between backends),
    /// and from an id no trace has (NULL).
    @Test func distanceToATraceGivesSQLitesRows() throws {
        let stores = try Self.stores.get()
        let query = SourceText("from traces | select tag, input, distance(1, $t), distance(2, $t, cosine), distance(2, 99999) | sort tag, input")
        let id = { (backend: any ProvenanceBackend) throws -> String in
            let table = try Self.rows(QuerySession(backend: backend), SourceText("from traces | select trace, tag, input | sort -tag, input | take 1"), QueryParameters())
            let first = try #require(table.rows.first?.first)
            guard case .integer(let id) = first else { Issue.record("no trace id: \(first)"); return "0" }
            return String(id)
        }
        let reference = try Self.rows(QuerySession(backend: stores.sqlite), query, QueryParameters(given: ["t": try id(stores.sqlite)]))
        #expect(reference.rows.contains { $0[2] == .real(0) } && reference.rows.contains { if case .real(let d) = $0[2] { d > 0 } else { false } })
        for (name, backend) in stores.clickhouse {
            let got = try Self.rows(QuerySession(backend: backend), query, QueryParameters(given: ["t": try id(backend)]))
            Self.expectSame(got, reference, "\(name): \(query.text)")
        }
    }

    @Test func savedQueriesInTheSupportedShapesGiveSQLitesRows() throws {
        let stores = try Self.stores.get()
        var covered: [String] = []
        for saved in try Self.savedQueries() {
            do {
                _ = try QuerySession(backend: stores.clickhouse[0].backend).prepare(saved, parameters: QueryParameters())
            } catch QueryFailure.diagnostics(let list, _) where list.first.code == .notLowerable {
                continue
            }
            covered.append(saved.name)
            var runs = [(stores.sqlite, stores.clickhouse, Self.savedParameters[saved.name] ?? [:])]
            if let given = Self.secondParameters[saved.name] { runs.append((stores.secondSQLite, stores.secondClickHouse, given)) }
            // In the main fixture a tag holds one class: only the second one checks class-diff.
            if saved.name == "class-diff" { runs.removeFirst() }
            for (sqlite, clickhouse, given) in runs {
                let parameters = QueryParameters(given: given)
                let reference = try QuerySession(backend: sqlite).run(QuerySession(backend: sqlite).prepare(saved, parameters: parameters)).table
                #expect(reference.rows.count > 0, "the reference has rows: \(saved.name) \(given)")
                for (name, backend) in clickhouse {
                    let session = QuerySession(backend: backend)
                    Self.expectSame(try session.run(session.prepare(saved, parameters: parameters)).table, reference, "\(name): \(saved.name) \(given)")
                }
            }
        }
        #expect(covered == Self.supportedSaved)
    }

    @Test func unsupportedFormsAreRefusedNamingTheBackend() throws {
        let stores = try Self.stores.get()
        for (query, missing) in Self.refused {
            let session = QuerySession(backend: stores.clickhouse[1].backend)
            do {
                _ = try session.prepare(SourceText(query), parameters: QueryParameters(given: query.contains("$k") ? ["k": "4"] : [:]))
                Issue.record("not refused: \(query)")
            } catch QueryFailure.diagnostics(let list, _) {
                #expect(list.first.code == .notLowerable && list.first.message == "the clickhouse backend cannot run \(missing) yet", "\(list.first.message)")
            }
            // SQLite runs them.
            _ = try QuerySession(backend: stores.sqlite).prepare(SourceText(query), parameters: QueryParameters(given: query.contains("$k") ? ["k": "4"] : [:]))
        }
    }

    /// Values reach the server as the backend writes them into the statement (18.16 has no
    /// bound parameters): each comes back unchanged, and none is read as SQL.
    @Test func valuesWrittenAsLiteralsComeBackUnchanged() throws {
        let backend = try Self.stores.get().clickhouse[1].backend
        let texts = ["it's", "back\\slash\\", "\\'", "tab\tnew\nline\rend", "nul\u{0}byte", "?", "-- not a comment", "/* nor this */",
                     "\"double\" `back`", "é ü 中 🙂", "'; DROP TABLE traces; --", ""]
        for text in texts {
            let table = try backend.run(sql: "SELECT ? AS s, length(?) AS n", arguments: [.text(text), .text(text)])
            #expect(table.rows == [[.text(text), .integer(Int64(text.utf8.count))]], "\(text.debugDescription)")
        }
        let reals = [0.1, -0.5, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 123456789.125]
        let integers: [Int64] = [0, -1, 9_007_199_254_740_993, Int64.max, Int64.min + 1]
        let table = try backend.run(sql: "SELECT " + (reals.map { _ in "toFloat64(?)" } + integers.map { _ in "toInt64(?)" }).joined(separator: ", "),
                                    arguments: reals.map(StoreValue.real) + integers.map(StoreValue.integer))
        #expect(table.rows == [reals.map(StoreValue.real) + integers.map(StoreValue.integer)])
    }

    static func rows(_ session: QuerySession, _ source: SourceText, _ parameters: QueryParameters) throws -> ResultTable {
        try session.run(session.prepare(source, parameters: parameters)).table
    }

    /// Same columns, same rows in the same order; reals within 1e-9 relative; `trace` not compared.
    static func expectSame(_ got: ResultTable, _ reference: ResultTable, _ context: String) {
        #expect(got.columnNames == reference.columnNames, "\(context)")
        #expect(got.rows.count == reference.rows.count, "\(context)")
        guard got.columnNames == reference.columnNames else { return }
        for (index, (row, expected)) in zip(got.rows, reference.rows).enumerated() {
            for (column, (value, wanted)) in zip(got.columnNames, zip(row, expected)) where column != "trace" {
                #expect(same(value, wanted), "\(context): row \(index) \(column): \(value) ≠ \(wanted)")
            }
        }
    }

    static func same(_ a: StoreValue, _ b: StoreValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.null, .null): return true
        default:
            guard let x = number(a), let y = number(b) else { return false }
            return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
        }
    }

    static func number(_ value: StoreValue) -> Double? {
        switch value {
        case .integer(let x): return Double(x)
        case .real(let x): return x
        default: return nil
        }
    }
}
