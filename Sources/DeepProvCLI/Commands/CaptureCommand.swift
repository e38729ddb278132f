import ArgumentParser
import Engine
import Foundation
import IPG
import Store

/// `deepprov capture`: run a model over inputs and write one IPG trace per input.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Run a model on inputs and record each input's Inference Provenance Graph.")

    @OptionGroup var source: ModelInputOptions

    @Option(help: "Tag for the traces (e.g. clean, fgsm).")
    var tag: String = "clean"

    @Option(help: "The trace stream to write (.ipgz); - for standard output.")
    var out: String?

    @Option(help: "A store to load the traces into (with or without --out).")
    var db: String?

    @Option(help: "Parent input index per input (adversarial inputs: the clean input each came from).")
    var parents: String?

    @Option(help: "Tag of the parents' traces.")
    var parentTag: String = "clean"

    @Option(name: .customLong("threshold"), help: "Activity threshold per activation, e.g. relu=1e-5 (repeatable; default 0).")
    var thresholds: [ThresholdOption] = []

    @Option(name: .customLong("attribute"), help: "A key=value recorded with every trace (repeatable).")
    var attributes: [KeyValueOption] = []

    @Option(help: "Stored precision of node values: float32 (exact) or float16 (half the size).")
    var precision: ValueEncoding = .float32

    @Flag(help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard !tag.isEmpty else { throw ValidationError("--tag must not be empty") }
        guard out != nil || db != nil else { throw ValidationError("give --out, --db or both") }
        guard !(out == "-" && db != nil) else { throw ValidationError("--out - cannot be combined with --db") }
    }

    func run() throws {
        // A store that cannot be written is refused before the capture starts.
        let store = try db.map { try ProvenanceStore(path: $0) }
        let (session, dataset) = try source.load()
        let parentIndices = try parents.map { try DatasetLoader.loadIntegers(path: $0) }
        if let parentIndices, parentIndices.count < dataset.count {
            throw ValidationError("\(parents!): \(parentIndices.count) parent indices for \(dataset.count) inputs")
        }
        let sampleShape = Array(dataset.features.shape.dropFirst())
        let capture = try ProvenanceCapture(session: session, sampleShape: sampleShape, thresholds: thresholds.thresholds)
        let header = StreamHeader(
            topology: capture.topology, valueEncoding: precision,
            attributes: [
                KeyValue("producer", "deepprov \(DeepProvVersion.current)"),
                KeyValue("model", source.model), KeyValue("inputs", source.data.inputs),
                KeyValue("scale", "\(source.data.scale)"), KeyValue("shift", "\(source.data.shift)"),
            ])
        let writer = try out.map { try TraceStreamWriter(path: $0, header: header) }
        // Traces go into the store from memory as they are captured: no stream is written and read back.
        let ingestion = try store.map { try $0.beginIngest(sources: "capture of \(source.data.inputs) with \(source.model)", batchSize: 2000) }
        do {
            try ingestion?.beginModel(capture.topology, encoding: precision, source: source.model, onnx: try Data(contentsOf: URL(fileURLWithPath: source.model)))
        } catch {
            ingestion?.fail(error)
            throw error
        }
        let progress = ProgressReporter(label: "capture", total: dataset.count, quiet: quiet)
        let batchSize = source.effectiveBatchSize(for: session)
        var correct = 0
        var start = 0
        do {
            while start < dataset.count {
                let end = min(start + batchSize, dataset.count)
                let samples = (start..<end).map { index in
                    SampleDescription(
                        inputIndex: index, trueLabel: dataset.labels?[index], tag: tag,
                        parent: parentIndices.map { TraceReference(tag: parentTag, inputIndex: $0[index]) },
                        attributes: attributes.map(\.pair))
                }
                for trace in try capture.capture(dataset.features.batchSlice(start..<end), samples: samples) {
                    if trace.metadata.trueLabel == trace.metadata.predictedLabel { correct += 1 }
                    try writer?.append(trace)
                    try ingestion?.add(trace)
                }
                start = end
                progress.update(done: start)
            }
        } catch {
            ingestion?.fail(error)
            throw error
        }
        let written = try writer?.finish()
        let ingested = try ingestion?.finish()
        progress.finish()
        let seconds = progress.elapsed
        var line = "captured \(dataset.count) traces (tag \(tag)) in \(String(format: "%.2f", seconds)) s"
        line += " (\(Int(Double(dataset.count) / max(seconds, 1e-9))) traces/s)"
        if dataset.labels != nil {
            line += ", accuracy \(percent(Double(correct) / Double(max(dataset.count, 1))))"
        }
        line += "; \(capture.topology.layers.count) layers, \(capture.topology.nodeCount) nodes"
        if let out, let written { line += "; wrote \(out) (\(written.bytesWritten) bytes, \(written.bytesWritten / max(dataset.count, 1)) bytes/trace)" }
        var lines = [line]
        if let db, let ingested {
            lines.append("stored \(ingested.tracesAdded) new traces in \(db) (\(ingested.tracesSkipped) already there)")
            lines += ingested.warnings
        }
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}

extension ValueEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "float32": self = .float32
        case "float16": self = .float16
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["float32", "float16"] }
}
