import Analysis
import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// Forensics of one trace against answers recomputed here from the captured traces by brute
/// force: margins from the logits, paths from every path's flow, z-scores from the clean
/// traces' values, neighbours and distances from every trace.
@Suite struct ForensicsTests {
    /// 90 traces of the 6-5-3 fixture MLP, clean and noisy (noisy input i's parent is clean input i − 1).
    struct Fixture {
        let directory: TemporaryDirectory
        let store: ProvenanceStore
        let topology: ModelTopology
        let traces: [Trace]
        /// Trace id by (tag, input).
        let ids: [String: Int64]

        init() throws {
            directory = try TemporaryDirectory()
            store = try StoreFixtures.store(at: directory.path("store.sqlite"), count: 90, seed: 5, tags: ["clean", "noisy"])
            (topology, traces) = try StoreFixtures.traces(count: 90, seed: 5, tags: ["clean", "noisy"])
            let rows = try store.run(sql: "SELECT id, tag, input_index FROM traces", arguments: []).rows
            ids = Dictionary(uniqueKeysWithValues: rows.map { row in ("\(row[1].plainText)/\(row[2].plainText)", Int64(row[0].number!)) })
        }

        func id(_ trace: Trace) -> Int64 { ids["\(trace.metadata.tag)/\(trace.metadata.inputIndex)"]! }
        func values(_ trace: Trace, layer: Int) -> [Double] { trace.layerValues[layer].map(Double.init) }
        var misclassified: [Trace] { traces.filter { $0.metadata.trueLabel != $0.metadata.predictedLabel } }
    }

    @Test func predictionAndMarginsComeFromTheOutputLayer() throws {
        let fixture = try Fixture()
        let trace = try #require(fixture.misclassified.first)
        let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))
        let logits = fixture.values(trace, layer: 2)
        let order = logits.indices.sorted { logits[$0] > logits[$1] }
        #expect(report.trace == fixture.id(trace) && report.tag == trace.metadata.tag && report.input == trace.metadata.inputIndex)
        #expect(report.label == trace.metadata.trueLabel && report.predicted == order[0] && report.runnerUp == order[1])
        #expect(isClose(try #require(report.margin), logits[order[0]] - logits[order[1]]))
        let exponentials = logits.map { exp($0) }, total = exponentials.reduce(0, +)
        #expect(isClose(try #require(report.probabilityMargin), (exponentials[order[0]] - exponentials[order[1]]) / total))
        #expect(isClose(report.confidence, exponentials[order[0]] / total, 1e-6))
        // The same trace chosen by tag and input.
        #expect(try Forensics(backend: fixture.store).report(for: .input(tag: trace.metadata.tag, index: trace.metadata.inputIndex)) == report)
    }

    @Test func pathsAreTheStrongestOfAllPathsByTheLineagesFlow() throws {
        let fixture = try Fixture()
        for trace in fixture.misclassified.prefix(4) {
            let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))
            let graph = InferenceProvenanceGraph(topology: fixture.topology, trace: trace)
            let reference = FlowReference(graph)
            let active = { (layer: Int) in graph.nodes.filter { $0.id.layer == layer }.map(\.id.description) }
            for leadsInto in [trace.metadata.predictedLabel, trace.metadata.trueLabel!] {
                // Every path from the output node down through active nodes, with its flow.
                var all: [(nodes: [String], flow: Double)] = []
                for hidden in active(1) where reference.inflow(hidden) != 0 {
                    for input in active(0) {
                        let path = ["2:\(leadsInto)", hidden, input]
                        all.append((path, reference.flow(along: path, backward: true)))
                    }
                }
                let expected = all.sorted { $0.flow > $1.flow }.prefix(3)
                let found = report.paths.filter { $0.class == leadsInto }
                #expect(found.count == expected.count)
                for (path, reference) in zip(found, expected) {
                    #expect(abs(path.flow - reference.flow) <= 1e-5 * max(1, abs(reference.flow)), "\(path) vs \(reference)")
                }
                for path in found {
                    #expect(path.nodes.first == "2:\(leadsInto)" && path.nodes.last?.hasPrefix("0:") == true)
                    let flow = try #require(all.first { $0.nodes == path.nodes }?.flow, "\(path.nodes) is not a path of active nodes")
                    #expect(abs(path.flow - flow) <= 1e-5 * max(1, abs(flow)))
                }
            }
        }
    }

    /// Through two hidden layers, where negative contributions make the smallest partial flows
    /// of a node the start of some of the largest whole ones.
    @Test func pathsThroughSeveralHiddenLayersAreTheStrongestOfAll() throws {
        var builder = GraphBuilder(inputShape: [nil, 5])
        var generator = SeededGenerator(seed: 8)
        var previous = "x"
        for (index, (inputs, outputs)) in [(5, 6), (6, 5), (5, 3)].enumerated() {
            builder.weights("w\(index)", shape: [outputs, inputs], (0..<(inputs * outputs)).map { _ in generator.nextGaussian() })
            previous = builder.node("Gemm", [previous, "w\(index)"], name: "fc\(index)", attributes: ["transB": .int(1)])
            if index < 2 { previous = builder.node("Relu", [previous]) }
        }
        let capture = try ProvenanceCapture(session: InferenceSession(model: builder.model(output: previous)), sampleShape: [5])
        let traces = try capture.capture(Tensor(shape: [12, 5], values: (0..<60).map { _ in generator.nextGaussian() }),
                                         samples: (0..<12).map { SampleDescription(inputIndex: $0, trueLabel: $0 % 3, tag: "clean") })
        let directory = try TemporaryDirectory()
        let store = try ProvenanceStore(path: StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory), access: .readOnly)
        for trace in traces {
            let report = try Forensics(backend: store).report(for: .input(tag: "clean", index: trace.metadata.inputIndex))
            let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
            let reference = FlowReference(graph)
            let active = { (layer: Int) in graph.nodes.filter { $0.id.layer == layer }.map(\.id.description) }
            var all: [Double] = [], totals: [String: Double] = [:]
            for second in active(2) {
                for first in active(1) where reference.inflow(first) != 0 && reference.inflow(second) != 0 {
                    for input in active(0) {
                        let flow = reference.flow(along: ["3:\(trace.metadata.predictedLabel)", second, first, input], backward: true)
                        all.append(flow)
                        totals[input, default: 0] += flow
                    }
                }
            }
            // Each input feature's total flow: the sum over every path that ends at it.
            let (topology, stored) = try store.trace(tag: "clean", inputIndex: trace.metadata.inputIndex)
            let flows = try DenseFlowGraph(topology: topology, nodeValues: stored.layerValues.map { $0.map(Double.init) })
            let computed = flows.totalFlows(from: NodeID(layer: 3, index: trace.metadata.predictedLabel))
            #expect(computed.count == 5)
            for input in 0..<5 {
                let expected = totals["0:\(input)"] ?? 0
                #expect(abs(computed[input] - expected) <= 1e-5 * max(1, abs(expected)), "input \(input)")
            }
            let expected = all.sorted(by: >).prefix(3)
            let found = report.paths.filter { $0.class == trace.metadata.predictedLabel }.map(\.flow)
            #expect(found.count == expected.count)
            #expect(zip(found, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(found) vs \(Array(expected))")
        }
    }

    @Test func flowsEqualTheLanguagesLineageRows() throws {
        let fixture = try Fixture()
        var compared = 0
        for trace in fixture.traces.prefix(12) {
            let (topology, stored) = try fixture.store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex)
            let graph = try DenseFlowGraph(topology: topology, nodeValues: stored.layerValues.map { $0.map(Double.init) })
            let rows = try queryCSV(fixture.store.path, "from traces where trace = \(fixture.id(trace)) | lineage depth 2 top 3")
            let columns = rows[0]
            for row in rows.dropFirst() {
                let path = row[columns.firstIndex(of: "path")!].components(separatedBy: " <- ").map { text in
                    let parts = text.split(separator: ":").map { Int($0)! }
                    return NodeID(layer: parts[0], index: parts[1])
                }
                let expected = Double(row[columns.firstIndex(of: "flow")!])!
                #expect(isClose(try #require(graph.flow(of: path)), expected, 1e-12), "\(row)")
                compared += 1
            }
        }
        #expect(compared > 50)
    }

    @Test func outliersAreZScoresAgainstTheCleanTracesOfTheTrueClass() throws {
        let fixture = try Fixture()
        for trace in fixture.misclassified.prefix(4) {
            let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))
            let cleanTag = trace.metadata.parent == nil ? "clean" : trace.metadata.parent!.tag
            #expect(report.cleanTag == cleanTag)
            let zScores = { (label: Int) -> [Double?] in
                let clean = fixture.traces.filter { $0.metadata.tag == cleanTag && $0.metadata.trueLabel == label }
                return (0..<5).map { node in
                    let values = clean.map { Double($0.layerValues[1][node]) }
                    let spread = populationDeviation(values)
                    return spread > 0 ? (Double(trace.layerValues[1][node]) - mean(values)) / spread : nil
                }
            }
            let z = zScores(trace.metadata.trueLabel!), zPredicted = zScores(trace.metadata.predictedLabel)
            let expected = (0..<5).filter { z[$0] != nil }.sorted { abs(z[$0]!) > abs(z[$1]!) }
            #expect(report.outliers.map(\.node) == expected && report.outliers.allSatisfy { $0.layer == 1 })
            for outlier in report.outliers {
                #expect(outlier.value == Double(trace.layerValues[1][outlier.node]))
                #expect(isClose(outlier.z!, z[outlier.node]!, 1e-9))
                #expect(zPredicted[outlier.node].map { isClose(outlier.zPredicted!, $0, 1e-9) } ?? (outlier.zPredicted == nil))
            }
        }
    }

    @Test func perLabelStatisticsAgreeWithTheLanguagesScan() throws {
        let fixture = try Fixture()
        for label in 0..<3 {
            // `input >= 0` makes the language scan (it would read these very statistics otherwise).
            let scan = try queryCSV(fixture.store.path, "from traces where tag = 'clean' and label = \(label) and input >= 0 | nodes of layer 1 | summarize count, mean, stddev by node")
            let kept = try fixture.store.run(sql: """
                SELECT node, count, mean, m2 FROM node_label_statistics WHERE tag = 'clean' AND label = ? AND layer = 1 ORDER BY node
                """, arguments: [.integer(Int64(label))]).rows
            #expect(scan.count - 1 == kept.count && kept.count == 5)
            for (row, stored) in zip(scan.dropFirst(), kept) {
                let count = stored[1].number!, mean = stored[2].number!, stddev = (stored[3].number! / count).squareRoot()
                #expect(Double(row[2]) == count && isClose(Double(row[3])!, mean, 1e-12) && isClose(Double(row[4])!, stddev, 1e-9), "\(row)")
            }
        }
    }

    @Test func nearestAreTheExactNearestCorrectTracesOfEachClass() throws {
        let fixture = try Fixture()
        // Small chunks, so that the search stops early (by the norms' bound) for most traces.
        var options = Forensics.Options()
        options.nearestChunk = 2
        for trace in fixture.traces.prefix(12) {
            let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)), options: options)
            #expect(report.nearest == (try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))).nearest)
            #expect(report.nearest.layer == 1)
            let mine = fixture.values(trace, layer: 1)
            let expected = { (label: Int) -> [Neighbour] in
                fixture.traces.filter { $0.metadata.trueLabel == label && $0.metadata.predictedLabel == label && fixture.id($0) != fixture.id(trace) }
                    .map { other in
                        let theirs = fixture.values(other, layer: 1)
                        return Neighbour(trace: fixture.id(other), distance: euclideanDistance(mine, theirs))
                    }
                    .sorted { ($0.distance, $0.trace) < ($1.distance, $1.trace) }
            }
            for (found, label) in [(report.nearest.trueClass, trace.metadata.trueLabel!), (report.nearest.predictedClass, trace.metadata.predictedLabel)] {
                let reference = expected(label)
                #expect(found.count == min(5, reference.count))
                #expect(found.map(\.trace) == reference.prefix(5).map(\.trace))
                #expect(zip(found, reference).allSatisfy { isClose($0.distance, $1.distance, 1e-12) })
            }
        }
    }

    @Test func marginsAndNeighboursEqualTheLanguagesAnswers() throws {
        let fixture = try Fixture()
        for trace in fixture.traces.prefix(8) {
            let id = fixture.id(trace), report = try Forensics(backend: fixture.store).report(for: .id(id))
            let measures = try queryCSV(fixture.store.path, "from traces where trace = \(id) | select margin, prob(predicted)")
            #expect(isClose(Double(measures[1][0])!, report.margin!, 1e-12) && isClose(Double(measures[1][1])!, report.confidence, 1e-6), "\(measures)")
            for (found, label) in [(report.nearest.trueClass, trace.metadata.trueLabel!), (report.nearest.predictedClass, trace.metadata.predictedLabel)] {
                let rows = try queryCSV(fixture.store.path, "from traces where correct and label = \(label) | nearest 5 to trace \(id) in layer 1")
                let columns = rows[0]
                let language = rows.dropFirst().map { (Int64($0[columns.firstIndex(of: "trace")!])!, Double($0[columns.firstIndex(of: "distance")!])!) }
                #expect(found.map(\.trace) == language.map(\.0), "class \(label) of trace \(id)")
                #expect(zip(found, language).allSatisfy { isClose($0.distance, $1.1, 1e-9) })
            }
        }
    }

    @Test func anAdversarialTraceIsComparedWithItsCleanParent() throws {
        let fixture = try Fixture()
        let trace = try #require(fixture.traces.first { $0.metadata.parent != nil })
        let parentTrace = try #require(fixture.traces.first { $0.metadata.tag == "clean" && $0.metadata.inputIndex == trace.metadata.parent!.inputIndex })
        let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))
        let parent = try #require(report.parent)
        #expect(parent.trace == fixture.id(parentTrace))
        #expect(parent.layers.map(\.layer) == [0, 1, 2])
        for layer in 0..<3 {
            let distance = euclideanDistance(fixture.values(trace, layer: layer), fixture.values(parentTrace, layer: layer))
            #expect(isClose(parent.layers[layer].distance, distance, 1e-12))
        }
        #expect(parent.distance == parent.layers[1].distance)
        let differences = (0..<5).map { fixture.values(trace, layer: 1)[$0] - fixture.values(parentTrace, layer: 1)[$0] }
        #expect(parent.differences.map(\.node) == (0..<5).sorted { abs(differences[$0]) > abs(differences[$1]) })
        // A clean trace has no parent.
        #expect(try Forensics(backend: fixture.store).report(for: .id(fixture.id(parentTrace))).parent == nil)
    }

    @Test func jsonHasTheContractsFieldsWithNullsWritten() throws {
        let fixture = try Fixture()
        let trace = try #require(fixture.misclassified.first { $0.metadata.parent == nil })
        let report = try Forensics(backend: fixture.store).report(for: .id(fixture.id(trace)))
        let object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        for key in ["trace", "label", "predicted", "confidence", "runner_up", "margin", "paths", "outliers", "nearest", "parent"] {
            #expect(object.keys.contains(key), "\(key)")
        }
        #expect(object["parent"] is NSNull)
        #expect((object["trace"] as? Int).map(Int64.init) == fixture.id(trace))
        let path = try #require((object["paths"] as? [[String: Any]])?.first)
        #expect((path["nodes"] as? [String])?.allSatisfy { $0.wholeMatch(of: /\d+:\d+/) != nil } == true)
        #expect(path["flow"] is Double && path["class"] is Int)
        let nearest = try #require(object["nearest"] as? [String: Any])
        #expect(nearest["layer"] as? Int == 1)
        let first = try #require((nearest["predicted_class"] as? [[String: Any]])?.first)
        #expect(first["trace"] is Int && first["distance"] is Double)
    }

    @Test func unknownTracesTagsAndLayersAreClearErrors() throws {
        let fixture = try Fixture()
        let forensics = Forensics(backend: fixture.store)
        #expect(throws: ForensicsError.noSuchTraceID(999, store: fixture.store.path)) { try forensics.report(for: .id(999)) }
        #expect(throws: ForensicsError.noSuchTrace(tag: "clean", input: 500, store: fixture.store.path)) {
            try forensics.report(for: .input(tag: "clean", index: 500))
        }
        #expect(throws: ForensicsError.noSuchTag("benign", known: ["clean", "noisy"])) {
            try forensics.report(for: .id(1), options: Forensics.Options(cleanTag: "benign"))
        }
        #expect(throws: ForensicsError.noSuchLayer(7, layers: 3)) { try forensics.report(for: .id(1), options: Forensics.Options(nearestLayer: 7)) }
        // A second model with a trace of the same tag and input: the tag and input name two traces.
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        let other = try capture.capture(Tensor(shape: [1, 2], values: [0.5, -1]), samples: [SampleDescription(inputIndex: 0, trueLabel: 1, tag: "clean")])
        let run = try fixture.store.beginIngest(sources: "second model", batchSize: 10)
        try run.beginModel(capture.topology, encoding: .float32, source: "second model", onnx: nil)
        try run.add(other[0])
        _ = try run.finish()
        let ids = try fixture.store.run(sql: "SELECT id FROM traces WHERE tag = 'clean' AND input_index = 0 ORDER BY id", arguments: []).rows.map { Int64($0[0].number!) }
        #expect(ids.count == 2)
        #expect(throws: ForensicsError.ambiguousTrace(tag: "clean", input: 0, traces: ids)) { try forensics.report(for: .input(tag: "clean", index: 0)) }
        #expect(try forensics.report(for: .id(ids[1])).paths.first?.nodes.first?.hasPrefix("2:") == true)
    }
}
