/// Samples read a batch at a time, in order: a data file streamed from disk (`DatasetStream`)
/// or tensors already in memory (`TensorSamples`). `BatchLoop` walks one.
public protocol SampleSource: AnyObject {
    /// Where the samples come from (file paths), for messages.
    var source: String { get }
    /// Number of samples, read or not.
    var count: Int { get }
    /// Each sample's shape (the data's, not necessarily the model's).
    var sampleShape: [Int] { get }
    /// The next samples, at most `maximumCount` of them (at least one), or nil after the last.
    func nextBatch(maximumCount: Int) throws -> SampleBatch?
}

/// Consecutive samples of a walk over a `SampleSource`, with their labels when known.
public struct SampleBatch: Sendable {
    /// Position of the first sample in the walk: its input index when a file is read in order.
    public var start: Int
    /// `[count, …sample shape]`, float32, normalised.
    public var features: Tensor
    /// One true label per sample, when known.
    public var labels: [Int]?

    public init(start: Int, features: Tensor, labels: [Int]?) {
        self.start = start
        self.features = features
        self.labels = labels
    }

    /// Number of samples.
    public var count: Int { features.shape.first ?? 0 }

    /// Positions of the samples in the walk.
    public var positions: Range<Int> { start..<(start + count) }
}
