import IPG

/// What a capture run did: how many traces, how many of the labelled inputs the model got
/// right, and how long it took.
public struct CaptureSummary: Sendable {
    public internal(set) var traceCount = 0
    /// Traces whose input had a true label.
    public internal(set) var labelledCount = 0
    /// Labelled traces the model predicted correctly.
    public internal(set) var correctCount = 0
    /// From the first input to the last trace handed to the sink (what the sink still does
    /// afterwards, such as finishing a stream, is not included).
    public internal(set) var seconds: Double = 0

    /// Accuracy over the labelled inputs; nil when none had a label.
    public var accuracy: Double? {
        labelledCount > 0 ? Double(correctCount) / Double(labelledCount) : nil
    }

    mutating func count(_ metadata: TraceMetadata) {
        traceCount += 1
        guard let trueLabel = metadata.trueLabel else { return }
        labelledCount += 1
        if trueLabel == metadata.predictedLabel { correctCount += 1 }
    }
}
