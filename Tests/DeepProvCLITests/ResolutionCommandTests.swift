import Foundation
import IPG
import Testing
import TestSupport

/// `capture --resolution`: summaries equal numpy's channel mean, max and share active of the
/// full maps (read by the spec-only Python reader); a Flatten left to be derived reads back bit
/// for bit; export says which edges a summary cannot give; bad values are refused. Stores of
/// such streams: `ResolutionStoreCommandTests`.
@Suite struct ResolutionCommandTests {
    /// A fixture captured at full and at summary resolution.
    struct Captures {
        let directory: TemporaryDirectory
        let full: String
        let summary: String
        let model: String
        let inputs: String

        init(_ fixtureName: String) throws {
            directory = try TemporaryDirectory()
            let fixture = FixturePaths.onnxFixture(fixtureName)
            model = fixture.appendingPathComponent("model.onnx").path
            inputs = fixture.appendingPathComponent("input.npy").path
            full = directory.path("full.ipgz")
            summary = directory.path("summary.ipgz")
            _ = try deepProvOutput(["capture", "--model", model, "--inputs", inputs, "--out", full, "--resolution", "full", "--quiet"])
            _ = try deepProvOutput(["capture", "--model", model, "--inputs", inputs, "--out", summary, "--resolution", "summary", "--quiet"])
        }

        func capture(_ arguments: [String]) throws -> (stderr: String, status: Int32) {
            let process = try DeepProvProcess(["capture", "--model", model, "--inputs", inputs, "--quiet"] + arguments)
            let (_, stderr, status) = try process.finish()
            return (stderr, status)
        }
    }

    static func read(_ path: String) throws -> (StreamHeader, [Trace]) {
        let reader = try TraceStreamReader(path: path)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        return (reader.header, traces)
    }

    /// Within one float32 step of `reference` (numpy sums in another order before rounding).
    static func withinOneStep(_ value: Float, _ reference: Double) -> Bool {
        let expected = Float(reference)
        return value == expected || value == expected.nextUp || value == expected.nextDown
    }

    @Test(arguments: ["cnn2d", "resnet_cifar"])
    func summariesEqualNumpyOfTheFullMaps(fixture: String) throws {
        let captures = try Captures(fixture)
        let (header, traces) = try Self.read(captures.summary)
        let summarised = header.topology.layers.filter { header.resolutions[$0.index] == .summary }
        #expect(!summarised.isEmpty)
        #expect(summarised.allSatisfy { $0.nodeSize > LayerSummary.valuesPerNode }, "only channel layers are summarised")
        let result = try PythonScript.run("fixtures/summarise_ipgz.py", arguments: [captures.full])
        #expect(result.status == 0, "\(result.errorOutput)")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let referenceTraces = try #require(reference["traces"] as? [[String: Any]])
        #expect(referenceTraces.count == traces.count)
        for (trace, expected) in zip(traces, referenceTraces) {
            let layers = try #require(expected["layers"] as? [[[Double]]])
            for layer in summarised {
                let summary = try #require(trace.summaries[layer.index])
                #expect(trace.layerValues[layer.index].isEmpty)
                let (means, maxima, shares) = (layers[layer.index][0], layers[layer.index][1], layers[layer.index][2])
                for node in 0..<layer.nodeCount {
                    #expect(Self.withinOneStep(summary.means[node], means[node]), "\(layer.name) node \(node): mean \(summary.means[node]) vs numpy \(means[node])")
                    #expect(summary.maxima[node] == Float(maxima[node]), "\(layer.name) node \(node): max")
                    #expect(summary.activeShares[node] == Float(shares[node]), "\(layer.name) node \(node): share active")
                }
            }
        }
        // the spec-only reader reads the summary stream's summaries as DeepProv does
        let spec = try PythonScript.run("fixtures/read_ipgz.py", arguments: [captures.summary])
        #expect(spec.status == 0, "\(spec.errorOutput)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(spec.output.utf8)) as? [String: Any])
        #expect(decoded["resolutions"] as? [String] == header.resolutions.map(\.rawValue))
        let specTraces = try #require(decoded["traces"] as? [[String: Any]])
        for (trace, specTrace) in zip(traces, specTraces) {
            let summaries = try #require(specTrace["summaries"] as? [String: [[Double]]])
            for layer in summarised {
                let stored = try #require(summaries["\(layer.index)"])
                let summary = try #require(trace.summaries[layer.index])
                #expect(stored[0].map { Float($0) } == summary.means && stored[1].map { Float($0) } == summary.maxima)
            }
        }
    }

    @Test func aDerivedFlattenReadsBackBitForBit() throws {
        let captures = try Captures("resnet_cifar")
        let (fullHeader, fullTraces) = try Self.read(captures.full)
        let (header, traces) = try Self.read(captures.summary)
        let derived = fullHeader.topology.layers.filter { header.resolutions[$0.index] == .derived }
        #expect(derived.map(\.kind) == [.reshape], "the Flatten after the average pool")
        for (full, reduced) in zip(fullTraces, traces) {
            for layer in derived {
                #expect(reduced.layerValues[layer.index].map(\.bitPattern) == full.layerValues[layer.index].map(\.bitPattern))
            }
            // layers kept full come back as captured
            for layer in fullHeader.topology.layers where header.resolutions[layer.index] == .full {
                #expect(reduced.layerValues[layer.index] == full.layerValues[layer.index])
            }
        }
        let bytes = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
        #expect(try bytes(captures.summary) < bytes(captures.full))
    }

    @Test func exportFromASummaryStreamSaysWhichEdgesItLeavesOut() throws {
        let captures = try Captures("cnn2d")
        let (header, traces) = try Self.read(captures.summary)
        let process = try DeepProvProcess(["export", "--stream", captures.summary, "--input", "0", "--format", "node-link"])
        let (json, stderr, status) = try process.finish()
        #expect(status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let graph = try #require(object["graph"] as? [String: Any])
        let underived = try #require(graph["underived_edges"] as? [[String: Any]])
        let summarised = Set(header.topology.layers.filter { header.resolutions[$0.index] == .summary }.map(\.index))
        // every source → target pair touching a summarised layer is listed, and warned about
        let expectedPairs = header.topology.layers.flatMap { layer in
            layer.sources.filter { summarised.contains($0.layer) || summarised.contains(layer.index) }.map { [$0.layer, layer.index] }
        }
        #expect(underived.map { [$0["source_layer"] as! Int, $0["target_layer"] as! Int] } == expectedPairs)
        // one warning per summarised layer, naming it and its edges
        let warnings = stderr.split(separator: "\n").map(String.init)
        #expect(warnings.count == summarised.count)
        for (line, index) in zip(warnings, summarised.sorted()) {
            let pairs = expectedPairs.filter { $0.contains(index) && (summarised.contains($0[0]) ? $0[0] : $0[1]) == index }.map { "\($0[0])→\($0[1])" }
            #expect(line == "warning: layer \(index) (\(header.topology.layers[index].name)) is kept at summary resolution (per-node mean, max and share active): its edges \(pairs.joined(separator: ", ")) are left out of the IPG")
        }
        let links = try #require(object["links"] as? [[String: Any]])
        let layerOf = { (id: Any) in Int(String(describing: id).split(separator: ":")[0])! }
        #expect(links.allSatisfy { !summarised.contains(layerOf($0["source"]!)) && !summarised.contains(layerOf($0["target"]!)) })
        // summarised nodes: value is the mean, active exactly when the share active is above 0
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        for layer in summarised {
            let summary = try #require(traces[0].summaries[layer])
            let exported = nodes.filter { $0["layer"] as? Int == layer }
            #expect(exported.map { $0["index"] as! Int } == summary.activeNodes.indices.filter { summary.activeNodes[$0] })
            for node in exported {
                #expect(Float((node["value"] as! NSNumber).doubleValue) == summary.means[node["index"] as! Int])
                #expect(node["resolution"] as? String == "summary")
            }
        }
    }

    @Test func autoKeepsSmallModelsFullAndSummarisesTheLargestLayersPastTheBudget() throws {
        let captures = try Captures("resnet_cifar")
        let auto = captures.directory.path("auto.ipgz")
        #expect(try captures.capture(["--out", auto]).status == 0)
        let (autoHeader, _) = try Self.read(auto)
        #expect(autoHeader.isFullResolution, "under 100,000 values per trace every layer stays full")
        let tight = captures.directory.path("tight.ipgz")
        let run = try captures.capture(["--out", tight, "--value-budget", "6000"])
        #expect(run.status == 0)
        let (header, _) = try Self.read(tight)
        let layers = header.topology.layers
        let total = layers.reduce(0) { $0 + $1.valueCount }
        let stored = layers.reduce(0) { $0 + header.resolutions[$1.index].storedValueCount(of: $1) }
        #expect(total > 6000 && stored <= 6000)
        // nothing smaller is summarised while a larger candidate stays full
        let summarisedSizes = layers.filter { header.resolutions[$0.index] == .summary }.map(\.valueCount)
        let fullCandidates = layers.filter { $0.index > 0 && $0.nodeSize > 3 && header.resolutions[$0.index] == .full }.map(\.valueCount)
        #expect(!summarisedSizes.isEmpty)
        #expect((fullCandidates.max() ?? 0) <= summarisedSizes.min()!)
        #expect(run.stderr.contains("resolution: ") && run.stderr.contains("of \(total) values stored per trace"))
    }

    @Test(arguments: [
        (["--resolution", "most"], "Error: --resolution: 'most' does not start with a policy (auto, full, summary)"),
        (["--resolution", "auto,conv1"], "Error: --resolution: 'conv1' is not LAYER=RESOLUTION (a layer name or index; full, summary, derived)"),
        (["--resolution", "full,conv1=half"], "Error: --resolution: 'conv1=half' is not LAYER=RESOLUTION (a layer name or index; full, summary, derived)"),
        (["--value-budget", "0"], "Error: --value-budget must be at least 1, got 0"),
    ])
    func badResolutionValuesAreRefusedBeforeCapture(arguments: [String], message: String) throws {
        let captures = try Captures("cnn2d")
        let out = captures.directory.path("bad.ipgz")
        let run = try captures.capture(["--out", out] + arguments)
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix(message + "\n"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func layerChoicesTheModelCannotHaveAreRefusedNamingTheLayer() throws {
        let captures = try Captures("resnet_cifar")
        let (header, _) = try Self.read(captures.full)
        let conv = try #require(header.topology.layers.first { $0.kind == .conv })
        let flatten = try #require(header.topology.layers.first { $0.kind == .reshape })
        let pool = header.topology.layers[flatten.source!]
        let cases: [([String], String)] = [
            (["--resolution", "auto,nosuch=full"], "Error: --resolution: no layer 'nosuch' in resnet_cifar"),
            (["--resolution", "full,\(conv.name)=derived"], "Error: --resolution: layer \(conv.index) (\(conv.name)): only a Flatten or Reshape without an activation can be derived from its source, this is a conv layer"),
            (["--resolution", "full,\(pool.index)=summary,\(flatten.name)=derived"], "Error: --resolution: layer \(flatten.index) (\(flatten.name)) cannot be derived: its source, layer \(pool.index) (\(pool.name)), is kept at summary resolution"),
            (["--resolution", "full,0=summary"], "Error: --resolution: layer 0 (\(header.topology.layers[0].name)): the model input is always kept at full resolution"),
        ]
        for (arguments, message) in cases {
            let out = captures.directory.path("bad.ipgz")
            let run = try captures.capture(["--out", out] + arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
