import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// The query command on a real store: saved queries, both summary paths agreeing, CSV output.
@Suite struct QueryCommandTests {
    /// A store with the tiny model's traces under two tags.
    static func store(in directory: TemporaryDirectory) throws -> (path: String, traces: [Trace]) {
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        var generator = SeededGenerator(seed: 3)
        let inputs = Tensor(shape: [40, 2], values: (0..<80).map { _ in generator.nextGaussian() })
        let samples = (0..<40).map { SampleDescription(inputIndex: $0 / 2, trueLabel: $0 % 2, tag: $0 % 2 == 0 ? "clean" : "noisy") }
        let traces = try capture.capture(inputs, samples: samples)
        return (try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory), traces)
    }

    @Test func statisticsAndScanPathsAgree() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try Self.store(in: directory)
        let fromStatistics = try deepProvOutput(["query", "--db", database, "--saved", "node-stats", "--param", "tag=clean", "--param", "layer=1", "--format", "csv"])
        let fromScan = try deepProvOutput(["query", "--db", database, "--format", "csv",
                                   "from traces where tag = 'clean' and confidence >= 0 | nodes of layer 1 | summarize count, mean, stddev, freq by node"])
        let parse = { (text: String) in text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } } }
        let a = parse(fromStatistics), b = parse(fromScan)
        #expect(fromStatistics.hasPrefix("layer,node,count,mean,stddev,freq\n"))
        #expect(a.count == 3 && b.count == 3)
        for (x, y) in zip(a, b) { #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }, "\(x) vs \(y)") }
        // Recomputed from the traces: layer 1 node 2's mean and activity frequency.
        let clean = traces.filter { $0.metadata.tag == "clean" }
        let values = clean.map { Double($0.layerValues[1][2]) }
        let mean = values.reduce(0, +) / Double(values.count)
        let stddev = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(a[2][3] - mean) < 1e-9 && abs(a[2][4] - stddev) < 1e-9)
        #expect(abs(a[2][5] - Double(values.filter { $0 != 0 }.count) / Double(values.count)) < 1e-12)
    }

    /// `--workers N` runs a scan as N statements over ranges of traces: the same rows as one
    /// statement (`--workers 1`), printed alike with these values; 0 is refused.
    @Test func workersSplitAScanIntoTheSameRows() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try Self.store(in: directory)
        let query = "from traces where confidence >= 0 | nodes of layer 1 | summarize count, freq, min, max by tag, node"
        let one = try DeepProvProcess(["query", "--db", database, "--format", "csv", "--workers", "1", query]).finish()
        let two = try DeepProvProcess(["query", "--db", database, "--format", "csv", "--workers", "2", query]).finish()
        #expect(one.status == 0 && two.status == 0 && one.stderr.isEmpty && two.stderr.isEmpty, "\(one.stderr) \(two.stderr)")
        #expect(one.stdout.split(separator: "\n").count == 7)
        #expect(two.stdout == one.stdout)
        let refused = try DeepProvProcess(["query", "--db", database, "--workers", "0", query]).finish()
        #expect(refused.status == 64, "a usage error: \(refused.stderr)")
        #expect(refused.stderr.hasPrefix("Error: --workers 0: give a whole number from 1\n"), "\(refused.stderr)")
    }

    @Test func misclassifiedSavedQuery() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try Self.store(in: directory)
        let csv = try deepProvOutput(["query", "--db", database, "--saved", "misclassified", "--param", "tag=noisy", "--format", "csv"])
        let expected = traces.filter { $0.metadata.tag == "noisy" && $0.metadata.predictedLabel != $0.metadata.trueLabel }
            .sorted { $0.metadata.inputIndex < $1.metadata.inputIndex }
            .map { "\($0.metadata.inputIndex),\($0.metadata.trueLabel!),\($0.metadata.predictedLabel)" }
        let rows = csv.split(separator: "\n").map(String.init)
        #expect(rows.first == "input,label,predicted,confidence")
        #expect(rows.dropFirst().map { $0.split(separator: ",").prefix(3).joined(separator: ",") } == expected)
    }

    @Test func everySavedQueryCompilesAndRuns() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try Self.store(in: directory)
        let listing = try deepProvOutput(["query", "--db", database, "--saved"])
        #expect(try deepProvOutput(["query", "--db", database, "--saved", ""]) == listing)
        #expect(try deepProvOutput(["query", "--saved", "--db", database]) == listing)
        let names = listing.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(names.contains("node-stats") && names.contains("misclassified"))
        // Every saved query in the folder has its rows recomputed from the traces by a test
        // (SavedQueryRecomputationTests, which fails for a listed name it has no check for).
        let folder = FixturePaths.repositoryRoot.appendingPathComponent("Queries")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dpq") }
        let stems = files.map { String($0.dropLast(".dpq".count)) }.sorted()
        #expect(stems == SavedQueryCoverage.recomputed.sorted(),
                "saved queries without a recomputation test: \(Set(stems).subtracting(SavedQueryCoverage.recomputed).sorted()); listed without a saved query: \(Set(SavedQueryCoverage.recomputed).subtracting(stems).sorted())")
        #expect(names.sorted() == stems, "the command lists \(names.sorted()), the folder holds \(stems)")
        for name in names {
            let result = try deepProvOutput(["query", "--db", database, "--saved", name, "--format", "json"])
            #expect(result.hasPrefix("["), "\(name): \(result)")
        }
    }
}

/// `diff-nodes` and `top-edges` against recomputations from the traces and the engine's IPGs.
@Suite struct DifferentialQueryTests {
    @Test func diffNodesMatchesTheTraces() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try QueryCommandTests.store(in: directory)
        let rows = try deepProvCSV(["query", "--db", database, "--saved", "diff-nodes", "--param", "a=clean", "--param", "b=noisy",
                                    "--param", "layer=1", "--param", "k=2", "--format", "csv"])
        #expect(rows.first == ["node", "mean_a", "mean_b", "diff"])
        func mean(_ tag: String, _ node: Int) -> Double {
            let values = traces.filter { $0.metadata.tag == tag }.map { Double($0.layerValues[1][node]) }
            return values.reduce(0, +) / Double(values.count)
        }
        let expected = (0..<3).map { (node: $0, diff: mean("clean", $0) - mean("noisy", $0)) }.sorted { abs($0.diff) > abs($1.diff) }.prefix(2)
        #expect(rows.dropFirst().map { Int($0[0])! } == expected.map(\.node))
        for (row, item) in zip(rows.dropFirst(), expected) { #expect(abs(Double(row[3])! - item.diff) < 1e-9) }
    }

    @Test func topEdgesAreTheIPGsStrongestEdges() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try QueryCommandTests.store(in: directory)
        let trace = traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == 5 }!
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
        let expected = graph.edges.filter { $0.target.layer == 2 }.sorted { $0.weight > $1.weight }.prefix(3)
        let rows = try deepProvCSV(["query", "--db", database, "--saved", "top-edges", "--param", "tag=clean", "--param", "input=5",
                                    "--param", "layer=2", "--param", "k=3", "--format", "csv"])
        #expect(rows.first == ["source", "target", "weight"])
        #expect(rows.dropFirst().map { "\($0[0])->\($0[1])" } == expected.map { "\($0.source.index)->\($0.target.index)" })
        for (row, edge) in zip(rows.dropFirst(), expected) { #expect(abs(Double(row[2])! - Double(edge.weight)) < 1e-5) }
    }
}

/// `trace-lineage` walks back from the predicted output along the IPG's strongest edges.
@Suite struct LineageQueryTests {
    @Test func lineageFollowsTheStrongestEdges() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try QueryCommandTests.store(in: directory)
        let trace = traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == 7 }!
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
        func strongest(into node: NodeID, _ k: Int) -> [Edge] {
            Array(graph.edges.filter { $0.target == node }.sorted { $0.weight > $1.weight }.prefix(k))
        }
        let output = NodeID(layer: 2, index: trace.metadata.predictedLabel)
        let first = strongest(into: output, 2)
        let second = first.flatMap { strongest(into: $0.source, 2) }
        let expected = Set((first + second).map { "\($0.target)<-\($0.source)" })

        let rows = try deepProvCSV(["query", "--db", database, "--saved", "trace-lineage", "--param", "input=7", "--param", "k=2", "--format", "csv"])
        #expect(rows.first == ["input", "step", "target", "source", "contribution", "path", "flow"])
        #expect(Set(rows.dropFirst().map { "\($0[2])<-\($0[3])" }) == expected)
        // Each row's path runs from the predicted output to its source through its target.
        for row in rows.dropFirst() {
            let path = row[5].components(separatedBy: " <- ")
            #expect(path.first == "\(output)" && path.last == row[3] && path[path.count - 2] == row[2] && path.count == Int(row[1])! + 1, "\(row)")
        }
    }

    /// A path's flow is its first contribution times, at every node passed, the next edge's
    /// share of that node's inflow; over all paths of one length the flows add up to the
    /// output's inflow.
    @Test func flowSharesEachNodesInflowAlongThePath() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try QueryCommandTests.store(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        var checked = 0
        for trace in traces where trace.metadata.tag == "clean" && trace.metadata.inputIndex < 8 {
            let reference = FlowReference(InferenceProvenanceGraph(topology: capture.topology, trace: trace))
            let rows = try deepProvCSV(["query", "--db", database, "--saved", "trace-lineage", "--param", "input=\(trace.metadata.inputIndex)",
                                        "--param", "k=3", "--format", "csv"]).dropFirst()  // every edge: no node has more than 3 sources
            for row in rows {
                let flow = reference.flow(along: row[5].components(separatedBy: " <- "), backward: true)
                #expect(abs(Double(row[6])! - flow) <= 1e-5 * max(1, abs(flow)), "\(row)")
            }
            let output = "\(NodeID(layer: 2, index: trace.metadata.predictedLabel))"
            for step in ["1", "2"] {
                let total = rows.filter { $0[1] == step }.reduce(0) { $0 + Double($1[6])! }
                #expect(abs(total - reference.inflow(output)) <= 1e-5 * max(1, abs(total)), "input \(trace.metadata.inputIndex) step \(step)")
            }
            checked += rows.contains { $0[1] == "2" } ? 1 : 0
        }
        #expect(checked > 3)
    }
}
