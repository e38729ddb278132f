import Foundation
import IPG
import Store
import Testing
import TestSupport

/// Stores of streams captured at reduced resolution (issue 13): the ResNet fixture captured at
/// `--resolution summary` and at `auto` past a small budget is ingested; node queries and the
/// store's node functions equal numpy's per-channel mean, max and share active of the engine's
/// full-resolution capture (`summarise_ipgz.py` over the spec-only reader); a derived Flatten
/// reads back as captured; edges and lineages through a summarised layer are E062.
@Suite struct ResolutionStoreCommandTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let model: String
        let inputs: String
        let fullTraces: [Trace]
        /// numpy's summaries of the full capture: per trace, per layer [means, maxima, shares].
        let reference: [[[[Double]]]]

        init(_ fixtureName: String = "resnet_cifar") throws {
            directory = try TemporaryDirectory()
            let fixture = FixturePaths.onnxFixture(fixtureName)
            model = fixture.appendingPathComponent("model.onnx").path
            inputs = fixture.appendingPathComponent("input.npy").path
            let full = directory.path("full.ipgz")
            _ = try deepProvOutput(["capture", "--model", model, "--inputs", inputs, "--out", full, "--resolution", "full", "--quiet"])
            fullTraces = try ResolutionCommandTests.read(full).1
            let result = try PythonScript.run("fixtures/summarise_ipgz.py", arguments: [full])
            guard result.status == 0 else { throw FailedCommand(arguments: ["summarise_ipgz.py"], status: result.status, stderr: result.errorOutput) }
            let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            reference = (object?["traces"] as? [[String: Any]] ?? []).map { $0["layers"] as? [[[Double]]] ?? [] }
        }

        /// A stream captured with `arguments`, and its header.
        func capture(_ name: String, _ arguments: [String]) throws -> (path: String, header: StreamHeader) {
            let path = directory.path("\(name).ipgz")
            _ = try deepProvOutput(["capture", "--model", model, "--inputs", inputs, "--out", path, "--quiet"] + arguments)
            return (path, try ResolutionCommandTests.read(path).0)
        }

        /// A new store holding `stream`.
        func ingest(_ stream: String, into name: String) throws -> String {
            let database = directory.path("\(name).sqlite")
            _ = try deepProvOutput(["ingest", "--db", database, stream, "--quiet"])
            return database
        }
    }

    static let reducedCaptures: [[String]] = [["--resolution", "summary"], ["--resolution", "auto", "--value-budget", "6000"]]

    @Test(arguments: reducedCaptures)
    func nodeValuesAtEitherResolutionEqualNumpyOfTheFullCapture(capture arguments: [String]) throws {
        let workspace = try Workspace()
        let (stream, header) = try workspace.capture("reduced", arguments)
        let database = try workspace.ingest(stream, into: "reduced")
        let topology = header.topology
        #expect(header.resolutions.contains(.summary) && header.resolutions.contains(.derived))
        #expect(workspace.reference.count == workspace.fullTraces.count && !workspace.fullTraces.isEmpty)

        // info counts the reduced layers
        let summarised = header.resolutions.filter { $0 == .summary }.count, derived = header.resolutions.filter { $0 == .derived }.count
        let info = try deepProvOutput(["info", "--db", database])
        #expect(info.contains("  \(topology.fingerprint.prefix(12))  resnet_cifar  \(topology.layers.count) layers (\(summarised) summarised, \(derived) derived), \(topology.nodeCount) nodes, \(workspace.fullTraces.count) traces\n"), "\(info)")
        // the catalog says how each layer is kept, and every source of a merge layer
        let catalog = try ProvenanceStore(path: database).catalog()
        #expect(catalog.models.first?.layers.map(\.resolution) == header.resolutions)
        #expect(catalog.models.first?.layers.map(\.sources) == topology.layers.map { $0.sources.map(\.layer) })

        for layer in topology.layers {
            let summarised = header.resolutions[layer.index] == .summary
            let rows = try deepProvCSV(["query", "--db", database, "--format", "csv", "from traces | nodes of layer \(layer.index)"])
            #expect(rows.first == ["trace", "tag", "input", "layer", "node", "value"])
            #expect(rows.count - 1 == workspace.fullTraces.count * layer.nodeCount, "layer \(layer.index)")
            for row in rows.dropFirst() {
                let input = Int(row[2])!, node = Int(row[4])!, value = Double(row[5])!
                let numpyMean = workspace.reference[input][layer.index][0][node]
                if summarised {
                    // a summarised node's value is its stored mean: numpy's float32 mean, within a step
                    #expect(ResolutionCommandTests.withinOneStep(Float(value), numpyMean), "layer \(layer.index) node \(node): \(value) vs numpy \(numpyMean)")
                } else {
                    // full or derived: the mean of the captured map, in double precision
                    let map = workspace.fullTraces[input].value(of: NodeID(layer: layer.index, index: node), in: topology).map(Double.init)
                    let mean = map.reduce(0, +) / Double(map.count)
                    #expect(abs(value - mean) <= 1e-9 * max(1, abs(mean)), "layer \(layer.index) node \(node): \(value) vs \(mean)")
                }
            }
            // max and share active per node, at either resolution, equal numpy's
            let table = try ProvenanceStore(path: database).run(sql: """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < \(layer.nodeCount))
                SELECT t.input_index, n.i,
                    ipg_node_max(t.value_block, t.value_row, l.layer, l.node_size, n.i) AS maximum,
                    ipg_node_active_share(t.value_block, t.value_row, l.layer, l.node_size, n.i, l.threshold) AS share
                FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = ? CROSS JOIN n ORDER BY t.input_index, n.i
                """, arguments: [.integer(Int64(layer.index))])
            #expect(table.rows.count == workspace.fullTraces.count * layer.nodeCount)
            for row in table.rows {
                let input = Int(row[0].number!), node = Int(row[1].number!)
                let expected = workspace.reference[input][layer.index]
                #expect(row[2].number.map(Float.init) == Float(expected[1][node]), "layer \(layer.index) node \(node): max")
                #expect(row[3].number.map(Float.init) == Float(expected[2][node]), "layer \(layer.index) node \(node): share active")
            }
        }
    }

    @Test(arguments: reducedCaptures)
    func statisticsOfSummarisedNodesEqualNumpy(capture arguments: [String]) throws {
        let workspace = try Workspace()
        let (stream, header) = try workspace.capture("reduced", arguments)
        let database = try workspace.ingest(stream, into: "reduced")
        for layer in header.topology.layers where header.resolutions[layer.index] == .summary {
            let rows = try deepProvCSV(["query", "--db", database, "--format", "csv", "from traces | nodes of layer \(layer.index) | summarize mean, freq, max by node"])
            #expect(rows.first == ["layer", "node", "mean", "freq", "max"])
            #expect(rows.count - 1 == layer.nodeCount)
            for row in rows.dropFirst() {
                let node = Int(row[1])!
                // over traces: the mean of the node values (float32 means), the share of traces
                // with the node active (share active above 0), the largest node value
                let means = workspace.reference.map { Double(Float($0[layer.index][0][node])) }
                let mean = means.reduce(0, +) / Double(means.count)
                let freq = Double(workspace.reference.filter { $0[layer.index][2][node] > 0 }.count) / Double(means.count)
                #expect(abs(Double(row[2])! - mean) <= 1e-6 * max(1, abs(mean)), "layer \(layer.index) node \(node): mean \(row[2]) vs \(mean)")
                #expect(Double(row[3])! == freq, "layer \(layer.index) node \(node): freq")
                #expect(abs(Double(row[4])! - means.max()!) <= 1e-6 * max(1, abs(means.max()!)), "layer \(layer.index) node \(node): max")
            }
        }
    }

    @Test func aStoreGivesTheStreamsIPGWithDerivedLayersRebuilt() throws {
        let workspace = try Workspace()
        let (stream, header) = try workspace.capture("summary", ["--resolution", "summary"])
        let database = try workspace.ingest(stream, into: "summary")
        let derived = header.topology.layers.filter { header.resolutions[$0.index] == .derived }
        #expect(derived.map(\.kind) == [.reshape], "the Flatten after the average pool")
        let store = try ProvenanceStore(path: database)
        for (input, full) in workspace.fullTraces.enumerated() {
            let stored = try store.trace(tag: "clean", inputIndex: input).trace
            for layer in derived {
                #expect(stored.layerValues[layer.index].map(\.bitPattern) == full.layerValues[layer.index].map(\.bitPattern))
            }
            #expect(Set(stored.summaries.keys) == Set(header.topology.layers.filter { header.resolutions[$0.index] == .summary }.map(\.index)))
            // the exported IPG (nodes, summaries, edges, warnings) is the stream's
            for format in ["node-link", "dot"] {
                let fromStore = try DeepProvProcess(["export", "--db", database, "--tag", "clean", "--input", "\(input)", "--format", format]).finish()
                let fromStream = try DeepProvProcess(["export", "--stream", stream, "--input", "\(input)", "--format", format]).finish()
                #expect(fromStore.status == 0 && fromStream.status == 0)
                #expect(fromStore.stdout == fromStream.stdout, "\(format) of input \(input)")
                #expect(fromStore.stderr == fromStream.stderr && fromStore.stderr.contains("is kept at summary resolution"))
            }
        }
        // edges into the dense head read the derived Flatten: the same as a full store's
        let fullStore = try workspace.ingest(workspace.directory.path("full.ipgz"), into: "full")
        let head = header.topology.layers.count - 1
        let query = "from traces | edges into layer \(head) | summarize mean, freq by edge"
        let fromSummary = try deepProvOutput(["query", "--db", database, "--format", "csv", query])
        #expect(fromSummary == (try deepProvOutput(["query", "--db", fullStore, "--format", "csv", query])))
        #expect(fromSummary.split(separator: "\n").count > 1)
    }

    /// Forensics reads the stored trace's node values: at summary resolution the means.
    @Test func forensicsOfASummaryStoreTellsWhatTheFullStoreTells() throws {
        let workspace = try Workspace()
        let (stream, _) = try workspace.capture("summary", ["--resolution", "summary"])
        let summary = try workspace.ingest(stream, into: "summary")
        let full = try workspace.ingest(workspace.directory.path("full.ipgz"), into: "full")
        for input in workspace.fullTraces.indices {
            let arguments = ["forensics", "--tag", "clean", "--input", "\(input)"]
            let fromSummary = try DeepProvProcess(arguments + ["--db", summary]).finish()
            let fromFull = try DeepProvProcess(arguments + ["--db", full]).finish()
            #expect(fromSummary.status == 0 && fromSummary.stderr.isEmpty, "\(fromSummary.stderr)")
            // the prediction, confidence and margin come from the (full) output layer
            let head = { (text: String) in text.split(separator: "\n").prefix(3).map(String.init) }
            #expect(head(fromSummary.stdout).count == 3 && head(fromSummary.stdout) == head(fromFull.stdout))
        }
    }

    @Test func edgesAndLineagesThroughASummarisedLayerAreE062() throws {
        let workspace = try Workspace()
        let (stream, header) = try workspace.capture("summary", ["--resolution", "summary"])
        let layers = header.topology.layers
        // an addend of a residual Add summarised, the Add itself full: the Add's edges need it
        let add = try #require(layers.first { $0.kind == .add })
        let addend = layers[add.sources[1].layer]
        let (partial, _) = try workspace.capture("partial", ["--resolution", "full,\(addend.name)=summary"])
        let cases: [(database: String, query: String, what: String, layer: Layer)] = [
            (try workspace.ingest(partial, into: "partial"), "from traces | edges into layer \(add.index)", "'edges into layer \(add.index)'", addend),
            (workspace.directory.path("partial.sqlite"), "from traces | edges into layer \(add.index) | summarize mean by edge", "'edges into layer \(add.index)'", addend),
            (workspace.directory.path("partial.sqlite"), "from traces | lineage from \(add.index):0 depth 1 top 2", "'lineage'", addend),
            (try workspace.ingest(stream, into: "summary"), "from traces | lineage depth 3 top 2", "'lineage'", layers[layers.count - 4]),
        ]
        for (database, query, what, layer) in cases {
            let (stdout, stderr, status) = try DeepProvProcess(["query", "--db", database, query]).finish()
            #expect(status == 1, "\(query)")
            #expect(stdout.isEmpty)
            let column = "from traces | ".count + 1
            #expect(stderr.hasPrefix("Error: <query>:1:\(column): error[E062]: \(what) needs full maps, but model resnet_cifar keeps layer \(layer.index) (\(layer.name)) at summary resolution (per-node mean, max and share active)\n"), "\(stderr)")
            #expect(stderr.contains("note: capture with --resolution full (or \(layer.name)=full) to query its edges"))
        }
        // the same walk, shorter, stays on full and derived layers and answers
        let shorter = try DeepProvProcess(["query", "--db", workspace.directory.path("summary.sqlite"), "from traces | lineage depth 2 top 2"]).finish()
        #expect(shorter.status == 0 && shorter.stderr.isEmpty, "\(shorter.stderr)")
    }

    @Test func streamsStoresRefusedBeforeNowIngestAndCaptureStoresTheSame() throws {
        let workspace = try Workspace("cnn2d")
        let (stream, header) = try workspace.capture("summary", ["--resolution", "summary"])
        #expect(header.resolutions.contains(.summary))
        let ingested = workspace.directory.path("ingested.sqlite")
        let ingest = try DeepProvProcess(["ingest", "--db", ingested, stream, "--quiet"]).finish()
        #expect(ingest.status == 0)
        #expect(ingest.stderr.hasPrefix("ingested \(workspace.fullTraces.count) traces into \(ingested)"), "\(ingest.stderr)")
        let captured = workspace.directory.path("captured.sqlite")
        let capture = try DeepProvProcess(["capture", "--model", workspace.model, "--inputs", workspace.inputs, "--db", captured, "--resolution", "summary", "--quiet"]).finish()
        #expect(capture.status == 0, "\(capture.stderr)")
        #expect(capture.stderr.contains("stored \(workspace.fullTraces.count) new traces in \(captured)"))
        // from the stream or straight from the capture, a store holds the same node values
        for layer in header.topology.layers {
            let query = "from traces | nodes of layer \(layer.index)"
            #expect(try deepProvOutput(["query", "--db", ingested, "--format", "csv", query]) == deepProvOutput(["query", "--db", captured, "--format", "csv", query]))
        }
        // one resolution per layer and model: a full stream of the same model is refused
        let full = workspace.directory.path("full.ipgz")
        let layer = try #require(header.topology.layers.first { header.resolutions[$0.index] == .summary })
        let refused = try DeepProvProcess(["ingest", "--db", ingested, full, "--quiet"]).finish()
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: \(full): layer \(layer.index) (\(layer.name)) is kept at full resolution, but \(ingested) keeps this model's traces with it at summary resolution (one resolution per layer and model: capture with --resolution matching the store's, or use another store)\n")
    }
}
