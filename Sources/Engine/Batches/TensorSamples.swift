/// Samples already in memory, read a batch at a time in a given order (by default all of them
/// as they are stored).
public final class TensorSamples: SampleSource {
    public let source: String
    public let features: Tensor
    public let labels: [Int]?
    /// Indices of the samples in the order they are read.
    public let order: [Int]?
    private var position = 0

    /// `features` is `[N, …sample shape]`; `labels`, when given, has one label per sample;
    /// `order`, when given, lists the samples to read (e.g. shuffled).
    public init(_ features: Tensor, labels: [Int]? = nil, order: [Int]? = nil, source: String = "memory") {
        precondition(labels == nil || labels?.count == features.shape.first, "one label per sample")
        self.features = features
        self.labels = labels
        self.order = order
        self.source = source
    }

    /// The samples of `dataset`, in order.
    public convenience init(_ dataset: Dataset) {
        self.init(dataset.features, labels: dataset.labels, source: dataset.source)
    }

    public var count: Int { order?.count ?? features.shape.first ?? 0 }

    public var sampleShape: [Int] { Array(features.shape.dropFirst()) }

    public func nextBatch(maximumCount: Int) throws -> SampleBatch? {
        let range = position..<min(position + maximumCount, count)
        guard !range.isEmpty else { return nil }
        position = range.upperBound
        guard let order else {
            return SampleBatch(start: range.lowerBound, features: features.batchSlice(range), labels: labels.map { Array($0[range]) })
        }
        let indices = Array(order[range])
        return SampleBatch(
            start: range.lowerBound, features: features.gatherSamples(indices), labels: labels.map { labels in indices.map { labels[$0] } })
    }
}
