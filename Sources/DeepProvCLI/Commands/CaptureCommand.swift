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

    @Option(help: "A store to load the traces into (with or without --out): an SQLite file, or clickhouse://HOST:PORT/DATABASE[?cluster=NAME].")
    var db: String?

    @Option(help: "Parent input index per input (adversarial inputs: the clean input each came from).")
    var parents: String?

    @Option(help: "Tag of the parents' traces.")
    var parentTag: String = "clean"

    @Option(name: .customLong("threshold"), help: "Activity threshold per activation, e.g. relu=1e-5 (repeatable; default 0).",
            transform: ThresholdOption.init(parsing:))
    var thresholds: [ThresholdOption] = []

    @Option(name: .customLong("attribute"), help: "A key=value recorded with every trace (repeatable).", transform: KeyValueOption.init(parsing:))
    var attributes: [KeyValueOption] = []

    @Option(help: "Stored precision of node values: float32 (exact) or float16 (half the size).")
    var precision: ValueEncoding = .float32

    @Option(help: ArgumentHelp(
        "How each layer is kept: auto (full maps while a trace's values fit --value-budget; past it, Flatten/Reshape copies derived on reading and the largest layers summarised until it fits), full (exact maps), or summary (per-channel mean, max and share active); then optional LAYER=full|summary|derived overrides by layer name or index.",
        valueName: "policy[,layer=resolution...]"))
    var resolution: String = "auto"

    @Option(help: "Stored values per trace under which --resolution auto keeps every layer full.")
    var valueBudget: Int = ResolutionChoice.defaultValueBudget

    @Flag(help: "No progress display.")
    var quiet = false

    @Option(help: "Seconds to wait while another ingest holds a tag of the same model (ClickHouse: one batch's claim) before giving up (with --db).")
    var busyTimeout: Double = 600

    func validate() throws {
        guard valueBudget >= 1 else { throw ValidationError("--value-budget must be at least 1, got \(valueBudget)") }
        do { _ = try resolutionChoice() } catch { throw ValidationError("--resolution: \(error)") }
        guard !tag.isEmpty else { throw ValidationError("--tag must not be empty") }
        guard out != nil || db != nil else { throw ValidationError("give --out, --db or both") }
        guard !(out == "-" && db != nil) else { throw ValidationError("--out - cannot be combined with --db") }
        guard busyTimeout >= 0 else { throw ValidationError("--busy-timeout must not be negative") }
    }

    func run() throws {
        let (session, onnx) = try source.loadSessionAndBytes()
        let samples = try source.data.open()
        let parentInputs = try parents.map { path in
            ParentInputs(indices: try DatasetLoader.loadIntegers(path: path), tag: parentTag, source: path)
        }
        let capture = try CaptureRun(
            session: session, samples: samples,
            metadata: CaptureMetadata(tag: tag, attributes: attributes.map(\.pair), parents: parentInputs),
            thresholds: thresholds.thresholds, batchSize: source.batchSize)
        // After the checks a capture makes before its first trace, before the model runs: a
        // file that is not a store is refused without running it.
        let resolutions: [LayerResolution]
        do { resolutions = try resolutionChoice().resolutions(for: capture.topology) } catch {
            throw ResolutionChoiceError("--resolution: \(error)")
        }
        let store = try db.map { try openBackend($0, access: .readWrite) }
        if let store { setWaiting(of: store, busyTimeout: busyTimeout, onWaiting: waitingMessages(quiet: quiet)) }
        let header = StreamHeader(
            topology: capture.topology, valueEncoding: precision,
            attributes: [
                KeyValue("producer", "deepprov \(DeepProvVersion.current)"),
                KeyValue("model", source.model), KeyValue("inputs", source.data.inputs),
                KeyValue("scale", "\(source.data.scale)"), KeyValue("shift", "\(source.data.shift)"),
            ],
            resolutions: resolutions)
        if let note = Self.resolutionNote(capture.topology, resolutions) {
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
        let progress = ProgressReporter(label: "capture", total: samples.count, quiet: quiet)
        let outcome = try run(capture, header: header, store: store, onnx: onnx, progress: progress)
        progress.finish()
        let summary = outcome.capture
        let count = summary.traceCount, seconds = outcome.seconds
        var line = "captured \(count) traces (tag \(tag)) in \(String(format: "%.2f", seconds)) s"
        line += " (\(Int(Double(count) / max(seconds, 1e-9))) traces/s)"
        if let accuracy = summary.accuracy { line += ", accuracy \(percent(accuracy))" }
        line += "; \(capture.topology.layers.count) layers, \(capture.topology.nodeCount) nodes"
        if let out, let written = outcome.written {
            line += "; wrote \(out) (\(written.bytesWritten) bytes, \(written.bytesWritten / count) bytes/trace)"
        }
        var lines = [line]
        if let db, let ingested = outcome.ingested {
            lines.append("stored \(ingested.tracesAdded) new traces in \(db) (\(ingested.tracesSkipped) already there)")
            lines += ingested.warnings
        }
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    private func resolutionChoice() throws -> ResolutionChoice {
        try ResolutionChoice(parsing: resolution, valueBudget: valueBudget)
    }

    /// Which layers are not kept full, or nil when all are.
    private static func resolutionNote(_ topology: ModelTopology, _ resolutions: [LayerResolution]) -> String? {
        let reduced = topology.layers.filter { resolutions[$0.index] != .full }
        guard !reduced.isEmpty else { return nil }
        let stored = topology.layers.reduce(0) { $0 + resolutions[$1.index].storedValueCount(of: $1) }
        let layers = reduced.map { "\($0.name) \(resolutions[$0.index].rawValue)" }.joined(separator: ", ")
        return "resolution: \(layers); \(stored) of \(topology.layers.reduce(0) { $0 + $1.valueCount }) values stored per trace"
    }

    /// Runs `capture` into a stream at `--out` and, from memory, into `store` with the model's
    /// bytes `onnx` (no stream is written and read back). On any failure the unfinished stream is abandoned and the
    /// store's run is recorded as failed, keeping the traces already stored. `seconds`: from the
    /// first input until the stream and the store are finished (frames still being encoded in
    /// the background and the store's last batch included).
    private func run(_ capture: CaptureRun, header: StreamHeader, store: (any ProvenanceBackend)?, onnx: Data, progress: ProgressReporter)
        throws -> (capture: CaptureSummary, written: TraceStreamWriter.Summary?, ingested: IngestSummary?, seconds: Double)
    {
        let writer = try out.map { try TraceStreamWriter(path: $0, header: header) }
        var ingestion: (any TraceIngestion)?
        do {
            if let store {
                let run = try store.beginIngest(sources: "capture of \(source.data.inputs) with \(source.model)", batchSize: 2000)
                ingestion = run
                try run.beginModel(capture.topology, encoding: precision, source: source.model, onnx: onnx, resolutions: header.resolutions)
            }
            let started = Date()
            let summary = try capture.runBatches(progress: progress.update(done:)) { batch in
                try writer?.append(batch)
                if let ingestion { try batch.traces.forEach(ingestion.add) }
            }
            let written = try writer?.finish(), ingested = try ingestion?.finish()
            return (summary, written, ingested, Date().timeIntervalSince(started))
        } catch {
            writer?.abandon()
            ingestion?.fail(error)
            throw error
        }
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
