import Foundation
import IPG
import Store
import Testing
import TestSupport

/// `deepprov characterize` from outside: the JSON's shape and values (recomputed from the
/// captured traces), progress on standard error, the table, the page in headless Chromium,
/// and its refusals (exit status and standard error).
@Suite struct CharacterizeCommandTests {
    /// 60 traces of the 6-5-3 fixture MLP: 30 clean, 30 noisy with clean parents.
    private func store(in directory: TemporaryDirectory) throws -> (path: String, traces: [Trace]) {
        let path = directory.path("store.sqlite")
        try StoreFixtures.store(at: path, count: 60, seed: 9, tags: ["clean", "noisy"])
        return (path, try StoreFixtures.traces(count: 60, seed: 9, tags: ["clean", "noisy"]).1)
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(["characterize"] + arguments).finish()
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func jsonCarriesBothSetsTheirDifferencesAndThePairing() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try store(in: directory)
        let (stdout, stderr, status) = try run(["--db", database, "--a", "noisy", "--b", "clean", "--format", "json", "--top", "3"])
        #expect(status == 0, "\(stderr)")
        let progress = stderr.split(separator: "\n")
        #expect(!progress.isEmpty && progress.allSatisfy { $0.hasPrefix("characterize: ") }, "progress only: \(stderr)")
        #expect(stderr.contains("layer 2: nodes against their parents"))
        let report = try json(stdout)
        #expect(report["a"] as? String == "noisy" && report["b"] as? String == "clean" && report["paired"] as? Bool == true)
        #expect(report["edges_per_layer"] as? Int == 3)
        let layers = try #require(report["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["layer"] as? Int } == [1, 2])
        let last = try #require(layers.last)
        #expect(last["paired_distance"] is [String: Any] && (last["edges"] as? [Any])?.count == 3)
        let nodes = try #require(last["nodes"] as? [[String: Any]])
        #expect(nodes.count == 3)
        for node in nodes {
            let index = try #require(node["node"] as? Int)
            let mean = try #require(node["mean"] as? [String: Any])
            let expected = { (tag: String) in
                let values = traces.filter { $0.metadata.tag == tag }.map { Double($0.layerValues[2][index]) }
                return values.reduce(0, +) / Double(values.count)
            }
            let (a, b) = (try #require(mean["a"] as? Double), try #require(mean["b"] as? Double))
            #expect(abs(a - expected("noisy")) < 1e-6 && abs(b - expected("clean")) < 1e-6 && abs((mean["diff"] as? Double ?? .nan) - (a - b)) < 1e-9)
            #expect(Set(node.keys).isSuperset(of: ["freq", "stddev", "min", "max", "dispersion", "effect", "paired"]), "\(node.keys)")
            #expect((node["paired"] as? [String: Any])?["distance"] is Double)
        }
    }

    @Test func withoutParentsThePairedMeasuresAreAbsentAndTheReportSaysWhy() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try store(in: directory)
        let (stdout, stderr, status) = try run(["--db", database, "--a", "clean", "--b", "noisy", "--format", "json", "--quiet"])
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let report = try json(stdout)
        #expect(report["paired"] as? Bool == false)
        #expect((report["pairing"] as? String)?.contains("no trace of 'clean' has a parent") == true)
        #expect(!stdout.contains("paired_distance") && !stdout.contains("\"paired\" : {"))

        let (table, tableStderr, tableStatus) = try run(["--db", database, "--a", "clean", "--b", "noisy", "--quiet"])
        #expect(tableStatus == 0 && tableStderr.isEmpty, "\(tableStderr)")
        #expect(table.contains("not paired: no trace of 'clean' has a parent") && table.contains("layer 1 (") && table.contains("nodes whose mean differs most"))
        #expect(!table.contains("distance from the parent"))
    }

    @Test func badTagsLayersAndOptionsAreRefusedOnStandardError() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try store(in: directory)
        for (arguments, message) in [
            (["--a", "nosy", "--b", "clean"], "Error: no traces with tag 'nosy'; did you mean 'noisy'? (the store has 'clean', 'noisy')"),
            (["--a", "noisy", "--b", "clean", "--layers", "1,7"], "Error: no layer 7: model '"),
            (["--a", "noisy", "--b", "clean", "--layers", "one"], "Error: --layers: 'one' is not a layer number (expected e.g. 1,2)"),
            (["--a", "noisy", "--b", "clean", "--top=-1"], "Error: --top: -1 is negative"),
        ] {
            let (stdout, stderr, status) = try run(["--db", database] + arguments)
            #expect(status != 0 && stdout.isEmpty, "\(arguments): \(status) \(stdout)")
            // Progress lines may come before the error (and a usage note after an option's).
            let error = stderr.split(separator: "\n").first { !$0.hasPrefix("characterize: ") }
            #expect(error?.hasPrefix(message) == true, "\(arguments): \(stderr)")
        }
    }

    @Test func thePageRendersInHeadlessChromiumWithoutComplaint() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try store(in: directory)
        let page = directory.path("characterization.html")
        let (stdout, stderr, status) = try run(["--db", database, "--a", "noisy", "--b", "clean", "--html", page, "--quiet"])
        #expect(status == 0 && stderr.isEmpty && stdout.contains("layer 2 ("), "\(stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained, nothing fetched")
        // Per layer: four histograms (node means and frequencies, entropy and active nodes per
        // trace), a heat map (5 nodes × 3 rows in layer 1) and the divergent nodes' bars.
        #expect(html.components(separatedBy: "<svg").count - 1 == 2 * 6)
        #expect(html.contains("entropy per trace (bits): a (blue) and b (orange), traces per bin"))
        #expect(html.contains("Layer 1 (") && html.contains("Layer 2 (") && html.contains("Edges whose mean contribution differs most"))
        #expect(html.components(separatedBy: "<title>1:").count - 1 >= 5 * 3, "a heat-map cell per node and row")
        let probe = try #require(try HeadlessChromium.probe(html, in: directory), "the probe ran")
        #expect(probe.svgs == 12 && probe.sized == probe.svgs, "every SVG has a size: \(probe.sized) of \(probe.svgs)")
        #expect(!probe.log.contains("CONSOLE"), "console: \(probe.log)")
    }
}
