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

        // The browser measures every SVG.
        let probe = try #require(try HeadlessChromium.probe(html, in: directory), "the probe ran")
        #expect(probe.svgs >= 7 && probe.svgs == probe.sized, "every SVG has a size: \(probe.sized) of \(probe.svgs)")
        #expect(!probe.log.contains("CONSOLE"), "console: \(probe.log)")
    }
}
