import Foundation
import IPG

/// One capture over a set of inputs: reads the samples a batch at a time (`BatchLoop`), runs
/// the model with IPG capture, and hands each trace, in input order, to a sink as soon as its
/// batch is done — a stream writer, a store, or a closure feeding both. Everything that can be
/// checked before the first trace is checked when the run is made, so a caller can open its
/// outputs only then. A run runs once: it reads its samples as it goes.
public final class CaptureRun {
    /// The layer table every trace is addressed by (a stream header needs it first).
    public let topology: ModelTopology
    private let capture: ProvenanceCapture
    private let samples: any SampleSource
    private let metadata: CaptureMetadata
    private let loop: BatchLoop
    private var hasRun = false

    /// Checks that there are inputs, that the parents (if any) cover them and that the model
    /// takes them (shape, fixed batch axis), and plans the IPG layers.
    public init(
        session: InferenceSession, samples: any SampleSource, metadata: CaptureMetadata,
        thresholds: ActivationThresholds = ActivationThresholds(), batchSize: Int
    ) throws {
        guard samples.count > 0 else { throw EngineError("\(samples.source): no inputs to capture") }
        if let parents = metadata.parents, parents.indices.count < samples.count {
            throw EngineError("\(parents.source): \(parents.indices.count) parent indices for \(samples.count) inputs")
        }
        loop = BatchLoop(session: session, requestedBatchSize: batchSize)
        try loop.check(count: samples.count)
        let sampleShape = try session.modelSampleShape(for: samples.sampleShape, source: samples.source)
        capture = try ProvenanceCapture(session: session, sampleShape: sampleShape, thresholds: thresholds)
        topology = capture.topology
        self.samples = samples
        self.metadata = metadata
    }

    /// Captures every input in order, handing each trace to `sink`; `progress` gets the number
    /// of inputs done after each batch. An error from the samples, the model or the sink stops
    /// the run and is rethrown.
    public func run(progress: (Int) -> Void = { _ in }, sink: (Trace) throws -> Void) throws -> CaptureSummary {
        try runBatches(progress: progress) { batch in
            for position in 0..<batch.count { try sink(batch.trace(position)) }
        }
    }

    /// Captures every input in order, handing each batch's traces to `sink` at once, in the
    /// evaluation's batch-major storage (no per-trace copies); otherwise as `run(progress:sink:)`.
    public func runBatches(progress: (Int) -> Void = { _ in }, sink: (TraceBatch) throws -> Void) throws -> CaptureSummary {
        precondition(!hasRun, "a capture run runs once")
        hasRun = true
        let started = Date()
        var summary = CaptureSummary()
        try loop.run(samples, progress: progress) { batch in
            let descriptions = batch.positions.enumerated().map { offset, index in
                SampleDescription(
                    inputIndex: index, trueLabel: batch.labels?[offset], tag: metadata.tag,
                    parent: metadata.parents.map { TraceReference(tag: $0.tag, inputIndex: $0.indices[index]) },
                    attributes: metadata.attributes)
            }
            let input = try capture.session.shapeForInput(batch.features, source: samples.source)
            let traces = try capture.captureBatch(input, samples: descriptions)
            traces.metadata.forEach { summary.count($0) }
            try sink(traces)
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}
