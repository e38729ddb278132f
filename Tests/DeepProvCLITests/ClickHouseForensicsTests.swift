import Analysis
import Foundation
import IPG
import Store
import StoreClickHouse
import Testing
import TestSupport

/// Forensics on ClickHouse against two independent references: SQLite's report on the same
/// stream (trace ids, which differ between backends, compared as the tag and input they name;
/// reals within 1e-9 relative), and the nearest neighbours and class statistics recomputed
/// here from the captured traces by brute force. On a single server and on the two-shard
/// cluster; then `deepprov forensics --db clickhouse://…` from outside.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseForensicsTests {
    /// 90 traces of the 6-5-3 fixture MLP, clean and noisy (noisy input i's parent is clean
    /// input i − 1), and copies of some clean ones, in SQLite, on one server and on the cluster.
    struct Stores {
        let directory: TemporaryDirectory
        let sqlitePath: String
        let sqlite: ProvenanceStore
        let topology: ModelTopology
        let traces: [Trace]
        let clickhouse: [(name: String, url: String, backend: ClickHouseBackend)]

        init() throws {
            directory = try TemporaryDirectory()
            let stream = directory.path("t.ipgz")
            sqlitePath = directory.path("s.sqlite")
            let (topology, captured) = try StoreFixtures.traces(count: 90, seed: 5, tags: ["clean", "noisy"])
            // Copies of some correct clean traces under new inputs: neighbours at equal distances, told apart by id.
            let copies = captured.filter { $0.metadata.tag == "clean" && $0.metadata.inputIndex % 4 == 0 && $0.metadata.trueLabel == $0.metadata.predictedLabel }
                .map { trace in
                    var copy = trace
                    copy.metadata.inputIndex += 1000
                    return copy
                }
            self.topology = topology
            traces = captured + copies
            try TraceStreamFixtures.writeStream(traces, topology: topology, to: stream)
            _ = try StreamIngestor(backend: ProvenanceStore(path: sqlitePath)).ingest([stream])
            sqlite = try ProvenanceStore(path: sqlitePath, access: .readOnly)
            let servers = try ClickHouseServers.shared()
            clickhouse = try [nil, servers.clusterName].map { cluster in
                let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("forensics"), cluster: cluster)
                _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 16).ingest([stream])
                return (cluster == nil ? "single server" : "cluster", url, try ClickHouseBackend(url: url, access: .readOnly))
            }
        }

        /// The trace of each kind the reports are compared on.
        func subject(_ kind: Subject) throws -> Trace {
            let wrong = { (trace: Trace) in trace.metadata.trueLabel != trace.metadata.predictedLabel }
            switch kind {
            case .clean: return try #require(traces.first { $0.metadata.tag == "clean" && !wrong($0) })
            case .misclassified: return try #require(traces.first { $0.metadata.tag == "clean" && wrong($0) })
            case .adversarial: return try #require(traces.first { $0.metadata.tag == "noisy" && $0.metadata.inputIndex > 0 && wrong($0) })
            }
        }
    }
    nonisolated(unsafe) static let stores = Result { try Stores() }

    enum Subject: String, CaseIterable, Sendable {
        case clean, misclassified, adversarial
    }

    @Test(arguments: Subject.allCases)
    func reportsAndPicturesEqualSQLites(_ kind: Subject) throws {
        let stores = try Self.stores.get()
        let trace = try stores.subject(kind)
        let choice = TraceChoice.input(tag: trace.metadata.tag, index: trace.metadata.inputIndex)
        let reference = try Forensics(backend: stores.sqlite).report(for: choice)
        // The reference says something to compare.
        #expect(!reference.outliers.isEmpty && !reference.paths.isEmpty)
        #expect(!(reference.nearest.trueClass + reference.nearest.predictedClass).isEmpty)
        #expect((reference.parent != nil) == (kind == .adversarial) && (reference.label != reference.predicted) == (kind != .clean))
        let expected = try Self.addressed(reference, in: stores.sqlite)
        let expectedPictures = try Self.addressed(Forensics(backend: stores.sqlite).pictures(for: reference), in: stores.sqlite)
        #expect(((expectedPictures.inputs as? [String: Any])?.count ?? 0) >= 1 + reference.nearest.predictedClass.count)
        for (name, _, backend) in stores.clickhouse {
            let report = try Forensics(backend: backend).report(for: choice)
            let got = try Self.addressed(report, in: backend)
            #expect(ClickHouseCommandTests.sameJSON(got, expected), "\(name), \(kind): \(got) vs \(expected)")
            // The same trace by its id on this backend (reals within 1e-9 relative: the servers'
            // sums over threads and shards are not added in a fixed order).
            let byID = try Self.addressed(Forensics(backend: backend).report(for: .id(report.trace)), in: backend)
            #expect(ClickHouseCommandTests.sameJSON(byID, got), "\(name), \(kind): by id \(byID) vs \(got)")
            let pictures = try Self.addressed(Forensics(backend: backend).pictures(for: report), in: backend)
            #expect(ClickHouseCommandTests.sameJSON(pictures.inputs, expectedPictures.inputs), "\(name), \(kind): inputs")
            #expect(ClickHouseCommandTests.sameJSON(pictures.rest, expectedPictures.rest), "\(name), \(kind): flows")
        }
    }

    /// Every class's nearest correct traces in every layer, against all distances computed here.
    @Test func nearestAreTheBruteForceNearest() throws {
        let stores = try Self.stores.get()
        // Each subject left out; and a copied trace's values with no trace left out (its copy and itself tie at 0).
        let copied = try #require(stores.traces.first { $0.metadata.inputIndex >= 1000 })
        let original = try #require(stores.traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == copied.metadata.inputIndex - 1000 })
        let subjects = try Subject.allCases.map { (try stores.subject($0), true) } + [(original, false)]
        var ties = 0
        for (name, _, backend) in stores.clickhouse + [("sqlite", stores.sqlitePath, stores.sqlite)] as [(String, String, any ProvenanceBackend)] {
            for (subject, leftOut) in subjects {
                let located = try backend.traceLocations(.address(tag: subject.metadata.tag, inputIndex: subject.metadata.inputIndex))
                let id = leftOut ? try #require(located.first?.id) : -1
                for layer in 0..<3 {
                    let point = subject.layerValues[layer].map(Double.init)
                    let request = NearestTraceRequest(modelFingerprint: stores.topology.fingerprint, layer: layer, point: point, classes: [2, 0, 1],
                                                      count: 4, excluding: id)
                    let found = try backend.nearestCorrectTraces(request)
                    #expect(found.values.reduce(0) { $0 + $1.count } >= 4, "\(name), layer \(layer): neighbours to compare")
                    for label in 0..<3 {
                        // Storage order breaks ties, as ids do.
                        let expected = stores.traces.enumerated()
                            .filter { $0.element.metadata.trueLabel == label && $0.element.metadata.predictedLabel == label
                                && !(leftOut && Self.address($0.element) == Self.address(subject)) }
                            .map { (address: Self.address($0.element), order: $0.offset,
                                    distance: LayerMeasures.euclideanDistance($0.element.layerValues[layer].map(Double.init), point)) }
                            .sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.prefix(4)
                        let got = try (found[label] ?? []).map { (address: try Self.address(of: $0.id, in: backend), distance: $0.distance) }
                        #expect(got.map(\.address) == expected.map(\.address), "\(name), layer \(layer), class \(label)")
                        ties += zip(expected, expected.dropFirst()).filter { $0.distance == $1.distance }.count
                        for (a, b) in zip(got, expected) {
                            #expect(abs(a.distance - b.distance) <= 1e-9 * max(1, b.distance), "\(name): \(a) vs \(b)")
                        }
                    }
                }
            }
        }
        #expect(ties > 0, "equal distances to break by id")
    }

    /// One class's node statistics against the mean and squared deviations of its traces' values.
    @Test func classStatisticsAreTheClassTracesMoments() throws {
        let stores = try Self.stores.get()
        for (name, _, backend) in stores.clickhouse {
            for (tag, label) in [("clean", 1), ("noisy", 2)] {
                let members = stores.traces.filter { $0.metadata.tag == tag && $0.metadata.trueLabel == label }
                let statistics = try backend.classNodeStatistics(model: stores.topology.fingerprint, tag: tag, label: label, layers: 0...2)
                #expect(statistics.count == stores.topology.layers.reduce(0) { $0 + $1.nodeCount }, "\(name)")
                for node in statistics {
                    let values = members.map { Double($0.layerValues[node.layer][node.node]) }
                    let mean = values.reduce(0, +) / Double(values.count)
                    let m2 = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                    #expect(node.count == members.count)
                    #expect(abs(node.mean - mean) <= 1e-9 * max(1, abs(mean)) && abs(node.m2 - m2) <= 1e-9 * max(1, m2), "\(name): \(node) vs \(mean), \(m2)")
                }
                #expect(try backend.classNodeStatistics(model: stores.topology.fingerprint, tag: tag, label: 7, layers: 0...2).isEmpty)
            }
        }
    }

    /// A CNN's channel maps: a node's value is its map's mean on both backends (node values,
    /// class statistics, nearest neighbours in a conv layer), and the report (no paths: not
    /// dense) is SQLite's.
    @Test func convMapsAreTheirMeansAsOnSQLite() throws {
        let directory = try TemporaryDirectory()
        // Half of the traces labelled as predicted, so that there are correct ones to find.
        let (topology, captured) = try ConvStoreFixtures.traces("cnn2d", count: 16, seed: 3)
        let traces = captured.map { trace in
            var relabelled = trace
            if trace.metadata.inputIndex % 2 == 0 { relabelled.metadata.trueLabel = trace.metadata.predictedLabel }
            return relabelled
        }
        let path = try StoreFixtures.storeHolding(traces, topology: topology, in: directory)
        let sqlite = try ProvenanceStore(path: path, access: .readOnly)
        let servers = try ClickHouseServers.shared()
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("forensics_cnn"), cluster: servers.clusterName)
        _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 5).ingest([directory.path("traces.ipgz")])
        let backend = try ClickHouseBackend(url: url, access: .readOnly)
        let maps = topology.layers.filter { $0.nodeSize > 1 }.map(\.index)
        #expect(!maps.isEmpty)
        let id = { (store: any ProvenanceBackend, trace: Trace) throws -> Int64 in
            try #require(try store.traceLocations(.address(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex)).first?.id)
        }
        for trace in traces.prefix(3) {
            for layer in topology.layers.indices {
                let expected = try #require(try sqlite.nodeValues(trace: id(sqlite, trace), layer: layer))
                let got = try #require(try backend.nodeValues(trace: id(backend, trace), layer: layer))
                #expect(ClickHouseCommandTests.sameJSON(try Self.json(got), try Self.json(expected)), "layer \(layer)")
            }
        }
        let layers = 0...(topology.layers.count - 1)
        for label in Set(traces.compactMap(\.metadata.trueLabel)).sorted() {
            let expected = try sqlite.classNodeStatistics(model: topology.fingerprint, tag: "clean", label: label, layers: layers)
            let got = try backend.classNodeStatistics(model: topology.fingerprint, tag: "clean", label: label, layers: layers)
            #expect(got.count == expected.count && !got.isEmpty)
            for (a, b) in zip(got, expected) {
                #expect(a.layer == b.layer && a.node == b.node && a.count == b.count)
                #expect(abs(a.mean - b.mean) <= 1e-9 * max(1, abs(b.mean)) && abs(a.m2 - b.m2) <= 1e-9 * max(1, b.m2), "\(a) vs \(b)")
            }
        }
        let subject = try #require(traces.first { $0.metadata.tag == "noisy" })
        let point = try #require(try sqlite.nodeValues(trace: id(sqlite, subject), layer: maps[0]))
        let request = { (store: any ProvenanceBackend) throws in
            NearestTraceRequest(modelFingerprint: topology.fingerprint, layer: maps[0], point: point,
                                classes: Array(0..<topology.layers.last!.nodeCount), count: 3, excluding: try id(store, subject))
        }
        let expected = try sqlite.nearestCorrectTraces(request(sqlite)).mapValues { try $0.map { ["trace": try Self.address(of: $0.id, in: sqlite), "distance": $0.distance] } }
        let got = try backend.nearestCorrectTraces(request(backend)).mapValues { try $0.map { ["trace": try Self.address(of: $0.id, in: backend), "distance": $0.distance] } }
        #expect(expected.values.contains { !$0.isEmpty })
        #expect(ClickHouseCommandTests.sameJSON(try Self.json(got.mapKeys), try Self.json(expected.mapKeys)), "\(got) vs \(expected)")
        let choice = TraceChoice.input(tag: "noisy", index: subject.metadata.inputIndex)
        let report = try Self.addressed(Forensics(backend: backend).report(for: choice), in: backend)
        #expect(ClickHouseCommandTests.sameJSON(report, try Self.addressed(Forensics(backend: sqlite).report(for: choice), in: sqlite)), "\(report)")
    }

    /// `deepprov forensics --db clickhouse://…` prints SQLite's report (json, trace ids aside),
    /// the text report (the REPL's `.forensics` too) and the page; a trace id or input no trace
    /// has fails as on SQLite.
    @Test func theCommandRunsOnClickHouseAndRefusesAsOnSQLite() throws {
        let stores = try Self.stores.get()
        let trace = try stores.subject(.adversarial)
        let chosen = ["--tag", "noisy", "--input", "\(trace.metadata.inputIndex)"]
        let reference = try Self.run(["forensics", "--db", stores.sqlitePath, "--format", "json"] + chosen)
        #expect(reference.status == 0 && reference.stderr.isEmpty, "\(reference.stderr)")
        let expected = try Self.addressed(json: JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)), in: stores.sqlite)
        for (name, url, backend) in stores.clickhouse {
            let page = stores.directory.path("page-\(name.filter(\.isLetter)).html")
            let json = try Self.run(["forensics", "--db", url, "--format", "json", "--html", page] + chosen)
            #expect(json.status == 0 && json.stderr.isEmpty, "\(name): \(json.stderr)")
            let got = try Self.addressed(json: JSONSerialization.jsonObject(with: Data(json.stdout.utf8)), in: backend)
            #expect(ClickHouseCommandTests.sameJSON(got, expected), "\(name): \(json.stdout)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(html.contains("<svg") && html.contains("</html>"), "\(name)")

            let text = try Self.run(["forensics", "--db", url] + chosen)
            #expect(text.status == 0 && text.stderr.isEmpty && text.stdout.contains("noisy"), "\(name): \(text.stderr)")
            // The REPL's .forensics tells the same, by this store's id of the trace.
            let id = try #require(try backend.traceLocations(.address(tag: "noisy", inputIndex: trace.metadata.inputIndex)).first?.id)
            let repl = try Self.run(["repl", "--db", url], input: ".forensics \(id)\n.forensics 987654321\n")
            #expect(repl.stdout.contains(text.stdout), "\(name): \(repl.stdout)")
            #expect(repl.stderr == "no trace with id 987654321 in \(url)\n", "\(name): \(repl.stderr)")

            for arguments in [["--trace", "987654321"], ["--tag", "clean", "--input", "500"]] {
                let sqliteRefusal = try Self.run(["forensics", "--db", stores.sqlitePath] + arguments)
                let refusal = try Self.run(["forensics", "--db", url] + arguments)
                #expect(sqliteRefusal.status != 0 && refusal.status != 0 && refusal.stdout.isEmpty)
                #expect(refusal.stderr == sqliteRefusal.stderr.replacingOccurrences(of: stores.sqlitePath, with: url), "\(name): \(refusal.stderr)")
                #expect(refusal.stderr.hasPrefix("Error: no trace "), "\(refusal.stderr)")
            }
        }
    }

    private static func run(_ arguments: [String], input: String = "") throws -> (stdout: String, stderr: String, status: Int32) {
        let process = try DeepProvProcess(arguments, environment: ["DEEPPROV_HISTORY": ""])
        process.write(input)
        return try process.finish()
    }

    /// `value` written as JSON and read back (numbers as JSON numbers).
    static func json(_ value: Any) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: value))
    }

    static func address(_ trace: Trace) -> String { "\(trace.metadata.tag)/\(trace.metadata.inputIndex)" }

    static func address(of id: Int64, in backend: any ProvenanceBackend) throws -> String {
        let location = try #require(try backend.traceLocations(.id(id)).first, "no trace \(id)")
        return "\(location.tag)/\(location.inputIndex)"
    }

    /// The report as JSON with every trace id written as the tag and input it names.
    static func addressed(_ report: ForensicsReport, in backend: any ProvenanceBackend) throws -> Any {
        try addressed(json: JSONSerialization.jsonObject(with: JSONEncoder().encode(report)), in: backend)
    }

    static func addressed(json: Any, in backend: any ProvenanceBackend) throws -> Any {
        switch json {
        case let object as [String: Any]:
            return try Dictionary(uniqueKeysWithValues: object.map { key, value in
                if key == "trace", let id = value as? Int { return (key, try address(of: Int64(id), in: backend) as Any) }
                return (key, try addressed(json: value, in: backend))
            })
        case let array as [Any]: return try array.map { try addressed(json: $0, in: backend) }
        default: return json
        }
    }

    /// The pictures as JSON: inputs by address, flows and edge contributions.
    static func addressed(_ pictures: ForensicsPictures, in backend: any ProvenanceBackend) throws -> (inputs: Any, rest: Any) {
        var inputs: [String: [Double]] = [:]
        for (id, values) in pictures.inputs { inputs[try address(of: id, in: backend)] = values }
        let flows = pictures.inputFlows.map { ["class": $0.class, "flows": $0.flows] as [String: Any] }
        return (try json(inputs), try json(["flows": flows, "edges": pictures.edgeContributions] as [String: Any]))
    }
}

private extension Dictionary where Key == Int {
    /// The same with text keys (JSON's).
    var mapKeys: [String: Value] { Dictionary<String, Value>(uniqueKeysWithValues: map { ("\($0.key)", $0.value) }) }
}
