import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// `deepprov forensics --html F` in a real browser: Debian's Chromium, headless and offline,
/// loads the page; every SVG has a non-zero size and the console stays silent (the page has
/// no script of its own, so any console line is a complaint).
@Suite struct ForensicsPageTests {
    /// A 4 × 4 "image" model (16 inputs, 6 ReLU units, 3 classes): 40 clean inputs and 40
    /// shifted copies with their clean parents.
    private func imageStore(in directory: TemporaryDirectory) throws -> String {
        var builder = GraphBuilder(inputShape: [nil, 16])
        var generator = SeededGenerator(seed: 31)
        builder.weights("w1", shape: [6, 16], (0..<96).map { _ in generator.nextGaussian() })
        let hidden = builder.node("Relu", [builder.node("Gemm", ["x", "w1"], name: "fc1", attributes: ["transB": .int(1)])])
        builder.weights("w2", shape: [3, 6], (0..<18).map { _ in generator.nextGaussian() })
        let logits = builder.node("Gemm", [hidden, "w2"], name: "fc2", attributes: ["transB": .int(1)])
        let capture = try ProvenanceCapture(session: InferenceSession(model: builder.model(output: logits)), sampleShape: [16])
        let clean = (0..<640).map { _ in generator.nextGaussian() }
        let labels = try capture.capture(Tensor(shape: [40, 16], values: clean), samples: (0..<40).map {
            SampleDescription(inputIndex: $0, trueLabel: nil, tag: "probe")
        }).map(\.metadata.predictedLabel)
        var traces = try capture.capture(Tensor(shape: [40, 16], values: clean),
                                         samples: (0..<40).map { SampleDescription(inputIndex: $0, trueLabel: labels[$0], tag: "clean") })
        traces += try capture.capture(Tensor(shape: [40, 16], values: clean.map { $0 + 0.8 * generator.nextGaussian() }), samples: (0..<40).map {
            SampleDescription(inputIndex: $0, trueLabel: labels[$0], tag: "shift", parent: TraceReference(tag: "clean", inputIndex: $0))
        })
        return try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory)
    }

    @Test func thePageRendersInHeadlessChromiumWithoutComplaint() throws {
        let directory = try TemporaryDirectory()
        let database = try imageStore(in: directory)
        let wrong = try ProvenanceStore(path: database, access: .readOnly).run(
            sql: "SELECT id FROM traces WHERE tag = 'shift' AND predicted_label <> true_label ORDER BY id LIMIT 1", arguments: [])
        let id = try #require(wrong.rows.first?.first?.number.map { Int($0) }, "some shifted input is misclassified")
        let page = directory.path("page.html")
        let run = try DeepProvProcess(["forensics", "--db", database, "--trace", "\(id)", "--html", page], environment: [:])
        let (_, stderr, status) = try run.finish()
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained, nothing fetched")
        // Two 4 × 4 heat maps (predicted and true class) and the parent's three pictures at least.
        #expect(html.components(separatedBy: "<svg").count - 1 >= 1 + 2 + 1 + 3)
        #expect(html.contains("total flow into class") && html.contains("Beside its clean parent"))

        // The browser measures every SVG; a probe appended for the test writes what it found.
        let probe = directory.path("probe.html")
        try html.replacingOccurrences(of: "</body>", with: """
            <script>
            const sizes = Array.from(document.querySelectorAll('svg')).map(s => { const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? 1 : 0 });
            document.body.setAttribute('data-svgs', sizes.length + '/' + sizes.reduce((a, b) => a + b, 0));
            </script></body>
            """).write(toFile: probe, atomically: true, encoding: .utf8)
        let (dom, log) = try Self.chromium(["--dump-dom", URL(fileURLWithPath: probe).absoluteString])
        let found = try #require(dom.firstMatch(of: /data-svgs="(\d+)\/(\d+)"/), "the probe ran: \(log)")
        #expect(Int(found.1)! >= 7 && found.1 == found.2, "every SVG has a size: \(found.0)")
        #expect(!log.contains("CONSOLE"), "console: \(log)")
    }

    /// Runs headless Chromium (installed by scripts/setup) offline; its standard output and
    /// its log (standard error).
    private static func chromium(_ arguments: [String]) throws -> (String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        let home = try TemporaryDirectory()
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--proxy-server=127.0.0.1:9", "--user-data-dir=\(home.path("profile"))"] + arguments
        // The log goes to a file, so that neither stream can fill its pipe while the other is read.
        let output = Pipe(), log = home.path("log.txt")
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), try String(contentsOfFile: log, encoding: .utf8))
    }
}
