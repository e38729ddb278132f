import Foundation
import IPG
import Store
import Testing
import TestSupport

/// `deepprov forensics` from outside: the JSON contract's fields and values (recomputed from
/// the captured traces), the text report, the REPL's `.forensics`, and its refusals (exit
/// status and standard error).
@Suite struct ForensicsCommandTests {
    /// 60 traces of the 6-5-3 fixture MLP: clean, and noisy ones with clean parents.
    private func store(in directory: TemporaryDirectory) throws -> (path: String, traces: [Trace]) {
        let path = directory.path("store.sqlite")
        try StoreFixtures.store(at: path, count: 60, seed: 9, tags: ["clean", "noisy"])
        return (path, try StoreFixtures.traces(count: 60, seed: 9, tags: ["clean", "noisy"]).1)
    }

    private func run(_ arguments: [String], input: String = "") throws -> (stdout: String, stderr: String, status: Int32) {
        let process = try DeepProvProcess(arguments, environment: ["DEEPPROV_HISTORY": ""])
        process.write(input)
        return try process.finish()
    }

    @Test func jsonFollowsTheContract() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try store(in: directory)
        let trace = try #require(traces.first { $0.metadata.tag == "noisy" && $0.metadata.trueLabel != $0.metadata.predictedLabel })
        let (stdout, stderr, status) = try run(["forensics", "--db", database, "--tag", "noisy", "--input", "\(trace.metadata.inputIndex)", "--format", "json"])
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let id = try #require(report["trace"] as? Int)
        let stored = try ProvenanceStore(path: database, access: .readOnly).run(sql: "SELECT tag, input_index FROM traces WHERE id = ?", arguments: [.integer(Int64(id))])
        #expect(stored.rows.first == [.text("noisy"), .integer(Int64(trace.metadata.inputIndex))])
        #expect(report["label"] as? Int == trace.metadata.trueLabel && report["predicted"] as? Int == trace.metadata.predictedLabel)
        let logits = trace.layerValues[2].map(Double.init)
        let runnerUp = logits.indices.filter { $0 != trace.metadata.predictedLabel }.max { logits[$0] < logits[$1] }!
        #expect(report["runner_up"] as? Int == runnerUp)
        let margin = try #require(report["margin"] as? Double)
        #expect(abs(margin - (logits[trace.metadata.predictedLabel] - logits[runnerUp])) < 1e-9)
        #expect(abs((report["confidence"] as? Double ?? 0) - Double(trace.metadata.confidence)) < 1e-7)

        let paths = try #require(report["paths"] as? [[String: Any]])
        let classes = Set(paths.compactMap { $0["class"] as? Int })
        #expect(classes == [trace.metadata.predictedLabel, trace.metadata.trueLabel!])
        for path in paths {
            let nodes = try #require(path["nodes"] as? [String])
            #expect(nodes.map { $0.split(separator: ":").first.map(String.init) } == ["2", "1", "0"], "\(nodes)")
            #expect(nodes.first == "2:\(path["class"] as? Int ?? -1)" && path["flow"] is Double)
        }
        let outliers = try #require(report["outliers"] as? [[String: Any]])
        #expect(!outliers.isEmpty && outliers.allSatisfy { Set($0.keys).isSuperset(of: ["layer", "node", "value", "z"]) && $0["layer"] as? Int == 1 })
        let nearest = try #require(report["nearest"] as? [String: Any])
        #expect(nearest["layer"] as? Int == 1)
        for (key, label) in [("true_class", trace.metadata.trueLabel!), ("predicted_class", trace.metadata.predictedLabel)] {
            let list = try #require(nearest[key] as? [[String: Any]], "\(key)")
            let correct = traces.filter { $0.metadata.trueLabel == label && $0.metadata.predictedLabel == label }.count
            #expect(list.count == min(5, correct) && list.allSatisfy { $0["trace"] is Int && $0["distance"] is Double }, "\(key)")
        }
        let parent = try #require(report["parent"] as? [String: Any])
        let parentRow = try ProvenanceStore(path: database, access: .readOnly).run(
            sql: "SELECT id FROM traces WHERE tag = 'clean' AND input_index = ?", arguments: [.integer(Int64(trace.metadata.inputIndex - 1))])
        #expect(parent["trace"] as? Int == Int(parentRow.rows.first?.first?.number ?? -1))
        #expect((parent["layers"] as? [[String: Any]])?.count == 3 && parent["distance"] is Double)
    }

    @Test func textAndTheReplTellTheSameTrace() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try store(in: directory)
        let text = try run(["forensics", "--db", database, "--trace", "2"])
        #expect(text.status == 0 && text.stderr.isEmpty, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("trace 2: input 1 of tag 'noisy'\n"), "\(text.stdout)")
        #expect(text.stdout.contains("\nclean parent: trace 1,"))
        let repl = try run(["repl", "--db", database], input: ".forensics 2\n.forensics two\n.forensics 999\n")
        #expect(repl.stdout.contains(text.stdout), "\(repl.stdout)")
        #expect(repl.stderr == "usage: .forensics TRACE_ID\nno trace with id 999 in \(database)\n", "\(repl.stderr)")
    }

    @Test func refusalsSayWhatIsWrong() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try store(in: directory)
        let missing = directory.path("typo.sqlite")
        let cases: [([String], String)] = [
            (["--db", missing, "--trace", "1"], "Error: \(missing): no such store\n"),
            (["--db", database, "--trace", "999"], "Error: no trace with id 999 in \(database)\n"),
            (["--db", database, "--tag", "clean", "--input", "500"], "Error: no trace of input 500 with tag 'clean' in \(database)\n"),
            (["--db", database, "--trace", "1", "--clean", "benign"], "Error: no traces with tag 'benign' to compare with (the store has 'clean', 'noisy')\n"),
            (["--db", database, "--trace", "1", "--layer", "9"], "Error: no layer 9: the model has layers 0 to 2\n"),
            (["--db", database, "--trace", "1", "--tag", "clean", "--input", "0"], "Error: give --trace ID or --tag T --input K, not both\n"),
            (["--db", database, "--tag", "clean"], "Error: --tag needs --input K (or give --trace ID)\n"),
            (["--db", database], "Error: say which trace: --trace ID, or --tag T --input K\n"),
            (["--db", database, "--trace", "1", "--format", "xml"], "Error: The value 'xml' is invalid for '--format <format>'"),
            (["--db", database, "--trace", "1", "--html", directory.path("no/such/folder/page.html")],
             "Error: \(directory.path("no/such/folder/page.html")): cannot write: No such file or directory\n"),
        ]
        for (arguments, message) in cases {
            let (stdout, stderr, status) = try run(["forensics"] + arguments)
            #expect(status != 0 && stdout.isEmpty, "\(arguments)")
            #expect(stderr.hasPrefix(message), "\(arguments): \(stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
